//! Every log category over HTTP: list, filter, detail and CSV against a real database, and
//! the derived states (registered now, message expiry).

use crate::common::TestApp;
use app::list::{Category, FilterKind};

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn every_category_lists_filters_details_and_exports() {
    let app = TestApp::spawn(400).await;
    for category in Category::ALL {
        let spec = category.spec();
        let (status, _, html) = app.get(category.route()).await;
        assert_eq!(status, 200, "{}", spec.title);
        for column in spec.columns {
            assert!(html.contains(&format!(">{}", column.label)), "{}: column {}", spec.title, column.label);
        }
        let page = app.json(&format!("/api/v1/{}", category.slug())).await;
        let total = page["total"].as_u64().unwrap();
        assert!(total > 0, "{} has demo rows", spec.title);

        // The whole list as CSV: the header, then exactly `total` rows.
        let (status, content_type, body) = app.get(&format!("/api/v1/{}.csv", category.slug())).await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("text/csv"));
        let header: Vec<String> =
            csv::Reader::from_reader(body.as_bytes()).headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header, spec.columns.iter().map(|c| c.label).collect::<Vec<_>>(), "{}", spec.title);
        let rows = csv_rows(&body);
        assert_eq!(rows.len() as u64, total, "{}", spec.title);

        // The first row's detail page.
        let id = page["items"][0]["id"].as_i64().unwrap();
        let (status, _, detail) = app.get(&format!("{}/{id}", category.route())).await;
        assert_eq!(status, 200, "{} detail {id}", spec.title);
        assert!(detail.contains("<dl class=\"detail\">"));

        // Each code filter, with the code the first row shows: every exported row has it.
        for filter in spec.filters() {
            let FilterKind::Code(codes) = filter.kind else { continue };
            let column =
                spec.columns.iter().position(|c| c.column == filter.columns[0]).expect("a column per code filter");
            let Some(shown) = rows.iter().map(|r| r[column].clone()).find(|v| !v.is_empty()) else {
                continue;
            };
            let code = codes.codes.iter().find(|c| c.label == shown).expect("a known code").code;
            let (status, _, body) = app.get(&format!("/api/v1/{}.csv?{}={code}", category.slug(), filter.name)).await;
            assert_eq!(status, 200);
            let filtered = csv_rows(&body);
            assert!(!filtered.is_empty() && filtered.len() <= rows.len());
            assert!(filtered.iter().all(|r| r[column] == shown), "{} {}={code}", spec.title, filter.name);
        }
    }
}

#[tokio::test]
async fn detail_pages_show_the_fields_the_list_hides() {
    let app = TestApp::spawn(100).await;
    for (category, table, extra) in [
        (Category::Security, "security_event", &["Details", "CEF:0|Internal Application|Secure Mobile Voice|"][..]),
        (Category::InstallMessages, "install_message", &["Message Link", "Token"][..]),
        (Category::ActivationMessages, "activation_message", &["Message Link", "Token", "Validity", "until "][..]),
        (Category::Cdr, "cdr", &["Caller User Agent", "Callee User Agent"][..]),
    ] {
        let id = app.scalar(&format!("SELECT MAX(id) FROM {table} WHERE id < 50")).await;
        let (status, _, html) = app.get(&format!("{}/{id}", category.route())).await;
        assert_eq!(status, 200);
        for text in extra {
            assert!(html.contains(text), "{}: {text}", category.spec().title);
        }
    }
}

#[tokio::test]
async fn codes_explain_themselves_and_durations_read_as_h_mm_ss() {
    let app = TestApp::spawn(100).await;
    app.execute("UPDATE cdr SET total_duration = 3725, call_duration = 3700 WHERE id = 1").await;
    let (_, _, html) = app.get("/logs/cdr/1").await;
    assert!(html.contains("1:02:05") && html.contains("1:01:40"), "durations");
    let (_, _, html) = app.get("/logs/cdr?call_type=THREE_WAY").await;
    assert!(html.contains(r#"title="A regular call on which more participants were invited""#));
    assert!(html.contains(">3-WAY<"));
    // The legend explains every code of the list.
    for code in app::codes::HangupCause::CODES {
        assert!(html.contains(code.meaning), "{}", code.code);
    }
}

#[tokio::test]
async fn a_call_id_leads_to_every_leg_of_the_call_in_order() {
    let app = TestApp::spawn(400).await;
    let page = app.json("/api/v1/cdr?call_type=TRANSFER&size=10").await;
    let call_id = page["items"][0]["call_id"].as_str().unwrap().to_owned();
    let (_, _, html) = app.get("/logs/cdr?call_type=TRANSFER").await;
    let href = format!("/logs/cdr?call_id={call_id}&amp;sort=timestamp&amp;dir=asc");
    assert!(html.contains(&href), "the Call Id links to its trace");
    let trace = app.json(&format!("/api/v1/cdr?call_id={call_id}&sort=timestamp&dir=asc")).await;
    let legs = trace["items"].as_array().unwrap();
    assert!(legs.len() >= 2);
    assert!(legs.iter().all(|l| l["call_id"] == call_id.as_str()));
    let dates: Vec<i64> = legs.iter().map(|l| l["call_date"].as_i64().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest leg first");
    // The manual's transfer trace.
    assert_eq!(app.json("/api/v1/cdr?call_id=1251498178").await["total"], 4);
}

#[tokio::test]
async fn registered_accounts_are_those_on_line_now() {
    let app = TestApp::spawn_empty().await;
    let now = chrono::Utc::now().timestamp_millis();
    app.execute("INSERT INTO account (id, username, description) VALUES (1, 'on', 'On line'), (2, 'off', 'Unregistered'), (3, 'old', 'Expired'), (4, 'gone', 'Disconnected'), (5, 'back', 'Registered again'), (6, 'never', 'Never seen')").await;
    let event = |account: i64, event: &str, minutes_ago: i64, expires: &str| {
        format!(
            "INSERT INTO sip_session (occurred_at, event, source, peername, account_id, remote_addr, transport, expires_secs) \
             VALUES ({}, '{event}', 'CLIENT', 'p{account}', {account}, '10.0.0.{account}:5061', 'TLS', {expires})",
            now - minutes_ago * 60_000
        )
    };
    for sql in [
        event(1, "REGISTER", 10, "3600"),
        event(2, "REGISTER", 20, "3600"),
        event(2, "UNREGISTER", 10, "NULL"),
        event(3, "REGISTER", 120, "3600"),
        event(4, "REGISTER", 20, "3600"),
        event(4, "DISCONNECT", 5, "NULL"),
        event(5, "UNREGISTER", 30, "NULL"),
        event(5, "REGISTER", 5, "600"),
        event(5, "CONNECT", 1, "NULL"),
    ] {
        app.execute(&sql).await;
    }
    let page = app.json("/api/v1/registered?sort=id&dir=asc").await;
    let ids: Vec<i64> = page["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 5]);
    assert_eq!(page["items"][0]["expires_at"].as_i64().unwrap(), now - 10 * 60_000 + 3_600_000);
    let (_, _, html) = app.get("/logs/registered").await;
    assert!(html.contains(">10.0.0.1<") && html.contains(">5061<"), "IpAddr and Port apart");
}

#[tokio::test]
async fn messages_queued_for_over_72_hours_expire() {
    let app = TestApp::spawn_empty().await;
    let now = chrono::Utc::now().timestamp_millis();
    let hour = 3_600_000;
    for (uuid, status, hours_ago) in [("a", "ENQUEUED", 73), ("b", "ENQUEUED", 71), ("c", "DELIVERED", 100)] {
        app.execute(&format!(
            "INSERT INTO secure_message (uuid, from_account, to_account, tech_message, api_version, status, received_at) \
             VALUES ('{uuid}', 'x', 'y', 0, 1, '{status}', {})",
            now - hours_ago * hour
        ))
        .await;
    }
    let expired = app::categories::messages::expire_queued(&app.db, now).await.unwrap();
    assert_eq!(expired, 1);
    let status = |uuid: &'static str| {
        let app = &app;
        async move {
            use sqlx::Row;
            let row = sqlx::query(&crate::common::sql("SELECT status FROM secure_message WHERE uuid = ?"))
                .bind(uuid)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
            row.get::<String, _>(0)
        }
    };
    assert_eq!(status("a").await, "EXPIRED");
    assert_eq!(status("b").await, "ENQUEUED");
    assert_eq!(status("c").await, "DELIVERED");
    assert_eq!(app::categories::messages::expire_queued(&app.db, now).await.unwrap(), 0, "idempotent");
    // Two hours later the second one expires too.
    assert_eq!(app::categories::messages::expire_queued(&app.db, now + 2 * hour).await.unwrap(), 1);
}

#[tokio::test]
async fn one_item_of_every_list_reads_as_its_list_shows_it() {
    let app = TestApp::spawn(100).await;
    for category in Category::ALL {
        let page = app.json(&format!("/api/v1/{}?size=10", category.slug())).await;
        let Some(first) = page["items"].as_array().and_then(|items| items.first()) else { continue };
        let id = first["id"].as_i64().unwrap();
        assert_eq!(&app.json(&format!("/api/v1/{}/{id}", category.slug())).await, first, "{category:?}");
        let (status, _, body) = app.get(&format!("/api/v1/{}/999999999", category.slug())).await;
        assert_eq!(status, 404, "{category:?}: {body}");
        assert!(body.contains("There is no"), "{body}");
    }
    assert_eq!(app.get("/api/v1/cdr/abc").await.0, 400);
    assert_eq!(app.get("/api/v1/nonsense/1").await.0, 404);
    // Masking applies to one item as to the list.
    app.execute("UPDATE settings SET cdr_masking = 'MASK'").await;
    let masked = app.json("/api/v1/cdr?size=10&disposition=ANSWERED").await["items"][0].clone();
    let item = app.json(&format!("/api/v1/cdr/{}", masked["id"])).await;
    assert!(item["caller_number"].as_str().unwrap().contains('*'), "{item}");
    assert_eq!(item, masked);
}
