//! The console's users, stored in `console_user`. Every change goes through an admin's
//! capability (or the command line) and is written to Auditing and Security Events in the
//! same transaction.

use super::journal;
use super::password::{self, Password, StoredHash};
use super::session;
use super::AdminChange;
use crate::codes::{AuditChange, Role, SecurityEventType};
use crate::db::count::DAY_MS;
use crate::db::{Db, Tx};
use crate::error::AppError;
use sea_query::{Alias, Condition, Expr, Func, Order, Query, SimpleExpr};
use sqlx::Row;

/// The Auditing object type of console users.
pub const OBJECT_TYPE: &str = "ConsoleUser";

/// A stored console user, with the hash the login checks.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub password_hash: StoredHash,
    pub password_expires_at: Option<i64>,
    pub created_at: i64,
}

fn table() -> Alias {
    Alias::new("console_user")
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

const COLUMNS: [&str; 7] = ["id", "username", "role", "disabled", "password_hash", "password_expires_at", "created_at"];

fn decode(row: &sqlx::any::AnyRow) -> Result<UserRecord, AppError> {
    let role: String = row.try_get(2)?;
    Ok(UserRecord {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        role: role.parse().map_err(|e| AppError::internal("stored role", e))?,
        disabled: row.try_get::<i64, _>(3)? != 0,
        password_hash: StoredHash(row.try_get(4)?),
        password_expires_at: row.try_get(5)?,
        created_at: row.try_get(6)?,
    })
}

/// A username: 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
pub fn valid_username(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok && name != journal::ANONYMOUS_USER && name != journal::SYSTEM_USER {
        Ok(name.to_owned())
    } else {
        Err(AppError::BadRequest(format!(
            "'{name}' cannot be a username: use 1 to 64 letters, digits, '.', '_', '-' or '@' \
             (and not the reserved names '{}' or '{}').",
            journal::ANONYMOUS_USER,
            journal::SYSTEM_USER
        )))
    }
}

/// A username as typed at the login page, made safe to write to the logs: characters that
/// change how text around them reads (controls, bidirectional overrides and isolates,
/// zero-width characters) become U+FFFD, visibly; at most 64 characters. A real username
/// ([`valid_username`]) has none of them, so nothing that could log in is changed.
pub fn attempted_username(typed: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
    };
    typed.trim().chars().take(64).map(|c| if hidden(c) { '\u{FFFD}' } else { c }).collect()
}

/// Days a password (or an API token) stays valid: blank for "never", else 1 to 3650.
pub fn valid_days(text: &str) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(days) if (1..=3650).contains(&days) => Ok(Some(days)),
        _ => Err(AppError::BadRequest(format!(
            "'{text}' is not a number of days from 1 to 3650 (leave it blank for no expiry)."
        ))),
    }
}

pub async fn find(db: &Db, username: &str) -> Result<Option<UserRecord>, AppError> {
    find_where(db, col("username").eq(username.trim())).await
}

/// The user whose name is `username` in any case (names are unique case-insensitively).
async fn find_any_case(db: &Db, username: &str) -> Result<Option<UserRecord>, AppError> {
    let lower = Expr::expr(Func::lower(Expr::col(Alias::new("username"))));
    find_where(db, lower.eq(username.trim().to_ascii_lowercase())).await
}

async fn find_where(db: &Db, condition: SimpleExpr) -> Result<Option<UserRecord>, AppError> {
    let select = Query::select().columns(COLUMNS.map(Alias::new)).from(table()).and_where(condition).to_owned();
    db.fetch_optional(&select).await?.as_ref().map(decode).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<UserRecord>, AppError> {
    let select = Query::select()
        .columns(COLUMNS.map(Alias::new))
        .from(table())
        .order_by(Alias::new("username"), Order::Asc)
        .to_owned();
    db.fetch_all(&select).await?.iter().map(decode).collect()
}

/// How many users there are.
pub async fn count(db: &Db) -> Result<i64, AppError> {
    count_where(db, Condition::all()).await
}

async fn count_where(db: &Db, condition: Condition) -> Result<i64, AppError> {
    Ok(db.fetch_optional(&counting(condition)).await?.map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0))
}

/// How many users meet `condition`: the statement, for a `Db` or a `Tx`.
fn counting(condition: Condition) -> sea_query::SelectStatement {
    Query::select().expr(Expr::col(Alias::new("id")).count()).from(table()).cond_where(condition).to_owned()
}

/// Who makes a change: an admin in the console (with their address), or the command line.
pub enum Actor<'a> {
    Admin(&'a AdminChange),
    CommandLine,
}

impl Actor<'_> {
    pub(crate) fn name(&self) -> &str {
        match self {
            Actor::Admin(a) => &a.caller().username,
            Actor::CommandLine => journal::SYSTEM_USER,
        }
    }

    pub(crate) fn ip(&self) -> &str {
        match self {
            Actor::Admin(a) => &a.caller().ip,
            Actor::CommandLine => "127.0.0.1",
        }
    }
}

/// A change of the console's access (a user, an API token): to Auditing, and as a security
/// configuration change to Security Events.
pub(crate) async fn journal(
    tx: &mut Tx,
    actor: &Actor<'_>,
    at: i64,
    change: AuditChange,
    (object_type, object_id): (&str, &str),
    what: &str,
) -> Result<(), AppError> {
    journal::audit(tx, at, actor.name(), change, object_type, object_id).await?;
    journal::security(tx, at, SecurityEventType::SecurityConfigurationChange, what, actor.name(), actor.ip()).await
}

/// Creates a user. `valid_days`: how long the password stays valid (None: no expiry).
pub async fn add(
    db: &Db,
    actor: Actor<'_>,
    username: &str,
    role: Role,
    password: Password,
    valid_days: Option<i64>,
    now: i64,
) -> Result<i64, AppError> {
    let username = valid_username(username)?;
    if let Some(existing) = find_any_case(db, &username).await? {
        return Err(AppError::Conflict(format!(
            "There is already a console user named '{}': usernames differ by more than case.",
            existing.username
        )));
    }
    let hash = password::hash(password).await?;
    let insert = Query::insert()
        .into_table(table())
        .columns(["username", "role", "password_hash", "disabled", "password_expires_at", "created_at"].map(Alias::new))
        .values_panic([
            username.clone().into(),
            role.code().into(),
            hash.0.into(),
            0i64.into(),
            valid_days.map(|d| now + d * DAY_MS).into(),
            now.into(),
        ])
        .to_owned();
    let mut tx = db.begin().await?;
    tx.execute(&insert).await?;
    let what = format!("Console user {username} added with role {}", role.code());
    journal(&mut tx, &actor, now, AuditChange::Insert, (OBJECT_TYPE, &username), &what).await?;
    tx.commit().await?;
    let user = find(db, &username).await?.ok_or_else(|| AppError::internal("console user", "vanished after insert"))?;
    Ok(user.id)
}

/// The changes an admin can make to a user.
pub enum UserChange {
    Role(Role),
    Enabled(bool),
    Password { password: Password, valid_days: Option<i64> },
}

/// Applies `change` to `username`. Refuses to leave the console without an enabled admin.
/// The user's sessions end, so that the change applies at once.
pub async fn change(
    db: &Db,
    actor: &AdminChange,
    username: &str,
    change: UserChange,
    now: i64,
) -> Result<(), AppError> {
    let user = find(db, username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no console user named '{}'.", username.trim())))?;
    let removes_admin = user.role == Role::Admin
        && !user.disabled
        && matches!(change, UserChange::Role(r) if r != Role::Admin) | matches!(change, UserChange::Enabled(false));
    let (values, what): (Vec<(&str, SimpleExpr)>, String) = match change {
        UserChange::Role(role) => (
            vec![("role", role.code().into())],
            format!("Console user {} role changed to {}", user.username, role.code()),
        ),
        UserChange::Enabled(enabled) => (
            vec![("disabled", i64::from(!enabled).into())],
            format!("Console user {} {}", user.username, if enabled { "enabled" } else { "disabled" }),
        ),
        UserChange::Password { password, valid_days } => {
            let hash = password::hash(password).await?;
            let expires: SimpleExpr = valid_days.map(|d| now + d * DAY_MS).into();
            (
                vec![("password_hash", hash.0.into()), ("password_expires_at", expires)],
                format!("Console user {} password reset", user.username),
            )
        }
    };
    let mut update = Query::update();
    update.table(table()).and_where(col("id").eq(user.id));
    for (column, value) in values {
        update.value(Alias::new(column), value);
    }
    // Counted in the write transaction, which holds the write lock from its start: two admins
    // demoting each other at once cannot both see the other still there.
    let mut tx = db.begin().await?;
    if removes_admin && enabled_admins(&mut tx).await? <= 1 {
        return Err(AppError::Conflict(format!(
            "'{}' is the only enabled admin; make another user admin first.",
            user.username
        )));
    }
    tx.execute(&update).await?;
    journal(&mut tx, &Actor::Admin(actor), now, AuditChange::Update, (OBJECT_TYPE, &user.username), &what).await?;
    session::end_all_of(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(())
}

async fn enabled_admins(tx: &mut Tx) -> Result<i64, AppError> {
    let enabled = Condition::all().add(col("role").eq(Role::Admin.code())).add(col("disabled").eq(0));
    Ok(tx.fetch_all(&counting(enabled)).await?.first().map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0))
}
