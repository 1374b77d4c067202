//! Ingest speed: `cargo bench -p server --bench ingest`. The real server on a free port and
//! a temporary SQLite database with every index; one client posts BENCH_ROWS CDRs (default
//! 1,000,000) in NDJSON batches of 10,000 (each made just before it is sent, so that the
//! client holds one batch), one batch at a time. Prints rows per second, bytes sent and the
//! process's peak memory (server and client) after the first batch and at the end: flat
//! memory means the server holds no more than a batch whatever the stream's length.
//! Results are recorded in BENCHMARKS.md.

use app::codes::TokenScope;
use server::application::{Application, Config};
mod common;
use common::peak_rss_mib;
use std::time::Instant;

const BATCH: usize = 10_000;

/// Batch `n` as NDJSON: realistic CDRs (every column set), a minute apart.
fn batch(n: usize, start_ms: i64) -> String {
    let mut body = String::with_capacity(BATCH * 520);
    for i in 0..BATCH {
        let k = n * BATCH + i;
        let line = serde_json::json!({
            "call_date": start_ms + k as i64 * 60_000,
            "caller_number": format!("+39055{:06}", k % 5000),
            "caller_name": format!("Caller {}", k % 5000),
            "caller_group": "Sales",
            "caller_user_agent": "Linphone/5.2.0 (Android 14)",
            "callee_number": format!("+39066{:06}", (k * 7) % 5000),
            "callee_name": format!("Callee {}", (k * 7) % 5000),
            "callee_group": "Support",
            "callee_user_agent": "SecureVoice/12.0 (iOS 18.1)",
            "total_duration": 40 + (k % 600) as i64,
            "call_duration": 30 + (k % 600) as i64,
            "disposition": if k.is_multiple_of(5) { "NO_ANSWER" } else { "ANSWERED" },
            "hangup_cause": "NORMAL_CLEARING",
            "call_id": format!("{k:016x}-bench"),
            "call_type": "CALL",
            "call_route": if k.is_multiple_of(3) { "trunk-eu-1" } else { "" },
        });
        body.push_str(&line.to_string());
        body.push('\n');
    }
    body
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()).as_str())
        .with_writer(std::io::stderr)
        .init();
    let rows: usize = std::env::var("BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let db = server::database::open(&format!("sqlite://{}/bench.db", dir.path().display())).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let (token, _) =
        app::auth::token::add(&db, app::auth::users::Actor::CommandLine, "bench", TokenScope::Ingest, None, now)
            .await
            .unwrap();
    let app = Application::build(db, Config::quiet()).await.unwrap();
    let url = format!("http://{}/api/v1/cdr", app.addr());
    let client = reqwest::Client::new();
    let batches = rows.div_ceil(BATCH);
    let start_ms = now - (batches * BATCH) as i64 * 60_000;
    let (mut sent, mut busy, mut after_first) = (0usize, std::time::Duration::ZERO, 0.0);
    let started = Instant::now();
    for n in 0..batches {
        let body = batch(n, start_ms);
        sent += body.len();
        let posted = Instant::now();
        let response = client
            .post(&url)
            .bearer_auth(token.reveal())
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "batch {n}: {}", response.text().await.unwrap());
        busy += posted.elapsed();
        if n == 0 {
            after_first = peak_rss_mib();
        }
        if n % 20 == 19 {
            eprintln!("  {} rows, {:.0} rows/s", (n + 1) * BATCH, ((n + 1) * BATCH) as f64 / busy.as_secs_f64());
        }
    }
    let total = batches * BATCH;
    println!(
        "{total} CDRs in {batches} batches of {BATCH}: {:.1} s posting ({:.0} rows/s over HTTP), {:.1} s in all \
         with making the batches; {:.0} MiB sent; peak memory {:.0} MiB after the first batch, {:.0} MiB at the end",
        busy.as_secs_f64(),
        total as f64 / busy.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        sent as f64 / 1_048_576.0,
        after_first,
        peak_rss_mib()
    );
}
