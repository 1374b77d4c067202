//! The HTTP application: the Leptos pages and server functions, the REST API, static files;
//! and how connections are served, with the limits that keep one client from starving the
//! others (SPEC §12): a connection cap, a header-read timeout, a body size limit and a body
//! idle timeout.

use crate::front::{self, Front};
use crate::{api, auth};
use app::db::AppState;
use app::error::AppError;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer as Set;

/// Where the compiled wasm, JS and CSS are (`scripts/build.sh` writes them to `target/site`).
pub fn site_root() -> String {
    std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into())
}

/// The largest body of a form or server-function call (ingest batches have their own,
/// larger, limit: `--ingest-limit-mib`).
const BODY_LIMIT: usize = 1024 * 1024;
/// A request whose headers take longer than this to arrive is dropped (slowloris).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A request body that sends nothing for this long is dropped.
const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once, unless configured otherwise (`--max-connections`).
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

pub fn router(state: AppState, site_root: &str, front: Front) -> Router {
    let assets = crate::assets::Assets::load(site_root);
    let options =
        LeptosOptions::builder().output_name("pslog").site_root(site_root).site_pkg_dir(assets.pkg_path()).build();
    let routes = generate_route_list(app::App);
    let context_state = state.clone();
    let gate = axum::middleware::from_fn_with_state(state.clone(), auth::gate);
    Router::new()
        .merge(auth::routes(state.clone()))
        .leptos_routes_with_context(&options, routes, move || provide_context(context_state.clone()), {
            let options = options.clone();
            move || app::shell(options.clone())
        })
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(api::routes(state))
        .fallback(leptos_axum::file_and_error_handler(app::shell))
        .with_state(options)
        .merge(assets.routes())
        .layer(axum::middleware::from_fn(server_fn_status))
        .layer(gate)
        // On every response: no framing (clickjacking of the admin forms), no content-type
        // sniffing, and no address (with its filters) sent to other sites.
        .layer(Set::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(Set::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(Set::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Every text response compressed for the clients that accept it (brotli or gzip; not
        // event streams or images), at a level cheap enough to spend on each page and export.
        // The front end's files usually go out precompressed at the best level (assets.rs).
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_IDLE_TIMEOUT))
        .layer(axum::middleware::from_fn_with_state(Arc::new(front), front::door))
}

/// A server function answers every error with 500, even for its arguments: gives the
/// response the status of the [`AppError`] it carries (a malformed argument is a 400).
async fn server_fn_status(request: Request<Body>, next: axum::middleware::Next) -> Response {
    let server_fn = request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/api/v1/");
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return AppError::Internal.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Binds `addr` (port 0 picks a free port) and serves until the process ends.
///
/// Connections are served by hyper directly rather than `axum::serve` so that HTTP/1 header
/// names go out in their usual Title-Case (`Content-Type`): some clients and scripts read
/// them case-sensitively; and so that the connection cap and the header-read timeout apply.
/// Each request carries the connection's address as `ConnectInfo`.
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    site_root: &str,
    front: Front,
    max_connections: usize,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(state, site_root, front).layer(tower_http::trace::TraceLayer::new_for_http());
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections));
    let handle = tokio::spawn(async move {
        loop {
            let (socket, remote) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            };
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                tokio::spawn(refuse(socket));
                continue;
            };
            let app = app.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(remote));
                    app.clone().oneshot(request.map(Body::new))
                });
                let mut builder = Builder::new(TokioExecutor::new());
                builder
                    .http1()
                    .title_case_headers(true)
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT);
                if let Err(e) = builder.serve_connection(TokioIo::new(socket), service).await {
                    tracing::debug!(error = %e, "connection closed with an error");
                }
                drop(slot);
            });
        }
    });
    Ok((bound, handle))
}

/// Answers a connection over the cap with a 503 and closes it.
async fn refuse(mut socket: TcpStream) {
    const BODY: &str = "The console is serving too many connections; try again in a moment.\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\n\
         Connection: close\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    tracing::warn!("connection refused: at the connection cap");
    let _ = tokio::time::timeout(Duration::from_secs(5), socket.write_all(answer.as_bytes())).await;
}
