//! The accounts directory: every VoIP account, whether it is on line now and when the SIP
//! server last saw it. Each account's page (`/accounts/<id>`) gathers its history.

use crate::codes::Platform;
use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// A VoIP account (SIP peername) of the appliance. `account_list` adds whether it is on
    /// line now and when the SIP server last saw it (migration 3).
    pub struct Account from "account_list" into "account" {
        id: i64,
        /// SIP peername.
        username: String => searched,
        description: String => searched,
        phone_number: String => searched masked,
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
        C::new("Username", Account::username).sorted_as("username").links_detail().filtered_as("username"),
        C::new("Description", Account::description).sorted_as("description").filtered_as("description"),
        C::new("Phone Number", Account::phone_number).sorted_as("phone").filtered_as("phone"),
        C::new("Group", Account::group_name).sorted_as("group").filtered_as("group"),
        C::new("Platform", Account::platform).filtered_as("platform"),
        C::new("Online Now", Account::online).filtered_as("online"),
        C::new("Last Seen", Account::last_seen).sorted_as("timestamp"),
    ],
    detail: &[],
    accounts: &[],
    hourly: None,
    text_index: None,
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

    pub struct Accounts;

    /// An account's number is the one its CDRs show: masked with them (`masked`).
    impl LogTable for Accounts {
        type Row = Account;
    }
}
