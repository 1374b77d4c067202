//! API tokens: how a machine calls `/api/v1` (`Authorization: Bearer <token>`). A token is
//! 256 random bits shown once, when it is made; `api_token` keeps only its SHA-256, so a copy
//! of the database lets no one in. Its scope decides the capability it yields: a `read` token
//! a [`Caller`] with the auditor's role (reads and exports; changes nothing, having no form
//! token), an `ingest` token an [`Ingester`] (the only way to write through the API).
//! Creation and revocation are audited like changes of console users; every refused token is
//! a Security Event, and an address that keeps sending bad tokens is throttled like a login.

use super::capability::{Caller, Credential, Ingester};
use super::session::{key_of, random_token};
use super::users::{self, Actor};
use crate::codes::{AuditChange, Role, TokenScope};
use crate::db::count::DAY_MS;
use crate::db::Db;
use crate::error::AppError;
use sea_query::{Alias, Expr, Order, Query};
use sqlx::Row;

/// The Auditing object type of API tokens.
pub const OBJECT_TYPE: &str = "ApiToken";
/// What every token starts with, so that a leaked one is recognisable (secret scanners).
const PREFIX: &str = "pslog_";
/// Last-used times are written at most this often, to spare the database a write per batch.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A token as its holder has it: shown once, never stored, serialized or printed.
pub struct ApiToken(String);

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

impl ApiToken {
    /// The token's text, for the one time it is shown to whoever made it.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

/// A stored token, as the Console users page lists it (no hash).
#[derive(Clone, Debug, PartialEq)]
pub struct TokenRecord {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl TokenRecord {
    /// Why this token opens nothing at `now`, if it does not: revoked, or expired.
    pub fn refusal(&self, now: i64) -> Option<Refusal> {
        if self.revoked_at.is_some() {
            Some(Refusal::Revoked)
        } else if self.expires_at.is_some_and(|e| e <= now) {
            Some(Refusal::Expired)
        } else {
            None
        }
    }

    /// Its state as lists show it: "live", "expired" or "revoked <when>" (`time` formats).
    pub fn state(&self, now: i64, time: impl Fn(i64) -> String) -> String {
        match (self.refusal(now), self.revoked_at) {
            (None, _) => "live".to_owned(),
            (Some(Refusal::Revoked), Some(at)) => format!("revoked {}", time(at)),
            (Some(_), _) => "expired".to_owned(),
        }
    }
}

fn table() -> Alias {
    Alias::new("api_token")
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

const COLUMNS: [&str; 8] =
    ["id", "name", "scope", "created_by", "created_at", "expires_at", "last_used_at", "revoked_at"];

fn decode(row: &sqlx::any::AnyRow) -> Result<TokenRecord, AppError> {
    let scope: String = row.try_get(2)?;
    Ok(TokenRecord {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        scope: scope.parse().map_err(|e| AppError::internal("stored token scope", e))?,
        created_by: row.try_get(3)?,
        created_at: row.try_get(4)?,
        expires_at: row.try_get(5)?,
        last_used_at: row.try_get(6)?,
        revoked_at: row.try_get(7)?,
    })
}

/// A token name: 1 to 64 letters, digits, `.`, `_` or `-` (it names the machine: `pbx-1`).
pub fn valid_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(AppError::BadRequest(format!(
            "'{name}' cannot name a token: use 1 to 64 letters, digits, '.', '_' or '-'."
        )))
    }
}

/// Every token, live ones first, newest first.
pub async fn list(db: &Db) -> Result<Vec<TokenRecord>, AppError> {
    let select = Query::select()
        .columns(COLUMNS.map(Alias::new))
        .from(table())
        .order_by_expr(col("revoked_at").is_null(), Order::Desc)
        .order_by(Alias::new("id"), Order::Desc)
        .to_owned();
    db.fetch_all(&select).await?.iter().map(decode).collect()
}

/// Makes a token; returns it (shown once) and its record. `valid_days`: None, no expiry.
pub async fn add(
    db: &Db,
    actor: Actor<'_>,
    name: &str,
    scope: TokenScope,
    valid_days: Option<i64>,
    now: i64,
) -> Result<(ApiToken, TokenRecord), AppError> {
    let name = valid_name(name)?;
    let live = Query::select()
        .column(Alias::new("id"))
        .from(table())
        .and_where(col("name").eq(name.clone()))
        .and_where(col("revoked_at").is_null())
        .to_owned();
    if db.fetch_optional(&live).await?.is_some() {
        return Err(AppError::Conflict(format!("There is already a live token named '{name}'; revoke it first.")));
    }
    let token = ApiToken(format!("{PREFIX}{}", random_token()));
    let insert = Query::insert()
        .into_table(table())
        .columns(["name", "scope", "token_hash", "created_by", "created_at", "expires_at"].map(Alias::new))
        .values_panic([
            name.clone().into(),
            scope.code().into(),
            key_of(token.reveal()).into(),
            actor.name().into(),
            now.into(),
            valid_days.map(|d| now + d * DAY_MS).into(),
        ])
        .to_owned();
    let mut tx = db.begin().await?;
    tx.execute(&insert).await?;
    let what = format!("API token {name} added with scope {}", scope.code());
    users::journal(&mut tx, &actor, now, AuditChange::Insert, (OBJECT_TYPE, &name), &what).await?;
    tx.commit().await?;
    let record = find(db, &key_of(token.reveal())).await?.ok_or_else(|| AppError::internal("token", "vanished"))?;
    Ok((token, record))
}

/// Revokes a live token: it opens nothing from now on.
pub async fn revoke(db: &Db, actor: Actor<'_>, id: i64, now: i64) -> Result<TokenRecord, AppError> {
    let select = Query::select().columns(COLUMNS.map(Alias::new)).from(table()).and_where(col("id").eq(id)).to_owned();
    let token = db
        .fetch_optional(&select)
        .await?
        .as_ref()
        .map(decode)
        .transpose()?
        .filter(|t| t.revoked_at.is_none())
        .ok_or_else(|| AppError::NotFound(format!("There is no live API token with id {id}.")))?;
    let update = Query::update()
        .table(table())
        .value(Alias::new("revoked_at"), now)
        .and_where(col("id").eq(id))
        .and_where(col("revoked_at").is_null())
        .to_owned();
    let mut tx = db.begin().await?;
    tx.execute(&update).await?;
    let what = format!("API token {} revoked", token.name);
    users::journal(&mut tx, &actor, now, AuditChange::Update, (OBJECT_TYPE, &token.name), &what).await?;
    tx.commit().await?;
    Ok(TokenRecord { revoked_at: Some(now), ..token })
}

async fn find(db: &Db, hash: &str) -> Result<Option<TokenRecord>, AppError> {
    let select =
        Query::select().columns(COLUMNS.map(Alias::new)).from(table()).and_where(col("token_hash").eq(hash)).to_owned();
    db.fetch_optional(&select).await?.as_ref().map(decode).transpose()
}

/// What a bearer token opens.
#[derive(Debug)]
pub enum Authenticated {
    Reader(Box<Caller>),
    Ingester(Ingester),
}

/// Why a bearer token was refused (said to the caller and written to Security Events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Revoked,
    Expired,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Unknown => "This API token is not known to this console.",
            Refusal::Revoked => "This API token was revoked.",
            Refusal::Expired => "This API token has expired.",
        }
    }
}

/// The capability `token` yields, or why it yields none. Refusals are written to Security
/// Events (the principal is the token's name when it is a known one).
pub async fn authenticate(
    db: &Db,
    token: &str,
    ip: &str,
    now: i64,
) -> Result<Result<Authenticated, Refusal>, AppError> {
    let found = find(db, &key_of(token.trim())).await?;
    let refusal = match &found {
        None => Err(Refusal::Unknown),
        Some(t) => t.refusal(now).map_or(Ok(()), Err),
    };
    let token = match (found, refusal) {
        (Some(token), Ok(())) => token,
        (found, refusal) => {
            let refusal = refusal.err().unwrap_or(Refusal::Unknown);
            let principal = found.map(|t| format!("token:{}", t.name)).unwrap_or_default();
            let mut tx = db.begin().await?;
            let text = format!("API token refused: {}", refusal.message());
            super::journal::security(&mut tx, now, crate::codes::SecurityEventType::LoginFailed, &text, &principal, ip)
                .await?;
            tx.commit().await?;
            return Ok(Err(refusal));
        }
    };
    if token.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY_MS) {
        let touch = Query::update()
            .table(table())
            .value(Alias::new("last_used_at"), now)
            .and_where(col("id").eq(token.id))
            .to_owned();
        db.execute(&touch).await?;
    }
    Ok(Ok(match token.scope {
        TokenScope::Read => Authenticated::Reader(Box::new(Caller {
            user_id: token.id,
            username: format!("token:{}", token.name),
            role: Role::Auditor,
            credential: Credential::ReadToken,
            ip: ip.to_owned(),
        })),
        TokenScope::Ingest => {
            Authenticated::Ingester(Ingester { token_id: token.id, name: token.name, ip: ip.to_owned() })
        }
    }))
}
