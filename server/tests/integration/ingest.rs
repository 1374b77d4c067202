//! Events in: API tokens (made, used, refused, revoked, each logged) and the ingest API's
//! every answer: 200 with ids, 422 naming each bad record with nothing written, 401, 403,
//! 404, 405, 413, 415, a retried Idempotency-Key; ingested rows behaving like the console's
//! own (account ids, CEF lines, No-CDR, account upserts); and a `kill -9` in the middle of a
//! stream of batches losing no acknowledged row and leaving no half batch.

use crate::common::TestApp;
use app::auth::{token, users};
use app::codes::TokenScope;
use reqwest::Client;
use serde_json::{json, Value};
use server::application::{Application, Config};

pub async fn make_token(app: &TestApp, name: &str, scope: TokenScope, days: Option<i64>, now: i64) -> String {
    let (t, _) = token::add(&app.db, users::Actor::CommandLine, name, scope, days, now).await.unwrap();
    t.reveal().to_owned()
}

/// Posts `body` as `content_type` with `token`; returns the status and the JSON answer.
pub async fn post(base: &str, path: &str, token: &str, content_type: &str, body: String) -> (u16, Value) {
    let response = Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub async fn ndjson(app: &TestApp, path: &str, token: &str, lines: &[Value]) -> (u16, Value) {
    let body = lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    post(&app.base, path, token, "application/x-ndjson", body).await
}

pub fn cdr(call_id: &str, caller: &str) -> Value {
    json!({
        "call_date": "2026-11-22T12:00:00Z", "caller_number": caller, "callee_number": "+390000",
        "total_duration": 30, "call_duration": 25, "disposition": "ANSWERED",
        "call_id": call_id, "call_type": "CONFERENCE"
    })
}

#[tokio::test]
async fn tokens_open_the_api_by_scope_and_refusals_are_logged() {
    let app = TestApp::spawn(20).await;
    let now = chrono::Utc::now().timestamp_millis();
    let read = make_token(&app, "siem-reader", TokenScope::Read, None, now).await;
    assert!(read.starts_with("pslog_") && read.len() > 60, "a long random token");
    assert_eq!(
        app.scalar_bound("SELECT COUNT(*) FROM api_token WHERE token_hash = ?", &[&read]).await,
        0,
        "only a hash is kept"
    );
    let get = |token: String, path: &'static str| {
        let base = app.base.clone();
        async move {
            let r = Client::new().get(format!("{base}{path}")).bearer_auth(token).send().await.unwrap();
            (r.status().as_u16(), r.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned()))
        }
    };
    assert_eq!(get(read.clone(), "/api/v1/cdr").await.0, 200);
    assert_eq!(get(read.clone(), "/api/v1/cdr.csv").await.0, 200, "a read token exports, as an auditor");
    assert_eq!(get(read.clone(), "/logs/cdr").await.0, 403, "tokens open the API only");
    assert!(app.scalar("SELECT COUNT(*) FROM api_token WHERE last_used_at IS NOT NULL").await == 1);

    let refused =
        |text: &str| format!("SELECT COUNT(*) FROM security_event WHERE description LIKE 'API token refused: {text}%'");
    assert_eq!(get("pslog_nonsense".into(), "/api/v1/cdr").await, (401, Some("Bearer".into())));
    assert_eq!(app.scalar(&refused("This API token is not known")).await, 1);
    let expired = make_token(&app, "old", TokenScope::Read, Some(1), now - 2 * 86_400_000).await;
    assert_eq!(get(expired, "/api/v1/cdr").await.0, 401);
    assert_eq!(app.scalar(&refused("This API token has expired")).await, 1);

    let id = app.scalar("SELECT id FROM api_token WHERE name = 'siem-reader'").await;
    token::revoke(&app.db, users::Actor::CommandLine, id, now).await.unwrap();
    assert_eq!(get(read, "/api/v1/cdr").await.0, 401, "a revoked token opens nothing");
    assert_eq!(app.scalar(&refused("This API token was revoked")).await, 1);
    // Creation and revocation are audited, with a security event each.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_event WHERE object_type = 'ApiToken'").await, 3);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM security_event WHERE description LIKE 'API token % revoked'").await, 1);
    // A malformed Authorization header is a 401 too, and a name is one live token.
    let bad = Client::new().get(format!("{}/api/v1/cdr", app.base)).header("authorization", "Basic eDp5").send().await;
    assert_eq!(bad.unwrap().status().as_u16(), 401);
    let again = token::add(&app.db, users::Actor::CommandLine, "old", TokenScope::Ingest, None, now).await;
    assert!(matches!(again, Err(app::error::AppError::Conflict(_))));
}

#[tokio::test]
async fn a_batch_is_stored_whole_or_refused_whole_with_every_bad_record_named() {
    let app = TestApp::spawn(20).await;
    let now = chrono::Utc::now().timestamp_millis();
    let token = make_token(&app, "pbx-1", TokenScope::Ingest, None, now).await;
    let before = app.scalar("SELECT COUNT(*) FROM cdr").await;

    let (status, answer) = ndjson(&app, "/api/v1/cdr", &token, &[cdr("in-1", "+1"), cdr("in-1", "+2")]).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["accepted"], 2);
    let [first, last] = [answer["ids"][0].as_i64().unwrap(), answer["ids"][1].as_i64().unwrap()];
    assert_eq!(last - first, 1);
    let item = app.json(&format!("/api/v1/cdr/{last}")).await;
    assert_eq!((item["call_id"].as_str(), item["call_date"].as_i64()), (Some("in-1"), Some(1_795_348_800_000)));

    // A JSON array works alike.
    let array = json!([cdr("in-2", "+3")]).to_string();
    let (status, answer) = post(&app.base, "/api/v1/cdr", &token, "application/json", array).await;
    assert_eq!((status, answer["accepted"].as_i64()), (200, Some(1)));

    // One bad record among good ones: nothing of the batch is written, each bad one is named.
    let mut bad_code = cdr("in-3", "+4");
    bad_code["disposition"] = json!("PICKED_UP");
    let mut no_time = cdr("in-3", "+5");
    no_time.as_object_mut().unwrap().remove("call_date");
    let (status, answer) = ndjson(&app, "/api/v1/cdr", &token, &[cdr("in-3", "+6"), bad_code, no_time]).await;
    assert_eq!(status, 422);
    let errors: Vec<(i64, &str)> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, vec![(2, "disposition"), (3, "call_date")]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id = 'in-3'").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr").await, before + 3);

    // A record the database's constraints refuse is named too, and nothing is written.
    let mut longer = cdr("in-3", "+8");
    longer["call_duration"] = json!(99);
    let (status, answer) = ndjson(&app, "/api/v1/cdr", &token, &[cdr("in-3", "+6"), longer]).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["errors"][0]["line"], 2);
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("call_duration <= total_duration"), "{answer}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id = 'in-3'").await, 0);

    // Statuses of the rest.
    let one = cdr("in-4", "+7").to_string();
    assert_eq!(post(&app.base, "/api/v1/cdr", &token, "text/csv", one.clone()).await.0, 415);
    assert_eq!(post(&app.base, "/api/v1/nope", &token, "application/x-ndjson", one.clone()).await.0, 404);
    assert_eq!(post(&app.base, "/api/v1/registered", &token, "application/x-ndjson", one.clone()).await.0, 405);
    assert_eq!(post(&app.base, "/api/v1/cdr", "pslog_wrong", "application/x-ndjson", one.clone()).await.0, 401);
    let reader = make_token(&app, "reader", TokenScope::Read, None, now).await;
    assert_eq!(post(&app.base, "/api/v1/cdr", &reader, "application/x-ndjson", one.clone()).await.0, 403);
    assert_eq!(post(&app.base, "/api/v1/cdr", &token, "application/x-ndjson", "\n\n".into()).await.0, 422);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id = 'in-4'").await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let app = TestApp::spawn_empty().await;
    let token = make_token(&app, "pbx-1", TokenScope::Ingest, None, chrono::Utc::now().timestamp_millis()).await;
    let small = Application::build(app.db.clone(), Config { ingest_limit: 4096, ..Config::quiet() }).await.unwrap();
    let base = format!("http://{}", small.addr());
    let line = cdr("big", "+1").to_string();
    let body = vec![line.as_str(); 40].join("\n");
    assert!(body.len() > 4096);
    let (status, answer) = post(&base, "/api/v1/cdr", &token, "application/x-ndjson", body.clone()).await;
    assert_eq!(status, 413, "{answer}");
    // Streamed without a length, it is cut off at the limit all the same.
    let stream = futures::stream::iter(
        body.into_bytes().chunks(512).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
    );
    let response = Client::new()
        .post(format!("{base}/api/v1/cdr"))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr").await, 0);
    let (status, _) = post(&base, "/api/v1/cdr", &token, "application/x-ndjson", line).await;
    assert_eq!(status, 200, "a batch under the limit goes in");
}

#[tokio::test]
async fn a_retried_batch_with_its_idempotency_key_is_written_once() {
    let app = TestApp::spawn_empty().await;
    let token = make_token(&app, "pbx-1", TokenScope::Ingest, None, chrono::Utc::now().timestamp_millis()).await;
    let send = |key: &'static str, path: &'static str| {
        let (base, token) = (app.base.clone(), token.clone());
        async move {
            let body = match path {
                "/api/v1/cdr" => [cdr("retry", "+1"), cdr("retry", "+2")].map(|v| v.to_string()).join("\n"),
                _ => json!({"occurred_at": 1, "description": "retry"}).to_string(),
            };
            let response = Client::new()
                .post(format!("{base}{path}"))
                .bearer_auth(token)
                .header("content-type", "application/x-ndjson")
                .header("idempotency-key", key)
                .body(body)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let first = send("batch-0001", "/api/v1/cdr").await;
    assert_eq!(first.0, 200);
    assert_eq!(send("batch-0001", "/api/v1/cdr").await, first, "the same answer, byte for byte");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id = 'retry'").await, 2);
    assert_eq!(send("batch-0001", "/api/v1/system").await.0, 409, "a key names one batch");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM system_event WHERE description = 'retry'").await, 0);
    assert_eq!(send("batch-0002", "/api/v1/cdr").await.0, 200);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id = 'retry'").await, 4);
}

#[tokio::test]
async fn ingested_rows_behave_like_the_consoles_own() {
    let app = TestApp::spawn_empty().await;
    let token = make_token(&app, "pbx-1", TokenScope::Ingest, None, chrono::Utc::now().timestamp_millis()).await;
    // Accounts are upserted by their ids.
    let anna = json!({"id": 41, "username": "anna", "phone_number": "+3955501", "description": "Anna"});
    assert_eq!(ndjson(&app, "/api/v1/accounts", &token, &[anna]).await.0, 200);
    let renamed = json!({"id": 41, "username": "anna", "phone_number": "+3955501", "description": "Anna B."});
    let (status, answer) = ndjson(&app, "/api/v1/accounts", &token, &[renamed]).await;
    assert_eq!((status, answer["ids"].clone()), (200, json!([41, 41])));
    assert_eq!(app.json("/api/v1/accounts/41").await["description"], "Anna B.");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM account").await, 1);

    // A CDR names its accounts by number; a message by username.
    assert_eq!(ndjson(&app, "/api/v1/cdr", &token, &[cdr("acct", "+3955501")]).await.0, 200);
    assert_eq!(app.scalar("SELECT caller_account_id FROM cdr WHERE call_id = 'acct'").await, 41);
    let message = json!({"uuid": "m-1", "from_account": "anna", "to_account": "nobody", "api_version": 2,
        "status": "DELIVERED", "send_attempts": 1, "received_at": 1_763_812_800_000i64});
    assert_eq!(ndjson(&app, "/api/v1/messages", &token, &[message]).await.0, 200);
    assert_eq!(app.scalar("SELECT from_account_id FROM secure_message WHERE uuid = 'm-1'").await, 41);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM secure_message WHERE to_account_id IS NULL").await, 1);

    // A Security Event sent without a CEF line gets one.
    let event = json!({"occurred_at": "2026-11-22T12:00:00Z", "description": "Firewall rule changed",
        "event_type": "SECURITY_CONFIGURATION_CHANGE"});
    assert_eq!(ndjson(&app, "/api/v1/security", &token, &[event]).await.0, 200);
    let details: String =
        sqlx::query_scalar("SELECT details FROM security_event WHERE description = 'Firewall rule changed'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(details.starts_with("CEF:0|") && details.contains("Firewall rule changed"), "{details}");

    // Under No-CDR, a direct call is accepted but not recorded; a conference still is.
    app.execute("UPDATE settings SET cdr_retention_period = 'DAY', cdr_retention_count = 0").await;
    let mut direct = cdr("nocdr", "+1");
    direct["call_type"] = json!("CALL");
    let (status, answer) = ndjson(&app, "/api/v1/cdr", &token, &[direct, cdr("nocdr", "+2")]).await;
    assert_eq!((status, answer["accepted"].as_i64(), answer["stored"].as_i64()), (200, Some(2), Some(1)));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id = 'nocdr'").await, 1);
}

/// The `pslog` binary on `db`, its output captured.
fn pslog(db: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pslog"));
    command.env("PSLOG_DATABASE_URL", db).env("RUST_LOG", "warn").stdout(std::process::Stdio::piped());
    command.stderr(std::process::Stdio::null());
    command
}

/// Starts `pslog serve` on a free port; returns the process and its base URL once it answers.
async fn serve(db: &str) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = pslog(db).args(["serve", "--addr", &format!("127.0.0.1:{port}")]).spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if Client::new().get(format!("{base}/login")).send().await.is_ok() {
            return (child, base);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    child.kill().ok();
    child.wait().ok();
    panic!("pslog serve did not answer on {base}");
}

#[tokio::test]
async fn a_kill_9_loses_no_acknowledged_batch_and_leaves_no_half_batch() {
    const ROWS: usize = 400;
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::fresh_database(dir.path(), "kill").await;
    let made = pslog(&db).args(["token", "add", "feeder", "--scope", "ingest"]).output().unwrap();
    assert!(made.status.success());
    let token = String::from_utf8(made.stdout).unwrap().trim().to_owned();

    let (mut server, base) = serve(&db).await;
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let feeder = {
        let (acknowledged, base, token) = (acknowledged.clone(), base.clone(), token.clone());
        tokio::spawn(async move {
            for n in 0.. {
                let body =
                    (0..ROWS).map(|i| cdr(&format!("batch-{n}"), &format!("+{i}")).to_string()).collect::<Vec<_>>();
                let sent = Client::new()
                    .post(format!("{base}/api/v1/cdr"))
                    .bearer_auth(&token)
                    .header("content-type", "application/x-ndjson")
                    .body(body.join("\n"))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => acknowledged.lock().unwrap().push(n),
                    Ok(r) => panic!("batch {n} refused: {}", r.status()),
                    Err(_) => return n, // the server is gone
                }
            }
            unreachable!()
        })
    };
    while acknowledged.lock().unwrap().len() < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // In the middle of a batch, as likely as not.
    tokio::time::sleep(std::time::Duration::from_millis(37)).await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let attempted = feeder.await.unwrap();
    let acknowledged = acknowledged.lock().unwrap().clone();

    // Restarted, the server answers and takes batches again.
    let (mut server, base) = serve(&db).await;
    let (status, _) = post(&base, "/api/v1/cdr", &token, "application/x-ndjson", cdr("after", "+1").to_string()).await;
    assert_eq!(status, 200);
    server.kill().unwrap();
    server.wait().unwrap();

    let db = server::database::open(&db).await.unwrap();
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT call_id, COUNT(*) FROM cdr GROUP BY call_id").fetch_all(&db.pool).await.unwrap();
    let count = |n: u64| counts.iter().find(|(id, _)| *id == format!("batch-{n}")).map_or(0, |c| c.1);
    for n in &acknowledged {
        assert_eq!(count(*n), ROWS as i64, "acknowledged batch {n} is all there");
    }
    for n in 0..=attempted {
        assert!(count(n) == 0 || count(n) == ROWS as i64, "batch {n} is all there or not at all: {}", count(n));
    }
    assert!(acknowledged.len() >= 5, "{} batches acknowledged before the kill", acknowledged.len());
}
