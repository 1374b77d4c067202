//! `POST /api/v1/<slug>`: an appliance sends a batch of events (or accounts) with an
//! `ingest` token. Here is the HTTP side: the content type (415), the body read up to the
//! limit (413 past it), the `Idempotency-Key`, and the answer (200, or 422 naming every bad
//! record). Parsing and storing are `app::db::ingest`'s.

use app::auth::Ingester;
use app::db::ingest::{self, Batch, BodyFormat};
use app::db::AppState;
use app::error::AppError;
use app::list::Category;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The longest `Idempotency-Key`.
const MAX_KEY: usize = 200;

/// `POST /api/v1/<slug>`.
pub async fn batch(
    State(state): State<AppState>,
    ingester: Ingester,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let result = async {
        let category =
            Category::from_slug(&slug).ok_or_else(|| AppError::NotFound(format!("There is no log named '{slug}'.")))?;
        let format = content_format(request.headers())?;
        let idempotency_key = idempotency_key(request.headers())?;
        let body = read_body(request.into_body(), state.ingest_limit).await?;
        ingest::receive(&state, &ingester, Batch { category, format, idempotency_key, body }).await
    };
    match result.await {
        Ok(Ok(accepted)) => Json(accepted).into_response(),
        Ok(Err(rejected)) => (StatusCode::UNPROCESSABLE_ENTITY, Json(rejected)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn content_format(headers: &HeaderMap) -> Result<BodyFormat, AppError> {
    let value = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    BodyFormat::from_content_type(value).ok_or_else(|| {
        AppError::UnsupportedMediaType(format!(
            "Send application/x-ndjson (one JSON object per line) or application/json (an array of objects), \
             not '{value}'."
        ))
    })
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    match value.to_str() {
        Ok(key) if !key.trim().is_empty() && key.len() <= MAX_KEY => Ok(Some(key.trim().to_owned())),
        _ => Err(AppError::BadRequest(format!("An Idempotency-Key is 1 to {MAX_KEY} visible ASCII characters."))),
    }
}

/// The body, refused with 413 as soon as it passes `limit` bytes (a declared length past it
/// before anything is read).
async fn read_body(body: Body, limit: usize) -> Result<bytes::Bytes, AppError> {
    let too_large =
        || AppError::TooLarge(format!("A batch may be at most {} KiB; send smaller batches.", limit / 1024));
    if axum::body::HttpBody::size_hint(&body).lower() > limit as u64 {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| too_large())
}
