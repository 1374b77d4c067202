//! Call Detail Records: one row per leg of a call. The Call Id groups the legs of a transfer,
//! three-way call or conference; following it shows the whole trace.

use crate::codes::{CallType, Disposition, HangupCause};
use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// A call detail record: one leg of a call.
    pub struct Cdr in "cdr" {
        id: i64,
        call_date: UtcMillis,
        caller_number: String => searched masked,
        caller_name: String => searched,
        caller_group: String => searched,
        caller_account_id: Option<i64>,
        caller_user_agent: String,
        callee_number: String => searched masked,
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

/// Hourly counts of CDRs per account (as caller or callee) and whether they FAILED, kept by
/// triggers: the overview's top accounts (migration `…_account_hourly.sql`).
pub const ACCOUNT_HOURLY: &str = "cdr_account_hourly";

/// The same counts by UTC day, kept from the hourly ones by triggers on them: a 30-day
/// window reads its whole days here and only its edge hours above (migration
/// `…_overview_rollups.sql`).
pub const ACCOUNT_DAILY: &str = "cdr_account_daily";

pub const SPEC: CategorySpec = CategorySpec {
    title: "Call Detail Records",
    summary: "Every call leg: who called whom, how long, and how it ended. Follow a Call Id to see all the \
              legs of a transfer, three-way call or conference together. Durations are h:mm:ss.",
    time: Cdr::call_date,
    columns: &[
        C::new("Call Date", Cdr::call_date).sorted_as("timestamp").links_detail(),
        C::new("Caller Number", Cdr::caller_number)
            .sorted_as("caller_number")
            .links_account(Cdr::caller_account_id)
            .filtered_as("caller_number"),
        C::new("Caller", Cdr::caller_name)
            .sorted_as("caller")
            .links_account(Cdr::caller_account_id)
            .filtered_as("caller"),
        C::new("Caller Group", Cdr::caller_group),
        C::new("Callee Number", Cdr::callee_number)
            .sorted_as("callee_number")
            .links_account(Cdr::callee_account_id)
            .filtered_as("callee_number"),
        C::new("Callee", Cdr::callee_name)
            .sorted_as("callee")
            .links_account(Cdr::callee_account_id)
            .filtered_as("callee"),
        C::new("Callee Group", Cdr::callee_group),
        C::new("Total Duration", Cdr::total_duration).as_duration(),
        C::new("Call Duration", Cdr::call_duration).as_duration(),
        C::new("Disposition", Cdr::disposition).sorted_as("disposition").filtered_as("disposition"),
        C::new("Hangup Cause", Cdr::hangup_cause).sorted_as("hangup_cause").filtered_as("hangup_cause"),
        C::new("Call Id", Cdr::call_id).sorted_as("call_id").filtered_exactly_as("call_id"),
        C::new("Call Type", Cdr::call_type).sorted_as("call_type").filtered_as("call_type"),
        C::new("Call Route", Cdr::call_route),
    ],
    detail: &[C::new("Caller User Agent", Cdr::caller_user_agent), C::new("Callee User Agent", Cdr::callee_user_agent)],
    accounts: &[Cdr::caller_account_id, Cdr::callee_account_id],
    hourly: Some("cdr_hourly"),
    text_index: Some("cdr_text"),
};

#[cfg(feature = "ssr")]
pub use server::Cdrs;

#[cfg(feature = "ssr")]
mod server {
    use super::Cdr;
    use crate::categories::accounts::Account;
    use crate::db::ingest::AccountMatch;
    use crate::db::list::{standard_cell, Listed, LogTable};
    use crate::db::render::RenderCtx;
    use crate::list::{Cell, ColumnSpec};

    pub struct Cdrs;

    /// The list of every leg of a call, oldest first.
    pub fn trace_href(call_id: &str) -> String {
        let query = serde_urlencoded::to_string([("call_id", call_id), ("sort", "timestamp"), ("dir", "asc")])
            .unwrap_or_default();
        format!("{}?{query}", Cdrs::CATEGORY.route())
    }

    impl LogTable for Cdrs {
        type Row = Cdr;
        const ACCOUNT_MATCHES: &'static [AccountMatch] = &[
            AccountMatch { id: Cdr::caller_account_id, by: Cdr::caller_number, key: Account::phone_number },
            AccountMatch { id: Cdr::callee_account_id, by: Cdr::callee_number, key: Account::phone_number },
        ];

        /// A Call Id opens the call's trace.
        fn cell(row: &Cdr, column: &ColumnSpec, ctx: &RenderCtx) -> Cell {
            if column.column == Cdr::call_id {
                let value = (!row.call_id.is_empty()).then(|| row.call_id.clone());
                return Cell { value, ..Cell::link(&row.call_id, trace_href(&row.call_id)) };
            }
            standard_cell::<Self>(row, column, ctx)
        }
    }
}
