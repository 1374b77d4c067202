//! Console activity: logins, logouts and timeouts (Web Sessions), their SIEM mirror (Security
//! Events), configuration changes (Auditing and Security Events), and the appliance's own
//! events (System Events, heartbeats every 4 hours).

use super::batch::BatchInsert;
use super::people::CONSOLE_USERS;
use super::{seeds, Gen};
use app::categories::audit::AuditEvent;
use app::categories::security::SecurityEvent;
use app::categories::system::SystemEvent;
use app::categories::web_sessions::WebSession;
use app::cef::Identity;
use app::codes::{AuditChange, AuthResult, SecurityEventType};

const HEARTBEAT_MS: i64 = 4 * 3_600_000;

struct Out<'a> {
    web: BatchInsert<'a, WebSession>,
    security: BatchInsert<'a, SecurityEvent>,
    identity: Identity,
}

/// A demo Security Event: history, so already sent to the SIEM (processed), as in the seeds.
pub fn sent(
    identity: &Identity,
    at: i64,
    kind: SecurityEventType,
    description: &str,
    user: &str,
    ip: &str,
) -> SecurityEvent {
    SecurityEvent { processed: true, ..SecurityEvent::new(identity, at, kind, description, user, ip) }
}

impl Out<'_> {
    async fn web(&mut self, at: i64, result: AuthResult, user: &str, ip: &str) -> anyhow::Result<()> {
        self.web.row(WebSession::new(at, result, user, ip)).await
    }

    async fn security(
        &mut self,
        at: i64,
        kind: SecurityEventType,
        description: &str,
        user: &str,
        ip: &str,
    ) -> anyhow::Result<()> {
        self.security.row(sent(&self.identity, at, kind, description, user, ip)).await
    }
}

pub async fn generate(gen: &mut Gen<'_>) -> anyhow::Result<Vec<(&'static str, u64)>> {
    let identity = gen.db.settings().await?.cef;
    let mut out = Out {
        web: BatchInsert::new(gen.db, &gen.progress),
        security: BatchInsert::new(gen.db, &gen.progress),
        identity,
    };
    let mut audit = BatchInsert::<AuditEvent>::new(gen.db, &gen.progress);
    let mut system = BatchInsert::<SystemEvent>::new(gen.db, &gen.progress);

    // Console sessions: each writes 2 to 5 Web Sessions rows.
    let mut written = 0;
    while written < gen.rows {
        let (user, ip) = gen.pick(CONSOLE_USERS);
        let mut at = gen.instant();
        if gen.chance(20) {
            let failure = gen.pick(&[
                AuthResult::FailBadCredentials,
                AuthResult::FailBadCredentials,
                AuthResult::FailUserNotFound,
                AuthResult::FailCredentialsExpired,
            ]);
            let name = if failure == AuthResult::FailUserNotFound {
                gen.pick(&["root", "administrator", "test"])
            } else {
                user
            };
            out.web(at, failure, name, ip).await?;
            out.security(at, SecurityEventType::LoginFailed, "Failed login", name, ip).await?;
            written += 1;
            at += gen.rng.i64(3_000..20_000);
        }
        out.web(at, AuthResult::Success, user, ip).await?;
        out.web(at, AuthResult::SuccessInteractive, user, ip).await?;
        out.security(at, SecurityEventType::LogIn, "Successful login", user, ip).await?;
        written += 2;
        // Some work in the session: configuration changes.
        if gen.chance(30) {
            let t = at + gen.rng.i64(60_000..1_200_000);
            let (object, id, setting, value, kind) = gen.pick(&[
                (
                    "Setting",
                    "NETWORK.TCP_KEEPALIVE_TIME",
                    "Setting NETWORK.TCP_KEEPALIVE_TIME changed to 90",
                    "",
                    SecurityEventType::ApplianceConfigurationChange,
                ),
                (
                    "Setting",
                    "sip.conf.general.reroute_on_trunk",
                    "sip.conf.general.reroute_on_trunk changed to yes",
                    "",
                    SecurityEventType::ApplianceConfigurationChange,
                ),
                (
                    "TlsItem",
                    "myserver.privatewave.com",
                    "Added new TLS item test for subject myserver.privatewave.com",
                    "",
                    SecurityEventType::SecurityConfigurationChange,
                ),
                ("Account", "", "", "account", SecurityEventType::System),
                ("ProvisioningProfile", "default", "", "", SecurityEventType::System),
            ]);
            let (change, object_id) = if value == "account" {
                (gen.pick(AuditChange::ALL), gen.account().id.to_string())
            } else {
                (if object == "TlsItem" { AuditChange::Insert } else { AuditChange::Update }, id.to_owned())
            };
            audit.row(AuditEvent::new(t, user, change, object, &object_id)).await?;
            if !setting.is_empty() {
                out.security(t, kind, setting, user, ip).await?;
            }
        }
        let end = at + gen.rng.i64(120_000..3_600_000);
        if end < gen.anchor {
            if gen.chance(45) {
                out.web(end, AuthResult::Logout, user, ip).await?;
                out.security(end, SecurityEventType::LogOut, "Logout", user, ip).await?;
            } else {
                out.web(end, AuthResult::SessionTimeout, "anonymousUser", ip).await?;
                out.security(end, SecurityEventType::LogOut, "Logout due to session timeout", user, ip).await?;
            }
            written += 1;
        }
    }

    // Heartbeats every 4 hours on the hour, in both logs; an update, a reboot and backups.
    let mut beat = (gen.anchor - gen.window).div_euclid(HEARTBEAT_MS) * HEARTBEAT_MS + HEARTBEAT_MS;
    while beat <= gen.anchor {
        let at = beat + gen.rng.i64(10..30);
        system.row(SystemEvent::new(at, "Heartbeat event", "")).await?;
        out.security(at, SecurityEventType::Heartbeat, "Heartbeat event", "system", "127.0.0.1").await?;
        beat += HEARTBEAT_MS;
    }
    let day = 86_400_000;
    for (days_ago, description, details) in [
        (21, "Appliance Software Upgrade", "Upgrade requested from the console"),
        (21, "Appliance updated from version 15.0-5950.fc14 to 15.0-6098.fc14", ""),
        (14, "Appliance reboot", "Requested by admin"),
        (7, "Appliance backup completed", "backup-weekly.tar.gz.gpg, 182 MB"),
        (3, "Appliance restore completed", "Restored configuration from backup-weekly.tar.gz.gpg"),
    ] {
        let at = gen.anchor - days_ago * day + gen.rng.i64(0..3_600_000);
        system.row(SystemEvent::new(at, description, details)).await?;
        out.security(at, SecurityEventType::System, description, "system", "127.0.0.1").await?;
    }

    seeds::console(&out.identity, &mut out.web, &mut out.security, &mut system).await?;
    Ok(vec![
        ("web_session", out.web.finish().await?),
        ("security_event", out.security.finish().await?),
        ("audit_event", audit.finish().await?),
        ("system_event", system.finish().await?),
    ])
}
