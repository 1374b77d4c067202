//! Security Events: the SIEM interface's events, each with its CEF line (seed name
//! SecurityEvent). They mirror events that also exist, raw, in another log.

use crate::codes::SecurityEventType;
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::Security,
    title: "Security Events",
    slug: "security",
    route: "/logs/security",
    summary: "Every event of the SIEM interface: logins, logouts, configuration changes and heartbeats. \
              The detail of each shows it as a CEF line, as sent to ArcSight.",
    columns: &[
        ColumnSpec { label: "Timestamp", sort_key: Some("timestamp") },
        ColumnSpec { label: "Description", sort_key: Some("description") },
        ColumnSpec { label: "Event Type", sort_key: Some("type") },
        ColumnSpec { label: "Processed", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "type", label: "Event Type", kind: FilterKind::Code(SecurityEventType::CODES) },
        FilterSpec { name: "description", label: "Description", kind: FilterKind::Prefix },
        FilterSpec { name: "processed", label: "Processed", kind: FilterKind::YesNo },
    ],
    legends: &[Legend { title: "Event Type", codes: SecurityEventType::CODES }],
};

#[cfg(feature = "ssr")]
pub use server::{SecurityEventFilter, SecurityEvents};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::SecurityEventType;
    use crate::db::filters::YesNo;
    use crate::db::list::{code, flag, millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{SecurityEvent, UtcMillis};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct SecurityEvents;

    static TABLE: TableInfo = TableInfo {
        table: "security_event",
        time_column: "occurred_at",
        columns: &["id", "occurred_at", "description", "event_type", "details", "processed"],
        text_columns: &["description", "event_type", "details"],
        sorts: &[("timestamp", "occurred_at"), ("description", "description"), ("type", "event_type")],
    };

    crate::filter_set!(SecurityEventFilter {
        event_type: SecurityEventType = ("type", "Event Type", ["event_type"]),
        description: TextPrefix = ("description", "Description", ["description"]),
        processed: YesNo = ("processed", "Processed", ["processed"]),
    });

    impl LogTable for SecurityEvents {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = SecurityEvent;
        type Filter = SecurityEventFilter;

        fn decode(row: &AnyRow) -> Result<SecurityEvent, AppError> {
            Ok(SecurityEvent {
                id: row.try_get(0)?,
                occurred_at: millis(row, 1)?,
                description: text(row, 2)?,
                event_type: code(row, 3)?,
                details: text(row, 4)?,
                processed: flag(row, 5)?,
            })
        }

        fn id(row: &SecurityEvent) -> i64 {
            row.id
        }

        fn occurred(row: &SecurityEvent) -> UtcMillis {
            row.occurred_at
        }

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
