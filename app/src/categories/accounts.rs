//! The accounts directory: every VoIP account, whether it is on line now and when the SIP
//! server last saw it. Each account's page (`/accounts/<id>`) gathers its history.

use crate::codes::Platform;
use crate::list::{CategorySpec, ColumnSpec as C, FilterSpec as F};
use crate::models::UtcMillis;

crate::record! {
    /// A VoIP account (SIP peername) of the appliance. `account_list` adds whether it is on
    /// line now and when the SIP server last saw it (migration 3).
    pub struct Account from "account_list" into "account" {
        id: i64,
        /// SIP peername.
        username: String => searched,
        description: String => searched,
        phone_number: String => searched,
        group_name: String => searched,
        platform: Option<Platform>,
        online: bool => derived,
        last_seen: Option<UtcMillis> => derived,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Accounts",
    summary: "Every VoIP account of the appliance, most recently seen first. Open one to see its whole \
              history: SIP sessions, calls, messages and provisioning, on one timeline.",
    time: Account::last_seen,
    columns: &[
        C::new("Username", Account::username).sorted_as("username"),
        C::new("Description", Account::description).sorted_as("description"),
        C::new("Phone Number", Account::phone_number).sorted_as("phone"),
        C::new("Group", Account::group_name).sorted_as("group"),
        C::new("Platform", Account::platform),
        C::new("Online Now", Account::online),
        C::new("Last Seen", Account::last_seen).sorted_as("timestamp"),
    ],
    filters: &[
        F::on("platform", "Platform", &[Account::platform]),
        F::on("online", "Online Now", &[Account::online]),
        F::on("username", "Username", &[Account::username]),
        F::on("description", "Description", &[Account::description]),
        F::on("phone", "Phone Number", &[Account::phone_number]),
        F::on("group", "Group", &[Account::group_name]),
    ],
};

/// The page of one account.
pub fn account_href(id: i64) -> String {
    format!("{}/{id}", crate::list::Category::Accounts.route())
}

#[cfg(feature = "ssr")]
pub use server::Accounts;

#[cfg(feature = "ssr")]
mod server {
    use super::Account;
    use crate::db::list::LogTable;
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct Accounts;

    impl LogTable for Accounts {
        type Row = Account;

        fn cells(a: &Account, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(&a.username, Self::detail_href(a)),
                Cell::text(&a.description),
                Cell::text(&a.phone_number),
                Cell::text(&a.group_name),
                Cell::opt_code(a.platform.map(|p| p.info())),
                Cell::yes_no(a.online),
                Cell::text(a.last_seen.map(|t| ctx.time(t)).unwrap_or_default()),
            ]
        }

        /// An account's number is the one its CDRs show: masked with them.
        fn redact(row: &mut Account, ctx: &RenderCtx) {
            ctx.mask(&mut row.phone_number);
        }
    }
}
