//! Secure Messages: the transport data of every secure message (seed name Message). There is
//! no payload anywhere. A message ENQUEUED for more than 72 hours becomes EXPIRED.

use crate::codes::MessageStatus;
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::Messages,
    title: "Secure Messages",
    slug: "messages",
    route: "/logs/messages",
    summary: "The delivery of every Secure Message, from queue to recipient: transport data only, never a \
              payload. A message queued for more than 72 hours expires.",
    columns: &[
        ColumnSpec { label: "UUID", sort_key: None },
        ColumnSpec { label: "From", sort_key: Some("from") },
        ColumnSpec { label: "To", sort_key: Some("to") },
        ColumnSpec { label: "Tech Message", sort_key: None },
        ColumnSpec { label: "API Version", sort_key: None },
        ColumnSpec { label: "Status", sort_key: Some("status") },
        ColumnSpec { label: "Send Attempts", sort_key: None },
        ColumnSpec { label: "Received", sort_key: Some("timestamp") },
        ColumnSpec { label: "Processed", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "status", label: "Status", kind: FilterKind::Code(MessageStatus::CODES) },
        FilterSpec { name: "tech", label: "Tech Message", kind: FilterKind::YesNo },
        FilterSpec { name: "sender", label: "Sender", kind: FilterKind::Prefix },
        FilterSpec { name: "recipient", label: "Recipient", kind: FilterKind::Prefix },
        FilterSpec { name: "uuid", label: "UUID", kind: FilterKind::Prefix },
        FilterSpec { name: "account_id", label: "Account #", kind: FilterKind::AccountId },
    ],
    legends: &[Legend { title: "Status", codes: MessageStatus::CODES }],
};

/// How long a message may wait in the queue before it expires.
pub const EXPIRY_MS: i64 = 72 * 3_600_000;

#[cfg(feature = "ssr")]
pub use server::{expire_queued, SecureMessageFilter, SecureMessages};

#[cfg(feature = "ssr")]
mod server {
    use super::{EXPIRY_MS, SPEC};
    use crate::codes::MessageStatus;
    use crate::db::filters::{AccountId, YesNo};
    use crate::db::list::{code, flag, millis, opt_id, opt_millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::db::Db;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{SecureMessage, UtcMillis};
    use sea_query::{Alias, Expr, Query};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct SecureMessages;

    static TABLE: TableInfo = TableInfo {
        table: "secure_message",
        time_column: "received_at",
        columns: &[
            "id",
            "uuid",
            "from_account",
            "from_account_id",
            "to_account",
            "to_account_id",
            "tech_message",
            "api_version",
            "status",
            "send_attempts",
            "received_at",
            "processed_at",
        ],
        text_columns: &["uuid", "from_account", "to_account", "status"],
        sorts: &[("timestamp", "received_at"), ("from", "from_account"), ("to", "to_account"), ("status", "status")],
    };

    crate::filter_set!(SecureMessageFilter {
        status: MessageStatus = ("status", "Status", ["status"]),
        tech: YesNo = ("tech", "Tech Message", ["tech_message"]),
        sender: TextPrefix = ("sender", "Sender", ["from_account"]),
        recipient: TextPrefix = ("recipient", "Recipient", ["to_account"]),
        uuid: TextPrefix = ("uuid", "UUID", ["uuid"]),
        account_id: AccountId = ("account_id", "Account #", ["from_account_id", "to_account_id"]),
    });

    /// Turns every message ENQUEUED before `now - 72 h` into EXPIRED; returns how many.
    pub async fn expire_queued(db: &Db, now_ms: i64) -> Result<u64, AppError> {
        let update = Query::update()
            .table(Alias::new("secure_message"))
            .value(Alias::new("status"), MessageStatus::Expired.code())
            .and_where(Expr::col(Alias::new("status")).eq(MessageStatus::Enqueued.code()))
            .and_where(Expr::col(Alias::new("received_at")).lt(now_ms - EXPIRY_MS))
            .to_owned();
        let (sql, values) = db.backend.build(&update);
        Ok(sqlx::query_with(&sql, values).execute(&db.pool).await?.rows_affected())
    }

    impl LogTable for SecureMessages {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = SecureMessage;
        type Filter = SecureMessageFilter;

        fn decode(row: &AnyRow) -> Result<SecureMessage, AppError> {
            Ok(SecureMessage {
                id: row.try_get(0)?,
                uuid: text(row, 1)?,
                from_account: text(row, 2)?,
                from_account_id: opt_id(row, 3)?,
                to_account: text(row, 4)?,
                to_account_id: opt_id(row, 5)?,
                tech_message: flag(row, 6)?,
                api_version: row.try_get(7)?,
                status: code(row, 8)?,
                send_attempts: row.try_get(9)?,
                received_at: millis(row, 10)?,
                processed_at: opt_millis(row, 11)?,
            })
        }

        fn id(row: &SecureMessage) -> i64 {
            row.id
        }

        fn occurred(row: &SecureMessage) -> UtcMillis {
            row.received_at
        }

        fn cells(row: &SecureMessage, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(&row.uuid, Self::detail_href(row)),
                Cell::account(&row.from_account, row.from_account_id),
                Cell::account(&row.to_account, row.to_account_id),
                Cell::yes_no(row.tech_message),
                Cell::text(row.api_version.to_string()),
                Cell::code(row.status.info()),
                Cell::text(row.send_attempts.to_string()),
                Cell::text(ctx.time(row.received_at)),
                Cell::text(row.processed_at.map(|t| ctx.time(t)).unwrap_or_default()),
            ]
        }
    }
}
