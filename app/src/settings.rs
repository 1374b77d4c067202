//! The appliance settings page's server side: read (admin) and change (admin, with the
//! session's form token). Every change writes an Auditing row and a Security Event in the
//! same transaction as the change itself.

use crate::error::AppError;
use crate::models::Settings;
use leptos::prelude::*;

/// The largest retention count accepted (ten years of days).
pub const MAX_RETENTION_COUNT: i64 = 3650;

/// What the settings page shows: the settings, the admin's form token, and the zone names.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SettingsForm {
    pub settings: Settings,
    pub csrf: String,
    pub zones: Vec<String>,
}

#[server(endpoint = "settings")]
pub async fn fetch_settings() -> Result<SettingsForm, AppError> {
    let admin = crate::auth::Admin::from_context().inspect_err(AppError::set_page_status)?;
    let settings = crate::db::AppState::from_context()?.db.settings().await?;
    let zones = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name().to_owned()).collect();
    Ok(SettingsForm { settings, csrf: admin.caller().csrf().to_owned(), zones })
}

/// Applies the settings form; returns what changed, in words ("CDR masking policy changed
/// to MASK"). Every field is validated before anything is written.
#[server(endpoint = "update_settings")]
pub async fn update_settings(
    csrf: String,
    time_zone: String,
    cdr_masking: String,
    cdr_retention_period: String,
    cdr_retention_count: String,
    cef: crate::cef::Identity,
) -> Result<Vec<String>, AppError> {
    let admin = crate::auth::AdminChange::from_context(&csrf)?;
    let state = crate::db::AppState::from_context()?;
    let wanted = store::parse(&time_zone, &cdr_masking, &cdr_retention_period, &cdr_retention_count, cef)?;
    store::update(&state.db, &admin, wanted, chrono::Utc::now().timestamp_millis()).await
}

#[cfg(feature = "ssr")]
pub mod store {
    use super::MAX_RETENTION_COUNT;
    use crate::auth::{journal, AdminChange};
    use crate::codes::{AuditChange, MaskingPolicy, RetentionPeriod, SecurityEventType};
    use crate::db::Db;
    use crate::error::AppError;
    use crate::models::Settings;
    use sea_query::{Alias, Expr, Query};

    /// The Auditing object type of settings; the object id names the setting.
    pub const OBJECT_TYPE: &str = "Setting";

    /// Validates the form's text fields.
    pub fn parse(
        zone: &str,
        masking: &str,
        period: &str,
        count: &str,
        mut cef: crate::cef::Identity,
    ) -> Result<Settings, AppError> {
        for field in crate::cef::IDENTITY_FIELDS {
            let value = (field.get_mut)(&mut cef);
            *value = value.trim().to_owned();
            if value.is_empty() && !field.optional {
                return Err(AppError::BadRequest(format!("{} must not be empty.", field.label)));
            }
            if value.chars().count() > crate::cef::MAX_IDENTITY_LEN || value.chars().any(char::is_control) {
                return Err(AppError::BadRequest(format!(
                    "{} must be at most {} characters on one line.",
                    field.label,
                    crate::cef::MAX_IDENTITY_LEN
                )));
            }
        }
        let zone = zone.trim();
        zone.parse::<chrono_tz::Tz>().map_err(|_| {
            AppError::BadRequest(format!(
                "'{zone}' is not a known time zone: use an IANA name such as Europe/Rome or UTC."
            ))
        })?;
        let cdr_masking = masking.parse::<MaskingPolicy>().map_err(|e| AppError::BadRequest(e.to_string()))?;
        let cdr_retention_period =
            period.parse::<RetentionPeriod>().map_err(|e| AppError::BadRequest(e.to_string()))?;
        let cdr_retention_count = match count.trim().parse::<i64>() {
            Ok(n) if (0..=MAX_RETENTION_COUNT).contains(&n) => n,
            _ => {
                return Err(AppError::BadRequest(format!(
                    "'{}' is not a retention count: use a whole number from 0 to {MAX_RETENTION_COUNT}.",
                    count.trim()
                )))
            }
        };
        if cdr_retention_count == 0 && cdr_retention_period != RetentionPeriod::Day {
            return Err(AppError::BadRequest(
                "A retention count of 0 is only possible with DAY (the No-CDR option).".into(),
            ));
        }
        Ok(Settings { time_zone: zone.to_owned(), cdr_masking, cdr_retention_period, cdr_retention_count, cef })
    }

    /// How a retention reads in the logs.
    pub fn retention_text(s: &Settings) -> String {
        if s.no_cdr() {
            "No-CDR (direct calls are not recorded)".to_owned()
        } else {
            format!("{} {}", s.cdr_retention_count, s.cdr_retention_period.code())
        }
    }

    /// Writes the settings that differ from the stored ones, each with its Auditing row and
    /// Security Event, in one transaction.
    pub async fn update(db: &Db, admin: &AdminChange, wanted: Settings, now: i64) -> Result<Vec<String>, AppError> {
        let current = db.settings().await?;
        let mut changes: Vec<(&str, SecurityEventType, String)> = Vec::new();
        if wanted.time_zone != current.time_zone {
            changes.push((
                "APPLIANCE.TIME_ZONE",
                SecurityEventType::ApplianceConfigurationChange,
                format!("Appliance time zone changed to {}", wanted.time_zone),
            ));
        }
        if wanted.cdr_masking != current.cdr_masking {
            changes.push((
                "CDR.MASKING_POLICY",
                SecurityEventType::SecurityConfigurationChange,
                format!("CDR masking policy changed to {}", wanted.cdr_masking.code()),
            ));
        }
        if (wanted.cdr_retention_period, wanted.cdr_retention_count)
            != (current.cdr_retention_period, current.cdr_retention_count)
        {
            changes.push((
                "CDR.RETENTION",
                SecurityEventType::SecurityConfigurationChange,
                format!("CDR retention changed to {}", retention_text(&wanted)),
            ));
        }
        for field in crate::cef::IDENTITY_FIELDS {
            let value = (field.get)(&wanted.cef);
            if value != (field.get)(&current.cef) {
                changes.push((
                    field.setting,
                    SecurityEventType::ApplianceConfigurationChange,
                    format!("{} changed to '{value}'", field.label),
                ));
            }
        }
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let mut update = Query::update();
        for field in crate::cef::IDENTITY_FIELDS {
            update.value(Alias::new(field.column), (field.get)(&wanted.cef).clone());
        }
        let update = update
            .table(Alias::new("settings"))
            .value(Alias::new("time_zone"), wanted.time_zone.clone())
            .value(Alias::new("cdr_masking"), wanted.cdr_masking.code())
            .value(Alias::new("cdr_retention_period"), wanted.cdr_retention_period.code())
            .value(Alias::new("cdr_retention_count"), wanted.cdr_retention_count)
            .and_where(Expr::col(Alias::new("id")).eq(1))
            .to_owned();
        let caller = admin.caller();
        let mut tx = db.begin().await?;
        tx.execute(&update).await?;
        for (object_id, kind, text) in &changes {
            journal::audit(&mut tx, now, &caller.username, AuditChange::Update, OBJECT_TYPE, object_id).await?;
            journal::security(&mut tx, now, *kind, text, &caller.username, &caller.ip).await?;
        }
        tx.commit().await?;
        Ok(changes.into_iter().map(|(_, _, text)| text).collect())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn bad_settings_are_refused_with_a_reason() {
            let parse = |zone, masking, period, count| parse(zone, masking, period, count, Default::default());
            assert!(parse("Europe/Rome", "MASK", "WEEK", "3").is_ok());
            let zone = parse("Mars/Olympus", "NONE", "DAY", "1").unwrap_err();
            assert!(zone.to_string().contains("not a known time zone"), "{zone}");
            assert!(matches!(parse("UTC", "HIDE", "DAY", "1"), Err(AppError::BadRequest(_))));
            assert!(matches!(parse("UTC", "NONE", "YEAR", "1"), Err(AppError::BadRequest(_))));
            let negative = parse("UTC", "NONE", "DAY", "-1").unwrap_err();
            assert!(negative.to_string().contains("from 0 to 3650"), "{negative}");
            assert!(parse("UTC", "NONE", "DAY", "1.5").is_err());
            assert!(parse("UTC", "NONE", "MONTH", "0").is_err());
            let no_cdr = parse("UTC", "NONE", "DAY", "0").unwrap();
            assert!(no_cdr.no_cdr());
            assert_eq!(retention_text(&no_cdr), "No-CDR (direct calls are not recorded)");
        }

        #[test]
        fn cef_fields_are_trimmed_and_checked() {
            let cef = |vendor: &str, dhost: &str| crate::cef::Identity {
                vendor: vendor.into(),
                dhost: dhost.into(),
                ..Default::default()
            };
            let ok = parse("UTC", "NONE", "DAY", "1", cef(" Acme ", "")).unwrap();
            assert_eq!((ok.cef.vendor.as_str(), ok.cef.dhost.as_str()), ("Acme", ""), "dhost may be empty");
            let empty = parse("UTC", "NONE", "DAY", "1", cef(" ", "")).unwrap_err();
            assert!(empty.to_string().contains("CEF vendor must not be empty"), "{empty}");
            assert!(parse("UTC", "NONE", "DAY", "1", cef("a\nb", "")).is_err());
            assert!(parse("UTC", "NONE", "DAY", "1", cef(&"x".repeat(64), "")).is_err());
        }
    }
}
