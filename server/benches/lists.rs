//! List and export speed on a large database: `cargo bench -p server --bench lists`.
//! BENCH_ROWS (default 1,000,000) rows per category are generated into a temporary SQLite
//! database, the real server is started on a free port, and each request is timed over
//! HTTP (best and median of several runs). BENCH_DATABASE_URL (an empty database, e.g.
//! postgres://pslog@127.0.0.1:5432/bench) runs it on that database instead. Results are
//! recorded in BENCHMARKS.md.

use app::codes::Role;
use server::application::{Application, Config};
use server::demo::{fill, DemoConfig};
mod common;
use common::{peak_rss_mib, signed_in};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

/// Times one request, reading the body chunk by chunk (so that the client holds no more than
/// a chunk, and the memory measured is the server's).
async fn time(client: &reqwest::Client, url: &str) -> (Duration, usize) {
    let started = Instant::now();
    let mut response = client.get(url).send().await.expect("request");
    assert!(response.status().is_success(), "{url}: {}", response.status());
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await.expect("body") {
        bytes += chunk.len();
    }
    (started.elapsed(), bytes)
}

#[tokio::main]
async fn main() {
    let rows: u64 = std::env::var("BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let url =
        std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db", dir.path().display()));
    let db = server::database::open(&url).await.unwrap();
    println!("database: {:?}", db.backend);
    let started = Instant::now();
    let now = chrono::Utc::now().timestamp_millis();
    let summary = fill(&db, &DemoConfig { rows, seed: 1, anchor_ms: now - now % 3_600_000 }).await.unwrap();
    println!("demo data: {:.1} s for {:?}\n", started.elapsed().as_secs_f64(), summary.tables);

    // An admin's session, as a browser holds it after logging in.
    let password = app::auth::password::Password::new("bench-Secret-1".into()).unwrap();
    let admin =
        app::auth::users::add(&db, app::auth::users::Actor::CommandLine, "bench", Role::Admin, password, None, now)
            .await
            .unwrap();
    let client = signed_in(&db, admin).await;
    let addr = Application::build(db, Config::quiet()).await.unwrap().addr();
    let base = format!("http://{addr}");
    let deep = rows / 25 / 2;
    let cases = [
        ("Web Sessions, first page (HTML)", "/logs/web-sessions".to_owned()),
        ("Web Sessions, first page (JSON)", "/api/v1/web-sessions".to_owned()),
        ("Web Sessions, page in the middle", format!("/api/v1/web-sessions?page={deep}")),
        ("Web Sessions, Result filter", "/api/v1/web-sessions?result=FAIL_BAD_CREDENTIALS".to_owned()),
        ("Web Sessions, Result filter, page 1000", "/api/v1/web-sessions?result=SUCCESS&page=1000".to_owned()),
        ("Web Sessions, Username prefix", "/api/v1/web-sessions?username=jsm".to_owned()),
        (
            "Web Sessions, sort by Username, middle page",
            format!("/api/v1/web-sessions?sort=username&dir=asc&page={deep}"),
        ),
        ("Web Sessions, one day", "/api/v1/web-sessions?from=2026-11-10&to=2026-11-10".to_owned()),
        ("Web Sessions, free text", "/api/v1/web-sessions?q=10.20.3".to_owned()),
        ("CDR, first page", "/api/v1/cdr".to_owned()),
        ("CDR, Caller Number prefix", "/api/v1/cdr?caller_number=%2B44".to_owned()),
        ("CDR, Disposition and Call Type", "/api/v1/cdr?disposition=ANSWERED&call_type=TRANSFER".to_owned()),
        ("CDR, call-id trace", "/api/v1/cdr?call_id=1251498178&sort=timestamp&dir=asc".to_owned()),
        ("SIP Sessions, one account", "/api/v1/sip-sessions?account_id=1".to_owned()),
        ("Registered Accounts", "/api/v1/registered".to_owned()),
        ("Accounts directory", "/api/v1/accounts".to_owned()),
        ("Account page (HTML)", "/accounts/1".to_owned()),
    ];
    println!("| request | best ms | median ms |\n|---|---:|---:|");
    for (name, path) in cases {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            times.push(time(&client, &format!("{base}{path}")).await.0);
        }
        times.sort();
        println!("| {name} | {:.1} | {:.1} |", times[0].as_secs_f64() * 1e3, times[RUNS / 2].as_secs_f64() * 1e3);
    }
    let before = peak_rss_mib();
    let (elapsed, bytes) = time(&client, &format!("{base}/api/v1/web-sessions.csv")).await;
    println!(
        "\nCSV of every Web Sessions row: {:.1} s, {:.0} MiB; peak memory of the whole process {:.0} MiB before, {:.0} MiB after",
        elapsed.as_secs_f64(),
        bytes as f64 / 1_048_576.0,
        before,
        peak_rss_mib()
    );
    let (elapsed, bytes) = time(&client, &format!("{base}/api/v1/cdr.csv")).await;
    println!("CSV of every CDR row: {:.1} s, {:.0} MiB", elapsed.as_secs_f64(), bytes as f64 / 1_048_576.0);
}
