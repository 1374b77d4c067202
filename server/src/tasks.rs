//! Background tasks of the running server: message expiry, CDR retention, idle sessions, and
//! the server's own life in the logs (a start-up System Event, a heartbeat every 4 hours).

use app::auth::journal;
use app::codes::SecurityEventType;
use app::db::{AppState, Db};
use std::future::Future;
use std::time::Duration;

/// How often the housekeeping tasks run.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);
/// The appliance's heartbeat period.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(4 * 3600);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Runs `job` every `period` (the first run after one period when `skip_first`).
fn every<F, Fut>(period: Duration, skip_first: bool, mut job: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        if skip_first {
            tick.tick().await;
        }
        loop {
            tick.tick().await;
            job().await;
        }
    });
}

/// Starts every periodic task; they run until the process ends.
pub fn spawn_all(state: AppState) {
    let db = state.db.clone();
    every(HOUSEKEEPING_EVERY, false, move || {
        let db = db.clone();
        async move {
            match app::categories::messages::expire_queued(&db, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "secure messages queued for over 72 hours expired"),
                Err(e) => tracing::error!(error = %e, "message expiry failed"),
            }
            match crate::retention::purge(&db, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "CDRs past their retention purged"),
                Err(e) => tracing::error!(error = %e, "CDR purge failed"),
            }
        }
    });
    let (db, idle) = (state.db.clone(), state.session_idle);
    every(HOUSEKEEPING_EVERY, false, move || {
        let db = db.clone();
        async move {
            match app::auth::session::sweep(&db, idle, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(ended = n, "idle console sessions timed out"),
                Err(e) => tracing::error!(error = %e, "session sweep failed"),
            }
        }
    });
    let db = state.db;
    every(HEARTBEAT_EVERY, true, move || {
        let db = db.clone();
        async move {
            if let Err(e) = heartbeat(&db, now_ms()).await {
                tracing::error!(error = %e, "heartbeat failed");
            }
        }
    });
}

/// The heartbeat: a System Event and its Security Event.
pub async fn heartbeat(db: &Db, at: i64) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    journal::system(&mut tx, at, "Heartbeat event", "").await?;
    journal::security(&mut tx, at, SecurityEventType::Heartbeat, "Heartbeat event", journal::SYSTEM_USER, "127.0.0.1")
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The start-up System Event: which version now serves, and where.
pub async fn started(db: &Db, at: i64, addr: &str) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let details = format!("pslog {} listening on {addr}", env!("CARGO_PKG_VERSION"));
    journal::system(&mut tx, at, "Console service started", &details).await?;
    tx.commit().await?;
    Ok(())
}
