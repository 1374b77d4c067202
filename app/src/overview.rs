//! The overview (`/`, SPEC §11): the shape of the traffic over a window (the last hour, 24
//! hours, 7 or 30 days), as charts whose every bar segment links to the rows behind it. What a
//! chart shows is declared here and read on the server (`crate::db::overview`) from the hourly
//! counts the big logs keep, so a 30-day window costs what a day costs.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The span the overview shows, ending now. In the URL as `window=24h`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl Window {
    pub const ALL: [Window; 4] = [Window::Hour, Window::Day, Window::Week, Window::Month];
    /// The URL parameter that chooses it.
    pub const PARAM: &'static str = "window";

    pub fn slug(self) -> &'static str {
        match self {
            Window::Hour => "1h",
            Window::Day => "24h",
            Window::Week => "7d",
            Window::Month => "30d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Window::Hour => "Last hour",
            Window::Day => "Last 24 hours",
            Window::Week => "Last 7 days",
            Window::Month => "Last 30 days",
        }
    }

    /// The window a URL value names; nothing for an unknown one.
    pub fn from_slug(slug: &str) -> Option<Window> {
        Window::ALL.into_iter().find(|w| w.slug() == slug)
    }
}

/// One value of a bar: how many rows of one kind fell in its interval, and the list of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The series it belongs to (a code, e.g. `BUSY`).
    pub series: String,
    pub count: u64,
    /// The list filtered to this interval and value.
    pub href: String,
}

/// One interval of a chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// The short label under the bar (`14:00`, `Mon 23`).
    pub label: String,
    /// The whole interval, in words (`2026-11-24 14:00–15:00`).
    pub interval: String,
    /// One per series, in the chart's order (zero counts included).
    pub segments: Vec<Segment>,
}

impl Bar {
    pub fn total(&self) -> u64 {
        self.segments.iter().map(|s| s.count).sum()
    }
}

/// Bars over the window's intervals, each stacked by series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    pub title: String,
    /// What a count is ("calls", "failed logins").
    pub unit: String,
    /// The series, bottom of the stack first.
    pub series: Vec<String>,
    pub bars: Vec<Bar>,
}

/// A figure of the window beside the same figure of the window before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub now: Option<f64>,
    pub before: Option<f64>,
}

/// One line of a ranking or a breakdown: a name, its count and the list behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub name: String,
    pub count: u64,
    pub href: String,
}

/// Everything the overview shows for one window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub window: Window,
    /// The IANA zone the intervals are aligned to.
    pub time_zone: String,
    /// The window, in words (`2026-11-23 15:00 – 2026-11-24 15:00`).
    pub span: String,
    pub calls: BarChart,
    /// Answered direct calls over all direct calls (Call Type CALL), in percent.
    pub asr: Comparison,
    /// Mean Call Duration of the answered calls, in seconds.
    pub acd: Comparison,
    pub failed_logins: BarChart,
    pub sip: BarChart,
    pub messages: Vec<Ranked>,
    /// Accounts registered now, and their list.
    pub on_line: Ranked,
    pub top_callers: Vec<Ranked>,
    pub top_failing: Vec<Ranked>,
}

/// The overview of `window` (a [`Window::slug`]; empty: the last 24 hours).
#[server(endpoint = "overview")]
pub async fn fetch_overview(window: String) -> Result<Overview, AppError> {
    let reader = crate::auth::Reader::from_context().inspect_err(AppError::set_page_status)?;
    let window = match window.as_str() {
        "" => Window::default(),
        slug => Window::from_slug(slug)
            .ok_or_else(|| AppError::BadRequest(format!("'{slug}' is not a window (1h, 24h, 7d or 30d).")))
            .inspect_err(AppError::set_page_status)?,
    };
    let state = crate::db::AppState::from_context()?;
    crate::db::overview::overview(&state, &reader, window, chrono::Utc::now().timestamp_millis())
        .await
        .inspect_err(AppError::set_page_status)
}
