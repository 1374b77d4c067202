//! The compiled front end (wasm, its JS glue, the style sheet) under a content-addressed
//! path, `/assets/<version>/<file>`, where the version is a hash of the files themselves: a
//! browser may keep them for a year without asking again (`immutable`), and a new build is a
//! new address. Each file goes out precompressed when the build left a `.br` or `.gz` beside
//! it (`scripts/build.sh`), else compressed on the fly by the response compression layer.
//! An address of another version (a page from before an upgrade) is a 404: the page reloads
//! with the new one.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Where the built files are, relative to the site root (`scripts/build.sh` writes them).
const PKG_DIR: &str = "pkg";
/// The URL path the versioned files are served under.
pub const PREFIX: &str = "assets";
/// A year, the longest `max-age` browsers honour.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// The built front end: its folder and the version its files make.
#[derive(Clone, Debug)]
pub struct Assets {
    dir: PathBuf,
    version: String,
}

impl Assets {
    /// Reads the built files under `site_root` and hashes them (SHA-256 over each file's
    /// name and bytes, in name order; precompressed copies left out). A site without built
    /// files (tests that start the server without a front end) gets the version "none".
    pub fn load(site_root: &str) -> Assets {
        let dir = FsPath::new(site_root).join(PKG_DIR);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.is_file() && !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")));
        files.sort();
        let mut hash = Sha256::new();
        for file in &files {
            let Ok(bytes) = std::fs::read(file) else { continue };
            hash.update(file.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(&bytes);
        }
        let version = if files.is_empty() { "none".to_owned() } else { hex::encode(&hash.finalize()[..8]) };
        Assets { dir, version }
    }

    /// The path the pages load the built files from (Leptos's `site_pkg_dir`), without a
    /// leading slash: `assets/<version>`.
    pub fn pkg_path(&self) -> String {
        format!("{PREFIX}/{}", self.version)
    }

    /// The route serving them.
    pub fn routes(self) -> Router {
        Router::new().route(&format!("/{PREFIX}/{{version}}/{{file}}"), get(serve)).with_state(Arc::new(self))
    }
}

async fn serve(
    State(assets): State<Arc<Assets>>,
    Path((version, file)): Path<(String, String)>,
    request: Request<Body>,
) -> Response {
    if version != assets.version || file.starts_with('.') || file.contains(['/', '\\']) {
        return (StatusCode::NOT_FOUND, "No such file in this version of the console; reload the page.")
            .into_response();
    }
    // ServeDir picks the precompressed copy the client accepts, and sets the type and length.
    let (mut parts, body) = request.into_parts();
    parts.uri = match format!("/{file}").parse() {
        Ok(uri) => uri,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    let files = ServeDir::new(&assets.dir).precompressed_br().precompressed_gzip();
    match files.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => {
            let mut response = response.map(Body::new);
            if response.status() == StatusCode::OK {
                response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(FOREVER));
            }
            response
        }
        Err(never) => match never {},
    }
}
