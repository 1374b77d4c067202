//! The overview's window cut into intervals, aligned in the appliance's zone, and the list
//! query that covers one interval exactly.

use super::super::count::HOUR_MS;
use crate::overview::Window;
use chrono_tz::Tz;

const MINUTE_MS: i64 = 60_000;

/// One interval of the window: [start, end) in UTC milliseconds.
pub(super) struct Interval {
    pub start: i64,
    pub end: i64,
    pub label: String,
    pub words: String,
}

impl Interval {
    /// Whether both bounds are whole UTC hours, so that the hourly counts can answer.
    pub fn whole_hours(&self) -> bool {
        self.start.rem_euclid(HOUR_MS) == 0 && self.end.rem_euclid(HOUR_MS) == 0
    }
}

/// The window's intervals, oldest first, ending with the one that holds `now`, aligned in
/// `zone`: 5 minutes for the last hour, hours for a day, local days (midnight to midnight,
/// whatever daylight saving does) for 7 and 30 days.
pub(super) fn intervals(window: Window, now: i64, zone: Tz) -> Vec<Interval> {
    let local = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&zone);
    let interval = |start: i64, end: i64, label: &str| Interval {
        start,
        end,
        label: local(start).format(label).to_string(),
        words: format!("{} – {}", local(start).format("%Y-%m-%d %H:%M"), local(end).format("%Y-%m-%d %H:%M")),
    };
    let steps = |step: i64, count: i64| {
        let offset = chrono::Offset::fix(local(now).offset()).local_minus_utc() as i64 * 1000;
        let end = (now + offset).div_euclid(step) * step + step - offset;
        (0..count).map(|i| end - (count - i) * step).map(|s| interval(s, s + step, "%H:%M")).collect()
    };
    let days = |count: i64, label: &str| {
        let today = local(now).date_naive();
        let midnight = |day: chrono::NaiveDate| {
            use chrono::TimeZone;
            // A day whose midnight is skipped by daylight saving starts at 01:00.
            [0, 1].into_iter().find_map(|h| zone.from_local_datetime(&day.and_hms_opt(h, 0, 0)?).earliest())
        };
        (0..count)
            .rev()
            .filter_map(|back| {
                let day = today - chrono::Days::new(back as u64);
                Some(interval(midnight(day)?.timestamp_millis(), midnight(day.succ_opt()?)?.timestamp_millis(), label))
            })
            .collect()
    };
    match window {
        Window::Hour => steps(5 * MINUTE_MS, 12),
        Window::Day => steps(HOUR_MS, 24),
        Window::Week => days(7, "%a %-d"),
        Window::Month => days(30, "%-d %b"),
    }
}

/// The longest span of time every boundary is a multiple of: the rows are counted per unit,
/// and with a unit of an hour the hourly counts can answer.
pub(super) fn unit(intervals: &[Interval]) -> i64 {
    let bounds = || intervals.iter().flat_map(|i| [i.start, i.end]);
    [HOUR_MS, 15 * MINUTE_MS, 5 * MINUTE_MS, MINUTE_MS]
        .into_iter()
        .find(|u| bounds().all(|b| b.rem_euclid(*u) == 0))
        .unwrap_or(1)
}

/// The `from` and `to` of a list covering exactly `interval` (`to` covers its second).
pub(super) fn range_params(interval: &Interval, zone: Tz) -> (String, String) {
    let local = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&zone);
    let format = "%Y-%m-%dT%H:%M:%S";
    (local(interval.start).format(format).to_string(), local(interval.end - 1000).format(format).to_string())
}
