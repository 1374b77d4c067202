//! Totals from the hourly counts (`app::db::count`): the same number the rows give, for
//! every code and yes/no filter of every log that keeps them, alone and in pairs, over no
//! range, open ranges and ranges with partial hours at both edges; and the counts stay exact
//! whatever writes the rows (ingest, updates of a code, deletes, retention).

use crate::common::{anchor_ms, sql, TestApp};
use app::list::{Category, CategorySpec, Column, FilterKind, FilterSpec};
use sqlx::Executor;

const HOUR_MS: i64 = 3_600_000;

/// The logs that keep hourly counts, with their table.
pub(crate) fn counted_logs() -> Vec<(Category, &'static CategorySpec, &'static str, &'static str)> {
    Category::LOGS
        .iter()
        .filter_map(|c| Some((*c, c.spec(), c.spec().hourly?, app::db::list::table_name(*c))))
        .collect()
}

/// The values a filter takes in the URL, and as stored.
fn values(filter: &FilterSpec) -> Vec<(&'static str, String)> {
    match filter.kind {
        FilterKind::Code(list) => list.codes.iter().map(|c| (c.code, format!("'{}'", c.code))).collect(),
        FilterKind::YesNo => vec![("yes", "1".into()), ("no", "0".into())],
        _ => Vec::new(),
    }
}

fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Every hour, code combination and count the table's rows make, against its hourly counts:
/// rows in one and not the other, both ways.
pub(crate) async fn assert_hourly_exact(app: &TestApp, spec: &'static CategorySpec, hourly: &str, table: &str) {
    let columns: Vec<String> = spec
        .hourly_columns()
        .iter()
        .map(|c: &Column| if c.nullable { format!("COALESCE({}, '')", c.name) } else { c.name.to_owned() })
        .collect();
    let time = spec.time.name;
    let from_rows = format!(
        "SELECT {time} - ({time} % {HOUR_MS} + {HOUR_MS}) % {HOUR_MS}, {}, COUNT(*) FROM {table} GROUP BY {}",
        columns.join(", "),
        (1..=columns.len() + 1).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
    );
    // Summed over what else the counts keep (a SIP disconnect's Details).
    let kept = format!(
        "SELECT hour, {}, CAST(SUM(n) AS BIGINT) FROM {hourly} GROUP BY {}",
        spec.hourly_columns().iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
        (1..=columns.len() + 1).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
    );
    assert_same_rows(app, &from_rows, &kept, &format!("{hourly} against {table}'s rows")).await;
    if hourly == "sip_session_hourly" {
        // The overview's SIP errors: a disconnect's Details, and '' for any other event.
        let hour = format!("occurred_at - (occurred_at % {HOUR_MS} + {HOUR_MS}) % {HOUR_MS}");
        let from_rows = format!(
            "SELECT {hour}, event, CASE WHEN event = 'DISCONNECT' THEN details ELSE '' END, COUNT(*) \
             FROM sip_session GROUP BY 1, 2, 3"
        );
        let kept = "SELECT hour, event, details, CAST(SUM(n) AS BIGINT) FROM sip_session_hourly GROUP BY 1, 2, 3";
        assert_same_rows(app, &from_rows, kept, "SIP hours by Details").await;
    }
}

/// Two queries give the same rows, both ways round.
async fn assert_same_rows(app: &TestApp, a: &str, b: &str, what: &str) {
    for (a, b) in [(a, b), (b, a)] {
        let differ = app.scalar(&format!("SELECT COUNT(*) FROM ({a} EXCEPT {b}) d")).await;
        assert_eq!(differ, 0, "{what}");
    }
}

#[tokio::test]
async fn hourly_counts_hold_the_columns_the_filters_name() {
    let app = TestApp::spawn_empty().await;
    for (category, spec, hourly, _) in counted_logs() {
        let described = (&app.db.pool).describe(&format!("SELECT * FROM {hourly}")).await.unwrap();
        let names: Vec<String> = described.columns().iter().map(|c| sqlx::Column::name(c).to_owned()).collect();
        let mut expected = vec!["hour".to_owned()];
        expected.extend(spec.hourly_columns().iter().map(|c| c.name.to_owned()));
        expected.push("n".into());
        match category {
            // The overview's mean call duration is summed by the hour too.
            Category::Cdr => expected.push("call_seconds".into()),
            // The overview's SIP errors are counted by a disconnect's Details.
            Category::SipSessions => expected.push("details".into()),
            _ => {}
        }
        assert_eq!(names, expected, "{category:?}");
    }
    assert_eq!(counted_logs().len(), 5, "CDRs, SIP sessions, Web Sessions, Security Events, messages");
}

#[tokio::test]
async fn totals_from_the_hours_are_the_totals_of_the_rows() {
    let app = TestApp::spawn(1500).await;
    app.execute("UPDATE settings SET time_zone = 'UTC'").await;
    let anchor = anchor_ms();
    // Ranges with partial hours at their edges, open at either end, within one hour, none.
    let from = anchor - 12 * 86_400_000 - 17 * 60_000 - 31_000;
    let until = anchor - 2 * 86_400_000 + 44 * 60_000 + 9_000;
    let ranges: [(Option<i64>, Option<i64>); 5] = [
        (None, None),
        (Some(from), None),
        (None, Some(until)),
        (Some(from), Some(until)),
        (Some(from), Some(from + HOUR_MS / 2)),
    ];
    let mut compared = 0;
    for (category, spec, _, table) in counted_logs() {
        let filters: Vec<FilterSpec> =
            spec.filters().into_iter().filter(|f| matches!(f.kind, FilterKind::Code(_) | FilterKind::YesNo)).collect();
        // Each value of each filter, then the first filter's first value beside each value of the others.
        let mut combinations: Vec<Vec<(&FilterSpec, (&str, String))>> = Vec::new();
        for f in &filters {
            combinations.extend(values(f).into_iter().map(|v| vec![(f, v)]));
        }
        if let Some((first, others)) = filters.split_first() {
            let v = values(first).remove(0);
            for f in others {
                combinations.extend(values(f).into_iter().map(|w| vec![(first, v.clone()), (f, w)]));
            }
        }
        combinations.push(Vec::new());
        for combination in &combinations {
            for (from, until) in ranges {
                let mut query: Vec<String> = combination.iter().map(|(f, (v, _))| format!("{}={v}", f.name)).collect();
                let mut conditions: Vec<String> =
                    combination.iter().map(|(f, (_, stored))| format!("{} = {stored}", f.columns[0].name)).collect();
                if let Some(from) = from {
                    query.push(format!("from={}", utc(from)));
                    conditions.push(format!("{} >= {from}", spec.time.name));
                }
                if let Some(until) = until {
                    // `to` takes in the whole second it names.
                    query.push(format!("to={}", utc(until - 1000)));
                    conditions.push(format!("{} < {}", spec.time.name, until - until.rem_euclid(1000)));
                }
                let path = format!("/api/v1/{}?size=10&{}", category.slug(), query.join("&"));
                let total = app.json(&path).await["total"].as_i64().unwrap_or_else(|| panic!("{path}"));
                let mut rows = format!("SELECT COUNT(*) FROM {table}");
                if !conditions.is_empty() {
                    rows = format!("{rows} WHERE {}", conditions.join(" AND "));
                }
                assert_eq!(total, app.scalar(&rows).await, "{path}");
                compared += 1;
            }
        }
    }
    assert!(compared > 300, "{compared} totals compared");

    // The totals above did come from the hourly counts: a count made wrong on purpose shows
    // in a code filter's total, and not where the rows are counted (beside a prefix filter).
    app.execute("UPDATE cdr_hourly SET n = n + 1000 WHERE disposition = 'BUSY'").await;
    let busy = app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'BUSY'").await;
    assert!(app.json("/api/v1/cdr?disposition=BUSY").await["total"].as_i64().unwrap() > busy + 999);
    let prefixed = app.json("/api/v1/cdr?disposition=BUSY&caller_number=%2B").await["total"].as_i64();
    let rows = "SELECT COUNT(*) FROM cdr WHERE disposition = 'BUSY' AND substr(caller_number, 1, 1) = '+'";
    assert_eq!(prefixed, Some(app.scalar(rows).await));
}

#[tokio::test]
async fn writes_of_every_kind_keep_the_hourly_counts_exact() {
    let app = TestApp::spawn(600).await;
    for (_, spec, hourly, table) in counted_logs() {
        assert_hourly_exact(&app, spec, hourly, table).await;
    }
    // Codes changed, rows moved to another hour, rows deleted, rows added.
    for statement in [
        "UPDATE secure_message SET status = 'EXPIRED' WHERE id % 3 = 0",
        "UPDATE sip_session SET reconciled = 1 - reconciled WHERE id % 5 = 0",
        "UPDATE sip_session SET details = 'EXPIRATION' WHERE event = 'DISCONNECT' AND id % 4 = 0",
        "UPDATE sip_session SET event = 'DISCONNECT' WHERE event = 'CONNECT' AND id % 3 = 0",
        "UPDATE security_event SET processed = 0 WHERE id % 4 = 0",
        "UPDATE web_session SET result = 'LOGOUT' WHERE id % 6 = 0",
        "UPDATE cdr SET call_date = call_date - 3600000, hangup_cause = NULL WHERE id % 11 = 0",
        "DELETE FROM cdr WHERE id % 7 = 0",
        "DELETE FROM sip_session WHERE id % 9 = 0",
        "INSERT INTO cdr (call_date, total_duration, call_duration, disposition, call_id, call_type) \
         VALUES (1, 1, 1, 'BUSY', 'counted', 'CALL')",
    ] {
        app.execute(&sql(statement)).await;
    }
    app.execute("UPDATE settings SET cdr_retention_period = 'DAY', cdr_retention_count = 20").await;
    assert!(server::retention::purge(&app.db, chrono::Utc::now().timestamp_millis()).await.unwrap() > 0);
    for (_, spec, hourly, table) in counted_logs() {
        assert_hourly_exact(&app, spec, hourly, table).await;
    }
    assert_accounts_exact(&app).await;
    // Calls moved between accounts, and a call between two sides of one account.
    app.execute("UPDATE cdr SET callee_account_id = caller_account_id WHERE id % 13 = 0").await;
    app.execute("UPDATE cdr SET caller_account_id = NULL, disposition = 'FAILED' WHERE id % 17 = 0").await;
    assert_accounts_exact(&app).await;
    assert_eq!(
        app.json("/api/v1/cdr?disposition=BUSY").await["total"].as_i64(),
        Some(app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'BUSY'").await)
    );
}

/// The per-account hourly CDR counts against the rows, both ways: each account's calls as
/// caller or callee, a call between two sides of one account once.
pub(crate) async fn assert_accounts_exact(app: &TestApp) {
    let hour = format!("call_date - (call_date % {HOUR_MS} + {HOUR_MS}) % {HOUR_MS}");
    let failed = "CASE WHEN disposition = 'FAILED' THEN 1 ELSE 0 END";
    let from_rows = format!(
        "SELECT hour, account, failed, COUNT(*) FROM (\
         SELECT {hour} AS hour, caller_account_id AS account, {failed} AS failed FROM cdr WHERE caller_account_id IS NOT NULL \
         UNION ALL SELECT {hour}, callee_account_id, {failed} FROM cdr WHERE callee_account_id IS NOT NULL \
         AND (caller_account_id IS NULL OR callee_account_id <> caller_account_id)) s GROUP BY 1, 2, 3"
    );
    let kept = format!("SELECT hour, account_id, failed, n FROM {}", app::categories::cdr::ACCOUNT_HOURLY);
    assert_same_rows(app, &from_rows, &kept, "per-account counts").await;
    assert!(app.scalar(&format!("SELECT COUNT(*) FROM ({kept}) k")).await > 0);
    // The daily counts are the hours' summed by UTC day, none of 0.
    let day = 24 * HOUR_MS;
    let from_hours = format!(
        "SELECT hour - (hour % {day} + {day}) % {day}, account_id, failed, CAST(SUM(n) AS BIGINT) FROM {} \
         GROUP BY 1, 2, 3",
        app::categories::cdr::ACCOUNT_HOURLY
    );
    let daily = format!("SELECT day, account_id, failed, n FROM {}", app::categories::cdr::ACCOUNT_DAILY);
    assert_same_rows(app, &from_hours, &daily, "daily per-account counts").await;
    assert!(app.scalar(&format!("SELECT COUNT(*) FROM ({daily}) k")).await > 0);
}

/// The ids of a page of Web Sessions, through the API.
async fn page_ids(app: &TestApp, query: &str) -> Vec<i64> {
    let page = app.json(&format!("/api/v1/web-sessions?size=100&{query}")).await;
    page["items"].as_array().unwrap().iter().map(|item| item["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn deep_pages_found_from_the_hours_are_the_pages_of_the_rows() {
    let app = TestApp::spawn(6500).await;
    app.execute("UPDATE settings SET time_zone = 'UTC'").await;
    let from = anchor_ms() - 20 * 86_400_000 - 7 * 60_000;
    let until = anchor_ms() - 86_400_000 + 13 * 60_000;
    let range = format!("from={}&to={}", utc(from), utc(until - 1000));
    let in_range = format!("occurred_at >= {from} AND occurred_at < {until}");
    let cases: Vec<(String, String, &str)> = vec![
        (String::new(), "1 = 1".into(), "DESC"),
        ("dir=asc".into(), "1 = 1".into(), "ASC"),
        ("result=SUCCESS".into(), "result = 'SUCCESS'".into(), "DESC"),
        (range.clone(), in_range.clone(), "DESC"),
        (format!("{range}&dir=asc&result=SUCCESS"), format!("{in_range} AND result = 'SUCCESS'"), "ASC"),
        (format!("{range}&result=LOGIN_FAILED"), format!("{in_range} AND result = 'LOGIN_FAILED'"), "DESC"),
        ("result=SESSION_TIMEOUT".into(), "result = 'SESSION_TIMEOUT'".into(), "DESC"),
        ("dir=asc&result=SESSION_TIMEOUT".into(), "result = 'SESSION_TIMEOUT'".into(), "ASC"),
    ];
    let mut deep = 0;
    for (query, condition, direction) in &cases {
        let total = app.scalar(&format!("SELECT COUNT(*) FROM web_session WHERE {condition}")).await;
        // The first pages (narrowed to their hours when filtered), pages on both sides of where
        // the hours take over from OFFSET without filters, and the last ones.
        for page in [1, 2, 3, 40, 50, 51, 52, total / 100, total / 100 + 1].into_iter().filter(|p| *p >= 1) {
            let offset = (page - 1) * 100;
            let expected: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT id FROM web_session WHERE {condition} ORDER BY occurred_at {direction}, id {direction} \
                 LIMIT 100 OFFSET {offset}"
            ))
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
            if expected.is_empty() {
                continue;
            }
            deep += (offset >= app::db::count::SEEK_FROM as i64) as usize;
            assert_eq!(page_ids(&app, &format!("page={page}&{query}")).await, expected, "page {page} of {query}");
        }
    }
    assert!(deep >= 6, "{deep} pages deep enough to be sought");

    // They were found from the hours: with the counts made wrong, a deep page moves.
    let right = page_ids(&app, "page=55").await;
    let filtered = page_ids(&app, "result=SESSION_TIMEOUT").await;
    app.execute("UPDATE web_session_hourly SET n = n + 50").await;
    assert_ne!(page_ids(&app, "page=55").await, right);
    // A filtered first page reads only the hours the counts say hold its rows.
    app.execute(
        "DELETE FROM web_session_hourly WHERE result = 'SESSION_TIMEOUT' \
         AND hour = (SELECT MAX(hour) FROM web_session_hourly WHERE result = 'SESSION_TIMEOUT')",
    )
    .await;
    assert_ne!(page_ids(&app, "result=SESSION_TIMEOUT").await, filtered);
}
