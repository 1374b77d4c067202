//! Web Sessions: every authentication event of the web console (seed name
//! AuthenticationEvent).

use crate::codes::AuthResult;
use crate::list::{Category, CategorySpec, ColumnSpec, FilterKind, FilterSpec, Legend};

pub const SPEC: CategorySpec = CategorySpec {
    category: Category::WebSessions,
    title: "Web Sessions",
    slug: "web-sessions",
    route: "/logs/web-sessions",
    summary: "Every login, logout and session timeout of the web console. \
              \"anonymousUser\" marks an event the system triggered.",
    columns: &[
        ColumnSpec { label: "Timestamp", sort_key: Some("timestamp") },
        ColumnSpec { label: "Result", sort_key: Some("result") },
        ColumnSpec { label: "Username", sort_key: Some("username") },
        ColumnSpec { label: "IP Address", sort_key: Some("ip") },
    ],
    filters: &[
        FilterSpec { name: "result", label: "Result", kind: FilterKind::Code(AuthResult::CODES) },
        FilterSpec { name: "username", label: "Username", kind: FilterKind::Prefix },
        FilterSpec { name: "ip", label: "IP Address", kind: FilterKind::Prefix },
    ],
    legends: &[Legend { title: "Result", codes: AuthResult::CODES }],
};

#[cfg(feature = "ssr")]
pub use server::{WebSessionFilter, WebSessions};

#[cfg(feature = "ssr")]
mod server {
    use super::SPEC;
    use crate::codes::AuthResult;
    use crate::db::list::{code, millis, text, LogTable};
    use crate::db::params::TextPrefix;
    use crate::db::query::TableInfo;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::{UtcMillis, WebSession};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub struct WebSessions;

    static TABLE: TableInfo = TableInfo {
        table: "web_session",
        time_column: "occurred_at",
        columns: &["id", "occurred_at", "result", "username", "ip_address"],
        text_columns: &["result", "username", "ip_address"],
        sorts: &[("timestamp", "occurred_at"), ("result", "result"), ("username", "username"), ("ip", "ip_address")],
    };

    crate::filter_set!(
        /// The Web Sessions filters of the URL query.
        WebSessionFilter {
            result: AuthResult = ("result", "Result", ["result"]),
            username: TextPrefix = ("username", "Username", ["username"]),
            ip: TextPrefix = ("ip", "IP Address", ["ip_address"]),
        }
    );

    impl LogTable for WebSessions {
        const SPEC: &'static CategorySpec = &SPEC;
        const TABLE: &'static TableInfo = &TABLE;
        type Row = WebSession;
        type Filter = WebSessionFilter;

        fn decode(row: &AnyRow) -> Result<WebSession, AppError> {
            Ok(WebSession {
                id: row.try_get(0)?,
                occurred_at: millis(row, 1)?,
                result: code(row, 2)?,
                username: text(row, 3)?,
                ip_address: text(row, 4)?,
            })
        }

        fn id(row: &WebSession) -> i64 {
            row.id
        }

        fn occurred(row: &WebSession) -> UtcMillis {
            row.occurred_at
        }

        fn cells(row: &WebSession, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::code(row.result.info()),
                Cell::text(&row.username),
                Cell::text(&row.ip_address),
            ]
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::db::list::{FilterSet, LogTable};
    use crate::db::params::{ListParams, QueryParams};
    use crate::db::query::ListQuery;
    use crate::error::AppError;
    use sea_query::SqliteQueryBuilder;

    /// The page query's SQL and bound values for a URL query.
    fn sql(raw: &str) -> Result<(String, String), AppError> {
        let mut q = QueryParams::parse(raw)?;
        let params = ListParams::parse(&mut q, &SPEC, chrono_tz::UTC)?;
        let filter = WebSessionFilter::parse(&mut q)?;
        q.finish()?;
        let query = ListQuery::new(WebSessions::TABLE, &params, filter.conditions());
        let (text, values) = query.page(params.size.0 as u64, params.offset()).build(SqliteQueryBuilder);
        Ok((text, format!("{:?}", values.0)))
    }

    #[test]
    fn default_page_is_newest_first_by_deferred_join() {
        let (text, values) = sql("").unwrap();
        assert_eq!(
            text,
            r#"SELECT "id", "occurred_at", "result", "username", "ip_address" FROM "web_session" WHERE "id" IN (SELECT "id" FROM "web_session" ORDER BY "occurred_at" DESC, "id" DESC LIMIT ? OFFSET ?) ORDER BY "occurred_at" DESC, "id" DESC"#
        );
        assert!(values.contains("BigUnsigned(Some(25))") && values.contains("BigUnsigned(Some(0))"), "{values}");
    }

    #[test]
    fn each_filter_becomes_a_bound_condition() {
        let (text, values) = sql("result=FAIL_BAD_CREDENTIALS").unwrap();
        assert!(text.contains(r#"WHERE "result" = ? ORDER BY"#), "{text}");
        assert!(values.contains("FAIL_BAD_CREDENTIALS"));

        let (text, values) = sql("username=adm").unwrap();
        assert!(text.contains(r#"WHERE "username" >= ? AND "username" < ?"#), "{text}");
        assert!(values.contains("\"adm\"") && values.contains("adm\\u{10ffff}"), "{values}");

        let (text, _) = sql("ip=93.57.").unwrap();
        assert!(text.contains(r#""ip_address" >= ? AND "ip_address" < ?"#), "{text}");

        let (text, values) = sql("from=2015-05-08&to=2015-05-08").unwrap();
        assert!(text.contains(r#""occurred_at" >= ? AND "occurred_at" < ?"#), "{text}");
        assert!(values.contains("1431043200000") && values.contains("1431129600000"), "{values}");

        let (text, values) = sql("q=50%25_off").unwrap();
        assert!(
            text.contains(r#"WHERE "result" LIKE ? ESCAPE '\' OR "username" LIKE ? ESCAPE '\' OR "ip_address" LIKE ? ESCAPE '\' ORDER"#),
            "{text}"
        );
        // With other filters, the alternatives are bracketed together.
        let (text, _) = sql("result=LOGOUT&q=x").unwrap();
        assert!(
            text.contains(r#"WHERE "result" = ? AND ("result" LIKE ? ESCAPE '\' OR "username" LIKE ? ESCAPE '\' OR "ip_address" LIKE ? ESCAPE '\') ORDER"#),
            "{text}"
        );
        assert!(values.contains(r#"%50\\%\\_off%"#), "{values}");

        let (text, _) = sql("result=LOGOUT&username=admin&ip=10.&q=x&from=2020-01-01").unwrap();
        assert!(
            text.contains(r#"WHERE "occurred_at" >= ? AND "result" = ? AND ("username" >= ? AND "username" < ?) AND ("ip_address" >= ? AND "ip_address" < ?) AND ("result" LIKE ? ESCAPE '\' OR "username" LIKE ? ESCAPE '\' OR "ip_address" LIKE ? ESCAPE '\') ORDER"#),
            "{text}"
        );
    }

    #[test]
    fn hostile_input_is_only_ever_a_bound_value() {
        for raw in
            ["q=%27%20OR%201%3D1%20--", "username=%27%3B%20DROP%20TABLE%20web_session%3B--", "ip=%22%29%20OR%20%28%221"]
        {
            let (text, values) = sql(raw).unwrap();
            assert!(!text.contains("OR 1=1") && !text.contains("DROP") && !text.contains(r#"") OR"#), "{text}");
            assert!(values.contains("OR 1=1") || values.contains("DROP") || values.contains(") OR ("), "{values}");
        }
        assert!(matches!(sql("result=' OR 1=1 --"), Err(AppError::BadRequest(_))));
        assert!(matches!(sql("sort=occurred_at;DROP"), Err(AppError::BadRequest(_))));
    }

    #[test]
    fn each_sort_orders_by_its_column_then_time_then_id() {
        let expect = [
            ("timestamp", r#"ORDER BY "occurred_at" ASC, "id" ASC"#),
            ("result", r#"ORDER BY "result" ASC, "occurred_at" ASC, "id" ASC"#),
            ("username", r#"ORDER BY "username" ASC, "occurred_at" ASC, "id" ASC"#),
            ("ip", r#"ORDER BY "ip_address" ASC, "occurred_at" ASC, "id" ASC"#),
        ];
        for (key, order) in expect {
            let (text, _) = sql(&format!("sort={key}&dir=asc")).unwrap();
            assert!(text.ends_with(order), "{key}: {text}");
            let (text, _) = sql(&format!("sort={key}&dir=desc")).unwrap();
            assert!(text.ends_with(&order.replace("ASC", "DESC")), "{key}: {text}");
        }
    }

    #[test]
    fn deep_pages_offset_the_index_walk() {
        let (_, values) = sql("page=4000&size=100").unwrap();
        assert!(values.contains("BigUnsigned(Some(399900))"), "{values}");
    }
}
