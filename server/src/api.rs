//! The HTTP API under `/api/v1`: `GET /api/v1/<category>` (JSON), `GET /api/v1/<category>/<id>`
//! (one item) and `GET /api/v1/<category>.csv` (the CSV export), with the same query as the
//! list page; `POST /api/v1/<category>`, the ingest of events ([`crate::ingest`]); and the
//! OpenAPI document of all of it ([`crate::openapi`]).

use app::auth::{Caller, Exporter, Reader};
use app::db::csv::export;
use app::db::list::{fetch_item, fetch_items};
use app::db::AppState;
use app::error::AppError;
use app::list::Category;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes<S>(state: AppState) -> Router<S> {
    Router::new()
        .route(crate::openapi::PATH, get(crate::openapi::document))
        .route("/api/v1/{resource}", get(list).post(crate::ingest::batch))
        .route("/api/v1/{resource}/follow", get(crate::follow::follow))
        .route("/api/v1/{resource}/{id}", get(item))
        .with_state(state)
}

/// One item of a list, as its JSON page shows it; 404 when there is no such row.
async fn item(State(state): State<AppState>, caller: Caller, Path((slug, id)): Path<(String, String)>) -> Response {
    let result = async {
        let category =
            Category::from_slug(&slug).ok_or_else(|| AppError::NotFound(format!("There is no log named '{slug}'.")))?;
        let id: i64 = id.parse().map_err(|_| AppError::BadRequest(format!("'{id}' is not a row id.")))?;
        Ok::<_, AppError>(Json(fetch_item(&state, &Reader::of(caller), category, id).await?).into_response())
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Reading needs a signed-in caller ([`Reader`]); the CSV export an [`Exporter`].
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(resource): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let (slug, csv) = match resource.strip_suffix(".csv") {
        Some(slug) => (slug, true),
        None => (resource.as_str(), false),
    };
    let Some(category) = Category::from_slug(slug) else {
        return AppError::NotFound(format!("There is no log named '{slug}'.")).into_response();
    };
    let result = if csv {
        match Exporter::of(caller) {
            Ok(exporter) => csv_response(&state, &exporter, category, &query).await,
            Err(e) => Err(e),
        }
    } else {
        json_response(&state, &Reader::of(caller), category, &query).await
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn csv_response(
    state: &AppState,
    exporter: &Exporter,
    category: Category,
    query: &str,
) -> Result<Response, AppError> {
    let export = export(state, exporter, category, query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", export.file_name)),
        ],
        Body::from_stream(export.body),
    )
        .into_response())
}

async fn json_response(
    state: &AppState,
    reader: &Reader,
    category: Category,
    query: &str,
) -> Result<Response, AppError> {
    Ok(Json(fetch_items(state, reader, category, query).await?).into_response())
}
