//! The API tokens section of the Console users page (admin only): list, create (the token is
//! shown once) and revoke. Each is audited by [`crate::auth::token`].

use crate::codes::TokenScope;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A token as the page lists it (never its value or hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created: String,
    pub created_by: String,
    pub last_used: Option<String>,
    pub expires: Option<String>,
    /// "live", "expired" or "revoked <when>".
    pub state: String,
    pub live: bool,
}

/// What the tokens section shows: the tokens and the admin's form token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenList {
    pub tokens: Vec<ApiTokenRow>,
    pub csrf: String,
}

/// A token just made. Its value leaves the server this once, to the admin who made it; the
/// server keeps only its hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub name: String,
    pub scope: TokenScope,
    pub shown_once: String,
}

#[server(endpoint = "api_tokens")]
pub async fn list_api_tokens() -> Result<ApiTokenList, AppError> {
    let admin = crate::auth::Admin::from_context().inspect_err(AppError::set_page_status)?;
    let state = crate::db::AppState::from_context()?;
    let ctx = crate::db::render::RenderCtx::load(&state.db).await?;
    let time = |t: i64| ctx.time(crate::models::UtcMillis(t));
    let now = chrono::Utc::now().timestamp_millis();
    let tokens = crate::auth::token::list(&state.db)
        .await?
        .into_iter()
        .map(|t| ApiTokenRow {
            live: t.refusal(now).is_none(),
            state: t.state(now, time),
            id: t.id,
            scope: t.scope,
            created: time(t.created_at),
            created_by: t.created_by,
            last_used: t.last_used_at.map(time),
            expires: t.expires_at.map(time),
            name: t.name,
        })
        .collect();
    Ok(ApiTokenList { tokens, csrf: admin.caller().csrf().to_owned() })
}

/// Makes a token; `valid_days` blank means it does not expire.
#[server(endpoint = "add_api_token")]
pub async fn add_api_token(
    csrf: String,
    name: String,
    scope: String,
    #[server(default)] valid_days: String,
) -> Result<NewApiToken, AppError> {
    use crate::auth::{token, users};
    let admin = crate::auth::AdminChange::from_context(&csrf)?;
    let state = crate::db::AppState::from_context()?;
    let scope = scope.parse::<TokenScope>().map_err(|e| AppError::BadRequest(e.to_string()))?;
    let days = users::valid_days(&valid_days)?;
    let now = chrono::Utc::now().timestamp_millis();
    let (secret, record) = token::add(&state.db, users::Actor::Admin(&admin), &name, scope, days, now).await?;
    Ok(NewApiToken { name: record.name, scope, shown_once: secret.reveal().to_owned() })
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(csrf: String, id: i64) -> Result<String, AppError> {
    use crate::auth::{token, users};
    let admin = crate::auth::AdminChange::from_context(&csrf)?;
    let state = crate::db::AppState::from_context()?;
    let now = chrono::Utc::now().timestamp_millis();
    let record = token::revoke(&state.db, users::Actor::Admin(&admin), id, now).await?;
    Ok(format!("API token {} revoked.", record.name))
}
