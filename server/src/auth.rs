//! The console's door: the session middleware in front of every route, and the login and
//! logout handlers. Plain HTML forms post to them, so they work without JavaScript.
//!
//! The middleware resolves the session cookie into a [`Caller`] (in the request's
//! extensions, where server functions and API handlers obtain their capabilities), refuses
//! anonymous callers everywhere but the login page and static files (pages redirect to the
//! login and back, the rest get 401), and refuses any state-changing request whose Origin (or
//! Referer) is not this console. A request with `Authorization: Bearer` is a machine's: its
//! API token, not a cookie, says who it is (see [`bearer_gate`]).

use crate::front::ConsoleOrigin;
use app::auth::client::{Client, ConsoleCookie};
use app::auth::journal;
use app::auth::password::{self, Password};
use app::auth::session::{self, Lookup};
use app::auth::throttle::{Attempt, Verdict};
use app::auth::token::{self, Authenticated};
use app::auth::users;
use app::auth::Caller;
use app::codes::{AuthResult, SecurityEventType};
use app::db::AppState;
use app::error::AppError;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use std::time::Instant;
use subtle::ConstantTimeEq;

pub fn routes<S>(state: AppState) -> Router<S> {
    Router::new().route("/login", post(login)).route("/logout", post(logout)).with_state(state)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The compiled wasm, JS and CSS, and the favicon.
fn is_static(path: &str) -> bool {
    let versioned = path.strip_prefix('/').and_then(|p| p.strip_prefix(crate::assets::PREFIX));
    path.starts_with("/pkg/") || versioned.is_some_and(|rest| rest.starts_with('/')) || path == app::FAVICON
}

/// What anyone may reach: the login page, its form nonce, the static files it needs, and the
/// API's description (it shows the shape of the data, none of it).
fn is_public(method: &Method, path: &str) -> bool {
    path == "/login"
        || (method == Method::POST && path == "/api/login_form")
        || (method == Method::GET && path == crate::openapi::PATH)
        || is_static(path)
}

/// Whether a request was sent by a page of this console: its Origin, or failing that its
/// Referer, is the console's origin, scheme and port included (an `http://` page of the same
/// host may not post to the `https://` console). A request with neither is not trusted.
fn same_origin(headers: &HeaderMap, console: Option<&ConsoleOrigin>) -> bool {
    let sender = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok());
    matches!((sender, console), (Some(s), Some(c)) if s.origin().is_tuple() && s.origin() == c.0)
}

/// Where to go after logging in: a path of this console, never another site. `next` is
/// resolved as a browser resolves a `Location` (the WHATWG URL rules: tabs and newlines
/// dropped, `\\` read as `/`, `//host` a host) against this console's own origin, and kept
/// only when the result is still there; what is sent back is the resolved path and query,
/// so the browser has nothing left to reinterpret. Never the login page itself.
fn safe_next(next: &str) -> String {
    let base = url::Url::parse("http://console.invalid/").expect("a valid base URL");
    match base.join(next) {
        // A path that resolves to `//…` would be read back as another host.
        Ok(url)
            if next.starts_with('/')
                && url.origin() == base.origin()
                && url.path() != "/login"
                && !url.path().starts_with("//") =>
        {
            let mut target = url.path().to_owned();
            if let Some(query) = url.query() {
                // The URL rules leave a `\\` in a query as it is; encoded, nothing can take it for `/`.
                target.push('?');
                target.push_str(&query.replace('\\', "%5C"));
            }
            target
        }
        _ => "/".to_owned(),
    }
}

/// To the login page with `params` (the error to show), keeping where to go after it.
fn login_redirect(params: &[(&str, &str)], next: &str) -> Response {
    let mut query = params.to_vec();
    let next = safe_next(next);
    if next != "/" {
        query.push(("next", &next));
    }
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    Redirect::to(&if query.is_empty() { "/login".to_owned() } else { format!("/login?{query}") }).into_response()
}

/// The session middleware (see the module's documentation).
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.headers().contains_key(header::AUTHORIZATION) && !is_public(request.method(), request.uri().path()) {
        return bearer_gate(&state, request, next).await.unwrap_or_else(|e| {
            let mut response = e.into_response();
            if response.status() == axum::http::StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        });
    }
    session_gate(&state, request, next).await
}

/// A machine's request (`Authorization: Bearer`): the token's capability goes into the
/// request, cookies are ignored, and no Origin is asked for (a token is not sent by a
/// browser on its own, so a forged cross-site request cannot carry one). Tokens open the
/// `/api/v1` API only: a `read` token GET and HEAD, an `ingest` token POST.
async fn bearer_gate(state: &AppState, mut request: Request, next: Next) -> Result<Response, AppError> {
    let ip = Client::of(request.extensions()).address.to_string();
    let value = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => token.trim(),
        _ => return Err(AppError::Unauthorized("Send the API token as 'Authorization: Bearer <token>'.".into())),
    };
    if !request.uri().path().starts_with("/api/v1/") {
        return Err(AppError::Forbidden("API tokens open the /api/v1 API only.".into()));
    }
    let attempt = Attempt::Token { address: &ip };
    if let Verdict::Locked(wait) | Verdict::Paced(wait) = state.throttle.reserve(attempt, Instant::now()) {
        return Err(AppError::TooManyRequests(format!(
            "Too many bad API tokens from this address; try again in {} minutes.",
            wait.as_secs().div_ceil(60)
        )));
    }
    let method = request.method().clone();
    let authenticated = token::authenticate(&state.db, token, &ip, now_ms()).await?;
    if authenticated.is_ok() {
        state.throttle.succeeded(attempt);
    }
    match authenticated {
        Err(refusal) => return Err(AppError::Unauthorized(refusal.message().into())),
        Ok(Authenticated::Reader(caller)) => {
            if !matches!(method, Method::GET | Method::HEAD) {
                return Err(AppError::Forbidden(
                    "A 'read' API token may only read (GET); sending events needs an 'ingest' token.".into(),
                ));
            }
            request.extensions_mut().insert(*caller);
        }
        Ok(Authenticated::Ingester(ingester)) => {
            if method != Method::POST {
                return Err(AppError::Forbidden(
                    "An 'ingest' API token may only send events (POST); reading needs a 'read' token.".into(),
                ));
            }
            request.extensions_mut().insert(ingester);
        }
    }
    let mut response = next.run(request).await;
    response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A browser's request: the session cookie's caller, the Origin check, the login redirect.
async fn session_gate(state: &AppState, mut request: Request, next: Next) -> Response {
    let secure = Client::of(request.extensions()).https;
    let mut stale_cookie = false;
    // Static files need no session: spare the database a lookup per file.
    let static_file = is_static(request.uri().path());
    if let Some(token) = ConsoleCookie::Session.read(request.headers(), secure).filter(|_| !static_file) {
        match session::lookup(&state.db, &token, state.session_idle, now_ms()).await {
            Ok(Lookup::Active(caller)) => {
                request.extensions_mut().insert(*caller);
            }
            Ok(Lookup::Expired | Lookup::Unknown) => stale_cookie = true,
            Err(e) => return e.into_response(),
        }
    }
    let method = request.method().clone();
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
        && !same_origin(request.headers(), request.extensions().get::<ConsoleOrigin>())
    {
        return AppError::Forbidden("This request did not come from a page of this console, so it was refused.".into())
            .into_response();
    }
    let path = request.uri().path().to_owned();
    let signed_in = request.extensions().get::<Caller>().is_some();
    let mut response = if signed_in || is_public(&method, &path) {
        next.run(request).await
    } else if method == Method::GET && !path.starts_with("/api/") {
        let here = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
        login_redirect(&[], &here)
    } else {
        AppError::Unauthorized("Log in to the console first.".into()).into_response()
    };
    if stale_cookie && !ConsoleCookie::Session.is_set_by(response.headers(), secure) {
        response.headers_mut().append(header::SET_COOKIE, ConsoleCookie::Session.set(None, secure));
    }
    // Logs and settings are not for shared caches or the browser's history cache.
    if !static_file {
        response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "csrf")]
    nonce: String,
    #[serde(default)]
    next: String,
}

/// How a login attempt ended.
enum Outcome {
    Success(i64),
    Failed {
        result: AuthResult,
        description: &'static str,
        error: &'static str,
    },
    /// Not checked: too many logins were being checked at once (no failure is counted).
    Busy,
}

async fn check_credentials(state: &AppState, form: &LoginForm, now: i64) -> Result<Outcome, AppError> {
    let user = users::find(&state.db, &form.username).await?;
    let typed = Password::typed(form.password.clone());
    let valid = match password::verify(typed, user.as_ref().map(|u| u.password_hash.clone())).await {
        Ok(valid) => valid,
        Err(AppError::TooManyRequests(_)) => return Ok(Outcome::Busy),
        Err(e) => return Err(e),
    };
    let bad = |result, description| Outcome::Failed { result, description, error: "credentials" };
    Ok(match user {
        None => bad(AuthResult::FailUserNotFound, "Failed login: unknown user"),
        Some(_) if !valid => bad(AuthResult::FailBadCredentials, "Failed login: wrong password"),
        Some(u) if u.disabled => bad(AuthResult::FailBadCredentials, "Failed login: user disabled"),
        Some(u) if u.password_expires_at.is_some_and(|t| t <= now) => Outcome::Failed {
            result: AuthResult::FailCredentialsExpired,
            description: "Failed login: password expired",
            error: "expired",
        },
        Some(u) => Outcome::Success(u.id),
    })
}

/// `POST /login`: checks the form's nonce, the throttle and the credentials; logs the attempt
/// in Web Sessions and Security Events; on success starts a session and goes to `next`.
async fn login(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let client = Client::of(request.extensions());
    let (ip, secure) = (client.address.to_string(), client.https);
    let Ok(Form(form)) = Form::<LoginForm>::from_request(request, &()).await else {
        return login_redirect(&[("error", "form")], "/");
    };
    let cookie_nonce = ConsoleCookie::LoginNonce.read(&headers, secure).unwrap_or_default();
    if form.nonce.is_empty() || !bool::from(cookie_nonce.as_bytes().ct_eq(form.nonce.as_bytes())) {
        return login_redirect(&[("error", "form")], &form.next);
    }
    // What the logs keep of a typed username: bounded, since anyone can type anything.
    let username = app::auth::users::attempted_username(&form.username);
    let result = attempt(&state, &form, &username, &ip, secure).await;
    let mut response = result.unwrap_or_else(|e| e.into_response());
    // The form's nonce is used up: a replayed post finds no cookie to match.
    response.headers_mut().append(header::SET_COOKIE, ConsoleCookie::LoginNonce.set(None, secure));
    response
}

/// A login attempt in the logs: its Web Sessions rows (`results`) and its Security Event
/// (`kind`, `text`), in one transaction.
async fn log_attempt(
    state: &AppState,
    now: i64,
    results: &[AuthResult],
    kind: SecurityEventType,
    text: &str,
    (username, ip): (&str, &str),
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    journal::web_session(&mut tx, now, results, username, ip).await?;
    journal::security(&mut tx, now, kind, text, username, ip).await?;
    Ok(tx.commit().await?)
}

/// An attempt refused before its password was checked (throttled, or the server busy). Web
/// Sessions' results are a closed set with no such result: it is a failed one there, and the
/// Security Event says why.
async fn log_refusal(state: &AppState, now: i64, why: &str, who: (&str, &str)) -> Result<(), AppError> {
    log_attempt(state, now, &[AuthResult::FailBadCredentials], SecurityEventType::LoginFailed, why, who).await
}

async fn attempt(
    state: &AppState,
    form: &LoginForm,
    username: &str,
    ip: &str,
    secure: bool,
) -> Result<Response, AppError> {
    let now = now_ms();
    let reserved = Attempt::Login { address: ip, username };
    // Counted before the password is checked (see `app::auth::throttle`).
    let delay_on_failure = match state.throttle.reserve(reserved, Instant::now()) {
        Verdict::Locked(wait) => {
            log_refusal(state, now, "Login refused: too many failed attempts", (username, ip)).await?;
            let minutes = wait.as_secs().div_ceil(60).to_string();
            return Ok(login_redirect(&[("error", "locked"), ("wait", &minutes)], &form.next));
        }
        Verdict::Paced(wait) => {
            log_refusal(state, now, "Login refused: too many attempts from this address", (username, ip)).await?;
            let seconds = wait.as_secs().max(1).to_string();
            return Ok(login_redirect(&[("error", "paced"), ("wait", &seconds)], &form.next));
        }
        Verdict::Check { wait, delay_on_failure } => {
            tokio::time::sleep(wait).await;
            delay_on_failure
        }
    };
    match check_credentials(state, form, now).await {
        Ok(Outcome::Success(user_id)) => {
            state.throttle.succeeded(reserved);
            let token = session::create(&state.db, user_id, ip, now).await?;
            let results = [AuthResult::Success, AuthResult::SuccessInteractive];
            log_attempt(state, now, &results, SecurityEventType::LogIn, "Successful login", (username, ip)).await?;
            let mut response = Redirect::to(&safe_next(&form.next)).into_response();
            response.headers_mut().append(header::SET_COOKIE, ConsoleCookie::Session.set(Some(token.as_str()), secure));
            Ok(response)
        }
        Ok(Outcome::Busy) => {
            // Not checked, so not a failure: a burst cannot lock anyone out.
            state.throttle.release(reserved);
            log_refusal(state, now, "Login refused: too many logins being checked at once", (username, ip)).await?;
            Ok(login_redirect(&[("error", "busy")], &form.next))
        }
        Ok(Outcome::Failed { result, description, error }) => {
            let results = [result];
            let logged = log_attempt(state, now, &results, SecurityEventType::LoginFailed, description, (username, ip));
            // The failure is already counted; the answer waits whether or not the log was written.
            let (logged, ()) = tokio::join!(logged, tokio::time::sleep(delay_on_failure));
            logged?;
            Ok(login_redirect(&[("error", error)], &form.next))
        }
        Err(e) => {
            tokio::time::sleep(delay_on_failure).await;
            Err(e)
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default, rename = "csrf")]
    token: String,
}

/// `POST /logout`: ends the session (the form must carry its token) and logs LOGOUT.
async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    extensions: axum::http::Extensions,
    Form(form): Form<LogoutForm>,
) -> Response {
    let secure = Client::of(&extensions).https;
    let result: Result<(), AppError> = async {
        caller.check_csrf(&form.token)?;
        let Some(key) = caller.session_key() else {
            return Err(AppError::Forbidden("An API token has no session to end.".into()));
        };
        // The session ends and LOGOUT is written together: never one without the other.
        let mut tx = state.db.begin().await?;
        if session::end(&mut tx, key).await? {
            let now = now_ms();
            journal::web_session(&mut tx, now, &[AuthResult::Logout], &caller.username, &caller.ip).await?;
            journal::security(&mut tx, now, SecurityEventType::LogOut, "Logout", &caller.username, &caller.ip).await?;
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => {
            let mut response = Redirect::to("/login?bye=1").into_response();
            response.headers_mut().append(header::SET_COOKIE, ConsoleCookie::Session.set(None, secure));
            response
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_console() {
        assert_eq!(safe_next("/logs/cdr?page=2"), "/logs/cdr?page=2");
        assert_eq!(safe_next("/logs/../settings"), "/settings", "sent resolved");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "\\/evil.example",
            "/%09/evil.example/x",
            "",
            "logs",
            "/login?next=/x",
            "/login",
        ] {
            let next = safe_next(bad);
            assert!(next == "/" || !next.contains("evil.example") || next.starts_with("/%09"), "{bad:?} → {next}");
        }
        assert_eq!(safe_next("/\t/evil.example"), "/");
    }

    /// Property: whatever `next` is, a browser following the answer stays on the console.
    /// Strings are drawn from the characters that matter to URL parsing.
    #[test]
    fn no_next_leaves_the_host() {
        const PIECES: &[&str] = &[
            "/",
            "\\",
            "\t",
            "\n",
            "\r",
            " ",
            ":",
            ".",
            "..",
            "@",
            "?",
            "#",
            "%",
            "%2f",
            "%5c",
            "%09",
            "evil.example",
            "http",
            "https:",
            "javascript:",
            "x",
            "login",
            "\u{0}",
            "\u{3000}",
            "\u{ff0f}",
            "\u{2215}",
            "[::1]",
            "%2e",
        ];
        let mut rng = fastrand::Rng::with_seed(20261124);
        let console = url::Url::parse("https://pslog.example:8443/logs/cdr").unwrap();
        for _ in 0..200_000 {
            let next: String = (0..rng.usize(0..8)).map(|_| PIECES[rng.usize(..PIECES.len())]).collect();
            let target = safe_next(&next);
            assert!(target.starts_with('/') && !target.starts_with("//"), "{next:?} → {target:?}");
            assert!(!target.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\'), "{next:?} → {target:?}");
            let followed = console.join(&target).expect("a browser can follow it");
            assert_eq!(followed.origin(), console.origin(), "{next:?} → {target:?}");
        }
    }

    #[test]
    fn only_requests_from_this_console_may_change_things() {
        let console = ConsoleOrigin(url::Url::parse("http://127.0.0.1:3000/").unwrap().origin());
        let with = |name, value: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(name, HeaderValue::from_static(value));
            h
        };
        assert!(!same_origin(&HeaderMap::new(), Some(&console)), "neither Origin nor Referer");
        assert!(same_origin(&with(header::ORIGIN, "http://127.0.0.1:3000"), Some(&console)));
        assert!(!same_origin(&with(header::ORIGIN, "http://127.0.0.1:3000"), None), "no console origin known");
        assert!(!same_origin(&with(header::ORIGIN, "https://127.0.0.1:3000"), Some(&console)), "another scheme");
        assert!(!same_origin(&with(header::ORIGIN, "http://127.0.0.1:3001"), Some(&console)), "another port");
        assert!(!same_origin(&with(header::ORIGIN, "https://evil.example"), Some(&console)));
        assert!(!same_origin(&with(header::ORIGIN, "null"), Some(&console)));
        assert!(same_origin(&with(header::REFERER, "http://127.0.0.1:3000/settings"), Some(&console)));
        assert!(!same_origin(&with(header::REFERER, "http://127.0.0.1:3000.evil.example/"), Some(&console)));
        let tls = ConsoleOrigin(url::Url::parse("https://pslog.example/").unwrap().origin());
        assert!(same_origin(&with(header::ORIGIN, "https://pslog.example:443"), Some(&tls)));
        assert!(!same_origin(&with(header::ORIGIN, "http://pslog.example"), Some(&tls)), "an HTTP page");
    }
}
