//! The console writes its own events into the logs it shows: logins and logouts (Web
//! Sessions), their SIEM mirror (Security Events, with CEF Details), configuration changes
//! (Auditing) and the server's own life (System Events). Each writer takes a transaction, so
//! an event and its mirror are stored together or not at all.

use crate::categories::audit::AuditEvent;
use crate::categories::security::SecurityEvent;
use crate::categories::system::SystemEvent;
use crate::categories::web_sessions::WebSession;
use crate::codes::{AuditChange, AuthResult, SecurityEventType};
use crate::db::Tx;
use crate::error::AppError;

/// The principal of system-triggered Web Sessions rows (session timeouts).
pub const ANONYMOUS_USER: &str = "anonymousUser";
/// The actor of changes made from the command line and of the server's own events.
pub const SYSTEM_USER: &str = "system";

/// Web Sessions rows (SUCCESS and SUCCESS_INTERACTIVE go together).
pub async fn web_session(
    tx: &mut Tx,
    at: i64,
    results: &[AuthResult],
    username: &str,
    ip: &str,
) -> Result<(), AppError> {
    for &result in results {
        tx.insert(&WebSession::new(at, result, username, ip)).await?;
    }
    Ok(())
}

/// A Security Event with its CEF line (as the settings of `tx` say who writes it).
pub async fn security(
    tx: &mut Tx,
    at: i64,
    kind: SecurityEventType,
    description: &str,
    user: &str,
    ip: &str,
) -> Result<(), AppError> {
    let identity = tx.settings().await?.cef;
    Ok(tx.insert(&SecurityEvent::new(&identity, at, kind, description, user, ip)).await?)
}

/// An Auditing row: who changed which object.
pub async fn audit(
    tx: &mut Tx,
    at: i64,
    actor: &str,
    change: AuditChange,
    object_type: &str,
    object_id: &str,
) -> Result<(), AppError> {
    Ok(tx.insert(&AuditEvent::new(at, actor, change, object_type, object_id)).await?)
}

/// A System Event.
pub async fn system(tx: &mut Tx, at: i64, description: &str, details: &str) -> Result<(), AppError> {
    Ok(tx.insert(&SystemEvent::new(at, description, details)).await?)
}
