//! SIP Sessions: what each client did with the SIP server (seed name SessionLogEntry).
//! CONNECT/DISCONNECT arrive bound only to a remote address; "Reconciled" says whether the
//! background task has bound them to an account since.

use crate::codes::{SipEvent, SipSource, Transport};
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::SipSessions,
    title: "SIP Sessions",
    slug: "sip-sessions",
    route: "/logs/sip-sessions",
    summary: "Every connect, register, unregister and disconnect of the SIP clients: the first place to look \
              for a client's network trouble. Click a Peername or Account to see only its events.",
    columns: &[
        ColumnSpec { label: "Timestamp", sort_key: Some("timestamp") },
        ColumnSpec { label: "Event", sort_key: Some("event") },
        ColumnSpec { label: "Source", sort_key: None },
        ColumnSpec { label: "Peername", sort_key: Some("peername") },
        ColumnSpec { label: "Account", sort_key: None },
        ColumnSpec { label: "Details", sort_key: None },
        ColumnSpec { label: "Useragent", sort_key: None },
        ColumnSpec { label: "Remoteaddr", sort_key: Some("remoteaddr") },
        ColumnSpec { label: "Tlscipher", sort_key: None },
        ColumnSpec { label: "Transport", sort_key: None },
        ColumnSpec { label: "Reconciled", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "event", label: "Event", kind: FilterKind::Code(SipEvent::CODES) },
        FilterSpec { name: "source", label: "Source", kind: FilterKind::Code(SipSource::CODES) },
        FilterSpec { name: "transport", label: "Transport", kind: FilterKind::Code(Transport::CODES) },
        FilterSpec { name: "reconciled", label: "Reconciled", kind: FilterKind::YesNo },
        FilterSpec { name: "peername", label: "Peername", kind: FilterKind::Exact },
        FilterSpec { name: "account", label: "Account", kind: FilterKind::Prefix },
        FilterSpec { name: "details", label: "Details", kind: FilterKind::Prefix },
        FilterSpec { name: "remoteaddr", label: "Remoteaddr", kind: FilterKind::Prefix },
        FilterSpec { name: "account_id", label: "Account #", kind: FilterKind::AccountId },
    ],
    legends: &[
        Legend { title: "Event", codes: SipEvent::CODES },
        Legend { title: "Source", codes: SipSource::CODES },
        Legend { title: "Transport", codes: Transport::CODES },
    ],
};

#[cfg(feature = "ssr")]
pub use server::{SipSessionFilter, SipSessions};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::{SipEvent, SipSource, Transport};
    use crate::db::filters::{AccountId, TextExact, YesNo};
    use crate::db::list::{code, flag, millis, opt_id, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{SipSession, UtcMillis};
    use serde::Serialize;
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct SipSessions;

    /// A SIP session event with the name of its account, as the list shows it.
    #[derive(Serialize)]
    pub struct SipSessionRow {
        #[serde(flatten)]
        pub event: SipSession,
        pub account_name: String,
    }

    // `sip_session_list` is `sip_session` with the account's description joined.
    static TABLE: TableInfo = TableInfo {
        table: "sip_session_list",
        time_column: "occurred_at",
        columns: &[
            "id",
            "occurred_at",
            "event",
            "source",
            "peername",
            "account_id",
            "details",
            "useragent",
            "remote_addr",
            "tls_cipher",
            "transport",
            "reconciled",
            "expires_secs",
            "account_name",
        ],
        text_columns: &["event", "peername", "account_name", "details", "useragent", "remote_addr", "tls_cipher"],
        sorts: &[
            ("timestamp", "occurred_at"),
            ("event", "event"),
            ("peername", "peername"),
            ("remoteaddr", "remote_addr"),
        ],
    };

    crate::filter_set!(SipSessionFilter {
        event: SipEvent = ("event", "Event", ["event"]),
        source: SipSource = ("source", "Source", ["source"]),
        transport: Transport = ("transport", "Transport", ["transport"]),
        reconciled: YesNo = ("reconciled", "Reconciled", ["reconciled"]),
        peername: TextExact = ("peername", "Peername", ["peername"]),
        account: TextPrefix = ("account", "Account", ["account_name"]),
        details: TextPrefix = ("details", "Details", ["details"]),
        remoteaddr: TextPrefix = ("remoteaddr", "Remoteaddr", ["remote_addr"]),
        account_id: AccountId = ("account_id", "Account #", ["account_id"]),
    });

    /// This list filtered on one parameter.
    fn filtered_href(param: &str, value: &str) -> String {
        format!("{}?{}", SPEC.route, serde_urlencoded::to_string([(param, value)]).unwrap_or_default())
    }

    impl LogTable for SipSessions {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = SipSessionRow;
        type Filter = SipSessionFilter;

        fn decode(row: &AnyRow) -> Result<SipSessionRow, AppError> {
            Ok(SipSessionRow {
                event: SipSession {
                    id: row.try_get(0)?,
                    occurred_at: millis(row, 1)?,
                    event: code(row, 2)?,
                    source: code(row, 3)?,
                    peername: text(row, 4)?,
                    account_id: opt_id(row, 5)?,
                    details: text(row, 6)?,
                    useragent: text(row, 7)?,
                    remote_addr: text(row, 8)?,
                    tls_cipher: text(row, 9)?,
                    transport: code(row, 10)?,
                    reconciled: flag(row, 11)?,
                    expires_secs: opt_id(row, 12)?,
                },
                account_name: text(row, 13)?,
            })
        }

        fn id(row: &SipSessionRow) -> i64 {
            row.event.id
        }

        fn occurred(row: &SipSessionRow) -> UtcMillis {
            row.event.occurred_at
        }

        fn cells(row: &SipSessionRow, ctx: &RenderCtx) -> Vec<Cell> {
            let e = &row.event;
            let peername = if e.peername.is_empty() {
                Cell::text("")
            } else {
                Cell::link(&e.peername, filtered_href("peername", &e.peername))
            };
            // The account's name filters this list to it; the arrow beside it opens its page.
            let account = match e.account_id {
                Some(id) if !row.account_name.is_empty() => {
                    Cell::link(&row.account_name, filtered_href("account_id", &id.to_string())).with_aside(
                        format!("Account page of {}", row.account_name),
                        crate::categories::accounts::account_href(id),
                    )
                }
                _ => Cell::text(&row.account_name),
            };
            vec![
                Cell::link(ctx.time(e.occurred_at), Self::detail_href(row)),
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

        fn detail(row: &SipSessionRow, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            if let Some(secs) = row.event.expires_secs {
                fields.push(("Registration valid for".into(), Cell::text(format!("{secs} s"))));
            }
            fields
        }
    }
}
