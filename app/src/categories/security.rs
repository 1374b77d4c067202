//! Security Events: the SIEM interface's events, each with its CEF line (seed name
//! SecurityEvent). They mirror events that also exist, raw, in another log.

use crate::codes::SecurityEventType;
use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
use crate::models::UtcMillis;

crate::record! {
    /// A SIEM event.
    pub struct SecurityEvent in "security_event" {
        id: i64,
        occurred_at: UtcMillis,
        description: String => searched,
        event_type: SecurityEventType => searched,
        /// The event as one CEF line.
        details: String => searched,
        processed: bool,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Security Events",
    summary: "Every event of the SIEM interface: logins, logouts, configuration changes and heartbeats. \
              The detail of each shows it as a CEF line, as sent to ArcSight.",
    time: SecurityEvent::occurred_at,
    columns: &[
        C::new("Timestamp", SecurityEvent::occurred_at).sorted_as("timestamp"),
        C::new("Description", SecurityEvent::description).sorted_as("description"),
        C::new("Event Type", SecurityEvent::event_type).sorted_as("type"),
        C::new("Processed", SecurityEvent::processed),
    ],
    filters: &[
        F::on("type", "Event Type", &[SecurityEvent::event_type]),
        F::on("description", "Description", &[SecurityEvent::description]),
        F::on("processed", "Processed", &[SecurityEvent::processed]),
    ],
};

#[cfg(feature = "ssr")]
pub use server::SecurityEvents;

#[cfg(feature = "ssr")]
mod server {
    use super::SecurityEvent;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct SecurityEvents;

    impl LogTable for SecurityEvents {
        type Row = SecurityEvent;

        fn cells(row: &SecurityEvent, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::text(&row.description),
                Cell::code(row.event_type.info()),
                Cell::yes_no(row.processed),
            ]
        }

        fn detail(row: &SecurityEvent, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            fields.push(("Details".into(), Cell::text(&row.details)));
            fields
        }
    }
}
