//! SIP reconciliation on crafted sequences of events.

use crate::common::TestApp;
use server::reconcile::{run_once, Outcome, Reconciler, WINDOW_MS};

const T0: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;

async fn app_with_accounts() -> TestApp {
    let app = TestApp::spawn_empty().await;
    app.execute("INSERT INTO account (id, username, description) VALUES (1, 'alice', 'Alice'), (2, 'bob', 'Bob')")
        .await;
    app
}

/// A SIP event; `account` is `None` for the address-only CONNECT/DISCONNECT.
async fn event(app: &TestApp, id: i64, at: i64, event: &str, addr: &str, account: Option<i64>) {
    let (peer, account) = match account {
        Some(a) => (format!("'{}'", if a == 1 { "alice" } else { "bob" }), a.to_string()),
        None => ("''".to_owned(), "NULL".to_owned()),
    };
    app.execute(&format!(
        "INSERT INTO sip_session (id, occurred_at, event, source, peername, account_id, remote_addr, transport, reconciled) \
         VALUES ({id}, {at}, '{event}', 'CLIENT', {peer}, {account}, '{addr}', 'TLS', 0)"
    ))
    .await;
}

async fn bound(app: &TestApp, id: i64) -> (Option<i64>, String, i64) {
    use sqlx::Row;
    let row = sqlx::query(&crate::common::sql("SELECT account_id, peername, reconciled FROM sip_session WHERE id = ?"))
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[tokio::test]
async fn a_connect_gets_the_account_that_registered_from_its_address() {
    let app = app_with_accounts().await;
    event(&app, 1, T0, "CONNECT", "10.0.0.1:5061", None).await;
    event(&app, 2, T0 + 1_000, "REGISTER", "10.0.0.1:5061", Some(1)).await;
    event(&app, 3, T0 + 30 * MIN, "DISCONNECT", "10.0.0.1:5061", None).await;
    // Another port of the same address is another client.
    event(&app, 4, T0, "CONNECT", "10.0.0.1:5062", None).await;
    let outcome = run_once(&app.db, 100).await.unwrap();
    assert_eq!(outcome, Outcome { examined: 3, reconciled: 2, ambiguous: 0 });
    assert_eq!(bound(&app, 1).await, (Some(1), "alice".into(), 1));
    assert_eq!(bound(&app, 3).await, (Some(1), "alice".into(), 1));
    assert_eq!(bound(&app, 4).await, (None, "".into(), 0));
    // The list shows it: Reconciled, and the account's name.
    let page = app.json("/api/v1/sip-sessions?account_id=1&event=CONNECT").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["reconciled"], true);
    assert_eq!(page["items"][0]["account_name"], "Alice");
}

#[tokio::test]
async fn an_address_shared_by_two_accounts_is_never_guessed() {
    let app = app_with_accounts().await;
    // Two phones behind one NAT, same public address and port in the window.
    event(&app, 1, T0, "REGISTER", "93.57.41.37:28224", Some(1)).await;
    event(&app, 2, T0 + 10 * MIN, "CONNECT", "93.57.41.37:28224", None).await;
    event(&app, 3, T0 + 20 * MIN, "REGISTER", "93.57.41.37:28224", Some(2)).await;
    let outcome = run_once(&app.db, 100).await.unwrap();
    assert_eq!(outcome, Outcome { examined: 1, reconciled: 0, ambiguous: 1 });
    assert_eq!(bound(&app, 2).await, (None, "".into(), 0));
}

#[tokio::test]
async fn replaced_connections_and_reconnects_each_find_their_account() {
    let app = app_with_accounts().await;
    event(&app, 1, T0, "CONNECT", "10.0.0.9:4000", None).await;
    event(&app, 2, T0 + 1_000, "REGISTER", "10.0.0.9:4000", Some(2)).await;
    event(&app, 3, T0 + 5 * MIN, "DISCONNECT", "10.0.0.9:4000", None).await; // REPLACED
    event(&app, 4, T0 + 5 * MIN + 500, "CONNECT", "10.0.0.9:4001", None).await;
    event(&app, 5, T0 + 5 * MIN + 1_500, "REGISTER", "10.0.0.9:4001", Some(2)).await;
    assert_eq!(run_once(&app.db, 100).await.unwrap().reconciled, 3);
    for id in [1, 3, 4] {
        assert_eq!(bound(&app, id).await, (Some(2), "bob".into(), 1), "row {id}");
    }
}

#[tokio::test]
async fn late_registers_count_on_a_later_run_and_runs_are_idempotent() {
    let app = app_with_accounts().await;
    event(&app, 10, T0, "CONNECT", "10.1.1.1:7000", None).await;
    assert_eq!(run_once(&app.db, 100).await.unwrap(), Outcome { examined: 1, reconciled: 0, ambiguous: 0 });
    // The REGISTER arrives late (and with a lower id than it would have had in order).
    event(&app, 5, T0 + 2_000, "REGISTER", "10.1.1.1:7000", Some(1)).await;
    assert_eq!(run_once(&app.db, 100).await.unwrap().reconciled, 1);
    assert_eq!(bound(&app, 10).await, (Some(1), "alice".into(), 1));
    assert_eq!(run_once(&app.db, 100).await.unwrap(), Outcome::default(), "nothing left to do");
    // A REGISTER outside the window does not vouch.
    event(&app, 20, T0, "CONNECT", "10.2.2.2:7000", None).await;
    event(&app, 21, T0 + WINDOW_MS + 1, "REGISTER", "10.2.2.2:7000", Some(2)).await;
    assert_eq!(run_once(&app.db, 100).await.unwrap().reconciled, 0);
}

#[tokio::test]
async fn the_periodic_run_looks_only_at_what_can_have_changed_and_misses_nothing() {
    let app = app_with_accounts().await;
    // Three events nobody can bind yet, and one of a shared address.
    event(&app, 1, T0, "CONNECT", "10.3.0.1:5061", None).await;
    event(&app, 2, T0 + MIN, "DISCONNECT", "10.3.0.1:5061", None).await;
    event(&app, 3, T0, "CONNECT", "10.3.0.2:5061", None).await;
    event(&app, 4, T0, "REGISTER", "10.3.0.9:5061", Some(1)).await;
    event(&app, 5, T0 + MIN, "CONNECT", "10.3.0.9:5061", None).await;
    event(&app, 6, T0 + 2 * MIN, "REGISTER", "10.3.0.9:5061", Some(2)).await;
    let mut reconciler = Reconciler::default();
    // The first run is a full pass.
    assert_eq!(reconciler.run(&app.db, 2).await.unwrap(), Outcome { examined: 4, reconciled: 0, ambiguous: 1 });
    // Nothing written since: nothing looked at (the full pass would look at all four again).
    assert_eq!(reconciler.run(&app.db, 2).await.unwrap(), Outcome::default());
    assert_eq!(run_once(&app.db, 2).await.unwrap().examined, 4);

    // A late REGISTER (written now, dated before the events) binds the two events of its
    // address and nothing else; a new CONNECT is bound by an old REGISTER.
    event(&app, 7, T0 - 5 * MIN, "REGISTER", "10.3.0.1:5061", Some(2)).await;
    event(&app, 8, T0 + 3 * MIN, "CONNECT", "10.3.0.9:5061", None).await; // still two accounts there
    event(&app, 9, T0 + 3 * MIN, "REGISTER", "10.3.0.5:5061", Some(1)).await;
    event(&app, 10, T0 + 4 * MIN, "CONNECT", "10.3.0.5:5061", None).await;
    assert_eq!(reconciler.run(&app.db, 2).await.unwrap(), Outcome { examined: 4, reconciled: 3, ambiguous: 1 });
    for (id, account) in [(1, Some(2)), (2, Some(2)), (3, None), (5, None), (8, None), (10, Some(1))] {
        assert_eq!(bound(&app, id).await.0, account, "row {id}");
    }
    // A REGISTER outside the window of the unbound ones looks at nothing and binds nothing.
    event(&app, 11, T0 + WINDOW_MS + MIN, "REGISTER", "10.3.0.2:5061", Some(1)).await;
    assert_eq!(reconciler.run(&app.db, 2).await.unwrap(), Outcome::default());
    assert_eq!(bound(&app, 3).await.0, None);
    // The full pass agrees: nothing it can bind was left.
    assert_eq!(run_once(&app.db, 2).await.unwrap().reconciled, 0);
}

#[tokio::test]
async fn a_large_backlog_is_worked_through_in_batches() {
    let app = app_with_accounts().await;
    // 2,500 clients, each a CONNECT then a REGISTER from its own port.
    let mut values = Vec::new();
    for i in 0..2_500i64 {
        let addr = format!("10.9.{}.{}:{}", i / 250, i % 250, 5000 + i);
        values.push(format!("({}, 'CONNECT', 'CLIENT', '', NULL, '{addr}', 'TLS', 0)", T0 + i));
        values.push(format!("({}, 'REGISTER', 'CLIENT', 'alice', 1, '{addr}', 'TLS', 0)", T0 + i + 500));
    }
    app.execute(&format!(
        "INSERT INTO sip_session (occurred_at, event, source, peername, account_id, remote_addr, transport, reconciled) VALUES {}",
        values.join(", ")
    ))
    .await;
    let outcome = run_once(&app.db, 300).await.unwrap();
    assert_eq!(outcome, Outcome { examined: 2_500, reconciled: 2_500, ambiguous: 0 });
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sip_session WHERE event = 'CONNECT' AND reconciled = 0").await, 0);
}

/// The "Reconciliation" field of a SIP event's detail page (server function `log_detail`).
async fn explained(app: &TestApp, id: i64) -> Option<serde_json::Value> {
    let response = app
        .client
        .post(format!("{}/api/log_detail", app.base))
        .form(&[("category", "sip-sessions"), ("id", &id.to_string())])
        .send()
        .await
        .unwrap();
    let detail: serde_json::Value = response.json().await.unwrap();
    let fields = detail["fields"].as_array().unwrap();
    fields.iter().find(|f| f[0] == "Reconciliation").map(|f| f[1].clone())
}

#[tokio::test]
async fn the_detail_page_names_the_register_that_bound_an_event_or_says_why_none_did() {
    let app = app_with_accounts().await;
    event(&app, 1, T0, "CONNECT", "10.0.0.1:5061", None).await;
    event(&app, 2, T0 + 1_000, "REGISTER", "10.0.0.1:5061", Some(1)).await;
    event(&app, 3, T0, "CONNECT", "10.0.0.7:5061", None).await; // nobody registered there
    event(&app, 4, T0, "REGISTER", "93.57.41.37:28224", Some(1)).await;
    event(&app, 5, T0 + 10 * MIN, "CONNECT", "93.57.41.37:28224", None).await;
    event(&app, 6, T0 + 20 * MIN, "REGISTER", "93.57.41.37:28224", Some(2)).await;
    // Before reconciliation: one account there, and it will be bound.
    let pending = explained(&app, 1).await.unwrap();
    assert!(pending["text"].as_str().unwrap().starts_with("Not bound yet: only alice REGISTERed from 10.0.0.1:5061"));
    run_once(&app.db, 100).await.unwrap();

    let bound = explained(&app, 1).await.unwrap();
    assert_eq!(bound["text"], "REGISTER #2 from 10.0.0.1:5061 at 2023-11-14 22:13:21.000 UTC");
    assert_eq!(bound["href"], "/logs/sip-sessions/2");
    let nobody = explained(&app, 3).await.unwrap()["text"].as_str().unwrap().to_owned();
    assert!(nobody.starts_with("Not bound: no account REGISTERed from 10.0.0.7:5061 within an hour"), "{nobody}");
    let several = explained(&app, 5).await.unwrap()["text"].as_str().unwrap().to_owned();
    assert!(several.contains("several accounts REGISTERed from 93.57.41.37:28224") && several.contains("alice, bob"));
    // A REGISTER is not reconciled: nothing to explain.
    assert!(explained(&app, 2).await.is_none());
    // The page shows it, the link included.
    let (_, _, html) = app.get("/logs/sip-sessions/1").await;
    assert!(html.contains(r#"<a href="/logs/sip-sessions/2">REGISTER #2 from 10.0.0.1:5061"#), "{html}");
}
