//! Secure Messages: the transport data of every secure message (seed name Message). There is
//! no payload anywhere. A message ENQUEUED for more than 72 hours becomes EXPIRED.

use crate::codes::MessageStatus;
use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// Transport data of one Secure Message (there is no payload anywhere).
    pub struct SecureMessage in "secure_message" {
        id: i64,
        uuid: String => searched,
        from_account: String => searched,
        from_account_id: Option<i64>,
        to_account: String => searched,
        to_account_id: Option<i64>,
        tech_message: bool,
        api_version: i64,
        status: MessageStatus => searched,
        send_attempts: i64,
        received_at: UtcMillis,
        processed_at: Option<UtcMillis>,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Secure Messages",
    summary: "The delivery of every Secure Message, from queue to recipient: transport data only, never a \
              payload. A message queued for more than 72 hours expires.",
    time: SecureMessage::received_at,
    columns: &[
        C::new("UUID", SecureMessage::uuid).links_detail().filtered_as("uuid"),
        C::new("From", SecureMessage::from_account)
            .sorted_as("from")
            .links_account(SecureMessage::from_account_id)
            .filtered_as_labelled("sender", "Sender"),
        C::new("To", SecureMessage::to_account)
            .sorted_as("to")
            .links_account(SecureMessage::to_account_id)
            .filtered_as_labelled("recipient", "Recipient"),
        C::new("Tech Message", SecureMessage::tech_message).filtered_as("tech"),
        C::new("API Version", SecureMessage::api_version),
        C::new("Status", SecureMessage::status).sorted_as("status").filtered_as("status"),
        C::new("Send Attempts", SecureMessage::send_attempts),
        C::new("Received", SecureMessage::received_at).sorted_as("timestamp"),
        C::new("Processed", SecureMessage::processed_at),
    ],
    detail: &[],
    accounts: &[SecureMessage::from_account_id, SecureMessage::to_account_id],
    hourly: Some("secure_message_hourly"),
    text_index: Some("secure_message_text"),
};

/// How long a message may wait in the queue before it expires.
pub const EXPIRY_MS: i64 = 72 * 3_600_000;

#[cfg(feature = "ssr")]
pub use server::{expire_queued, SecureMessages};

#[cfg(feature = "ssr")]
mod server {
    use super::{SecureMessage, EXPIRY_MS};
    use crate::categories::accounts::Account;
    use crate::codes::MessageStatus;
    use crate::db::ingest::AccountMatch;
    use crate::db::list::LogTable;

    use crate::db::Db;
    use crate::error::AppError;
    use crate::list::Record;
    use sea_query::{Alias, Expr, Query};

    pub struct SecureMessages;

    /// Turns every message ENQUEUED before `now - 72 h` into EXPIRED; returns how many.
    pub async fn expire_queued(db: &Db, now_ms: i64) -> Result<u64, AppError> {
        let update = Query::update()
            .table(Alias::new(SecureMessage::TABLE))
            .value(SecureMessage::status, MessageStatus::Expired.code())
            .and_where(Expr::col(SecureMessage::status).eq(MessageStatus::Enqueued.code()))
            .and_where(Expr::col(SecureMessage::received_at).lt(now_ms - EXPIRY_MS))
            .to_owned();
        Ok(db.execute(&update).await?)
    }

    impl LogTable for SecureMessages {
        type Row = SecureMessage;
        const ACCOUNT_MATCHES: &'static [AccountMatch] = &[
            AccountMatch {
                id: SecureMessage::from_account_id,
                by: SecureMessage::from_account,
                key: Account::username,
            },
            AccountMatch { id: SecureMessage::to_account_id, by: SecureMessage::to_account, key: Account::username },
        ];
    }
}
