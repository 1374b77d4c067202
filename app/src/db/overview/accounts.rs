//! The overview's account figures: the top accounts of a window (from the per-account
//! hourly CDR counts) and one account's last 30 days (from its rows).

use super::intervals::{intervals, range_params, Interval};
use super::{filter_param, href, Counts, Tally, SIP_ERRORS};
use crate::account::ActivityDay;
use crate::categories::accounts::Account;
use crate::categories::cdr::{Cdr, ACCOUNT_HOURLY};
use crate::categories::sip_sessions::SipSession;
use crate::codes::{Disposition, SipEvent};
use crate::db::count::HOUR_MS;
use crate::db::AppState;
use crate::error::AppError;
use crate::list::{param, Category, Column, Record};
use crate::overview::{Ranked, Window};
use chrono_tz::Tz;
use sea_query::{Alias, Asterisk, Expr, Func, Order, Query, SelectStatement, SimpleExpr, UnionType};
use sqlx::Row;
use std::collections::HashMap;

/// The ten accounts with the most calls (as caller or callee, as the list's account filter
/// matches them) in the window, and the ten with the most FAILED calls: from one read of the
/// per-account hourly counts when the window is whole hours, else from the rows.
pub(super) async fn top_accounts(
    state: &AppState,
    window: &Interval,
    zone: Tz,
) -> Result<(Vec<Ranked>, Vec<Ranked>), AppError> {
    let pairs = |rows: Vec<sqlx::any::AnyRow>| -> Result<Vec<(i64, i64)>, sqlx::Error> {
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    };
    let (by_calls, by_failures) = if window.start.rem_euclid(HOUR_MS) == 0 && window.end.rem_euclid(HOUR_MS) == 0 {
        let hour = || Expr::col(Alias::new("hour"));
        let sum = |e: SimpleExpr| Func::cast_as(Func::sum(e), Alias::new("BIGINT"));
        let n = || Expr::col(Alias::new("n"));
        let accounts = Query::select()
            .expr(Expr::col(Alias::new("account_id")))
            .expr(sum(n().into()))
            .expr(sum(n().mul(Expr::col(Alias::new("failed")))))
            .from(Alias::new(ACCOUNT_HOURLY))
            .and_where(hour().gte(window.start))
            .and_where(hour().lt(window.end))
            .add_group_by([Expr::cust("1")])
            .to_owned();
        let mut all: Vec<(i64, i64, i64)> = Vec::new();
        for r in state.db.fetch_all(&accounts).await? {
            all.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        (first_ten(all.iter().map(|a| (a.0, a.1)).collect()), first_ten(all.iter().map(|a| (a.0, a.2)).collect()))
    } else {
        (
            pairs(state.db.fetch_all(&ranking_from_rows(window, false)).await?)?,
            pairs(state.db.fetch_all(&ranking_from_rows(window, true)).await?)?,
        )
    };
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

/// The ten with the highest counts (none of 0), ties by id: as [`ranked`] orders them in SQL.
fn first_ten(mut counted: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    counted.retain(|(_, n)| *n > 0);
    counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counted.truncate(10);
    counted
}

/// Accounts by calls, counted from the rows: each side of a call, a call between two sides of
/// one account once (as the list shows it once).
fn ranking_from_rows(window: &Interval, failed: bool) -> SelectStatement {
    let side = |id: Column, other: Option<Column>| {
        let mut q = Query::select();
        q.expr_as(Expr::col(id), Alias::new("account"))
            .from(Alias::new(Cdr::TABLE))
            .and_where(Expr::col(Cdr::call_date).gte(window.start))
            .and_where(Expr::col(Cdr::call_date).lt(window.end))
            .and_where(Expr::col(id).is_not_null());
        if failed {
            q.and_where(Expr::col(Cdr::disposition).eq(Disposition::Failed.code()));
        }
        if let Some(other) = other {
            q.and_where(Expr::col(other).is_null().or(Expr::col(other).ne(Expr::col(id))));
        }
        q
    };
    let calls = side(Cdr::caller_account_id, None)
        .union(UnionType::All, side(Cdr::callee_account_id, Some(Cdr::caller_account_id)))
        .to_owned();
    ranked(
        Query::select()
            .expr(Expr::col(Alias::new("account")))
            .expr(Expr::col(Asterisk).count())
            .from_subquery(calls, Alias::new("calls"))
            .to_owned(),
    )
}

/// The ten first of (account, count) rows grouped by account: most first, then by id.
fn ranked(mut counts: SelectStatement) -> SelectStatement {
    counts
        .add_group_by([Expr::cust("1")])
        .order_by_expr(Expr::cust("2"), Order::Desc)
        .order_by_expr(Expr::cust("1"), Order::Asc)
        .limit(10)
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
    let call_counts = calls.counts(state, &days).await?;
    let errors_only = Expr::col(SipSession::account_id)
        .eq(account)
        .and(Expr::col(SipSession::event).eq(SipEvent::Disconnect.code()))
        .and(Expr::col(SipSession::details).is_in(SIP_ERRORS));
    let errors =
        Tally { hourly: None, ..Tally::of::<SipSession>(Category::SipSessions, SipSession::details, errors_only) };
    let error_counts = errors.counts(state, &days).await?;
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
