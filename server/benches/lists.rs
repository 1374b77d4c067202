//! List and export speed on a large database: `cargo bench -p server --bench lists`.
//! BENCH_ROWS (default 1,000,000) rows per category are generated into a temporary SQLite
//! database, the real server is started on a free port, and each request is timed over
//! HTTP (median and worst of several runs), then under 8 concurrent clients (requests per
//! second, p50, p99), then the CSV exports (first byte, rows per second, peak memory).
//! BENCH_DATABASE_URL runs it on that database instead (e.g.
//! postgres://pslog@127.0.0.1:5432/bench, or sqlite:///tmp/10m.db): an empty one is filled
//! first, one that already holds demo rows is used as it is (a 10M-row file takes most of an
//! hour to write). Results are recorded in BENCHMARKS.md.

use app::codes::Role;
use server::application::{Application, Config};
use server::demo::{fill, DemoConfig};
mod common;
use common::{peak_rss_mib, signed_in};
use std::time::{Duration, Instant};

const RUNS: usize = 21;
/// Concurrent clients, and how long each load lasts.
const CLIENTS: usize = 8;
const LOAD: Duration = Duration::from_secs(10);

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
    let held = db
        .fetch_optional(
            &sea_query::Query::select()
                .expr(sea_query::Expr::cust("COUNT(*)"))
                .from(sea_query::Alias::new("cdr"))
                .to_owned(),
        )
        .await
        .unwrap();
    let held: i64 = held.map(|r| sqlx::Row::get(&r, 0)).unwrap_or(0);
    if held > 0 {
        println!("demo data: using the {held} CDRs (and the other logs) already there\n");
    } else {
        let summary = fill(&db, &DemoConfig { rows, seed: 1, anchor_ms: now - now % 3_600_000 }).await.unwrap();
        println!("demo data: {:.1} s for {:?}\n", started.elapsed().as_secs_f64(), summary.tables);
    }

    // An admin's session, as a browser holds it after logging in.
    let password = app::auth::password::Password::new("bench-Secret-1".into()).unwrap();
    let name = format!("bench-{now}");
    let admin =
        app::auth::users::add(&db, app::auth::users::Actor::CommandLine, &name, Role::Admin, password, None, now)
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
        ("CDR, Disposition BUSY", "/api/v1/cdr?disposition=BUSY".to_owned()),
        ("CDR, BUSY and TRANSFER (rare)", "/api/v1/cdr?disposition=BUSY&call_type=TRANSFER".to_owned()),
        ("CDR, three codes", "/api/v1/cdr?disposition=NO_ANSWER&call_type=CALL&hangup_cause=NO_ANSWER".to_owned()),
        ("CDR, BUSY, page 2,000", "/api/v1/cdr?disposition=BUSY&page=2000".to_owned()),
        ("CDR, page in the middle", format!("/api/v1/cdr?page={deep}")),
        ("CDR, sort by Caller, middle page", format!("/api/v1/cdr?sort=caller&page={deep}")),
        ("CDR, free text Ricci", "/api/v1/cdr?q=Ricci".to_owned()),
        ("CDR, free text 5551 (rare)", "/api/v1/cdr?q=5551".to_owned()),
        ("SIP Sessions, one account", "/api/v1/sip-sessions?account_id=1".to_owned()),
        ("Registered Accounts", "/api/v1/registered".to_owned()),
        ("Accounts directory", "/api/v1/accounts".to_owned()),
        ("Account page (HTML)", "/accounts/1".to_owned()),
        ("Overview, last hour (HTML)", "/?window=1h".to_owned()),
        ("Overview, 24 hours (HTML)", "/?window=24h".to_owned()),
        ("Overview, 7 days (HTML)", "/?window=7d".to_owned()),
        ("Overview, 30 days (HTML)", "/?window=30d".to_owned()),
    ];
    println!("| request | median ms | worst of {RUNS} ms |\n|---|---:|---:|");
    // BENCH_ONLY=Overview times only the requests whose name holds it, and skips the rest.
    let only = std::env::var("BENCH_ONLY").ok();
    for (name, path) in cases.into_iter().filter(|(name, _)| only.as_deref().is_none_or(|o| name.contains(o))) {
        let mut times = Vec::with_capacity(RUNS);
        time(&client, &format!("{base}{path}")).await; // Warm-up.
        for _ in 0..RUNS {
            times.push(time(&client, &format!("{base}{path}")).await.0);
        }
        times.sort();
        println!("| {name} | {:.1} | {:.1} |", ms(times[RUNS / 2]), ms(times[RUNS - 1]));
    }

    if only.is_some() {
        return;
    }
    println!(
        "\n| {CLIENTS} clients at once, {} s | requests/s | p50 ms | p99 ms |\n|---|---:|---:|---:|",
        LOAD.as_secs()
    );
    for (name, path) in
        [("CDR list (HTML)", "/logs/cdr"), ("CDR list (JSON)", "/api/v1/cdr"), ("Account page (HTML)", "/accounts/1")]
    {
        let url = format!("{base}{path}");
        let clients = (0..CLIENTS).map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let (started, mut times) = (Instant::now(), Vec::new());
                while started.elapsed() < LOAD {
                    times.push(time(&client, &url).await.0);
                }
                times
            })
        });
        let mut times: Vec<Duration> = Vec::new();
        for c in clients.collect::<Vec<_>>() {
            times.extend(c.await.unwrap());
        }
        times.sort();
        let at = |p: f64| ms(times[((times.len() - 1) as f64 * p) as usize]);
        println!("| {name} | {:.0} | {:.1} | {:.1} |", times.len() as f64 / LOAD.as_secs_f64(), at(0.5), at(0.99));
    }
    println!();
    for (name, path) in [("Web Sessions", "/api/v1/web-sessions.csv"), ("CDR", "/api/v1/cdr.csv")] {
        let before = peak_rss_mib();
        let (first, elapsed, bytes, lines) = export(&client, &format!("{base}{path}")).await;
        println!(
            "CSV of every {name} row: first byte {:.0} ms, {:.1} s, {:.0} MiB, {:.0} rows/s; peak memory of the whole \
             process {before:.0} MiB before, {:.0} MiB after",
            ms(first),
            elapsed.as_secs_f64(),
            bytes as f64 / 1_048_576.0,
            lines as f64 / elapsed.as_secs_f64(),
            peak_rss_mib()
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Streams an export: time to its first byte, in all, its size and its lines.
async fn export(client: &reqwest::Client, url: &str) -> (Duration, Duration, usize, usize) {
    let started = Instant::now();
    let mut response = client.get(url).send().await.expect("request");
    assert!(response.status().is_success(), "{url}: {}", response.status());
    let (mut first, mut bytes, mut lines) = (None, 0, 0);
    while let Some(chunk) = response.chunk().await.expect("body") {
        first.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    (first.unwrap_or_default(), started.elapsed(), bytes, lines.saturating_sub(1))
}
