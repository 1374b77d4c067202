//! Writers at once: the ingest of the future, retention, reconciliation and the console's own
//! journal all write to one SQLite file. A transaction that reads before it writes must wait
//! for the write lock, not fail with "database is locked" when another writer got in first.

use app::auth::journal;
use app::db::Db;
use sea_query::{Alias, Expr, Query};
use sqlx::Row;

async fn count(db: &Db) -> i64 {
    let statement = Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new("system_event")).to_owned();
    db.fetch_all(&statement).await.unwrap()[0].try_get(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_that_read_first_all_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = server::database::open(&crate::common::fresh_database(dir.path(), "pslog").await).await.unwrap();
    let before = count(&db).await;
    let (writers, each) = (8, 25);
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..each {
                    let mut tx = db.begin().await?;
                    // Read, let the others run, then write: the pattern that fails under DEFERRED.
                    let statement =
                        Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new("system_event")).to_owned();
                    tx.fetch_all(&statement).await?;
                    tokio::task::yield_now().await;
                    journal::system(&mut tx, i, "concurrent writer", &w.to_string())
                        .await
                        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
                    tx.commit().await?;
                }
                Ok::<_, sqlx::Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("every writer commits");
    }
    assert_eq!(count(&db).await - before, writers * each);
}

/// Reconciliation (reads, then updates) runs while the journal writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reconciliation_runs_beside_other_writers() {
    let dir = tempfile::tempdir().unwrap();
    let db = server::database::open(&crate::common::fresh_database(dir.path(), "pslog").await).await.unwrap();
    let anchor = chrono::Utc::now().timestamp_millis();
    server::demo::fill(&db, &server::demo::DemoConfig { rows: 600, seed: 3, anchor_ms: anchor }).await.unwrap();
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            for i in 0..200 {
                let mut tx = db.begin().await.unwrap();
                journal::system(&mut tx, i, "beside reconciliation", "").await.unwrap();
                tx.commit().await.unwrap();
            }
        })
    };
    let outcome = server::reconcile::run_once(&db, 10).await.expect("reconciliation is not locked out");
    writer.await.unwrap();
    assert!(outcome.examined > 0, "{outcome:?}");
}

/// Ingest batches, the retention purge, the 72-hour message expiry and reconciliation at
/// once, on hours they share: every one of them commits (on PostgreSQL, count triggers taking
/// the same hourly rows in opposite orders would deadlock and abort one), and every hourly
/// and per-account count still equals its rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ingest_retention_and_reconciliation_at_once_keep_every_count() {
    use crate::counts::{assert_accounts_exact, assert_hourly_exact, counted_logs};
    use crate::ingest::{make_token, post};
    use app::codes::TokenScope;

    let app = crate::common::TestApp::spawn(600).await;
    let now = chrono::Utc::now().timestamp_millis();
    let token = make_token(&app, "pbx", TokenScope::Ingest, None, now).await;
    let numbers: Vec<String> = sqlx::query(&crate::common::sql(
        "SELECT phone_number FROM account WHERE phone_number <> '' ORDER BY id LIMIT 6",
    ))
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    assert_eq!(numbers.len(), 6);
    // Purge what is older than 20 days while batches write into those very days.
    app.execute("UPDATE settings SET cdr_retention_period = 'DAY', cdr_retention_count = 20").await;

    let dispositions = ["ANSWERED", "BUSY", "NO_ANSWER", "FAILED"];
    let hour = 3_600_000i64;
    let senders: Vec<_> = (0..4usize)
        .map(|w| {
            let (base, token, numbers) = (app.base.clone(), token.clone(), numbers.clone());
            tokio::spawn(async move {
                for b in 0..8usize {
                    // Each batch walks the same hours and codes in its own order.
                    let lines: Vec<serde_json::Value> = (0..24usize)
                        .map(|i| {
                            let k = if (w + b) % 2 == 0 { i } else { 23 - i };
                            let at = now - (k as i64 % 6) * 5 * 24 * hour - (k as i64 % 3) * hour;
                            serde_json::json!({
                                "call_date": chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339(),
                                "caller_number": numbers[(k + w) % 6], "callee_number": numbers[(k + b) % 6],
                                "total_duration": 40, "call_duration": 30, "disposition": dispositions[(k + w) % 4],
                                "call_id": format!("race-{w}-{b}-{i}"), "call_type": "CALL"
                            })
                        })
                        .collect();
                    let body = lines.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
                    let (status, answer) = post(&base, "/api/v1/cdr", &token, "application/x-ndjson", body).await;
                    assert_eq!(status, 200, "{answer}");
                }
            })
        })
        .collect();
    let housekeeping = {
        let db = app.db.clone();
        tokio::spawn(async move {
            let mut reconciler = server::reconcile::Reconciler::default();
            for _ in 0..6 {
                server::retention::purge(&db, chrono::Utc::now().timestamp_millis()).await.expect("purge commits");
                app::categories::messages::expire_queued(&db, chrono::Utc::now().timestamp_millis())
                    .await
                    .expect("expiry commits");
                reconciler.run(&db, 50).await.expect("reconciliation commits");
                tokio::task::yield_now().await;
            }
        })
    };
    for task in senders {
        task.await.expect("every batch is accepted");
    }
    housekeeping.await.expect("housekeeping never fails");
    for (_, spec, hourly, table) in counted_logs() {
        assert_hourly_exact(&app, spec, hourly, table).await;
    }
    assert_accounts_exact(&app).await;
    assert!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_id LIKE 'race-%'").await > 0);
}
