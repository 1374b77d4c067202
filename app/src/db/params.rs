//! Turning a list's URL query into typed parameters. Everything a user can put in the URL is
//! checked here: an unknown parameter, a malformed page, size, sort, code or date is a
//! [`AppError::BadRequest`] naming what is wrong, never a silently ignored filter.

use crate::error::AppError;
use crate::list::{param, CategorySpec, Chip, DEFAULT_PAGE_SIZE, PAGE_SIZES};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// Longest text accepted in a text filter.
const MAX_TEXT: usize = 200;

/// The query's parameters, taken one by one by the parsers; what is left over is unknown.
/// A parameter may be given once, but for exclusions ([`param::EXCLUDE`]), which repeat.
#[derive(Debug)]
pub struct QueryParams {
    pairs: BTreeMap<String, Vec<String>>,
}

impl QueryParams {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let list: Vec<(String, String)> = serde_urlencoded::from_str(raw.trim_start_matches('?'))
            .map_err(|_| AppError::BadRequest("The address's query string is malformed.".into()))?;
        let mut pairs = BTreeMap::new();
        for (key, value) in list {
            let value = value.trim().to_owned();
            // An empty form field means "no filter".
            if value.is_empty() {
                continue;
            }
            let values: &mut Vec<String> = pairs.entry(key.clone()).or_default();
            if !values.is_empty() && !key.starts_with(param::EXCLUDE) {
                return Err(AppError::BadRequest(format!("The parameter '{key}' is given twice.")));
            }
            if !values.contains(&value) {
                values.push(value);
            }
        }
        Ok(QueryParams { pairs })
    }

    pub fn take(&mut self, key: &str) -> Option<String> {
        self.pairs.remove(key).and_then(|mut values| values.pop())
    }

    /// Every value of a repeatable parameter, each a text as [`QueryParams::take_text`] checks it.
    pub fn take_all(&mut self, key: &str, label: &str) -> Result<Vec<String>, AppError> {
        let values = self.pairs.remove(key).unwrap_or_default();
        values.iter().try_for_each(|v| checked_text(v, label))?;
        Ok(values)
    }

    /// A text value of at most [`MAX_TEXT`] characters.
    pub fn take_text(&mut self, key: &str, label: &str) -> Result<Option<String>, AppError> {
        let value = self.take(key);
        value.as_deref().map(|v| checked_text(v, label)).transpose()?;
        Ok(value)
    }

    /// Refuses whatever no parser took.
    pub fn finish(self) -> Result<(), AppError> {
        match self.pairs.keys().next() {
            None => Ok(()),
            Some(k) => Err(AppError::BadRequest(format!("'{k}' is not a filter of this list."))),
        }
    }
}

/// At most [`MAX_TEXT`] characters, and no NUL: no database keeps a NUL in text
/// (PostgreSQL refuses it), and no log holds one.
fn checked_text(v: &str, label: &str) -> Result<(), AppError> {
    if v.chars().count() > MAX_TEXT {
        return Err(AppError::BadRequest(format!("{label} is longer than {MAX_TEXT} characters.")));
    }
    if v.contains('\0') {
        return Err(AppError::BadRequest(format!("{label} may not contain a NUL character.")));
    }
    Ok(())
}

/// 1-based page number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageNumber(pub u32);

/// One of [`PAGE_SIZES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSize(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// A sort chosen by the user: a column's sort key (validated against the category) and a direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    /// `None`: the time column, the default.
    pub key: Option<&'static str>,
    pub direction: Direction,
}

/// `[from, until)` in UTC milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from: Option<i64>,
    pub until: Option<i64>,
}

/// Free text matched anywhere in the category's text columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FreeText(pub String);

/// Text a column starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextPrefix(pub String);

/// The parameters every list understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListParams {
    pub page: PageNumber,
    pub size: PageSize,
    pub sort: Sort,
    pub range: TimeRange,
    pub text: Option<FreeText>,
    /// The from/to values as given, for the chips of the filters in force.
    pub range_chips: Vec<Chip>,
    /// The list follows new rows (`follow=1`); its rows are read as without it.
    pub follow: bool,
}

impl ListParams {
    pub fn parse(q: &mut QueryParams, spec: &CategorySpec, zone: Tz) -> Result<Self, AppError> {
        let page = match q.take(param::PAGE) {
            None => PageNumber(1),
            Some(v) => match v.parse::<u32>() {
                Ok(n) if n >= 1 => PageNumber(n),
                _ => return Err(AppError::BadRequest(format!("Page '{v}' is not a page number (1, 2, 3, ...)."))),
            },
        };
        let size = match q.take(param::SIZE) {
            None => PageSize(DEFAULT_PAGE_SIZE),
            Some(v) => match v.parse::<u32>() {
                Ok(n) if PAGE_SIZES.contains(&n) => PageSize(n),
                _ => {
                    return Err(AppError::BadRequest(format!(
                        "Items to show must be one of {PAGE_SIZES:?}, not '{v}'."
                    )))
                }
            },
        };
        let key = match q.take(param::SORT) {
            None => None,
            Some(v) => Some(
                spec.sorted_by(&v)
                    .and_then(|c| c.sort_key)
                    .ok_or_else(|| AppError::BadRequest(format!("This list cannot be sorted by '{v}'.")))?,
            ),
        };
        let direction = match q.take(param::DIR).as_deref() {
            None | Some("desc") => Direction::Descending,
            Some("asc") => Direction::Ascending,
            Some(v) => return Err(AppError::BadRequest(format!("Sort direction must be 'asc' or 'desc', not '{v}'."))),
        };
        let from_text = q.take(param::FROM);
        let to_text = q.take(param::TO);
        let from = from_text.as_deref().map(|v| parse_instant(v, zone, "From", Bound::Start)).transpose()?;
        let until = to_text.as_deref().map(|v| parse_instant(v, zone, "To", Bound::End)).transpose()?;
        if let (Some(f), Some(u)) = (from, until) {
            if f >= u {
                return Err(AppError::BadRequest("The time range ends before it starts.".into()));
            }
        }
        let mut range_chips = Vec::new();
        if let Some(f) = from_text {
            range_chips.push(Chip { text: format!("From {f}"), param: param::FROM.to_owned(), value: f });
        }
        if let Some(t) = to_text {
            range_chips.push(Chip { text: format!("To {t}"), param: param::TO.to_owned(), value: t });
        }
        let text = q.take_text(param::TEXT, "The search text")?.map(FreeText);
        let follow = match q.take(param::FOLLOW).as_deref() {
            None => false,
            Some("1") => true,
            Some(v) => return Err(AppError::BadRequest(format!("Follow must be '1', not '{v}'."))),
        };
        Ok(ListParams {
            page,
            size,
            sort: Sort { key, direction },
            range: TimeRange { from, until },
            text,
            range_chips,
            follow,
        })
    }

    /// The first page of `size` rows, newest first, over all time.
    pub fn first(size: u32) -> Self {
        ListParams {
            page: PageNumber(1),
            size: PageSize(size),
            sort: Sort { key: None, direction: Direction::Descending },
            range: TimeRange::default(),
            text: None,
            range_chips: Vec::new(),
            follow: false,
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page.0 as u64 - 1) * self.size.0 as u64
    }
}

#[derive(Clone, Copy)]
enum Bound {
    Start,
    End,
}

/// A local date or date-time in `zone`, as a date input or `datetime-local` input sends it.
/// `To` covers the whole unit given: `to=2015-05-08` includes all of that day.
fn parse_instant(v: &str, zone: Tz, label: &str, bound: Bound) -> Result<i64, AppError> {
    let bad = || {
        AppError::BadRequest(format!(
            "{label} '{v}' is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM[:SS])."
        ))
    };
    let v2 = v.replace(' ', "T");
    // Naive (wall-clock) arithmetic: a day is midnight to midnight, whatever DST does.
    let (start, step): (NaiveDateTime, chrono::Duration) = if let Ok(d) = NaiveDate::parse_from_str(&v2, "%Y-%m-%d") {
        (d.and_hms_opt(0, 0, 0).ok_or_else(bad)?, chrono::Duration::days(1))
    } else if let Ok(t) = NaiveDateTime::parse_from_str(&v2, "%Y-%m-%dT%H:%M:%S") {
        (t, chrono::Duration::seconds(1))
    } else if let Ok(t) = NaiveDateTime::parse_from_str(&v2, "%Y-%m-%dT%H:%M") {
        (t, chrono::Duration::minutes(1))
    } else {
        return Err(bad());
    };
    let local = match bound {
        Bound::Start => start,
        Bound::End => start.checked_add_signed(step).ok_or_else(bad)?,
    };
    let instant = zone.from_local_datetime(&local).earliest().ok_or_else(|| {
        AppError::BadRequest(format!("{label} '{v}' does not exist in the time zone {zone} (a daylight-saving gap)."))
    })?;
    Ok(instant.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::web_sessions::SPEC;

    fn parse(raw: &str) -> Result<ListParams, AppError> {
        let mut q = QueryParams::parse(raw)?;
        let p = ListParams::parse(&mut q, &SPEC, chrono_tz::Europe::Rome)?;
        q.finish()?;
        Ok(p)
    }

    fn bad(raw: &str) -> String {
        match parse(raw) {
            Err(AppError::BadRequest(m)) => m,
            other => panic!("{raw}: expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_first_page_newest_first() {
        let p = parse("").unwrap();
        assert_eq!(p.page, PageNumber(1));
        assert_eq!(p.size, PageSize(DEFAULT_PAGE_SIZE));
        assert_eq!(p.sort, Sort { key: None, direction: Direction::Descending });
        assert_eq!(p.range, TimeRange::default());
        // Empty form fields are no filter at all.
        assert_eq!(parse("from=&to=&q=&page=").unwrap(), p);
    }

    #[test]
    fn malformed_paging_and_sorting_is_refused_with_a_message() {
        assert!(bad("page=abc").contains("not a page number"));
        assert!(bad("page=-5").contains("not a page number"));
        assert!(bad("page=0").contains("not a page number"));
        assert!(bad("size=7").contains("Items to show"));
        assert!(bad("sort=%27%3BDROP").contains("cannot be sorted by"));
        assert!(bad("dir=sideways").contains("asc"));
        assert!(bad("page=1&page=2").contains("twice"));
        assert!(bad("nonsense=1").contains("not a filter"));
    }

    #[test]
    fn dates_are_local_to_the_appliance_zone() {
        // Rome is UTC+2 in May: local midnight is 22:00 UTC the day before.
        let p = parse("from=2015-05-08&to=2015-05-08").unwrap();
        assert_eq!(p.range.from, Some(1_431_036_000_000));
        assert_eq!(p.range.until, Some(1_431_036_000_000 + 86_400_000));
        let p = parse("from=2015-05-08T15:20").unwrap();
        assert_eq!(p.range.from, Some(1_431_091_200_000));
        assert!(bad("from=2015-13-45").contains("is not a date"));
        assert!(bad("to=yesterday").contains("is not a date"));
        assert!(bad("from=2015-05-09&to=2015-05-08").contains("ends before"));
        // 02:30 on the last Sunday of March does not exist in Rome.
        assert!(bad("from=2015-03-29T02:30").contains("daylight-saving"));
    }

    #[test]
    fn over_long_text_is_refused() {
        let long = "x".repeat(201);
        assert!(bad(&format!("q={long}")).contains("longer than"));
    }
}
