//! SIP client sessions: CONNECT, a REGISTER every 30 minutes while on line, then UNREGISTER
//! or DISCONNECT. CONNECT/DISCONNECT arrive bound only to the remote address; most are
//! already reconciled to their account, some are left for the reconciliation task. A few
//! sessions are still open at the anchor: those accounts are registered now.

use super::batch::BatchInsert;
use super::seeds::at;
use super::Gen;
use app::categories::sip_sessions::SipSession;
use app::codes::{SipEvent, SipSource, Transport};
use app::models::UtcMillis;

const REGISTER_EVERY_MS: i64 = 30 * 60_000;
const EXPIRES_SECS: i64 = 3_600;

struct Event<'a> {
    at: i64,
    event: SipEvent,
    source: SipSource,
    /// `None`: bound to the address only, not reconciled yet.
    account: Option<(&'a str, i64)>,
    details: &'a str,
    useragent: &'a str,
    remote_addr: &'a str,
    transport: Transport,
}

impl Event<'_> {
    fn row(&self) -> SipSession {
        SipSession {
            id: 0,
            occurred_at: UtcMillis(self.at),
            event: self.event,
            source: self.source,
            peername: self.account.map(|(name, _)| name.to_owned()).unwrap_or_default(),
            account_id: self.account.map(|(_, id)| id),
            details: self.details.to_owned(),
            useragent: self.useragent.to_owned(),
            remote_addr: self.remote_addr.to_owned(),
            tls_cipher: if self.transport == Transport::Tls { "AES256-SHA" } else { "" }.to_owned(),
            transport: self.transport,
            reconciled: self.account.is_some() && matches!(self.event, SipEvent::Connect | SipEvent::Disconnect),
            expires_secs: (self.event == SipEvent::Register).then_some(EXPIRES_SECS),
            account_name: String::new(),
        }
    }
}

async fn write(out: &mut BatchInsert<'_, SipSession>, e: Event<'_>) -> anyhow::Result<()> {
    out.row(e.row()).await
}

pub async fn generate(gen: &mut Gen<'_>) -> anyhow::Result<u64> {
    let mut out = BatchInsert::new(gen.db, &gen.progress);
    let mut written = 0u64;
    let mut open_sessions = 0;
    while written < gen.rows {
        let a = gen.account();
        // Roughly one account in three is on line at the anchor.
        let still_open = open_sessions < gen.accounts.len() / 3 && gen.chance(10);
        let registers = gen.rng.i64(1..12);
        let start = if still_open {
            open_sessions += 1;
            gen.anchor - registers * REGISTER_EVERY_MS + gen.rng.i64(60_000..REGISTER_EVERY_MS)
        } else {
            gen.instant() - registers * REGISTER_EVERY_MS
        };
        let port = a.port.wrapping_add(gen.rng.u16(0..50));
        let addr = format!("{}:{port}", a.ip);
        let transport = if gen.chance(90) { Transport::Tls } else { gen.pick(&[Transport::Tcp, Transport::Udp]) };
        let reconciled = gen.chance(85).then_some((a.username.as_str(), a.id));
        let ua = a.user_agent.as_str();
        let account = Some((a.username.as_str(), a.id));
        write(
            &mut out,
            Event {
                at: start,
                event: SipEvent::Connect,
                source: SipSource::Client,
                account: reconciled,
                details: "",
                useragent: "",
                remote_addr: &addr,
                transport,
            },
        )
        .await?;
        for i in 0..registers {
            let t = start + 800 + i * REGISTER_EVERY_MS + gen.rng.i64(0..2_000);
            write(
                &mut out,
                Event {
                    at: t,
                    event: SipEvent::Register,
                    source: SipSource::Client,
                    account,
                    details: "200 OK",
                    useragent: ua,
                    remote_addr: &addr,
                    transport,
                },
            )
            .await?;
        }
        written += 1 + registers as u64;
        if !still_open {
            let end = start + registers * REGISTER_EVERY_MS + gen.rng.i64(1_000..60_000);
            if gen.chance(50) {
                write(
                    &mut out,
                    Event {
                        at: end,
                        event: SipEvent::Unregister,
                        source: SipSource::Client,
                        account,
                        details: "200 OK",
                        useragent: ua,
                        remote_addr: &addr,
                        transport,
                    },
                )
                .await?;
                written += 1;
            }
            let (source, details) = gen.pick(&[
                (SipSource::Client, "CLOSED"),
                (SipSource::Client, "NETWORK_ERROR"),
                (SipSource::Server, "EXPIRATION"),
                (SipSource::Server, "REPLACED"),
                (SipSource::Unknown, "DISCONNECTION"),
            ]);
            write(
                &mut out,
                Event {
                    at: end + 500,
                    event: SipEvent::Disconnect,
                    source,
                    account: reconciled,
                    details,
                    useragent: "",
                    remote_addr: &addr,
                    transport,
                },
            )
            .await?;
            written += 1;
        }
    }
    // The manual's examples (2012), with its peernames, which are no accounts here.
    for (time, event, peer, details, ua, addr) in [
        ("2012-05-10 17:12:24.882", SipEvent::Register, "909", "200 OK", "snom320/8.4.18", "93.57.41.37:28224"),
        ("2012-05-10 17:12:11.347", SipEvent::Register, "908", "200 OK", "snom300/8.4.22", "93.57.41.37:25807"),
        ("2012-05-10 17:09:24.626", SipEvent::Disconnect, "1932", "NETWORK_ERROR", "", "93.57.41.37:33998"),
    ] {
        let example = Event {
            at: at(time),
            event,
            source: SipSource::Client,
            account: None,
            details,
            useragent: ua,
            remote_addr: addr,
            transport: Transport::Tls,
        };
        // Bound to their peernames by the manual itself, with no cipher recorded.
        out.row(SipSession { peername: peer.to_owned(), tls_cipher: String::new(), reconciled: true, ..example.row() })
            .await?;
    }
    out.finish().await
}
