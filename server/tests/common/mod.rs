//! Starts the real application on a free port against a fresh SQLite database with demo data.

#![allow(dead_code)] // each test binary uses a different part of this module

use app::db::{AppState, Db};
use server::demo::{fill, DemoConfig};
use std::net::SocketAddr;

/// The demo's newest instant: the start of the current minute, so that the accounts the
/// demo leaves on line are registered now (registrations are judged by the real clock).
pub fn anchor_ms() -> i64 {
    static ANCHOR: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *ANCHOR.get_or_init(|| {
        let now = chrono::Utc::now().timestamp_millis();
        now - now.rem_euclid(60_000)
    })
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The app on a database with `rows` demo rows per category.
    pub async fn spawn(rows: u64) -> TestApp {
        let app = TestApp::spawn_empty().await;
        fill(&app.db, &DemoConfig { rows, seed: 7, anchor_ms: anchor_ms() }).await.expect("demo data");
        app
    }

    /// The app on a freshly migrated, empty database.
    pub async fn spawn_empty() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/pslog.db", dir.path().display());
        let db = server::database::open(&url).await.expect("open database");
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let (bound, _handle) = server::web::serve(AppState::new(db.clone()), addr, "target/site").await.expect("serve");
        TestApp { base: format!("http://{bound}"), db, _dir: dir }
    }

    pub async fn get(&self, path: &str) -> (u16, String, String) {
        let response = reqwest::get(format!("{}{path}", self.base)).await.expect("request");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        (status, content_type, response.text().await.expect("body"))
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        let (status, _, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).expect("json")
    }

    /// One number from SQL.
    pub async fn execute(&self, sql: &str) {
        sqlx::query(sql).execute(&self.db.pool).await.expect(sql);
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql).fetch_one(&self.db.pool).await.expect(sql).try_get(0).expect(sql)
    }
}
