//! Batched multi-row inserts in transactions: the fast way to load many rows into any of
//! the databases, with every value bound.

use app::db::Db;
use sea_query::{Alias, InsertStatement, Query, SimpleExpr};

/// Rows per INSERT statement (SQLite allows 32766 bound values; our widest table has 19).
const ROWS_PER_STATEMENT: usize = 500;
/// Statements per transaction.
const STATEMENTS_PER_TX: usize = 200;

pub struct BatchInsert<'a> {
    db: &'a Db,
    table: &'static str,
    columns: &'static [&'static str],
    pending: Vec<Vec<SimpleExpr>>,
    statements: Vec<InsertStatement>,
    pub inserted: u64,
}

impl<'a> BatchInsert<'a> {
    pub fn new(db: &'a Db, table: &'static str, columns: &'static [&'static str]) -> Self {
        BatchInsert { db, table, columns, pending: Vec::new(), statements: Vec::new(), inserted: 0 }
    }

    pub async fn row(&mut self, values: Vec<SimpleExpr>) -> anyhow::Result<()> {
        debug_assert_eq!(values.len(), self.columns.len(), "{}", self.table);
        self.pending.push(values);
        if self.pending.len() >= ROWS_PER_STATEMENT {
            self.seal();
            if self.statements.len() >= STATEMENTS_PER_TX {
                self.commit().await?;
            }
        }
        Ok(())
    }

    fn seal(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut insert = Query::insert();
        insert.into_table(Alias::new(self.table)).columns(self.columns.iter().map(|c| Alias::new(*c)));
        for row in self.pending.drain(..) {
            insert.values_panic(row);
        }
        self.statements.push(insert);
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        let mut tx = self.db.pool.begin().await?;
        for statement in self.statements.drain(..) {
            let (sql, values) = self.db.backend.build(&statement);
            let done = sqlx::query_with(&sql, values).execute(&mut *tx).await?;
            self.inserted += done.rows_affected();
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes what is left; returns the number of rows inserted.
    pub async fn finish(mut self) -> anyhow::Result<u64> {
        self.seal();
        self.commit().await?;
        Ok(self.inserted)
    }
}
