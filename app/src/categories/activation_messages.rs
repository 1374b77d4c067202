//! Activation Messages: provisioning messages carrying the URI of an account's configuration.

use crate::codes::MessageType;
use crate::list::{CategorySpec, ColumnSpec as C};
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
        recipient: String => searched masked,
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
        C::new("Timestamp", ActivationMessage::occurred_at).sorted_as("timestamp").links_detail(),
        C::new("Consumed", ActivationMessage::consumed).filtered_as("consumed"),
        C::new("Account", ActivationMessage::account)
            .sorted_as("account")
            .links_account(ActivationMessage::account_id)
            .filtered_as("account"),
        C::new("Sent", ActivationMessage::sent).filtered_as("sent"),
        C::new("Sent By", ActivationMessage::sent_by).filtered_as("sent_by"),
        C::new("Recipient", ActivationMessage::recipient).filtered_as("recipient"),
        C::new("Message Type", ActivationMessage::message_type).filtered_as("type"),
    ],
    detail: &[C::new("Message Link", ActivationMessage::message_link), C::new("Token", ActivationMessage::token)],
    accounts: &[ActivationMessage::account_id],
    hourly: None,
    text_index: None,
};

#[cfg(feature = "ssr")]
pub use server::ActivationMessages;

#[cfg(feature = "ssr")]
mod server {
    use super::ActivationMessage;
    use crate::categories::accounts::Account;
    use crate::db::ingest::AccountMatch;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct ActivationMessages;

    impl LogTable for ActivationMessages {
        type Row = ActivationMessage;
        const ACCOUNT_MATCHES: &'static [AccountMatch] = &[AccountMatch {
            id: ActivationMessage::account_id,
            by: ActivationMessage::account,
            key: Account::username,
        }];

        /// Masked recipients; the link and token, which let anyone install or activate
        /// in the user's name, for admins only.
        fn redact(row: &mut ActivationMessage, ctx: &RenderCtx) {
            ctx.mask_recipient(&mut row.recipient, row.message_type);
            ctx.hide_secret(&mut row.message_link);
            ctx.hide_secret(&mut row.token);
        }

        fn detail(row: &ActivationMessage, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            let validity = row.valid_until.map(|t| format!("until {}", ctx.time(t))).unwrap_or_default();
            fields.push(("Validity".into(), Cell::text(validity)));
            fields
        }
    }
}
