//! The support path: the accounts directory, an account's page, and the links into it.

use crate::common::TestApp;

#[tokio::test]
async fn an_account_page_gathers_its_history_with_counts_that_match_the_lists() {
    let app = TestApp::spawn(600).await;
    let (status, _, html) = app.get("/accounts?username=4418591930").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<a href="/accounts/1">4418591930</a>"#), "the directory links to the page");

    let (status, _, page) = app.get("/accounts/1").await;
    assert_eq!(status, 200);
    assert!(page.contains("Arthur Doyle") && page.contains("+4418591930"));
    for (log, slug) in
        [("SIP Sessions", "sip-sessions"), ("Call Detail Records", "cdr"), ("Secure Messages", "messages")]
    {
        let total = app.json(&format!("/api/v1/{slug}?account_id=1")).await["total"].as_u64().unwrap();
        let link = format!(r#"<a href="/logs/{slug}?account_id=1">{log} ({total})</a>"#);
        assert!(page.contains(&link), "{link}");
    }
    // Calls as caller or callee.
    let calls = app.scalar("SELECT COUNT(*) FROM cdr WHERE caller_account_id = 1 OR callee_account_id = 1").await;
    assert_eq!(app.json("/api/v1/cdr?account_id=1").await["total"], calls);
    // The timeline links each entry to its detail page.
    assert!(page.contains(r#"<ol class="timeline">"#));
    assert!(page.contains(r#"href="/logs/cdr/"#) && page.contains(r#"href="/logs/sip-sessions/"#));

    let (status, _, _) = app.get("/accounts/999999").await;
    assert_eq!(status, 404);
    let (status, _, _) = app.get("/accounts/abc").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn names_of_known_accounts_link_to_them_everywhere() {
    let app = TestApp::spawn(300).await;
    // CDR: Arthur Doyle's calls link to his page; the conference room number 600 is no account.
    let (_, _, html) = app.get("/logs/cdr?caller_number=%2B4418591930").await;
    assert!(html.contains(r#"<a href="/accounts/1">Arthur Doyle</a>"#));
    let (_, _, html) = app.get("/logs/cdr?call_type=CONFERENCE").await;
    assert!(html.contains("<td>600") && !html.contains(">600</a>"), "an unknown number stays plain text");
    // SIP Sessions: the account filters the list; the arrow beside it opens the account.
    let (_, _, html) = app.get("/logs/sip-sessions?account_id=2").await;
    assert!(html.contains(r#"<a href="/logs/sip-sessions?account_id=2">Dante Alighieri</a>"#));
    assert!(html.contains(r#"href="/accounts/2" aria-label="Account page of Dante Alighieri""#));
    // Registered Accounts: the Id opens the account.
    let (_, _, html) = app.get("/logs/registered").await;
    assert!(html.contains(r#"<td><a href="/accounts/"#));
    // Messages and provisioning.
    for route in
        ["/logs/messages?account_id=1", "/logs/install-messages?account_id=1", "/logs/activation-messages?account_id=1"]
    {
        let (status, _, html) = app.get(route).await;
        assert_eq!(status, 200);
        assert!(html.contains(r#"<a href="/accounts/1">4418591930</a>"#), "{route}");
    }
}
