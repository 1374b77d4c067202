//! `pslog`: the command line of the console's server.

use anyhow::Context;
use app::db::AppState;
use clap::{Parser, Subcommand};
use server::{database, demo, web};
use std::net::SocketAddr;

/// pslog: the event-log console of a PrivateServer appliance.
///
/// Logs go to standard error; RUST_LOG sets the level (e.g. RUST_LOG=debug).
#[derive(Parser)]
#[command(name = "pslog", version)]
struct Cli {
    /// Database URL; a SQLite file is created (with its folder) if missing.
    #[arg(long, global = true, env = "PSLOG_DATABASE_URL", default_value = "sqlite://data/pslog.db")]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the console.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "PSLOG_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// Fill an empty database with demo data first.
        #[arg(long)]
        demo: bool,
        /// Seconds between two SIP reconciliation runs.
        #[arg(long, env = "PSLOG_RECONCILE_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        reconcile_every: u64,
    },
    /// Reconcile SIP CONNECT/DISCONNECT events with their accounts once, then exit.
    Reconcile,
    /// Fill an empty database with deterministic, realistic demo data.
    Demo {
        /// Rows per log category (approximately).
        #[arg(long, default_value_t = 3000)]
        rows: u64,
        /// Seed of the generator: the same seed and anchor give the same data.
        #[arg(long, default_value_t = 20150508)]
        seed: u64,
        /// Newest instant of the data (RFC 3339, e.g. 2026-11-22T12:00:00Z); default: the current hour.
        #[arg(long)]
        anchor: Option<chrono::DateTime<chrono::Utc>>,
    },
}

fn current_hour() -> i64 {
    let now = chrono::Utc::now().timestamp_millis();
    now - now.rem_euclid(3_600_000)
}

async fn fill_demo(db: &app::db::Db, config: demo::DemoConfig) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let summary = demo::fill(db, &config).await?;
    for (table, n) in &summary.tables {
        eprintln!("  {table:<20} {n:>9} rows");
    }
    for (what, took) in &summary.timings {
        eprintln!("  {what:<26} {:>6.1} s", took.as_secs_f64());
    }
    eprintln!("demo data written in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let db = database::open(&cli.database).await?;
    match cli.command {
        Command::Demo { rows, seed, anchor } => {
            let anchor_ms = anchor.map(|a| a.timestamp_millis()).unwrap_or_else(current_hour);
            fill_demo(&db, demo::DemoConfig { rows, seed, anchor_ms }).await?;
        }
        Command::Reconcile => {
            let outcome = server::reconcile::run_once(&db, server::reconcile::BATCH).await?;
            eprintln!(
                "examined {} unreconciled events: {} reconciled, {} left ambiguous",
                outcome.examined, outcome.reconciled, outcome.ambiguous
            );
        }
        Command::Serve { addr, demo: with_demo, reconcile_every } => {
            if with_demo && demo::is_empty(&db).await? {
                eprintln!("filling the empty database with demo data…");
                fill_demo(&db, demo::DemoConfig { rows: 3000, seed: 20150508, anchor_ms: current_hour() }).await?;
            }
            server::tasks::spawn_all(db.clone());
            server::reconcile::spawn(db.clone(), std::time::Duration::from_secs(reconcile_every));
            let site_root = web::site_root();
            let (bound, handle) = web::serve(AppState { db }, addr, &site_root)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            println!("pslog is serving on http://{bound}/");
            tokio::select! {
                _ = handle => {}
                _ = tokio::signal::ctrl_c() => eprintln!("stopping"),
            }
        }
    }
    Ok(())
}
