//! System Events: what happened to the appliance outside the web console (seed name
//! SystemEvent): heartbeats, updates, reboots, backups and restores.

use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::System,
    title: "System Events",
    slug: "system",
    route: "/logs/system",
    summary: "Events of the appliance itself: a heartbeat every 4 hours, software updates, reboots, \
              backups and restores.",
    columns: &[
        ColumnSpec { label: "Timestamp", sort_key: Some("timestamp") },
        ColumnSpec { label: "Description", sort_key: Some("description") },
        ColumnSpec { label: "Details", sort_key: None },
    ],
    filters: &[FilterSpec { name: "description", label: "Description", kind: FilterKind::Prefix }],
    legends: &[],
};

#[cfg(feature = "ssr")]
pub use server::{SystemEventFilter, SystemEvents};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::db::list::{millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{SystemEvent, UtcMillis};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct SystemEvents;

    static TABLE: TableInfo = TableInfo {
        table: "system_event",
        time_column: "occurred_at",
        columns: &["id", "occurred_at", "description", "details"],
        text_columns: &["description", "details"],
        sorts: &[("timestamp", "occurred_at"), ("description", "description")],
    };

    crate::filter_set!(SystemEventFilter { description: TextPrefix = ("description", "Description", ["description"]) });

    impl LogTable for SystemEvents {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = SystemEvent;
        type Filter = SystemEventFilter;

        fn decode(row: &AnyRow) -> Result<SystemEvent, AppError> {
            Ok(SystemEvent {
                id: row.try_get(0)?,
                occurred_at: millis(row, 1)?,
                description: text(row, 2)?,
                details: text(row, 3)?,
            })
        }

        fn id(row: &SystemEvent) -> i64 {
            row.id
        }

        fn occurred(row: &SystemEvent) -> UtcMillis {
            row.occurred_at
        }

        fn cells(row: &SystemEvent, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::text(&row.description),
                Cell::text(&row.details),
            ]
        }
    }
}
