//! Auditing: who changed which configuration object (seed name AuditLogEvent; the same data
//! as the SQL view V_AUDIT_EVENT).

use crate::codes::AuditChange;
use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
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

pub const SPEC: CategorySpec = CategorySpec {
    title: "Auditing",
    summary: "Every change console users made to configuration objects: who, what, and which object.",
    time: AuditEvent::occurred_at,
    columns: &[
        C::new("Timestamp", AuditEvent::occurred_at).sorted_as("timestamp"),
        C::new("Username", AuditEvent::actor).sorted_as("username"),
        C::new("Change", AuditEvent::change).sorted_as("change"),
        C::new("Object Type", AuditEvent::object_type).sorted_as("object_type"),
        C::new("Object ID", AuditEvent::object_id),
    ],
    filters: &[
        F::on("change", "Change", &[AuditEvent::change]),
        F::on("username", "Username", &[AuditEvent::actor]),
        F::on("object_type", "Object Type", &[AuditEvent::object_type]),
        F::on("object_id", "Object ID", &[AuditEvent::object_id]),
    ],
};

#[cfg(feature = "ssr")]
pub use server::Auditing;

#[cfg(feature = "ssr")]
mod server {
    use super::AuditEvent;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct Auditing;

    impl LogTable for Auditing {
        type Row = AuditEvent;

        fn cells(row: &AuditEvent, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::text(&row.actor),
                Cell::code(row.change.info()),
                Cell::text(&row.object_type),
                Cell::text(&row.object_id),
            ]
        }
    }
}
