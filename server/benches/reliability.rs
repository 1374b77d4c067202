//! The console under load and abuse: `cargo bench -p server --bench reliability`.
//!
//! 1. A login storm: 200 concurrent logins (half right, half wrong, from 200 client addresses
//!    named by a trusted proxy) while a signed-in user keeps loading a list page: the page's
//!    latencies, how the attempts ended, whether each was logged exactly once, peak memory.
//! 2. Exports against browsing: 8 CSV downloads that read slowly, and 50 clients browsing
//!    lists at once: the browsers' latencies and what the exports got.
//!
//! The server runs in this process (so the peak memory is the server's and the clients'
//! together) on a demo database of BENCH_ROWS (default 20,000) rows per category. Results
//! are recorded in BENCHMARKS.md, "Reliability".

use app::codes::Role;
use server::application::{Application, Config};
use server::demo::{fill, DemoConfig};
mod common;
use common::{peak_rss_mib, signed_in};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-Secret-1";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "| {name} | {} | {:.1} | {:.1} | {:.1} |",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().map_or(f64::NAN, |t| t.as_secs_f64() * 1000.0)
    );
}

async fn add_user(db: &app::db::Db, name: &str, role: Role) -> i64 {
    let password = app::auth::password::Password::new(PASSWORD.into()).unwrap();
    app::auth::users::add(db, app::auth::users::Actor::CommandLine, name, role, password, None, 0).await.unwrap()
}

/// One login through the form, from `address` (named by the trusted proxy); where it led.
async fn login(base: String, address: String, username: String, password: &str) -> String {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base.parse().unwrap());
    headers.insert("x-forwarded-for", address.parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let page = client.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let nonce = page.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    let form = [("csrf", nonce.as_str()), ("username", &username), ("password", password), ("next", "")];
    let response = client.post(format!("{base}/login")).form(&form).send().await.unwrap();
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    location.split('&').next().unwrap_or_default().to_owned()
}

/// Loads `path` over and over until `stop`; the latencies.
async fn keep_loading(client: reqwest::Client, url: String, stop: tokio::sync::watch::Receiver<bool>) -> Vec<Duration> {
    let mut times = Vec::new();
    while !*stop.borrow() {
        let started = Instant::now();
        let response = client.get(&url).send().await.unwrap();
        assert!(response.status().is_success(), "{url}: {}", response.status());
        response.bytes().await.unwrap();
        times.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    times
}

#[tokio::main]
async fn main() {
    let rows: u64 = std::env::var("BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let db = server::database::open(&format!("sqlite://{}/bench.db", dir.path().display())).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    fill(&db, &DemoConfig { rows, seed: 1, anchor_ms: now - now % 3_600_000 }).await.unwrap();
    let admin = add_user(&db, "bench", Role::Admin).await;
    for i in 0..20 {
        add_user(&db, &format!("user{i}"), Role::Support).await;
    }
    let mut exporters = Vec::new();
    for i in 0..4 {
        exporters.push(add_user(&db, &format!("exporter{i}"), Role::Auditor).await);
    }
    let config = Config {
        front: server::front::Front { trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()], public_url: None },
        ..Config::quiet()
    };
    let addr = Application::build(db.clone(), config).await.unwrap().addr();
    let base = format!("http://{addr}");
    println!("{rows} rows per category; {} cores\n", std::thread::available_parallelism().map_or(0, |n| n.get()));

    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let row = sqlx::query(sql).fetch_one(&db.pool).await.unwrap();
            sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
        }
    };
    const WEB_ROWS: &str = "SELECT COUNT(*) FROM web_session";
    const LOGIN_EVENTS: &str = "SELECT COUNT(*) FROM security_event WHERE event_type IN ('LOG_IN', 'LOGIN_FAILED')";
    let (web_before, security_before) = (count(WEB_ROWS).await, count(LOGIN_EVENTS).await);

    // 1. The login storm.
    let page = format!("{base}/logs/web-sessions");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let prober = tokio::spawn(keep_loading(signed_in(&db, admin).await, page.clone(), stopped));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let attempts: Vec<_> = (0..200)
        .map(|i| {
            let (right, user) = (i % 2 == 0, format!("user{}", i % 20));
            let address = format!("10.{}.{}.{}", i / 250, i % 250, 1 + i % 7);
            tokio::spawn(login(base.clone(), address, user, if right { PASSWORD } else { "wrong-password" }))
        })
        .collect();
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for attempt in attempts {
        *outcomes.entry(attempt.await.unwrap()).or_default() += 1;
    }
    let storm = started.elapsed();
    stop.send(true).unwrap();
    let page_times = prober.await.unwrap();
    let successes = outcomes.get("/").copied().unwrap_or(0) as i64;
    let web_rows = count(WEB_ROWS).await - web_before;
    let security_rows = count(LOGIN_EVENTS).await - security_before;
    println!("## Login storm: 200 concurrent logins, half wrong, from 200 addresses");
    println!("all answered in {:.1} s; outcomes: {outcomes:?}", storm.as_secs_f64());
    println!(
        "logged once each: Web Sessions rows {web_rows} (want {}), Security Events {security_rows} (want 200)",
        200 + successes
    );
    println!("\n| meanwhile | requests | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|");
    summary("Web Sessions page (HTML), one signed-in user", page_times);
    println!("\npeak memory (server and clients): {:.0} MiB\n", peak_rss_mib());

    // 2. Slow exports against 50 browsers.
    let mut downloads = Vec::new();
    for (i, user) in exporters.iter().chain(exporters.iter()).enumerate() {
        let client = signed_in(&db, *user).await;
        let url = format!("{base}/api/v1/{}.csv", ["cdr", "sip-sessions", "web-sessions", "security"][i % 4]);
        downloads.push(tokio::spawn(async move {
            let mut response = client.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            // A slow reader: a chunk a second, for 20 s.
            for _ in 0..20 {
                if response.chunk().await.ok().flatten().is_none() {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            status
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lists =
        ["/api/v1/cdr", "/api/v1/web-sessions?result=SUCCESS", "/logs/sip-sessions", "/api/v1/accounts", "/logs/cdr"];
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut browsers = Vec::new();
    for i in 0..50 {
        let client = signed_in(&db, admin).await;
        browsers.push(tokio::spawn(keep_loading(client, format!("{base}{}", lists[i % lists.len()]), stopped.clone())));
    }
    tokio::time::sleep(Duration::from_secs(15)).await;
    stop.send(true).unwrap();
    let mut times = Vec::new();
    for browser in browsers {
        times.extend(browser.await.unwrap());
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for download in downloads {
        *statuses.entry(download.await.unwrap()).or_default() += 1;
    }
    println!("## 8 slow CSV readers and 50 clients browsing for 15 s");
    println!("exports answered: {statuses:?} (200: streaming; 429: over the cap)");
    println!("\n| meanwhile | requests | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|");
    summary("50 browsers, list pages (JSON and HTML)", times);
    println!("\npeak memory (server and clients): {:.0} MiB", peak_rss_mib());
}
