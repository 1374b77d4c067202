//! The query plans of the list questions that must stay fast on millions of rows (BENCHMARKS.md),
//! pinned on SQLite, the embedded default: no page or total reads a whole log table, and pages
//! in time order over equality filters are read in index order (no sort of every match).
//! PostgreSQL's plans follow its statistics, so they are measured by the benchmark instead.

use crate::common::TestApp;
use app::categories::cdr::Cdrs;
use app::db::list::ListRequest;
use app::db::render::RenderCtx;
use app::list::FilterKind;
use sqlx::Row;

/// `EXPLAIN QUERY PLAN` of a statement: each step, and whether it is part of a subquery (a
/// page's inner query, which picks its ids).
async fn plan<S: sea_query_binder::SqlxBinder>(app: &TestApp, statement: &S) -> Vec<(String, bool)> {
    let (sql, values) = app.db.backend.build(statement);
    let rows = sqlx::query_with(&format!("EXPLAIN QUERY PLAN {sql}"), values).fetch_all(&app.db.pool).await.unwrap();
    let steps: Vec<(i64, i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(3))).collect();
    let in_subquery = |mut parent: i64| {
        while let Some((_, up, detail)) = steps.iter().find(|(id, _, _)| *id == parent) {
            if detail.contains("SUBQUERY") {
                return true;
            }
            parent = *up;
        }
        false
    };
    steps.iter().map(|(_, parent, detail)| (detail.clone(), in_subquery(*parent))).collect()
}

#[tokio::test]
async fn list_questions_never_read_a_whole_table() {
    let app = TestApp::spawn(300).await;
    if app.db.backend != app::db::Backend::Sqlite {
        return;
    }
    let ctx = RenderCtx::utc();
    // (URL query, whether its page comes in index order without a sort, whether it seeks
    // its rows in an index rather than walking the newest ones)
    let questions = [
        ("", true, false),
        ("disposition=BUSY", true, true),
        ("disposition=BUSY&call_type=TRANSFER", true, true),
        ("hangup_cause=USER_BUSY&call_type=CALL&disposition=BUSY", true, true),
        ("from=2026-11-01&to=2026-11-02", true, true),
        ("disposition=ANSWERED&from=2026-11-01T10:15&to=2026-11-03T08:40", true, true),
        ("page=400&size=50", true, false),
        ("call_id=abc", true, true),
        ("caller_number=%2B39", false, true),
        ("callee=Ricci", false, true),
        ("sort=caller&page=200", true, false),
        ("sort=disposition&dir=asc&page=30", true, false),
        ("q=Ricci", false, true),
        ("q=busy&call_type=CALL&page=3", false, true),
    ];
    for (query, in_index_order, seeks) in questions {
        let req = ListRequest::from_query::<Cdrs>(query, &ctx, app.db.backend).unwrap();
        let page = req.query.page(req.params.size.0 as u64, req.params.offset(), None);
        for (what, steps) in [("page", plan(&app, &page).await), ("total", plan(&app, &req.count).await)] {
            for (step, _) in &steps {
                let whole_table = step == "SCAN cdr" || step.starts_with("SCAN cdr ") && !step.contains("USING");
                assert!(!whole_table, "{query}: the {what} reads every CDR: {steps:?}");
            }
            // The outer query sorts the page's own rows (a page of them); the inner one must not
            // sort every match.
            if what == "page" && in_index_order {
                let sorts = steps.iter().any(|(s, inner)| *inner && s.contains("TEMP B-TREE FOR ORDER BY"));
                assert!(!sorts, "{query}: sorts every match: {steps:?}");
            }
            if query.contains("q=") {
                let asks_index = steps.iter().any(|(s, _)| s.starts_with("SCAN cdr_text VIRTUAL TABLE"));
                assert!(asks_index, "{query}: the {what} does not ask the full-text index: {steps:?}");
            }
            if what == "page" && seeks {
                let seek = steps.iter().any(|(s, inner)| *inner && s.starts_with("SEARCH cdr USING"));
                assert!(seek, "{query}: does not seek its rows in an index: {steps:?}");
            }
        }
    }
}

/// The columns SQLite's indexes on `table` begin with.
async fn leading_columns(app: &TestApp, table: &str) -> Vec<String> {
    let indexes =
        sqlx::query(&format!("SELECT name FROM pragma_index_list('{table}')")).fetch_all(&app.db.pool).await.unwrap();
    let mut leading = Vec::new();
    for index in indexes {
        let name: String = index.get(0);
        let first = sqlx::query(&format!("SELECT name FROM pragma_index_info('{name}') WHERE seqno = 0"))
            .fetch_optional(&app.db.pool)
            .await
            .unwrap();
        leading.extend(first.map(|r| r.get::<String, _>(0)));
    }
    leading
}

#[tokio::test]
async fn every_account_and_text_filter_leads_an_index() {
    let app = TestApp::spawn_empty().await;
    if app.db.backend != app::db::Backend::Sqlite {
        return;
    }
    let mut missing = Vec::new();
    for category in app::list::Category::LOGS {
        let table = app::db::list::table_name(*category);
        let leading = leading_columns(&app, table).await;
        if leading.is_empty() {
            continue; // A view (who is registered now), read through its tables' indexes.
        }
        // Code and yes/no filters may go without: the big logs' totals for them come from the
        // hourly counts, and a page walks the time index. A column a view adds (an account's
        // name beside its SIP events) is indexed in its own table.
        let indexed = |f: &app::list::FilterSpec| !matches!(f.kind, FilterKind::Code(_) | FilterKind::YesNo);
        for filter in category.spec().filters().into_iter().filter(indexed) {
            for column in filter.columns.iter().filter(|c| c.stored && !leading.iter().any(|l| l == c.name)) {
                missing.push(format!("{table}.{} ({})", column.name, filter.label));
            }
        }
    }
    assert!(missing.is_empty(), "filtered without an index: {missing:?}");
}
