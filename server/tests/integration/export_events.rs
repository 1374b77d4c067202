//! Every CSV export is itself logged (SPEC §11): a Security Event of type DATA_EXPORT saying
//! who (a console user or an API token, and the address), which list, which filters and how
//! many rows, written when the download ends; a refused export writes none.

use crate::common::TestApp;
use crate::ingest::make_token;
use app::codes::TokenScope;

/// The descriptions and users of the export events, oldest first.
async fn export_events(app: &TestApp) -> Vec<(String, String)> {
    let page = app.json("/api/v1/security?type=DATA_EXPORT&sort=timestamp&dir=asc&size=100").await;
    let details = |i: &serde_json::Value| i["details"].as_str().unwrap().to_owned();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["description"].as_str().unwrap().to_owned(), details(i)))
        .collect()
}

/// Waits for the export events to reach `n` (the event is written as the download ends).
async fn wait_for_events(app: &TestApp, n: usize) -> Vec<(String, String)> {
    for _ in 0..100 {
        let events = export_events(app).await;
        if events.len() >= n {
            return events;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{n} export events never appeared: {:?}", export_events(app).await);
}

#[tokio::test]
async fn exports_by_users_and_tokens_are_security_events() {
    let app = TestApp::spawn(200).await;
    assert!(export_events(&app).await.is_empty());
    let busy = app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'BUSY'").await;

    let (status, _, csv) = app.get("/api/v1/cdr.csv?disposition=BUSY&not_call_type=TRANSFER&q=a").await;
    assert_eq!(status, 200);
    let rows = csv.lines().count() - 1;
    let events = wait_for_events(&app, 1).await;
    let (description, cef) = &events[0];
    assert_eq!(
        description,
        &format!(
            "CSV export of Call Detail Records: {rows} rows; Disposition = BUSY; Call Type ≠ TRANSFER; Text contains \"a\""
        )
    );
    // The CEF line names the user and the address, for the SIEM.
    assert!(cef.contains("|DX01|Data Export|") && cef.contains("suser=admin"), "{cef}");

    let token = make_token(&app, "nightly", TokenScope::Read, None, chrono::Utc::now().timestamp_millis()).await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/cdr.csv?disposition=BUSY", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap().lines().count() as i64, 1 + busy);
    let events = wait_for_events(&app, 2).await;
    assert_eq!(events[1].0, format!("CSV export of Call Detail Records: {busy} rows; Disposition = BUSY"));
    assert!(events[1].1.contains("suser=token:nightly"), "{}", events[1].1);

    // No filter says so; a refused export (bad query, or a role that may not export) is none.
    let (status, _, _) = app.get("/api/v1/web-sessions.csv").await;
    assert_eq!(status, 200);
    let events = wait_for_events(&app, 3).await;
    assert!(events[2].0.starts_with("CSV export of Web Sessions: ") && events[2].0.ends_with(" rows; no filter"));
    assert_eq!(app.get("/api/v1/cdr.csv?disposition=NOPE").await.0, 400);
    let support = app.client_as("support").await;
    let status = support.get(format!("{}/api/v1/cdr.csv", app.base)).send().await.unwrap().status();
    assert_eq!(status.as_u16(), 403);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(export_events(&app).await.len(), 3);
}
