//! Activation Messages: provisioning messages carrying the URI of an account's configuration.

use crate::codes::MessageType;
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::ActivationMessages,
    title: "Activation Messages",
    slug: "activation-messages",
    route: "/logs/activation-messages",
    summary: "Provisioning messages that deliver an account's configuration link; Consumed says whether the \
              customer used it. The detail shows the link, token and validity.",
    columns: &[
        ColumnSpec { label: "Timestamp", sort_key: Some("timestamp") },
        ColumnSpec { label: "Consumed", sort_key: None },
        ColumnSpec { label: "Account", sort_key: Some("account") },
        ColumnSpec { label: "Sent", sort_key: None },
        ColumnSpec { label: "Sent By", sort_key: None },
        ColumnSpec { label: "Recipient", sort_key: None },
        ColumnSpec { label: "Message Type", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "type", label: "Message Type", kind: FilterKind::Code(MessageType::CODES) },
        FilterSpec { name: "consumed", label: "Consumed", kind: FilterKind::YesNo },
        FilterSpec { name: "sent", label: "Sent", kind: FilterKind::YesNo },
        FilterSpec { name: "account", label: "Account", kind: FilterKind::Prefix },
        FilterSpec { name: "recipient", label: "Recipient", kind: FilterKind::Prefix },
        FilterSpec { name: "sent_by", label: "Sent By", kind: FilterKind::Prefix },
        FilterSpec { name: "account_id", label: "Account #", kind: FilterKind::AccountId },
    ],
    legends: &[Legend { title: "Message Type", codes: MessageType::CODES }],
};

#[cfg(feature = "ssr")]
pub use server::{ActivationMessageFilter, ActivationMessages};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::MessageType;
    use crate::db::filters::{AccountId, YesNo};
    use crate::db::list::{code, flag, millis, opt_id, opt_millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{ActivationMessage, UtcMillis};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct ActivationMessages;

    static TABLE: TableInfo = TableInfo {
        table: "activation_message",
        time_column: "occurred_at",
        columns: &[
            "id",
            "occurred_at",
            "consumed",
            "account",
            "account_id",
            "sent",
            "sent_by",
            "recipient",
            "message_type",
            "message_link",
            "token",
            "valid_until",
        ],
        text_columns: &["account", "sent_by", "recipient", "message_type"],
        sorts: &[("timestamp", "occurred_at"), ("account", "account")],
    };

    crate::filter_set!(ActivationMessageFilter {
        message_type: MessageType = ("type", "Message Type", ["message_type"]),
        consumed: YesNo = ("consumed", "Consumed", ["consumed"]),
        sent: YesNo = ("sent", "Sent", ["sent"]),
        account: TextPrefix = ("account", "Account", ["account"]),
        recipient: TextPrefix = ("recipient", "Recipient", ["recipient"]),
        sent_by: TextPrefix = ("sent_by", "Sent By", ["sent_by"]),
        account_id: AccountId = ("account_id", "Account #", ["account_id"]),
    });

    impl LogTable for ActivationMessages {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = ActivationMessage;
        type Filter = ActivationMessageFilter;

        fn decode(row: &AnyRow) -> Result<ActivationMessage, AppError> {
            Ok(ActivationMessage {
                id: row.try_get(0)?,
                occurred_at: millis(row, 1)?,
                consumed: flag(row, 2)?,
                account: text(row, 3)?,
                account_id: opt_id(row, 4)?,
                sent: flag(row, 5)?,
                sent_by: text(row, 6)?,
                recipient: text(row, 7)?,
                message_type: code(row, 8)?,
                message_link: text(row, 9)?,
                token: text(row, 10)?,
                valid_until: opt_millis(row, 11)?,
            })
        }

        /// An SMS goes to the account's phone number: masked as in its CDRs.
        fn redact(row: &mut ActivationMessage, ctx: &RenderCtx) {
            if row.message_type == MessageType::Sms {
                ctx.mask(&mut row.recipient);
            }
        }

        fn id(row: &ActivationMessage) -> i64 {
            row.id
        }

        fn occurred(row: &ActivationMessage) -> UtcMillis {
            row.occurred_at
        }

        fn cells(row: &ActivationMessage, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::yes_no(row.consumed),
                Cell::account(&row.account, row.account_id),
                Cell::yes_no(row.sent),
                Cell::text(&row.sent_by),
                Cell::text(&row.recipient),
                Cell::code(row.message_type.info()),
            ]
        }

        fn detail(row: &ActivationMessage, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            fields.push(("Message Link".into(), Cell::text(&row.message_link)));
            fields.push(("Token".into(), Cell::text(&row.token)));
            let validity = row.valid_until.map(|t| format!("until {}", ctx.time(t))).unwrap_or_default();
            fields.push(("Validity".into(), Cell::text(validity)));
            fields
        }
    }
}
