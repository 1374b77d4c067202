//! Call Detail Records: one row per leg of a call. The Call Id groups the legs of a transfer,
//! three-way call or conference; following it shows the whole trace.

use crate::codes::{CallType, Disposition, HangupCause};
use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
use crate::models::UtcMillis;

crate::record! {
    /// A call detail record: one leg of a call.
    pub struct Cdr in "cdr" {
        id: i64,
        call_date: UtcMillis,
        caller_number: String => searched,
        caller_name: String => searched,
        caller_group: String => searched,
        caller_account_id: Option<i64>,
        caller_user_agent: String,
        callee_number: String => searched,
        callee_name: String => searched,
        callee_group: String => searched,
        callee_account_id: Option<i64>,
        callee_user_agent: String,
        /// Seconds from dialing to hang-up.
        total_duration: i64,
        /// Seconds from answer to hang-up.
        call_duration: i64,
        disposition: Disposition => searched,
        hangup_cause: Option<HangupCause> => searched,
        /// Groups the legs of a transfer, three-way call or conference.
        call_id: String => searched,
        call_type: CallType => searched,
        /// Trunk name when the call went out by a trunk.
        call_route: String => searched,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Call Detail Records",
    summary: "Every call leg: who called whom, how long, and how it ended. Follow a Call Id to see all the \
              legs of a transfer, three-way call or conference together. Durations are h:mm:ss.",
    time: Cdr::call_date,
    columns: &[
        C::new("Call Date", Cdr::call_date).sorted_as("timestamp"),
        C::new("Caller Number", Cdr::caller_number).sorted_as("caller_number"),
        C::new("Caller", Cdr::caller_name).sorted_as("caller"),
        C::new("Caller Group", Cdr::caller_group),
        C::new("Callee Number", Cdr::callee_number).sorted_as("callee_number"),
        C::new("Callee", Cdr::callee_name).sorted_as("callee"),
        C::new("Callee Group", Cdr::callee_group),
        C::new("Total Duration", Cdr::total_duration),
        C::new("Call Duration", Cdr::call_duration),
        C::new("Disposition", Cdr::disposition).sorted_as("disposition"),
        C::new("Hangup Cause", Cdr::hangup_cause).sorted_as("hangup_cause"),
        C::new("Call Id", Cdr::call_id).sorted_as("call_id"),
        C::new("Call Type", Cdr::call_type).sorted_as("call_type"),
        C::new("Call Route", Cdr::call_route),
    ],
    filters: &[
        F::on("disposition", "Disposition", &[Cdr::disposition]),
        F::on("hangup_cause", "Hangup Cause", &[Cdr::hangup_cause]),
        F::on("call_type", "Call Type", &[Cdr::call_type]),
        F::on("caller_number", "Caller Number", &[Cdr::caller_number]),
        F::on("caller", "Caller", &[Cdr::caller_name]),
        F::on("callee_number", "Callee Number", &[Cdr::callee_number]),
        F::on("callee", "Callee", &[Cdr::callee_name]),
        F::exact("call_id", "Call Id", &[Cdr::call_id]),
        F::account(&[Cdr::caller_account_id, Cdr::callee_account_id]),
    ],
};

#[cfg(feature = "ssr")]
pub use server::Cdrs;

#[cfg(feature = "ssr")]
mod server {
    use super::Cdr;
    use crate::db::list::{LogTable, Listed};
    use crate::db::render::{duration, RenderCtx};
    use crate::list::Cell;

    pub struct Cdrs;

    /// The list of every leg of a call, oldest first.
    pub fn trace_href(call_id: &str) -> String {
        let query = serde_urlencoded::to_string([("call_id", call_id), ("sort", "timestamp"), ("dir", "asc")])
            .unwrap_or_default();
        format!("{}?{query}", Cdrs::CATEGORY.route())
    }

    impl LogTable for Cdrs {
        type Row = Cdr;

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
