//! Call Detail Records: one row per leg of a call. The Call Id groups the legs of a transfer,
//! three-way call or conference; following it shows the whole trace.

use crate::codes::{CallType, Disposition, HangupCause};
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::Cdr,
    title: "Call Detail Records",
    slug: "cdr",
    route: "/logs/cdr",
    summary: "Every call leg: who called whom, how long, and how it ended. Follow a Call Id to see all the \
              legs of a transfer, three-way call or conference together. Durations are h:mm:ss.",
    columns: &[
        ColumnSpec { label: "Call Date", sort_key: Some("timestamp") },
        ColumnSpec { label: "Caller Number", sort_key: Some("caller_number") },
        ColumnSpec { label: "Caller", sort_key: Some("caller") },
        ColumnSpec { label: "Caller Group", sort_key: None },
        ColumnSpec { label: "Callee Number", sort_key: Some("callee_number") },
        ColumnSpec { label: "Callee", sort_key: Some("callee") },
        ColumnSpec { label: "Callee Group", sort_key: None },
        ColumnSpec { label: "Total Duration", sort_key: None },
        ColumnSpec { label: "Call Duration", sort_key: None },
        ColumnSpec { label: "Disposition", sort_key: Some("disposition") },
        ColumnSpec { label: "Hangup Cause", sort_key: Some("hangup_cause") },
        ColumnSpec { label: "Call Id", sort_key: Some("call_id") },
        ColumnSpec { label: "Call Type", sort_key: Some("call_type") },
        ColumnSpec { label: "Call Route", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "disposition", label: "Disposition", kind: FilterKind::Code(Disposition::CODES) },
        FilterSpec { name: "hangup_cause", label: "Hangup Cause", kind: FilterKind::Code(HangupCause::CODES) },
        FilterSpec { name: "call_type", label: "Call Type", kind: FilterKind::Code(CallType::CODES) },
        FilterSpec { name: "caller_number", label: "Caller Number", kind: FilterKind::Prefix },
        FilterSpec { name: "caller", label: "Caller", kind: FilterKind::Prefix },
        FilterSpec { name: "callee_number", label: "Callee Number", kind: FilterKind::Prefix },
        FilterSpec { name: "callee", label: "Callee", kind: FilterKind::Prefix },
        FilterSpec { name: "call_id", label: "Call Id", kind: FilterKind::Exact },
        FilterSpec { name: "account_id", label: "Account #", kind: FilterKind::AccountId },
    ],
    legends: &[
        Legend { title: "Disposition", codes: Disposition::CODES },
        Legend { title: "Hangup Cause", codes: HangupCause::CODES },
        Legend { title: "Call Type", codes: CallType::CODES },
    ],
};

#[cfg(feature = "ssr")]
pub use server::{CdrFilter, Cdrs};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::{CallType, Disposition, HangupCause};
    use crate::db::filters::{AccountId, TextExact};
    use crate::db::list::{code, millis, opt_code, opt_id, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::{duration, RenderCtx};
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{Cdr, UtcMillis};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct Cdrs;

    static TABLE: TableInfo = TableInfo {
        table: "cdr",
        time_column: "call_date",
        columns: &[
            "id",
            "call_date",
            "caller_number",
            "caller_name",
            "caller_group",
            "caller_account_id",
            "caller_user_agent",
            "callee_number",
            "callee_name",
            "callee_group",
            "callee_account_id",
            "callee_user_agent",
            "total_duration",
            "call_duration",
            "disposition",
            "hangup_cause",
            "call_id",
            "call_type",
            "call_route",
        ],
        text_columns: &[
            "caller_number",
            "caller_name",
            "caller_group",
            "callee_number",
            "callee_name",
            "callee_group",
            "disposition",
            "hangup_cause",
            "call_id",
            "call_type",
            "call_route",
        ],
        sorts: &[
            ("timestamp", "call_date"),
            ("caller_number", "caller_number"),
            ("caller", "caller_name"),
            ("callee_number", "callee_number"),
            ("callee", "callee_name"),
            ("disposition", "disposition"),
            ("hangup_cause", "hangup_cause"),
            ("call_id", "call_id"),
            ("call_type", "call_type"),
        ],
    };

    crate::filter_set!(CdrFilter {
        disposition: Disposition = ("disposition", "Disposition", ["disposition"]),
        hangup_cause: HangupCause = ("hangup_cause", "Hangup Cause", ["hangup_cause"]),
        call_type: CallType = ("call_type", "Call Type", ["call_type"]),
        caller_number: TextPrefix = ("caller_number", "Caller Number", ["caller_number"]),
        caller: TextPrefix = ("caller", "Caller", ["caller_name"]),
        callee_number: TextPrefix = ("callee_number", "Callee Number", ["callee_number"]),
        callee: TextPrefix = ("callee", "Callee", ["callee_name"]),
        call_id: TextExact = ("call_id", "Call Id", ["call_id"]),
        account_id: AccountId = ("account_id", "Account #", ["caller_account_id", "callee_account_id"]),
    });

    /// The list of every leg of a call, oldest first.
    pub fn trace_href(call_id: &str) -> String {
        let query = serde_urlencoded::to_string([("call_id", call_id), ("sort", "timestamp"), ("dir", "asc")])
            .unwrap_or_default();
        format!("{}?{query}", SPEC.route)
    }

    impl LogTable for Cdrs {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = Cdr;
        type Filter = CdrFilter;

        fn decode(row: &AnyRow) -> Result<Cdr, AppError> {
            Ok(Cdr {
                id: row.try_get(0)?,
                call_date: millis(row, 1)?,
                caller_number: text(row, 2)?,
                caller_name: text(row, 3)?,
                caller_group: text(row, 4)?,
                caller_account_id: opt_id(row, 5)?,
                caller_user_agent: text(row, 6)?,
                callee_number: text(row, 7)?,
                callee_name: text(row, 8)?,
                callee_group: text(row, 9)?,
                callee_account_id: opt_id(row, 10)?,
                callee_user_agent: text(row, 11)?,
                total_duration: row.try_get(12)?,
                call_duration: row.try_get(13)?,
                disposition: code(row, 14)?,
                hangup_cause: opt_code(row, 15)?,
                call_id: text(row, 16)?,
                call_type: code(row, 17)?,
                call_route: text(row, 18)?,
            })
        }

        fn id(row: &Cdr) -> i64 {
            row.id
        }

        fn occurred(row: &Cdr) -> UtcMillis {
            row.call_date
        }

        fn cells(row: &Cdr, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.call_date), Self::detail_href(row)),
                Cell::account(&row.caller_number, row.caller_account_id),
                Cell::account(&row.caller_name, row.caller_account_id),
                Cell::text(&row.caller_group),
                Cell::account(&row.callee_number, row.callee_account_id),
                Cell::account(&row.callee_name, row.callee_account_id),
                Cell::text(&row.callee_group),
                Cell::text(duration(row.total_duration)),
                Cell::text(duration(row.call_duration)),
                Cell::code(row.disposition.info()),
                Cell::opt_code(row.hangup_cause.map(|c| c.info())),
                Cell::link(&row.call_id, trace_href(&row.call_id)),
                Cell::code(row.call_type.info()),
                Cell::text(&row.call_route),
            ]
        }

        fn redact(row: &mut Cdr, ctx: &RenderCtx) {
            ctx.mask(&mut row.caller_number);
            ctx.mask(&mut row.callee_number);
        }

        fn detail(row: &Cdr, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            fields.push(("Caller User Agent".into(), Cell::text(&row.caller_user_agent)));
            fields.push(("Callee User Agent".into(), Cell::text(&row.callee_user_agent)));
            fields
        }
    }
}
