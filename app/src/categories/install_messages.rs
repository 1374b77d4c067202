//! Install Messages: the messages that help a customer install the right client edition.

use crate::codes::{MessageType, Platform, Variant};
use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
use crate::models::UtcMillis;

crate::record! {
    /// A message that helps a customer install the right client edition.
    pub struct InstallMessage in "install_message" {
        id: i64,
        occurred_at: UtcMillis,
        account: String => searched,
        account_id: Option<i64>,
        platform: Option<Platform> => searched,
        variant: Variant => searched,
        sent: bool,
        sent_by: String => searched,
        recipient: String => searched,
        message_type: MessageType => searched,
        message_link: String,
        token: String,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Install Messages",
    summary: "Messages sent to help customers install the right edition of the client, by SMS or email. \
              The detail shows the message link and token.",
    time: InstallMessage::occurred_at,
    columns: &[
        C::new("Timestamp", InstallMessage::occurred_at).sorted_as("timestamp"),
        C::new("Account", InstallMessage::account).sorted_as("account"),
        C::new("Platform", InstallMessage::platform),
        C::new("Variant", InstallMessage::variant),
        C::new("Sent", InstallMessage::sent),
        C::new("Sent By", InstallMessage::sent_by),
        C::new("Recipient", InstallMessage::recipient),
        C::new("Message Type", InstallMessage::message_type),
    ],
    filters: &[
        F::on("platform", "Platform", &[InstallMessage::platform]),
        F::on("variant", "Variant", &[InstallMessage::variant]),
        F::on("type", "Message Type", &[InstallMessage::message_type]),
        F::on("sent", "Sent", &[InstallMessage::sent]),
        F::on("account", "Account", &[InstallMessage::account]),
        F::on("recipient", "Recipient", &[InstallMessage::recipient]),
        F::on("sent_by", "Sent By", &[InstallMessage::sent_by]),
        F::account(&[InstallMessage::account_id]),
    ],
};

#[cfg(feature = "ssr")]
pub use server::InstallMessages;

#[cfg(feature = "ssr")]
mod server {
    use super::InstallMessage;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct InstallMessages;

    impl LogTable for InstallMessages {
        type Row = InstallMessage;

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

        fn redact(row: &mut InstallMessage, ctx: &RenderCtx) {
            ctx.mask_recipient(&mut row.recipient, row.message_type);
        }

        fn detail(row: &InstallMessage, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            fields.push(("Message Link".into(), Cell::text(&row.message_link)));
            fields.push(("Token".into(), Cell::text(&row.token)));
            fields
        }
    }
}
