//! Web Sessions end to end over HTTP: the page, the API and the CSV export against a real
//! database.

use crate::common::TestApp;

#[tokio::test]
async fn the_list_filters_on_the_server_and_says_so() {
    let app = TestApp::spawn(300).await;
    let (status, _, html) = app.get("/logs/web-sessions?result=FAIL_BAD_CREDENTIALS").await;
    assert_eq!(status, 200);
    // Newest first by default; the Timestamp header offers the other order and keeps the filter.
    assert!(html.contains(r#"<th scope="col" aria-sort="descending"><a href="/logs/web-sessions?result=FAIL_BAD_CREDENTIALS&amp;sort=timestamp&amp;dir=asc">Timestamp"#), "{html}");
    // The filter is a chip whose remove link is the list without it.
    assert!(html.contains(r#"<li class="chip">Result = FAIL_BAD_CREDENTIALS<a href="/logs/web-sessions" aria-label="Remove filter Result = FAIL_BAD_CREDENTIALS""#), "{html}");
    let expected = app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'FAIL_BAD_CREDENTIALS'").await;
    assert!(expected > 0);
    assert!(html.contains(&format!("{expected} rows")), "the total is the filtered count");

    let page = app.json("/api/v1/web-sessions?result=FAIL_BAD_CREDENTIALS&size=100").await;
    assert_eq!(page["total"], expected);
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["result"] == "FAIL_BAD_CREDENTIALS"));
    let (status, _, html) = app.get("/logs/web-sessions").await;
    assert_eq!(status, 200);
    assert!(html.contains("No filters applied"));
}

#[tokio::test]
async fn pages_do_not_overlap_and_follow_the_sort() {
    let app = TestApp::spawn(300).await;
    let p1 = app.json("/api/v1/web-sessions?size=10").await;
    let p2 = app.json("/api/v1/web-sessions?size=10&page=2").await;
    let ids = |p: &serde_json::Value| {
        p["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>()
    };
    let (a, b) = (ids(&p1), ids(&p2));
    assert_eq!(a.len(), 10);
    assert!(a.iter().all(|id| !b.contains(id)));
    let times = |p: &serde_json::Value| {
        p["items"].as_array().unwrap().iter().map(|i| i["occurred_at"].as_i64().unwrap()).collect::<Vec<_>>()
    };
    let all: Vec<i64> = times(&p1).into_iter().chain(times(&p2)).collect();
    assert!(all.windows(2).all(|w| w[0] >= w[1]), "newest first across pages");

    let asc = app.json("/api/v1/web-sessions?sort=username&dir=asc&size=100").await;
    let names: Vec<String> =
        asc["items"].as_array().unwrap().iter().map(|i| i["username"].as_str().unwrap().to_owned()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let (status, _, html) = app.get("/logs/web-sessions?page=9999").await;
    assert_eq!(status, 200);
    assert!(html.contains("is past the last page"));
}

#[tokio::test]
async fn bad_input_is_a_clear_400_everywhere() {
    let app = TestApp::spawn(50).await;
    for (query, message) in [
        ("page=abc", "not a page number"),
        ("page=-5", "not a page number"),
        ("size=7", "Items to show"),
        ("sort=%27%3BDROP", "cannot be sorted by"),
        ("from=2015-13-45", "is not a date"),
        ("result=NOT_A_RESULT", "is not a known web session result"),
        ("colour=red", "not a filter of this list"),
    ] {
        for path in ["/logs/web-sessions", "/api/v1/web-sessions", "/api/v1/web-sessions.csv"] {
            let (status, _, body) = app.get(&format!("{path}?{query}")).await;
            assert_eq!(status, 400, "{path}?{query}");
            assert!(body.contains(message), "{path}?{query}: {body}");
            assert!(!body.contains("panicked") && !body.to_lowercase().contains("sqlite"), "{body}");
        }
    }
    let (status, _, _) = app.get("/logs/web-sessions/999999").await;
    assert_eq!(status, 404);
    let (status, _, body) = app.get("/logs/web-sessions/abc").await;
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = app.get("/logs/no-such-log").await;
    assert_eq!(status, 404);
    let (status, _, _) = app.get("/logs/accounts").await;
    assert_eq!(status, 404, "the accounts directory lives at /accounts only");
    let (status, _, _) = app.get("/api/v1/no-such-log.csv").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn hostile_text_is_searched_for_not_executed() {
    let app = TestApp::spawn(50).await;
    let before = app.scalar("SELECT COUNT(*) FROM web_session").await;
    for query in [
        "q=%27%20OR%201%3D1%20--",
        "username=%27%3B%20DROP%20TABLE%20web_session%3B--",
        "ip=%22%29%20OR%20%28%221%22%3D%221",
    ] {
        let page = app.json(&format!("/api/v1/web-sessions?{query}")).await;
        assert_eq!(page["total"], 0, "{query}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM web_session").await, before);
    // The text is shown escaped on the page.
    let (_, _, html) = app.get("/logs/web-sessions?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!html.contains("<script>alert(1)</script>"));
}

#[tokio::test]
async fn the_detail_page_shows_every_field() {
    let app = TestApp::spawn(50).await;
    let id = app.scalar("SELECT MIN(id) FROM web_session WHERE username = 'admin'").await;
    let (status, _, html) = app.get(&format!("/logs/web-sessions/{id}")).await;
    assert_eq!(status, 200);
    for label in ["Id", "Timestamp", "Result", "Username", "IP Address"] {
        assert!(html.contains(&format!("<dt>{label}</dt>")), "{label}");
    }
    assert!(html.contains("admin") && html.contains("UTC"));
}

#[tokio::test]
async fn the_csv_streams_exactly_the_filtered_sorted_rows_and_neutralises_formulas() {
    let app = TestApp::spawn(300).await;
    sqlx::query("INSERT INTO web_session (occurred_at, result, username, ip_address) VALUES (1, 'FAIL_USER_NOT_FOUND', '=HYPERLINK(\"http://x\")', '-1+2')")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (status, content_type, body) =
        app.get("/api/v1/web-sessions.csv?result=FAIL_USER_NOT_FOUND&sort=timestamp&dir=asc").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["Timestamp", "Result", "Username", "IP Address"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let expected = app.scalar("SELECT COUNT(*) FROM web_session WHERE result = 'FAIL_USER_NOT_FOUND'").await;
    assert_eq!(rows.len() as i64, expected);
    assert!(rows.iter().all(|r| &r[1] == "FAIL_USER_NOT_FOUND"));
    // Oldest first as asked: the planted row (1 ms after the epoch) comes first.
    assert_eq!(&rows[0][0], "1970-01-01 00:00:00.001 UTC");
    assert_eq!(&rows[0][2], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&rows[0][3], "'-1+2");
}
