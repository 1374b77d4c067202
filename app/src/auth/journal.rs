//! The console writes its own events into the logs it shows: logins and logouts (Web
//! Sessions), their SIEM mirror (Security Events, with CEF Details), configuration changes
//! (Auditing) and the server's own life (System Events). Each writer takes a transaction, so
//! an event and its mirror are stored together or not at all.

use crate::cef::console_event;
use crate::codes::{AuditChange, AuthResult, SecurityEventType};
use crate::db::Tx;
use crate::error::AppError;
use sea_query::{Alias, Query, SimpleExpr};

/// The principal of system-triggered Web Sessions rows (session timeouts).
pub const ANONYMOUS_USER: &str = "anonymousUser";
/// The actor of changes made from the command line and of the server's own events.
pub const SYSTEM_USER: &str = "system";

async fn insert(tx: &mut Tx, table: &str, columns: &[&str], values: Vec<SimpleExpr>) -> Result<(), AppError> {
    let statement = Query::insert()
        .into_table(Alias::new(table))
        .columns(columns.iter().map(|c| Alias::new(*c)))
        .values(values)
        .map_err(|e| AppError::internal("journal", e))?
        .to_owned();
    tx.execute(&statement).await?;
    Ok(())
}

/// Web Sessions rows (SUCCESS and SUCCESS_INTERACTIVE go together).
pub async fn web_session(
    tx: &mut Tx,
    at: i64,
    results: &[AuthResult],
    username: &str,
    ip: &str,
) -> Result<(), AppError> {
    for result in results {
        insert(
            tx,
            "web_session",
            &["occurred_at", "result", "username", "ip_address"],
            vec![at.into(), result.code().into(), username.into(), ip.into()],
        )
        .await?;
    }
    Ok(())
}

/// A Security Event with its CEF line.
pub async fn security(
    tx: &mut Tx,
    at: i64,
    kind: SecurityEventType,
    description: &str,
    user: &str,
    ip: &str,
) -> Result<(), AppError> {
    let details = console_event(kind, description, at, user, ip);
    insert(
        tx,
        "security_event",
        &["occurred_at", "description", "event_type", "details", "processed"],
        vec![at.into(), description.into(), kind.code().into(), details.into(), 1i64.into()],
    )
    .await
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
    insert(
        tx,
        "audit_event",
        &["occurred_at", "actor", "change", "object_type", "object_id"],
        vec![at.into(), actor.into(), change.code().into(), object_type.into(), object_id.into()],
    )
    .await
}

/// A System Event.
pub async fn system(tx: &mut Tx, at: i64, description: &str, details: &str) -> Result<(), AppError> {
    insert(
        tx,
        "system_event",
        &["occurred_at", "description", "details"],
        vec![at.into(), description.into(), details.into()],
    )
    .await
}
