//! Under the MASK policy the hidden digits cannot be recovered by narrowing a list down: no
//! filter or sort on a masked column, and free text that does not look in them, through the
//! pages, the JSON API and the CSV export alike (SPEC §3; issue 10).

use crate::common::TestApp;

/// Status and body of a GET as `client`.
async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = client.get(format!("{}{path}", app.base)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn masked_numbers_cannot_be_filtered_searched_or_sorted_on() {
    let app = TestApp::spawn(300).await;
    let number = app.text("SELECT caller_number FROM cdr WHERE length(caller_number) >= 10 ORDER BY id LIMIT 1").await;
    let prefix = &number[..6];
    let hidden = &number[4..8];
    let found = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap()["total"].as_u64().unwrap();
    let support = app.client_as("support").await;
    let auditor = app.client_as("auditor").await;
    // Without masking, all of these narrow the list down by the number's digits.
    let selections = [
        format!("/api/v1/cdr?caller_number={}", urlencode(prefix)),
        // Leaving one number out tells as much as keeping it.
        format!("/api/v1/cdr?not_callee_number={}", urlencode(&number)),
        "/api/v1/cdr?sort=caller_number".to_owned(),
        "/api/v1/cdr?sort=callee_number&dir=asc".to_owned(),
        format!("/api/v1/accounts?phone={}", urlencode(prefix)),
        "/api/v1/accounts?sort=phone".to_owned(),
        "/api/v1/install-messages?recipient=%2B".to_owned(),
        "/api/v1/activation-messages?recipient=%2B".to_owned(),
    ];
    for path in &selections {
        assert_eq!(get(&app, &support, path).await.0, 200, "{path}");
    }
    let searched = format!("/api/v1/cdr?q={hidden}");
    let (_, body) = get(&app, &support, &searched).await;
    assert!(found(&body) > 0, "the digits are found while numbers are shown");

    app.execute("UPDATE settings SET cdr_masking = 'MASK'").await;
    for client in [&support, &app.client] {
        for path in &selections {
            let (status, body) = get(&app, client, path).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert!(
                body.starts_with("Phone numbers are masked (CDR masking policy MASK), so this list cannot be"),
                "{body}"
            );
        }
        let (status, body) = get(&app, client, &searched).await;
        assert_eq!(status, 200);
        assert_eq!(found(&body), 0, "free text does not look in masked numbers");
    }
    // The CSV export, and the list page itself, say the same.
    let csv = format!("/api/v1/cdr.csv?caller_number={}", urlencode(prefix));
    let (status, body) = get(&app, &auditor, &csv).await;
    assert_eq!((status, body.contains("cannot be filtered by Caller Number")), (400, true), "{body}");
    let (status, body) = get(&app, &app.client, "/logs/cdr?sort=caller_number").await;
    assert_eq!(status, 400);
    assert!(body.contains("cannot be sorted by Caller Number"));
    // Everything else still works: a name, a code, free text in other columns.
    let name = app.text("SELECT caller_name FROM cdr WHERE caller_name <> '' ORDER BY id LIMIT 1").await;
    let (status, body) = get(&app, &support, &format!("/api/v1/cdr?q={}", urlencode(&name))).await;
    assert_eq!(status, 200);
    assert!(found(&body) > 0);
    assert_eq!(get(&app, &support, "/api/v1/cdr?disposition=ANSWERED&sort=caller").await.0, 200);
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).unwrap().trim_start_matches("v=").to_owned()
}
