//! Values shared by every kind of row: the instant type and the appliance settings. Each log's
//! row is declared in its category module (`crate::categories`). Timestamps are UTC
//! milliseconds since the Unix epoch ([`UtcMillis`]): exact, sortable, the same in every
//! database, and cheap to ship to the browser (the server formats them in the appliance's
//! zone).

use crate::codes::{MaskingPolicy, RetentionPeriod};
use serde::{Deserialize, Serialize};

/// A UTC instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UtcMillis(pub i64);

/// The appliance settings (one row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// IANA time zone every timestamp is shown in.
    pub time_zone: String,
    pub cdr_masking: MaskingPolicy,
    pub cdr_retention_period: RetentionPeriod,
    /// 0 with [`RetentionPeriod::Day`] is the "No-CDR" privacy option.
    pub cdr_retention_count: i64,
}

impl Settings {
    /// The "No-CDR" privacy option: direct calls are not recorded at all.
    pub fn no_cdr(&self) -> bool {
        self.cdr_retention_period == RetentionPeriod::Day && self.cdr_retention_count == 0
    }
}
