//! Slows down and then refuses repeated failed logins, in a way that cannot be turned against
//! other people (OWASP's Authentication Cheat Sheet, "Protect against automated attacks",
//! "Account lockout").
//!
//! An attempt is **reserved before its password is checked**: [`Throttle::reserve`] counts it
//! as a failure and checks the limits in one step under one lock, so N concurrent attempts are
//! N counted attempts and the sixth of a burst is refused; [`Throttle::succeeded`] takes the
//! count back when the password was right. Nothing that happens after the check (a journal
//! write that fails, say) can skip the count.
//!
//! What is counted, and what each count does:
//! - **a username from one address** (the pair): 5 failures lock that pair for 15 minutes.
//!   This is the lockout; it refuses nobody else: the same user from another address, and
//!   other users from this address, are not refused by it.
//! - **a username from everywhere**: a slow limit (50 failures an hour) against a guesser
//!   with many addresses. It refuses only addresses this user has not logged in from (since
//!   the server started), so a distributed attack cannot keep the user out of their usual
//!   desk; it is the one lock a stranger can set off for a name, and only with 50 addresses'
//!   worth of attempts, 5 each.
//! - **an address, over all usernames**: after 20 failures its attempts are paced, one every
//!   2 seconds (an attempt waits its turn before it is checked); an attempt whose turn is
//!   more than 20 seconds away is refused as "too many attempts from this address, try
//!   again shortly". Password spraying from one address is slowed to a crawl, and a correct
//!   password of a colleague behind the same NAT is slowed, never locked out.
//! - **bad API tokens from an address**: 20 lock the address out of token checks for 15
//!   minutes (tokens are random 256-bit values; the lock only stops a flood of lookups).
//!
//! A username is counted whether or not it exists, and the answers do not differ, so the
//! throttle tells nothing about which users exist. The counts live in memory: a restart
//! forgets them, as it forgets which addresses users logged in from.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When failures counted under one key are slowed down and when they lock.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Failures answered at once; each further one waits [`Policy::step`] longer.
    pub free: u32,
    /// Failures after which the key is locked for [`Policy::lockout`].
    pub lock_after: u32,
    /// Failures older than this are forgotten.
    pub window: Duration,
}

#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub per_pair: Limits,
    pub per_username: Limits,
    /// `lock_after` is unused: an address is paced, never locked (see the module).
    pub per_address: Limits,
    pub per_token_address: Limits,
    pub lockout: Duration,
    /// The added delay per failure beyond `free`, up to `max_delay`.
    pub step: Duration,
    pub max_delay: Duration,
    /// The time between two checked attempts of an address past its `free` failures.
    pub pace: Duration,
    /// The longest an attempt waits for its turn; further ones are refused.
    pub max_queue: Duration,
}

impl Default for Policy {
    fn default() -> Policy {
        let quarter = Duration::from_secs(15 * 60);
        Policy {
            per_pair: Limits { free: 3, lock_after: 5, window: quarter },
            per_username: Limits { free: u32::MAX, lock_after: 50, window: Duration::from_secs(60 * 60) },
            per_address: Limits { free: 20, lock_after: u32::MAX, window: quarter },
            per_token_address: Limits { free: u32::MAX, lock_after: 20, window: quarter },
            lockout: quarter,
            step: Duration::from_secs(1),
            max_delay: Duration::from_secs(4),
            pace: Duration::from_secs(2),
            max_queue: Duration::from_secs(20),
        }
    }
}

/// Who is trying: a person at the login form, or a machine with an API token.
#[derive(Clone, Copy, Debug)]
pub enum Attempt<'a> {
    Login { address: &'a str, username: &'a str },
    Token { address: &'a str },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, String),
    Username(String),
    Address(String),
    TokenAddress(String),
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    since: Instant,
    locked_until: Option<Instant>,
    /// When a paced address's next attempt may be checked.
    next_turn: Option<Instant>,
}

impl Failures {
    fn new(now: Instant) -> Failures {
        Failures { count: 0, since: now, locked_until: None, next_turn: None }
    }

    fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until.filter(|until| *until > now).map(|until| until - now)
    }
}

/// What to do with an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Check it: after waiting `wait` (its turn), and if it fails, answer after
    /// `delay_on_failure`. It is already counted as a failure.
    Check { wait: Duration, delay_on_failure: Duration },
    /// Refused without checking: locked for this long still.
    Locked(Duration),
    /// Refused without checking, and not counted: the address is sending attempts faster
    /// than they are checked; it may try again after this long.
    Paced(Duration),
}

/// Entries kept before old ones are pruned (a flood of made-up usernames).
const MAX_ENTRIES: usize = 100_000;
/// Addresses remembered per user as ones they logged in from.
const KNOWN_PER_USER: usize = 8;

#[derive(Debug, Default)]
struct Counts {
    failures: HashMap<Key, Failures>,
    /// Per username, the addresses it logged in from (newest last).
    known: HashMap<String, Vec<String>>,
}

#[derive(Debug, Default)]
pub struct Throttle {
    policy: Policy,
    counts: Mutex<Counts>,
}

fn normalised(username: &str) -> String {
    username.trim().to_lowercase()
}

impl Throttle {
    pub fn new(policy: Policy) -> Throttle {
        Throttle { policy, counts: Mutex::new(Counts::default()) }
    }

    /// The keys an attempt counts under, with their limits.
    fn keys(&self, attempt: Attempt<'_>) -> Vec<(Key, Limits)> {
        let p = &self.policy;
        match attempt {
            Attempt::Login { address, username } => {
                let user = normalised(username);
                vec![
                    (Key::Pair(user.clone(), address.to_owned()), p.per_pair),
                    (Key::Username(user), p.per_username),
                    (Key::Address(address.to_owned()), p.per_address),
                ]
            }
            Attempt::Token { address } => vec![(Key::TokenAddress(address.to_owned()), p.per_token_address)],
        }
    }

    /// Decides on an attempt and, unless it is refused, counts it as a failure (see the
    /// module): check and count are one step.
    pub fn reserve(&self, attempt: Attempt<'_>, now: Instant) -> Verdict {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let Counts { failures, known } = &mut *counts;
        if failures.len() >= MAX_ENTRIES {
            let longest = self.policy.per_username.window;
            failures.retain(|_, f| f.locked(now).is_some() || now.duration_since(f.since) < longest);
        }
        let keys = self.keys(attempt);
        for (key, limits) in &keys {
            let entry = failures.entry(key.clone()).or_insert_with(|| Failures::new(now));
            let lock_over = entry.locked_until.is_some_and(|u| u <= now);
            if lock_over || now.duration_since(entry.since) > limits.window {
                *entry = Failures::new(now);
            }
        }
        // Refusals first, so that a refused attempt changes nothing.
        for (key, _) in &keys {
            let Some(wait) = failures.get(key).and_then(|f| f.locked(now)) else { continue };
            let exempt = match (key, attempt) {
                (Key::Username(user), Attempt::Login { address, .. }) => {
                    known.get(user).is_some_and(|addresses| addresses.iter().any(|a| a == address))
                }
                _ => false,
            };
            if !exempt {
                return Verdict::Locked(wait);
            }
        }
        let mut wait = Duration::ZERO;
        for (key, limits) in &keys {
            let entry = failures.get_mut(key).expect("entered above");
            if entry.count >= limits.free && matches!(key, Key::Address(_)) {
                let turn = entry.next_turn.map_or(now, |t| t.max(now));
                if turn - now > self.policy.max_queue {
                    return Verdict::Paced(turn - now);
                }
                entry.next_turn = Some(turn + self.policy.pace);
                wait = turn - now;
            }
        }
        let mut delay_on_failure = Duration::ZERO;
        for (key, limits) in &keys {
            let entry = failures.get_mut(key).expect("entered above");
            entry.count += 1;
            if entry.count >= limits.lock_after {
                entry.locked_until = Some(now + self.policy.lockout);
            }
            if entry.count > limits.free && !matches!(key, Key::Address(_)) {
                let steps = entry.count - limits.free;
                delay_on_failure = delay_on_failure.max((self.policy.step * steps).min(self.policy.max_delay));
            }
        }
        Verdict::Check { wait, delay_on_failure }
    }

    /// The attempt reserved by [`Throttle::reserve`] was not checked after all (the server
    /// was too busy to hash its password): its count is taken back, and nothing else changes.
    pub fn release(&self, attempt: Attempt<'_>) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        for (key, limits) in self.keys(attempt) {
            if let Some(entry) = counts.failures.get_mut(&key) {
                entry.count = entry.count.saturating_sub(1);
                // A lock is set by the attempt that reaches the limit: this one, if now below.
                if entry.count < limits.lock_after {
                    entry.locked_until = None;
                }
            }
        }
    }

    /// The attempt reserved by [`Throttle::reserve`] succeeded: its count is taken back, the
    /// username's failures (the pair's and the slow limit's) are cleared, and the address is
    /// remembered as one the user logs in from. The address's own count only loses this
    /// attempt: an attacker with one valid account must not reset the count of their
    /// guesses at others.
    pub fn succeeded(&self, attempt: Attempt<'_>) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        for (key, _) in self.keys(attempt) {
            match key {
                Key::Pair(..) | Key::Username(_) => {
                    counts.failures.remove(&key);
                }
                Key::Address(_) | Key::TokenAddress(_) => {
                    if let Some(entry) = counts.failures.get_mut(&key) {
                        entry.count = entry.count.saturating_sub(1);
                    }
                }
            }
        }
        if let Attempt::Login { address, username } = attempt {
            let addresses = counts.known.entry(normalised(username)).or_default();
            addresses.retain(|a| a != address);
            if addresses.len() >= KNOWN_PER_USER {
                addresses.remove(0);
            }
            addresses.push(address.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(Policy::default())
    }

    fn login<'a>(address: &'a str, username: &'a str) -> Attempt<'a> {
        Attempt::Login { address, username }
    }

    fn checked(v: Verdict) -> Duration {
        match v {
            Verdict::Check { delay_on_failure, .. } => delay_on_failure,
            other => panic!("expected a check, got {other:?}"),
        }
    }

    #[test]
    fn failures_are_slowed_then_refused_for_a_while() {
        let t = throttle();
        let now = Instant::now();
        let delays: Vec<Duration> = (0..5).map(|_| checked(t.reserve(login("10.0.0.1", "admin"), now))).collect();
        let s = Duration::from_secs;
        assert_eq!(delays, [s(0), s(0), s(0), s(1), s(2)]);
        let Verdict::Locked(wait) = t.reserve(login("10.0.0.1", "ADMIN "), now) else { panic!("locked after five") };
        assert_eq!(wait, s(15 * 60));
        assert_eq!(
            t.reserve(login("10.0.0.1", "admin"), now + s(15 * 60 + 1)),
            Verdict::Check { wait: s(0), delay_on_failure: s(0) }
        );
    }

    #[test]
    fn the_lock_refuses_nobody_else() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..5 {
            t.reserve(login("10.0.0.1", "admin"), now);
        }
        assert!(matches!(t.reserve(login("10.0.0.1", "admin"), now), Verdict::Locked(_)));
        assert!(matches!(t.reserve(login("10.0.0.2", "admin"), now), Verdict::Check { .. }), "admin elsewhere");
        assert!(matches!(t.reserve(login("10.0.0.1", "mrossi"), now), Verdict::Check { .. }), "others here");
    }

    #[test]
    fn concurrent_attempts_are_each_counted_before_they_are_checked() {
        let t = std::sync::Arc::new(throttle());
        let now = Instant::now();
        let verdicts: Vec<Verdict> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..40).map(|_| s.spawn(|| t.reserve(login("10.0.0.1", "admin"), now))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let checks = verdicts.iter().filter(|v| matches!(v, Verdict::Check { .. })).count();
        assert_eq!(checks, 5, "{verdicts:?}");
    }

    #[test]
    fn unknown_and_known_usernames_are_treated_alike() {
        let t = throttle();
        let now = Instant::now();
        let a: Vec<Verdict> = (0..6).map(|_| t.reserve(login("10.0.0.1", "admin"), now)).collect();
        let b: Vec<Verdict> = (0..6).map(|_| t.reserve(login("10.0.0.2", "no-such-user"), now)).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn a_spraying_address_is_paced_not_locked() {
        let t = throttle();
        let now = Instant::now();
        for i in 0..20 {
            checked(t.reserve(login("203.0.113.7", &format!("user{i}")), now));
        }
        // Past 20 failures every attempt waits its turn, 2 s apart...
        let turns: Vec<Duration> = (0..11)
            .map(|i| match t.reserve(login("203.0.113.7", &format!("other{i}")), now) {
                Verdict::Check { wait, .. } => wait,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(turns[0], Duration::ZERO);
        assert_eq!(turns[10], Duration::from_secs(20));
        // ...and one whose turn is too far is refused, uncounted, with when to come back.
        assert_eq!(t.reserve(login("203.0.113.7", "colleague"), now), Verdict::Paced(Duration::from_secs(22)));
        // Later, a colleague behind the same address gets a turn, not a lockout.
        let later = now + Duration::from_secs(30);
        assert!(matches!(t.reserve(login("203.0.113.7", "colleague"), later), Verdict::Check { .. }));
        // Other addresses are untouched.
        assert_eq!(checked(t.reserve(login("203.0.113.8", "colleague"), now)), Duration::ZERO);
    }

    #[test]
    fn the_slow_username_limit_spares_the_addresses_the_user_logs_in_from() {
        let t = throttle();
        let now = Instant::now();
        checked(t.reserve(login("10.0.0.1", "admin"), now));
        t.succeeded(login("10.0.0.1", "admin"));
        for i in 0..50 {
            t.reserve(login(&format!("198.51.100.{}", i / 5), "admin"), now);
        }
        assert!(matches!(t.reserve(login("198.51.100.200", "admin"), now), Verdict::Locked(_)), "a new address");
        assert!(matches!(t.reserve(login("10.0.0.1", "admin"), now), Verdict::Check { .. }), "the admin's desk");
    }

    #[test]
    fn success_takes_its_count_back_and_old_failures_are_forgotten() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..4 {
            t.reserve(login("10.0.0.1", "admin"), now);
        }
        t.succeeded(login("10.0.0.1", "admin"));
        assert_eq!(checked(t.reserve(login("10.0.0.1", "admin"), now)), Duration::ZERO);
        let later = now + Duration::from_secs(16 * 60);
        for _ in 0..3 {
            assert_eq!(checked(t.reserve(login("10.0.0.1", "mrossi"), later)), Duration::ZERO);
        }
    }

    #[test]
    fn an_unchecked_attempt_is_taken_back_and_clears_nothing() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..4 {
            t.reserve(login("10.0.0.1", "admin"), now);
        }
        t.reserve(login("10.0.0.1", "admin"), now);
        t.release(login("10.0.0.1", "admin"));
        // Four failures stand: the next is the fifth, and locks.
        assert_eq!(checked(t.reserve(login("10.0.0.1", "admin"), now)), Duration::from_secs(2));
        assert!(matches!(t.reserve(login("10.0.0.1", "admin"), now), Verdict::Locked(_)));
    }

    #[test]
    fn bad_tokens_lock_their_address_only() {
        let t = throttle();
        let now = Instant::now();
        for _ in 0..20 {
            checked(t.reserve(Attempt::Token { address: "10.0.0.9" }, now));
        }
        assert!(matches!(t.reserve(Attempt::Token { address: "10.0.0.9" }, now), Verdict::Locked(_)));
        assert!(matches!(t.reserve(Attempt::Token { address: "10.0.0.8" }, now), Verdict::Check { .. }));
        assert!(matches!(t.reserve(login("10.0.0.9", "admin"), now), Verdict::Check { .. }), "logins apart");
    }
}
