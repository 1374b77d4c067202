//! A list's total. Counting millions of rows for every page is what made the first page of
//! a big log slow (PostgreSQL visits every row it counts; SQLite walks a whole index range
//! for two unselective codes). The big logs keep hourly counts by each code and yes/no
//! column their lists filter on ([`CategorySpec::hourly`], kept exact by triggers; see the
//! migration `…_hourly_counts.sql`). A total whose filters are only such codes and flags,
//! with or without a time range, is then the sum of the whole hours of the range from those
//! counts plus the rows of the partial hours at its two edges, counted from the table's
//! (column, time) indexes: exact, and a few thousand rows read instead of millions. Any other
//! filter (free text, a prefix, an account) is counted from the rows, as before.

use super::filters::{FilterValue, ListFilter};
use super::params::ListParams;
use crate::list::CategorySpec;
use sea_query::{Alias, Condition, Expr, Func, Query, SelectStatement, SimpleExpr};

/// The span the counts are kept by: an hour, in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;

/// The start of the hour `at_ms` falls in (UTC; also before 1970).
pub fn hour_of(at_ms: i64) -> i64 {
    at_ms - at_ms.rem_euclid(HOUR_MS)
}

/// The statement that counts the rows of a list request from the hourly counts, or `None`
/// when its filters are not all codes and flags the counts are kept by (or the log keeps no
/// hourly counts): the caller then counts the rows.
pub fn from_hours(
    spec: &'static CategorySpec,
    table: &'static str,
    params: &ListParams,
    filter: &ListFilter,
) -> Option<SelectStatement> {
    let hourly = spec.hourly?;
    let kept = spec.hourly_columns();
    if params.text.is_some() {
        return None;
    }
    let mut codes = Vec::with_capacity(filter.0.len());
    for (spec, value) in &filter.0 {
        match (spec.columns, value) {
            ([column], FilterValue::Code(_) | FilterValue::YesNo(_)) if kept.contains(column) => {
                codes.push(value.condition(*column));
            }
            _ => return None,
        }
    }
    let (from, until) = (params.range.from, params.range.until);
    // The whole hours inside the range: from the first hour that starts at or after `from`
    // to the last that ends at or before `until`.
    let first_whole = from.map(|f| hour_of(f.saturating_add(HOUR_MS - 1)));
    let end_whole = until.map(hour_of);
    if let (Some(first), Some(end)) = (first_whole, end_whole) {
        if first >= end {
            return None; // Less than two hours: counting the rows is as cheap.
        }
    }
    let hour = || Expr::col(Alias::new("hour"));
    let mut hours = Query::select();
    hours
        .expr(Func::cast_as(
            Func::coalesce([Expr::col(Alias::new("n")).sum(), Expr::val(0).into()]),
            Alias::new("BIGINT"),
        ))
        .from(Alias::new(hourly))
        .cond_where(all(&codes));
    if let Some(first) = first_whole {
        hours.and_where(hour().gte(first));
    }
    if let Some(end) = end_whole {
        hours.and_where(hour().lt(end));
    }
    let mut total = subquery(hours);
    let time = || Expr::col(spec.time);
    let edge = |lower: i64, upper: i64| {
        let mut rows = Query::select();
        rows.expr(Expr::cust("COUNT(*)"))
            .from(Alias::new(table))
            .cond_where(all(&codes))
            .and_where(time().gte(lower))
            .and_where(time().lt(upper));
        subquery(rows)
    };
    if let (Some(from), Some(first)) = (from, first_whole) {
        total = total.add(edge(from, first));
    }
    if let (Some(until), Some(end)) = (until, end_whole) {
        total = total.add(edge(end, until));
    }
    Some(Query::select().expr(total).to_owned())
}

fn all(codes: &[SimpleExpr]) -> Condition {
    codes.iter().cloned().fold(Condition::all(), Condition::add)
}

fn subquery(select: SelectStatement) -> SimpleExpr {
    SimpleExpr::SubQuery(None, Box::new(select.into_sub_query_statement()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_start_on_the_hour_before_and_after_1970() {
        assert_eq!(hour_of(0), 0);
        assert_eq!(hour_of(HOUR_MS - 1), 0);
        assert_eq!(hour_of(HOUR_MS), HOUR_MS);
        assert_eq!(hour_of(-1), -HOUR_MS);
        assert_eq!(hour_of(-HOUR_MS), -HOUR_MS);
    }
}
