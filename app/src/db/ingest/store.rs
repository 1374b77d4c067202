//! Storing a parsed batch: one transaction for its rows, the account ids they left out, and
//! its `Idempotency-Key` with the answer, so that a batch is all there or not at all and a
//! retry with the same key gets the first answer and writes nothing again.

use super::{parse, refuses_row, BodyFormat, Parsed, RecordError, MAX_ERRORS};
use crate::auth::Ingester;
use crate::categories::with_log_table;
use crate::db::list::LogTable;
use crate::db::record::{insert_values, Stored};
use crate::db::{AppState, Db, Tx};
use crate::error::AppError;
use crate::list::{Category, Column, Record};
use sea_query::{Alias, Expr, OnConflict, Query, Value};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// How long an `Idempotency-Key` is remembered.
pub const IDEMPOTENCY_MS: i64 = 24 * 3_600_000;

/// A batch as the HTTP handler received it.
pub struct Batch {
    pub category: Category,
    pub format: BodyFormat,
    pub idempotency_key: Option<String>,
    pub body: bytes::Bytes,
}

/// The answer to an accepted batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Accepted {
    /// Records in the batch.
    pub accepted: usize,
    /// Rows stored: fewer than accepted only when the database declines rows on purpose
    /// (direct calls under the No-CDR privacy option).
    pub stored: usize,
    /// The first and last id given to the stored rows (for accounts, the least and greatest
    /// id sent); absent when none was stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<[i64; 2]>,
}

/// The answer to a refused batch: every bad record (up to [`super::MAX_ERRORS`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rejected {
    pub errors: Vec<RecordError>,
}

/// Parses (off the async threads) and stores a batch sent by `ingester`.
pub async fn receive(
    state: &AppState,
    ingester: &Ingester,
    batch: Batch,
) -> Result<Result<Accepted, Rejected>, AppError> {
    with_log_table!(batch.category, T => receive_into::<T>(state, ingester, batch).await)
}

async fn receive_into<T: LogTable>(
    state: &AppState,
    ingester: &Ingester,
    batch: Batch,
) -> Result<Result<Accepted, Rejected>, AppError> {
    let category = batch.category;
    if !T::ingestible() {
        return Err(AppError::MethodNotAllowed(format!(
            "{} is derived by the console from SIP Sessions; it cannot be sent.",
            category.spec().title
        )));
    }
    // Accounts keep the appliance's ids: sent again, an account is updated.
    let upsert = super::upserts(category);
    let (body, format) = (batch.body, batch.format);
    let started = std::time::Instant::now();
    let identity = state.db.settings().await?.cef;
    let parsed = tokio::task::spawn_blocking(move || {
        parse::<T::Row>(&body, format, upsert).map(|mut parsed| {
            parsed.rows.iter_mut().for_each(|row| T::ingested(row, &identity));
            parsed
        })
    })
    .await
    .map_err(|e| AppError::internal("ingest parser", e))?;
    let Parsed { rows, lines } = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(Rejected { errors })),
    };
    let parsed_in = started.elapsed();
    // Looked up inside the write transaction: two retries at once cannot both write.
    let mut tx = state.db.begin().await?;
    if let Some(key) = &batch.idempotency_key {
        if let Some(answer) = remembered(&mut tx, ingester, key, category).await? {
            return Ok(Ok(answer));
        }
    }
    let ids = match store::<T>(&mut tx, &rows, upsert).await {
        Ok(ids) => ids,
        Err(e) if refuses_row(&e).is_some() => {
            drop(tx);
            return Ok(Err(Rejected { errors: refused_rows::<T>(&state.db, &rows, &lines, upsert).await? }));
        }
        Err(e) => return Err(e.into()),
    };
    let accepted = Accepted {
        accepted: rows.len(),
        stored: ids.stored,
        ids: ids.first.zip(ids.last).map(|(first, last)| [first, last]),
    };
    if let Some(key) = &batch.idempotency_key {
        remember(&mut tx, ingester, key, category, &accepted).await?;
    }
    tx.commit().await?;
    tracing::info!(
        token = ingester.name(),
        log = category.slug(),
        rows = rows.len(),
        parse_ms = parsed_in.as_millis() as u64,
        store_ms = (started.elapsed() - parsed_in).as_millis() as u64,
        "batch ingested"
    );
    Ok(Ok(accepted))
}

/// An account id column a row carries, filled on ingest from another of its columns when
/// left out: `id` ← the account whose `key` equals the row's `by` (a CDR's caller number
/// names its account by phone number, a message's sender by username).
#[derive(Clone, Copy, Debug)]
pub struct AccountMatch {
    pub id: Column,
    pub by: Column,
    pub key: Column,
}

/// The ids a batch got: how many rows were stored, the first and the last. Rows that the
/// database declines on purpose (direct calls under No-CDR) are accepted but not stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StoredIds {
    pub stored: usize,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// Bound values per statement: under SQLite's limit of 32,766 (and PostgreSQL's 65,535).
const VALUES_PER_STATEMENT: usize = 30_000;

/// Which rows the database refuses, each tried alone in a transaction rolled back after it
/// (only when a batch was refused: the good path writes the batch whole).
async fn refused_rows<T: LogTable>(
    db: &Db,
    rows: &[T::Row],
    lines: &[usize],
    upsert: bool,
) -> Result<Vec<RecordError>, AppError> {
    let mut errors = Vec::new();
    for (row, line) in rows.iter().zip(lines) {
        let mut tx = db.begin().await?;
        match store::<T>(&mut tx, std::slice::from_ref(row), upsert).await {
            Ok(_) => {}
            Err(e) => match refuses_row(&e) {
                Some(message) => errors.push(RecordError { line: *line, field: String::new(), message }),
                None => return Err(e.into()),
            },
        }
        drop(tx);
        if errors.len() == MAX_ERRORS {
            break;
        }
    }
    Ok(errors)
}

/// Writes `rows` into `T`'s table in `tx`: new rows (ids from the database) or, `upsert`,
/// rows by their own ids (an existing id is updated). The account ids a row left out
/// ([`LogTable::ACCOUNT_MATCHES`]) are filled in before it is written, from one lookup of the
/// batch's distinct keys: each row is written once, and no index is touched twice.
pub async fn store<T: LogTable>(tx: &mut Tx, rows: &[T::Row], upsert: bool) -> Result<StoredIds, sqlx::Error> {
    let written: Vec<Column> = T::Row::COLUMNS.iter().copied().filter(|c| c.is_written(upsert)).collect();
    let position = |name: &str| written.iter().position(|c| c.name == name);
    let mut values: Vec<Vec<Value>> = rows.iter().map(|row| row.values(upsert)).collect();
    for m in T::ACCOUNT_MATCHES {
        let (Some(id), Some(by)) = (position(m.id.name), position(m.by.name)) else { continue };
        let accounts = account_ids(tx, m.key, values.iter().map(|row| &row[by])).await?;
        for row in &mut values {
            if let (Value::BigInt(None), Value::String(Some(key))) = (&row[id], &row[by]) {
                if let Some(account) = accounts.get(key.as_str()) {
                    row[id] = Value::BigInt(Some(*account));
                }
            }
        }
    }
    let per_statement = (VALUES_PER_STATEMENT / written.len().max(1)).max(1);
    let mut ids = StoredIds::default();
    let mut values = values.into_iter().peekable();
    while values.peek().is_some() {
        let mut statement = insert_values::<T::Row>(values.by_ref().take(per_statement), upsert);
        if upsert {
            let updated = written.iter().copied().filter(|c| c.name != Column::ID);
            statement.on_conflict(OnConflict::column(Alias::new(Column::ID)).update_columns(updated).to_owned());
        }
        statement.returning_col(Alias::new(Column::ID));
        for row in tx.fetch_all(&statement).await? {
            let id: i64 = row.try_get(0)?;
            ids.stored += 1;
            ids.first = Some(ids.first.map_or(id, |f| f.min(id)));
            ids.last = Some(ids.last.map_or(id, |l| l.max(id)));
        }
    }
    Ok(ids)
}

/// The account whose `key` column holds each of `values` (the least id when several do).
async fn account_ids(
    tx: &mut Tx,
    key: Column,
    values: impl Iterator<Item = &Value>,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let keys: HashSet<&str> = values
        .filter_map(|v| match v {
            Value::String(Some(s)) if !s.is_empty() => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let keys: Vec<String> = keys.into_iter().map(str::to_owned).collect();
    let mut found = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(VALUES_PER_STATEMENT) {
        let select = Query::select()
            .column(key)
            .expr(Expr::col(Alias::new(Column::ID)).min())
            .from(Alias::new("account"))
            .and_where(Expr::col(key).is_in(chunk.iter().cloned()))
            .group_by_col(key)
            .to_owned();
        for row in tx.fetch_all(&select).await? {
            found.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(found)
}

fn batches() -> Alias {
    Alias::new("ingest_batch")
}

/// The answer given the first time this token sent `key`, if it did (within the window).
async fn remembered(
    tx: &mut Tx,
    ingester: &Ingester,
    key: &str,
    category: Category,
) -> Result<Option<Accepted>, AppError> {
    let select = Query::select()
        .columns([Alias::new("resource"), Alias::new("answer")])
        .from(batches())
        .and_where(Expr::col(Alias::new("token_id")).eq(ingester.token_id()))
        .and_where(Expr::col(Alias::new("idempotency_key")).eq(key))
        .to_owned();
    let Some(row) = tx.fetch_all(&select).await?.into_iter().next() else { return Ok(None) };
    let resource: String = row.try_get(0)?;
    if resource != category.slug() {
        return Err(AppError::Conflict(format!(
            "This Idempotency-Key was used for a batch of '{resource}'; use a new key for each batch."
        )));
    }
    let answer: String = row.try_get(1)?;
    serde_json::from_str(&answer).map(Some).map_err(|e| AppError::internal("stored ingest answer", e))
}

async fn remember(
    tx: &mut Tx,
    ingester: &Ingester,
    key: &str,
    category: Category,
    answer: &Accepted,
) -> Result<(), AppError> {
    let answer = serde_json::to_string(answer).map_err(|e| AppError::internal("ingest answer", e))?;
    let insert = Query::insert()
        .into_table(batches())
        .columns(["token_id", "idempotency_key", "resource", "answer", "created_at"].map(Alias::new))
        .values_panic([
            ingester.token_id().into(),
            key.into(),
            category.slug().into(),
            answer.into(),
            chrono::Utc::now().timestamp_millis().into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Forgets idempotency keys older than [`IDEMPOTENCY_MS`] (the housekeeping task).
pub async fn forget_old_keys(db: &Db, now: i64) -> Result<u64, AppError> {
    let delete = Query::delete()
        .from_table(batches())
        .and_where(Expr::col(Alias::new("created_at")).lt(now - IDEMPOTENCY_MS))
        .to_owned();
    Ok(db.execute(&delete).await?)
}
