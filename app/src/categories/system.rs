//! System Events: what happened to the appliance outside the web console (seed name
//! SystemEvent): heartbeats, updates, reboots, backups and restores.

use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
use crate::models::UtcMillis;

crate::record! {
    /// An event of the appliance outside the web console.
    pub struct SystemEvent in "system_event" {
        id: i64,
        occurred_at: UtcMillis,
        description: String => searched,
        details: String => searched,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "System Events",
    summary: "Events of the appliance itself: a heartbeat every 4 hours, software updates, reboots, \
              backups and restores.",
    time: SystemEvent::occurred_at,
    columns: &[
        C::new("Timestamp", SystemEvent::occurred_at).sorted_as("timestamp"),
        C::new("Description", SystemEvent::description).sorted_as("description"),
        C::new("Details", SystemEvent::details),
    ],
    filters: &[F::on("description", "Description", &[SystemEvent::description])],
};

#[cfg(feature = "ssr")]
pub use server::SystemEvents;

#[cfg(feature = "ssr")]
mod server {
    use super::SystemEvent;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct SystemEvents;

    impl LogTable for SystemEvents {
        type Row = SystemEvent;

        fn cells(row: &SystemEvent, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::text(&row.description),
                Cell::text(&row.details),
            ]
        }
    }
}
