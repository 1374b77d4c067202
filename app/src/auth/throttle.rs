//! Slows down and then refuses repeated failed logins, counted per client address and per
//! username. The count is of failures only (a rate limiter such as `governor` counts every
//! request, and a successful login must not use up anyone's budget), so it is kept here: a
//! map of small counters behind a mutex, pruned as it grows.
//!
//! A username is counted whether or not it exists, and the answers do not differ, so the
//! throttle tells nothing about which users exist.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When failures are slowed down and when they are refused.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Failures answered at once; each further one waits [`Policy::step`] longer.
    pub free: u32,
    /// Failures after which logins are refused until [`Policy::lockout`] has passed.
    pub lock_after: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub per_username: Limits,
    /// Higher than per username: several administrators may share one address (NAT).
    pub per_address: Limits,
    /// Failures older than this are forgotten.
    pub window: Duration,
    pub lockout: Duration,
    pub step: Duration,
    pub max_delay: Duration,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            per_username: Limits { free: 3, lock_after: 5 },
            per_address: Limits { free: 5, lock_after: 20 },
            window: Duration::from_secs(15 * 60),
            lockout: Duration::from_secs(15 * 60),
            step: Duration::from_secs(1),
            max_delay: Duration::from_secs(4),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Address(String),
    Username(String),
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    since: Instant,
    locked_until: Option<Instant>,
}

/// What to do with a login attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused without checking the password, for this long still.
    Locked(Duration),
}

/// Entries kept before old ones are pruned (a flood of made-up usernames).
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
pub struct Throttle {
    policy: Policy,
    entries: Mutex<HashMap<Key, Failures>>,
}

impl Throttle {
    pub fn new(policy: Policy) -> Throttle {
        Throttle { policy, entries: Mutex::new(HashMap::new()) }
    }

    /// The counters an attempt counts against: its address's, and its username's if it has
    /// one (an API token has none: a bad token from one address must not lock the others).
    fn keyed(&self, address: &str, username: Option<&str>) -> Vec<(Key, Limits)> {
        let mut keys = vec![(Key::Address(address.to_owned()), self.policy.per_address)];
        if let Some(username) = username {
            keys.push((Key::Username(username.trim().to_lowercase()), self.policy.per_username));
        }
        keys
    }

    /// Whether a login from `address` for `username` may be checked at all.
    pub fn check(&self, address: &str, username: &str, now: Instant) -> Verdict {
        self.check_keys(address, Some(username), now)
    }

    /// Whether an API token from `address` may be checked at all.
    pub fn check_address(&self, address: &str, now: Instant) -> Verdict {
        self.check_keys(address, None, now)
    }

    /// Records a failed login; returns how long to wait before answering it.
    pub fn failed(&self, address: &str, username: &str, now: Instant) -> Duration {
        self.failed_keys(address, Some(username), now)
    }

    /// Records a refused API token from `address`.
    pub fn failed_address(&self, address: &str, now: Instant) -> Duration {
        self.failed_keys(address, None, now)
    }

    fn check_keys(&self, address: &str, username: Option<&str>, now: Instant) -> Verdict {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let wait = self
            .keyed(address, username)
            .iter()
            .filter_map(|(key, _)| entries.get(key)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match wait {
            Some(wait) => Verdict::Locked(wait),
            None => Verdict::Allowed,
        }
    }

    fn failed_keys(&self, address: &str, username: Option<&str>, now: Instant) -> Duration {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let window = self.policy.window;
            entries.retain(|_, f| f.locked_until.is_some_and(|u| u > now) || now.duration_since(f.since) < window);
        }
        let mut delay = Duration::ZERO;
        for (key, limits) in self.keyed(address, username) {
            let entry = entries.entry(key).or_insert(Failures { count: 0, since: now, locked_until: None });
            let expired_lock = entry.locked_until.is_some_and(|u| u <= now);
            if expired_lock || now.duration_since(entry.since) > self.policy.window {
                *entry = Failures { count: 0, since: now, locked_until: None };
            }
            entry.count += 1;
            if entry.count >= limits.lock_after {
                entry.locked_until = Some(now + self.policy.lockout);
            }
            if entry.count > limits.free {
                let steps = entry.count - limits.free;
                delay = delay.max((self.policy.step * steps).min(self.policy.max_delay));
            }
        }
        delay
    }

    /// A successful login clears its username's failures (not its address's: an attacker
    /// with one valid account must not reset the count of their guesses at others).
    pub fn succeeded(&self, username: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&Key::Username(username.trim().to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(Policy::default())
    }

    #[test]
    fn failures_are_slowed_then_refused_for_a_while() {
        let t = throttle();
        let now = Instant::now();
        assert_eq!(t.check("10.0.0.1", "admin", now), Verdict::Allowed);
        let delays: Vec<Duration> = (0..4).map(|_| t.failed("10.0.0.1", "admin", now)).collect();
        assert_eq!(delays, [Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::from_secs(1)]);
        assert_eq!(t.check("10.0.0.1", "admin", now), Verdict::Allowed);
        t.failed("10.0.0.1", "admin", now);
        let Verdict::Locked(wait) = t.check("10.0.0.1", "admin", now) else { panic!("locked after five") };
        assert_eq!(wait, Duration::from_secs(15 * 60));
        // The lock is on the username from any address...
        assert!(matches!(t.check("10.9.9.9", "ADMIN ", now), Verdict::Locked(_)));
        // ...and ends after the lockout.
        assert_eq!(t.check("10.0.0.1", "admin", now + Duration::from_secs(15 * 60 + 1)), Verdict::Allowed);
    }

    #[test]
    fn unknown_and_known_usernames_are_treated_alike() {
        let t = throttle();
        let now = Instant::now();
        let a: Vec<Duration> = (0..5).map(|_| t.failed("10.0.0.1", "admin", now)).collect();
        let b: Vec<Duration> = (0..5).map(|_| t.failed("10.0.0.2", "no-such-user", now)).collect();
        assert_eq!(a, b);
        assert_eq!(t.check("10.0.0.1", "admin", now), t.check("10.0.0.2", "no-such-user", now));
    }

    #[test]
    fn one_address_guessing_many_usernames_is_refused_too() {
        let t = throttle();
        let now = Instant::now();
        for i in 0..20 {
            t.failed("203.0.113.7", &format!("user{i}"), now);
        }
        assert!(matches!(t.check("203.0.113.7", "someone-else", now), Verdict::Locked(_)));
        assert_eq!(t.check("203.0.113.8", "someone-else", now), Verdict::Allowed);
    }

    #[test]
    fn success_clears_the_username_and_old_failures_are_forgotten() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..4 {
            t.failed("10.0.0.1", "admin", now);
        }
        t.succeeded("admin");
        assert_eq!(t.failed("10.0.0.1", "admin", now), Duration::ZERO);
        let later = now + Duration::from_secs(16 * 60);
        for _ in 0..3 {
            assert_eq!(t.failed("10.0.0.1", "mrossi", later), Duration::ZERO);
        }
    }
}
