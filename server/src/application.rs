//! One way to start the console: [`Application::build`] takes the opened (migrated) database,
//! binds the address, starts the background tasks (unless told not to), writes the start-up
//! event and serves. `main`, the integration tests and the bench all start it this way, so
//! what they test is what runs.

use crate::{reconcile, tasks, web};
use anyhow::Context;
use app::db::{AppState, Db};
use std::net::SocketAddr;
use std::time::Duration;

/// Everything a running console is configured with.
#[derive(Clone, Debug)]
pub struct Config {
    /// Port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// Where the compiled wasm, JS and CSS are.
    pub site_root: String,
    /// Idle time after which a console session ends.
    pub session_idle: Duration,
    /// Background tasks: housekeeping, heartbeats and SIP reconciliation every so often;
    /// `None` runs none (tests that want a quiet database).
    pub reconcile_every: Option<Duration>,
    /// The largest body of an ingest batch, in bytes.
    pub ingest_limit: usize,
    /// Where Security Events are forwarded as CEF, if anywhere.
    pub forward_cef: Option<crate::forward::Target>,
    /// The trusted proxies and the public URL (see [`crate::front`]).
    pub front: crate::front::Front,
    /// Connections served at once; more are answered 503.
    pub max_connections: usize,
}

impl Config {
    /// The defaults of `pslog serve`, on a free port, with no background tasks: what a test
    /// starts.
    pub fn quiet() -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: web::site_root(),
            session_idle: app::auth::session::DEFAULT_IDLE,
            reconcile_every: None,
            ingest_limit: app::db::ingest::DEFAULT_LIMIT,
            forward_cef: None,
            front: crate::front::Front::default(),
            max_connections: web::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// A console serving on [`Application::addr`].
pub struct Application {
    pub state: AppState,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Starts the console on an open database (`database::open` creates and migrates it).
    pub async fn build(db: Db, config: Config) -> anyhow::Result<Application> {
        let mut state = AppState::new(db);
        state.session_idle = config.session_idle;
        state.ingest_limit = config.ingest_limit;
        state.forward_cef = config.forward_cef.as_ref().map(ToString::to_string);
        if let Some(target) = config.forward_cef {
            crate::forward::spawn(state.db.clone(), target);
        }
        if let Some(period) = config.reconcile_every {
            tasks::spawn_all(state.clone());
            reconcile::spawn(state.db.clone(), period);
        }
        let (addr, server) =
            web::serve(state.clone(), config.addr, &config.site_root, config.front, config.max_connections)
                .await
                .with_context(|| format!("cannot listen on {}", config.addr))?;
        tasks::started(&state.db, chrono::Utc::now().timestamp_millis(), &addr.to_string()).await?;
        Ok(Application { state, addr, server })
    }

    /// The address it serves on (the one bound, when the config asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Serves until the server stops or the process is interrupted.
    pub async fn run_until_stopped(self) {
        tokio::select! {
            _ = self.server => {}
            _ = tokio::signal::ctrl_c() => eprintln!("stopping"),
        }
    }
}
