//! What the benches share.

/// Peak resident memory of this process so far, in MiB (Linux).
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// A client holding a session of console user `user` as its cookie, as a browser holds it
/// after logging in (the session is made in the database; no password is checked).
#[allow(dead_code)] // not every bench signs in
pub async fn signed_in(db: &app::db::Db, user: i64) -> reqwest::Client {
    let now = chrono::Utc::now().timestamp_millis();
    let token = app::auth::session::create(db, user, "127.0.0.1", now).await.unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    let cookie = format!("{}={}", app::auth::SESSION_COOKIE, token.as_str());
    headers.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}
