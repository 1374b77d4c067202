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
