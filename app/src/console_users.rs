//! The console users page's server side (admin only): list, add, and change a user (role,
//! enabled, password). Each change is audited by [`crate::auth::users`].

use crate::codes::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A console user as the page lists it (no hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsoleUser {
    pub username: String,
    pub role: Role,
    pub enabled: bool,
    /// When the password expires, in the appliance's zone; None: never.
    pub password_expires: Option<String>,
    pub password_expired: bool,
    pub created: String,
}

/// What the console users page shows: the users and the admin's form token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsoleUsersList {
    pub users: Vec<ConsoleUser>,
    pub csrf: String,
    /// The signed-in admin (who cannot disable or demote themselves by accident).
    pub me: String,
}

#[server(endpoint = "console_users")]
pub async fn list_console_users() -> Result<ConsoleUsersList, AppError> {
    let admin = crate::auth::Admin::from_context().inspect_err(AppError::set_page_status)?;
    let state = crate::db::AppState::from_context()?;
    let ctx = crate::db::render::RenderCtx::load(&state.db).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let users = crate::auth::users::list(&state.db).await?;
    let users = users
        .into_iter()
        .map(|u| ConsoleUser {
            password_expires: u.password_expires_at.map(|t| ctx.time(crate::models::UtcMillis(t))),
            password_expired: u.password_expires_at.is_some_and(|t| t <= now),
            created: ctx.time(crate::models::UtcMillis(u.created_at)),
            username: u.username,
            role: u.role,
            enabled: !u.disabled,
        })
        .collect();
    let caller = admin.caller();
    Ok(ConsoleUsersList { users, csrf: caller.csrf().to_owned(), me: caller.username.clone() })
}

/// Adds a user; `valid_days` blank means the password does not expire.
#[server(endpoint = "add_console_user")]
pub async fn add_console_user(
    csrf: String,
    username: String,
    role: String,
    password: String,
    #[server(default)] valid_days: String,
) -> Result<String, AppError> {
    use crate::auth::{password::Password, users};
    let admin = crate::auth::AdminChange::from_context(&csrf)?;
    let state = crate::db::AppState::from_context()?;
    let role = role.parse::<Role>().map_err(|e| AppError::BadRequest(e.to_string()))?;
    let password = Password::new(password)?;
    let days = users::valid_days(&valid_days)?;
    let now = chrono::Utc::now().timestamp_millis();
    users::add(&state.db, users::Actor::Admin(&admin), &username, role, password, days, now).await?;
    Ok(format!("Console user {} added.", username.trim()))
}

/// One change to a user: `action` is `role` (with `role`), `enable`, `disable`, or
/// `password` (with `password` and `valid_days`).
#[server(endpoint = "change_console_user")]
pub async fn change_console_user(
    csrf: String,
    username: String,
    action: String,
    #[server(default)] role: String,
    #[server(default)] password: String,
    #[server(default)] valid_days: String,
) -> Result<String, AppError> {
    use crate::auth::{password::Password, users};
    let admin = crate::auth::AdminChange::from_context(&csrf)?;
    let state = crate::db::AppState::from_context()?;
    let change = match action.as_str() {
        "role" => users::UserChange::Role(role.parse::<Role>().map_err(|e| AppError::BadRequest(e.to_string()))?),
        "enable" => users::UserChange::Enabled(true),
        "disable" => users::UserChange::Enabled(false),
        "password" => users::UserChange::Password {
            password: Password::new(password)?,
            valid_days: users::valid_days(&valid_days)?,
        },
        other => return Err(AppError::BadRequest(format!("'{other}' is not a change of a console user."))),
    };
    let what = match &change {
        users::UserChange::Role(r) => format!("{} is now {}.", username.trim(), r.label()),
        users::UserChange::Enabled(true) => format!("{} is enabled.", username.trim()),
        users::UserChange::Enabled(false) => format!("{} is disabled.", username.trim()),
        users::UserChange::Password { .. } => format!("{}'s password is reset.", username.trim()),
    };
    users::change(&state.db, &admin, &username, change, chrono::Utc::now().timestamp_millis()).await?;
    Ok(what)
}
