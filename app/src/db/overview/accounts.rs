//! The overview's account figures: the top accounts of a window (from the per-account
//! hourly CDR counts) and one account's last 30 days (from its rows).

use super::intervals::{intervals, range_params, Interval};
use super::{filter_param, href, Counts, Tally, SIP_ERRORS};
use crate::account::ActivityDay;
use crate::categories::accounts::Account;
use crate::categories::cdr::{Cdr, ACCOUNT_DAILY, ACCOUNT_HOURLY};
use crate::categories::sip_sessions::SipSession;
use crate::codes::{Disposition, SipEvent};
use crate::db::count::DAY_MS;
use crate::db::AppState;
use crate::error::AppError;
use crate::list::{param, Category, Column, Record};
use crate::overview::{Ranked, Window};
use chrono_tz::Tz;
use sea_query::{Alias, Asterisk, Condition, Expr, Func, Query, SelectStatement, UnionType};
use sqlx::Row;
use std::collections::HashMap;

/// The ten accounts with the most calls (as caller or callee, as the list's account filter
/// matches them) in the window, and the ten with the most FAILED calls: from one read of the
/// per-account daily and hourly counts when the window is whole hours, else of the rows.
pub(super) async fn top_accounts(
    state: &AppState,
    window: &Interval,
    zone: Tz,
) -> Result<(Vec<Ranked>, Vec<Ranked>), AppError> {
    let counted = if window.whole_hours() { ranking_from_counts(window) } else { ranking_from_rows(window) };
    let mut all: Vec<(i64, i64, i64)> = Vec::new();
    for r in state.db.fetch_all(&counted).await? {
        all.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
    }
    let by_calls = first_ten(all.iter().map(|a| (a.0, a.1)).collect());
    let by_failures = first_ten(all.iter().map(|a| (a.0, a.2)).collect());
    let ids = by_calls.iter().chain(&by_failures).map(|(id, _)| *id);
    let names = Query::select()
        .columns([Account::id, Account::username])
        .from(Alias::new(Account::TABLE))
        .and_where(Expr::col(Account::id).is_in(ids))
        .to_owned();
    let names: HashMap<i64, String> = state
        .db
        .fetch_all(&names)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let (from, to) = range_params(window, zone);
    let failed = [(filter_param(Category::Cdr, Cdr::disposition)?, Disposition::Failed.code())];
    let ranked = |counted: Vec<(i64, i64)>, also: &[(&str, &str)]| -> Vec<Ranked> {
        counted
            .into_iter()
            .map(|(id, n)| {
                let id_text = id.to_string();
                let range = [(param::FROM, from.as_str()), (param::TO, to.as_str()), (param::ACCOUNT, &id_text)];
                Ranked {
                    name: names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
                    count: n.max(0) as u64,
                    href: href(Category::Cdr, &[&range[..], also].concat()),
                }
            })
            .collect()
    };
    Ok((ranked(by_calls, &[]), ranked(by_failures, &failed)))
}

/// Every account's calls and failed calls in `window` (whole hours), summed from the daily
/// counts for the whole UTC days inside it and from the hourly counts for the hours at its
/// edges: a 30-day window in any zone reads 30 days and at most 47 hours of accounts.
fn ranking_from_counts(window: &Interval) -> SelectStatement {
    let (first_day, end_day) = (ceil_day(window.start), window.end - window.end.rem_euclid(DAY_MS));
    let n = || Expr::col(Alias::new("n"));
    let failed = || Expr::col(Alias::new("failed"));
    let counts = |table: &str, spans: Condition| {
        Query::select()
            .expr_as(Expr::col(Alias::new("account_id")), Alias::new("account"))
            .expr_as(n(), Alias::new("calls"))
            .expr_as(n().mul(failed()), Alias::new("failures"))
            .from(Alias::new(table))
            .cond_where(spans)
            .to_owned()
    };
    let between = |time: &'static str, start: i64, end: i64| {
        Expr::col(Alias::new(time)).gte(start).and(Expr::col(Alias::new(time)).lt(end))
    };
    let both = if first_day < end_day {
        let days = Condition::all().add(between("day", first_day, end_day));
        let edges =
            Condition::any().add(between("hour", window.start, first_day)).add(between("hour", end_day, window.end));
        counts(ACCOUNT_DAILY, days).union(UnionType::All, counts(ACCOUNT_HOURLY, edges)).to_owned()
    } else {
        counts(ACCOUNT_HOURLY, Condition::all().add(between("hour", window.start, window.end)))
    };
    let sum = |c: &str| Func::cast_as(Func::sum(Expr::col(Alias::new(c))), Alias::new("BIGINT"));
    Query::select()
        .expr(Expr::col(Alias::new("account")))
        .expr(sum("calls"))
        .expr(sum("failures"))
        .from_subquery(both, Alias::new("counted"))
        .add_group_by([Expr::cust("1")])
        .to_owned()
}

/// The start of the first UTC day that starts at or after `at_ms`.
fn ceil_day(at_ms: i64) -> i64 {
    (at_ms + DAY_MS - 1).div_euclid(DAY_MS) * DAY_MS
}

/// The ten with the highest counts (none of 0), most first, ties by id.
fn first_ten(mut counted: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    counted.retain(|(_, n)| *n > 0);
    counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counted.truncate(10);
    counted
}

/// Every account's calls and failed calls in `window`, counted from the rows (each side of a
/// call; a call between two sides of one account once, as the list shows it once), in one
/// read of the `cdr_overview` index, which holds every column this needs.
fn ranking_from_rows(window: &Interval) -> SelectStatement {
    let failed = Expr::case(Expr::col(Cdr::disposition).eq(Disposition::Failed.code()), 1).finally(0);
    let side = |id: Column, other: Option<Column>| {
        let mut q = Query::select();
        q.expr_as(Expr::col(id), Alias::new("account"))
            .expr_as(failed.clone(), Alias::new("failed"))
            .from(Alias::new(Cdr::TABLE))
            .and_where(Expr::col(Cdr::call_date).gte(window.start))
            .and_where(Expr::col(Cdr::call_date).lt(window.end))
            .and_where(Expr::col(id).is_not_null());
        if let Some(other) = other {
            q.and_where(Expr::col(other).is_null().or(Expr::col(other).ne(Expr::col(id))));
        }
        q
    };
    let calls = side(Cdr::caller_account_id, None)
        .union(UnionType::All, side(Cdr::callee_account_id, Some(Cdr::caller_account_id)))
        .to_owned();
    Query::select()
        .expr(Expr::col(Alias::new("account")))
        .expr(Expr::col(Asterisk).count())
        .expr(Func::cast_as(Func::sum(Expr::col(Alias::new("failed"))), Alias::new("BIGINT")))
        .from_subquery(calls, Alias::new("calls"))
        .add_group_by([Expr::cust("1")])
        .to_owned()
}

/// An account's last 30 days, day by day: its calls (as caller or callee), its failed calls
/// and its SIP errors (disconnects with NETWORK_ERROR or EXPIRATION), counted from the rows
/// by the account's indexes (the hourly counts keep no account).
pub async fn account_activity(
    state: &AppState,
    account: i64,
    now: i64,
    zone: Tz,
) -> Result<Vec<ActivityDay>, AppError> {
    let days = intervals(Window::Month, now, zone);
    let on_either_side =
        Expr::col(Cdr::caller_account_id).eq(account).or(Expr::col(Cdr::callee_account_id).eq(account));
    let calls = Tally { hourly: None, ..Tally::of::<Cdr>(Category::Cdr, Cdr::disposition, on_either_side) };
    let errors_only = Expr::col(SipSession::account_id)
        .eq(account)
        .and(Expr::col(SipSession::event).eq(SipEvent::Disconnect.code()))
        .and(Expr::col(SipSession::details).is_in(SIP_ERRORS));
    let errors =
        Tally { hourly: None, ..Tally::of::<SipSession>(Category::SipSessions, SipSession::details, errors_only) };
    let (call_counts, error_counts) = futures::try_join!(calls.counts(state, &days), errors.counts(state, &days))?;
    let id = account.to_string();
    let failed = Disposition::Failed.code();
    let disposition_param = filter_param(Category::Cdr, Cdr::disposition)?;
    let event_param = filter_param(Category::SipSessions, SipSession::event)?;
    let sum = |counts: &Counts, index: usize| counts.iter().filter(|((i, _), _)| *i == index).map(|(_, n)| n).sum();
    Ok(days
        .iter()
        .enumerate()
        .map(|(index, day)| {
            let (from, to) = range_params(day, zone);
            let range = [(param::FROM, from.as_str()), (param::TO, to.as_str()), (param::ACCOUNT, id.as_str())];
            let ranked = |name: &str, count: u64, category: Category, also: &[(&str, &str)]| Ranked {
                name: name.to_owned(),
                count,
                href: href(category, &[&range[..], also].concat()),
            };
            ActivityDay {
                day: day.label.clone(),
                calls: ranked("calls", sum(&call_counts, index), Category::Cdr, &[]),
                failed: ranked(
                    "failed calls",
                    call_counts.get(&(index, failed.to_owned())).copied().unwrap_or(0),
                    Category::Cdr,
                    &[(disposition_param, failed)],
                ),
                // The day's disconnects: the list has no filter for two Details at once.
                sip_errors: ranked(
                    "SIP errors",
                    sum(&error_counts, index),
                    Category::SipSessions,
                    &[(event_param, SipEvent::Disconnect.code())],
                ),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::{ceil_day, DAY_MS};

    #[test]
    fn a_window_s_first_whole_day_starts_at_or_after_it() {
        assert_eq!(ceil_day(0), 0);
        assert_eq!(ceil_day(1), DAY_MS);
        assert_eq!(ceil_day(DAY_MS), DAY_MS);
        assert_eq!(ceil_day(DAY_MS + 5 * 3_600_000), 2 * DAY_MS);
        assert_eq!(ceil_day(-1), 0);
        assert_eq!(ceil_day(-DAY_MS - 1), -DAY_MS);
    }
}
