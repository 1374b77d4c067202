//! Starts the real application on a free port against a fresh database with demo data: a
//! SQLite file in a temporary folder, or, when `PSLOG_TEST_POSTGRES_URL` names a PostgreSQL
//! server (`postgres://USER@HOST:PORT/DB`, a user that may create databases), a new database
//! of its own there. `scripts/test.sh` runs the suite both ways.

use app::auth::password::Password;
use app::auth::users;
use app::codes::Role;
use app::db::Db;
use server::application::{Application, Config};
use server::demo::{fill, DemoConfig};

/// The demo's newest instant: the start of the current minute, so that the accounts the
/// demo leaves on line are registered now (registrations are judged by the real clock).
pub fn anchor_ms() -> i64 {
    static ANCHOR: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *ANCHOR.get_or_init(|| {
        let now = chrono::Utc::now().timestamp_millis();
        now - now.rem_euclid(60_000)
    })
}

/// The PostgreSQL server the tests run on, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("PSLOG_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

/// `sql` with its `?` placeholders as the test database wants them (`$1`, `$2`, ... on
/// PostgreSQL). Test SQL only: the application's own SQL is built by sea-query.
pub fn sql(text: &str) -> std::borrow::Cow<'_, str> {
    if postgres_server().is_none() {
        return text.into();
    }
    let mut n = 0;
    text.chars()
        .map(|c| match c {
            '?' => {
                n += 1;
                format!("${n}")
            }
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

/// The URL of a new, empty database named after `name`: a file in `dir`, or a database
/// created for it on the test PostgreSQL server.
pub async fn fresh_database(dir: &std::path::Path, name: &str) -> String {
    let Some(server) = postgres_server() else {
        return format!("sqlite://{}/{name}.db", dir.display());
    };
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let database = format!("pslog_test_{}_{n}_{name}", std::process::id()).to_lowercase().replace('-', "_");
    sqlx::any::install_default_drivers();
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&server).await.expect("the test PostgreSQL");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {database}")).execute(&mut admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {database}")).execute(&mut admin).await.unwrap();
    let mut url = url::Url::parse(&server).expect("PSLOG_TEST_POSTGRES_URL is a URL");
    url.set_path(&database);
    url.to_string()
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// Signed in as the admin `admin`.
    pub client: reqwest::Client,
    url: String,
    _dir: tempfile::TempDir,
}

/// The console users every test app has, one per role, and their password.
pub const USERS: [(&str, Role); 3] = [("admin", Role::Admin), ("auditor", Role::Auditor), ("support", Role::Support)];
pub const PASSWORD: &str = "test-Password-1";

/// A client that keeps cookies and, like a browser, names its origin on every request.
pub fn browser(base: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The value of the hidden field `name` in a page's HTML.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].to_owned())
}

/// HTML without Leptos's hydration markers (`<!>`: empty comments between a view's parts).
pub fn without_markers(html: String) -> String {
    html.replace("<!>", "")
}

impl TestApp {
    /// The app on a database with `rows` demo rows per category.
    pub async fn spawn(rows: u64) -> TestApp {
        TestApp::spawn_demo(DemoConfig { rows, seed: 7, anchor_ms: anchor_ms() }).await
    }

    /// The app on a database filled by the demo generator with `config`.
    pub async fn spawn_demo(config: DemoConfig) -> TestApp {
        TestApp::start(Some(config), Config::quiet()).await
    }

    /// The app on a freshly migrated, empty database.
    pub async fn spawn_empty() -> TestApp {
        TestApp::start(None, Config::quiet()).await
    }

    /// The app started with `config`, on a freshly migrated, empty database.
    pub async fn spawn_configured(config: Config) -> TestApp {
        TestApp::start(None, config).await
    }

    /// Opens a fresh database with the console users of [`USERS`] (and demo data), then
    /// starts the app on it as `pslog serve` does, and signs the admin in.
    async fn start(demo: Option<DemoConfig>, config: Config) -> TestApp {
        // The server's warnings and errors go to the test's output (shown when it fails).
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
        let dir = tempfile::tempdir().expect("temp dir");
        let url = fresh_database(dir.path(), "pslog").await;
        let db = server::database::open(&url).await.expect("open database");
        for (name, role) in USERS {
            let password = Password::new(PASSWORD.into()).unwrap();
            users::add(&db, users::Actor::CommandLine, name, role, password, None, 0).await.expect("user");
        }
        if let Some(config) = demo {
            fill(&db, &config).await.expect("demo data");
        }
        let server = Application::build(db.clone(), config).await.expect("start the app");
        let base = format!("http://{}", server.addr());
        let client = browser(&base);
        let app = TestApp { base, db, client, url, _dir: dir };
        assert_eq!(app.login(&app.client, "admin", PASSWORD).await, "/", "admin logs in");
        app
    }

    /// Logs `client` in through the login form; returns where the login redirected to.
    pub async fn login(&self, client: &reqwest::Client, username: &str, password: &str) -> String {
        let page = client.get(format!("{}/login", self.base)).send().await.unwrap().text().await.unwrap();
        let nonce = hidden_field(&page, "csrf").expect("the login form's nonce");
        let form = [("csrf", nonce.as_str()), ("username", username), ("password", password), ("next", "")];
        let response = client.post(format!("{}/login", self.base)).form(&form).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 303, "login answers with a redirect");
        response.headers()["location"].to_str().unwrap().to_owned()
    }

    /// A client signed in as `username` (one of [`USERS`]).
    pub async fn client_as(&self, username: &str) -> reqwest::Client {
        let client = browser(&self.base);
        assert_eq!(self.login(&client, username, PASSWORD).await, "/", "{username} logs in");
        client
    }

    /// Status, content type and body of a GET as the admin; in HTML the hydration markers
    /// (`<!>`, empty comments the type-erased views write) are left out, as a browser shows it.
    pub async fn get(&self, path: &str) -> (u16, String, String) {
        let response = self.client.get(format!("{}{path}", self.base)).send().await.expect(path);
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        (status, content_type, without_markers(response.text().await.expect("body")))
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        let (status, _, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).expect("json")
    }

    /// One number from SQL.
    pub async fn execute(&self, sql: &str) {
        sqlx::query(&self::sql(sql)).execute(&self.db.pool).await.expect(sql);
    }

    /// One number from SQL with bound text parameters.
    pub async fn scalar_bound(&self, sql: &str, params: &[&str]) -> i64 {
        use sqlx::Row;
        let text = self::sql(sql);
        let mut query = sqlx::query(&text);
        for p in params {
            query = query.bind(p.to_string());
        }
        query.fetch_one(&self.db.pool).await.expect(sql).try_get(0).expect(sql)
    }

    /// The database's URL, for a `pslog` command run beside the app.
    pub fn database_url(&self) -> String {
        self.url.clone()
    }

    /// One text from SQL.
    pub async fn text(&self, sql: &str) -> String {
        use sqlx::Row;
        sqlx::query(&self::sql(sql)).fetch_one(&self.db.pool).await.expect(sql).try_get(0).expect(sql)
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&self::sql(sql)).fetch_one(&self.db.pool).await.expect(sql).try_get(0).expect(sql)
    }
}
