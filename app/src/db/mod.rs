//! Server-only: the database, the request state, and the generic list queries.

pub mod account;
pub mod count;
pub mod csv;
pub mod filters;
pub mod ingest;
pub mod list;
pub mod overview;
pub mod params;
pub mod query;
pub mod record;
pub mod render;

use crate::codes::{MaskingPolicy, RetentionPeriod};
use crate::error::AppError;
use crate::models::Settings;
use sea_query::{Alias, Expr, Query, SelectStatement};
use sea_query_binder::{SqlxBinder, SqlxValues};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// At most this many trigrams of a free text are looked up: any of them narrows, and a long
/// text's first, last and evenly spaced ones narrow as well as all of them.
const MAX_TRIGRAMS: usize = 12;

/// The distinct three-character windows of `text`, at most [`MAX_TRIGRAMS`] of them.
fn trigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut all: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    all.dedup();
    if all.len() > MAX_TRIGRAMS {
        let last = all.len() - 1;
        all = (0..MAX_TRIGRAMS).map(|i| all[i * last / (MAX_TRIGRAMS - 1)].clone()).collect();
    }
    all.sort();
    all.dedup();
    all
}

/// The SQL dialect of the connected database. Queries are built once with sea-query and
/// rendered for the dialect, so the same code serves SQLite and PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// How a write transaction starts. SQLite's default (DEFERRED) takes the write lock only
    /// at the first write, and a transaction that read first then fails at once with "database
    /// is locked" when another writer got in between (the busy timeout does not apply to that
    /// upgrade); IMMEDIATE takes the lock at BEGIN, waiting for it up to the busy timeout.
    fn begin_statement(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// What to run after a bulk load (the demo, a copy), outside any transaction, in order.
    /// On PostgreSQL: the tables of counts rewritten compactly, since every batch updated
    /// their rows and left a dead version of each behind (after the 1M demo, 5,047 hours of
    /// Web Sessions in 3,787 pages, 40 once rewritten; the 30-day overview went from 45 to
    /// 33 ms); then fresh statistics for every table (without them the planner guesses, and
    /// the Registered Accounts view took seconds instead of milliseconds until autovacuum
    /// came by) and the visibility map that index-only scans need. SQLite's plans do not
    /// depend on statistics, and it reuses a page's free space in place.
    pub fn after_bulk_load(self) -> Vec<String> {
        match self {
            Backend::Sqlite => Vec::new(),
            Backend::Postgres => vec![
                // Names of our own tables, not input: VACUUM takes no bound values.
                format!(
                    "VACUUM (FULL, ANALYZE) {}",
                    crate::list::Category::count_tables().collect::<Vec<_>>().join(", ")
                ),
                "VACUUM (ANALYZE)".to_owned(),
            ],
        }
    }

    /// The rows a full-text index says may contain `text` in one of `columns`, as a condition
    /// on `id`; `None` where the LIKE that follows must find them alone. On SQLite the log's
    /// FTS5 table `index` (trigram tokenizer, `detail=column`) is asked for the rows holding
    /// every trigram of the text in one of the columns: a superset of the LIKE's matches (the
    /// index folds case at least as far as LIKE does), which the LIKE then narrows, so results
    /// are exactly the LIKE's. A text under three characters has no trigram. On PostgreSQL
    /// the trigram indexes on `LOWER(column)` serve the LIKE itself (`pg_trgm`).
    pub fn free_text_candidates(
        self,
        index: &'static str,
        id: crate::list::Column,
        columns: &[crate::list::Column],
        text: &str,
    ) -> Option<sea_query::SimpleExpr> {
        if self == Backend::Postgres || columns.is_empty() {
            return None;
        }
        let trigrams = trigrams(text);
        if trigrams.is_empty() {
            return None;
        }
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let terms: Vec<String> = trigrams.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect();
        let search = format!("{{{}}} : ({})", names.join(" "), terms.join(" AND "));
        let rows = Query::select()
            .column(Alias::new("rowid"))
            .from(Alias::new(index))
            .and_where(Expr::col(Alias::new(index)).binary(sea_query::BinOper::Custom("MATCH"), Expr::val(search)))
            .to_owned();
        Some(Expr::col(id).in_subquery(rows))
    }

    /// The tables of the database, but the migrations' own: what `pslog copy` must know.
    pub fn tables_sql(self) -> &'static str {
        match self {
            // Ordinary tables only: a full-text index (virtual) and its shadow tables are
            // rebuilt by the destination's own triggers as the rows arrive.
            Backend::Sqlite => {
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
            }
            // Partitioned tables once, not their partitions (rows are read through the parent).
            Backend::Postgres => {
                "SELECT relname::TEXT FROM pg_class WHERE relnamespace = current_schema()::REGNAMESPACE \
                 AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> '_sqlx_migrations' ORDER BY relname"
            }
        }
    }

    /// The last id `table` handed out (0 if none), deleted rows included: where its ids go on
    /// from. `table` is one of the schema's own names, never input.
    pub fn last_id_sql(self, table: &'static str) -> String {
        match self {
            Backend::Sqlite => format!("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)"),
            Backend::Postgres => {
                format!("SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')), 0)")
            }
        }
    }

    /// Makes `table` go on from the last id bound as the one parameter (never back).
    pub fn set_last_id_sql(self, table: &'static str) -> Vec<String> {
        match self {
            Backend::Sqlite => vec![
                format!("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = '{table}'"),
                format!(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', ? \
                     WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '{table}')"
                ),
            ],
            Backend::Postgres => vec![format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST($1::BIGINT, \
                 COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')), 0), 1), \
                 GREATEST($1::BIGINT, COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')), 0)) > 0)"
            )],
        }
    }

    /// What a write transaction runs right after it begins, to hold the database's write lock
    /// as SQLite's `BEGIN IMMEDIATE` does: on PostgreSQL a transaction-scoped advisory lock
    /// that every write transaction takes. The code reads, then writes in one transaction
    /// (the last-admin check, reconciliation, the forwarding cursor) and counts on nothing
    /// changing in between; PostgreSQL's READ COMMITTED alone lets two such transactions
    /// both read the old state (two admins disabling each other both got through).
    fn write_lock(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("SELECT pg_advisory_xact_lock(7415)"),
        }
    }

    /// Whether the big logs are partitioned by month of their time, with partitions made
    /// ahead and expired months dropped whole (PostgreSQL; `server::partitions`). SQLite keeps
    /// each log in one table.
    pub fn partitions_by_month(self) -> bool {
        match self {
            Backend::Sqlite => false,
            Backend::Postgres => true,
        }
    }

    /// Renders a statement as SQL with placeholders and its bound values.
    pub fn build<S: SqlxBinder>(self, statement: &S) -> (String, SqlxValues) {
        match self {
            Backend::Sqlite => statement.build_any_sqlx(&sea_query::SqliteQueryBuilder),
            Backend::Postgres => statement.build_any_sqlx(&sea_query::PostgresQueryBuilder),
        }
    }
}

/// The database: a pool for reading, the connection pool writes go through, and the dialect
/// they speak. SQLite takes one writer at a time whatever the pool; funnelling every write
/// through one connection makes writers queue in the pool instead of spinning on the lock,
/// and keeps one page cache hot with the indexes being written (ingest at millions of rows).
/// A server database (PostgreSQL) may give both the same pool. CSV exports read through a
/// pool of their own, [`csv::EXPORTS_AT_ONCE`] connections: a stream holds its connection as
/// long as the client takes to download it, and pages and session lookups must never wait
/// behind one.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub writer: AnyPool,
    pub exports: AnyPool,
    pub backend: Backend,
}

impl Db {
    pub async fn fetch_all<S: SqlxBinder>(&self, statement: &S) -> Result<Vec<AnyRow>, sqlx::Error> {
        let (sql, values) = self.backend.build(statement);
        sqlx::query_with(&sql, values).fetch_all(&self.pool).await
    }

    /// Runs a statement that returns no rows (a write) in a transaction of its own, under the
    /// write lock every write holds (see [`Db::begin`]); how many rows it changed. On
    /// PostgreSQL the lock is what keeps two writers' count triggers (a retention purge and an
    /// ingest batch, say) from locking the same hourly rows in opposite orders: a deadlock
    /// there would abort one of them.
    pub async fn execute<S: SqlxBinder>(&self, statement: &S) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin().await?;
        let changed = tx.execute(statement).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Starts a write transaction: statements run through it are written together or not at
    /// all. It holds the database's write lock from the start (see [`Backend`]).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let mut inner = self.writer.begin_with(self.backend.begin_statement()).await?;
        if let Some(lock) = self.backend.write_lock() {
            sqlx::query(lock).execute(&mut *inner).await?;
        }
        Ok(Tx { inner, backend: self.backend })
    }

    pub async fn fetch_optional<S: SqlxBinder>(&self, statement: &S) -> Result<Option<AnyRow>, sqlx::Error> {
        let (sql, values) = self.backend.build(statement);
        sqlx::query_with(&sql, values).fetch_optional(&self.pool).await
    }

    /// The appliance settings (the migration creates the one row).
    pub async fn settings(&self) -> Result<Settings, AppError> {
        decode_settings(self.fetch_optional(&settings_select()).await?)
    }
}

/// The settings row's columns, in the order [`decode_settings`] reads them.
fn settings_select() -> SelectStatement {
    let cef = crate::cef::IDENTITY_FIELDS.iter().map(|f| f.column);
    Query::select()
        .columns(
            ["time_zone", "cdr_masking", "cdr_retention_period", "cdr_retention_count"]
                .into_iter()
                .chain(cef)
                .map(Alias::new),
        )
        .from(Alias::new("settings"))
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned()
}

fn decode_settings(row: Option<AnyRow>) -> Result<Settings, AppError> {
    let row = row.ok_or_else(|| AppError::internal("settings", "the settings row is missing"))?;
    let masking: String = row.try_get(1)?;
    let period: String = row.try_get(2)?;
    let mut cef = crate::cef::Identity::default();
    for (i, field) in crate::cef::IDENTITY_FIELDS.iter().enumerate() {
        *(field.get_mut)(&mut cef) = row.try_get(4 + i)?;
    }
    Ok(Settings {
        time_zone: row.try_get(0)?,
        cdr_masking: masking.parse::<MaskingPolicy>().map_err(|e| AppError::internal("settings", e))?,
        cdr_retention_period: period.parse::<RetentionPeriod>().map_err(|e| AppError::internal("settings", e))?,
        cdr_retention_count: row.try_get(3)?,
        cef,
    })
}

/// A transaction of a [`Db`]; dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
}

impl Tx {
    pub async fn fetch_all<S: SqlxBinder>(&mut self, statement: &S) -> Result<Vec<AnyRow>, sqlx::Error> {
        let (sql, values) = self.backend.build(statement);
        sqlx::query_with(&sql, values).fetch_all(&mut *self.inner).await
    }

    pub async fn execute<S: SqlxBinder>(&mut self, statement: &S) -> Result<u64, sqlx::Error> {
        let (sql, values) = self.backend.build(statement);
        Ok(sqlx::query_with(&sql, values).execute(&mut *self.inner).await?.rows_affected())
    }

    /// Runs SQL that binds no values (a table dropped, a setting for this transaction).
    pub async fn execute_sql(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query(sql).execute(&mut *self.inner).await?.rows_affected())
    }

    /// Inserts one row of a log (its id is the database's).
    pub async fn insert<R: record::Stored>(&mut self, row: &R) -> Result<(), sqlx::Error> {
        self.execute(&record::insert(std::slice::from_ref(row), false)).await.map(|_| ())
    }

    /// The appliance settings, as this transaction sees them.
    pub async fn settings(&mut self) -> Result<Settings, AppError> {
        let rows = self.fetch_all(&settings_select()).await?;
        decode_settings(rows.into_iter().next())
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }
}

/// What every request handler and server function can reach, provided as Leptos context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    /// Idle time after which a console session ends.
    pub session_idle: std::time::Duration,
    /// The largest body an ingest batch may have, in bytes.
    pub ingest_limit: usize,
    /// Where Security Events are forwarded (`tcp://HOST:PORT`), when they are.
    pub forward_cef: Option<String>,
    /// Failed-login counters, shared by every request.
    pub throttle: std::sync::Arc<crate::auth::throttle::Throttle>,
    /// The CSV exports running now.
    pub exports: std::sync::Arc<csv::ExportSlots>,
    /// Room for the lists followed now (each polls the database twice a second).
    pub followers: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Lists followed at once, in all; one more is answered 429.
pub const FOLLOWERS_AT_ONCE: usize = 64;

impl AppState {
    /// The state with the default session idle time and login throttle.
    pub fn new(db: Db) -> AppState {
        AppState {
            db,
            session_idle: crate::auth::session::DEFAULT_IDLE,
            ingest_limit: crate::db::ingest::DEFAULT_LIMIT,
            forward_cef: None,
            throttle: std::sync::Arc::new(crate::auth::throttle::Throttle::new(Default::default())),
            exports: std::sync::Arc::new(csv::ExportSlots::default()),
            followers: std::sync::Arc::new(tokio::sync::Semaphore::new(FOLLOWERS_AT_ONCE)),
        }
    }

    pub fn from_context() -> Result<AppState, AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| AppError::internal("state", "AppState is not provided as context"))
    }
}

#[cfg(test)]
mod tests {
    use super::trigrams;

    #[test]
    fn a_text_under_three_characters_has_no_trigram() {
        assert!(trigrams("ab").is_empty());
        assert!(trigrams("").is_empty());
    }

    #[test]
    fn trigrams_are_every_window_once() {
        assert_eq!(trigrams("Ricci"), ["Ric", "cci", "icc"]);
        assert_eq!(trigrams("aaaa"), ["aaa"]);
        assert_eq!(trigrams("é\"x"), ["é\"x"]);
    }

    #[test]
    fn a_long_text_keeps_its_first_and_last_trigrams() {
        let text = "abcdefghijklmnopqrstuvwxyz";
        let some = trigrams(text);
        assert!(some.len() <= super::MAX_TRIGRAMS);
        assert!(some.contains(&"abc".to_owned()) && some.contains(&"xyz".to_owned()));
    }
}
