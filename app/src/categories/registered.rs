//! Registered Accounts: the accounts on line now, derived from the SIP session events (the
//! last REGISTER of the account, not followed by UNREGISTER or DISCONNECT, not expired).

use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::Registered,
    title: "Registered Accounts",
    slug: "registered",
    route: "/logs/registered",
    summary: "The accounts on line now, and thus reachable: registered and not yet expired, unregistered \
              or disconnected. The time range filters on when they last registered.",
    columns: &[
        ColumnSpec { label: "Id", sort_key: Some("id") },
        ColumnSpec { label: "Username", sort_key: Some("username") },
        ColumnSpec { label: "IpAddr", sort_key: Some("ip") },
        ColumnSpec { label: "Port", sort_key: None },
        ColumnSpec { label: "Description", sort_key: Some("description") },
        ColumnSpec { label: "Registration Expires", sort_key: Some("expires") },
        ColumnSpec { label: "UserAgent", sort_key: None },
    ],
    filters: &[
        FilterSpec { name: "username", label: "Username", kind: FilterKind::Prefix },
        FilterSpec { name: "ip", label: "IpAddr", kind: FilterKind::Prefix },
        FilterSpec { name: "description", label: "Description", kind: FilterKind::Prefix },
        FilterSpec { name: "useragent", label: "UserAgent", kind: FilterKind::Prefix },
    ],
    legends: &[],
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
pub use server::{RegisteredAccounts, RegistrationFilter};

#[cfg(feature = "ssr")]
mod server {
    use super::{split_addr, SPEC};
    use crate::db::list::{millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::UtcMillis;
    use serde::Serialize;
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct RegisteredAccounts;

    /// One account on line now.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Registration {
        /// The account's id.
        pub id: i64,
        pub username: String,
        pub description: String,
        pub remote_addr: String,
        pub useragent: String,
        pub registered_at: UtcMillis,
        pub expires_at: UtcMillis,
    }

    // `registration` is a view over `account` and `sip_session` (migration 2); "now" is the
    // database's clock.
    static TABLE: TableInfo = TableInfo {
        table: "registration",
        time_column: "registered_at",
        columns: &["id", "username", "description", "remote_addr", "useragent", "registered_at", "expires_at"],
        text_columns: &["username", "description", "remote_addr", "useragent"],
        sorts: &[
            ("id", "id"),
            ("username", "username"),
            ("ip", "remote_addr"),
            ("description", "description"),
            ("expires", "expires_at"),
        ],
    };

    crate::filter_set!(RegistrationFilter {
        username: TextPrefix = ("username", "Username", ["username"]),
        ip: TextPrefix = ("ip", "IpAddr", ["remote_addr"]),
        description: TextPrefix = ("description", "Description", ["description"]),
        useragent: TextPrefix = ("useragent", "UserAgent", ["useragent"]),
    });

    impl LogTable for RegisteredAccounts {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = Registration;
        type Filter = RegistrationFilter;

        fn decode(row: &AnyRow) -> Result<Registration, AppError> {
            Ok(Registration {
                id: row.try_get(0)?,
                username: text(row, 1)?,
                description: text(row, 2)?,
                remote_addr: text(row, 3)?,
                useragent: text(row, 4)?,
                registered_at: millis(row, 5)?,
                expires_at: millis(row, 6)?,
            })
        }

        fn id(row: &Registration) -> i64 {
            row.id
        }

        fn occurred(row: &Registration) -> UtcMillis {
            row.registered_at
        }

        fn cells(row: &Registration, ctx: &RenderCtx) -> Vec<Cell> {
            let (ip, port) = split_addr(&row.remote_addr);
            vec![
                Cell::link(row.id.to_string(), crate::categories::accounts::account_href(row.id)),
                Cell::text(&row.username),
                Cell::text(ip),
                Cell::text(port),
                Cell::text(&row.description),
                Cell::text(ctx.time(row.expires_at)),
                Cell::text(&row.useragent),
            ]
        }

        fn detail(row: &Registration, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            let mut fields = Self::columns_detail(row, ctx);
            fields.push(("Registered at".into(), Cell::text(ctx.time(row.registered_at))));
            fields
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
