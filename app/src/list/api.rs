//! The server functions behind every list and detail page.

use super::{Category, LogDetail, LogPage};
use crate::error::AppError;
use leptos::prelude::*;

/// One page of `category`, for the raw URL query of the list (`page=2&result=...`).
/// The server validates the query; a malformed one is an [`AppError::BadRequest`].
#[server(endpoint = "log_page")]
pub async fn fetch_log_page(category: Category, query: String) -> Result<LogPage, AppError> {
    let reader = crate::auth::Reader::from_context().inspect_err(AppError::set_page_status)?;
    let state = crate::db::AppState::from_context()?;
    crate::db::list::fetch_page(&state, &reader, category, &query).await.inspect_err(AppError::set_page_status)
}

/// One row of `category` with every stored field.
#[server(endpoint = "log_detail")]
pub async fn fetch_log_detail(category: Category, id: String) -> Result<LogDetail, AppError> {
    let reader = crate::auth::Reader::from_context().inspect_err(AppError::set_page_status)?;
    let state = crate::db::AppState::from_context()?;
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::BadRequest(format!("'{id}' is not a row id.")))
        .inspect_err(AppError::set_page_status)?;
    crate::db::list::fetch_detail(&state, &reader, category, id).await.inspect_err(AppError::set_page_status)
}
