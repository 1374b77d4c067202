//! Registered Accounts: the accounts on line now, derived from the SIP session events (the
//! last REGISTER of the account, not followed by UNREGISTER or DISCONNECT, not expired).

use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// One account on line now. `registration` is a view over `account` and `sip_session`
    /// (migration 2) whose "now" is the database's clock: nothing is ever written to it.
    pub struct Registration in "registration" {
        /// The account's id.
        id: i64 => derived,
        username: String => searched derived,
        description: String => searched derived,
        remote_addr: String => searched derived,
        useragent: String => searched derived,
        registered_at: UtcMillis => derived,
        expires_at: UtcMillis => derived,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Registered Accounts",
    summary: "The accounts on line now, and thus reachable: registered and not yet expired, unregistered \
              or disconnected. The time range filters on when they last registered.",
    time: Registration::registered_at,
    columns: &[
        C::new("Id", Registration::id).sorted_as("id").links_account(Registration::id),
        C::new("Username", Registration::username).sorted_as("username").filtered_as("username"),
        C::new("IpAddr", Registration::remote_addr).sorted_as("ip").filtered_as("ip"),
        C::new("Port", Registration::remote_addr),
        C::new("Description", Registration::description).sorted_as("description").filtered_as("description"),
        C::new("Registration Expires", Registration::expires_at).sorted_as("expires"),
        C::new("UserAgent", Registration::useragent).filtered_as("useragent"),
    ],
    detail: &[C::new("Registered at", Registration::registered_at)],
    accounts: &[],
    hourly: None,
    text_index: None,
};

/// Splits `ip:port` (or `[v6]:port`) into its address and port.
pub fn split_addr(remote: &str) -> (&str, &str) {
    match remote.rsplit_once(':') {
        Some((ip, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
            (ip.trim_start_matches('[').trim_end_matches(']'), port)
        }
        _ => (remote, ""),
    }
}

#[cfg(feature = "ssr")]
pub use server::RegisteredAccounts;

#[cfg(feature = "ssr")]
mod server {
    use super::{split_addr, Registration};
    use crate::db::list::{standard_cell, LogTable};
    use crate::db::render::RenderCtx;
    use crate::list::Cell;

    pub struct RegisteredAccounts;

    impl LogTable for RegisteredAccounts {
        type Row = Registration;

        /// IpAddr and Port are the two halves of the remote address.
        fn cells(row: &Registration, ctx: &RenderCtx) -> Vec<Cell> {
            let (ip, port) = split_addr(&row.remote_addr);
            let mut halves = [ip, port].into_iter();
            Self::SPEC
                .columns
                .iter()
                .map(|column| match column.column == Registration::remote_addr {
                    true => Cell::text(halves.next().unwrap_or_default()),
                    false => standard_cell::<Self>(row, column, ctx),
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_split_into_ip_and_port() {
        assert_eq!(super::split_addr("93.57.41.37:28224"), ("93.57.41.37", "28224"));
        assert_eq!(super::split_addr("[2001:db8::1]:5061"), ("2001:db8::1", "5061"));
        assert_eq!(super::split_addr("10.0.0.1"), ("10.0.0.1", ""));
    }
}
