//! A list's total. Counting millions of rows for every page is what made the first page of
//! a big log slow (PostgreSQL visits every row it counts; SQLite walks a whole index range
//! for two unselective codes). The big logs keep hourly counts by each code and yes/no
//! column their lists filter on ([`CategorySpec::hourly`], kept exact by triggers; see the
//! migration `…_hourly_counts.sql`). A total whose filters are only such codes and flags,
//! with or without a time range, is then the sum of the whole hours of the range from those
//! counts plus the rows of the partial hours at its two edges, counted from the table's
//! (column, time) indexes: exact, and a few thousand rows read instead of millions. Any other
//! filter (free text, a prefix, an account) is counted from the rows, as before.
//!
//! The same counts find where a page of such a list lies ([`seek`]): the hours that hold its
//! rows, so that page 20,000 skips the rows of one hour, not 20,000 pages, and a page of a
//! rare combination of codes reads the few hours that hold one, not every row of one code.

use super::filters::{FilterValue, ListFilter};
use super::params::{Direction, ListParams};
use crate::list::CategorySpec;
use sea_query::{Alias, Condition, Expr, Func, Order, Query, SelectStatement, SimpleExpr};
use sqlx::Row;

/// The span the counts are kept by: an hour, in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;

/// A day, in milliseconds: the span the CDRs' per-account daily counts are kept by (UTC days),
/// and the unit of a login's or token's validity.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// The start of the hour `at_ms` falls in (UTC; also before 1970).
pub fn hour_of(at_ms: i64) -> i64 {
    at_ms - at_ms.rem_euclid(HOUR_MS)
}

/// The log's hourly counts and the conditions of a list request's filters on them, when its
/// filters are all codes and flags they are kept by (and the log keeps them); `None` otherwise.
fn hourly_codes(
    spec: &'static CategorySpec,
    params: &ListParams,
    filter: &ListFilter,
) -> Option<(&'static str, Vec<SimpleExpr>)> {
    let hourly = spec.hourly?;
    if params.text.is_some() {
        return None;
    }
    let kept = spec.hourly_columns();
    let mut codes = Vec::with_capacity(filter.0.len());
    for selection in &filter.0 {
        match (selection.spec.columns, &selection.value) {
            ([column], FilterValue::Code(_) | FilterValue::YesNo(_)) if kept.contains(column) => {
                codes.push(selection.condition().into());
            }
            _ => return None,
        }
    }
    Some((hourly, codes))
}

/// The whole hours of a range: the first that starts at or after `from`, and the end of the
/// last that ends at or before `until`; `None` when the range holds less than two hours
/// (counting its rows is as cheap).
fn whole_hours(params: &ListParams) -> Option<(Option<i64>, Option<i64>)> {
    let first = params.range.from.map(|f| hour_of(f.saturating_add(HOUR_MS - 1)));
    let end = params.range.until.map(hour_of);
    match (first, end) {
        (Some(first), Some(end)) if first >= end => None,
        _ => Some((first, end)),
    }
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
    let (hourly, codes) = hourly_codes(spec, params, filter)?;
    let (first_whole, end_whole) = whole_hours(params)?;
    let mut total = subquery(hour_sums(hourly, &codes, first_whole, end_whole, false));
    let (from, until) = (params.range.from, params.range.until);
    if let (Some(from), Some(first)) = (from, first_whole) {
        total = total.add(subquery(rows_between(spec, table, &codes, from, first)));
    }
    if let (Some(until), Some(end)) = (until, end_whole) {
        total = total.add(subquery(rows_between(spec, table, &codes, end, until)));
    }
    Some(Query::select().expr(total).to_owned())
}

/// The sum of the counts in `hourly` matching `codes` in [first, end): in all (`by_hour`
/// false), or per hour, newest first.
fn hour_sums(
    hourly: &'static str,
    codes: &[SimpleExpr],
    first: Option<i64>,
    end: Option<i64>,
    by_hour: bool,
) -> SelectStatement {
    let hour = || Expr::col(Alias::new("hour"));
    let sum =
        Func::cast_as(Func::coalesce([Expr::col(Alias::new("n")).sum(), Expr::val(0).into()]), Alias::new("BIGINT"));
    let mut hours = Query::select();
    hours.from(Alias::new(hourly)).cond_where(all(codes));
    if by_hour {
        hours.column(Alias::new("hour")).group_by_col(Alias::new("hour")).order_by(Alias::new("hour"), Order::Desc);
    }
    hours.expr(sum);
    if let Some(first) = first {
        hours.and_where(hour().gte(first));
    }
    if let Some(end) = end {
        hours.and_where(hour().lt(end));
    }
    hours
}

/// `COUNT(*)` of the rows matching `codes` with a time in [lower, upper).
fn rows_between(
    spec: &'static CategorySpec,
    table: &'static str,
    codes: &[SimpleExpr],
    lower: i64,
    upper: i64,
) -> SelectStatement {
    Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(Alias::new(table))
        .cond_where(all(codes))
        .and_where(Expr::col(spec.time).gte(lower))
        .and_where(Expr::col(spec.time).lt(upper))
        .to_owned()
}

/// Pages up to this many rows deep of a list without filters are read with a plain OFFSET:
/// skipping that many index entries costs less than reading the hourly counts.
pub const SEEK_FROM: u64 = 5_000;

/// At most this many separate spans of time narrow a page ([`seek`]); a page whose rows are
/// scattered over more is narrowed to one span, from its first row's hour to its last's.
const MAX_SPANS: usize = 32;

/// A span of a list's time in list order, and how many of its rows match (`None`: the far
/// end beyond the whole hours, not counted).
struct Span {
    lower: Option<i64>,
    upper: Option<i64>,
    rows: Option<u64>,
}

/// Where a page of a time-ordered list lies, found from the hourly counts instead of by
/// walking rows: the spans of time that hold its rows (the hour its first row falls in, each
/// hour holding matches up to the hour of its last row), as a condition on the time, and
/// what is left to skip in the first of them. A deep page skips one hour's rows, not 20,000
/// pages'; a page of a rare combination of codes reads only the hours that hold one (one
/// match in a million: that one hour, not every BUSY call). `None` when the counts cannot
/// say (other filters, a sort by another column), and for shallow pages without filters
/// (the newest rows are found at once).
pub async fn seek(
    db: &super::Db,
    spec: &'static CategorySpec,
    table: &'static str,
    params: &ListParams,
    filter: &ListFilter,
) -> Result<Option<(SimpleExpr, u64)>, sqlx::Error> {
    let offset = params.offset();
    let by_time = params.sort.key.is_none_or(|key| spec.sort_column(key) == Some(spec.time));
    if !by_time || (offset < SEEK_FROM && filter.0.is_empty()) {
        return Ok(None); // Before looking at the filters: most pages stop here.
    }
    let Some((hourly, codes)) = hourly_codes(spec, params, filter) else { return Ok(None) };
    let Some((first_whole, end_whole)) = whole_hours(params) else { return Ok(None) };
    let spans = spans(db, spec, table, params, &codes, hourly, (first_whole, end_whole)).await?;
    let mut spans = spans.into_iter();
    // The span the page's first row is in.
    let mut skipped = 0u64;
    let first = loop {
        // Past the last row: an empty page, without walking the rows to find that out.
        let Some(span) = spans.next() else { return Ok(Some((Expr::value(false), 0))) };
        match span.rows {
            Some(n) if skipped + n <= offset => skipped += n,
            _ => break span,
        }
    };
    let inside = offset - skipped;
    // Then every span up to the one that holds the page's last row.
    let needed = inside + params.size.0 as u64;
    let mut found = first.rows;
    let mut page = vec![first];
    while let Some(n) = found.filter(|n| *n < needed) {
        let Some(span) = spans.next() else { break };
        found = span.rows.map(|more| n + more);
        page.push(span);
    }
    Ok(Some((within(spec, params.sort.direction, page), inside)))
}

/// The list's spans in list order: the partial hour at the end it starts from (when the range
/// cuts one), the whole hours holding matching rows, then the far side beyond them (the other
/// partial hour), whose rows are never counted.
async fn spans(
    db: &super::Db,
    spec: &'static CategorySpec,
    table: &'static str,
    params: &ListParams,
    codes: &[SimpleExpr],
    hourly: &'static str,
    (first_whole, end_whole): (Option<i64>, Option<i64>),
) -> Result<Vec<Span>, sqlx::Error> {
    let hours = hour_sums(hourly, codes, first_whole, end_whole, true);
    let mut hours: Vec<Span> = db
        .fetch_all(&hours)
        .await?
        .iter()
        .map(|r| {
            let (hour, n): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            Ok(Span { lower: Some(hour), upper: Some(hour + HOUR_MS), rows: Some(n.max(0) as u64) })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let descending = params.sort.direction == Direction::Descending;
    let (near, far) = if descending {
        let near = params.range.until.zip(end_whole).map(|(until, end)| (end, until));
        (near, first_whole.map(|first| Span { lower: None, upper: Some(first), rows: None }))
    } else {
        hours.reverse();
        let near = params.range.from.zip(first_whole);
        (near, end_whole.map(|end| Span { lower: Some(end), upper: None, rows: None }))
    };
    let mut spans = Vec::with_capacity(hours.len() + 2);
    if let Some((lower, upper)) = near {
        let row = db.fetch_optional(&rows_between(spec, table, codes, lower, upper)).await?;
        let n = row.map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0).max(0) as u64;
        spans.push(Span { lower: Some(lower), upper: Some(upper), rows: Some(n) });
    }
    spans.extend(hours);
    spans.extend(far);
    Ok(spans)
}

/// The condition on the time that keeps a page's spans (in list order): each run of adjacent
/// spans as one range, or, past [`MAX_SPANS`] runs, one range over all of them.
fn within(spec: &CategorySpec, direction: Direction, mut page: Vec<Span>) -> SimpleExpr {
    if direction == Direction::Ascending {
        page.reverse(); // Newest first from here on.
    }
    let mut runs: Vec<Span> = Vec::with_capacity(page.len());
    for span in page {
        match runs.last_mut() {
            Some(run) if run.lower.is_some() && run.lower == span.upper => run.lower = span.lower,
            _ => runs.push(span),
        }
    }
    if runs.len() > MAX_SPANS {
        let (upper, lower) = (runs[0].upper, runs[runs.len() - 1].lower);
        runs = vec![Span { lower, upper, rows: None }];
    }
    let time = || Expr::col(spec.time);
    let any = runs.iter().fold(Condition::any(), |any, run| {
        let mut range = Condition::all();
        if let Some(lower) = run.lower {
            range = range.add(time().gte(lower));
        }
        if let Some(upper) = run.upper {
            range = range.add(time().lt(upper));
        }
        any.add(range)
    });
    any.into()
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
