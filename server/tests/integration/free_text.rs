//! Free text (`q=`) on the big logs is answered from full-text indexes (SQLite FTS5 with the
//! trigram tokenizer; PostgreSQL trigram indexes) with exactly the rows the plain
//! case-insensitive LIKE finds, and the indexes follow every insert, update and delete.

use crate::common::TestApp;
use app::list::Category;

/// The big logs the free text has an index for, with the JSON API's path.
fn indexed() -> Vec<(Category, &'static str)> {
    Category::LOGS.iter().filter_map(|c| c.spec().text_index.map(|index| (*c, index))).collect()
}

/// Total and first page's ids of a free-text search through the API.
async fn search(app: &TestApp, category: Category, text: &str) -> (u64, Vec<i64>) {
    let page = app.json(&format!("/api/v1/{}?size=100&q={}", category.slug(), urlencode(text))).await;
    let ids = page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    (page["total"].as_u64().unwrap(), ids)
}

/// The rows a plain `LOWER(column) LIKE LOWER('%text%')` over the searched columns finds: what
/// the free text found before it had an index.
async fn like_total(app: &TestApp, category: Category, text: &str) -> u64 {
    let columns: Vec<&str> = app::db::list::searched_columns(category).iter().map(|c| c.name).collect();
    let table = app::db::list::table_name(category);
    let any = columns.iter().map(|c| format!("LOWER(CAST({c} AS TEXT)) LIKE LOWER(?) ESCAPE '\\'")).collect::<Vec<_>>();
    let mut pattern = String::from("%");
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    let params = vec![pattern.as_str(); columns.len()];
    app.scalar_bound(&format!("SELECT COUNT(*) FROM {table} WHERE {}", any.join(" OR ")), &params).await as u64
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test]
async fn every_big_log_with_stored_searched_columns_has_an_index_of_exactly_them() {
    let app = TestApp::spawn_empty().await;
    for category in Category::LOGS {
        let spec = category.spec();
        let all_stored = app::db::list::searched_columns(*category).iter().all(|c| c.stored);
        assert_eq!(
            spec.text_index.is_some(),
            spec.hourly.is_some() && all_stored,
            "{}: a big log whose searched columns are all stored has a full-text index",
            spec.title
        );
    }
    if app.db.backend != app::db::Backend::Sqlite {
        return;
    }
    for (category, index) in indexed() {
        let columns = app.text(&format!("SELECT group_concat(name, ' ') FROM pragma_table_info('{index}')")).await;
        let searched: Vec<&str> = app::db::list::searched_columns(category).iter().map(|c| c.name).collect();
        assert_eq!(columns, searched.join(" "), "{index}");
    }
}

#[tokio::test]
async fn free_text_finds_exactly_what_like_finds() {
    let app = TestApp::spawn(300).await;
    let name = app.text("SELECT caller_name FROM cdr WHERE caller_name <> '' ORDER BY id LIMIT 1").await;
    let surname = name.split(' ').next_back().unwrap().to_uppercase();
    let digits = app.text("SELECT substr(callee_number, 3, 5) FROM cdr ORDER BY id LIMIT 1").await;
    let texts = [
        surname.as_str(),
        &digits,
        "busy",
        "Ri",
        "a",
        "LOG",
        "faIL",
        "10.",
        "50%",
        "a_b",
        "\"x\"",
        "é",
        "zzqq-nothing",
    ];
    for (category, _) in indexed() {
        for text in texts {
            let (total, ids) = search(&app, category, text).await;
            assert_eq!(total, like_total(&app, category, text).await, "{category:?} q={text}");
            assert_eq!(ids.len() as u64, total.min(100), "{category:?} q={text}: a whole first page");
        }
    }
    let (total, _) = search(&app, Category::Cdr, &surname).await;
    assert!(total > 0, "the search for {surname} finds calls");
}

#[tokio::test]
async fn the_index_follows_inserts_updates_and_deletes() {
    let app = TestApp::spawn(50).await;
    let found = |text: &'static str| {
        let app = &app;
        async move { search(app, Category::Cdr, text).await.0 }
    };
    assert_eq!(found("Qwertzuiop").await, 0);
    app.execute("UPDATE cdr SET caller_name = 'Anna Qwertzuiop' WHERE id = (SELECT MIN(id) FROM cdr)").await;
    assert_eq!(found("qwertz").await, 1, "an updated row is found by its new text");
    app.execute("UPDATE cdr SET caller_name = 'Anna Asdfghjkl' WHERE caller_name = 'Anna Qwertzuiop'").await;
    assert_eq!(found("qwertz").await, 0, "and no longer by its old text");
    assert_eq!(found("sdfghj").await, 1);
    app.execute(
        "INSERT INTO cdr (call_date, caller_number, caller_name, caller_group, caller_user_agent, callee_number, \
         callee_name, callee_group, callee_user_agent, total_duration, call_duration, disposition, call_id, \
         call_type, call_route) SELECT call_date, caller_number, 'Bob Sdfghjkl', caller_group, caller_user_agent, \
         callee_number, callee_name, callee_group, callee_user_agent, total_duration, call_duration, disposition, \
         'free-text-test', call_type, call_route FROM cdr WHERE caller_name = 'Anna Asdfghjkl'",
    )
    .await;
    assert_eq!(found("sdfghj").await, 2, "an inserted row is found");
    app.execute("DELETE FROM cdr WHERE caller_name = 'Anna Asdfghjkl'").await;
    assert_eq!(found("sdfghj").await, 1, "a deleted row is not");
}

#[tokio::test]
async fn a_page_walked_in_list_order_is_the_page_the_index_finds() {
    use app::db::list::ListRequest;
    use app::db::render::RenderCtx;
    let app = TestApp::spawn(300).await;
    let ids = |rows: Vec<sqlx::any::AnyRow>| rows.iter().map(|r| sqlx::Row::get::<i64, _>(r, 0)).collect::<Vec<_>>();
    for query in ["q=ans", "q=ans&page=2&size=25", "q=ans&dir=asc", "q=SWE&sort=caller", "q=cal&disposition=BUSY"] {
        let req =
            ListRequest::from_query::<app::categories::cdr::Cdrs>(query, &RenderCtx::utc(), app.db.backend).unwrap();
        let (size, offset) = (req.params.size.0 as u64, req.params.offset());
        let indexed = ids(app.db.fetch_all(&req.query.page(size, offset, None)).await.unwrap());
        let walked = ids(app.db.fetch_all(&req.query.walking().page(size, offset, None)).await.unwrap());
        assert_eq!(indexed, walked, "{query}");
        assert!(!indexed.is_empty(), "{query} finds rows");
    }
}
