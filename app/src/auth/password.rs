//! Console passwords: argon2id with a random salt per password (the `argon2` crate's
//! defaults, OWASP's recommended parameters). Hashing is slow on purpose, so it runs on the
//! blocking pool, never on the async workers.

use crate::error::AppError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 256;

/// A password in clear: never serialized, never printed.
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// A password as typed at login: any text, checked only against the stored hash.
    pub fn typed(text: String) -> Password {
        Password(text)
    }

    /// A new password: long enough to resist guessing, short enough to hash cheaply.
    pub fn new(text: String) -> Result<Password, AppError> {
        let length = text.chars().count();
        if length < MIN_LENGTH {
            return Err(AppError::BadRequest(format!("A password needs at least {MIN_LENGTH} characters.")));
        }
        if length > MAX_LENGTH {
            return Err(AppError::BadRequest(format!("A password can have at most {MAX_LENGTH} characters.")));
        }
        Ok(Password(text))
    }
}

/// A stored password hash in PHC format (`$argon2id$v=19$...`): never serialized, never printed.
#[derive(Clone)]
pub struct StoredHash(pub(crate) String);

impl std::fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredHash(<redacted>)")
    }
}

impl StoredHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn hash_now(password: &Password) -> Result<StoredHash, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.0.as_bytes(), &salt)
        .map(|h| StoredHash(h.to_string()))
        .map_err(|e| AppError::internal("password hashing", e))
}

/// Hashes a new password.
pub async fn hash(password: Password) -> Result<StoredHash, AppError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AppError::internal("password hashing task", e))?
}

/// Whether `password` matches `stored`. With no stored hash (unknown user) it still spends
/// the time of one verification, so the answer's timing does not tell whether a user exists.
pub async fn verify(password: Password, stored: Option<StoredHash>) -> bool {
    tokio::task::spawn_blocking(move || {
        static DUMMY: OnceLock<Option<StoredHash>> = OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_now(&Password("not a real password".into())).ok());
        let (target, real) = match &stored {
            Some(h) => (Some(h), true),
            None => (dummy.as_ref(), false),
        };
        let Some(Ok(parsed)) = target.map(|h| PasswordHash::new(&h.0)) else {
            return false;
        };
        Argon2::default().verify_password(password.0.as_bytes(), &parsed).is_ok() && real
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash(Password::new("correct horse battery".into()).unwrap()).await.unwrap();
        assert!(stored.as_str().starts_with("$argon2id$"), "argon2id in PHC format");
        assert!(verify(Password::typed("correct horse battery".into()), Some(stored.clone())).await);
        assert!(!verify(Password::typed("correct horse battery!".into()), Some(stored.clone())).await);
        assert!(!verify(Password::typed(String::new()), Some(stored)).await);
    }

    #[tokio::test]
    async fn the_same_password_gets_a_new_salt_each_time() {
        let a = hash(Password::new("same password".into()).unwrap()).await.unwrap();
        let b = hash(Password::new("same password".into()).unwrap()).await.unwrap();
        assert_ne!(a.as_str(), b.as_str());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(Password::typed("not a real password".into()), None).await);
        assert!(!verify(Password::typed("anything".into()), Some(StoredHash("garbage".into()))).await);
    }

    #[test]
    fn weak_or_huge_passwords_are_refused_and_never_printed() {
        assert!(matches!(Password::new("short".into()), Err(AppError::BadRequest(_))));
        assert!(Password::new("x".repeat(MAX_LENGTH + 1)).is_err());
        let p = Password::new("a long secret".into()).unwrap();
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    }
}
