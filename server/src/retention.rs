//! CDR retention: CDRs older than the configured period are purged, in batches so that a
//! large purge never holds the database for long. Under No-CDR (0 DAY) direct calls are not
//! recorded at all (a trigger drops them on insert) and the ones already stored are purged;
//! conferences and three-way calls are kept. On PostgreSQL, expired months are dropped whole
//! ([`crate::partitions`]).

use app::categories::cdr::Cdr;
use app::codes::{CallType, RetentionPeriod};
use app::db::Db;
use app::list::Record;
use app::models::Settings;
use chrono::{Months, TimeZone, Utc};
use sea_query::{Alias, Expr, Query};

/// Rows deleted per statement.
pub const BATCH: u64 = 10_000;
/// Call types that No-CDR still records.
const KEPT_UNDER_NO_CDR: [&str; 2] = [CallType::Conference.code(), CallType::ThreeWay.code()];

/// The instant before which CDRs have expired, for `settings` at `now_ms`.
pub fn cutoff(settings: &Settings, now_ms: i64) -> i64 {
    let count = settings.cdr_retention_count.max(0);
    let day = 86_400_000;
    match settings.cdr_retention_period {
        RetentionPeriod::Day => now_ms - count * day,
        RetentionPeriod::Week => now_ms - count * 7 * day,
        RetentionPeriod::Month => Utc
            .timestamp_millis_opt(now_ms)
            .single()
            .and_then(|t| t.checked_sub_months(Months::new(count.min(u32::MAX as i64) as u32)))
            .map(|t| t.timestamp_millis())
            .unwrap_or(i64::MIN),
    }
}

/// Deletes expired CDRs; how many.
pub async fn purge(db: &Db, now_ms: i64) -> anyhow::Result<u64> {
    let settings = db.settings().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let cutoff = cutoff(&settings, now_ms);
    // Whole expired months first, where the database partitions by month; then row by row.
    let spared = settings.no_cdr().then(|| Expr::col(Cdr::call_type).is_in(KEPT_UNDER_NO_CDR));
    let hourly: Vec<&str> =
        app::categories::cdr::SPEC.hourly.into_iter().chain([app::categories::cdr::ACCOUNT_HOURLY]).collect();
    let mut purged = crate::partitions::drop_expired(db, Cdr::TABLE, &hourly, cutoff, spared).await?;
    loop {
        let mut expired = Query::select();
        expired
            .column(Cdr::id)
            .from(Alias::new(Cdr::TABLE))
            .and_where(Expr::col(Cdr::call_date).lt(cutoff))
            .limit(BATCH);
        if settings.no_cdr() {
            expired.and_where(Expr::col(Cdr::call_type).is_not_in(KEPT_UNDER_NO_CDR));
        }
        let delete = Query::delete()
            .from_table(Alias::new(Cdr::TABLE))
            .and_where(Expr::col(Cdr::id).in_subquery(expired))
            .to_owned();
        let n = db.execute(&delete).await?;
        purged += n;
        if n < BATCH {
            return Ok(purged);
        }
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::codes::MaskingPolicy;

    fn settings(period: RetentionPeriod, count: i64) -> Settings {
        Settings {
            time_zone: "UTC".into(),
            cdr_masking: MaskingPolicy::None,
            cdr_retention_period: period,
            cdr_retention_count: count,
            cef: Default::default(),
        }
    }

    #[test]
    fn cutoffs_follow_the_period() {
        let now = Utc.with_ymd_and_hms(2026, 3, 31, 12, 0, 0).unwrap().timestamp_millis();
        let day = 86_400_000;
        assert_eq!(cutoff(&settings(RetentionPeriod::Day, 3), now), now - 3 * day);
        assert_eq!(cutoff(&settings(RetentionPeriod::Week, 2), now), now - 14 * day);
        // Calendar months: 31 March minus one month is 28 February.
        let feb = Utc.with_ymd_and_hms(2026, 2, 28, 12, 0, 0).unwrap().timestamp_millis();
        assert_eq!(cutoff(&settings(RetentionPeriod::Month, 1), now), feb);
        assert_eq!(cutoff(&settings(RetentionPeriod::Day, 0), now), now);
    }
}
