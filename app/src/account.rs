//! One account's overview: its fields, whether it is on line, a section per log that
//! mentions it (count and link to the full filtered list), and one timeline merging them.

use crate::categories::accounts::Account;
use crate::error::AppError;
use crate::list::Cell;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where and until when the account is registered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OnlineNow {
    pub ip: String,
    pub port: String,
    pub useragent: String,
    pub expires: String,
}

/// How much of one log is about the account, and where to read all of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountSection {
    pub title: String,
    pub total: u64,
    pub href: String,
}

/// One event of the account's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at_ms: i64,
    pub time: String,
    pub log: String,
    /// Its values, each with its column's name.
    pub summary: Vec<(String, Cell)>,
    pub href: String,
}

/// One day of the account's 30-day activity strip: its calls, failed calls and SIP errors,
/// each with the list behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityDay {
    /// `Mon 23 Nov`.
    pub day: String,
    pub calls: crate::overview::Ranked,
    pub failed: crate::overview::Ranked,
    pub sip_errors: crate::overview::Ranked,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub account: Account,
    pub last_seen: Option<String>,
    pub online: Option<OnlineNow>,
    pub sections: Vec<AccountSection>,
    /// The last 30 days, oldest first.
    pub activity: Vec<ActivityDay>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
    pub time_zone: String,
}

#[server(endpoint = "account")]
pub async fn fetch_account(id: String) -> Result<AccountOverview, AppError> {
    let reader = crate::auth::Reader::from_context().inspect_err(AppError::set_page_status)?;
    let state = crate::db::AppState::from_context()?;
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::BadRequest(format!("'{id}' is not an account id.")))
        .inspect_err(AppError::set_page_status)?;
    crate::db::account::overview(&state, &reader, id).await.inspect_err(AppError::set_page_status)
}
