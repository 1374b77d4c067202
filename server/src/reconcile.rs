//! SIP reconciliation: CONNECT and DISCONNECT events arrive bound only to a remote address.
//! Each is bound to the account that REGISTERed from the same address and port within
//! [`WINDOW_MS`] of it, when exactly one account did; with none or several it stays
//! unreconciled (never a guess), and a REGISTER written later from its address can still
//! bind it.
//!
//! A full pass ([`run_once`]) looks at every unreconciled event. The periodic task
//! ([`Reconciler`]) makes one full pass at start and after that looks only at what can have
//! changed: events written since its last run, and older unreconciled events near a
//! REGISTER written since (the only thing that gives an event a candidate). Re-reading every
//! unreconciled event each minute cost a scan of all of them forever; on the 10M file the
//! old query read the 7.6M unreconciled REGISTERs to find none, every run.
//!
//! Rows are read in bounded batches by id, each batch in one transaction, so a large backlog
//! neither holds the database nor the memory for long.

use app::categories::sip_sessions::{register_candidates, SipSession as S};
use app::codes::SipEvent;
use app::db::{Db, Tx};
use app::list::Record;
use sea_query::{Alias, Expr, Order, Query, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashSet;
use std::time::Duration;

pub use app::categories::sip_sessions::RECONCILE_WINDOW_MS as WINDOW_MS;
/// Unreconciled rows (or new REGISTERs) read per batch.
pub const BATCH: u64 = 1_000;

/// The events reconciliation binds.
const BOUND_BY_ADDRESS: [SipEvent; 2] = [SipEvent::Connect, SipEvent::Disconnect];

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub examined: u64,
    pub reconciled: u64,
    /// Rows with two or more candidate accounts, left alone.
    pub ambiguous: u64,
}

/// Runs over every unreconciled CONNECT/DISCONNECT once (`pslog reconcile`, and the first
/// run of a [`Reconciler`]).
pub async fn run_once(db: &Db, batch: u64) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    unreconciled_after(db, 0, batch, &mut outcome).await?;
    Ok(outcome)
}

/// The periodic reconciliation: remembers the highest SIP id its last run saw. Ids grow in
/// the order rows are committed (every write transaction holds the write lock, and ids come
/// from the table's sequence, never reused), so "written since" is "id above it".
#[derive(Debug, Default)]
pub struct Reconciler {
    seen: Option<i64>,
}

impl Reconciler {
    pub async fn run(&mut self, db: &Db, batch: u64) -> anyhow::Result<Outcome> {
        // Read first: rows written during this run are looked at again by the next, which
        // is harmless (a bound row is no longer unreconciled).
        let top = highest_id(db).await?;
        let mut outcome = Outcome::default();
        // The first run is a full pass: every unreconciled event, none of them "older".
        unreconciled_after(db, self.seen.unwrap_or(0), batch, &mut outcome).await?;
        if let Some(seen) = self.seen {
            near_registers_between(db, seen, top, batch, &mut outcome).await?;
        }
        self.seen = Some(top);
        Ok(outcome)
    }
}

async fn highest_id(db: &Db) -> anyhow::Result<i64> {
    let statement = Query::select().expr(Expr::col(S::id).max()).from(Alias::new(S::TABLE)).to_owned();
    Ok(db.fetch_optional(&statement).await?.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()?.flatten().unwrap_or(0))
}

/// Every unreconciled CONNECT/DISCONNECT with an id above `after`, by id: one event at a
/// time, so the index (reconciled, event, id) hands them over in order without a sort.
async fn unreconciled_after(db: &Db, after: i64, batch: u64, outcome: &mut Outcome) -> anyhow::Result<()> {
    for event in BOUND_BY_ADDRESS {
        let mut after = after;
        loop {
            let pending = events()
                .and_where(Expr::col(S::reconciled).eq(0))
                .and_where(Expr::col(S::event).eq(event.code()))
                .to_owned();
            let rows = next_page(db, pending, &mut after, batch).await?;
            if rows.is_empty() {
                break;
            }
            let mut tx = db.begin().await?;
            for row in &rows {
                settle(&mut tx, row, outcome).await?;
            }
            tx.commit().await?;
            // Let the console's own queries in between batches.
            tokio::task::yield_now().await;
        }
    }
    Ok(())
}

/// The REGISTERs (of an account) with ids in `(seen, top]`, in batches by id; for each, the
/// unreconciled events of its address within the window that the run before had already seen
/// (newer ones are [`unreconciled_after`]'s). An event near several new REGISTERs is settled once.
async fn near_registers_between(db: &Db, seen: i64, top: i64, batch: u64, outcome: &mut Outcome) -> anyhow::Result<()> {
    let mut after = seen;
    let mut settled = HashSet::new();
    loop {
        let registers = events()
            .and_where(Expr::col(S::id).lte(top))
            .and_where(Expr::col(S::event).eq(SipEvent::Register.code()))
            .and_where(Expr::col(S::account_id).is_not_null())
            .to_owned();
        let rows = next_page(db, registers, &mut after, batch).await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin().await?;
        for register in &rows {
            let at: i64 = register.try_get(1)?;
            let addr: String = register.try_get(2)?;
            let near = events()
                .and_where(Expr::col(S::remote_addr).eq(addr))
                .and_where(Expr::col(S::occurred_at).between(at - WINDOW_MS, at + WINDOW_MS))
                .and_where(Expr::col(S::reconciled).eq(0))
                .and_where(Expr::col(S::event).is_in(BOUND_BY_ADDRESS.map(SipEvent::code)))
                .and_where(Expr::col(S::id).lte(seen))
                .to_owned();
            for row in tx.fetch_all(&near).await? {
                if settled.insert(row.try_get::<i64, _>(0)?) {
                    settle(&mut tx, &row, outcome).await?;
                }
            }
        }
        tx.commit().await?;
        tokio::task::yield_now().await;
    }
}

/// SIP events as [`settle`] reads them: id, time, remote address.
fn events() -> SelectStatement {
    Query::select().columns([S::id, S::occurred_at, S::remote_addr]).from(Alias::new(S::TABLE)).to_owned()
}

/// The next `batch` rows of `query` by id, after `after`; moves `after` to the last of them.
async fn next_page(db: &Db, mut query: SelectStatement, after: &mut i64, batch: u64) -> anyhow::Result<Vec<AnyRow>> {
    query.and_where(Expr::col(S::id).gt(*after)).order_by(S::id, Order::Asc).limit(batch);
    let rows = db.fetch_all(&query).await?;
    if let Some(last) = rows.last() {
        *after = last.try_get(0)?;
    }
    Ok(rows)
}

/// Binds one event (a row of [`events`]) to its account when exactly one account is a candidate.
async fn settle(tx: &mut Tx, row: &AnyRow, outcome: &mut Outcome) -> anyhow::Result<()> {
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
    Ok(())
}

/// Reconciles every `period`, until the process ends.
pub fn spawn(db: Db, period: Duration) {
    tokio::spawn(async move {
        let mut reconciler = Reconciler::default();
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            match reconciler.run(&db, BATCH).await {
                Ok(o) if o.reconciled > 0 => tracing::info!(?o, "SIP sessions reconciled"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "SIP reconciliation failed"),
            }
        }
    });
}
