//! Install Messages: the messages that help a customer install the right client edition.

use crate::codes::{MessageType, Platform, Variant};
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::InstallMessages,
    title: "Install Messages",
    slug: "install-messages",
    route: "/logs/install-messages",
    summary: "Messages sent to help customers install the right edition of the client, by SMS or email. \
              The detail shows the message link and token.",
    columns: &[
        ColumnSpec { label: "Timestamp", sort_key: Some("timestamp") },
        ColumnSpec { label: "Account", sort_key: Some("account") },
        ColumnSpec { label: "Platform", sort_key: None },
        ColumnSpec { label: "Variant", sort_key: None },
        ColumnSpec { label: "Sent", sort_key: None },
        ColumnSpec { label: "Sent By", sort_key: None },
        ColumnSpec { label: "Recipient", sort_key: None },
        ColumnSpec { label: "Message Type", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "platform", label: "Platform", kind: FilterKind::Code(Platform::CODES) },
        FilterSpec { name: "variant", label: "Variant", kind: FilterKind::Code(Variant::CODES) },
        FilterSpec { name: "type", label: "Message Type", kind: FilterKind::Code(MessageType::CODES) },
        FilterSpec { name: "sent", label: "Sent", kind: FilterKind::YesNo },
        FilterSpec { name: "account", label: "Account", kind: FilterKind::Prefix },
        FilterSpec { name: "recipient", label: "Recipient", kind: FilterKind::Prefix },
        FilterSpec { name: "sent_by", label: "Sent By", kind: FilterKind::Prefix },
        FilterSpec { name: "account_id", label: "Account #", kind: FilterKind::AccountId },
    ],
    legends: &[
        Legend { title: "Variant", codes: Variant::CODES },
        Legend { title: "Message Type", codes: MessageType::CODES },
    ],
};

#[cfg(feature = "ssr")]
pub use server::{InstallMessageFilter, InstallMessages};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::{MessageType, Platform, Variant};
    use crate::db::filters::{AccountId, YesNo};
    use crate::db::list::{code, flag, millis, opt_code, opt_id, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{InstallMessage, UtcMillis};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct InstallMessages;

    static TABLE: TableInfo = TableInfo {
        table: "install_message",
        time_column: "occurred_at",
        columns: &[
            "id",
            "occurred_at",
            "account",
            "account_id",
            "platform",
            "variant",
            "sent",
            "sent_by",
            "recipient",
            "message_type",
            "message_link",
            "token",
        ],
        text_columns: &["account", "platform", "variant", "sent_by", "recipient", "message_type"],
        sorts: &[("timestamp", "occurred_at"), ("account", "account")],
    };

    crate::filter_set!(InstallMessageFilter {
        platform: Platform = ("platform", "Platform", ["platform"]),
        variant: Variant = ("variant", "Variant", ["variant"]),
        message_type: MessageType = ("type", "Message Type", ["message_type"]),
        sent: YesNo = ("sent", "Sent", ["sent"]),
        account: TextPrefix = ("account", "Account", ["account"]),
        recipient: TextPrefix = ("recipient", "Recipient", ["recipient"]),
        sent_by: TextPrefix = ("sent_by", "Sent By", ["sent_by"]),
        account_id: AccountId = ("account_id", "Account #", ["account_id"]),
    });

    impl LogTable for InstallMessages {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = InstallMessage;
        type Filter = InstallMessageFilter;

        fn decode(row: &AnyRow) -> Result<InstallMessage, AppError> {
            Ok(InstallMessage {
                id: row.try_get(0)?,
                occurred_at: millis(row, 1)?,
                account: text(row, 2)?,
                account_id: opt_id(row, 3)?,
                platform: opt_code(row, 4)?,
                variant: code(row, 5)?,
                sent: flag(row, 6)?,
                sent_by: text(row, 7)?,
                recipient: text(row, 8)?,
                message_type: code(row, 9)?,
                message_link: text(row, 10)?,
                token: text(row, 11)?,
            })
        }

        /// An SMS goes to the account's phone number: masked as in its CDRs.
        fn redact(row: &mut InstallMessage, ctx: &RenderCtx) {
            if row.message_type == MessageType::Sms {
                ctx.mask(&mut row.recipient);
            }
        }

        fn id(row: &InstallMessage) -> i64 {
            row.id
        }

        fn occurred(row: &InstallMessage) -> UtcMillis {
            row.occurred_at
        }

        fn cells(row: &InstallMessage, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::account(&row.account, row.account_id),
                Cell::opt_code(row.platform.map(|p| p.info())),
                Cell::code(row.variant.info()),
                Cell::yes_no(row.sent),
                Cell::text(&row.sent_by),
                Cell::text(&row.recipient),
                Cell::code(row.message_type.info()),
            ]
        }

        fn detail(row: &InstallMessage, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            fields.push(("Message Link".into(), Cell::text(&row.message_link)));
            fields.push(("Token".into(), Cell::text(&row.token)));
            fields
        }
    }
}
