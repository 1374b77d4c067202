//! Console users and sessions: who is calling, and what they may do.
//!
//! Shared with the browser: [`SignedIn`] (the caller as the pages show it) and the server
//! functions that read it. Server-only: the capability types every data function demands
//! ([`Reader`], [`Exporter`], [`Admin`], [`AdminChange`], [`Ingester`]), passwords, sessions,
//! API tokens, throttling, console users, and the console's own event journal.

use crate::codes::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod capability;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod journal;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod token;
#[cfg(feature = "ssr")]
pub mod users;

#[cfg(feature = "ssr")]
pub use capability::{Admin, AdminChange, Caller, Credential, Exporter, Ingester, Reader};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pslog_session";
/// Name of the cookie that pairs the login form with the browser that loaded it.
pub const LOGIN_COOKIE: &str = "pslog_login";
/// Name of the hidden form field that carries the anti-forgery token.
pub const CSRF_FIELD: &str = "csrf";

/// The signed-in console user, as the pages need it: their name, role, and the token that
/// their forms must carry (it proves a form came from a page of this session).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub username: String,
    pub role: Role,
    pub csrf: String,
}

impl SignedIn {
    pub fn may_export(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Auditor)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Who is signed in on this request.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<SignedIn, AppError> {
    // No page status on failure: the frame asks on every page, the login page included.
    let caller = Caller::from_context()?;
    Ok(caller.signed_in())
}

/// Starts a login form: returns the nonce its hidden field carries and sets the same nonce in
/// a cookie. The login handler accepts a post only when both agree, so another site cannot
/// post the form (login CSRF) and a form cannot be replayed after it was used.
#[server(endpoint = "login_form")]
pub async fn login_form() -> Result<String, AppError> {
    let nonce = session::random_token();
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let https =
            use_context::<axum::http::request::Parts>().is_some_and(|p| client::Client::of(&p.extensions).https);
        response
            .append_header(axum::http::header::SET_COOKIE, client::ConsoleCookie::LoginNonce.set(Some(&nonce), https));
    }
    Ok(nonce)
}
