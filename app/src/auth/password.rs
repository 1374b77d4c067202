//! Console passwords: argon2id with a random salt per password (the `argon2` crate's
//! defaults, OWASP's recommended parameters). Hashing is slow on purpose, so it runs on the
//! blocking pool, never on the async workers, and at most one per core at a time: each takes
//! 19 MiB and a core for a while, and a burst of logins (unknown users too) must not exhaust
//! memory or starve the pages. A login that cannot get its turn soon is answered "busy".

use crate::error::AppError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Hashings at once: one per core.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));
/// Logins waiting for their turn, at most [`MAX_WAITING`]; each waits at most [`MAX_WAIT`].
/// A waiting login is a small future (the 19 MiB are taken only with the turn), so the
/// queue can hold a burst of a few hundred: at some 50 checks a second on 2 cores, a burst of
/// 200 is through in about 4 s (BENCHMARKS.md, "Reliability").
static WAITING: AtomicUsize = AtomicUsize::new(0);
const MAX_WAITING: usize = 256;
const MAX_WAIT: Duration = Duration::from_secs(5);

/// The refusal of a hashing that could not get its turn.
pub fn busy() -> AppError {
    AppError::TooManyRequests("Too many logins are being checked at once; try again in a moment.".into())
}

/// A turn to hash, or [`busy`].
async fn turn() -> Result<SemaphorePermit<'static>, AppError> {
    turn_on(&HASHING).await
}

async fn turn_on(turns: &Semaphore) -> Result<SemaphorePermit<'_>, AppError> {
    if let Ok(permit) = turns.try_acquire() {
        return Ok(permit);
    }
    if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
        WAITING.fetch_sub(1, Ordering::SeqCst);
        return Err(busy());
    }
    let permit = tokio::time::timeout(MAX_WAIT, turns.acquire()).await;
    WAITING.fetch_sub(1, Ordering::SeqCst);
    match permit {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(busy()),
    }
}

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
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AppError::internal("password hashing task", e))?
}

/// Whether `password` matches `stored`. With no stored hash (unknown user) it still spends
/// the time of one verification, so the answer's timing does not tell whether a user exists.
/// [`busy`] when no turn to hash came in time.
pub async fn verify(password: Password, stored: Option<StoredHash>) -> Result<bool, AppError> {
    let _turn = turn().await?;
    Ok(tokio::task::spawn_blocking(move || {
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
    .unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashing_that_cannot_get_a_turn_is_told_busy() {
        let turns = Semaphore::new(1);
        let taken = turns.acquire().await.unwrap();
        let started = std::time::Instant::now();
        let refused = turn_on(&turns).await;
        assert!(matches!(refused, Err(AppError::TooManyRequests(_))), "{refused:?}");
        assert!(started.elapsed() >= MAX_WAIT, "it waited for a turn first");
        drop(taken);
        assert!(turn_on(&turns).await.is_ok(), "a turn once one is free");
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash(Password::new("correct horse battery".into()).unwrap()).await.unwrap();
        assert!(stored.as_str().starts_with("$argon2id$"), "argon2id in PHC format");
        assert!(verify(Password::typed("correct horse battery".into()), Some(stored.clone())).await.unwrap());
        assert!(!verify(Password::typed("correct horse battery!".into()), Some(stored.clone())).await.unwrap());
        assert!(!verify(Password::typed(String::new()), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn the_same_password_gets_a_new_salt_each_time() {
        let a = hash(Password::new("same password".into()).unwrap()).await.unwrap();
        let b = hash(Password::new("same password".into()).unwrap()).await.unwrap();
        assert_ne!(a.as_str(), b.as_str());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(Password::typed("not a real password".into()), None).await.unwrap());
        assert!(!verify(Password::typed("anything".into()), Some(StoredHash("garbage".into()))).await.unwrap());
    }

    #[test]
    fn weak_or_huge_passwords_are_refused_and_never_printed() {
        assert!(matches!(Password::new("short".into()), Err(AppError::BadRequest(_))));
        assert!(Password::new("x".repeat(MAX_LENGTH + 1)).is_err());
        let p = Password::new("a long secret".into()).unwrap();
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    }
}
