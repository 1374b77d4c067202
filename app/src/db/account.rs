//! The account overview, read through each category's own list query (filtered by
//! `account_id`), so that the counts and links agree with the lists they open.

use super::list::{read_page, ListRequest, LogTable};
use super::query::by_id;
use super::render::RenderCtx;
use super::AppState;
use crate::account::{AccountOverview, AccountSection, OnlineNow, TimelineEntry};
use crate::auth::Reader;
use crate::categories::accounts::Accounts;
use crate::categories::registered::{split_addr, RegisteredAccounts};
use crate::error::AppError;
use crate::list::Category;

/// The logs an account appears in, each filterable by `account_id`.
const LOGS: &[Category] = &[
    Category::SipSessions,
    Category::Cdr,
    Category::Messages,
    Category::InstallMessages,
    Category::ActivationMessages,
];
/// Events per log taken into the timeline.
const RECENT: u32 = 25;
/// Entries the timeline shows.
const TIMELINE: usize = 40;

pub async fn overview(state: &AppState, reader: &Reader, id: i64) -> Result<AccountOverview, AppError> {
    let ctx = RenderCtx::from_settings(&state.db.settings().await?)?;
    let row = state
        .db
        .fetch_optional(&by_id(Accounts::TABLE, id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no account with id {id}.")))?;
    let account = Accounts::read(&row, &ctx)?;
    let online = match state.db.fetch_optional(&by_id(RegisteredAccounts::TABLE, id)).await? {
        None => None,
        Some(row) => {
            let r = RegisteredAccounts::decode(&row)?;
            let (ip, port) = split_addr(&r.remote_addr);
            Some(OnlineNow {
                ip: ip.to_owned(),
                port: port.to_owned(),
                useragent: r.useragent,
                expires: ctx.time(r.expires_at),
            })
        }
    };
    let mut sections = Vec::new();
    let mut timeline = Vec::new();
    for category in LOGS {
        let (section, entries) = crate::with_log_table!(category, T => history::<T>(state, reader, id, &ctx).await)?;
        sections.push(section);
        timeline.extend(entries);
    }
    timeline.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
    timeline.truncate(TIMELINE);
    Ok(AccountOverview {
        last_seen: account.last_seen.map(|t| ctx.time(t)),
        account: account.account,
        online,
        sections,
        timeline,
        time_zone: ctx.zone.name().to_owned(),
    })
}

/// The account's part of one log: its count, the link to it, its latest events.
async fn history<T: LogTable>(
    state: &AppState,
    reader: &Reader,
    id: i64,
    ctx: &RenderCtx,
) -> Result<(AccountSection, Vec<TimelineEntry>), AppError> {
    let query = format!("account_id={id}&size={RECENT}");
    let req = ListRequest::<T>::parse(state, reader, &query).await?;
    let (total, rows) = read_page(state, &req).await?;
    let section =
        AccountSection { title: T::SPEC.title.to_owned(), total, href: format!("{}?account_id={id}", T::SPEC.route) };
    let entries = rows
        .iter()
        .map(|row| {
            let at = T::occurred(row);
            // The row's own cells, but the time, which the entry shows itself.
            let summary = T::cells(row, ctx)
                .into_iter()
                .zip(T::SPEC.columns)
                .filter(|(cell, column)| !cell.text.is_empty() && !is_time_column(column.label))
                .take(5)
                .map(|(cell, _)| cell)
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

fn is_time_column(label: &str) -> bool {
    matches!(label, "Timestamp" | "Call Date" | "Received" | "Processed")
}
