//! Batched multi-row inserts in transactions: the fast way to load many rows of one record
//! kind into any of the databases, with every value bound. The columns come from the record's
//! declaration.

use app::db::record::{insert, Stored};
use app::db::Db;
use sea_query::InsertStatement;

/// Rows per INSERT statement (SQLite allows 32766 bound values; our widest table has 19).
const ROWS_PER_STATEMENT: usize = 500;
/// Statements per transaction.
const STATEMENTS_PER_TX: usize = 200;

pub struct BatchInsert<'a, R: Stored> {
    db: &'a Db,
    /// Counts the rows as they are committed.
    progress: indicatif::ProgressBar,
    /// Whether the rows keep their own ids (accounts) or get the database's (log rows).
    with_id: bool,
    pending: Vec<R>,
    statements: Vec<InsertStatement>,
    pub inserted: u64,
}

impl<'a, R: Stored> BatchInsert<'a, R> {
    /// Rows whose ids the database assigns.
    pub fn new(db: &'a Db, progress: &indicatif::ProgressBar) -> Self {
        BatchInsert {
            db,
            progress: progress.clone(),
            with_id: false,
            pending: Vec::new(),
            statements: Vec::new(),
            inserted: 0,
        }
    }

    /// Rows that keep the ids they carry.
    pub fn with_ids(db: &'a Db, progress: &indicatif::ProgressBar) -> Self {
        BatchInsert { with_id: true, ..Self::new(db, progress) }
    }

    pub async fn row(&mut self, row: R) -> anyhow::Result<()> {
        self.pending.push(row);
        if self.pending.len() >= ROWS_PER_STATEMENT {
            self.seal();
            if self.statements.len() >= STATEMENTS_PER_TX {
                self.commit().await?;
            }
        }
        Ok(())
    }

    fn seal(&mut self) {
        if !self.pending.is_empty() {
            self.statements.push(insert(&self.pending, self.with_id));
            self.pending.clear();
        }
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await?;
        let mut inserted = 0;
        for statement in self.statements.drain(..) {
            inserted += tx.execute(&statement).await?;
        }
        tx.commit().await?;
        self.inserted += inserted;
        self.progress.inc(inserted);
        Ok(())
    }

    /// Writes what is left; returns the number of rows inserted.
    pub async fn finish(mut self) -> anyhow::Result<u64> {
        self.seal();
        self.commit().await?;
        Ok(self.inserted)
    }
}
