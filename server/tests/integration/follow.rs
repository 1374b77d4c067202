//! Following a list (SPEC §11): new rows matching its filters arrive as server-sent events,
//! from the console's own events and from ingest alike, within a second; a reconnect with
//! `Last-Event-ID` misses none and repeats none; the list's rules (roles, masking, a bad
//! query) apply to the stream as to its pages.

use crate::common::TestApp;
use crate::ingest::{cdr, make_token, ndjson};
use app::codes::TokenScope;
use futures::StreamExt;
use serde_json::Value;
use std::time::Duration;

/// One server-sent event: its id and its data as JSON.
struct Event {
    id: i64,
    row: Value,
}

/// A followed list, read event by event.
struct Followed {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Followed {
    async fn open(client: &reqwest::Client, url: &str, last_event_id: Option<i64>) -> Followed {
        let mut request = client.get(url);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{url}");
        assert!(crate::roles::streams(&response));
        Followed { body: Box::pin(response.bytes_stream()), buffer: String::new() }
    }

    /// The next row event, or `None` when none comes within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(str::to_owned);
                if let (Some(id), Some(data)) = (field("id: "), field("data: ")) {
                    return Some(Event { id: id.parse().unwrap(), row: serde_json::from_str(&data).unwrap() });
                }
                continue; // a keep-alive comment
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next()).await.ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
        }
    }
}

/// A cell's text of an event's row.
fn cells(event: &Event) -> Vec<String> {
    event.row["cells"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_consoles_own_events_arrive_filtered_in_order_and_resume_without_gaps() {
    let app = TestApp::spawn(50).await;
    let url = format!("{}/api/v1/web-sessions/follow?result=FAIL_BAD_CREDENTIALS", app.base);
    let mut followed = Followed::open(&app.client, &url, None).await;
    // Three failed logins and a successful one, from another browser.
    let other = crate::common::browser(&app.base);
    for _ in 0..3 {
        app.login(&other, "admin", "not the password").await;
    }
    app.client_as("support").await;
    let mut seen = Vec::new();
    while let Some(event) = followed.next(Duration::from_secs(3)).await {
        assert!(cells(&event).contains(&"FAIL_BAD_CREDENTIALS".to_owned()), "only the filter's rows");
        assert_eq!(event.row["id"].as_i64(), Some(event.id));
        seen.push(event.id);
        if seen.len() == 3 {
            break;
        }
    }
    assert_eq!(seen.len(), 3, "each failed login arrived");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "oldest first: {seen:?}");

    // A reconnect that says it had the first gets the other two, once each.
    let mut resumed = Followed::open(&app.client, &url, Some(seen[0])).await;
    let again: Vec<i64> = vec![
        resumed.next(Duration::from_secs(2)).await.unwrap().id,
        resumed.next(Duration::from_secs(2)).await.unwrap().id,
    ];
    assert_eq!(again, seen[1..]);
    assert!(resumed.next(Duration::from_millis(1200)).await.is_none(), "nothing twice");
}

#[tokio::test]
async fn ingested_rows_arrive_within_a_second_with_the_readers_masking() {
    let app = TestApp::spawn(20).await;
    let ingest = make_token(&app, "pbx", TokenScope::Ingest, None, chrono::Utc::now().timestamp_millis()).await;
    app.execute("UPDATE settings SET cdr_masking = 'MASK'").await;
    let support = app.client_as("support").await;
    let mut followed =
        Followed::open(&support, &format!("{}/api/v1/cdr/follow?disposition=BUSY", app.base), None).await;
    let mut busy = cdr("follow-1", "+4418591930");
    busy["disposition"] = "BUSY".into();
    busy["call_type"] = "CALL".into();
    let started = std::time::Instant::now();
    let (status, answer) = ndjson(&app, "/api/v1/cdr", &ingest, &[cdr("follow-0", "+4418591931"), busy]).await;
    assert_eq!(status, 200, "{answer}");
    let event = followed.next(Duration::from_secs(2)).await.expect("the BUSY call arrives");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    let texts = cells(&event);
    assert!(texts.contains(&"BUSY".to_owned()));
    assert!(texts.contains(&"+441*****30".to_owned()), "masked as the reader's list shows it: {texts:?}");
    assert!(followed.next(Duration::from_millis(1200)).await.is_none(), "the ANSWERED one is not the filter's");
}

#[tokio::test]
async fn a_list_that_cannot_be_read_cannot_be_followed() {
    let app = TestApp::spawn(20).await;
    for (path, status) in [
        ("/api/v1/cdr/follow?disposition=NOPE", 400),
        ("/api/v1/cdr/follow?after=x", 400),
        ("/api/v1/accounts/follow", 404),
        ("/api/v1/no-such-log/follow", 404),
    ] {
        let (got, _, body) = app.get(path).await;
        assert_eq!(got, status, "{path}: {body}");
    }
    let anonymous = reqwest::Client::new();
    let response = anonymous.get(format!("{}/api/v1/cdr/follow", app.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    app.execute("UPDATE settings SET cdr_masking = 'MASK'").await;
    let (got, _, body) = app.get("/api/v1/cdr/follow?caller_number=%2B44").await;
    assert_eq!(got, 400, "a masked number may not be followed either: {body}");
}
