//! Who may do what: every route and server function, called as anonymous, support, auditor,
//! admin, and with a `read` and an `ingest` API token. Refused calls change nothing.

use crate::common::{browser, TestApp};
use reqwest::{Client, Method};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Support,
    Auditor,
    Admin,
    ReadToken,
    IngestToken,
}

const EVERYONE: [Who; 6] = [Who::Anonymous, Who::Support, Who::Auditor, Who::Admin, Who::ReadToken, Who::IngestToken];

/// What a caller gets: allowed (2xx), or refused with this status.
fn expected(who: Who, needs: Needs, path: &str) -> u16 {
    let api = path.starts_with("/api/v1/");
    match (who, needs) {
        (Who::Anonymous, _) => 401,
        // Tokens open the /api/v1 API only: a read token GET (as an auditor), an ingest token POST.
        (Who::ReadToken | Who::IngestToken, _) if !api => 403,
        (Who::ReadToken, Needs::Ingester) | (Who::IngestToken, Needs::Reader | Needs::Exporter) => 403,
        (Who::ReadToken, _) | (Who::IngestToken, _) => 200,
        (_, Needs::Ingester) => 403,
        (_, Needs::Reader) => 200,
        (Who::Support, Needs::Exporter) => 403,
        (_, Needs::Exporter) => 200,
        (Who::Admin, Needs::Admin) => 200,
        (_, Needs::Admin) => 403,
    }
}

#[derive(Clone, Copy, Debug)]
enum Needs {
    Reader,
    Exporter,
    Admin,
    Ingester,
}

struct Call {
    method: Method,
    path: &'static str,
    /// Form fields; `{csrf}` is replaced by the caller's own session token.
    form: &'static [(&'static str, &'static str)],
    /// An NDJSON body instead of a form.
    ndjson: Option<&'static str>,
    needs: Needs,
}

const fn get(path: &'static str, needs: Needs) -> Call {
    Call { method: Method::GET, path, form: &[], ndjson: None, needs }
}

const fn post(path: &'static str, form: &'static [(&'static str, &'static str)], needs: Needs) -> Call {
    Call { method: Method::POST, path, form, ndjson: None, needs }
}

const fn ingest(path: &'static str, ndjson: &'static str) -> Call {
    Call { method: Method::POST, path, form: &[], ndjson: Some(ndjson), needs: Needs::Ingester }
}

/// What anyone may call under /api/v1: the API's description (shape, no data).
const PUBLIC_API: &[(&str, &str)] = &[("GET", "/api/v1/openapi.json")];

/// `/api/v1/cdr/1?x=y` → `/api/v1/<log>/{id}`: the shape of an API path, whatever its log.
/// Whether the answer is a stream of server-sent events (a followed list).
pub fn streams(response: &reqwest::Response) -> bool {
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    kind.starts_with("text/event-stream")
}

fn api_shape(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let Some(rest) = path.strip_prefix("/api/v1/") else { return path.to_owned() };
    let mut parts = rest.split('/');
    let first = parts.next().unwrap_or_default();
    let log = match first.strip_suffix(".csv") {
        Some(slug) if app::list::Category::from_slug(slug).is_some() => "<log>.csv".to_owned(),
        _ if app::list::Category::from_slug(first).is_some() => "<log>".to_owned(),
        _ => first.to_owned(),
    };
    let tail: Vec<&str> = parts.map(|p| if p.parse::<i64>().is_ok() { "{id}" } else { p }).collect();
    std::iter::once(format!("/api/v1/{log}")).chain(tail.into_iter().map(str::to_owned)).collect::<Vec<_>>().join("/")
}

/// The API routes, as the running router serves them (the OpenAPI test checks the document
/// against the router, both ways): each shape must be in [`CALLS`] or public.
#[tokio::test]
async fn the_table_knows_every_api_route() {
    let app = TestApp::spawn_empty().await;
    let doc: serde_json::Value =
        reqwest::get(format!("{}/api/v1/openapi.json", app.base)).await.unwrap().json().await.unwrap();
    let known: std::collections::BTreeSet<(String, String)> =
        CALLS.iter().map(|c| (c.method.as_str().to_owned(), api_shape(c.path))).collect();
    let mut untested = Vec::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let key = (method.to_uppercase(), api_shape(path));
            let public = PUBLIC_API.contains(&(key.0.as_str(), path.as_str()));
            if !public && !known.contains(&key) {
                untested.push(key);
            }
        }
    }
    assert!(known.contains(&("GET".to_owned(), "/api/v1/<log>/{id}".to_owned())), "{known:?}");
    assert!(untested.is_empty(), "API routes missing from the roles table: {untested:?}");
}

/// Every API route and server function of the console.
const CALLS: &[Call] = &[
    get("/api/v1/cdr", Needs::Reader),
    get("/api/v1/web-sessions?result=SUCCESS", Needs::Reader),
    get("/api/v1/accounts", Needs::Reader),
    get("/api/v1/cdr/1", Needs::Reader),
    get("/api/v1/cdr/follow?disposition=BUSY", Needs::Reader),
    get("/api/v1/cdr.csv", Needs::Exporter),
    get("/api/v1/security.csv", Needs::Exporter),
    post("/api/whoami", &[], Needs::Reader),
    post("/api/log_page", &[("category", "cdr"), ("query", "")], Needs::Reader),
    post("/api/log_detail", &[("category", "web-sessions"), ("id", "1")], Needs::Reader),
    post("/api/account", &[("id", "1")], Needs::Reader),
    post("/api/overview", &[("window", "7d")], Needs::Reader),
    post("/api/settings", &[], Needs::Admin),
    post(
        "/api/update_settings",
        &[
            ("csrf", "{csrf}"),
            ("time_zone", "UTC"),
            ("cdr_masking", "NONE"),
            ("cdr_retention_period", "MONTH"),
            ("cdr_retention_count", "12"),
            ("cef[vendor]", "Internal Application"),
            ("cef[product]", "Secure Mobile Voice"),
            ("cef[version]", "12.0"),
            ("cef[device_external_id]", "76293-1"),
            ("cef[dhost]", ""),
        ],
        Needs::Admin,
    ),
    post("/api/forwarding", &[], Needs::Admin),
    post("/api/console_users", &[], Needs::Admin),
    post(
        "/api/add_console_user",
        &[
            ("csrf", "{csrf}"),
            ("username", "{new}"),
            ("role", "support"),
            ("password", "another-Secret-1"),
            ("valid_days", ""),
        ],
        Needs::Admin,
    ),
    post("/api/api_tokens", &[], Needs::Admin),
    post("/api/add_api_token", &[("csrf", "{csrf}"), ("name", "{new}"), ("scope", "read")], Needs::Admin),
    post("/api/revoke_api_token", &[("csrf", "{csrf}"), ("id", "3")], Needs::Admin),
    ingest("/api/v1/system", r#"{"occurred_at": 1, "description": "roles test"}"#),
    ingest("/api/v1/accounts", r#"{"id": 90001, "username": "roles-test"}"#),
    // Last: changing a user ends their sessions.
    post(
        "/api/change_console_user",
        &[("csrf", "{csrf}"), ("username", "support"), ("action", "enable")],
        Needs::Admin,
    ),
];

/// A client that sends `token` on every request, and no cookies.
fn with_token(token: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn token(app: &TestApp, name: &str, scope: app::codes::TokenScope) -> String {
    let (token, _) =
        app::auth::token::add(&app.db, app::auth::users::Actor::CommandLine, name, scope, None, 0).await.unwrap();
    token.reveal().to_owned()
}

async fn csrf_of(app: &TestApp, client: &Client) -> String {
    let response = client.post(format!("{}/api/whoami", app.base)).send().await.unwrap();
    if !response.status().is_success() {
        return String::new();
    }
    let me: serde_json::Value = response.json().await.unwrap();
    me["csrf"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_route_and_server_function_checks_the_role() {
    let app = TestApp::spawn(60).await;
    let mut clients = Vec::new();
    for who in EVERYONE {
        let client = match who {
            Who::Anonymous => browser(&app.base),
            Who::Support => app.client_as("support").await,
            Who::Auditor => app.client_as("auditor").await,
            Who::Admin => app.client.clone(),
            Who::ReadToken => with_token(&token(&app, "reader", app::codes::TokenScope::Read).await),
            Who::IngestToken => with_token(&token(&app, "sender", app::codes::TokenScope::Ingest).await),
        };
        let csrf = csrf_of(&app, &client).await;
        clients.push((who, client, csrf));
    }
    let users_before = app.scalar("SELECT COUNT(*) FROM console_user").await;
    // Tokens 1 and 2 are the callers'; 3 is the one the revoke call names.
    token(&app, "to-revoke", app::codes::TokenScope::Read).await;
    let tokens_before = app.scalar("SELECT COUNT(*) FROM api_token").await;
    for (i, call) in CALLS.iter().enumerate() {
        for (who, client, csrf) in &clients {
            let new_user = format!("new{i}{who:?}").to_lowercase();
            let form: Vec<(&str, String)> =
                call.form.iter().map(|(k, v)| (*k, v.replace("{csrf}", csrf).replace("{new}", &new_user))).collect();
            let mut request = client.request(call.method.clone(), format!("{}{}", app.base, call.path));
            request = match (&call.method, call.ndjson) {
                (&Method::POST, Some(ndjson)) => {
                    request.header("content-type", "application/x-ndjson").body(ndjson.to_owned())
                }
                (&Method::POST, None) => request.form(&form),
                _ => request,
            };
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            // A followed list's events never end: its status is the answer.
            let body = if streams(&response) { String::new() } else { response.text().await.unwrap() };
            let want = expected(*who, call.needs, call.path);
            assert_eq!(status, want, "{who:?} {} {}: {body}", call.method, call.path);
        }
    }
    // A malformed call is a 400 with the reason, not a server error.
    let (_, admin, csrf) = &clients[3];
    assert_eq!(app.scalar("SELECT COUNT(*) FROM api_token WHERE revoked_at IS NOT NULL").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM api_token").await, tokens_before + 1, "only the admin's token add");
    // Only the ingest token's events and account went in.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM system_event WHERE description = 'roles test'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM account WHERE id = 90001").await, 1);
    let missing = admin.post(format!("{}/api/update_settings", app.base)).form(&[("csrf", csrf)]).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 400);
    assert!(missing.text().await.unwrap().contains("BadRequest"));
    // Only the admin's add went through.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM console_user").await, users_before + 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM console_user WHERE username LIKE 'new%admin'").await, 1);
}

#[tokio::test]
async fn pages_send_the_anonymous_to_login_and_refuse_the_wrong_role() {
    let app = TestApp::spawn(30).await;
    let anonymous = browser(&app.base);
    for page in [
        "/",
        "/logs/cdr?disposition=ANSWERED",
        "/logs/web-sessions/1",
        "/accounts",
        "/accounts/1",
        "/settings",
        "/users",
    ] {
        let response = anonymous.get(format!("{}{page}", app.base)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 303, "{page}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let next = serde_urlencoded::to_string([("next", page)]).unwrap();
        let expected = if page == "/" { "/login".to_owned() } else { format!("/login?{next}") };
        assert_eq!(location, expected, "{page} comes back after the login");
    }
    // The login page and its assets are open to all.
    let login = anonymous.get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(login.status().as_u16(), 200);
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(login.headers()[name], value, "{name}");
    }

    for (who, status) in [("support", 403), ("auditor", 403), ("admin", 200)] {
        let client = app.client_as(who).await;
        for page in ["/settings", "/users"] {
            let response = client.get(format!("{}{page}", app.base)).send().await.unwrap();
            assert_eq!(response.status().as_u16(), status, "{who} {page}");
            let body = response.text().await.unwrap();
            if status == 403 {
                assert!(body.contains("You do not have permission"), "{who} {page} says why");
            }
        }
        let home = client.get(format!("{}/", app.base)).send().await.unwrap().text().await.unwrap();
        let home = crate::common::without_markers(home);
        assert_eq!(home.contains(">Settings</a>"), who == "admin", "{who}: the Settings link");
        let cdr = client.get(format!("{}/logs/cdr", app.base)).send().await.unwrap().text().await.unwrap();
        let cdr = crate::common::without_markers(cdr);
        assert_eq!(cdr.contains(">CSV</a>"), who != "support", "{who}: the CSV link");
    }
}

/// Install and activation tokens and message links let anyone install or activate in the
/// user's name: the admin sees them; support and auditors read every other field, in pages,
/// details, the JSON API and CSV alike, and the secrets as "hidden".
#[tokio::test]
async fn message_secrets_are_for_admins_only() {
    let app = TestApp::spawn(60).await;
    let support = app.client_as("support").await;
    let auditor = app.client_as("auditor").await;
    for slug in ["install-messages", "activation-messages"] {
        let admin_view = app.json(&format!("/api/v1/{slug}?size=10")).await;
        let first = &admin_view["items"][0];
        let (id, token, link) =
            (first["id"].as_i64().unwrap(), first["token"].as_str().unwrap(), first["message_link"].as_str().unwrap());
        assert!(!token.is_empty() && token != app::db::render::HIDDEN, "the admin sees the token");
        for reader in [&support, &auditor] {
            let list: serde_json::Value =
                reader.get(format!("{}/api/v1/{slug}?size=10", app.base)).send().await.unwrap().json().await.unwrap();
            assert_eq!(list["items"][0]["token"], app::db::render::HIDDEN, "{slug}");
            assert_eq!(list["items"][0]["message_link"], app::db::render::HIDDEN, "{slug}");
            let item =
                reader.get(format!("{}/api/v1/{slug}/{id}", app.base)).send().await.unwrap().text().await.unwrap();
            assert!(!item.contains(token) && !item.contains(link), "{slug} item: {item}");
            let detail =
                reader.get(format!("{}/logs/{slug}/{id}", app.base)).send().await.unwrap().text().await.unwrap();
            assert!(!detail.contains(token) && detail.contains(app::db::render::HIDDEN), "{slug} detail page");
        }
        let csv = auditor.get(format!("{}/api/v1/{slug}.csv", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(!csv.contains(token) && !csv.contains(link), "{slug} CSV");
    }
}

/// What anyone may call: the login form's nonce (the login page needs it before anyone is
/// signed in). Every other server function must be in [`CALLS`].
const PUBLIC_SERVER_FUNCTIONS: &[&str] = &["/api/login_form"];

/// The table above is checked against the server functions the application registers, so a
/// new one cannot go untested: each must be in [`CALLS`] (with the role it needs) or public.
#[test]
fn the_table_knows_every_registered_server_function() {
    let known: std::collections::BTreeSet<&str> = CALLS.iter().map(|c| c.path).collect();
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    assert!(registered.len() > 5, "the registry is visible here: {registered:?}");
    let untested: Vec<&&str> =
        registered.iter().filter(|p| !known.contains(**p) && !PUBLIC_SERVER_FUNCTIONS.contains(p)).collect();
    assert!(untested.is_empty(), "server functions missing from the roles table: {untested:?}");
}
