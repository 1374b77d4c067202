//! The big logs by month (SPEC §8, docs/SCALING.md): what retention does to whole months and
//! to rows of months without a partition, and that secure messages' UUIDs stay unique. The
//! behaviour is the same on both databases; on PostgreSQL the tests also look at the
//! partitions themselves (made ahead, expired months dropped, the default partition).

use crate::common::TestApp;
use chrono::{Months, TimeZone, Utc};

const DAY_MS: i64 = 86_400_000;

fn months_ago(now: i64, months: u32) -> i64 {
    Utc.timestamp_millis_opt(now).unwrap().checked_sub_months(Months::new(months)).unwrap().timestamp_millis()
}

async fn insert_cdr(app: &TestApp, at: i64, call_type: &str, call_id: &str) {
    app.execute(&format!(
        "INSERT INTO cdr (call_date, total_duration, call_duration, disposition, call_id, call_type) \
         VALUES ({at}, 60, 50, 'ANSWERED', '{call_id}', '{call_type}')"
    ))
    .await;
}

async fn month_partitions(app: &TestApp, table: &str) -> Vec<(String, i64, i64)> {
    sqlx::query_as(&format!("SELECT partition, from_ms, to_ms FROM pslog_month_partitions('{table}')"))
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn retention_takes_expired_months_whole_and_keeps_what_it_must() {
    let app = TestApp::spawn_empty().await;
    let now = Utc::now().timestamp_millis();
    let partitioned = app.db.backend.partitions_by_month();
    // The months of the rows to come, as a bulk load makes them; two years back is older
    // than any month made, so that CDR lands in the default partition.
    server::partitions::prepare(&app.db, "cdr", months_ago(now, 6), now).await.unwrap();
    for (i, months) in [6, 6, 5, 3].into_iter().enumerate() {
        insert_cdr(&app, months_ago(now, months), "CALL", &format!("old-{i}")).await;
    }
    insert_cdr(&app, months_ago(now, 24), "CALL", "no-month-of-its-own").await;
    insert_cdr(&app, now - 10 * DAY_MS, "CALL", "recent").await;
    insert_cdr(&app, now, "CALL", "now").await;
    let newest_id = app.scalar("SELECT MAX(id) FROM cdr").await;
    if partitioned {
        assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr_default").await, 1, "the CDR without a month");
    }

    app.execute("UPDATE settings SET cdr_retention_period = 'MONTH', cdr_retention_count = 2").await;
    assert_eq!(server::retention::purge(&app.db, now).await.unwrap(), 5, "the CDRs of 3 months ago and older");
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT call_id FROM cdr ORDER BY call_date").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(kept, ["recent", "now"]);
    assert_eq!(app.json("/api/v1/cdr?size=50").await["total"], 2);
    // The dropped months' hours went from the hourly counts with them.
    assert_eq!(app.scalar("SELECT CAST(SUM(n) AS BIGINT) FROM cdr_hourly").await, 2);
    assert_eq!(app.json("/api/v1/cdr?size=50&disposition=ANSWERED").await["total"], 2);
    if partitioned {
        let cutoff = months_ago(now, 2);
        let months = month_partitions(&app, "cdr").await;
        assert!(months.iter().all(|(_, _, to)| *to > cutoff), "every expired month dropped: {months:?}");
        assert!(months.iter().any(|(_, from, to)| (*from..*to).contains(&now)), "this month stays");
    }
    // Ids go on from the newest ever given, dropped months or not.
    insert_cdr(&app, now, "CALL", "after").await;
    assert_eq!(app.scalar("SELECT MAX(id) FROM cdr").await, newest_id + 1);
}

#[tokio::test]
async fn no_cdr_keeps_a_month_that_holds_a_conference() {
    let app = TestApp::spawn_empty().await;
    let now = Utc::now().timestamp_millis();
    server::partitions::prepare(&app.db, "cdr", months_ago(now, 4), now).await.unwrap();
    insert_cdr(&app, months_ago(now, 4), "CALL", "direct").await;
    insert_cdr(&app, months_ago(now, 4), "CONFERENCE", "conference").await;
    insert_cdr(&app, months_ago(now, 3), "TRANSFER", "transfer").await;
    app.execute("UPDATE settings SET cdr_retention_period = 'DAY', cdr_retention_count = 0").await;
    assert_eq!(server::retention::purge(&app.db, now).await.unwrap(), 2);
    let kept: Vec<String> = sqlx::query_scalar("SELECT call_id FROM cdr").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(kept, ["conference"]);
    if app.db.backend.partitions_by_month() {
        let months = month_partitions(&app, "cdr").await;
        let four = months_ago(now, 4);
        assert!(months.iter().any(|(_, from, to)| (*from..*to).contains(&four)), "the conference's month stays");
        let three = months_ago(now, 3);
        assert!(!months.iter().any(|(_, from, to)| (*from..*to).contains(&three)), "the transfer's month went");
    }
}

#[tokio::test]
async fn months_are_made_ahead_for_every_big_log() {
    let app = TestApp::spawn_empty().await;
    let now = Utc::now().timestamp_millis();
    let partitioned = server::partitions::partitioned(&app.db).await.unwrap();
    if !app.db.backend.partitions_by_month() {
        assert!(partitioned.is_empty());
        return;
    }
    let tables: Vec<&str> = partitioned.iter().map(|p| p.table.as_str()).collect();
    assert_eq!(tables, ["cdr", "secure_message", "security_event", "sip_session", "web_session"]);
    // The migration made this month and three ahead; a month later the task makes one more
    // for each table.
    assert_eq!(server::partitions::make_ahead(&app.db, now).await.unwrap(), 0);
    let mut before = Vec::new();
    for p in &partitioned {
        before.push(month_partitions(&app, &p.table).await.len());
    }
    let later = Utc.timestamp_millis_opt(now).unwrap().checked_add_months(Months::new(1)).unwrap();
    let made = server::partitions::make_ahead(&app.db, later.timestamp_millis()).await.unwrap();
    assert_eq!(made, partitioned.len() as i64);
    let ahead = later.checked_add_months(Months::new(3)).unwrap().timestamp_millis();
    for (p, before) in partitioned.iter().zip(before) {
        let months = month_partitions(&app, &p.table).await;
        assert_eq!(months.len(), before + 1, "{}: one more month", p.table);
        assert!(months.iter().any(|(_, from, to)| (*from..*to).contains(&ahead)), "{}", p.table);
    }
    // Live rows land in their month, not the default partition.
    server::tasks::heartbeat(&app.db, now).await.unwrap();
    let heartbeats = "FROM security_event WHERE event_type = 'HEARTBEAT'";
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) {heartbeats}")).await, 1);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) {}", heartbeats.replace("security_event", "security_event_default")))
            .await,
        0
    );
}

#[tokio::test]
async fn a_secure_message_uuid_is_stored_once() {
    let app = TestApp::spawn_empty().await;
    let insert = |uuid: &str, at: i64| {
        format!(
            "INSERT INTO secure_message (uuid, from_account, to_account, tech_message, api_version, status, received_at) \
             VALUES ('{uuid}', 'anna', 'bruno', 0, 2, 'DELIVERED', {at})"
        )
    };
    let now = Utc::now().timestamp_millis();
    app.execute(&insert("m-1", now)).await;
    // Another month, another partition: still the same UUID.
    let again = sqlx::query(&insert("m-1", months_ago(now, 30))).execute(&app.db.pool).await;
    let error = again.expect_err("a second message with the same UUID");
    assert!(error.to_string().to_lowercase().contains("unique"), "{error}");
    app.execute(&insert("m-2", months_ago(now, 30))).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM secure_message").await, 2);
}
