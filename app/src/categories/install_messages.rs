//! Install Messages: the messages that help a customer install the right client edition.

use crate::codes::{MessageType, Platform, Variant};
use crate::list::{CategorySpec, ColumnSpec as C};
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
        recipient: String => searched masked,
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
        C::new("Timestamp", InstallMessage::occurred_at).sorted_as("timestamp").links_detail(),
        C::new("Account", InstallMessage::account)
            .sorted_as("account")
            .links_account(InstallMessage::account_id)
            .filtered_as("account"),
        C::new("Platform", InstallMessage::platform).filtered_as("platform"),
        C::new("Variant", InstallMessage::variant).filtered_as("variant"),
        C::new("Sent", InstallMessage::sent).filtered_as("sent"),
        C::new("Sent By", InstallMessage::sent_by).filtered_as("sent_by"),
        C::new("Recipient", InstallMessage::recipient).filtered_as("recipient"),
        C::new("Message Type", InstallMessage::message_type).filtered_as("type"),
    ],
    detail: &[C::new("Message Link", InstallMessage::message_link), C::new("Token", InstallMessage::token)],
    accounts: &[InstallMessage::account_id],
    hourly: None,
    text_index: None,
};

#[cfg(feature = "ssr")]
pub use server::InstallMessages;

#[cfg(feature = "ssr")]
mod server {
    use super::InstallMessage;
    use crate::categories::accounts::Account;
    use crate::db::ingest::AccountMatch;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;

    pub struct InstallMessages;

    impl LogTable for InstallMessages {
        type Row = InstallMessage;
        const ACCOUNT_MATCHES: &'static [AccountMatch] =
            &[AccountMatch { id: InstallMessage::account_id, by: InstallMessage::account, key: Account::username }];

        /// Masked recipients; the link and token, which let anyone install or activate
        /// in the user's name, for admins only.
        fn redact(row: &mut InstallMessage, ctx: &RenderCtx) {
            ctx.mask_recipient(&mut row.recipient, row.message_type);
            ctx.hide_secret(&mut row.message_link);
            ctx.hide_secret(&mut row.token);
        }
    }
}
