//! How stored values are shown: times in the appliance's zone, durations as h:mm:ss.

use crate::error::AppError;
use crate::models::{Settings, UtcMillis};
use chrono::TimeZone;
use chrono_tz::Tz;

/// What a row needs to be shown: the appliance's zone (and, later, its masking policy).
#[derive(Clone, Debug)]
pub struct RenderCtx {
    pub zone: Tz,
}

impl RenderCtx {
    pub fn from_settings(settings: &Settings) -> Result<RenderCtx, AppError> {
        let zone = settings.time_zone.parse::<Tz>().map_err(|e| AppError::internal("settings: time zone", e))?;
        Ok(RenderCtx { zone })
    }

    /// `2015-05-08 15:20:25.788 CEST`.
    pub fn time(&self, t: UtcMillis) -> String {
        match self.zone.timestamp_millis_opt(t.0).single() {
            Some(local) => local.format("%Y-%m-%d %H:%M:%S%.3f %Z").to_string(),
            None => format!("{} ms", t.0),
        }
    }
}

/// Seconds as h:mm:ss.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_the_zone_abbreviation() {
        let rome = RenderCtx { zone: chrono_tz::Europe::Rome };
        assert_eq!(rome.time(UtcMillis(1_431_091_225_788)), "2015-05-08 15:20:25.788 CEST");
        assert_eq!(rome.time(UtcMillis(1_420_070_400_000)), "2015-01-01 01:00:00.000 CET");
        let utc = RenderCtx { zone: chrono_tz::UTC };
        assert_eq!(utc.time(UtcMillis(0)), "1970-01-01 00:00:00.000 UTC");
    }

    #[test]
    fn durations_are_h_mm_ss() {
        assert_eq!(duration(0), "0:00:00");
        assert_eq!(duration(21), "0:00:21");
        assert_eq!(duration(3_725), "1:02:05");
    }
}
