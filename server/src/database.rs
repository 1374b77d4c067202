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
    let pool = match backend {
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
            AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL lets the console's readers go on while a batch is written.
                        // FULL syncs the WAL at each commit: an acknowledged batch survives a
                        // power loss, not only a crash of the process (NORMAL's promise).
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 5000",
                            // 64 MiB of page cache per connection keeps the indexes' upper levels
                            // in memory, for bulk loads and deep pages alike.
                            "PRAGMA cache_size = -65536",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                        Ok(())
                    })
                })
                .connect(&url)
                .await
                .with_context(|| format!("cannot open {url}"))?
        }
        Backend::Postgres => unreachable!("refused above"),
    };
    let db = Db { pool, backend };
    SQLITE_MIGRATIONS.run(&db.pool).await.context("database migration failed")?;
    Ok(db)
}
