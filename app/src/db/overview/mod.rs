//! The overview's figures (SPEC §11). Each chart is a [`Tally`]: the rows of one log in the
//! window, counted by one code column per interval. When every interval boundary is a whole
//! hour (any window but the last hour, in a zone a whole number of hours from UTC) the counts
//! come from the log's hourly counts (`crate::db::count`; the SIP sessions' also keep a
//! disconnect's Details): a 30-day window reads 720 hours per code, not millions of rows.
//! Otherwise the rows are counted per unit of time from the (column, time) indexes. The top
//! accounts read daily counts for the whole days of a window (`accounts`).
//! Every count carries the address of the list filtered to it, whose total is that count.

use super::count::HOUR_MS;
use super::render::RenderCtx;
use super::AppState;
use crate::auth::Reader;
use crate::categories::accounts::Account;
use crate::categories::cdr::Cdr;
use crate::categories::messages::SecureMessage;
use crate::categories::sip_sessions::SipSession;
use crate::categories::web_sessions::WebSession;
use crate::codes::{AuthResult, CallType, Disposition, MessageStatus, SipEvent};
use crate::error::AppError;
use crate::list::{param, Category, Column, ColumnKind, Record};
use crate::overview::{Bar, BarChart, Comparison, Overview, Ranked, Segment, Window};
use chrono_tz::Tz;
use sea_query::{Alias, Asterisk, Expr, Func, Query, SelectStatement, SimpleExpr};
use sqlx::Row;
use std::collections::HashMap;

mod accounts;
mod intervals;
pub use accounts::account_activity;
use accounts::top_accounts;
use intervals::{intervals, range_params, unit, Interval};

/// The SIP disconnects the overview counts as errors (by their Details).
const SIP_ERRORS: [&str; 2] = ["NETWORK_ERROR", "EXPIRATION"];

/// Rows counted per interval (by its index in the window) and code.
type Counts = HashMap<(usize, String), u64>;

/// One series of a chart: a code, the tally that counts it and its counts, and what else
/// its list is filtered by.
struct Series<'a> {
    code: &'a str,
    tally: &'a Tally,
    counts: &'a Counts,
    also: Vec<(&'static str, String)>,
}

impl<'a> Series<'a> {
    fn of(code: &'a str, tally: &'a Tally, counts: &'a Counts) -> Series<'a> {
        Series { code, tally, counts, also: Vec::new() }
    }
}

/// What one chart counts: the rows of a log in the window, by the code in `by`, where
/// `only` holds (a condition on columns its hourly counts keep, when it has them).
struct Tally {
    category: Category,
    table: &'static str,
    hourly: Option<&'static str>,
    time: Column,
    by: Column,
    only: SimpleExpr,
}

impl Tally {
    fn of<R: Record>(category: Category, by: Column, only: SimpleExpr) -> Tally {
        let spec = category.spec();
        Tally { category, table: R::TABLE, hourly: spec.hourly, time: spec.time, by, only }
    }

    /// Rows in [start, end) per unit of time and code: (unit's start, code, count).
    fn statement(&self, start: i64, end: i64, unit: i64) -> SelectStatement {
        // Positional GROUP BY: PostgreSQL would not see two copies of an expression with
        // bound values as the same expression.
        let by_position = [Expr::cust("1"), Expr::cust("2")];
        match self.hourly.filter(|_| unit == HOUR_MS) {
            Some(hourly) => {
                let hour = || Expr::col(Alias::new("hour"));
                Query::select()
                    .expr(hour())
                    .column(self.by)
                    .expr(Func::cast_as(Expr::col(Alias::new("n")).sum(), Alias::new("BIGINT")))
                    .from(Alias::new(hourly))
                    .and_where(hour().gte(start))
                    .and_where(hour().lt(end))
                    .and_where(self.only.clone())
                    .add_group_by(by_position)
                    .to_owned()
            }
            None => Query::select()
                .expr(Expr::col(self.time).sub(start).div(unit).mul(unit).add(start))
                .column(self.by)
                .expr(Expr::col(Asterisk).count())
                .from(Alias::new(self.table))
                .and_where(Expr::col(self.time).gte(start))
                .and_where(Expr::col(self.time).lt(end))
                .and_where(self.only.clone())
                .add_group_by(by_position)
                .to_owned(),
        }
    }

    /// The counts per interval (by index) and code.
    async fn counts(&self, state: &AppState, window: &[Interval]) -> Result<Counts, AppError> {
        let (Some(first), Some(last)) = (window.first(), window.last()) else { return Ok(HashMap::new()) };
        let rows = state.db.fetch_all(&self.statement(first.start, last.end, unit(window))).await?;
        let mut counts = HashMap::new();
        for row in rows {
            let (at, code, n): (i64, String, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let index = window.partition_point(|i| i.end <= at);
            *counts.entry((index, code)).or_default() += n.max(0) as u64;
        }
        Ok(counts)
    }

    /// The list filtered to `interval` and `code` of this tally (and `also`).
    fn href(&self, interval: &Interval, code: &str, also: &[(&str, &str)], zone: Tz) -> Result<String, AppError> {
        let param = filter_param(self.category, self.by)?;
        let (from, to) = range_params(interval, zone);
        // A text filter is a prefix; in double quotes it matches the whole text, as counted.
        let value = match self.by.kind {
            ColumnKind::Text => crate::list::whole_text(code),
            _ => code.to_owned(),
        };
        let range: &[(&str, &str)] = &[(param::FROM, &from), (param::TO, &to), (param, &value)];
        Ok(href(self.category, &[range, also].concat()))
    }
}

/// Any code of `column` (a code column that is never NULL): what its CHECK allows anyway, but
/// named, a count of a range of rows reads the (code, time) index alone, one range per code,
/// instead of fetching each row from the table (an hour of 11,000 CDRs: 3 ms against 38).
fn any_code(column: Column) -> SimpleExpr {
    match (column.kind, column.nullable) {
        (ColumnKind::Code(list), false) => Expr::col(column).is_in(list.codes.iter().map(|c| c.code)),
        _ => Expr::value(true),
    }
}

/// The list's filter parameter of `column`; the overview links only to filters that exist.
fn filter_param(category: Category, column: Column) -> Result<&'static str, AppError> {
    let spec = category.spec();
    spec.columns
        .iter()
        .find(|c| c.column == column)
        .and_then(|c| c.filter)
        .ok_or_else(|| AppError::internal("overview", format!("{} has no filter on {}", spec.title, column.name)))
}

fn href(category: Category, pairs: &[(&str, &str)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    format!("{}?{query}", category.route())
}

/// A stacked bar chart of `series` (code, the tally counting it, more filters of its list).
fn chart(title: &str, unit: &str, window: &[Interval], series: &[Series], zone: Tz) -> Result<BarChart, AppError> {
    let bars = window
        .iter()
        .enumerate()
        .map(|(index, interval)| {
            let segments = series
                .iter()
                .map(|s| {
                    let also: Vec<(&str, &str)> = s.also.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    Ok(Segment {
                        series: s.code.to_owned(),
                        count: s.counts.get(&(index, s.code.to_owned())).copied().unwrap_or(0),
                        href: s.tally.href(interval, s.code, &also, zone)?,
                    })
                })
                .collect::<Result<_, AppError>>()?;
            Ok(Bar { label: interval.label.clone(), interval: interval.words.clone(), segments })
        })
        .collect::<Result<_, AppError>>()?;
    let series = series.iter().map(|s| s.code.to_owned()).collect();
    Ok(BarChart { title: title.to_owned(), unit: unit.to_owned(), series, bars })
}

/// ASR (answered over all direct calls, %) and ACD (mean seconds of an answered call) of
/// [start, end): from the hourly counts (which keep the seconds too) when the bounds are hours.
async fn asr_acd(state: &AppState, span: &Interval) -> Result<(Option<f64>, Option<f64>), AppError> {
    let (start, end) = (span.start, span.end);
    let by_position = [Expr::cust("1"), Expr::cust("2")];
    let statement = if let Some(hourly) = Category::Cdr.spec().hourly.filter(|_| span.whole_hours()) {
        let hour = || Expr::col(Alias::new("hour"));
        let sum = |c: &str| Func::cast_as(Expr::col(Alias::new(c)).sum(), Alias::new("BIGINT"));
        Query::select()
            .columns([Cdr::disposition, Cdr::call_type])
            .expr(sum("n"))
            .expr(sum("call_seconds"))
            .from(Alias::new(hourly))
            .and_where(hour().gte(start))
            .and_where(hour().lt(end))
            .add_group_by(by_position)
            .to_owned()
    } else {
        Query::select()
            .columns([Cdr::disposition, Cdr::call_type])
            .expr(Expr::col(Asterisk).count())
            .expr(Func::cast_as(Expr::col(Cdr::call_duration).sum(), Alias::new("BIGINT")))
            .from(Alias::new(Cdr::TABLE))
            .and_where(Expr::col(Cdr::call_date).gte(start))
            .and_where(Expr::col(Cdr::call_date).lt(end))
            .add_group_by(by_position)
            .to_owned()
    };
    let (mut direct, mut direct_answered, mut answered, mut seconds) = (0i64, 0i64, 0i64, 0i64);
    for row in state.db.fetch_all(&statement).await? {
        let (disposition, call_type): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        let (n, secs): (i64, Option<i64>) = (row.try_get(2)?, row.try_get(3)?);
        let is_answered = disposition == Disposition::Answered.code();
        if call_type == CallType::Call.code() {
            direct += n;
            direct_answered += if is_answered { n } else { 0 };
        }
        if is_answered {
            answered += n;
            seconds += secs.unwrap_or(0);
        }
    }
    let ratio = |a: i64, b: i64, scale: f64| (b > 0).then(|| a as f64 * scale / b as f64);
    Ok((ratio(direct_answered, direct, 100.0), ratio(seconds, answered, 1.0)))
}

/// Accounts registered now, and the accounts list of them.
async fn on_line(state: &AppState) -> Result<Ranked, AppError> {
    let count = Query::select()
        .expr(Expr::col(Asterisk).count())
        .from(Alias::new(Account::SOURCE))
        // A flag is bound as every list binds it (an i64): PostgreSQL keeps one prepared
        // statement per text, and this text is the accounts list's count of `online=yes`.
        .and_where(Expr::col(Account::online).eq(1i64))
        .to_owned();
    let n: i64 = state.db.fetch_optional(&count).await?.map(|r| r.try_get(0)).transpose()?.unwrap_or(0);
    let param = filter_param(Category::Accounts, Account::online)?;
    Ok(Ranked {
        name: "Accounts on line now".into(),
        count: n.max(0) as u64,
        href: href(Category::Accounts, &[(param, "yes")]),
    })
}

pub async fn overview(state: &AppState, reader: &Reader, window: Window, now: i64) -> Result<Overview, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(reader.caller());
    let zone = ctx.zone;
    let bars = intervals(window, now, zone);
    let (Some(first), Some(last)) = (bars.first(), bars.last()) else {
        return Err(AppError::internal("overview", "a window without intervals"));
    };
    let whole = Interval { start: first.start, end: last.end, label: String::new(), words: String::new() };
    let span = format!("{} ({})", whole_words(&bars), zone.name());

    let calls = Tally::of::<Cdr>(Category::Cdr, Cdr::disposition, any_code(Cdr::disposition));
    let failed: Vec<&str> = AuthResult::ALL.iter().map(|r| r.code()).filter(|c| c.starts_with("FAIL_")).collect();
    let logins = Tally::of::<WebSession>(
        Category::WebSessions,
        WebSession::result,
        Expr::col(WebSession::result).is_in(failed.clone()),
    );
    let register = SipEvent::Register.code();
    let registrations =
        Tally::of::<SipSession>(Category::SipSessions, SipSession::event, Expr::col(SipSession::event).eq(register));
    let disconnect = SipEvent::Disconnect.code();
    // The hourly counts keep a disconnect's Details (and '' for other events): the same
    // condition holds on them and on the rows.
    let errors = Tally::of::<SipSession>(
        Category::SipSessions,
        SipSession::details,
        Expr::col(SipSession::event).eq(disconnect).and(Expr::col(SipSession::details).is_in(SIP_ERRORS)),
    );
    let statuses =
        Tally::of::<SecureMessage>(Category::Messages, SecureMessage::status, any_code(SecureMessage::status));
    let length = whole.end - whole.start;
    let before = Interval { start: whole.start - length, end: whole.start, label: String::new(), words: String::new() };

    // Each statement reads on a connection of its own, at once: on PostgreSQL one at a time
    // they added up (a 30-day window of 1M rows: 79 ms; at once: see BENCHMARKS.md).
    let (
        call_counts,
        login_counts,
        registration_counts,
        error_counts,
        status_counts,
        (asr_now, acd_now),
        (asr_before, acd_before),
        (top_callers, top_failing),
        on_line_now,
    ) = futures::try_join!(
        calls.counts(state, &bars),
        logins.counts(state, &bars),
        registrations.counts(state, &bars),
        errors.counts(state, &bars),
        statuses.counts(state, std::slice::from_ref(&whole)),
        asr_acd(state, &whole),
        asr_acd(state, &before),
        top_accounts(state, &whole, zone),
        on_line(state),
    )?;

    let dispositions: Vec<_> = Disposition::ALL.iter().map(|d| Series::of(d.code(), &calls, &call_counts)).collect();
    let failures: Vec<_> = failed.iter().map(|c| Series::of(c, &logins, &login_counts)).collect();
    let event_param = filter_param(Category::SipSessions, SipSession::event)?;
    let mut sip = vec![Series::of(register, &registrations, &registration_counts)];
    for code in SIP_ERRORS {
        sip.push(Series {
            also: vec![(event_param, disconnect.to_owned())],
            ..Series::of(code, &errors, &error_counts)
        });
    }

    let messages = MessageStatus::ALL
        .iter()
        .map(|s| {
            let count = status_counts.get(&(0, s.code().to_owned())).copied().unwrap_or(0);
            Ok(Ranked { name: s.code().to_owned(), count, href: statuses.href(&whole, s.code(), &[], zone)? })
        })
        .collect::<Result<_, AppError>>()?;

    Ok(Overview {
        window,
        time_zone: zone.name().to_owned(),
        span,
        calls: chart("Calls by disposition", "calls", &bars, &dispositions, zone)?,
        asr: Comparison { now: asr_now, before: asr_before },
        acd: Comparison { now: acd_now, before: acd_before },
        failed_logins: chart("Failed console logins", "failed logins", &bars, &failures, zone)?,
        sip: chart("SIP registrations and errors", "events", &bars, &sip, zone)?,
        messages,
        on_line: on_line_now,
        top_callers,
        top_failing,
    })
}

/// The whole window in words, from its first interval's start to its last one's end.
fn whole_words(bars: &[Interval]) -> String {
    let start = bars.first().map(|b| b.words.split(" – ").next().unwrap_or_default()).unwrap_or_default();
    let end = bars.last().map(|b| b.words.split(" – ").nth(1).unwrap_or_default()).unwrap_or_default();
    format!("{start} – {end}")
}
