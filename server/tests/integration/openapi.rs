//! `GET /api/v1/openapi.json`: a valid OpenAPI 3.1 document whose every reference resolves,
//! and which describes exactly what the router serves: each (method, path) the server answers
//! for any list is in it, and each operation in it is answered (not 404/405).

use crate::common::TestApp;
use crate::ingest::make_token;
use app::codes::TokenScope;
use app::list::Category;
use serde_json::Value;
use std::collections::BTreeSet;

/// Does the router serve the route a request went to? Not when it answers 405, or 404 with
/// axum's empty body or the API's "no log named"; a missing row (404 with its reason) is
/// a served route.
async fn serves(response: reqwest::Response) -> bool {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    status != 405 && !(status == 404 && (body.is_empty() || body.contains("There is no log named")))
}

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target);
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_valid_and_covers_every_route() {
    let app = TestApp::spawn(40).await;
    let anonymous = reqwest::Client::new();
    let response = anonymous.get(format!("{}/api/v1/openapi.json", app.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "the description is public");
    let text = response.text().await.unwrap();
    let spec = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    spec.validate_version().expect("a supported OpenAPI version");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{target} resolves");
    }
    let documented: BTreeSet<(String, String)> =
        spec.operations().map(|(path, method, _)| (method.as_str().to_owned(), path)).collect();

    // What the router serves, asked of the running server for every list.
    let ingest = make_token(&app, "doc-check", TokenScope::Ingest, None, chrono::Utc::now().timestamp_millis()).await;
    let mut served = BTreeSet::new();
    for category in Category::ALL {
        let slug = category.slug();
        let first = app.json(&format!("/api/v1/{slug}?size=10")).await;
        let id = first["items"][0]["id"].as_i64().unwrap_or(999_999);
        for (path, concrete) in [
            (format!("/api/v1/{slug}"), format!("/api/v1/{slug}")),
            (format!("/api/v1/{slug}/{{id}}"), format!("/api/v1/{slug}/{id}")),
            (format!("/api/v1/{slug}.csv"), format!("/api/v1/{slug}.csv")),
        ] {
            if serves(app.client.get(format!("{}{concrete}", app.base)).send().await.unwrap()).await {
                served.insert(("GET".to_owned(), path));
            }
        }
        let follow = app.client.get(format!("{}/api/v1/{slug}/follow", app.base)).send().await.unwrap();
        if crate::roles::streams(&follow) || serves(follow).await {
            served.insert(("GET".to_owned(), format!("/api/v1/{slug}/follow")));
        }
        let post = anonymous
            .post(format!("{}/api/v1/{slug}", app.base))
            .bearer_auth(&ingest)
            .header("content-type", "application/x-ndjson")
            .body("{}")
            .send()
            .await
            .unwrap();
        if serves(post).await {
            served.insert(("POST".to_owned(), format!("/api/v1/{slug}")));
        }
    }
    served.insert(("GET".to_owned(), "/api/v1/openapi.json".to_owned()));
    let nope = app.client.get(format!("{}/api/v1/no-such-log", app.base)).send().await.unwrap();
    assert!(!serves(nope).await, "the check can tell a route that is not served");
    assert!(served.contains(&("POST".to_owned(), "/api/v1/cdr".to_owned())));
    assert!(!served.contains(&("POST".to_owned(), "/api/v1/registered".to_owned())), "registered is derived");
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(undocumented.is_empty(), "served but not in the document: {undocumented:?}");
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(unserved.is_empty(), "in the document but not served: {unserved:?}");

    // The items' fields are the columns': a CDR as the API shows it matches its schema's keys.
    let cdr = &app.json("/api/v1/cdr?size=10").await["items"][0];
    let schema = &doc["components"]["schemas"]["CdrItem"]["properties"];
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<BTreeSet<_>>();
    assert_eq!(keys(cdr), keys(schema));
    let required = doc["components"]["schemas"]["CdrRecord"]["required"].as_array().unwrap();
    assert!(required.contains(&Value::from("call_date")) && !required.contains(&Value::from("caller_name")));
}
