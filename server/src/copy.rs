//! `pslog copy --from URL --to URL`: moves a whole database to another, SQLite to PostgreSQL
//! or back (SPEC §8).
//!
//! Tables go in an order that satisfies their references (accounts before the CDRs that name
//! them), each in batches in the order of its id, one transaction per batch; the settings go
//! last, so that a No-CDR setting does not drop the direct calls being copied. A batch is
//! written whole or not at all, so an interrupted copy is resumed (`--resume`) from each
//! table's highest id in the destination. Where each table's ids go on from is carried over
//! too, so ids of rows deleted in the source are not handed out again in the destination.
//! At the end every table is counted and checksummed on both sides (SHA-256 over its rows in
//! id order, each value with its type), and a difference fails the command.

use anyhow::{bail, Context};
use app::db::{Backend, Db};
use sea_query::{Alias, Asterisk, Expr, Order, Query, SimpleExpr, Value};
use sha2::{Digest, Sha256};
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{Column, Executor, Row, TypeInfo};

/// How a table is read, written and resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Paged by its integer `id`; `sequence`: its ids come from the database (carried over).
    Keyed { sequence: bool },
    /// Small, without an integer id: copied in one transaction, ordered by these columns.
    Whole(&'static [&'static str]),
    /// The one-row tables (settings, forwarding state): replaced at the end.
    Single,
    /// Kept by the destination's own triggers as the rows arrive (the logs' hourly counts):
    /// not copied, but verified like the others, ordered by every column.
    Derived,
}

#[derive(Clone, Copy)]
struct Table {
    name: &'static str,
    shape: Shape,
}

const fn keyed(name: &'static str, sequence: bool) -> Table {
    Table { name, shape: Shape::Keyed { sequence } }
}

/// Every table, in the order they are copied. A table of the source that is not here stops
/// the copy before anything is written.
const TABLES: &[Table] = &[
    keyed("account", false),
    keyed("console_user", true),
    Table { name: "console_session", shape: Shape::Whole(&["token_hash"]) },
    keyed("api_token", true),
    Table { name: "ingest_batch", shape: Shape::Whole(&["token_id", "idempotency_key"]) },
    keyed("web_session", true),
    keyed("security_event", true),
    keyed("system_event", true),
    keyed("audit_event", true),
    keyed("cdr", true),
    keyed("sip_session", true),
    keyed("secure_message", true),
    keyed("install_message", true),
    keyed("activation_message", true),
    Table { name: "settings", shape: Shape::Single },
    Table { name: "cef_forwarding", shape: Shape::Single },
];

/// Every table: [`TABLES`], then the hourly counts of the logs that keep them and the CDRs'
/// per-account hourly and daily counts.
fn all_tables() -> impl Iterator<Item = Table> {
    let derived = app::list::Category::count_tables();
    TABLES.iter().copied().chain(derived.map(|name| Table { name, shape: Shape::Derived }))
}

/// Rows per batch unless told otherwise.
pub const BATCH_ROWS: u64 = 1000;

/// What a column holds, as the source declares it.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Integer,
    Text,
}

async fn columns(db: &Db, table: &str) -> anyhow::Result<Vec<(String, Kind)>> {
    let describe = (&db.pool).describe(&format!("SELECT * FROM {table}")).await?;
    describe
        .columns()
        .iter()
        .map(|c| {
            let kind = match c.type_info().kind() {
                AnyTypeInfoKind::SmallInt
                | AnyTypeInfoKind::Integer
                | AnyTypeInfoKind::BigInt
                | AnyTypeInfoKind::Bool => Kind::Integer,
                AnyTypeInfoKind::Text => Kind::Text,
                other => bail!(
                    "{table}.{}: a column of type {other:?} ({}) cannot be copied",
                    c.name(),
                    c.type_info().name()
                ),
            };
            Ok((c.name().to_owned(), kind))
        })
        .collect()
}

fn value(row: &AnyRow, i: usize, kind: Kind) -> anyhow::Result<Value> {
    Ok(match kind {
        Kind::Integer => Value::BigInt(row.try_get::<Option<i64>, _>(i)?),
        Kind::Text => Value::String(row.try_get::<Option<String>, _>(i)?.map(Box::new)),
    })
}

async fn scalar(db: &Db, sql: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query(sql).fetch_one(&db.pool).await.with_context(|| sql.to_owned())?.try_get(0)?)
}

async fn count(db: &Db, table: &str) -> anyhow::Result<i64> {
    let statement = Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new(table)).to_owned();
    let (sql, values) = db.backend.build(&statement);
    Ok(sqlx::query_with(&sql, values).fetch_one(&db.pool).await?.try_get(0)?)
}

fn order_columns(table: &Table) -> Vec<&'static str> {
    match table.shape {
        Shape::Keyed { .. } | Shape::Single => vec!["id"],
        Shape::Whole(key) => key.to_vec(),
        Shape::Derived => Vec::new(),
    }
}

/// Copies `from` into `to` (see the module); `resume` goes on with a copy into a destination
/// that already holds rows.
pub async fn copy(from: &Db, to: &Db, resume: bool, batch_rows: u64) -> anyhow::Result<()> {
    let known: Vec<&str> = all_tables().map(|t| t.name).collect();
    for side in [from, to] {
        let tables: Vec<String> =
            sqlx::query(side.backend.tables_sql()).fetch_all(&side.pool).await?.iter().map(|r| r.get(0)).collect();
        if let Some(unknown) = tables.iter().find(|t| !known.contains(&t.as_str())) {
            bail!("pslog copy does not know the table '{unknown}'; nothing was copied");
        }
    }
    if !resume {
        for table in TABLES.iter().filter(|t| t.shape != Shape::Single) {
            if count(to, table.name).await? > 0 {
                bail!(
                    "the destination already holds rows (table '{}'): copy into an empty database, or add --resume \
                     to go on with an interrupted copy",
                    table.name
                );
            }
        }
    }
    for table in TABLES {
        let copied = copy_table(from, to, table, batch_rows).await?;
        eprintln!("  {:<20} {copied:>9} rows copied", table.name);
    }
    for sql in to.backend.after_bulk_load() {
        sqlx::query(&sql).execute(&to.writer).await?;
    }
    verify(from, to).await
}

async fn copy_table(from: &Db, to: &Db, table: &Table, batch_rows: u64) -> anyhow::Result<u64> {
    let columns = columns(from, table.name).await?;
    let names: Vec<Alias> = columns.iter().map(|(n, _)| Alias::new(n)).collect();
    let total = count(from, table.name).await?.max(0) as u64;
    let bar = crate::progress::bar(total, table.name, crate::progress::Counts::Rows);
    let mut copied = 0;
    match table.shape {
        Shape::Keyed { sequence } => {
            // The source's months, made before its rows arrive (else a default partition takes them).
            crate::partitions::prepare_like(to, table.name, from).await?;
            // Resumed from what the destination already has: batches are written whole.
            let mut last = scalar(to, &format!("SELECT COALESCE(MAX(id), 0) FROM {}", table.name)).await?;
            bar.set_position(count(to, table.name).await?.max(0) as u64);
            loop {
                let page = Query::select()
                    .column(Asterisk)
                    .from(Alias::new(table.name))
                    .and_where(Expr::col(Alias::new("id")).gt(last))
                    .order_by(Alias::new("id"), Order::Asc)
                    .limit(batch_rows)
                    .to_owned();
                let (sql, values) = from.backend.build(&page);
                let rows = sqlx::query_with(&sql, values).fetch_all(&from.pool).await?;
                let Some(end) = rows.last() else { break };
                last = end.try_get("id")?;
                write(to, table.name, &names, &columns, &rows, false).await?;
                copied += rows.len() as u64;
                bar.inc(rows.len() as u64);
            }
            if sequence {
                let next = scalar(from, &from.backend.last_id_sql(table.name)).await?;
                for sql in to.backend.set_last_id_sql(table.name) {
                    sqlx::query(&sql).bind(next).execute(&to.writer).await.with_context(|| sql.clone())?;
                }
            }
        }
        Shape::Derived => {}
        Shape::Whole(_) | Shape::Single => {
            let replace = table.shape == Shape::Single;
            if replace || count(to, table.name).await? == 0 {
                let mut all = Query::select().column(Asterisk).from(Alias::new(table.name)).to_owned();
                for column in order_columns(table) {
                    all.order_by(Alias::new(column), Order::Asc);
                }
                let (sql, values) = from.backend.build(&all);
                let rows = sqlx::query_with(&sql, values).fetch_all(&from.pool).await?;
                write(to, table.name, &names, &columns, &rows, replace).await?;
                copied = rows.len() as u64;
            }
        }
    }
    bar.finish_and_clear();
    Ok(copied)
}

/// Writes `rows` in one transaction (first emptying the table when `replace`).
async fn write(
    to: &Db,
    table: &str,
    names: &[Alias],
    columns: &[(String, Kind)],
    rows: &[AnyRow],
    replace: bool,
) -> anyhow::Result<()> {
    let mut tx = to.begin().await?;
    if replace {
        tx.execute(&Query::delete().from_table(Alias::new(table)).to_owned()).await?;
    }
    // The bound-parameter limit of SQLite (32,766) bounds a statement's rows.
    let per_statement = (30_000 / columns.len().max(1)).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut insert = Query::insert().into_table(Alias::new(table)).columns(names.to_vec()).to_owned();
        for row in chunk {
            let values = columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| value(row, i, *kind).map(SimpleExpr::Value))
                .collect::<anyhow::Result<Vec<_>>>()?;
            insert.values(values)?;
        }
        tx.execute(&insert).await.with_context(|| format!("writing {table}"))?;
    }
    tx.commit().await?;
    Ok(())
}

/// A table's row count and SHA-256 over its rows in order, every value with its type.
async fn fingerprint(db: &Db, table: &Table) -> anyhow::Result<(u64, String)> {
    let columns = columns(db, table.name).await?;
    let mut all = Query::select().column(Asterisk).from(Alias::new(table.name)).to_owned();
    for column in order_columns(table) {
        all.order_by(Alias::new(column), Order::Asc);
    }
    if table.shape == Shape::Derived {
        for (column, _) in &columns {
            all.order_by(Alias::new(column), Order::Asc);
        }
    }
    let (sql, values) = db.backend.build(&all);
    let mut rows = sqlx::query_with(&sql, values).fetch(&db.pool);
    let (mut hash, mut n) = (Sha256::new(), 0u64);
    use futures::TryStreamExt;
    while let Some(row) = rows.try_next().await? {
        for (i, (name, kind)) in columns.iter().enumerate() {
            hash.update(name.as_bytes());
            match value(&row, i, *kind)? {
                Value::BigInt(Some(v)) => hash.update(format!("=i{v};")),
                Value::String(Some(text)) => hash.update(format!("=t{}:{text};", text.len())),
                _ => hash.update("=null;"),
            }
        }
        n += 1;
    }
    Ok((n, hex::encode(hash.finalize())))
}

async fn verify(from: &Db, to: &Db) -> anyhow::Result<()> {
    let mut differ = Vec::new();
    eprintln!("verifying (rows and SHA-256 of each table on both sides):");
    for table in all_tables() {
        let (source, destination) = (fingerprint(from, &table).await?, fingerprint(to, &table).await?);
        let same = source == destination;
        eprintln!(
            "  {:<20} {:>9} rows  {}  {}",
            table.name,
            destination.0,
            &destination.1[..16],
            if same { "same" } else { "DIFFERENT" }
        );
        if !same {
            differ.push(format!("{} ({} rows in the source, {} copied)", table.name, source.0, destination.0));
        }
    }
    if !differ.is_empty() {
        bail!("the copy differs from the source: {}", differ.join(", "));
    }
    Ok(())
}

/// Refuses to copy a database onto itself.
pub fn check_urls(from: &str, to: &str) -> anyhow::Result<()> {
    if from == to {
        bail!("--from and --to name the same database");
    }
    for url in [from, to] {
        Backend::from_url(url).with_context(|| format!("unsupported database URL '{url}'"))?;
    }
    Ok(())
}
