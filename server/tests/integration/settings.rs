//! The Settings page's effects: masking, time zone, retention and No-CDR, each change
//! audited; bad values refused without changing anything.

use crate::common::TestApp;

/// Posts the settings form as the admin (the CEF fields at their defaults); returns the
/// status and body.
async fn save(app: &TestApp, csrf: &str, zone: &str, masking: &str, period: &str, count: &str) -> (u16, String) {
    save_cef(app, csrf, (zone, masking, period, count), &[]).await
}

/// Posts the settings form with some CEF fields (`cef[key]`) changed.
async fn save_cef(
    app: &TestApp,
    csrf: &str,
    (zone, masking, period, count): (&str, &str, &str, &str),
    cef: &[(&str, &str)],
) -> (u16, String) {
    let defaults = app::cef::Identity::default();
    let mut form: Vec<(String, String)> = [
        ("csrf", csrf),
        ("time_zone", zone),
        ("cdr_masking", masking),
        ("cdr_retention_period", period),
        ("cdr_retention_count", count),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec();
    for field in app::cef::IDENTITY_FIELDS {
        let value = cef.iter().find(|(k, _)| *k == field.key).map_or((field.get)(&defaults).as_str(), |(_, v)| v);
        form.push((format!("cef[{}]", field.key), value.to_owned()));
    }
    let response = app.client.post(format!("{}/api/update_settings", app.base)).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_cef_header_and_device_come_from_settings_and_changes_are_audited() {
    let app = TestApp::spawn_empty().await;
    let csrf = admin_csrf(&app).await;
    let settings = ("UTC", "NONE", "MONTH", "12");
    let (status, body) = save_cef(&app, &csrf, settings, &[("vendor", "   "), ("dhost", "pbx-1")]).await;
    assert!(status >= 400 && body.contains("CEF vendor must not be empty"), "{status} {body}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM settings WHERE cef_dhost = ''").await, 1, "nothing changed");

    let (status, body) = save_cef(&app, &csrf, settings, &[("vendor", "Acme|Voice"), ("dhost", "pbx-1")]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("CEF vendor changed to 'Acme|Voice'"), "{body}");
    let audited =
        "SELECT COUNT(*) FROM audit_event WHERE object_type = 'Setting' AND object_id IN ('CEF.VENDOR', 'CEF.DHOST')";
    assert_eq!(app.scalar(audited).await, 2);
    // The change itself is a Security Event, written with the new header.
    let details = app
        .text("SELECT details FROM security_event WHERE description = 'Device host name changed to ''pbx-1'''")
        .await;
    assert!(
        details.starts_with("CEF:0|Acme\\|Voice|Secure Mobile Voice|12.0|CC01|Appliance Configuration Change|4|"),
        "{details}"
    );
    assert!(details.ends_with("deviceExternalId=76293-1 dhost=pbx-1"), "{details}");
}

async fn admin_csrf(app: &TestApp) -> String {
    let me: serde_json::Value =
        app.client.post(format!("{}/api/whoami", app.base)).send().await.unwrap().json().await.unwrap();
    me["csrf"].as_str().unwrap().to_owned()
}

fn is_masked(number: &str) -> bool {
    number.contains('*')
}

async fn insert_cdr(app: &TestApp, age_days: i64, call_type: &str, number: &str) {
    let at = chrono::Utc::now().timestamp_millis() - age_days * 86_400_000;
    app.execute(&format!(
        "INSERT INTO cdr (call_date, caller_number, callee_number, total_duration, call_duration, disposition, call_id, call_type) \
         VALUES ({at}, '{number}', '+390612345678', 60, 50, 'ANSWERED', 'test-{age_days}-{call_type}', '{call_type}')"
    ))
    .await;
}

#[tokio::test]
async fn masking_hides_numbers_everywhere_and_is_audited() {
    let app = TestApp::spawn(80).await;
    let csrf = admin_csrf(&app).await;
    let before = app.json("/api/v1/cdr?size=50").await;
    assert!(before["items"].as_array().unwrap().iter().all(|c| !is_masked(c["caller_number"].as_str().unwrap())));

    let seeded = app
        .scalar("SELECT COUNT(*) FROM security_event WHERE description = 'CDR masking policy changed to MASK'")
        .await;
    let (status, body) = save(&app, &csrf, "UTC", "MASK", "MONTH", "12").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("CDR masking policy changed to MASK"), "{body}");

    let after = app.json("/api/v1/cdr?size=50").await;
    let items = after["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for cdr in items {
        for field in ["caller_number", "callee_number"] {
            let n = cdr[field].as_str().unwrap();
            assert!(n.len() < 3 || is_masked(n), "{field} {n} is masked in the API");
        }
    }
    let (_, _, list) = app.get("/logs/cdr").await;
    let first = items[0]["caller_number"].as_str().unwrap();
    assert!(list.contains(first), "the list shows {first}");
    let (_, _, csv) = app.get("/api/v1/cdr.csv").await;
    assert!(
        csv.lines().skip(1).all(|l| l.split(',').nth(1).is_none_or(|n| n.len() < 4 || n.contains('*'))),
        "CSV masked"
    );
    let id = items[0]["id"].as_i64().unwrap();
    let (_, _, detail) = app.get(&format!("/logs/cdr/{id}")).await;
    assert!(detail.contains(first), "the detail shows the masked number");
    if let Some(account) = items.iter().find_map(|c| c["caller_account_id"].as_i64()) {
        let (_, _, page) = app.get(&format!("/accounts/{account}")).await;
        let raw = app.scalar(&format!("SELECT COUNT(*) FROM cdr WHERE caller_account_id = {account}")).await;
        assert!(raw > 0);
        let numbers: Vec<String> = sqlx::query_scalar::<_, String>(&format!(
            "SELECT caller_number FROM cdr WHERE caller_account_id = {account} AND length(caller_number) > 6"
        ))
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        for n in &numbers {
            let at = page.find(n.as_str()).map(|i| &page[i.saturating_sub(150)..(i + 60).min(page.len())]);
            assert!(at.is_none(), "no full number on the account page: {at:?}");
        }
    }

    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_event WHERE actor = 'admin' AND change = 'UPDATE' AND object_type = 'Setting' \
             AND object_id = 'CDR.MASKING_POLICY'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM security_event WHERE event_type = 'SECURITY_CONFIGURATION_CHANGE' \
             AND description = 'CDR masking policy changed to MASK'"
        )
        .await,
        seeded + 1,
        "one more than the seed manual's example row"
    );
    // Saving the same values changes (and logs) nothing.
    let (status, body) = save(&app, &csrf, "UTC", "MASK", "MONTH", "12").await;
    assert_eq!((status, body.as_str()), (200, "[]"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_event WHERE object_id = 'CDR.MASKING_POLICY'").await, 1);
}

#[tokio::test]
async fn bad_settings_are_refused_and_change_nothing() {
    let app = TestApp::spawn_empty().await;
    let csrf = admin_csrf(&app).await;
    for (zone, masking, period, count, message) in [
        ("Mars/Olympus", "NONE", "MONTH", "12", "not a known time zone"),
        ("UTC", "NONE", "DAY", "-1", "from 0 to 3650"),
        ("UTC", "NONE", "WEEK", "0", "only possible with DAY"),
        ("UTC", "HIDE", "MONTH", "12", "is not a known masking policy"),
        ("UTC", "NONE", "YEAR", "12", "is not a known retention period"),
    ] {
        let (status, body) = save(&app, &csrf, zone, masking, period, count).await;
        assert_eq!(status, 400, "{zone} {masking} {period} {count}: {body}");
        assert!(body.contains(message), "{body}");
    }
    let (status, _) = save(&app, "forged", "Europe/Rome", "MASK", "DAY", "1").await;
    assert_eq!(status, 403, "a forged form");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM settings WHERE time_zone = 'UTC' AND cdr_masking = 'NONE' AND cdr_retention_count = 12").await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_event WHERE object_type = 'Setting'").await, 0);
}

#[tokio::test]
async fn timestamps_follow_the_time_zone() {
    let app = TestApp::spawn(40).await;
    let csrf = admin_csrf(&app).await;
    let (status, body) = save(&app, &csrf, "Europe/Rome", "NONE", "MONTH", "12").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Appliance time zone changed to Europe/Rome"));
    let (_, _, page) = app.get("/logs/web-sessions").await;
    assert!(page.contains("times in Europe/Rome"), "the list names the zone");
    assert!(page.contains(" CET") || page.contains(" CEST"), "timestamps in Rome's time");
    let response = app.client.get(format!("{}/api/v1/web-sessions.csv", app.base)).send().await.unwrap();
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("Europe_Rome"));
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM security_event WHERE event_type = 'APPLIANCE_CONFIGURATION_CHANGE' \
             AND description = 'Appliance time zone changed to Europe/Rome'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn retention_purges_old_cdrs_and_no_cdr_records_only_conferences() {
    let app = TestApp::spawn_empty().await;
    let now = chrono::Utc::now().timestamp_millis();
    insert_cdr(&app, 2, "CALL", "+441111111").await;
    insert_cdr(&app, 10, "CALL", "+442222222").await;
    insert_cdr(&app, 10, "CONFERENCE", "+443333333").await;
    let csrf = admin_csrf(&app).await;
    let (status, body) = save(&app, &csrf, "UTC", "NONE", "WEEK", "1").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("CDR retention changed to 1 WEEK"));
    assert_eq!(server::retention::purge(&app.db, now).await.unwrap(), 2, "both 10-day-old CDRs");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr").await, 1);
    assert_eq!(server::retention::purge(&app.db, now).await.unwrap(), 0, "idempotent");

    // No-CDR: direct calls are not recorded, conferences and three-way calls are.
    insert_cdr(&app, 0, "CONFERENCE", "+444444444").await;
    let (status, body) = save(&app, &csrf, "UTC", "NONE", "DAY", "0").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("No-CDR"), "{body}");
    for call_type in ["CALL", "TRANSFER", "CONFERENCE", "THREE_WAY"] {
        insert_cdr(&app, 0, call_type, "+445555555").await;
    }
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT call_type FROM cdr WHERE caller_number = '+445555555' ORDER BY call_type")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, ["CONFERENCE", "THREE_WAY"]);
    // The purge removes the direct call recorded before and keeps every conference.
    assert_eq!(server::retention::purge(&app.db, now + 1000).await.unwrap(), 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_type IN ('CALL', 'TRANSFER')").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE call_type IN ('CONFERENCE', 'THREE_WAY')").await, 3);
}

#[tokio::test]
async fn the_server_writes_its_heartbeat_and_start_up() {
    let app = TestApp::spawn_empty().await;
    let now = chrono::Utc::now().timestamp_millis();
    server::tasks::started(&app.db, now, "127.0.0.1:3000").await.unwrap();
    server::tasks::heartbeat(&app.db, now).await.unwrap();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM system_event WHERE description = 'Console service started' AND details LIKE '%127.0.0.1:3000'").await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM system_event WHERE description = 'Heartbeat event'").await, 1);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM security_event WHERE event_type = 'HEARTBEAT' AND details LIKE 'CEF:0|%HB01%'"
        )
        .await,
        1
    );
}
