//! How stored values are shown: times in the appliance's zone, durations as h:mm:ss.

use crate::codes::{MaskingPolicy, MessageType};
use crate::error::AppError;
use crate::models::{Settings, UtcMillis};
use chrono::TimeZone;
use chrono_tz::Tz;

/// What a row needs to be shown: the appliance's zone, its CDR masking policy, and whether
/// the reader may see secrets (install and activation tokens and message links: admins only).
#[derive(Clone, Debug)]
pub struct RenderCtx {
    pub zone: Tz,
    pub masking: MaskingPolicy,
    pub secrets: bool,
}

/// What a secret a reader may not see reads as.
pub const HIDDEN: &str = "(hidden: admins only)";

impl RenderCtx {
    pub fn from_settings(settings: &Settings) -> Result<RenderCtx, AppError> {
        let zone = settings.time_zone.parse::<Tz>().map_err(|e| AppError::internal("settings: time zone", e))?;
        Ok(RenderCtx { zone, masking: settings.cdr_masking, secrets: false })
    }

    /// The context of the appliance's current settings: read once per request. Secrets are
    /// hidden until [`RenderCtx::seen_by`] says who reads.
    pub async fn load(db: &super::Db) -> Result<RenderCtx, AppError> {
        RenderCtx::from_settings(&db.settings().await?)
    }

    /// As `caller` may see it: secrets only for an admin.
    pub fn seen_by(self, caller: &crate::auth::Caller) -> RenderCtx {
        RenderCtx { secrets: caller.role == crate::codes::Role::Admin, ..self }
    }

    /// Replaces a secret the reader may not see.
    pub fn hide_secret(&self, secret: &mut String) {
        if !self.secrets && !secret.is_empty() {
            *secret = HIDDEN.to_owned();
        }
    }

    /// UTC, nothing masked: the settings of a new appliance.
    pub fn utc() -> RenderCtx {
        RenderCtx { zone: chrono_tz::UTC, masking: MaskingPolicy::None, secrets: false }
    }

    /// An SMS goes to the account's phone number: masked as in its CDRs.
    pub fn mask_recipient(&self, recipient: &mut String, message_type: MessageType) {
        if message_type == MessageType::Sms {
            self.mask(recipient);
        }
    }

    /// Whether phone numbers are shown partly hidden (and so may not be selected on).
    pub fn numbers_hidden(&self) -> bool {
        self.masking == MaskingPolicy::Mask
    }

    /// Masks a phone number in place when the policy says so.
    pub fn mask(&self, number: &mut String) {
        if self.numbers_hidden() {
            *number = mask_number(number);
        }
    }

    /// `2015-05-08 15:20:25.788 CEST`.
    pub fn time(&self, t: UtcMillis) -> String {
        match self.zone.timestamp_millis_opt(t.0).single() {
            Some(local) => local.format("%Y-%m-%d %H:%M:%S%.3f %Z").to_string(),
            None => format!("{} ms", t.0),
        }
    }
}

/// A phone number with its middle digits hidden: `+4418591930` → `+441*****30`. The first
/// three and last two digits stay (one and one for short extensions); other characters stay.
pub fn mask_number(number: &str) -> String {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let (head, tail) = match digits {
        0..=2 => (0, 0),
        3..=6 => (1, 1),
        _ => (3, 2),
    };
    let mut seen = 0;
    number
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > digits - tail {
                c
            } else {
                '*'
            }
        })
        .collect()
}

pub use crate::models::duration;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_the_zone_abbreviation() {
        let rome = RenderCtx { zone: chrono_tz::Europe::Rome, masking: MaskingPolicy::None, secrets: false };
        assert_eq!(rome.time(UtcMillis(1_431_091_225_788)), "2015-05-08 15:20:25.788 CEST");
        assert_eq!(rome.time(UtcMillis(1_420_070_400_000)), "2015-01-01 01:00:00.000 CET");
        let utc = RenderCtx { zone: chrono_tz::UTC, masking: MaskingPolicy::None, secrets: false };
        assert_eq!(utc.time(UtcMillis(0)), "1970-01-01 00:00:00.000 UTC");
    }

    #[test]
    fn masking_hides_the_middle_digits() {
        assert_eq!(mask_number("+4418591930"), "+441*****30");
        assert_eq!(mask_number("3351234567"), "335*****67");
        assert_eq!(mask_number("1005"), "1**5");
        assert_eq!(mask_number("42"), "**");
        assert_eq!(mask_number(""), "");
        assert_eq!(mask_number("+39 06 1234 5678"), "+39 0* **** **78");
    }

    #[test]
    fn durations_are_h_mm_ss() {
        assert_eq!(duration(0), "0:00:00");
        assert_eq!(duration(21), "0:00:21");
        assert_eq!(duration(3_725), "1:02:05");
    }
}
