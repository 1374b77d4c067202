//! The account overview, read through each category's own list query (filtered by its
//! account filter), so that the counts and links agree with the lists they open.

use super::list::{read_page, row_of, ListRequest, LogTable};
use super::render::RenderCtx;
use super::AppState;
use crate::account::{AccountOverview, AccountSection, OnlineNow, TimelineEntry};
use crate::auth::Reader;
use crate::categories::accounts::Accounts;
use crate::categories::registered::{split_addr, RegisteredAccounts};
use crate::categories::with_log_table;
use crate::error::AppError;
use crate::list::{Category, ColumnKind};

/// Events per log taken into the timeline.
const RECENT: u32 = 25;
/// Entries the timeline shows.
const TIMELINE: usize = 40;

pub async fn overview(state: &AppState, reader: &Reader, id: i64) -> Result<AccountOverview, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(reader.caller());
    let account = row_of::<Accounts>(state, id, &ctx)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no account with id {id}.")))?;
    let online = row_of::<RegisteredAccounts>(state, id, &ctx).await?.map(|r| {
        let (ip, port) = split_addr(&r.remote_addr);
        OnlineNow { ip: ip.to_owned(), port: port.to_owned(), useragent: r.useragent, expires: ctx.time(r.expires_at) }
    });
    let mut sections = Vec::new();
    let mut timeline = Vec::new();
    for category in Category::bound_to_accounts() {
        let (section, entries) = with_log_table!(category, T => history::<T>(state, id, &ctx).await)?;
        sections.push(section);
        timeline.extend(entries);
    }
    timeline.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
    timeline.truncate(TIMELINE);
    let now = chrono::Utc::now().timestamp_millis();
    let activity = super::overview::account_activity(state, id, now, ctx.zone).await?;
    Ok(AccountOverview {
        activity,
        last_seen: account.last_seen.map(|t| ctx.time(t)),
        account,
        online,
        sections,
        timeline,
        time_zone: ctx.zone.name().to_owned(),
    })
}

/// The account's part of one log: its count, the link to it, its latest events.
async fn history<T: LogTable>(
    state: &AppState,
    id: i64,
    ctx: &RenderCtx,
) -> Result<(AccountSection, Vec<TimelineEntry>), AppError> {
    let (Some(filter), Some(req)) =
        (T::SPEC.account_filter(), ListRequest::of_account::<T>(state.db.backend, id, RECENT))
    else {
        return Err(AppError::internal("account overview", "a log without an account filter"));
    };
    let (total, rows) = read_page::<T>(state, &req, ctx).await?;
    let href = format!("{}?{}={id}", T::CATEGORY.route(), filter.name);
    let section = AccountSection { title: T::SPEC.title.to_owned(), total, href };
    let entries = rows
        .iter()
        .map(|row| {
            let at = T::occurred(row);
            // The row's own cells, but the times, which the entry shows itself.
            let summary = T::cells(row, ctx)
                .into_iter()
                .zip(T::SPEC.columns)
                .filter(|(cell, column)| !cell.text.is_empty() && column.column.kind != ColumnKind::Time)
                .take(5)
                .map(|(cell, column)| (column.label.to_owned(), cell))
                .collect();
            TimelineEntry {
                at_ms: at.0,
                time: ctx.time(at),
                log: T::SPEC.title.to_owned(),
                summary,
                href: T::detail_href(row),
            }
        })
        .collect();
    Ok((section, entries))
}
