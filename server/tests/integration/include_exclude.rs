//! "Only this" and "not this" from a list's cells (SPEC §11): exclusions kept in the URL
//! (`not_<filter>=value`, repeatable), a quoted text matched whole, and every way out (the
//! page's total, the API, the CSV) following them, on both databases.

use crate::common::TestApp;

fn total(page: &serde_json::Value) -> i64 {
    page["total"].as_i64().unwrap()
}

#[tokio::test]
async fn exclusions_leave_out_exactly_the_rows_with_the_value() {
    let app = TestApp::spawn(400).await;
    let all = app.scalar("SELECT COUNT(*) FROM cdr").await;
    let busy = app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'BUSY'").await;
    let failed = app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'FAILED'").await;
    assert!(busy > 0 && failed > 0);

    // The total comes from the hourly counts, the page from the rows: both leave BUSY out.
    let page = app.json("/api/v1/cdr?not_disposition=BUSY&size=100").await;
    assert_eq!(total(&page), all - busy);
    assert!(page["items"].as_array().unwrap().iter().all(|i| i["disposition"] != "BUSY"));
    // Repeated, each value is left out; a time range cutting hours counts the same way.
    let page = app.json("/api/v1/cdr?not_disposition=BUSY&not_disposition=FAILED").await;
    assert_eq!(total(&page), all - busy - failed);
    let from = app.scalar("SELECT MIN(call_date) + (MAX(call_date) - MIN(call_date)) / 3 FROM cdr").await;
    let from_text = chrono::DateTime::from_timestamp_millis(from).unwrap().format("%Y-%m-%dT%H:%M:%S").to_string();
    let expected = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM cdr WHERE call_date >= {} AND disposition NOT IN ('BUSY', 'FAILED')",
            from / 1000 * 1000
        ))
        .await;
    let page = app.json(&format!("/api/v1/cdr?not_disposition=BUSY&not_disposition=FAILED&from={from_text}")).await;
    assert_eq!(total(&page), expected);

    // An optional code: rows without one stay when a value is left out.
    let without_cause = app.scalar("SELECT COUNT(*) FROM cdr WHERE hangup_cause IS NULL").await;
    let normal = app.scalar("SELECT COUNT(*) FROM cdr WHERE hangup_cause = 'NORMAL_CLEARING'").await;
    assert!(without_cause > 0 && normal > 0);
    let page = app.json("/api/v1/cdr?not_hangup_cause=NORMAL_CLEARING").await;
    assert_eq!(total(&page), all - normal);

    // Kept and left out together: only ANSWERED, but not TRANSFER legs.
    let expected =
        app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'ANSWERED' AND call_type <> 'TRANSFER'").await;
    let page = app.json("/api/v1/cdr?disposition=ANSWERED&not_call_type=TRANSFER").await;
    assert_eq!(total(&page), expected);

    // The CSV follows them: a header and one line per row.
    let (status, _, csv) = app.get("/api/v1/cdr.csv?not_disposition=BUSY").await;
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count() as i64, 1 + all - busy);
    assert!(!csv.lines().skip(1).any(|l| l.contains(",BUSY,")));
}

#[tokio::test]
async fn text_is_kept_whole_when_quoted_and_left_out_whole() {
    let app = TestApp::spawn(400).await;
    let name = app.text("SELECT caller_name FROM cdr WHERE caller_name <> '' ORDER BY id LIMIT 1").await;
    let exact = app.scalar_bound("SELECT COUNT(*) FROM cdr WHERE caller_name = ?", &[&name]).await;
    let prefixed = app.scalar_bound("SELECT COUNT(*) FROM cdr WHERE caller_name LIKE ? || '%'", &[&name]).await;
    let all = app.scalar("SELECT COUNT(*) FROM cdr").await;
    let quoted = urlencoding(&format!("\"{name}\""));
    let page = app.json(&format!("/api/v1/cdr?caller={quoted}")).await;
    assert_eq!(total(&page), exact);
    let page = app.json(&format!("/api/v1/cdr?caller={}", urlencoding(&name))).await;
    assert_eq!(total(&page), prefixed, "unquoted, the text is a prefix as before");
    // Left out: exactly that name (rows with an empty name or a longer one stay).
    let page = app.json(&format!("/api/v1/cdr?not_caller={}", urlencoding(&name))).await;
    assert_eq!(total(&page), all - exact);

    // A Call Id is matched whole already; leaving one out drops all its legs.
    let call = app.text("SELECT call_id FROM cdr GROUP BY call_id HAVING COUNT(*) > 1 LIMIT 1").await;
    let legs = app.scalar_bound("SELECT COUNT(*) FROM cdr WHERE call_id = ?", &[&call]).await;
    let page = app.json(&format!("/api/v1/cdr?not_call_id={}", urlencoding(&call))).await;
    assert_eq!(total(&page), all - legs);
}

#[tokio::test]
async fn bad_exclusions_are_refused_with_a_reason() {
    let app = TestApp::spawn(50).await;
    for (path, says) in [
        ("/api/v1/cdr?not_disposition=NOPE", "is not a known"),
        ("/api/v1/cdr?not_account_id=1", "not a filter of this list"),
        ("/api/v1/cdr?not_nonsense=1", "not a filter of this list"),
        ("/api/v1/cdr?disposition=BUSY&disposition=FAILED", "given twice"),
        ("/api/v1/web-sessions?not_result=", ""),
    ] {
        let (status, _, body) = app.get(path).await;
        if says.is_empty() {
            assert_eq!(status, 200, "an empty exclusion is no filter: {body}");
        } else {
            assert_eq!(status, 400, "{path}");
            assert!(body.contains(says), "{path}: {body}");
        }
    }
    let many: String = (0..21).map(|i| format!("&not_caller=n{i}")).collect();
    let (status, _, body) = app.get(&format!("/api/v1/cdr?size=10{many}")).await;
    assert_eq!(status, 400);
    assert!(body.contains("at most 20 exclusions"), "{body}");
    let long = "x".repeat(201);
    let (status, _, body) = app.get(&format!("/api/v1/cdr?not_caller={long}")).await;
    assert_eq!((status, body.contains("longer than")), (400, true), "{body}");
}

#[tokio::test]
async fn cells_offer_only_this_and_not_this_and_chips_undo_them() {
    let app = TestApp::spawn(200).await;
    let (status, _, html) = app.get("/logs/cdr?disposition=ANSWERED").await;
    assert_eq!(status, 200);
    // A code cell: its two links, named for screen readers, each the list with the change.
    assert!(
        html.contains(r#"<a href="/logs/cdr?disposition=ANSWERED" aria-label="Show only Disposition ANSWERED""#),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/logs/cdr?not_disposition=ANSWERED" aria-label="Exclude Disposition ANSWERED""#));
    // A text cell's "only this" quotes the text so that it is matched whole.
    let name = app.text("SELECT caller_name FROM cdr WHERE disposition = 'ANSWERED' AND caller_name <> '' ORDER BY call_date DESC LIMIT 1").await;
    assert!(html.contains(&format!("aria-label=\"Show only Caller {name}\"")), "{html}");
    assert!(html.contains("&amp;caller=%22"), "{html}");

    let (status, _, html) =
        app.get("/logs/cdr?disposition=ANSWERED&not_call_type=TRANSFER&not_call_type=CONFERENCE").await;
    assert_eq!(status, 200);
    // Each filter is a chip; removing one keeps the others.
    assert!(html.contains(r#"<li class="chip">Call Type ≠ TRANSFER<a href="/logs/cdr?disposition=ANSWERED&amp;not_call_type=CONFERENCE" aria-label="Remove filter Call Type ≠ TRANSFER""#), "{html}");
    assert!(html.contains(r#"<li class="chip">Disposition = ANSWERED<a href="/logs/cdr?not_call_type=TRANSFER&amp;not_call_type=CONFERENCE""#), "{html}");
    // The filter form keeps the exclusions it has no control for.
    assert!(html.contains(r#"<input type="hidden" name="not_call_type" value="TRANSFER""#), "{html}");
}

/// Percent-encodes a query value.
fn urlencoding(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).unwrap().trim_start_matches("v=").to_owned()
}
