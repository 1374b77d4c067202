//! `pslog`: the command line of the console's server.

use app::auth::password::Password;
use app::auth::token;
use app::auth::users;
use app::codes::{Role, TokenScope};
use clap::{Parser, Subcommand};
use server::application::{Application, Config};
use server::{database, demo, web};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::time::Duration;

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
        /// Minutes of inactivity after which a console session ends.
        #[arg(long, env = "PSLOG_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
        session_idle_minutes: u64,
        /// Largest body of an ingest batch (POST /api/v1/<log>), in MiB.
        #[arg(long, env = "PSLOG_INGEST_LIMIT_MIB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1024))]
        ingest_limit_mib: u64,
        /// Forward every Security Event as CEF in RFC 5424 syslog to a SIEM: tcp://HOST:PORT
        /// (newline-framed, nothing lost while the receiver is away) or udp://HOST:PORT.
        #[arg(long, env = "PSLOG_FORWARD_CEF", value_name = "URL")]
        forward_cef: Option<server::forward::Target>,
        /// Addresses of reverse proxies (CIDR, comma-separated, e.g. 10.0.0.0/8,::1/128): only
        /// requests from them may name the client (X-Forwarded-For) and the scheme
        /// (X-Forwarded-Proto, X-Forwarded-Host). Without it these headers are ignored.
        #[arg(long, env = "PSLOG_TRUSTED_PROXY", value_name = "CIDR", value_delimiter = ',')]
        trusted_proxy: Vec<ipnet::IpNet>,
        /// The URL browsers reach the console at (e.g. https://pslog.example.com). Requests
        /// for any other host name are refused (421), forms must come from this origin, and an
        /// https:// URL makes cookies Secure (__Host-) and turns on HSTS.
        #[arg(long, env = "PSLOG_PUBLIC_URL", value_name = "URL", value_parser = parse_public_url)]
        public_url: Option<url::Url>,
        /// Connections served at once; further ones are answered 503 at once.
        #[arg(long, env = "PSLOG_MAX_CONNECTIONS", default_value_t = web::DEFAULT_MAX_CONNECTIONS as u64, value_parser = clap::value_parser!(u64).range(8..=65536))]
        max_connections: u64,
    },
    /// Manage the console's users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens: how machines call /api/v1 (Authorization: Bearer <token>).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import events from another system's logs.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Copy a whole database into another, e.g. SQLite to PostgreSQL or back (stop the
    /// console first). In batches, resumable, verified at the end by each table's row count
    /// and SHA-256 on both sides. The destination is created and migrated if needed and must
    /// be empty, unless --resume goes on with an interrupted copy.
    Copy {
        /// The database to copy (sqlite://PATH or postgres://USER@HOST:PORT/DB).
        #[arg(long, value_name = "URL")]
        from: String,
        /// Where to copy it.
        #[arg(long, value_name = "URL")]
        to: String,
        /// Go on with an interrupted copy into this destination.
        #[arg(long)]
        resume: bool,
        /// Rows per batch (one transaction each).
        #[arg(long, default_value_t = server::copy::BATCH_ROWS, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        batch_rows: u64,
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
        /// Newest instant of the data (RFC 3339, e.g. 2026-11-22T12:00:00Z); default: the current minute, so that the accounts it leaves on line are registered now.
        #[arg(long)]
        anchor: Option<chrono::DateTime<chrono::Utc>>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a console user. The password comes from the environment variable
    /// PSLOG_PASSWORD or, without it, from standard input (never from the command line).
    Add {
        /// Login name: letters, digits, '.', '_', '-' or '@'.
        name: String,
        /// admin (everything), auditor (read and export logs) or support (read logs).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Days until the password expires (default: never).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3650))]
        valid_days: Option<i64>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Asterisk's cdr-csv log (Master.csv, no header) into Call Detail Records: src → Caller
    /// Number, dst → Callee Number, clid → Caller, start → Call Date, duration, billsec,
    /// disposition, uniqueid → Call Id; accounts matched by number. All or nothing: a file
    /// with a bad line is not imported, and every bad line is named.
    AsteriskCdr {
        /// The Master.csv file.
        file: std::path::PathBuf,
        /// The time zone Asterisk wrote its times in (an IANA name; default: the appliance's
        /// time zone setting). Use UTC for a cdr.conf with usegmtime=yes.
        #[arg(long)]
        time_zone: Option<chrono_tz::Tz>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token and print it, once, on standard output (only its hash is stored).
    Add {
        /// What names the caller: letters, digits, '.', '_' or '-' (e.g. pbx-1).
        name: String,
        /// ingest (may only send events, POST) or read (may only read, GET, as an auditor).
        #[arg(long, value_parser = parse_scope)]
        scope: TokenScope,
        /// Days until the token expires (default: never).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3650))]
        valid_days: Option<i64>,
    },
    /// List the tokens (never their values).
    List,
    /// Revoke the live token of this name: it opens nothing from now on.
    Revoke { name: String },
}

fn parse_scope(text: &str) -> Result<TokenScope, String> {
    text.parse::<TokenScope>().map_err(|e| format!("{e} (use ingest or read)"))
}

async fn token_command(db: &app::db::Db, command: TokenCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp_millis();
    let time = |t: i64| chrono::DateTime::from_timestamp_millis(t).map(|d| d.to_rfc3339()).unwrap_or_default();
    match command {
        TokenCommand::Add { name, scope, valid_days } => {
            let (token, record) = token::add(db, users::Actor::CommandLine, &name, scope, valid_days, now).await?;
            eprintln!(
                "API token '{}' added with scope {}{}; it is shown this once:",
                record.name,
                scope.code(),
                record.expires_at.map(|t| format!(", valid until {}", time(t))).unwrap_or_default()
            );
            println!("{}", token.reveal());
        }
        TokenCommand::List => {
            println!("{:<24} {:<7} {:<26} {:<26} {:<26} state", "name", "scope", "created", "last used", "expires");
            for t in token::list(db).await? {
                let state = t.state(now, time);
                println!(
                    "{:<24} {:<7} {:<26} {:<26} {:<26} {state}",
                    t.name,
                    t.scope.code(),
                    time(t.created_at),
                    t.last_used_at.map(time).unwrap_or_else(|| "never".into()),
                    t.expires_at.map(time).unwrap_or_else(|| "never".into()),
                );
            }
        }
        TokenCommand::Revoke { name } => {
            let live = token::list(db).await?.into_iter().find(|t| t.name == name.trim() && t.revoked_at.is_none());
            let Some(live) = live else { anyhow::bail!("there is no live API token named '{}'", name.trim()) };
            token::revoke(db, users::Actor::CommandLine, live.id, now).await?;
            println!("API token '{}' revoked", live.name);
        }
    }
    Ok(())
}

/// An http(s) URL with a host and nothing after it but `/`.
fn parse_public_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("{e} (e.g. https://pslog.example.com)"))?;
    match (url.scheme(), url.host_str(), url.path()) {
        ("http" | "https", Some(_), "/") if url.query().is_none() && url.username().is_empty() => Ok(url),
        _ => Err("give the scheme and host (and port) only, e.g. https://pslog.example.com".into()),
    }
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse::<Role>().map_err(|e| format!("{e} (use admin, auditor or support)"))
}

/// The new user's password: PSLOG_PASSWORD, else a line of standard input (typed without
/// echo on a terminal).
fn read_password() -> anyhow::Result<Password> {
    let text = match std::env::var("PSLOG_PASSWORD") {
        Ok(p) => p,
        Err(_) if std::io::stdin().is_terminal() => rpassword::prompt_password("Password: ")?,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    Ok(Password::new(text)?)
}

/// With `serve --demo`: when no console user exists, an admin with a random password. Its
/// login is printed, and kept (readable by the owner only) beside a SQLite database file, so
/// that later runs can print it again.
async fn ensure_demo_admin(db: &app::db::Db, database_url: &str) -> anyhow::Result<()> {
    let keep = database_url
        .strip_prefix("sqlite://")
        .map(|path| std::path::Path::new(path.split('?').next().unwrap_or(path)).with_file_name("demo-admin.txt"));
    if users::count(db).await? > 0 {
        if let Some(login) = keep.as_ref().and_then(|k| std::fs::read_to_string(k).ok()) {
            println!("{}", login.trim());
        }
        return Ok(());
    }
    let password = format!("demo-{}", &app::auth::session::random_token()[..12]);
    let now = chrono::Utc::now().timestamp_millis();
    users::add(db, users::Actor::CommandLine, "admin", Role::Admin, Password::new(password.clone())?, None, now)
        .await?;
    let login = format!("demo admin created: log in as 'admin' with password '{password}'");
    if let Some(keep) = keep {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&keep)?;
        writeln!(file, "{}", login.replace("demo admin created", "demo admin"))?;
    }
    println!("{login}");
    Ok(())
}

fn current_minute() -> i64 {
    let now = chrono::Utc::now().timestamp_millis();
    now - now.rem_euclid(60_000)
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
    // A copy opens its two databases itself (the global --database is not involved).
    if let Command::Copy { from, to, resume, batch_rows } = &cli.command {
        server::copy::check_urls(from, to)?;
        let started = std::time::Instant::now();
        let (source, destination) = (database::open(from).await?, database::open(to).await?);
        server::copy::copy(&source, &destination, *resume, *batch_rows).await?;
        println!("copied and verified in {:.1} s", started.elapsed().as_secs_f64());
        return Ok(());
    }
    let db = database::open(&cli.database).await?;
    match cli.command {
        Command::Demo { rows, seed, anchor } => {
            let anchor_ms = anchor.map(|a| a.timestamp_millis()).unwrap_or_else(current_minute);
            fill_demo(&db, demo::DemoConfig { rows, seed, anchor_ms }).await?;
        }
        Command::Copy { .. } => unreachable!("handled before the database is opened"),
        Command::Reconcile => {
            let outcome = server::reconcile::run_once(&db, server::reconcile::BATCH).await?;
            eprintln!(
                "examined {} unreconciled events: {} reconciled, {} left ambiguous",
                outcome.examined, outcome.reconciled, outcome.ambiguous
            );
        }
        Command::User { command: UserCommand::Add { name, role, valid_days } } => {
            let password = read_password()?;
            let now = chrono::Utc::now().timestamp_millis();
            users::add(&db, users::Actor::CommandLine, &name, role, password, valid_days, now).await?;
            println!("console user '{}' added with role {}", name.trim(), role.code());
        }
        Command::Token { command } => token_command(&db, command).await?,
        Command::Import { command: ImportCommand::AsteriskCdr { file, time_zone } } => {
            let zone = match time_zone {
                Some(zone) => zone,
                None => {
                    db.settings().await?.time_zone.parse().map_err(|e| anyhow::anyhow!("settings' time zone: {e}"))?
                }
            };
            let started = std::time::Instant::now();
            let stored = server::import::asterisk_cdr(&db, &file, zone).await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "imported {stored} CDRs from {} in {secs:.1} s ({:.0} rows/s; times read in {zone})",
                file.display(),
                stored as f64 / secs.max(0.001)
            );
        }
        Command::Serve {
            addr,
            demo: with_demo,
            reconcile_every,
            session_idle_minutes,
            ingest_limit_mib,
            forward_cef,
            trusted_proxy,
            public_url,
            max_connections,
        } => {
            if with_demo && demo::is_empty(&db).await? {
                eprintln!("filling the empty database with demo data…");
                fill_demo(&db, demo::DemoConfig { rows: 3000, seed: 20150508, anchor_ms: current_minute() }).await?;
            }
            if with_demo {
                ensure_demo_admin(&db, &cli.database).await?;
            }
            let config = Config {
                addr,
                site_root: web::site_root(),
                session_idle: Duration::from_secs(session_idle_minutes * 60),
                reconcile_every: Some(Duration::from_secs(reconcile_every)),
                ingest_limit: usize::try_from(ingest_limit_mib << 20)?,
                forward_cef,
                front: server::front::Front { trusted_proxies: trusted_proxy, public_url: public_url.clone() },
                max_connections: usize::try_from(max_connections)?,
            };
            let app = Application::build(db, config).await?;
            println!("pslog is serving on http://{}/", app.addr());
            if let Some(public) = &public_url {
                println!("browsers reach it at {public}");
            }
            app.run_until_stopped().await;
        }
    }
    Ok(())
}
