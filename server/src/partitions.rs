//! The monthly partitions of the big logs on PostgreSQL (migration
//! `20261124100001_partitioned_logs.sql`, docs/SCALING.md): CDRs, SIP sessions, Web Sessions,
//! Security Events and secure messages are partitioned by the UTC month of their time, with a
//! default partition for rows of a month that has none.
//!
//! Which tables are partitioned, and by which column, is the database's to say (its
//! catalog): this module asks it, so the migration is the one place that declares it. The
//! SQL functions it calls are the migration's too. On a database that does not partition
//! ([`app::db::Backend::partitions_by_month`]: SQLite) every function here does nothing.

use anyhow::Context;
use app::db::Db;
use chrono::Datelike;
use sea_query::{Alias, Expr, Query, SimpleExpr, Table};
use sqlx::Row;

/// Months made ahead of the current one, so that live rows never land in the default partition.
pub const MONTHS_AHEAD: u32 = 3;

/// The same instant `months` calendar months later (UTC), as the migration's `+ INTERVAL`.
fn months_after(at_ms: i64, months: u32) -> i64 {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .and_then(|t| t.checked_add_months(chrono::Months::new(months)))
        .map_or(at_ms, |t| t.timestamp_millis())
}

/// A partitioned table and the time column it is partitioned by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partitioned {
    pub table: String,
    pub time_column: String,
}

/// The partitioned tables of the database (none on SQLite).
pub async fn partitioned(db: &Db) -> anyhow::Result<Vec<Partitioned>> {
    if !db.backend.partitions_by_month() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT c.relname::TEXT, a.attname::TEXT FROM pg_partitioned_table p \
         JOIN pg_class c ON c.oid = p.partrelid \
         JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] \
         WHERE c.relnamespace = current_schema()::REGNAMESPACE ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok(Partitioned { table: r.try_get(0)?, time_column: r.try_get(1)? })).collect()
}

/// The time column `table` is partitioned by, if it is.
pub async fn time_column(db: &Db, table: &str) -> anyhow::Result<Option<String>> {
    Ok(partitioned(db).await?.into_iter().find(|p| p.table == table).map(|p| p.time_column))
}

/// Makes the month partitions of `table` from the month of `from_ms` through the month of
/// `to_ms` (the last 240 months at most; see `pslog_ensure_partitions`): before a bulk load,
/// so that its rows go to their months rather than the default partition. How many it made.
pub async fn prepare(db: &Db, table: &str, from_ms: i64, to_ms: i64) -> anyhow::Result<i64> {
    if !db.backend.partitions_by_month() || from_ms > to_ms {
        return Ok(0);
    }
    let made: i32 = sqlx::query("SELECT pslog_ensure_partitions($1::REGCLASS, $2, $3)")
        .bind(table)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_one(&db.writer)
        .await
        .with_context(|| format!("making the monthly partitions of {table}"))?
        .try_get(0)?;
    Ok(made.into())
}

/// Makes the months of `table` that hold rows in `source` (which need not partition), found
/// by one index seek per month: before a copy, so that the source's rows go to their months.
pub async fn prepare_like(db: &Db, table: &str, source: &Db) -> anyhow::Result<i64> {
    let Some(time) = time_column(db, table).await? else { return Ok(0) };
    let mut made = 0;
    let mut from = i64::MIN;
    loop {
        let next = Query::select()
            .expr(Expr::col(Alias::new(&time)).min())
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new(&time)).gte(from))
            .to_owned();
        let Some(at) =
            source.fetch_optional(&next).await?.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()?.flatten()
        else {
            return Ok(made);
        };
        made += prepare(db, table, at, at).await?;
        // The first instant of the month after `at`'s.
        let month = chrono::DateTime::from_timestamp_millis(at).map(|t| t.date_naive().with_day(1));
        match month.flatten().and_then(|d| d.checked_add_months(chrono::Months::new(1))) {
            Some(next_month) => from = next_month.and_time(chrono::NaiveTime::MIN).and_utc().timestamp_millis(),
            None => return Ok(made),
        }
    }
}

/// Makes, for every partitioned table, the month of `now_ms` and [`MONTHS_AHEAD`] after it
/// (housekeeping). How many partitions it made.
pub async fn make_ahead(db: &Db, now_ms: i64) -> anyhow::Result<i64> {
    let mut made = 0;
    for p in partitioned(db).await? {
        made += prepare(db, &p.table, now_ms, months_after(now_ms, MONTHS_AHEAD)).await?;
    }
    Ok(made)
}

/// The month partitions of `table` whose whole range lies before `cutoff_ms`, oldest first,
/// each with its range [from, to).
async fn expired(db: &Db, table: &str, cutoff_ms: i64) -> anyhow::Result<Vec<(String, i64, i64)>> {
    let rows =
        sqlx::query("SELECT partition, from_ms, to_ms FROM pslog_month_partitions($1::REGCLASS) WHERE to_ms <= $2")
            .bind(table)
            .bind(cutoff_ms)
            .fetch_all(&db.pool)
            .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

/// Drops the months of `table` that lie wholly before `cutoff_ms` (retention), but those
/// holding a row that `spared` keeps; how many rows went with them. The month's hours go from
/// the table's hourly counts (each of `hourly`) in the same transaction: dropping fires no
/// trigger. (Deleting the hours does: the CDRs' daily per-account counts follow their hours.)
/// A month whose drop
/// cannot have its lock within seconds (a long export reading the table) is left to the
/// row-by-row purge that follows. A row written into an expired month while it is counted
/// goes with it uncounted: it had expired too.
pub async fn drop_expired(
    db: &Db,
    table: &str,
    hourly: &[&str],
    cutoff_ms: i64,
    spared: Option<SimpleExpr>,
) -> anyhow::Result<u64> {
    if !db.backend.partitions_by_month() {
        return Ok(0);
    }
    let mut dropped = 0;
    for (partition, from_ms, to_ms) in expired(db, table, cutoff_ms).await? {
        if let Some(spared) = &spared {
            let kept = Query::select()
                .expr(Expr::val(1))
                .from(Alias::new(&partition))
                .and_where(spared.clone())
                .limit(1)
                .to_owned();
            if db.fetch_optional(&kept).await?.is_some() {
                continue;
            }
        }
        let count = Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new(&partition)).to_owned();
        let rows: i64 = db.fetch_optional(&count).await?.map(|r| r.try_get(0)).transpose()?.unwrap_or(0);
        let drop = Table::drop().table(Alias::new(&partition)).to_owned();
        // Under the write lock, as every write: the hours' triggers then never race an ingest.
        let mut tx = db.begin().await?;
        tx.execute_sql("SET LOCAL lock_timeout = '5s'").await?;
        let dropped_month = async {
            tx.execute_sql(&drop.to_string(sea_query::PostgresQueryBuilder)).await?;
            for hourly in hourly {
                let hours = Query::delete()
                    .from_table(Alias::new(*hourly))
                    .and_where(Expr::col(Alias::new("hour")).gte(from_ms))
                    .and_where(Expr::col(Alias::new("hour")).lt(to_ms))
                    .to_owned();
                tx.execute(&hours).await?;
            }
            Ok::<(), sqlx::Error>(())
        };
        match dropped_month.await {
            Ok(()) => {
                tx.commit().await?;
                tracing::info!(partition, rows, "expired month dropped");
                dropped += rows as u64;
            }
            Err(e) => {
                tracing::warn!(partition, error = %e, "expired month not dropped; its rows are purged one by one")
            }
        }
    }
    Ok(dropped)
}
