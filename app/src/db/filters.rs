//! A list's own filters, parsed from the URL query into typed values by the category's
//! [`FilterSpec`]s: a code of the column's code set, a text prefix, an exact text, yes/no or an
//! account id. Each becomes a bound SQL condition and a chip of the "filters in force".
//!
//! A filter keeps the rows whose column has the value (`disposition=BUSY`; a text in double
//! quotes is matched whole, `caller="1001"`, where a bare one is a prefix); an exclusion
//! (`not_disposition=BUSY`, repeatable) leaves out the rows whose column equals it, and keeps
//! those where the column is empty. Both are what a cell's "only this" and "not this" links add.

use super::params::{QueryParams, TextPrefix};
use super::query::{equals, starts_with};
use crate::codes::CodeInfo;
use crate::error::AppError;
use crate::list::{CategorySpec, Chip, FilterKind, FilterSpec};
use sea_query::{Condition, Expr, SimpleExpr};

/// Most exclusions one list takes (each is a condition of its query).
pub const MAX_EXCLUSIONS: usize = 20;

/// A text value the column must equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextExact(pub String);

/// A yes/no filter value (`yes` or `no` in the URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YesNo(pub bool);

/// An account, by id: the rows bound to it (`account_id=12`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountId(pub i64);

/// One filter's typed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterValue {
    Code(&'static CodeInfo),
    Prefix(TextPrefix),
    Exact(TextExact),
    YesNo(YesNo),
    Account(AccountId),
}

impl FilterValue {
    /// Reads `raw`, the value of `spec`'s parameter, checked against its kind. An exclusion
    /// of text is always whole text (there is no "does not start with").
    fn parse(raw: String, spec: &FilterSpec, excluded: bool) -> Result<FilterValue, AppError> {
        let label = spec.label;
        Ok(match spec.kind {
            FilterKind::Code(list) => FilterValue::Code(
                list.codes
                    .iter()
                    .find(|c| c.code == raw)
                    .ok_or_else(|| AppError::BadRequest(format!("'{raw}' is not a known {}.", list.name)))?,
            ),
            FilterKind::Prefix if !excluded => match quoted(&raw) {
                Some(whole) => FilterValue::Exact(TextExact(whole.to_owned())),
                None => FilterValue::Prefix(TextPrefix(raw)),
            },
            FilterKind::Prefix | FilterKind::Exact => FilterValue::Exact(TextExact(raw)),
            FilterKind::YesNo => match raw.as_str() {
                "yes" => FilterValue::YesNo(YesNo(true)),
                "no" => FilterValue::YesNo(YesNo(false)),
                other => return Err(AppError::BadRequest(format!("{label} must be 'yes' or 'no', not '{other}'."))),
            },
            FilterKind::AccountId => match raw.parse::<i64>() {
                Ok(id) if id > 0 => FilterValue::Account(AccountId(id)),
                _ => return Err(AppError::BadRequest(format!("{label} '{raw}' is not an account id."))),
            },
        })
    }

    pub(super) fn condition(&self, column: crate::list::Column) -> SimpleExpr {
        match self {
            FilterValue::Code(info) => equals(column, info.code),
            FilterValue::Prefix(prefix) => starts_with(column, prefix),
            FilterValue::Exact(text) => equals(column, text.0.clone()),
            FilterValue::YesNo(flag) => equals(column, flag.0 as i64),
            FilterValue::Account(id) => equals(column, id.0),
        }
    }

    /// Rows whose `column` does not hold the value; an empty (NULL) column holds none.
    fn exclusion(&self, column: crate::list::Column) -> Condition {
        Condition::any().add(Expr::col(column).is_null()).add(self.condition(column).not())
    }

    fn describe(&self, label: &str, excluded: bool) -> String {
        let is = if excluded { "≠" } else { "=" };
        match self {
            FilterValue::Code(info) => format!("{label} {is} {}", info.code),
            FilterValue::Prefix(prefix) => format!("{label} starts with \"{}\"", prefix.0),
            FilterValue::Exact(text) => format!("{label} {is} \"{}\"", text.0),
            FilterValue::YesNo(flag) => format!("{label} {is} {}", if flag.0 { "yes" } else { "no" }),
            FilterValue::Account(id) => format!("{label} {is} #{}", id.0),
        }
    }
}

/// The text between double quotes, when the whole value is quoted.
fn quoted(raw: &str) -> Option<&str> {
    raw.strip_prefix('"')?.strip_suffix('"')
}

/// One filter in force: a control's value, or one value it excludes.
#[derive(Clone, Debug)]
pub struct Selection {
    pub spec: FilterSpec,
    pub value: FilterValue,
    /// Rows with the value are left out rather than kept.
    pub excluded: bool,
    /// The value as the URL gave it, for the chip that removes it.
    raw: String,
}

impl Selection {
    /// The query parameter it came from.
    pub fn param(&self) -> String {
        if self.excluded {
            self.spec.exclusion_param()
        } else {
            self.spec.name.to_owned()
        }
    }

    pub(super) fn condition(&self) -> Condition {
        let columns = self.spec.columns.iter();
        if self.excluded {
            // Left out when any of its columns holds the value.
            columns.fold(Condition::all(), |all, c| all.add(self.value.exclusion(*c)))
        } else {
            // Kept when any of them does (caller or callee, say).
            columns.fold(Condition::any(), |any, c| any.add(self.value.condition(*c)))
        }
    }
}

/// The filters in force on a list, in the order of its form, each control's exclusions after it.
#[derive(Clone, Debug, Default)]
pub struct ListFilter(pub Vec<Selection>);

impl ListFilter {
    /// Takes the category's filter parameters and their exclusions out of `q`.
    pub fn parse(q: &mut QueryParams, spec: &'static CategorySpec) -> Result<ListFilter, AppError> {
        let mut active = Vec::new();
        let mut exclusions = 0;
        for filter in spec.filters() {
            let text = !matches!(filter.kind, FilterKind::Code(_) | FilterKind::YesNo | FilterKind::AccountId);
            let given = if text { q.take_text(filter.name, filter.label)? } else { q.take(filter.name) };
            if let Some(raw) = given {
                let value = FilterValue::parse(raw.clone(), &filter, false)?;
                active.push(Selection { spec: filter, value, excluded: false, raw });
            }
            if matches!(filter.kind, FilterKind::AccountId) {
                continue;
            }
            for raw in q.take_all(&filter.exclusion_param(), filter.label)? {
                exclusions += 1;
                if exclusions > MAX_EXCLUSIONS {
                    return Err(AppError::BadRequest(format!(
                        "A list takes at most {MAX_EXCLUSIONS} exclusions (\"not this\")."
                    )));
                }
                let value = FilterValue::parse(raw.clone(), &filter, true)?;
                active.push(Selection { spec: filter, value, excluded: true, raw });
            }
        }
        Ok(ListFilter(active))
    }

    /// The rows bound to one account, when the list has an account filter.
    pub fn account(spec: &'static CategorySpec, id: i64) -> Option<ListFilter> {
        let filter = spec.account_filter()?;
        let value = FilterValue::Account(AccountId(id));
        Some(ListFilter(vec![Selection { spec: filter, value, excluded: false, raw: id.to_string() }]))
    }

    /// The SQL conditions, each with bound values.
    pub fn conditions(&self) -> Vec<Condition> {
        self.0.iter().map(Selection::condition).collect()
    }

    /// A chip per filter ("Result = FAIL_BAD_CREDENTIALS", "Disposition ≠ BUSY"), each naming
    /// the parameter and value that remove it.
    pub fn chips(&self) -> Vec<Chip> {
        self.0
            .iter()
            .map(|s| Chip { text: s.value.describe(s.spec.label, s.excluded), param: s.param(), value: s.raw.clone() })
            .collect()
    }
}
