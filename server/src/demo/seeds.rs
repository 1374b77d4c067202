//! Example rows from the manual (`shared/seeds/`), at their original dates.

use super::batch::BatchInsert;
use super::{flag, v};
use app::cef::console_event as cef;
use app::codes::SecurityEventType;
use chrono::NaiveDateTime;

/// A seed timestamp ("2015-05-08 15:20:25.788", appliance local time taken as UTC).
pub fn at(text: &str) -> i64 {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("seed time {text}: {e}"))
        .and_utc()
        .timestamp_millis()
}

pub async fn console(
    web: &mut BatchInsert<'_>,
    security: &mut BatchInsert<'_>,
    system: &mut BatchInsert<'_>,
) -> anyhow::Result<()> {
    for (time, result, user, ip) in [
        ("2012-05-10 17:29:42.000", "SUCCESS_INTERACTIVE", "admin", "93.57.41.37"),
        ("2012-05-10 17:29:42.000", "SUCCESS", "admin", "93.57.41.37"),
        ("2012-05-10 17:29:37.000", "FAIL_BAD_CREDENTIALS", "admin", "93.57.41.37"),
        ("2015-05-11 12:06:34.000", "SUCCESS", "admin", "93.57.41.37"),
        ("2015-05-11 09:38:50.000", "SESSION_TIMEOUT", "anonymousUser", "93.57.41.37"),
        ("2015-05-11 09:08:34.000", "SUCCESS", "admin", "93.57.41.37"),
        ("2015-05-11 09:08:29.000", "FAIL_BAD_CREDENTIALS", "admin", "93.57.41.37"),
    ] {
        web.row(vec![v(at(time)), v(result), v(user), v(ip)]).await?;
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
        let t = at(time);
        security
            .row(vec![
                v(t),
                v(description),
                v(kind.code()),
                v(cef(kind, description, t, "admin", "93.57.41.37")),
                flag(true),
            ])
            .await?;
    }
    for (time, description) in [
        ("2015-05-11 12:00:00.014", "Heartbeat event"),
        ("2015-05-08 10:15:37.000", "Appliance updated from version 15.0-5950.fc14 to 15.0-6098.fc14"),
        ("2014-03-24 11:33:43.000", "Appliance updated from version 14.1-4834.fc14 to 14.1-4835.fc14"),
        ("2014-03-24 11:33:29.000", "Appliance Software Upgrade"),
    ] {
        system.row(vec![v(at(time)), v(description), v("")]).await?;
    }
    Ok(())
}
