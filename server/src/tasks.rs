//! Background tasks of the running server: message expiry, monthly partitions made ahead,
//! CDR retention, idle sessions, and the server's own life in the logs (a start-up System
//! Event, a heartbeat every 4 hours).

use app::auth::journal;
use app::codes::SecurityEventType;
use app::db::render::RenderCtx;
use app::db::{AppState, Db};
use chrono::{TimeZone, Timelike};
use chrono_tz::Tz;
use std::future::Future;
use std::time::Duration;

/// How often the housekeeping tasks run.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);
/// The appliance's heartbeat period.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(4 * 3600);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Runs `job` every `period`, the first time at once.
fn every<F, Fut>(period: Duration, mut job: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            job().await;
        }
    });
}

/// Starts every periodic task; they run until the process ends.
pub fn spawn_all(state: AppState) {
    let db = state.db.clone();
    every(HOUSEKEEPING_EVERY, move || {
        let db = db.clone();
        async move {
            match app::categories::messages::expire_queued(&db, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "secure messages queued for over 72 hours expired"),
                Err(e) => tracing::error!(error = %e, "message expiry failed"),
            }
            match crate::partitions::make_ahead(&db, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(made = n, "monthly partitions made ahead"),
                Err(e) => tracing::error!(error = %e, "making monthly partitions ahead failed"),
            }
            match crate::retention::purge(&db, now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "CDRs past their retention purged"),
                Err(e) => tracing::error!(error = %e, "CDR purge failed"),
            }
            if let Err(e) = app::db::ingest::forget_old_keys(&db, now_ms()).await {
                tracing::error!(error = %e, "forgetting old idempotency keys failed");
            }
        }
    });
    let (db, idle) = (state.db.clone(), state.session_idle);
    every(HOUSEKEEPING_EVERY, move || {
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
    tokio::spawn(async move {
        loop {
            let zone = match RenderCtx::load(&db).await {
                Ok(ctx) => ctx.zone,
                Err(e) => {
                    tracing::error!(error = %e, "heartbeat: settings unreadable");
                    chrono_tz::UTC
                }
            };
            let now = now_ms();
            let mark = next_heartbeat(now, zone);
            tokio::time::sleep(Duration::from_millis((mark - now).max(0) as u64)).await;
            if let Err(e) = heartbeat(&db, now_ms()).await {
                tracing::error!(error = %e, "heartbeat failed");
            }
        }
    });
}

/// The next heartbeat after `now_ms`: the next 00, 04, 08, 12, 16 or 20 o'clock of the
/// appliance's zone, as the seeds' heartbeats fall.
pub fn next_heartbeat(now_ms: i64, zone: Tz) -> i64 {
    let hour_ms = 3_600_000;
    // Whole hours after now, until one is a 4-hour mark in the zone (DST shifts included).
    let mut t = now_ms - now_ms.rem_euclid(hour_ms) + hour_ms;
    for _ in 0..8 {
        let local = zone.timestamp_millis_opt(t).single().map(|l| (l.hour(), l.minute()));
        if matches!(local, Some((h, 0)) if h % 4 == 0) {
            return t;
        }
        t += hour_ms;
    }
    // A zone whose offset is not whole hours: every 4 hours from now.
    now_ms + HEARTBEAT_EVERY.as_millis() as i64
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

#[cfg(test)]
mod tests {
    use super::next_heartbeat;
    use chrono::{TimeZone, Utc};

    fn at(zone: chrono_tz::Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        zone.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap().timestamp_millis()
    }

    #[test]
    fn heartbeats_fall_on_the_four_hour_marks_of_the_appliance_zone() {
        let utc = chrono_tz::UTC;
        assert_eq!(next_heartbeat(at(utc, 2026, 11, 23, 13, 7), utc), at(utc, 2026, 11, 23, 16, 0));
        // Exactly on a mark: the next one.
        assert_eq!(next_heartbeat(at(utc, 2026, 11, 23, 16, 0), utc), at(utc, 2026, 11, 23, 20, 0));
        assert_eq!(next_heartbeat(at(utc, 2026, 11, 23, 22, 59), utc), at(utc, 2026, 11, 24, 0, 0));
        let rome = chrono_tz::Europe::Rome;
        assert_eq!(next_heartbeat(at(rome, 2026, 11, 23, 9, 30), rome), at(rome, 2026, 11, 23, 12, 0));
        // Half-hour zones have no whole-hour marks: four hours on.
        let kolkata = chrono_tz::Asia::Kolkata;
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 10, 0).unwrap().timestamp_millis();
        assert_eq!(next_heartbeat(now, kolkata), now + 4 * 3_600_000);
    }
}
