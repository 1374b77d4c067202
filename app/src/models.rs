//! Values shared by every kind of row: the instant type and the appliance settings. Each log's
//! row is declared in its category module (`crate::categories`). Timestamps are UTC
//! milliseconds since the Unix epoch ([`UtcMillis`]): exact, sortable, the same in every
//! database, and cheap to ship to the browser (the server formats them in the appliance's
//! zone).

use crate::codes::{MaskingPolicy, RetentionPeriod};
use serde::{Deserialize, Serialize};

/// A UTC instant, in milliseconds since 1970-01-01T00:00:00Z. Sent as that integer; on the
/// server, also read from an RFC 3339 string (what an appliance may send to the ingest API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(not(feature = "ssr"), derive(Deserialize))]
pub struct UtcMillis(pub i64);

#[cfg(feature = "ssr")]
impl UtcMillis {
    /// An RFC 3339 instant (`2026-11-22T12:00:00Z`, `2026-11-22T13:00:00.250+01:00`).
    pub fn parse_rfc3339(text: &str) -> Result<UtcMillis, String> {
        chrono::DateTime::parse_from_rfc3339(text.trim())
            .map(|t| UtcMillis(t.timestamp_millis()))
            .map_err(|e| format!("'{text}' is not an RFC 3339 instant ({e})"))
    }
}

#[cfg(feature = "ssr")]
impl<'de> Deserialize<'de> for UtcMillis {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Instant;
        impl serde::de::Visitor<'_> for Instant {
            type Value = UtcMillis;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("integer UTC milliseconds or an RFC 3339 string")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<UtcMillis, E> {
                Ok(UtcMillis(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<UtcMillis, E> {
                i64::try_from(v).map(UtcMillis).map_err(|_| E::custom("instant out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<UtcMillis, E> {
                UtcMillis::parse_rfc3339(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Instant)
    }
}

/// The appliance settings (one row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// IANA time zone every timestamp is shown in.
    pub time_zone: String,
    pub cdr_masking: MaskingPolicy,
    pub cdr_retention_period: RetentionPeriod,
    /// 0 with [`RetentionPeriod::Day`] is the "No-CDR" privacy option.
    pub cdr_retention_count: i64,
    /// Who the CEF lines of Security Events say wrote them.
    pub cef: crate::cef::Identity,
}

impl Settings {
    /// The "No-CDR" privacy option: direct calls are not recorded at all.
    pub fn no_cdr(&self) -> bool {
        self.cdr_retention_period == RetentionPeriod::Day && self.cdr_retention_count == 0
    }
}

/// Seconds as h:mm:ss (a call's durations, the overview's mean call duration).
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}
