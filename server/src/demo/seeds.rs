//! Example rows from the manual (`shared/seeds/`), at their original dates.

use super::batch::BatchInsert;
use app::categories::security::SecurityEvent;
use app::categories::system::SystemEvent;
use app::categories::web_sessions::WebSession;
use app::codes::{AuthResult, SecurityEventType};
use chrono::NaiveDateTime;

/// A seed timestamp ("2015-05-08 15:20:25.788", appliance local time taken as UTC).
pub fn at(text: &str) -> i64 {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("seed time {text}: {e}"))
        .and_utc()
        .timestamp_millis()
}

pub async fn console(
    identity: &app::cef::Identity,
    web: &mut BatchInsert<'_, WebSession>,
    security: &mut BatchInsert<'_, SecurityEvent>,
    system: &mut BatchInsert<'_, SystemEvent>,
) -> anyhow::Result<()> {
    for (time, result, user, ip) in [
        ("2012-05-10 17:29:42.000", AuthResult::SuccessInteractive, "admin", "93.57.41.37"),
        ("2012-05-10 17:29:42.000", AuthResult::Success, "admin", "93.57.41.37"),
        ("2012-05-10 17:29:37.000", AuthResult::FailBadCredentials, "admin", "93.57.41.37"),
        ("2015-05-11 12:06:34.000", AuthResult::Success, "admin", "93.57.41.37"),
        ("2015-05-11 09:38:50.000", AuthResult::SessionTimeout, "anonymousUser", "93.57.41.37"),
        ("2015-05-11 09:08:34.000", AuthResult::Success, "admin", "93.57.41.37"),
        ("2015-05-11 09:08:29.000", AuthResult::FailBadCredentials, "admin", "93.57.41.37"),
    ] {
        web.row(WebSession::new(at(time), result, user, ip)).await?;
    }
    for (time, description, kind) in [
        ("2015-05-08 15:20:25.788", "Successful login", SecurityEventType::LogIn),
        ("2015-05-08 13:53:12.212", "Logout due to session timeout", SecurityEventType::LogOut),
        (
            "2015-05-08 13:22:13.340",
            "Setting NETWORK.TCP_KEEPALIVE_PROBES changed to 3",
            SecurityEventType::ApplianceConfigurationChange,
        ),
        ("2015-05-08 12:00:00.098", "Heartbeat event", SecurityEventType::Heartbeat),
        (
            "2014-03-25 16:28:10.430",
            "CDR masking policy changed to MASK",
            SecurityEventType::SecurityConfigurationChange,
        ),
        (
            "2014-03-25 15:00:23.414",
            "Deleted TLS item test for subject myserver.privatewave.com",
            SecurityEventType::SecurityConfigurationChange,
        ),
    ] {
        security.row(super::console::sent(identity, at(time), kind, description, "admin", "93.57.41.37")).await?;
    }
    for (time, description) in [
        ("2015-05-11 12:00:00.014", "Heartbeat event"),
        ("2015-05-08 10:15:37.000", "Appliance updated from version 15.0-5950.fc14 to 15.0-6098.fc14"),
        ("2014-03-24 11:33:43.000", "Appliance updated from version 14.1-4834.fc14 to 14.1-4835.fc14"),
        ("2014-03-24 11:33:29.000", "Appliance Software Upgrade"),
    ] {
        system.row(SystemEvent::new(at(time), description, "")).await?;
    }
    Ok(())
}
