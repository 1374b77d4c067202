//! SIP reconciliation: CONNECT and DISCONNECT events arrive bound only to a remote address.
//! Each is bound to the account that REGISTERed from the same address and port within
//! [`WINDOW_MS`] of it, when exactly one account did; with none or several it stays
//! unreconciled (never a guess) and is looked at again on the next run, so late REGISTERs
//! still count. Rows are read in bounded batches by id, so a large backlog neither holds
//! the database nor the memory for long.

use app::categories::sip_sessions::{register_candidates, SipSession as S};
use app::codes::SipEvent;
use app::db::Db;
use app::list::Record;
use sea_query::{Alias, Expr, Order, Query};
use sqlx::Row;
use std::time::Duration;

pub use app::categories::sip_sessions::RECONCILE_WINDOW_MS as WINDOW_MS;
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

/// Runs over every unreconciled CONNECT/DISCONNECT once.
pub async fn run_once(db: &Db, batch: u64) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    let mut after = 0i64;
    loop {
        let pending = Query::select()
            .columns([S::id, S::occurred_at, S::remote_addr])
            .from(Alias::new(S::TABLE))
            .and_where(Expr::col(S::reconciled).eq(0))
            .and_where(Expr::col(S::event).is_in([SipEvent::Connect.code(), SipEvent::Disconnect.code()]))
            .and_where(Expr::col(S::id).gt(after))
            .order_by(S::id, Order::Asc)
            .limit(batch)
            .to_owned();
        let rows = db.fetch_all(&pending).await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let mut tx = db.begin().await?;
        for row in &rows {
            let id: i64 = row.try_get(0)?;
            let at: i64 = row.try_get(1)?;
            let addr: String = row.try_get(2)?;
            outcome.examined += 1;
            let accounts = tx.fetch_all(&register_candidates(&addr, at, 2)).await?;
            match accounts.as_slice() {
                [one] => {
                    let account: i64 = one.try_get(0)?;
                    let peername: String = one.try_get(1)?;
                    let update = Query::update()
                        .table(Alias::new(S::TABLE))
                        .value(S::account_id, account)
                        .value(S::peername, peername)
                        .value(S::reconciled, 1)
                        .and_where(Expr::col(S::id).eq(id))
                        .and_where(Expr::col(S::reconciled).eq(0))
                        .to_owned();
                    outcome.reconciled += tx.execute(&update).await?;
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
