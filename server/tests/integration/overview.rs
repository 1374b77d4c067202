//! The overview (SPEC §11): every count it shows equals the total of the list it links to,
//! for every window, whether read from the hourly counts (whole hours) or from the rows (the
//! last hour's 5 minutes; a zone half an hour from UTC), on both databases.

use crate::common::TestApp;
use serde_json::Value;

async fn overview(app: &TestApp, window: &str) -> (u16, String) {
    let response =
        app.client.post(format!("{}/api/overview", app.base)).form(&[("window", window)]).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn figures(app: &TestApp, window: &str) -> Value {
    let (status, body) = overview(app, window).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The total of the list a link of the overview leads to, through the JSON API.
async fn total_behind(app: &TestApp, href: &str) -> u64 {
    // `/logs/cdr?...` and `/accounts?...` are `/api/v1/cdr?...` and `/api/v1/accounts?...`.
    let api = href.strip_prefix("/logs").unwrap_or(href);
    app.json(&format!("/api/v1{api}")).await["total"].as_u64().unwrap()
}

/// Every segment of `chart` with a count, and as many zero ones, checked against its list.
async fn check_chart(app: &TestApp, chart: &Value) -> u64 {
    let mut sum = 0;
    let (mut checked_zero, mut nonzero) = (0, 0);
    for bar in chart["bars"].as_array().unwrap() {
        for segment in bar["segments"].as_array().unwrap() {
            let count = segment["count"].as_u64().unwrap();
            sum += count;
            if count > 0 || checked_zero < 3 {
                let href = segment["href"].as_str().unwrap();
                assert_eq!(total_behind(app, href).await, count, "{}: {href}", chart["title"]);
                if count == 0 {
                    checked_zero += 1;
                } else {
                    nonzero += 1;
                }
            }
        }
    }
    assert!(nonzero > 0 || sum == 0);
    sum
}

#[tokio::test]
async fn every_count_is_the_total_of_the_list_it_links_to() {
    let app = TestApp::spawn(600).await;
    // In UTC a day's bounds are the daily counts' own; five hours off, every window of days
    // also reads hours at its two edges.
    for (zone, window) in
        ["UTC", "America/New_York"].into_iter().flat_map(|z| ["1h", "24h", "7d", "30d"].map(|w| (z, w)))
    {
        app.execute(&format!("UPDATE settings SET time_zone = '{zone}'")).await;
        let o = figures(&app, window).await;
        let calls = check_chart(&app, &o["calls"]).await;
        check_chart(&app, &o["failed_logins"]).await;
        check_chart(&app, &o["sip"]).await;
        for list in ["messages", "top_callers", "top_failing"] {
            for item in o[list].as_array().unwrap() {
                let href = item["href"].as_str().unwrap();
                assert_eq!(total_behind(&app, href).await, item["count"].as_u64().unwrap(), "{list}: {href}");
            }
        }
        if window == "30d" {
            assert!(calls > 0, "the demo's calls fall in the last 30 days");
            assert!(!o["top_callers"].as_array().unwrap().is_empty());
            let bars = o["calls"]["bars"].as_array().unwrap();
            assert_eq!(bars.len(), 30);
        }
    }
    let on_line = figures(&app, "24h").await["on_line"].clone();
    assert_eq!(total_behind(&app, on_line["href"].as_str().unwrap()).await, on_line["count"].as_u64().unwrap());
}

#[tokio::test]
async fn asr_and_acd_are_those_of_the_rows() {
    let app = TestApp::spawn(600).await;
    let o = figures(&app, "30d").await;
    let bars = o["calls"]["bars"].as_array().unwrap();
    let first = bars.first().unwrap()["segments"][0]["href"].as_str().unwrap().to_owned();
    let last = bars.last().unwrap()["segments"][0]["href"].as_str().unwrap().to_owned();
    let param = |href: &str, key: &str| {
        let query = href.split_once('?').unwrap().1;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        pairs.into_iter().find(|(k, _)| k == key).unwrap().1
    };
    // The window's bounds, as the lists take them; the rows in it, counted by SQL.
    let (from, to) = (param(&first, "from"), param(&last, "to"));
    let page = app.json(&format!("/api/v1/cdr?from={from}&to={to}&call_type=CALL")).await;
    let direct = page["total"].as_f64().unwrap();
    let answered = app.json(&format!("/api/v1/cdr?from={from}&to={to}&call_type=CALL&disposition=ANSWERED")).await;
    let asr = o["asr"]["now"].as_f64().unwrap();
    assert!((asr - answered["total"].as_f64().unwrap() * 100.0 / direct).abs() < 1e-9, "{asr}");
    let start = chrono::NaiveDateTime::parse_from_str(&from, "%Y-%m-%dT%H:%M:%S").unwrap().and_utc().timestamp_millis();
    let end =
        chrono::NaiveDateTime::parse_from_str(&to, "%Y-%m-%dT%H:%M:%S").unwrap().and_utc().timestamp_millis() + 1000;
    let window = format!("call_date >= {start} AND call_date < {end} AND disposition = 'ANSWERED'");
    let seconds =
        app.scalar(&format!("SELECT CAST(COALESCE(SUM(call_duration), 0) AS BIGINT) FROM cdr WHERE {window}")).await;
    let calls = app.scalar(&format!("SELECT COUNT(*) FROM cdr WHERE {window}")).await;
    let acd = o["acd"]["now"].as_f64().unwrap();
    assert!((acd - seconds as f64 / calls as f64).abs() < 1e-9, "{acd} vs {seconds}/{calls}");
    // The hourly counts keep the seconds exact through deletes and updates too.
    app.execute("UPDATE cdr SET call_duration = call_duration / 2 WHERE id % 3 = 0").await;
    app.execute("DELETE FROM cdr WHERE id % 5 = 0").await;
    let kept = "SELECT CAST(COALESCE(SUM(call_seconds), 0) AS BIGINT) FROM cdr_hourly";
    let rows = "SELECT CAST(COALESCE(SUM(call_duration), 0) AS BIGINT) FROM cdr";
    assert_eq!(app.scalar(kept).await, app.scalar(rows).await);
}

#[tokio::test]
async fn a_zone_off_the_hour_and_a_bad_window() {
    let app = TestApp::spawn(400).await;
    app.execute("UPDATE settings SET time_zone = 'Asia/Kolkata'").await;
    for window in ["24h", "7d"] {
        let o = figures(&app, window).await;
        assert_eq!(o["time_zone"], "Asia/Kolkata");
        check_chart(&app, &o["calls"]).await;
        check_chart(&app, &o["failed_logins"]).await;
    }
    let (status, body) = overview(&app, "2w").await;
    assert_eq!(status, 400);
    assert!(body.contains("is not a window"), "{body}");
    // The page itself: the window chooser, and charts whose segments are named links.
    let (status, _, html) = app.get("/?window=7d").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<a href="/?window=7d" aria-current="page">Last 7 days</a>"#), "{html}");
    assert!(html.contains("Calls by disposition"));
    assert!(html.contains(": ") && html.contains(" calls\"><title>"), "{html}");
}

#[tokio::test]
async fn an_accounts_30_days_are_its_lists_day_by_day() {
    let app = TestApp::spawn(600).await;
    let account = app.scalar("SELECT caller_account_id FROM cdr WHERE caller_account_id IS NOT NULL GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1").await;
    let response =
        app.client.post(format!("{}/api/account", app.base)).form(&[("id", account.to_string())]).send().await.unwrap();
    let overview: Value = response.json().await.unwrap();
    let days = overview["activity"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let (mut calls, mut errors) = (0, 0);
    for day in days {
        for key in ["calls", "failed"] {
            let count = day[key]["count"].as_u64().unwrap();
            if count > 0 {
                assert_eq!(total_behind(&app, day[key]["href"].as_str().unwrap()).await, count, "{key} {}", day["day"]);
            }
        }
        calls += day["calls"]["count"].as_u64().unwrap();
        // The SIP errors link to the day's disconnects, which hold them.
        let sip = day["sip_errors"]["count"].as_u64().unwrap();
        errors += sip;
        if sip > 0 {
            assert!(total_behind(&app, day["sip_errors"]["href"].as_str().unwrap()).await >= sip);
        }
    }
    assert!(calls > 0, "the busiest caller called in the last 30 days");
    // The window starts at local midnight 29 days ago: it holds the last 29 days' errors, and
    // no more than all of them.
    let errors_of = |since: i64| {
        format!(
            "SELECT COUNT(*) FROM sip_session WHERE account_id = {account} AND event = 'DISCONNECT' \
             AND details IN ('NETWORK_ERROR', 'EXPIRATION') AND occurred_at > {since}"
        )
    };
    let recent = app.scalar(&errors_of(crate::common::anchor_ms() - 29 * 86_400_000)).await;
    let ever = app.scalar(&errors_of(i64::MIN)).await;
    assert!(recent <= errors as i64 && errors as i64 <= ever, "{recent} <= {errors} <= {ever}");
}
