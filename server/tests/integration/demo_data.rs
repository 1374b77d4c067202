//! The demo data is consistent across categories and deterministic.

use crate::common::{anchor_ms, TestApp};

#[tokio::test]
async fn every_referenced_account_exists_with_its_name() {
    let app = TestApp::spawn(1000).await;
    for sql in [
        "SELECT COUNT(*) FROM cdr c LEFT JOIN account a ON a.id = c.caller_account_id WHERE c.caller_account_id IS NOT NULL AND (a.id IS NULL OR a.phone_number <> c.caller_number OR a.description <> c.caller_name)",
        "SELECT COUNT(*) FROM cdr c LEFT JOIN account a ON a.id = c.callee_account_id WHERE c.callee_account_id IS NOT NULL AND (a.id IS NULL OR a.phone_number <> c.callee_number)",
        "SELECT COUNT(*) FROM sip_session s LEFT JOIN account a ON a.id = s.account_id WHERE s.account_id IS NOT NULL AND (a.id IS NULL OR a.username <> s.peername)",
        "SELECT COUNT(*) FROM secure_message m LEFT JOIN account a ON a.id = m.from_account_id WHERE a.id IS NULL OR a.username <> m.from_account",
        "SELECT COUNT(*) FROM secure_message m LEFT JOIN account a ON a.id = m.to_account_id WHERE a.id IS NULL OR a.username <> m.to_account",
        "SELECT COUNT(*) FROM install_message m LEFT JOIN account a ON a.id = m.account_id WHERE a.id IS NULL OR a.username <> m.account",
        "SELECT COUNT(*) FROM activation_message m LEFT JOIN account a ON a.id = m.account_id WHERE a.id IS NULL OR a.username <> m.account",
    ] {
        assert_eq!(app.scalar(sql).await, 0, "{sql}");
    }
    // The same accounts call, register and message.
    assert!(app.scalar("SELECT COUNT(DISTINCT caller_account_id) FROM cdr").await > 10);
    assert!(app.scalar("SELECT COUNT(*) FROM account a WHERE EXISTS (SELECT 1 FROM cdr WHERE caller_account_id = a.id) AND EXISTS (SELECT 1 FROM sip_session WHERE account_id = a.id) AND EXISTS (SELECT 1 FROM secure_message WHERE from_account_id = a.id)").await > 5);
}

#[tokio::test]
async fn calls_are_traced_and_logs_mirror_each_other() {
    // Nothing the demo writes is past the default retention: the purge finds nothing.
    let fresh = TestApp::spawn(300).await;
    assert_eq!(server::retention::purge(&fresh.db, chrono::Utc::now().timestamp_millis()).await.unwrap(), 0);

    let app = TestApp::spawn(1000).await;
    // Every transfer, three-way call and conference has several legs under one call id (but
    // the manual's three-way example, of which it shows one leg).
    assert_eq!(app.scalar("SELECT COUNT(*) FROM (SELECT call_id FROM cdr WHERE call_type <> 'CALL' AND call_id <> '1998267691' GROUP BY call_id HAVING COUNT(*) < 2) AS legs").await, 0);
    assert!(
        app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id = '1251498178'").await >= 4,
        "the manual's transfer trace"
    );
    // Heartbeats every 4 hours, in System and Security Events alike.
    let beats = app
        .scalar(
            "SELECT COUNT(*) FROM system_event WHERE description = 'Heartbeat event' AND occurred_at > 1500000000000",
        )
        .await;
    assert_eq!(beats, 30 * 6);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM security_event WHERE event_type = 'HEARTBEAT' AND occurred_at > 1500000000000"
        )
        .await,
        beats
    );
    // Each successful login is SUCCESS and SUCCESS_INTERACTIVE together, mirrored as LOG_IN.
    let success =
        app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'SUCCESS' AND occurred_at > 1500000000000").await;
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM web_session WHERE result = 'SUCCESS_INTERACTIVE' AND occurred_at > 1500000000000"
        )
        .await,
        success
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM security_event WHERE event_type = 'LOG_IN' AND occurred_at > 1500000000000")
            .await,
        success
    );
    assert!(app.scalar("SELECT COUNT(*) FROM security_event WHERE details NOT LIKE 'CEF:0|%'").await == 0);
    // Nothing is newer than the anchor, no message waits for more than 72 hours.
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM cdr WHERE call_date > {}", anchor_ms())).await, 0);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM secure_message WHERE status = 'ENQUEUED' AND received_at < {}",
            anchor_ms() - 72 * 3_600_000
        ))
        .await,
        0
    );
    // The views of the manual exist with their columns.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM V_AUTH_EVENT").await,
        app.scalar("SELECT COUNT(*) FROM web_session").await
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM V_CDR WHERE duration < billsec").await, 0);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_rows_and_a_full_database_is_refused() {
    let a = TestApp::spawn(200).await;
    let b = TestApp::spawn(200).await;
    let digest = "SELECT COUNT(*) || ':' || SUM(call_date % 100000) || ':' || SUM(LENGTH(callee_name)) || ':' || SUM(total_duration) FROM cdr";
    use sqlx::Row;
    let da: String = sqlx::query(digest).fetch_one(&a.db.pool).await.unwrap().get(0);
    let db: String = sqlx::query(digest).fetch_one(&b.db.pool).await.unwrap().get(0);
    assert_eq!(da, db);
    let again =
        server::demo::fill(&a.db, &server::demo::DemoConfig { rows: 10, seed: 1, anchor_ms: anchor_ms() }).await;
    assert!(again.unwrap_err().to_string().contains("already holds data"));
}
