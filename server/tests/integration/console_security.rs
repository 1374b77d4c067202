//! Logging in and out as the console writes it down: Web Sessions rows with the right
//! Result, their Security Events, idle expiry, forged and replayed forms, the throttle.

use crate::common::{browser, hidden_field, TestApp, PASSWORD};
use server::application::{Application, Config};

/// The newest Web Sessions rows as (result, username), newest first.
async fn web_sessions(app: &TestApp) -> Vec<(String, String)> {
    let page = app.json("/api/v1/web-sessions?size=10").await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["result"].as_str().unwrap().to_owned(), r["username"].as_str().unwrap().to_owned()))
        .collect()
}

async fn security_count(app: &TestApp, event_type: &str, description: &str) -> i64 {
    app.scalar_bound(
        "SELECT COUNT(*) FROM security_event WHERE event_type = ? AND description = ? AND details LIKE 'CEF:0|%'",
        &[event_type, description],
    )
    .await
}

#[tokio::test]
async fn every_login_attempt_and_logout_is_logged_with_its_result() {
    let app = TestApp::spawn_empty().await;
    let client = browser(&app.base);
    // Unknown user and wrong password read the same to the caller.
    let unknown = app.login(&client, "nobody", "whatever-password").await;
    let wrong = app.login(&client, "auditor", "wrong-password").await;
    assert_eq!(unknown, "/login?error=credentials");
    assert_eq!(unknown, wrong, "nothing tells whether a user exists");
    app.execute("UPDATE console_user SET password_expires_at = 1 WHERE username = 'support'").await;
    assert_eq!(app.login(&client, "support", PASSWORD).await, "/login?error=expired");
    assert_eq!(app.login(&client, "auditor", PASSWORD).await, "/");

    let rows = web_sessions(&app).await;
    let expected = [
        ("SUCCESS", "auditor"),
        ("SUCCESS_INTERACTIVE", "auditor"),
        ("FAIL_CREDENTIALS_EXPIRED", "support"),
        ("FAIL_BAD_CREDENTIALS", "auditor"),
        ("FAIL_USER_NOT_FOUND", "nobody"),
    ];
    for (result, user) in expected {
        assert!(rows.contains(&(result.to_owned(), user.to_owned())), "{result} {user} in {rows:?}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM web_session WHERE ip_address <> '127.0.0.1'").await, 0, "client IP");
    assert_eq!(security_count(&app, "LOGIN_FAILED", "Failed login: wrong password").await, 1);
    assert_eq!(security_count(&app, "LOGIN_FAILED", "Failed login: unknown user").await, 1);
    assert_eq!(security_count(&app, "LOGIN_FAILED", "Failed login: password expired").await, 1);
    // The admin of TestApp and the auditor.
    assert_eq!(security_count(&app, "LOG_IN", "Successful login").await, 2);

    // Logout needs the session's form token.
    let page = client.get(format!("{}/logs/web-sessions", app.base)).send().await.unwrap().text().await.unwrap();
    let token = hidden_field(&page, "csrf").expect("the logout form's token");
    let forged = client.post(format!("{}/logout", app.base)).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let out = client.post(format!("{}/logout", app.base)).form(&[("csrf", token.as_str())]).send().await.unwrap();
    assert_eq!(out.headers()["location"], "/login?bye=1");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'LOGOUT' AND username = 'auditor'").await,
        1
    );
    assert_eq!(security_count(&app, "LOG_OUT", "Logout").await, 1);
    // The old cookie opens nothing any more.
    let after = client.get(format!("{}/api/v1/cdr", app.base)).send().await.unwrap();
    assert_eq!(after.status().as_u16(), 401);
}

#[tokio::test]
async fn forged_and_replayed_logins_are_refused() {
    let app = TestApp::spawn_empty().await;
    let client = browser(&app.base);
    let page = client.get(format!("{}/login", app.base)).send().await.unwrap().text().await.unwrap();
    let nonce = hidden_field(&page, "csrf").unwrap();
    let post = |nonce: &str, origin: &str| {
        let request = client.post(format!("{}/login", app.base)).header("origin", origin).form(&[
            ("csrf", nonce),
            ("username", "admin"),
            ("password", PASSWORD),
        ]);
        async move { request.send().await.unwrap() }
    };
    // Another site posting the form, or a post that names no origin: refused outright.
    assert_eq!(post(&nonce, "https://evil.example").await.status().as_u16(), 403);
    assert_eq!(post(&nonce, "null").await.status().as_u16(), 403);
    // A nonce this browser was not given: refused.
    assert_eq!(post("0000", &app.base).await.headers()["location"], "/login?error=form");
    // The form's own nonce works once...
    let page = client.get(format!("{}/login", app.base)).send().await.unwrap().text().await.unwrap();
    let nonce = hidden_field(&page, "csrf").unwrap();
    assert_eq!(post(&nonce, &app.base).await.headers()["location"], "/");
    // ...and posting the same form again is refused: its nonce is used up.
    assert_eq!(post(&nonce, &app.base).await.headers()["location"], "/login?error=form");
    // Refused posts wrote nothing; the one login wrote its rows.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM web_session WHERE result LIKE 'FAIL%'").await, 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'SUCCESS'").await,
        2,
        "TestApp's and this one"
    );
}

#[tokio::test]
async fn an_idle_session_times_out_once_and_sessions_survive_a_restart() {
    let app = TestApp::spawn_empty().await;
    let client = app.client_as("support").await;
    // A second server on the same database (a restart) knows the session.
    let second = Application::build(app.db.clone(), Config::quiet()).await.unwrap().addr();
    let there = client.get(format!("http://{second}/api/v1/cdr")).send().await.unwrap();
    assert_eq!(there.status().as_u16(), 200, "the session survives a restart");

    // 31 minutes of silence.
    let idle_since = chrono::Utc::now().timestamp_millis() - 31 * 60_000;
    app.execute(&format!(
        "UPDATE console_session SET last_seen_at = {idle_since} WHERE user_id = (SELECT id FROM console_user WHERE username = 'support')"
    ))
    .await;
    let page = client.get(format!("{}/logs/cdr", app.base)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 303);
    assert_eq!(page.headers()["location"], "/login?next=%2Flogs%2Fcdr");
    assert!(page.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"), "the stale cookie is cleared");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'SESSION_TIMEOUT' AND username = 'anonymousUser'")
            .await,
        1
    );
    assert_eq!(security_count(&app, "LOG_OUT", "Logout due to session timeout").await, 1);
    // The sweep finds nothing more to time out, and times out sessions nobody comes back to.
    let now = chrono::Utc::now().timestamp_millis();
    assert_eq!(app::auth::session::sweep(&app.db, app::auth::session::DEFAULT_IDLE, now).await.unwrap(), 0);
    let later = now + 31 * 60_000;
    assert_eq!(
        app::auth::session::sweep(&app.db, app::auth::session::DEFAULT_IDLE, later).await.unwrap(),
        1,
        "the admin's"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'SESSION_TIMEOUT'").await, 2);
}

#[tokio::test]
async fn repeated_failures_are_slowed_then_refused_alike_for_known_and_unknown_users() {
    let app = TestApp::spawn_empty().await;
    let client = browser(&app.base);
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..5 {
        known.push(app.login(&client, "auditor", "wrong-password").await);
        unknown.push(app.login(&client, "ghost", "wrong-password").await);
    }
    assert_eq!(known, unknown);
    // Locked now: even the right password is refused, with a clear message.
    let locked = app.login(&client, "auditor", PASSWORD).await;
    assert!(locked.starts_with("/login?error=locked&wait="), "{locked}");
    assert_eq!(app.login(&client, "ghost", PASSWORD).await, locked);
    let page = client.get(format!("{}{locked}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Too many failed logins"), "the page says why");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'SUCCESS' AND username = 'auditor'").await,
        0
    );
    assert_eq!(security_count(&app, "LOGIN_FAILED", "Login refused: too many failed attempts").await, 2);
    // Each refused attempt is in Web Sessions too: 5 failures and 1 refusal for each name.
    for name in ["auditor", "ghost"] {
        let sql =
            format!("SELECT COUNT(*) FROM web_session WHERE result = 'FAIL_BAD_CREDENTIALS' AND username = '{name}'");
        let expected = if name == "ghost" { 1 } else { 6 };
        assert_eq!(app.scalar(&sql).await, expected, "{name}");
    }
    // Another user from another address is not affected.
    assert_eq!(app.login(&browser(&app.base), "support", PASSWORD).await, "/");
}
