//! The accounts directory: every VoIP account, whether it is on line now and when the SIP
//! server last saw it. Each account's page (`/accounts/<id>`) gathers its history.

use crate::codes::Platform;
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::Accounts,
    title: "Accounts",
    slug: "accounts",
    route: "/accounts",
    summary: "Every VoIP account of the appliance, most recently seen first. Open one to see its whole \
              history: SIP sessions, calls, messages and provisioning, on one timeline.",
    columns: &[
        ColumnSpec { label: "Username", sort_key: Some("username") },
        ColumnSpec { label: "Description", sort_key: Some("description") },
        ColumnSpec { label: "Phone Number", sort_key: Some("phone") },
        ColumnSpec { label: "Group", sort_key: Some("group") },
        ColumnSpec { label: "Platform", sort_key: None },
        ColumnSpec { label: "Online Now", sort_key: None },
        ColumnSpec { label: "Last Seen", sort_key: Some("timestamp") },
    ],
    filters: &[
        FilterSpec { name: "platform", label: "Platform", kind: FilterKind::Code(Platform::CODES) },
        FilterSpec { name: "online", label: "Online Now", kind: FilterKind::YesNo },
        FilterSpec { name: "username", label: "Username", kind: FilterKind::Prefix },
        FilterSpec { name: "description", label: "Description", kind: FilterKind::Prefix },
        FilterSpec { name: "phone", label: "Phone Number", kind: FilterKind::Prefix },
        FilterSpec { name: "group", label: "Group", kind: FilterKind::Prefix },
    ],
    legends: &[Legend { title: "Platform", codes: Platform::CODES }],
};

/// The page of one account.
pub fn account_href(id: i64) -> String {
    format!("{}/{id}", SPEC.route)
}

#[cfg(feature = "ssr")]
pub use server::{AccountFilter, AccountRow, Accounts};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::Platform;
    use crate::db::filters::YesNo;
    use crate::db::list::{flag, opt_code, opt_millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{Account, UtcMillis};
    use serde::Serialize;
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct Accounts;

    /// An account as the directory shows it.
    #[derive(Clone, Debug, Serialize)]
    pub struct AccountRow {
        #[serde(flatten)]
        pub account: Account,
        pub online: bool,
        pub last_seen: Option<UtcMillis>,
    }

    // `account_list` is `account` with `online` and `last_seen` derived (migration 3).
    static TABLE: TableInfo = TableInfo {
        table: "account_list",
        time_column: "last_seen",
        columns: &["id", "username", "description", "phone_number", "group_name", "platform", "online", "last_seen"],
        text_columns: &["username", "description", "phone_number", "group_name"],
        sorts: &[
            ("timestamp", "last_seen"),
            ("username", "username"),
            ("description", "description"),
            ("phone", "phone_number"),
            ("group", "group_name"),
        ],
    };

    crate::filter_set!(AccountFilter {
        platform: Platform = ("platform", "Platform", ["platform"]),
        online: YesNo = ("online", "Online Now", ["online"]),
        username: TextPrefix = ("username", "Username", ["username"]),
        description: TextPrefix = ("description", "Description", ["description"]),
        phone: TextPrefix = ("phone", "Phone Number", ["phone_number"]),
        group: TextPrefix = ("group", "Group", ["group_name"]),
    });

    impl LogTable for Accounts {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = AccountRow;
        type Filter = AccountFilter;

        fn decode(row: &AnyRow) -> Result<AccountRow, AppError> {
            Ok(AccountRow {
                account: Account {
                    id: row.try_get(0)?,
                    username: text(row, 1)?,
                    description: text(row, 2)?,
                    phone_number: text(row, 3)?,
                    group_name: text(row, 4)?,
                    platform: opt_code(row, 5)?,
                },
                online: flag(row, 6)?,
                last_seen: opt_millis(row, 7)?,
            })
        }

        /// An account's number is the one its CDRs show: masked with them.
        fn redact(row: &mut AccountRow, ctx: &RenderCtx) {
            ctx.mask(&mut row.account.phone_number);
        }

        fn id(row: &AccountRow) -> i64 {
            row.account.id
        }

        fn occurred(row: &AccountRow) -> UtcMillis {
            row.last_seen.unwrap_or(UtcMillis(0))
        }

        fn cells(row: &AccountRow, ctx: &RenderCtx) -> Vec<Cell> {
            let a = &row.account;
            vec![
                Cell::link(&a.username, Self::detail_href(row)),
                Cell::text(&a.description),
                Cell::text(&a.phone_number),
                Cell::text(&a.group_name),
                Cell::opt_code(a.platform.map(|p| p.info())),
                Cell::yes_no(row.online),
                Cell::text(row.last_seen.map(|t| ctx.time(t)).unwrap_or_default()),
            ]
        }
    }
}
