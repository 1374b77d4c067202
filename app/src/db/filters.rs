//! A list's own filters, parsed from the URL query into typed values by the category's
//! [`FilterSpec`]s: a code of the column's code set, a text prefix, an exact text, yes/no or an
//! account id. Each becomes a bound SQL condition and a line of the "filters in force".

use super::params::{QueryParams, TextPrefix};
use super::query::{equals, starts_with};
use crate::codes::CodeInfo;
use crate::error::AppError;
use crate::list::{CategorySpec, FilterKind, FilterSpec};
use sea_query::{Condition, SimpleExpr};

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
    /// Takes `spec`'s parameter out of `q`, checked against its kind.
    fn take(q: &mut QueryParams, spec: &FilterSpec) -> Result<Option<FilterValue>, AppError> {
        let label = spec.label;
        Ok(match spec.kind {
            FilterKind::Code(list) => match q.take(spec.name) {
                None => None,
                Some(v) => Some(FilterValue::Code(
                    list.codes
                        .iter()
                        .find(|c| c.code == v)
                        .ok_or_else(|| AppError::BadRequest(format!("'{v}' is not a known {}.", list.name)))?,
                )),
            },
            FilterKind::Prefix => q.take_text(spec.name, label)?.map(|v| FilterValue::Prefix(TextPrefix(v))),
            FilterKind::Exact => q.take_text(spec.name, label)?.map(|v| FilterValue::Exact(TextExact(v))),
            FilterKind::YesNo => match q.take(spec.name).as_deref() {
                None => None,
                Some("yes") => Some(FilterValue::YesNo(YesNo(true))),
                Some("no") => Some(FilterValue::YesNo(YesNo(false))),
                Some(other) => {
                    return Err(AppError::BadRequest(format!("{label} must be 'yes' or 'no', not '{other}'.")))
                }
            },
            FilterKind::AccountId => match q.take(spec.name) {
                None => None,
                Some(v) => match v.parse::<i64>() {
                    Ok(id) if id > 0 => Some(FilterValue::Account(AccountId(id))),
                    _ => return Err(AppError::BadRequest(format!("{label} '{v}' is not an account id."))),
                },
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

    fn describe(&self, label: &str) -> String {
        match self {
            FilterValue::Code(info) => format!("{label} = {}", info.code),
            FilterValue::Prefix(prefix) => format!("{label} starts with \"{}\"", prefix.0),
            FilterValue::Exact(text) => format!("{label} = \"{}\"", text.0),
            FilterValue::YesNo(flag) => format!("{label} = {}", if flag.0 { "yes" } else { "no" }),
            FilterValue::Account(id) => format!("{label} = #{}", id.0),
        }
    }
}

/// The filters in force on a list, in the order of its form.
#[derive(Clone, Debug, Default)]
pub struct ListFilter(pub Vec<(FilterSpec, FilterValue)>);

impl ListFilter {
    /// Takes the category's filter parameters out of `q`.
    pub fn parse(q: &mut QueryParams, spec: &'static CategorySpec) -> Result<ListFilter, AppError> {
        let mut active = Vec::new();
        for filter in spec.filters() {
            if let Some(value) = FilterValue::take(q, &filter)? {
                active.push((filter, value));
            }
        }
        Ok(ListFilter(active))
    }

    /// The rows bound to one account, when the list has an account filter.
    pub fn account(spec: &'static CategorySpec, id: i64) -> Option<ListFilter> {
        Some(ListFilter(vec![(spec.account_filter()?, FilterValue::Account(AccountId(id)))]))
    }

    /// The SQL conditions, each with bound values; a filter on several columns matches when
    /// any of them does (caller or callee, say).
    pub fn conditions(&self) -> Vec<Condition> {
        self.0
            .iter()
            .map(|(spec, value)| spec.columns.iter().fold(Condition::any(), |any, c| any.add(value.condition(*c))))
            .collect()
    }

    /// "Result = FAIL_BAD_CREDENTIALS", ... for the "filters in force" line.
    pub fn describe(&self) -> Vec<String> {
        self.0.iter().map(|(spec, value)| value.describe(spec.label)).collect()
    }
}
