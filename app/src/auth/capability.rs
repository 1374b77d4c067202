//! Authorization by construction. The session middleware puts a [`Caller`] in the request's
//! extensions; every data function demands one of the capabilities below, and the only way to
//! get one is through these constructors, which check the role (and, for changes, the
//! anti-forgery token). A server function that forgets to ask cannot reach the data.

use super::SignedIn;
use crate::codes::Role;
use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use subtle::ConstantTimeEq;

/// Who reads through this request: a signed-in console user, or a machine with a `read` API
/// token (as an auditor: it reads and exports, and can change nothing).
#[derive(Clone)]
pub struct Caller {
    /// The console user's id; for a token, the token's id.
    pub user_id: i64,
    /// The console user's name; for a token, `token:<name>` (as the logs show who it was).
    pub username: String,
    pub role: Role,
    pub credential: Credential,
    pub ip: String,
}

/// How the caller proved who they are.
#[derive(Clone)]
pub enum Credential {
    /// A console session cookie.
    Session {
        /// The session's anti-forgery token (not a credential: it is shown in the page's forms).
        csrf: String,
        /// Hash of the session token, to end this session.
        session_key: String,
    },
    /// A `read` API token (`Authorization: Bearer`). It carries no anti-forgery token, so
    /// every change (which needs one) is refused to it.
    ReadToken,
}

/// A machine sending events with an `ingest` API token: the only way to write through the
/// API. Made only by [`super::token::authenticate`], so a handler that asks for it cannot be
/// reached by a console session or a `read` token.
#[derive(Clone)]
pub struct Ingester {
    pub(super) token_id: i64,
    pub(super) name: String,
    pub(super) ip: String,
}

impl std::fmt::Debug for Ingester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingester").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Ingester {
    /// The token's id: idempotency keys are per token.
    pub fn token_id(&self) -> i64 {
        self.token_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn ip(&self) -> &str {
        &self.ip
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ingester {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Ingester>() {
            Some(ingester) => Ok(ingester.clone()),
            None if parts.extensions.get::<Caller>().is_some() => {
                Err(forbidden("send events; only an API token of scope 'ingest' may"))
            }
            None => Err(AppError::Unauthorized("Send an API token of scope 'ingest' (Authorization: Bearer).".into())),
        }
    }
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller").field("username", &self.username).field("role", &self.role).finish_non_exhaustive()
    }
}

fn anonymous() -> AppError {
    AppError::Unauthorized("Your session has ended. Log in again to continue.".into())
}

impl Caller {
    pub fn from_parts(parts: &Parts) -> Result<Caller, AppError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(anonymous)
    }

    /// The caller of the server function or page being run.
    pub fn from_context() -> Result<Caller, AppError> {
        let parts = leptos::prelude::use_context::<Parts>().ok_or_else(anonymous)?;
        Caller::from_parts(&parts)
    }

    pub fn signed_in(&self) -> SignedIn {
        SignedIn { username: self.username.clone(), role: self.role, csrf: self.csrf().to_owned() }
    }

    /// The session's anti-forgery token; empty for a token (which no form may use).
    pub fn csrf(&self) -> &str {
        match &self.credential {
            Credential::Session { csrf, .. } => csrf,
            Credential::ReadToken => "",
        }
    }

    /// The key that ends this session; none for a token.
    pub fn session_key(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { session_key, .. } => Some(session_key),
            Credential::ReadToken => None,
        }
    }

    /// Checks the anti-forgery token a form carried against this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        let Credential::Session { csrf, .. } = &self.credential else {
            return Err(forbidden("change anything with an API token"));
        };
        if bool::from(csrf.as_bytes().ct_eq(token.as_bytes())) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "This form is out of date or did not come from this console; reload the page and try again.".into(),
            ))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Caller::from_parts(parts)
    }
}

/// May read every log: any signed-in user.
#[derive(Clone, Debug)]
pub struct Reader(Caller);

/// May export logs (CSV): auditors and admins.
#[derive(Clone, Debug)]
pub struct Exporter(Caller);

/// May see settings and console users: admins.
#[derive(Clone, Debug)]
pub struct Admin(Caller);

/// May change settings and console users: an admin whose form carried this session's token.
#[derive(Clone, Debug)]
pub struct AdminChange(Caller);

fn forbidden(what: &str) -> AppError {
    AppError::Forbidden(format!("You do not have permission to {what}."))
}

impl Reader {
    pub fn of(caller: Caller) -> Reader {
        Reader(caller)
    }

    pub fn from_context() -> Result<Reader, AppError> {
        Caller::from_context().map(Reader)
    }

    pub fn caller(&self) -> &Caller {
        &self.0
    }
}

impl Exporter {
    /// Exporting includes reading.
    pub fn reader(&self) -> Reader {
        Reader(self.0.clone())
    }

    pub fn of(caller: Caller) -> Result<Exporter, AppError> {
        match caller.role {
            Role::Admin | Role::Auditor => Ok(Exporter(caller)),
            Role::Support => Err(forbidden("export logs")),
        }
    }

    pub fn caller(&self) -> &Caller {
        &self.0
    }
}

impl Admin {
    pub fn of(caller: Caller) -> Result<Admin, AppError> {
        match caller.role {
            Role::Admin => Ok(Admin(caller)),
            Role::Auditor | Role::Support => Err(forbidden("open the console's administration")),
        }
    }

    pub fn from_context() -> Result<Admin, AppError> {
        Admin::of(Caller::from_context()?)
    }

    pub fn caller(&self) -> &Caller {
        &self.0
    }
}

impl AdminChange {
    /// An admin's change, if `csrf` is the token of their session.
    pub fn from_context(csrf: &str) -> Result<AdminChange, AppError> {
        let admin = Admin::from_context()?;
        admin.0.check_csrf(csrf)?;
        Ok(AdminChange(admin.0))
    }

    pub fn caller(&self) -> &Caller {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Caller::from_parts(parts).map(Reader)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Exporter {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Exporter::of(Caller::from_parts(parts)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            user_id: 1,
            username: "u".into(),
            role,
            credential: Credential::Session { csrf: "token".into(), session_key: "k".into() },
            ip: "127.0.0.1".into(),
        }
    }

    #[test]
    fn capabilities_follow_the_role() {
        for (role, export, admin) in
            [(Role::Admin, true, true), (Role::Auditor, true, false), (Role::Support, false, false)]
        {
            assert_eq!(Exporter::of(caller(role)).is_ok(), export, "{role:?} export");
            assert_eq!(Admin::of(caller(role)).is_ok(), admin, "{role:?} admin");
        }
        assert!(matches!(Exporter::of(caller(Role::Support)), Err(AppError::Forbidden(_))));
    }

    #[test]
    fn forms_must_carry_the_session_token() {
        let c = caller(Role::Admin);
        assert!(c.check_csrf("token").is_ok());
        assert!(matches!(c.check_csrf("tokem"), Err(AppError::Forbidden(_))));
        assert!(c.check_csrf("").is_err());
        let token = Caller { credential: Credential::ReadToken, ..caller(Role::Auditor) };
        assert!(token.check_csrf("").is_err(), "a token carries no form token, not an empty one");
        assert!(Admin::of(token.clone()).is_err());
        assert!(Exporter::of(token).is_ok(), "a read token exports, as an auditor");
    }
}
