//! Opening the database: SQLite by default (one file, created and migrated on first start).

use anyhow::{bail, Context};
use app::db::{Backend, Db};
use sqlx::any::AnyPoolOptions;
use std::str::FromStr;

/// The migrations of each dialect, embedded in the binary.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Connects to `url`, creating a SQLite file (and its folder) if missing, and migrates it.
pub async fn open(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend =
        Backend::from_url(url).with_context(|| format!("unsupported database URL '{url}': use sqlite://PATH"))?;
    if backend == Backend::Postgres {
        // The data layer builds its SQL for PostgreSQL too; its migrations are not written yet.
        bail!("PostgreSQL is not supported yet: use a sqlite:// database URL");
    }
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
        Backend::Postgres => unreachable!("refused above"),
    };
    let db = Db { pool, writer, exports, backend };
    SQLITE_MIGRATIONS.run(&db.writer).await.context("database migration failed")?;
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
