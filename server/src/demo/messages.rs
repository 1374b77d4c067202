//! Secure Messages between accounts (transport data only), and the install and activation
//! messages console users send to accounts.

use super::batch::BatchInsert;
use super::people::CONSOLE_USERS;
use super::Gen;
use app::categories::activation_messages::ActivationMessage;
use app::categories::install_messages::InstallMessage;
use app::categories::messages::SecureMessage;
use app::codes::{MessageStatus, MessageType, Variant};
use app::models::UtcMillis;

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
    let mut secure = BatchInsert::<SecureMessage>::new(gen.db, &gen.progress);
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
        // Fields in the order the generator draws them: the same seed, the same rows.
        secure
            .row(SecureMessage {
                id: 0,
                uuid,
                from_account: from.username.clone(),
                from_account_id: Some(from.id),
                to_account: to.username.clone(),
                to_account_id: Some(to.id),
                tech_message: gen.chance(60),
                api_version: 1,
                status,
                send_attempts: attempts,
                received_at: UtcMillis(received),
                processed_at: processed.map(UtcMillis),
            })
            .await?;
    }

    // Provisioning traffic is far rarer than calls: a tenth of the rows.
    let provisioning = (gen.rows / 10).max(20);
    let mut install = BatchInsert::<InstallMessage>::new(gen.db, &gen.progress);
    let mut activation = BatchInsert::<ActivationMessage>::new(gen.db, &gen.progress);
    for _ in 0..provisioning {
        let a = gen.account();
        let (sent_by, _) = gen.pick(&CONSOLE_USERS[..3]);
        let kind = gen.pick(MessageType::ALL);
        let recipient = if kind == MessageType::Sms { a.phone_number.clone() } else { a.email.clone() };
        let at = gen.instant();
        let token = token(gen);
        let sent = gen.chance(92);
        install
            .row(InstallMessage {
                id: 0,
                occurred_at: UtcMillis(at),
                account: a.username.clone(),
                account_id: Some(a.id),
                platform: Some(a.platform),
                variant: if gen.chance(70) { Variant::Zrtp } else { Variant::Sdes },
                sent,
                sent_by: sent_by.to_owned(),
                recipient: recipient.clone(),
                message_type: kind,
                message_link: format!("https://privateserver.example.com/install/{}", a.platform.code().to_lowercase()),
                token: token.clone(),
            })
            .await?;
        let at = at + gen.rng.i64(60_000..HOUR_MS);
        let valid_until = at + 7 * 24 * HOUR_MS;
        activation
            .row(ActivationMessage {
                id: 0,
                occurred_at: UtcMillis(at),
                consumed: sent && valid_until < gen.anchor || gen.chance(60),
                account: a.username.clone(),
                account_id: Some(a.id),
                sent,
                sent_by: sent_by.to_owned(),
                recipient,
                message_type: kind,
                message_link: format!("https://privateserver.example.com/provisioning/{token}"),
                token,
                valid_until: Some(UtcMillis(valid_until)),
            })
            .await?;
    }
    Ok(vec![
        ("secure_message", secure.finish().await?),
        ("install_message", install.finish().await?),
        ("activation_message", activation.finish().await?),
    ])
}
