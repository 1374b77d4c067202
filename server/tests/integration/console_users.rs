//! Managing console users: add, disable, enable, change role, reset password; each audited;
//! the console never loses its last admin. And the command line that creates users.

use crate::common::{browser, TestApp, PASSWORD};
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};

async fn change(app: &TestApp, fields: &[(&str, &str)]) -> (u16, String) {
    let me: serde_json::Value =
        app.client.post(format!("{}/api/whoami", app.base)).send().await.unwrap().json().await.unwrap();
    let csrf = me["csrf"].as_str().unwrap().to_owned();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let path = if fields.iter().any(|(k, _)| *k == "action") { "change_console_user" } else { "add_console_user" };
    let response = app.client.post(format!("{}/api/{path}", app.base)).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn audited(app: &TestApp, change: &str, user: &str, what: &str) -> bool {
    app.scalar_bound(
        "SELECT COUNT(*) FROM audit_event WHERE actor = 'admin' AND change = ? AND object_type = 'ConsoleUser' AND object_id = ?",
        &[change, user],
    )
    .await
        > 0
        && app.scalar_bound("SELECT COUNT(*) FROM security_event WHERE description = ?", &[what]).await > 0
}

#[tokio::test]
async fn an_admin_manages_users_and_every_change_is_audited() {
    let app = TestApp::spawn_empty().await;
    let fields = [("username", "mrossi"), ("role", "support"), ("password", "mrossi-Secret-1"), ("valid_days", "")];
    let (status, body) = change(&app, &fields).await;
    assert_eq!(status, 200, "{body}");
    assert!(audited(&app, "INSERT", "mrossi", "Console user mrossi added with role support").await);
    let (status, body) = change(&app, &fields).await;
    assert_eq!(status, 409, "a second mrossi: {body}");
    let (status, body) =
        change(&app, &[("username", "bad name!"), ("role", "support"), ("password", "x-Secret-123")]).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = change(&app, &[("username", "weak"), ("role", "support"), ("password", "short")]).await;
    assert_eq!(status, 400);

    let mrossi = browser(&app.base);
    assert_eq!(app.login(&mrossi, "mrossi", "mrossi-Secret-1").await, "/");
    assert_eq!(mrossi.get(format!("{}/api/v1/cdr.csv", app.base)).send().await.unwrap().status().as_u16(), 403);

    // A new role applies at once (the user logs in again).
    let (status, body) = change(&app, &[("username", "mrossi"), ("action", "role"), ("role", "auditor")]).await;
    assert_eq!(status, 200, "{body}");
    assert!(audited(&app, "UPDATE", "mrossi", "Console user mrossi role changed to auditor").await);
    assert_eq!(app.login(&mrossi, "mrossi", "mrossi-Secret-1").await, "/");
    assert_eq!(mrossi.get(format!("{}/api/v1/cdr.csv", app.base)).send().await.unwrap().status().as_u16(), 200);

    // Disabled: the session ends and the login fails like a wrong password.
    let (status, _) = change(&app, &[("username", "mrossi"), ("action", "disable")]).await;
    assert_eq!(status, 200);
    assert!(audited(&app, "UPDATE", "mrossi", "Console user mrossi disabled").await);
    assert_eq!(mrossi.get(format!("{}/api/v1/cdr", app.base)).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(app.login(&mrossi, "mrossi", "mrossi-Secret-1").await, "/login?error=credentials");
    let (status, _) = change(&app, &[("username", "mrossi"), ("action", "enable")]).await;
    assert_eq!(status, 200);

    // A reset password replaces the old one; an expiring one says so when it has expired.
    let reset =
        [("username", "mrossi"), ("action", "password"), ("password", "mrossi-New-Secret"), ("valid_days", "3")];
    let (status, _) = change(&app, &reset).await;
    assert_eq!(status, 200);
    assert!(audited(&app, "UPDATE", "mrossi", "Console user mrossi password reset").await);
    assert_eq!(app.login(&mrossi, "mrossi", "mrossi-Secret-1").await, "/login?error=credentials");
    assert_eq!(app.login(&mrossi, "mrossi", "mrossi-New-Secret").await, "/");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM console_user WHERE username = 'mrossi' AND password_expires_at > 0").await,
        1
    );

    // The last enabled admin cannot be disabled or demoted.
    for action in [
        vec![("username", "admin"), ("action", "disable")],
        vec![("username", "admin"), ("action", "role"), ("role", "support")],
    ] {
        let (status, body) = change(&app, &action).await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("only enabled admin"), "{body}");
    }
    let (status, _) = change(&app, &[("username", "nobody"), ("action", "enable")]).await;
    assert_eq!(status, 404);
}

fn pslog(db: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pslog"));
    command.env("PSLOG_DATABASE_URL", db).env_remove("PSLOG_PASSWORD").stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

#[test]
fn the_command_line_adds_users_and_the_demo_prints_its_admin() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(crate::common::fresh_database(dir.path(), "cli"));
    let out =
        pslog(&db).args(["user", "add", "first", "--role", "admin"]).env("PSLOG_PASSWORD", PASSWORD).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("console user 'first' added with role admin"));

    // From standard input when PSLOG_PASSWORD is not set.
    let mut child =
        pslog(&db).args(["user", "add", "second", "--role", "support"]).stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"stdin-Secret-12\n").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    // Refusals: a weak password, an unknown role, a taken name.
    let weak =
        pslog(&db).args(["user", "add", "third", "--role", "admin"]).env("PSLOG_PASSWORD", "short").output().unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 10 characters"));
    let role =
        pslog(&db).args(["user", "add", "third", "--role", "root"]).env("PSLOG_PASSWORD", PASSWORD).output().unwrap();
    assert!(String::from_utf8_lossy(&role.stderr).contains("use admin, auditor or support"));
    let taken =
        pslog(&db).args(["user", "add", "first", "--role", "admin"]).env("PSLOG_PASSWORD", PASSWORD).output().unwrap();
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already a console user named 'first'"));

    // serve --demo on a database without users prints the demo admin's login.
    let empty = runtime.block_on(crate::common::fresh_database(dir.path(), "demo"));
    let mut serve = pslog(&empty).args(["serve", "--demo", "--addr", "127.0.0.1:0"]).spawn().unwrap();
    let stdout = std::io::BufReader::new(serve.stdout.take().unwrap());
    let mut printed = Vec::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        let serving = line.starts_with("pslog is serving on");
        printed.push(line);
        if serving {
            break;
        }
    }
    serve.kill().unwrap();
    let _ = serve.wait();
    let admin = printed.iter().find(|l| l.starts_with("demo admin created")).expect("the demo admin is printed");
    assert!(admin.contains("log in as 'admin' with password 'demo-"), "{admin}");
}

/// A name that differs only by case cannot be added beside another; a login attempt's name
/// is logged with its direction overrides and zero-width characters made visible.
#[tokio::test]
async fn usernames_cannot_pass_for_one_another() {
    let app = TestApp::spawn_empty().await;
    let fields = [("username", "Admin"), ("role", "support"), ("password", "another-Password-2"), ("valid_days", "")];
    let (status, body) = change(&app, &fields).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("There is already a console user named 'admin'"), "{body}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM console_user WHERE username = 'Admin'").await, 0);
    let refused = sqlx::query(
        "INSERT INTO console_user (username, role, password_hash, created_at) VALUES ('ADMIN', 'admin', 'x', 0)",
    )
    .execute(&app.db.pool)
    .await;
    assert!(refused.is_err(), "the database refuses it too");

    let client = crate::common::browser(&app.base);
    let spoof = "\u{202E}nimda\u{200B}";
    app.login(&client, spoof, "wrong").await;
    let logged = app.text("SELECT username FROM web_session ORDER BY id DESC LIMIT 1").await;
    assert_eq!(logged, "\u{FFFD}nimda\u{FFFD}");
}

/// Two admins disabling each other at the same moment: the check that one admin stays is made
/// inside the write transaction, so at most one of them gets through.
#[tokio::test]
async fn two_admins_cannot_remove_each_other_at_once() {
    let app = TestApp::spawn_empty().await;
    let fields = [("username", "boss"), ("role", "admin"), ("password", "boss-Password-12"), ("valid_days", "")];
    assert_eq!(change(&app, &fields).await.0, 200);
    let second = crate::common::browser(&app.base);
    app.login(&second, "boss", "boss-Password-12").await;
    let csrf_of = async |client: &reqwest::Client| {
        let me: serde_json::Value =
            client.post(format!("{}/api/whoami", app.base)).send().await.unwrap().json().await.unwrap();
        me["csrf"].as_str().unwrap().to_owned()
    };
    let (admin_csrf, boss_csrf) = (csrf_of(&app.client).await, csrf_of(&second).await);
    let disable = |client: &reqwest::Client, csrf: &str, username: &str| {
        client
            .post(format!("{}/api/change_console_user", app.base))
            .form(&[("csrf", csrf), ("username", username), ("action", "disable")])
            .send()
    };
    let (a, b) = tokio::join!(disable(&app.client, &admin_csrf, "boss"), disable(&second, &boss_csrf, "admin"));
    let (a, b) = (a.unwrap().status().as_u16(), b.unwrap().status().as_u16());
    let enabled = app.scalar("SELECT COUNT(*) FROM console_user WHERE role = 'admin' AND disabled = 0").await;
    assert_eq!(enabled, 1, "admin got {a}, boss got {b}");
    assert_eq!([a, b].iter().filter(|s| **s == 200).count(), 1, "one of them got through: {a} {b}");
}
