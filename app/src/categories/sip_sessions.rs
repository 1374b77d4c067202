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

/// How far before or after a CONNECT/DISCONNECT a REGISTER may be to vouch for it
/// (reconciliation, and the detail page that explains it).
pub const RECONCILE_WINDOW_MS: i64 = 60 * 60_000;

#[cfg(feature = "ssr")]
pub use server::{register_candidates, SipSessions};

#[cfg(feature = "ssr")]
mod server {
    use super::{SipSession, RECONCILE_WINDOW_MS};
    use crate::codes::SipEvent;
    use crate::db::list::{standard_cell, Listed, LogTable};
    use crate::db::render::RenderCtx;
    use crate::db::AppState;
    use crate::error::AppError;
    use crate::list::{Cell, ColumnSpec, Record};
    use crate::models::UtcMillis;
    use sea_query::{Alias, Expr, Func, Order, Query, SelectStatement};
    use sqlx::Row;

    pub struct SipSessions;

    /// The accounts (id, peername) that REGISTERed from `addr` within the reconciliation
    /// window of `at`: the one that binds a CONNECT/DISCONNECT there, when it is alone.
    /// `limit`: how many to tell apart (two tell "several").
    pub fn register_candidates(addr: &str, at: i64, limit: u64) -> SelectStatement {
        Query::select()
            .distinct()
            .columns([SipSession::account_id, SipSession::peername])
            .from(Alias::new(SipSession::TABLE))
            .and_where(Expr::col(SipSession::remote_addr).eq(addr))
            .and_where(Expr::col(SipSession::event).eq(SipEvent::Register.code()))
            .and_where(Expr::col(SipSession::account_id).is_not_null())
            .and_where(Expr::col(SipSession::occurred_at).between(at - RECONCILE_WINDOW_MS, at + RECONCILE_WINDOW_MS))
            .order_by(SipSession::account_id, Order::Asc)
            .limit(limit)
            .to_owned()
    }

    /// Why a CONNECT/DISCONNECT is bound to its account, or is not: the REGISTER that bound
    /// it (linked), or what reconciliation found at its address.
    async fn reconciliation(state: &AppState, e: &SipSession, ctx: &RenderCtx) -> Result<Cell, AppError> {
        let at = e.occurred_at.0;
        let addr = &e.remote_addr;
        let within = "within an hour of it";
        if let (true, Some(account)) = (e.reconciled, e.account_id) {
            let register = Query::select()
                .columns([SipSession::id, SipSession::occurred_at])
                .from(Alias::new(SipSession::TABLE))
                .and_where(Expr::col(SipSession::remote_addr).eq(addr.as_str()))
                .and_where(Expr::col(SipSession::event).eq(SipEvent::Register.code()))
                .and_where(Expr::col(SipSession::account_id).eq(account))
                .and_where(
                    Expr::col(SipSession::occurred_at).between(at - RECONCILE_WINDOW_MS, at + RECONCILE_WINDOW_MS),
                )
                .order_by_expr(Func::abs(Expr::col(SipSession::occurred_at).sub(at)).into(), Order::Asc)
                .limit(1)
                .to_owned();
            return Ok(match state.db.fetch_optional(&register).await? {
                Some(row) => {
                    let (id, when): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                    let text = format!("REGISTER #{id} from {addr} at {}", ctx.time(UtcMillis(when)));
                    Cell::link(text, format!("{}/{id}", SipSessions::CATEGORY.route()))
                }
                None => {
                    Cell::text(format!("Bound when it was written (no REGISTER of its account from {addr} {within})"))
                }
            });
        }
        let accounts = state.db.fetch_all(&register_candidates(addr, at, 3)).await?;
        let names: Vec<String> = accounts.iter().map(|r| r.try_get::<String, _>(1)).collect::<Result<_, _>>()?;
        Ok(Cell::text(match names.as_slice() {
            [] => format!(
                "Not bound: no account REGISTERed from {addr} {within} (a REGISTER from it written later still binds it)"
            ),
            [one] => {
                format!("Not bound yet: only {one} REGISTERed from {addr} {within}; the next reconciliation binds it")
            }
            several => format!(
                "Not bound: several accounts REGISTERed from {addr} {within} ({}{}), and pslog never guesses",
                several.join(", "),
                if several.len() > 2 { ", …" } else { "" }
            ),
        }))
    }

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
                    return Cell::link(&e.account_name, filtered_href(crate::list::param::ACCOUNT, &id.to_string()))
                        .with_aside(
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

        /// A CONNECT/DISCONNECT says how reconciliation bound it to its account, or why not.
        async fn explain(state: &AppState, row: &SipSession, ctx: &RenderCtx) -> Result<Vec<(String, Cell)>, AppError> {
            if !matches!(row.event, SipEvent::Connect | SipEvent::Disconnect) {
                return Ok(Vec::new());
            }
            Ok(vec![("Reconciliation".to_owned(), reconciliation(state, row, ctx).await?)])
        }
    }
}
