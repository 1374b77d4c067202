//! Secure Messages between accounts (transport data only), and the install and activation
//! messages console users send to accounts.

use super::batch::BatchInsert;
use super::people::CONSOLE_USERS;
use super::{flag, v, Gen};
use app::codes::{MessageStatus, MessageType, Variant};

const SECURE: &[&str] = &[
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
];
const INSTALL: &[&str] = &[
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
];
const ACTIVATION: &[&str] = &[
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
];
const HOUR_MS: i64 = 3_600_000;

fn uuid(gen: &mut Gen<'_>) -> String {
    let mut bytes = [0u8; 16];
    bytes.iter_mut().for_each(|b| *b = gen.rng.u8(..));
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

fn token(gen: &mut Gen<'_>) -> String {
    (0..24).map(|_| gen.rng.alphanumeric()).collect()
}

pub async fn generate(gen: &mut Gen<'_>) -> anyhow::Result<Vec<(&'static str, u64)>> {
    let mut secure = BatchInsert::new(gen.db, "secure_message", SECURE);
    for _ in 0..gen.rows {
        let from = gen.account();
        let to = gen.account();
        let received = gen.instant();
        let age = gen.anchor - received;
        // Recent messages may still wait in the queue; none waits for more than 72 hours.
        let status = match gen.rng.u32(0..100) {
            0..=79 => MessageStatus::Delivered,
            80..=87 if age < 72 * HOUR_MS => MessageStatus::Enqueued,
            80..=87 => MessageStatus::Expired,
            88..=92 => MessageStatus::InvalidDevice,
            93..=97 => MessageStatus::InvalidRecipient,
            _ => MessageStatus::InvalidPayload,
        };
        let processed = (status != MessageStatus::Enqueued).then(|| received + gen.rng.i64(50..5_000));
        let attempts = if status == MessageStatus::Delivered { gen.rng.i64(1..3) } else { gen.rng.i64(1..8) };
        let uuid = uuid(gen);
        secure
            .row(vec![
                v(uuid),
                v(from.username.clone()),
                v(from.id),
                v(to.username.clone()),
                v(to.id),
                flag(gen.chance(60)),
                v(1i64),
                v(status.code()),
                v(attempts),
                v(received),
                v(processed),
            ])
            .await?;
    }

    // Provisioning traffic is far rarer than calls: a tenth of the rows.
    let provisioning = (gen.rows / 10).max(20);
    let mut install = BatchInsert::new(gen.db, "install_message", INSTALL);
    let mut activation = BatchInsert::new(gen.db, "activation_message", ACTIVATION);
    for _ in 0..provisioning {
        let a = gen.account();
        let (sent_by, _) = gen.pick(&CONSOLE_USERS[..3]);
        let kind = gen.pick(MessageType::ALL);
        let recipient = if kind == MessageType::Sms { a.phone_number.clone() } else { a.email.clone() };
        let at = gen.instant();
        let token = token(gen);
        let sent = gen.chance(92);
        install
            .row(vec![
                v(at),
                v(a.username.clone()),
                v(a.id),
                v(a.platform.code()),
                v(if gen.chance(70) { Variant::Zrtp.code() } else { Variant::Sdes.code() }),
                flag(sent),
                v(sent_by),
                v(recipient.clone()),
                v(kind.code()),
                v(format!("https://privateserver.example.com/install/{}", a.platform.code().to_lowercase())),
                v(token.clone()),
            ])
            .await?;
        let at = at + gen.rng.i64(60_000..HOUR_MS);
        let valid_until = at + 7 * 24 * HOUR_MS;
        activation
            .row(vec![
                v(at),
                flag(sent && valid_until < gen.anchor || gen.chance(60)),
                v(a.username.clone()),
                v(a.id),
                flag(sent),
                v(sent_by),
                v(recipient),
                v(kind.code()),
                v(format!("https://privateserver.example.com/provisioning/{token}")),
                v(token),
                v(valid_until),
            ])
            .await?;
    }
    Ok(vec![
        ("secure_message", secure.finish().await?),
        ("install_message", install.finish().await?),
        ("activation_message", activation.finish().await?),
    ])
}
