//! Auditing: who changed which configuration object (seed name AuditLogEvent; the same data
//! as the SQL view V_AUDIT_EVENT).

use crate::codes::AuditChange;
use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// A change of a configuration object by a console user.
    pub struct AuditEvent in "audit_event" {
        id: i64,
        occurred_at: UtcMillis,
        actor: String => searched,
        change: AuditChange => searched,
        object_type: String => searched,
        object_id: String => searched,
    }
}

impl AuditEvent {
    /// A new row: `actor` made `change` to an object (its id is the database's).
    pub fn new(at: i64, actor: &str, change: AuditChange, object_type: &str, object_id: &str) -> AuditEvent {
        AuditEvent {
            id: 0,
            occurred_at: UtcMillis(at),
            actor: actor.to_owned(),
            change,
            object_type: object_type.to_owned(),
            object_id: object_id.to_owned(),
        }
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Auditing",
    summary: "Every change console users made to configuration objects: who, what, and which object.",
    time: AuditEvent::occurred_at,
    columns: &[
        C::new("Timestamp", AuditEvent::occurred_at).sorted_as("timestamp").links_detail(),
        C::new("Username", AuditEvent::actor).sorted_as("username").filtered_as("username"),
        C::new("Change", AuditEvent::change).sorted_as("change").filtered_as("change"),
        C::new("Object Type", AuditEvent::object_type).sorted_as("object_type").filtered_as("object_type"),
        C::new("Object ID", AuditEvent::object_id).filtered_as("object_id"),
    ],
    detail: &[],
    accounts: &[],
    hourly: None,
    text_index: None,
};

/// The Auditing list: every cell as its column declares it.
#[cfg(feature = "ssr")]
pub struct Auditing;

#[cfg(feature = "ssr")]
impl crate::db::list::LogTable for Auditing {
    type Row = AuditEvent;
}
