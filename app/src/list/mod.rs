//! The generic list machinery shared by every log category: what a category declares
//! ([`CategorySpec`]), what a page of it looks like on the wire ([`LogPage`]), and the server
//! functions that fetch one. Each category module declares only its columns, filters and
//! links; parsing, SQL, paging, sorting and CSV are written once (see `crate::db`).

use crate::codes::CodeInfo;
use serde::{Deserialize, Serialize};

pub mod api;

/// The log categories, by their URL slug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The VoIP accounts: not a log, but listed with the same machinery.
    Accounts,
    Security,
    System,
    Audit,
    WebSessions,
    Cdr,
    SipSessions,
    Registered,
    Messages,
    InstallMessages,
    ActivationMessages,
}

impl Category {
    /// Every list, the accounts first.
    pub const ALL: &'static [Category] = &[
        Category::Accounts,
        Category::Security,
        Category::System,
        Category::Audit,
        Category::WebSessions,
        Category::Cdr,
        Category::SipSessions,
        Category::Registered,
        Category::Messages,
        Category::InstallMessages,
        Category::ActivationMessages,
    ];

    /// The logs, in the order of the LOGGING menu: every list but the accounts directory.
    pub const LOGS: &'static [Category] = match Self::ALL.split_first() {
        Some((_accounts, logs)) => logs,
        None => &[],
    };

    pub fn spec(self) -> &'static CategorySpec {
        use crate::categories::*;
        match self {
            Category::Accounts => &accounts::SPEC,
            Category::Security => &security::SPEC,
            Category::System => &system::SPEC,
            Category::Audit => &audit::SPEC,
            Category::WebSessions => &web_sessions::SPEC,
            Category::Cdr => &cdr::SPEC,
            Category::SipSessions => &sip_sessions::SPEC,
            Category::Registered => &registered::SPEC,
            Category::Messages => &messages::SPEC,
            Category::InstallMessages => &install_messages::SPEC,
            Category::ActivationMessages => &activation_messages::SPEC,
        }
    }

    /// The slug used in the API and CSV URLs, e.g. `web-sessions`.
    pub fn slug(self) -> &'static str {
        self.spec().slug
    }

    pub fn from_slug(slug: &str) -> Option<Category> {
        Self::ALL.iter().copied().find(|c| c.slug() == slug)
    }

    /// A log (not the accounts directory) by its slug: what `/logs/<slug>` may show.
    pub fn log_from_slug(slug: &str) -> Option<Category> {
        Self::LOGS.iter().copied().find(|c| c.slug() == slug)
    }
}

/// Everything the UI needs to know about a category, as static data.
#[derive(Debug)]
pub struct CategorySpec {
    pub category: Category,
    /// The menu link and page title, e.g. "Web Sessions".
    pub title: &'static str,
    pub slug: &'static str,
    /// Route of the list, e.g. `/logs/web-sessions`; a row's detail is `<route>/<id>`.
    pub route: &'static str,
    /// One line on what the list shows.
    pub summary: &'static str,
    pub columns: &'static [ColumnSpec],
    pub filters: &'static [FilterSpec],
    /// Code sets explained in the legend under the list.
    pub legends: &'static [Legend],
}

#[derive(Debug)]
pub struct ColumnSpec {
    /// The `<th>` text and the CSV header.
    pub label: &'static str,
    /// The `sort=` key; `None` when the column is not sortable.
    pub sort_key: Option<&'static str>,
}

#[derive(Debug)]
pub struct FilterSpec {
    /// The query parameter.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FilterKind,
}

#[derive(Debug)]
pub enum FilterKind {
    /// One of a closed set of codes: a `<select>`.
    Code(&'static [CodeInfo]),
    /// Text that the column starts with (an exact value is also a prefix).
    Prefix,
    /// A yes/no flag: a `<select>` of Yes and No.
    YesNo,
    /// Text equal to the column (ids that must not match by prefix, like call ids).
    Exact,
    /// An account's id: the rows bound to that account.
    AccountId,
}

#[derive(Debug)]
pub struct Legend {
    pub title: &'static str,
    pub codes: &'static [CodeInfo],
}

/// The query parameters every list understands, besides its category filters.
pub mod param {
    pub const PAGE: &str = "page";
    pub const SIZE: &str = "size";
    pub const SORT: &str = "sort";
    pub const DIR: &str = "dir";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const TEXT: &str = "q";
}

/// The "Items to show" choices.
pub const PAGE_SIZES: &[u32] = &[10, 25, 50, 100];
pub const DEFAULT_PAGE_SIZE: u32 = 25;

/// One table cell as the browser shows it: already formatted on the server (times in the
/// appliance zone, durations as h:mm:ss), with an optional link and explanation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// The meaning of a code, shown as a tooltip.
    pub title: Option<String>,
    /// A second, small link after the text: (accessible name, href).
    pub aside: Option<(String, String)>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Cell { text: text.into(), ..Default::default() }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Cell { text: text.into(), href: Some(href.into()), ..Default::default() }
    }

    pub fn code(info: &CodeInfo) -> Self {
        Cell { text: info.label.to_owned(), title: Some(info.meaning.to_owned()), ..Default::default() }
    }

    /// An optional code: empty when absent.
    pub fn opt_code(info: Option<&CodeInfo>) -> Self {
        info.map(Cell::code).unwrap_or_default()
    }

    /// Adds a small link after the text, e.g. to the account page.
    pub fn with_aside(mut self, label: impl Into<String>, href: impl Into<String>) -> Self {
        self.aside = Some((label.into(), href.into()));
        self
    }

    /// A link to the account page when the row is bound to a known account, else plain text.
    pub fn account(text: impl Into<String>, account_id: Option<i64>) -> Self {
        let text = text.into();
        match account_id {
            Some(id) if !text.is_empty() => Cell::link(text, crate::categories::accounts::account_href(id)),
            _ => Cell::text(text),
        }
    }

    pub fn yes_no(flag: bool) -> Self {
        Cell::text(if flag { "Yes" } else { "No" })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    pub id: i64,
    pub cells: Vec<Cell>,
}

/// The sort a page was read with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SortState {
    pub key: String,
    pub descending: bool,
}

/// One page of a list, as validated and read by the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    /// Rows matching the filter, on all pages.
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    /// `None`: the default order, newest first.
    pub sort: Option<SortState>,
    /// Human-readable list of the filters in force; empty when none.
    pub active_filters: Vec<String>,
    /// The IANA zone timestamps are shown in.
    pub time_zone: String,
    /// Whether the caller may export it (the CSV link is offered only then).
    pub may_export: bool,
}

impl LogPage {
    pub fn page_count(&self) -> u32 {
        (self.total.div_ceil(self.page_size.max(1) as u64)).max(1) as u32
    }
}

/// Every stored field of one row, for its detail page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogDetail {
    pub fields: Vec<(String, Cell)>,
    pub time_zone: String,
}
