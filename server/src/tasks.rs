//! Background tasks of the running server.

use app::db::Db;
use std::time::Duration;

/// How often queued Secure Messages are checked for expiry.
const MESSAGE_EXPIRY_EVERY: Duration = Duration::from_secs(60);

/// Starts every periodic task; they run until the process ends.
pub fn spawn_all(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(MESSAGE_EXPIRY_EVERY);
        loop {
            tick.tick().await;
            let now = chrono::Utc::now().timestamp_millis();
            match app::categories::messages::expire_queued(&db, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "secure messages queued for over 72 hours expired"),
                Err(e) => tracing::error!(error = %e, "message expiry failed"),
            }
        }
    });
}
