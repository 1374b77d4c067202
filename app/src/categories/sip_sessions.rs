//! SIP Sessions: what each client did with the SIP server (seed name SessionLogEntry).
//! CONNECT/DISCONNECT arrive bound only to a remote address; "Reconciled" says whether the
//! background task has bound them to an account since.

use crate::codes::{SipEvent, SipSource, Transport};
use crate::list::{CategorySpec, ColumnSpec as C};
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
        C::new("Timestamp", SipSession::occurred_at).sorted_as("timestamp").links_detail(),
        C::new("Event", SipSession::event).sorted_as("event").filtered_as("event"),
        C::new("Source", SipSession::source).filtered_as("source"),
        C::new("Peername", SipSession::peername).sorted_as("peername").filtered_exactly_as("peername"),
        C::new("Account", SipSession::account_name).filtered_as("account"),
        C::new("Details", SipSession::details).filtered_as("details"),
        C::new("Useragent", SipSession::useragent),
        C::new("Remoteaddr", SipSession::remote_addr).sorted_as("remoteaddr").filtered_as("remoteaddr"),
        C::new("Tlscipher", SipSession::tls_cipher),
        C::new("Transport", SipSession::transport).filtered_as("transport"),
        C::new("Reconciled", SipSession::reconciled).filtered_as("reconciled"),
    ],
    detail: &[],
    accounts: &[SipSession::account_id],
    hourly: Some("sip_session_hourly"),
    text_index: None,
};

#[cfg(feature = "ssr")]
pub use server::SipSessions;

#[cfg(feature = "ssr")]
mod server {
    use super::SipSession;
    use crate::db::list::{standard_cell, Listed, LogTable};
    use crate::db::render::RenderCtx;
    use crate::list::{Cell, ColumnSpec};

    pub struct SipSessions;

    /// This list filtered on one parameter.
    fn filtered_href(param: &str, value: &str) -> String {
        let query = serde_urlencoded::to_string([(param, value)]).unwrap_or_default();
        format!("{}?{query}", SipSessions::CATEGORY.route())
    }

    impl LogTable for SipSessions {
        type Row = SipSession;

        /// Peername and Account filter this list to the peer (the account's name is followed by
        /// an arrow to its page).
        fn cell(e: &SipSession, column: &ColumnSpec, ctx: &RenderCtx) -> Cell {
            if column.column == SipSession::peername && !e.peername.is_empty() {
                return Cell::link(&e.peername, filtered_href("peername", &e.peername));
            }
            if column.column == SipSession::account_name {
                if let (Some(id), false) = (e.account_id, e.account_name.is_empty()) {
                    return Cell::link(&e.account_name, filtered_href("account_id", &id.to_string())).with_aside(
                        format!("Account page of {}", e.account_name),
                        crate::categories::accounts::account_href(id),
                    );
                }
            }
            standard_cell::<Self>(e, column, ctx)
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
