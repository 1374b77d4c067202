//! Activation Messages: provisioning messages carrying the URI of an account's configuration.

use crate::codes::MessageType;
use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
use crate::models::UtcMillis;

crate::record! {
    /// A provisioning message carrying the URI of an account's configuration.
    pub struct ActivationMessage in "activation_message" {
        id: i64,
        occurred_at: UtcMillis,
        consumed: bool,
        account: String => searched,
        account_id: Option<i64>,
        sent: bool,
        sent_by: String => searched,
        recipient: String => searched,
        message_type: MessageType => searched,
        message_link: String,
        token: String,
        valid_until: Option<UtcMillis>,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Activation Messages",
    summary: "Provisioning messages that deliver an account's configuration link; Consumed says whether the \
              customer used it. The detail shows the link, token and validity.",
    time: ActivationMessage::occurred_at,
    columns: &[
        C::new("Timestamp", ActivationMessage::occurred_at).sorted_as("timestamp"),
        C::new("Consumed", ActivationMessage::consumed),
        C::new("Account", ActivationMessage::account).sorted_as("account"),
        C::new("Sent", ActivationMessage::sent),
        C::new("Sent By", ActivationMessage::sent_by),
        C::new("Recipient", ActivationMessage::recipient),
        C::new("Message Type", ActivationMessage::message_type),
    ],
    filters: &[
        F::on("type", "Message Type", &[ActivationMessage::message_type]),
        F::on("consumed", "Consumed", &[ActivationMessage::consumed]),
        F::on("sent", "Sent", &[ActivationMessage::sent]),
        F::on("account", "Account", &[ActivationMessage::account]),
        F::on("recipient", "Recipient", &[ActivationMessage::recipient]),
        F::on("sent_by", "Sent By", &[ActivationMessage::sent_by]),
        F::account(&[ActivationMessage::account_id]),
    ],
};

#[cfg(feature = "ssr")]
pub use server::ActivationMessages;

#[cfg(feature = "ssr")]
mod server {
    use super::ActivationMessage;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct ActivationMessages;

    impl LogTable for ActivationMessages {
        type Row = ActivationMessage;

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

        fn redact(row: &mut ActivationMessage, ctx: &RenderCtx) {
            ctx.mask_recipient(&mut row.recipient, row.message_type);
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
