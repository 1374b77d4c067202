//! SIP Sessions: what each client did with the SIP server (seed name SessionLogEntry).
//! CONNECT/DISCONNECT arrive bound only to a remote address; "Reconciled" says whether the
//! background task has bound them to an account since.

use crate::codes::{SipEvent, SipSource, Transport};
use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
use crate::models::UtcMillis;

crate::record! {
    /// A SIP client activity event, with the name of its account (`sip_session_list` joins it).
    pub struct SipSession from "sip_session_list" into "sip_session" {
        id: i64,
        occurred_at: UtcMillis,
        event: SipEvent => searched,
        source: SipSource,
        /// SIP peername; empty on CONNECT/DISCONNECT until reconciled.
        peername: String => searched,
        account_id: Option<i64>,
        details: String => searched,
        useragent: String => searched,
        /// "ip:port" of the client.
        remote_addr: String => searched,
        tls_cipher: String => searched,
        transport: Transport,
        reconciled: bool,
        /// REGISTER only: seconds the registration is valid for.
        expires_secs: Option<i64>,
        /// The bound account's description.
        account_name: String => searched derived,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "SIP Sessions",
    summary: "Every connect, register, unregister and disconnect of the SIP clients: the first place to look \
              for a client's network trouble. Click a Peername or Account to see only its events.",
    time: SipSession::occurred_at,
    columns: &[
        C::new("Timestamp", SipSession::occurred_at).sorted_as("timestamp"),
        C::new("Event", SipSession::event).sorted_as("event"),
        C::new("Source", SipSession::source),
        C::new("Peername", SipSession::peername).sorted_as("peername"),
        C::new("Account", SipSession::account_name),
        C::new("Details", SipSession::details),
        C::new("Useragent", SipSession::useragent),
        C::new("Remoteaddr", SipSession::remote_addr).sorted_as("remoteaddr"),
        C::new("Tlscipher", SipSession::tls_cipher),
        C::new("Transport", SipSession::transport),
        C::new("Reconciled", SipSession::reconciled),
    ],
    filters: &[
        F::on("event", "Event", &[SipSession::event]),
        F::on("source", "Source", &[SipSession::source]),
        F::on("transport", "Transport", &[SipSession::transport]),
        F::on("reconciled", "Reconciled", &[SipSession::reconciled]),
        F::exact("peername", "Peername", &[SipSession::peername]),
        F::on("account", "Account", &[SipSession::account_name]),
        F::on("details", "Details", &[SipSession::details]),
        F::on("remoteaddr", "Remoteaddr", &[SipSession::remote_addr]),
        F::account(&[SipSession::account_id]),
    ],
};

#[cfg(feature = "ssr")]
pub use server::SipSessions;

#[cfg(feature = "ssr")]
mod server {
    use super::SipSession;
    use crate::db::list::{Listed, LogTable};
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct SipSessions;

    /// This list filtered on one parameter.
    fn filtered_href(param: &str, value: &str) -> String {
        let query = serde_urlencoded::to_string([(param, value)]).unwrap_or_default();
        format!("{}?{query}", SipSessions::CATEGORY.route())
    }

    impl LogTable for SipSessions {
        type Row = SipSession;

        fn cells(e: &SipSession, ctx: &RenderCtx) -> Vec<Cell> {
            let peername = if e.peername.is_empty() {
                Cell::text("")
            } else {
                Cell::link(&e.peername, filtered_href("peername", &e.peername))
            };
            // The account's name filters this list to it; the arrow beside it opens its page.
            let account = match e.account_id {
                Some(id) if !e.account_name.is_empty() => {
                    Cell::link(&e.account_name, filtered_href("account_id", &id.to_string())).with_aside(
                        format!("Account page of {}", e.account_name),
                        crate::categories::accounts::account_href(id),
                    )
                }
                _ => Cell::text(&e.account_name),
            };
            vec![
                Cell::link(ctx.time(e.occurred_at), Self::detail_href(e)),
                Cell::code(e.event.info()),
                Cell::code(e.source.info()),
                peername,
                account,
                Cell::text(&e.details),
                Cell::text(&e.useragent),
                Cell::text(&e.remote_addr),
                Cell::text(&e.tls_cipher),
                Cell::code(e.transport.info()),
                Cell::yes_no(e.reconciled),
            ]
        }

        fn detail(row: &SipSession, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            if let Some(secs) = row.expires_secs {
                fields.push(("Registration valid for".into(), Cell::text(format!("{secs} s"))));
            }
            fields
        }
    }
}
