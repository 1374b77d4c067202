//! `GET /api/v1/<slug>/follow?<list query>`: the rows a list gains, as server-sent events
//! (SPEC §11). The query is the list's own (its filters, the caller's role rules and the
//! masking policy apply as to its pages); each event is one new row as the list shows it
//! (`id:` the row's id, `data:` its cells as JSON), oldest first. A client that reconnects
//! sends the last id it had (`Last-Event-ID`, as EventSource does) and misses no row and
//! gets none twice; the first connection starts after `after=<id>`, or after the newest row.
//!
//! The stream polls the database every [`POLL`] for rows above the last id it sent (the
//! primary key's order: a few index steps when nothing is new), so rows from every writer
//! (ingest, the console's own events, import) arrive within a second. It ends after
//! [`MAX_LIFETIME`]; EventSource reconnects at once, and the caller is checked again then.

use app::auth::{Caller, Reader};
use app::db::list::{fetch_newer, newest_id};
use app::db::AppState;
use app::error::AppError;
use app::list::Category;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often a followed list asks for new rows.
pub const POLL: Duration = Duration::from_millis(500);
/// New rows sent per poll at most; more wait for the next poll.
const BATCH: u64 = 200;
/// How long one connection lasts before the client is asked to reconnect.
pub const MAX_LIFETIME: Duration = Duration::from_secs(600);
/// The query parameter of the id to start after.
const AFTER: &str = "after";

pub async fn follow(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    start(state, Reader::of(caller), &slug, &query.unwrap_or_default(), &headers)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn start(
    state: AppState,
    reader: Reader,
    slug: &str,
    query: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let category = Category::log_from_slug(slug)
        .ok_or_else(|| AppError::NotFound(format!("There is no log named '{slug}' to follow.")))?;
    let (list_query, after) = split_after(query)?;
    let resumed = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    let after = match resumed.or(after) {
        Some(id) => id,
        None => newest_id(&state, category).await?,
    };
    // A bad query or a refused filter is an answer now, not a broken stream.
    fetch_newer(&state, &reader, category, &list_query, after, 0).await?;
    let slot = state.followers.clone().try_acquire_owned().map_err(|_| {
        AppError::TooManyRequests("The console is following as many lists as it can; try again shortly.".into())
    })?;
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(BATCH as usize);
    tokio::spawn(async move {
        let _slot = slot;
        let mut last = after;
        let mut tick = tokio::time::interval(POLL);
        let until = tokio::time::Instant::now() + MAX_LIFETIME;
        while tokio::time::Instant::now() < until && !tx.is_closed() {
            tick.tick().await;
            let rows = match fetch_newer(&state, &reader, category, &list_query, last, BATCH).await {
                Ok(rows) => rows,
                Err(e) => {
                    // The list stopped being readable (its filter refused under a new masking
                    // policy, say): say why and end; the client stops following.
                    let _ = tx.send(Ok(Event::default().event("refused").data(e.to_string()))).await;
                    return;
                }
            };
            for row in rows {
                last = row.id;
                let Ok(event) = Event::default().id(row.id.to_string()).json_data(&row) else { return };
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
            }
        }
    });
    Ok(Sse::new(tokio_stream::wrappers::ReceiverStream::new(rx)).keep_alive(KeepAlive::default()).into_response())
}

/// The list's query without `after`, and the id `after` names.
fn split_after(query: &str) -> Result<(String, Option<i64>), AppError> {
    let mut after = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        if key == AFTER {
            let id = value.parse::<i64>().map_err(|_| AppError::BadRequest(format!("'{value}' is not a row id.")))?;
            after = Some(id);
        } else {
            rest.append_pair(&key, &value);
        }
    }
    Ok((rest.finish(), after))
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_is_taken_out_of_the_list_query() {
        let (rest, after) = super::split_after("result=FAIL_BAD_CREDENTIALS&after=42&q=a+b").unwrap();
        assert_eq!((rest.as_str(), after), ("result=FAIL_BAD_CREDENTIALS&q=a+b", Some(42)));
        assert!(super::split_after("after=x").is_err());
    }
}
