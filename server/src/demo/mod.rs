//! Deterministic, realistic demo data for every table. The same seed and anchor give the same
//! rows; the same accounts appear in SIP sessions, CDRs, messages and registrations; console
//! activity appears in Web Sessions, Security Events and Auditing alike; the manual's example
//! rows are included.

mod batch;
mod calls;
mod console;
mod messages;
mod people;
mod seeds;
mod sip;

use app::categories::accounts::Account;
use app::db::Db;
use batch::BatchInsert;
use fastrand::Rng;
use people::DemoAccount;

pub use people::CONSOLE_USERS;

/// How much demo data, and from where in time.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Rows per log category (approximately; whole calls and sessions are kept together).
    pub rows: u64,
    pub seed: u64,
    /// The newest instant of the data, UTC milliseconds.
    pub anchor_ms: i64,
}

/// Rows written per table, and how long each group of tables took.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub tables: Vec<(&'static str, u64)>,
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

const DAY_MS: i64 = 86_400_000;

/// What every generator shares.
pub(crate) struct Gen<'a> {
    pub db: &'a Db,
    pub rng: Rng,
    pub accounts: Vec<DemoAccount>,
    pub rows: u64,
    pub anchor: i64,
    /// The demo covers this many milliseconds before the anchor.
    pub window: i64,
    /// The rows written so far, and what is being written (on a terminal).
    pub progress: indicatif::ProgressBar,
}

impl Gen<'_> {
    /// A random instant in the window, in whole milliseconds.
    pub fn instant(&mut self) -> i64 {
        self.anchor - self.rng.i64(0..self.window)
    }

    pub fn account(&mut self) -> DemoAccount {
        self.accounts[self.rng.usize(..self.accounts.len())].clone()
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(0..100) < percent
    }
}

/// True when the appliance data (accounts, calls, SIP sessions) is empty; the console's own
/// events (logins, user changes) do not count.
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    use sqlx::Row;
    let (sql, values) = db.backend.build(
        &sea_query::Query::select()
            .expr(sea_query::Expr::cust(
                "(SELECT COUNT(*) FROM account) + (SELECT COUNT(*) FROM sip_session) + (SELECT COUNT(*) FROM cdr)",
            ))
            .to_owned(),
    );
    let n: i64 = sqlx::query_with(&sql, values).fetch_one(&db.pool).await?.try_get(0)?;
    Ok(n == 0)
}

/// Fills an empty database. Refuses a database that already holds data, so that demo rows
/// never mix with real ones.
pub async fn fill(db: &Db, config: &DemoConfig) -> anyhow::Result<DemoSummary> {
    if !is_empty(db).await? {
        anyhow::bail!("the database already holds data; demo data goes only into an empty database");
    }
    let mut rng = Rng::with_seed(config.seed);
    let accounts = people::accounts((config.rows / 25).clamp(12, 400) as usize, &mut rng);
    let progress = crate::progress::counter("accounts and console logs");
    let mut gen = Gen { db, rng, accounts, rows: config.rows, anchor: config.anchor_ms, window: 30 * DAY_MS, progress };
    let mut summary = DemoSummary::default();
    let mut clock = std::time::Instant::now();
    // Each phase's time goes into the summary; the display names the next one.
    let mut lap = |summary: &mut DemoSummary, gen: &Gen<'_>, done, next: &'static str| {
        summary.timings.push((done, clock.elapsed()));
        clock = std::time::Instant::now();
        gen.progress.set_message(next);
    };
    for p in crate::partitions::partitioned(db).await? {
        crate::partitions::prepare(db, &p.table, gen.anchor - gen.window, gen.anchor).await?;
    }
    summary.tables.push(("account", write_accounts(&gen).await?));
    summary.tables.extend(console::generate(&mut gen).await?);
    lap(&mut summary, &gen, "accounts and console logs", "call detail records");
    summary.tables.push(("cdr", calls::generate(&mut gen).await?));
    lap(&mut summary, &gen, "call detail records", "SIP sessions");
    summary.tables.push(("sip_session", sip::generate(&mut gen).await?));
    lap(&mut summary, &gen, "SIP sessions", "messages");
    summary.tables.extend(messages::generate(&mut gen).await?);
    lap(&mut summary, &gen, "messages", "counts and statistics");
    let after = db.backend.after_bulk_load();
    for sql in &after {
        sqlx::query(sql).execute(&db.writer).await?;
    }
    if !after.is_empty() {
        lap(&mut summary, &gen, "counts and statistics", "");
    }
    gen.progress.finish_and_clear();
    Ok(summary)
}

async fn write_accounts(gen: &Gen<'_>) -> anyhow::Result<u64> {
    let mut out = BatchInsert::with_ids(gen.db, &gen.progress);
    for a in &gen.accounts {
        out.row(Account {
            id: a.id,
            username: a.username.clone(),
            description: a.description.clone(),
            phone_number: a.phone_number.clone(),
            group_name: a.group_name.clone(),
            platform: Some(a.platform),
            online: false,
            last_seen: None,
        })
        .await?;
    }
    out.finish().await
}
