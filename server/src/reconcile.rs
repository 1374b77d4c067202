//! SIP reconciliation: CONNECT and DISCONNECT events arrive bound only to a remote address.
//! Each is bound to the account that REGISTERed from the same address and port within
//! [`WINDOW_MS`] of it, when exactly one account did; with none or several it stays
//! unreconciled (never a guess) and is looked at again on the next run, so late REGISTERs
//! still count. Rows are read in bounded batches by id, so a large backlog neither holds
//! the database nor the memory for long.

use app::codes::SipEvent;
use app::db::Db;
use sea_query::{Alias, Expr, Order, Query};
use sqlx::Row;
use std::time::Duration;

/// How far before or after a CONNECT/DISCONNECT a REGISTER may be to vouch for it.
pub const WINDOW_MS: i64 = 60 * 60_000;
/// Unreconciled rows read per batch.
pub const BATCH: u64 = 1_000;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub examined: u64,
    pub reconciled: u64,
    /// Rows with two or more candidate accounts, left alone.
    pub ambiguous: u64,
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// Runs over every unreconciled CONNECT/DISCONNECT once.
pub async fn run_once(db: &Db, batch: u64) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    let mut after = 0i64;
    loop {
        let pending = Query::select()
            .columns(["id", "occurred_at", "remote_addr"].map(Alias::new))
            .from(Alias::new("sip_session"))
            .and_where(col("reconciled").eq(0))
            .and_where(col("event").is_in([SipEvent::Connect.code(), SipEvent::Disconnect.code()]))
            .and_where(col("id").gt(after))
            .order_by(Alias::new("id"), Order::Asc)
            .limit(batch)
            .to_owned();
        let rows = db.fetch_all(&pending).await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let mut tx = db.pool.begin().await?;
        for row in &rows {
            let id: i64 = row.try_get(0)?;
            let at: i64 = row.try_get(1)?;
            let addr: String = row.try_get(2)?;
            outcome.examined += 1;
            let (sql, values) = db.backend.build(
                &Query::select()
                    .distinct()
                    .columns([Alias::new("account_id"), Alias::new("peername")])
                    .from(Alias::new("sip_session"))
                    .and_where(col("remote_addr").eq(addr.as_str()))
                    .and_where(col("event").eq(SipEvent::Register.code()))
                    .and_where(col("account_id").is_not_null())
                    .and_where(col("occurred_at").between(at - WINDOW_MS, at + WINDOW_MS))
                    .limit(2)
                    .to_owned(),
            );
            let accounts = sqlx::query_with(&sql, values).fetch_all(&mut *tx).await?;
            match accounts.as_slice() {
                [one] => {
                    let account: i64 = one.try_get(0)?;
                    let peername: String = one.try_get(1)?;
                    let update = Query::update()
                        .table(Alias::new("sip_session"))
                        .value(Alias::new("account_id"), account)
                        .value(Alias::new("peername"), peername)
                        .value(Alias::new("reconciled"), 1)
                        .and_where(col("id").eq(id))
                        .and_where(col("reconciled").eq(0))
                        .to_owned();
                    let (sql, values) = db.backend.build(&update);
                    outcome.reconciled += sqlx::query_with(&sql, values).execute(&mut *tx).await?.rows_affected();
                }
                [] => {}
                _ => outcome.ambiguous += 1,
            }
        }
        tx.commit().await?;
        // Let the console's own queries in between batches.
        tokio::task::yield_now().await;
    }
    Ok(outcome)
}

/// Reconciles every `period`, until the process ends.
pub fn spawn(db: Db, period: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            match run_once(&db, BATCH).await {
                Ok(o) if o.reconciled > 0 => tracing::info!(?o, "SIP sessions reconciled"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "SIP reconciliation failed"),
            }
        }
    });
}
