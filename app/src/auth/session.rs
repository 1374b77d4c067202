//! Console sessions, stored in `console_session` so that they survive a restart. The browser
//! holds a random token; the table holds only its SHA-256, so a copy of the database does not
//! let anyone in. A session idle for longer than the configured time has expired: it is
//! deleted and a SESSION_TIMEOUT row is written, exactly once, whoever notices first (the
//! next request with its cookie, or the background sweep).

use super::capability::{Caller, Credential};
use super::journal;
use crate::codes::{AuthResult, Role, SecurityEventType};
use crate::db::{Db, Tx};
use crate::error::AppError;
use rand_core::{OsRng, RngCore};
use sea_query::{Alias, Expr, Query};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::time::Duration;

/// The idle time after which a session ends, unless configured otherwise.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(30 * 60);
/// A session's last-seen time is written at most this often, to spare the database.
const TOUCH_EVERY_MS: i64 = 15_000;

/// 256 random bits, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The key under which a session token is stored.
pub fn key_of(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A session token as the browser holds it: never serialized, never printed.
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

impl SessionToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn table() -> Alias {
    Alias::new("console_session")
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// `columns` of the sessions (as `s`) joined to their users (as `u`); callers add the filter.
fn with_user(columns: &[(&str, &str)]) -> sea_query::SelectStatement {
    let mut select = Query::select();
    for (table, column) in columns {
        select.expr(Expr::col((Alias::new(*table), Alias::new(*column))));
    }
    select
        .from_as(table(), Alias::new("s"))
        .join_as(
            sea_query::JoinType::InnerJoin,
            Alias::new("console_user"),
            Alias::new("u"),
            Expr::col((Alias::new("u"), Alias::new("id"))).equals((Alias::new("s"), Alias::new("user_id"))),
        )
        .to_owned()
}

fn session_col(name: &str) -> Expr {
    Expr::col((Alias::new("s"), Alias::new(name)))
}

/// Starts a session for `user_id`.
pub async fn create(db: &Db, user_id: i64, ip: &str, now: i64) -> Result<SessionToken, AppError> {
    let token = random_token();
    let insert = Query::insert()
        .into_table(table())
        .columns(["token_hash", "user_id", "csrf_token", "ip_address", "created_at", "last_seen_at"].map(Alias::new))
        .values_panic([key_of(&token).into(), user_id.into(), random_token().into(), ip.into(), now.into(), now.into()])
        .to_owned();
    db.execute(&insert).await?;
    Ok(SessionToken(token))
}

/// What a session cookie turned out to be.
pub enum Lookup {
    Active(Box<Caller>),
    /// It was idle too long; it is gone now and its timeout is logged.
    Expired,
    /// Unknown, ended, or its user was disabled.
    Unknown,
}

/// Resolves a session token at `now`, refreshing its last-seen time.
pub async fn lookup(db: &Db, token: &str, idle: Duration, now: i64) -> Result<Lookup, AppError> {
    let key = key_of(token);
    let select = with_user(&[
        ("s", "user_id"),
        ("s", "csrf_token"),
        ("s", "ip_address"),
        ("s", "last_seen_at"),
        ("u", "username"),
        ("u", "role"),
        ("u", "disabled"),
    ])
    .and_where(session_col("token_hash").eq(key.clone()))
    .to_owned();
    let Some(row) = db.fetch_optional(&select).await? else {
        return Ok(Lookup::Unknown);
    };
    let (ip, last_seen, username): (String, i64, String) = (row.try_get(2)?, row.try_get(3)?, row.try_get(4)?);
    if row.try_get::<i64, _>(6)? != 0 {
        // A disabled user's session: gone (disabling ended it already; this is a leftover).
        db.execute(&delete_session(&key)).await?;
        return Ok(Lookup::Unknown);
    }
    if now - last_seen > idle.as_millis() as i64 {
        expire(db, &Idle { key: &key, ip: &ip, username: &username }, now - idle.as_millis() as i64, now).await?;
        return Ok(Lookup::Expired);
    }
    if now - last_seen > TOUCH_EVERY_MS {
        let touch = Query::update()
            .table(table())
            .value(Alias::new("last_seen_at"), now)
            .and_where(col("token_hash").eq(key.clone()))
            .to_owned();
        db.execute(&touch).await?;
    }
    let role: String = row.try_get(5)?;
    Ok(Lookup::Active(Box::new(Caller {
        user_id: row.try_get(0)?,
        credential: Credential::Session { csrf: row.try_get(1)?, session_key: key },
        ip,
        username,
        role: role.parse::<Role>().map_err(|e| AppError::internal("stored role", e))?,
    })))
}

/// Ends a session (logout), in the transaction that logs it. Whether it existed.
pub async fn end(tx: &mut Tx, key: &str) -> Result<bool, AppError> {
    Ok(tx.execute(&delete_session(key)).await? > 0)
}

fn delete_session(key: &str) -> sea_query::DeleteStatement {
    Query::delete().from_table(table()).and_where(col("token_hash").eq(key)).to_owned()
}

/// Ends every session of a user (disabled, role or password changed by an admin), in the
/// transaction of that change.
pub async fn end_all_of(tx: &mut Tx, user_id: i64) -> Result<u64, AppError> {
    let delete = Query::delete().from_table(table()).and_where(col("user_id").eq(user_id)).to_owned();
    Ok(tx.execute(&delete).await?)
}

/// A session found idle, with what its timeout is logged with.
struct Idle<'a> {
    key: &'a str,
    ip: &'a str,
    username: &'a str,
}

/// Deletes one session if it is still idle since before `cutoff`, and logs its timeout in the
/// same transaction, so that two observers cannot both log it.
async fn expire(db: &Db, idle: &Idle<'_>, cutoff: i64, now: i64) -> Result<bool, AppError> {
    let delete = Query::delete()
        .from_table(table())
        .and_where(col("token_hash").eq(idle.key))
        .and_where(col("last_seen_at").lt(cutoff))
        .to_owned();
    let mut tx = db.begin().await?;
    if tx.execute(&delete).await? == 0 {
        return Ok(false);
    }
    journal::web_session(&mut tx, now, &[AuthResult::SessionTimeout], journal::ANONYMOUS_USER, idle.ip).await?;
    let text = "Logout due to session timeout";
    journal::security(&mut tx, now, SecurityEventType::LogOut, text, idle.username, idle.ip).await?;
    tx.commit().await?;
    Ok(true)
}

/// Ends every session idle for longer than `idle`, logging each timeout. How many ended.
pub async fn sweep(db: &Db, idle: Duration, now: i64) -> Result<u64, AppError> {
    let cutoff = now - idle.as_millis() as i64;
    let select = with_user(&[("s", "token_hash"), ("s", "ip_address"), ("u", "username")])
        .and_where(session_col("last_seen_at").lt(cutoff))
        .to_owned();
    let mut ended = 0;
    for row in db.fetch_all(&select).await? {
        let (key, ip, username): (String, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        if expire(db, &Idle { key: &key, ip: &ip, username: &username }, cutoff, now).await? {
            ended += 1;
        }
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(key_of(&a), key_of(&a));
        assert_ne!(key_of(&a), a);
        assert_eq!(format!("{:?}", SessionToken(a)), "SessionToken(<redacted>)");
    }
}
