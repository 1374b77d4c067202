//! The generic list machinery shared by every log category: what a category declares
//! ([`CategorySpec`]: its columns and filters, each naming a [`Column`] of its [`Record`]),
//! what a page of it looks like on the wire ([`LogPage`]), and the server functions that fetch
//! one. The categories themselves are registered in `crate::categories`; parsing, SQL,
//! paging, sorting and CSV are written once (see `crate::db`).

use crate::codes::{CodeInfo, CodeList};
use serde::{Deserialize, Serialize};

pub mod api;
mod record;
pub(crate) mod registry;

pub use crate::categories::Category;
pub use record::{Column, ColumnKind, ColumnType, Record};

impl Category {
    pub fn from_slug(slug: &str) -> Option<Category> {
        Self::ALL.iter().copied().find(|c| c.slug() == slug)
    }

    /// A log (not the accounts directory) by its slug: what `/logs/<slug>` may show.
    pub fn log_from_slug(slug: &str) -> Option<Category> {
        Self::LOGS.iter().copied().find(|c| c.slug() == slug)
    }

    /// Every table of counts kept by triggers: each log's hourly counts, then the CDRs' per-account
    /// hourly and daily counts.
    pub fn count_tables() -> impl Iterator<Item = &'static str> {
        let hourly = Self::LOGS.iter().filter_map(|c| c.spec().hourly);
        hourly.chain([crate::categories::cdr::ACCOUNT_HOURLY, crate::categories::cdr::ACCOUNT_DAILY])
    }

    /// The logs an account's rows appear in: those with an account filter.
    pub fn bound_to_accounts() -> impl Iterator<Item = Category> {
        Self::LOGS.iter().copied().filter(|c| c.spec().account_filter().is_some())
    }
}

/// Everything the UI needs to know about a category, as static data.
#[derive(Debug)]
pub struct CategorySpec {
    /// The menu link and page title, e.g. "Web Sessions".
    pub title: &'static str,
    /// One line on what the list shows.
    pub summary: &'static str,
    /// The column the list is ordered by when no sort is chosen (newest first), and that the
    /// time range filters.
    pub time: Column,
    pub columns: &'static [ColumnSpec],
    /// What a row's detail page shows besides the list's columns.
    pub detail: &'static [ColumnSpec],
    /// The columns that bind a row to an account (any of them): the list then has an
    /// `account_id` filter, and the account's page a section for it.
    pub accounts: &'static [Column],
    /// The table of the log's hourly counts by every code and yes/no column it filters on
    /// ([`CategorySpec::hourly_columns`]), kept by the database's triggers: totals over those
    /// filters are read from it (`crate::db::count`). The big logs have one.
    pub hourly: Option<&'static str>,
    /// The log's full-text index of its searched columns (SQLite FTS5, trigram tokenizer; on
    /// PostgreSQL trigram indexes on the columns themselves): the free text asks it for
    /// candidate rows instead of reading them all ([`crate::db::Backend::free_text_candidates`]).
    /// The big logs whose searched columns are all stored have one.
    pub text_index: Option<&'static str>,
}

impl CategorySpec {
    /// The sort key of the default order, when a column shows it.
    pub fn default_sort_key(&self) -> Option<&'static str> {
        self.columns.iter().find(|c| c.column == self.time).and_then(|c| c.sort_key)
    }

    /// The list column a sort key belongs to.
    pub fn sorted_by(&self, key: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.sort_key == Some(key))
    }

    /// The stored column a sort key orders by.
    pub fn sort_column(&self, key: &str) -> Option<Column> {
        self.sorted_by(key).map(|c| c.column)
    }

    /// The filter form's controls: the columns' own filters, selects (codes, yes/no) before
    /// text, then the account filter.
    pub fn filters(&'static self) -> Vec<FilterSpec> {
        let mut all: Vec<FilterSpec> = self
            .columns
            .iter()
            .filter_map(|c| {
                let name = c.filter?;
                let kind = match c.column.kind {
                    ColumnKind::Code(list) => FilterKind::Code(list),
                    ColumnKind::Flag => FilterKind::YesNo,
                    _ if c.exact => FilterKind::Exact,
                    _ => FilterKind::Prefix,
                };
                let label = c.filter_label.unwrap_or(c.label);
                Some(FilterSpec { name, label, kind, columns: std::slice::from_ref(&c.column) })
            })
            .collect();
        all.sort_by_key(|f| !matches!(f.kind, FilterKind::Code(_) | FilterKind::YesNo));
        all.extend(self.account_filter());
        all
    }

    /// The columns the hourly counts ([`CategorySpec::hourly`]) are kept by: those of the
    /// code and yes/no filters, in the filter form's order.
    pub fn hourly_columns(&'static self) -> Vec<Column> {
        self.filters()
            .into_iter()
            .filter(|f| matches!(f.kind, FilterKind::Code(_) | FilterKind::YesNo))
            .flat_map(|f| f.columns.iter().copied())
            .collect()
    }

    /// The filter of the rows bound to one account, if this list has one.
    pub fn account_filter(&self) -> Option<FilterSpec> {
        (!self.accounts.is_empty()).then_some(FilterSpec {
            name: param::ACCOUNT,
            label: "Account #",
            kind: FilterKind::AccountId,
            columns: self.accounts,
        })
    }

    /// The code sets the list shows, each explained in the legend under it.
    pub fn legends(&self) -> impl Iterator<Item = (&'static str, &'static CodeList)> + '_ {
        self.columns.iter().filter_map(|c| match c.column.kind {
            ColumnKind::Code(list) => Some((c.label, list)),
            _ => None,
        })
    }
}

/// One column of the list: its header, the stored column it shows (and sorts by), and how.
#[derive(Debug)]
pub struct ColumnSpec {
    /// The `<th>` text and the CSV header.
    pub label: &'static str,
    pub column: Column,
    /// The `sort=` key; `None` when the column is not sortable.
    pub sort_key: Option<&'static str>,
    /// The filter parameter, when the list filters on this column; the control follows from
    /// the column's kind (codes and flags: a select; text: a prefix, or `exact`).
    pub filter: Option<&'static str>,
    /// Text filtered by equality rather than prefix (ids that must not match by prefix).
    pub exact: bool,
    /// The filter control's label when the header would not do (a "From" column beside the
    /// time range's "From").
    pub filter_label: Option<&'static str>,
    pub shows: Shows,
}

/// How a column's value becomes its cell; the text follows from the column's kind (a time in
/// the appliance's zone, a code with its meaning, Yes/No, the text itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shows {
    Value,
    /// A link to the row's detail page.
    DetailLink,
    /// A link to the account page of the id in this column, when the row is bound to one.
    AccountLink(Column),
    /// Seconds as h:mm:ss.
    Duration,
}

impl ColumnSpec {
    pub const fn new(label: &'static str, column: Column) -> ColumnSpec {
        ColumnSpec {
            label,
            column,
            sort_key: None,
            filter: None,
            exact: false,
            filter_label: None,
            shows: Shows::Value,
        }
    }

    /// Sortable, with this `sort=` key.
    pub const fn sorted_as(self, key: &'static str) -> ColumnSpec {
        ColumnSpec { sort_key: Some(key), ..self }
    }

    /// Filtered by parameter `name`: by code, yes/no or text prefix, as the column's kind says.
    pub const fn filtered_as(self, name: &'static str) -> ColumnSpec {
        assert!(
            matches!(self.column.kind, ColumnKind::Code(_) | ColumnKind::Flag | ColumnKind::Text),
            "only codes, flags and text are filtered"
        );
        ColumnSpec { filter: Some(name), ..self }
    }

    /// Filtered by parameter `name`, its control labelled `label` rather than by the header.
    pub const fn filtered_as_labelled(self, name: &'static str, label: &'static str) -> ColumnSpec {
        ColumnSpec { filter_label: Some(label), ..self.filtered_as(name) }
    }

    /// Filtered by parameter `name`, on text equal to the column.
    pub const fn filtered_exactly_as(self, name: &'static str) -> ColumnSpec {
        assert!(matches!(self.column.kind, ColumnKind::Text), "an exact filter is on text");
        ColumnSpec { filter: Some(name), exact: true, ..self }
    }

    /// The cell links to the row's detail page.
    pub const fn links_detail(self) -> ColumnSpec {
        ColumnSpec { shows: Shows::DetailLink, ..self }
    }

    /// The cell links to the account whose id is in `id`.
    pub const fn links_account(self, id: Column) -> ColumnSpec {
        ColumnSpec { shows: Shows::AccountLink(id), ..self }
    }

    /// Seconds, shown as h:mm:ss.
    pub const fn as_duration(self) -> ColumnSpec {
        ColumnSpec { shows: Shows::Duration, ..self }
    }
}

/// A text filter's value that matches the whole text (`"Mario Rossi"`), where a bare value
/// is a prefix: what a cell's "only this" and the overview's links put in the URL.
pub fn whole_text(text: &str) -> String {
    format!("\"{text}\"")
}

/// One control of the filter form and the columns it matches (any of them, for several).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilterSpec {
    /// The query parameter.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FilterKind,
    pub columns: &'static [Column],
}

impl FilterSpec {
    /// The parameter of the values it leaves out (`not_disposition`).
    pub fn exclusion_param(&self) -> String {
        format!("{}{}", param::EXCLUDE, self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKind {
    /// One of a closed set of codes: a `<select>`.
    Code(&'static CodeList),
    /// Text that the column starts with (an exact value is also a prefix).
    Prefix,
    /// A yes/no flag: a `<select>` of Yes and No.
    YesNo,
    /// Text equal to the column.
    Exact,
    /// An account's id: the rows bound to that account.
    AccountId,
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
    /// `follow=1`: the list shows new rows as they arrive (the page is read as without it).
    pub const FOLLOW: &str = "follow";
    /// The rows bound to one account (`account_id=12`), in every list that has accounts.
    pub const ACCOUNT: &str = "account_id";
    /// Before a filter's name: a value its rows may not have (`not_disposition=BUSY`).
    pub const EXCLUDE: &str = "not_";
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
    /// The stored value, when the list filters on the cell's column: what its "only this"
    /// and "not this" links select.
    pub value: Option<String>,
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
    /// The filters in force, in the form's order; empty when none.
    pub active_filters: Vec<Chip>,
    /// The IANA zone timestamps are shown in.
    pub time_zone: String,
    /// Whether the caller may export it (the CSV link is offered only then).
    pub may_export: bool,
    /// Phone numbers are masked: masked columns are not offered for sorting.
    pub numbers_hidden: bool,
}

impl LogPage {
    pub fn page_count(&self) -> u32 {
        (self.total.div_ceil(self.page_size.max(1) as u64)).max(1) as u32
    }
}

/// One filter in force, shown as a removable chip above the list: its text and the query
/// parameter and value that removing it takes out of the URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chip {
    pub text: String,
    pub param: String,
    pub value: String,
}

/// Every stored field of one row, for its detail page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogDetail {
    pub fields: Vec<(String, Cell)>,
    pub time_zone: String,
}
