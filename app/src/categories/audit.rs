//! Auditing: who changed which configuration object (seed name AuditLogEvent; the same data
//! as the SQL view V_AUDIT_EVENT).

use crate::codes::AuditChange;
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::Audit,
    title: "Auditing",
    slug: "audit",
    route: "/logs/audit",
    summary: "Every change console users made to configuration objects: who, what, and which object.",
    columns: &[
        ColumnSpec { label: "Timestamp", sort_key: Some("timestamp") },
        ColumnSpec { label: "Username", sort_key: Some("username") },
        ColumnSpec { label: "Change", sort_key: Some("change") },
        ColumnSpec { label: "Object Type", sort_key: Some("object_type") },
        ColumnSpec { label: "Object ID", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "change", label: "Change", kind: FilterKind::Code(AuditChange::CODES) },
        FilterSpec { name: "username", label: "Username", kind: FilterKind::Prefix },
        FilterSpec { name: "object_type", label: "Object Type", kind: FilterKind::Prefix },
        FilterSpec { name: "object_id", label: "Object ID", kind: FilterKind::Prefix },
    ],
    legends: &[Legend { title: "Change", codes: AuditChange::CODES }],
};

#[cfg(feature = "ssr")]
pub use server::{AuditFilter, Auditing};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::AuditChange;
    use crate::db::list::{code, millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{AuditEvent, UtcMillis};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct Auditing;

    static TABLE: TableInfo = TableInfo {
        table: "audit_event",
        time_column: "occurred_at",
        columns: &["id", "occurred_at", "actor", "change", "object_type", "object_id"],
        text_columns: &["actor", "change", "object_type", "object_id"],
        sorts: &[
            ("timestamp", "occurred_at"),
            ("username", "actor"),
            ("change", "change"),
            ("object_type", "object_type"),
        ],
    };

    crate::filter_set!(AuditFilter {
        change: AuditChange = ("change", "Change", ["change"]),
        username: TextPrefix = ("username", "Username", ["actor"]),
        object_type: TextPrefix = ("object_type", "Object Type", ["object_type"]),
        object_id: TextPrefix = ("object_id", "Object ID", ["object_id"]),
    });

    impl LogTable for Auditing {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = AuditEvent;
        type Filter = AuditFilter;

        fn decode(row: &AnyRow) -> Result<AuditEvent, AppError> {
            Ok(AuditEvent {
                id: row.try_get(0)?,
                occurred_at: millis(row, 1)?,
                actor: text(row, 2)?,
                change: code(row, 3)?,
                object_type: text(row, 4)?,
                object_id: text(row, 5)?,
            })
        }

        fn id(row: &AuditEvent) -> i64 {
            row.id
        }

        fn occurred(row: &AuditEvent) -> UtcMillis {
            row.occurred_at
        }

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
