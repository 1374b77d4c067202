//! The HTTP application: the Leptos pages and server functions, the REST API, static files.

use crate::api;
use app::db::AppState;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Where the compiled wasm, JS and CSS are (cargo-leptos writes them to `target/site`).
pub fn site_root() -> String {
    std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into())
}

pub fn router(state: AppState, site_root: &str) -> Router {
    let options = LeptosOptions::builder()
        .output_name("pslog")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build();
    let routes = generate_route_list(app::App);
    let context_state = state.clone();
    Router::new()
        .merge(api::routes(state))
        .leptos_routes_with_context(
            &options,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = options.clone();
                move || app::shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(app::shell))
        .with_state(options)
}

/// Binds `addr` (port 0 picks a free port) and serves until the process ends.
pub async fn serve(state: AppState, addr: SocketAddr, site_root: &str) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(state, site_root).layer(tower_http::trace::TraceLayer::new_for_http());
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    Ok((bound, handle))
}
