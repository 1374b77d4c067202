//! What every category answers, pinned: the JSON API, the CSV export, the list and detail
//! server functions and an account page, on deterministic demo data (fixed seed and anchor),
//! compared byte for byte (JSON as sent, so that field order counts too) with the files in `tests/integration/pinned/`. A refactoring of the list
//! machinery must leave them exactly as they are.
//!
//! After an intended change of output: `PSLOG_BLESS=1 cargo test -p server --test integration pinned_outputs`
//! rewrites the files; review their diff before committing it.

use crate::common::TestApp;
use app::list::Category;
use server::demo::DemoConfig;
use std::path::PathBuf;

/// 2025-11-22T12:00:00Z: every registration of the demo has expired by the time the test
/// runs, so nothing depends on the real clock (but the one registration the test adds).
const ANCHOR_MS: i64 = 1_763_812_800_000;

fn pinned_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/integration/pinned").join(name)
}

/// Compares `actual` with the pinned file (or writes it when blessing); returns a mismatch.
fn compare(name: &str, actual: &str) -> Option<String> {
    let path = pinned_path(name);
    if std::env::var_os("PSLOG_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write pinned output");
        return None;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if expected == actual {
        return None;
    }
    let at = expected.bytes().zip(actual.bytes()).position(|(a, b)| a != b).unwrap_or(expected.len().min(actual.len()));
    let around = |s: &str| s.get(at.saturating_sub(80)..(at + 80).min(s.len())).unwrap_or("").to_owned();
    Some(format!(
        "{name} differs from the pinned output at byte {at}:\n  pinned: {}\n  now:    {}",
        around(&expected),
        around(actual)
    ))
}

/// A CSV export, and the Security Event that logs it taken out again once written (its time
/// is the test's, not the demo's).
async fn export(app: &TestApp, path: &str) -> String {
    let csv = get_text(app, path).await;
    let logged = "SELECT COUNT(*) FROM security_event WHERE event_type = 'DATA_EXPORT'";
    for _ in 0..200 {
        if app.scalar(logged).await > 0 {
            app.execute("DELETE FROM security_event WHERE event_type = 'DATA_EXPORT'").await;
            return csv;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the export of {path} was not logged");
}

/// The account page's data without its 30-day strip, which is the 30 days before the test
/// runs, not before the demo's anchor (`overview.rs` checks it against the lists).
fn without_activity(account: String) -> String {
    let Some(start) = account.find(",\"activity\":[") else { return account };
    let Some(length) = account[start..].find("],\"timeline\":") else { return account };
    format!("{}{}", &account[..start], &account[start + length + 1..])
}

async fn get_text(app: &TestApp, path: &str) -> String {
    let (status, _, body) = app.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn server_fn(app: &TestApp, name: &str, form: &[(&str, &str)]) -> String {
    let response = app.client.post(format!("{}/api/{name}", app.base)).form(form).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{name} {form:?}");
    response.text().await.unwrap()
}

/// A page query of `category` sorted by its second sortable column, ascending.
fn sorted_query(category: Category) -> String {
    let key = category.spec().columns.iter().filter_map(|c| c.sort_key).nth(1).unwrap_or("timestamp");
    format!("size=50&page=2&sort={key}&dir=asc")
}

async fn outputs_of(app: &TestApp, tag: &str, mismatches: &mut Vec<String>) {
    for &category in Category::ALL {
        let slug = category.slug();
        let json = get_text(app, &format!("/api/v1/{slug}?size=100")).await;
        mismatches.extend(compare(&format!("{tag}{slug}.json"), &json));
        let csv = export(app, &format!("/api/v1/{slug}.csv")).await;
        mismatches.extend(compare(&format!("{tag}{slug}.csv"), &csv));
        let page = server_fn(app, "log_page", &[("category", slug), ("query", &sorted_query(category))]).await;
        mismatches.extend(compare(&format!("{tag}{slug}.page.json"), &page));
        let first: serde_json::Value = serde_json::from_str(&json).unwrap();
        if let Some(id) = first["items"][0]["id"].as_i64() {
            let detail = server_fn(app, "log_detail", &[("category", slug), ("id", &id.to_string())]).await;
            mismatches.extend(compare(&format!("{tag}{slug}.detail.json"), &detail));
        }
    }
    let account = without_activity(server_fn(app, "account", &[("id", "3")]).await);
    mismatches.extend(compare(&format!("{tag}account-3.json"), &account));
}

#[tokio::test]
async fn every_category_answers_as_pinned() {
    let app = TestApp::spawn_demo(DemoConfig { rows: 150, seed: 7, anchor_ms: ANCHOR_MS }).await;
    // The test's own logins and the server's start happen now: keep only the deterministic rows.
    app.execute(&format!("DELETE FROM web_session WHERE occurred_at > {ANCHOR_MS}")).await;
    app.execute(&format!("DELETE FROM security_event WHERE occurred_at > {ANCHOR_MS}")).await;
    app.execute("DELETE FROM system_event WHERE description = 'Console service started'").await;
    // One account registered for ten years from the anchor: on line whenever the test runs.
    app.execute(&format!(
        "INSERT INTO sip_session (occurred_at, event, source, peername, account_id, details, useragent, \
         remote_addr, tls_cipher, transport, reconciled, expires_secs) \
         SELECT {ANCHOR_MS}, 'REGISTER', 'CLIENT', username, id, '200 OK', 'PGSM-10.4.1600-android', \
         '10.1.2.3:5061', 'AES256-SHA', 'TLS', 0, 315360000 FROM account WHERE id = 3"
    ))
    .await;
    let mut mismatches = Vec::new();
    outputs_of(&app, "", &mut mismatches).await;
    // Under MASK the numbers are hidden in every output.
    app.execute("UPDATE settings SET cdr_masking = 'MASK', time_zone = 'Europe/Rome'").await;
    for slug in ["cdr", "accounts", "install-messages"] {
        let json = get_text(&app, &format!("/api/v1/{slug}?size=100")).await;
        mismatches.extend(compare(&format!("masked-{slug}.json"), &json));
        let csv = export(&app, &format!("/api/v1/{slug}.csv")).await;
        mismatches.extend(compare(&format!("masked-{slug}.csv"), &csv));
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
