//! Opening the database: SQLite by default (one file, created and migrated on first start),
//! or PostgreSQL (15 or newer) for a `postgres://` URL, each with its own migrations.

use anyhow::Context;
use app::db::{Backend, Db};
use sqlx::any::AnyPoolOptions;
use std::str::FromStr;

/// The migrations of each dialect, embedded in the binary.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connects to `url`, creating a SQLite file (and its folder) if missing, and migrates it.
pub async fn open(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::from_url(url)
        .with_context(|| format!("unsupported database URL '{url}': use sqlite://PATH or postgres://USER@HOST/DB"))?;
    let (pool, writer, exports) = match backend {
        Backend::Sqlite => {
            let options =
                sqlx::sqlite::SqliteConnectOptions::from_str(url).with_context(|| format!("bad SQLite URL '{url}'"))?;
            if let Some(dir) = options.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                }
            }
            let url = if url.contains("mode=") {
                url.to_owned()
            } else {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            };
            // The writer first: it creates the file and puts it in WAL mode.
            let writer = sqlite_pool(&url, 1, WRITER_CACHE_MIB).await?;
            let exports = sqlite_pool(&url, app::db::csv::EXPORTS_AT_ONCE as u32, EXPORT_CACHE_MIB).await?;
            (sqlite_pool(&url, READERS, READER_CACHE_MIB).await?, writer, exports)
        }
        Backend::Postgres => {
            // No connection of its own for writes: write transactions serialise on an advisory
            // lock instead (`Backend::write_lock`).
            let pool = postgres_pool(url, POSTGRES_CONNECTIONS).await?;
            let exports = postgres_pool(url, app::db::csv::EXPORTS_AT_ONCE as u32).await?;
            (pool.clone(), pool, exports)
        }
    };
    let db = Db { pool, writer, exports, backend };
    let migrations = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrations.run(&db.writer).await.context("database migration failed")?;
    Ok(db)
}

/// Connections that read (pages, API), and the page cache of each: 64 MiB keeps
/// the indexes' upper levels in memory, for deep pages alike.
const READERS: u32 = 8;
const READER_CACHE_MIB: i64 = 64;
/// An export reads its rows once, in order: a small cache will do.
const EXPORT_CACHE_MIB: i64 = 16;
/// The one writing connection's page cache: the indexes being written stay in it, so ingest
/// slows less as tables grow (BENCHMARKS.md).
const WRITER_CACHE_MIB: i64 = 256;

/// Connections to a PostgreSQL server (pages, API, writers); exports have their own.
const POSTGRES_CONNECTIONS: u32 = 16;

async fn postgres_pool(url: &str, connections: u32) -> anyhow::Result<sqlx::AnyPool> {
    AnyPoolOptions::new()
        .max_connections(connections)
        .connect(url)
        .await
        .with_context(|| format!("cannot connect to {}", redacted(url)))
}

/// A database URL without its password, for messages.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

async fn sqlite_pool(url: &str, connections: u32, cache_mib: i64) -> anyhow::Result<sqlx::AnyPool> {
    AnyPoolOptions::new()
        .max_connections(connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // WAL lets the console's readers go on while a batch is written. FULL syncs the
                // WAL at each commit: an acknowledged batch survives a power loss, not only a
                // crash of the process (NORMAL's promise).
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = FULL",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA busy_timeout = 5000",
                ] {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
                // A negative cache size is in KiB.
                sqlx::query(&format!("PRAGMA cache_size = {}", -cache_mib * 1024)).execute(&mut *conn).await?;
                Ok(())
            })
        })
        .connect(url)
        .await
        .with_context(|| format!("cannot open {url}"))
}
