//! Web Sessions: every authentication event of the web console (seed name
//! AuthenticationEvent).

use crate::codes::AuthResult;
use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// A web-console authentication event.
    pub struct WebSession in "web_session" {
        id: i64,
        occurred_at: UtcMillis,
        result: AuthResult => searched,
        /// The principal; "anonymousUser" marks a system-triggered event.
        username: String => searched,
        ip_address: String => searched,
    }
}

impl WebSession {
    /// A new row (its id is the database's).
    pub fn new(at: i64, result: AuthResult, username: &str, ip: &str) -> WebSession {
        WebSession {
            id: 0,
            occurred_at: UtcMillis(at),
            result,
            username: username.to_owned(),
            ip_address: ip.to_owned(),
        }
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Web Sessions",
    summary: "Every login, logout and session timeout of the web console. \
              \"anonymousUser\" marks an event the system triggered.",
    time: WebSession::occurred_at,
    columns: &[
        C::new("Timestamp", WebSession::occurred_at).sorted_as("timestamp").links_detail(),
        C::new("Result", WebSession::result).sorted_as("result").filtered_as("result"),
        C::new("Username", WebSession::username).sorted_as("username").filtered_as("username"),
        C::new("IP Address", WebSession::ip_address).sorted_as("ip").filtered_as("ip"),
    ],
    detail: &[],
    accounts: &[],
    hourly: Some("web_session_hourly"),
    text_index: Some("web_session_text"),
};

/// The Web Sessions list: every cell as its column declares it.
#[cfg(feature = "ssr")]
pub struct WebSessions;

#[cfg(feature = "ssr")]
impl crate::db::list::LogTable for WebSessions {
    type Row = WebSession;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::WebSessions;
    use crate::db::list::ListRequest;
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use sea_query::SqliteQueryBuilder;

    /// The page query's SQL and bound values for a URL query.
    fn sql(raw: &str) -> Result<(String, String), AppError> {
        let req = ListRequest::from_query::<WebSessions>(raw, &RenderCtx::utc(), crate::db::Backend::Sqlite)?;
        let (text, values) =
            req.query.page(req.params.size.0 as u64, req.params.offset(), None).build(SqliteQueryBuilder);
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
            text.contains(
                r#"WHERE (LOWER("result") LIKE LOWER(?) ESCAPE ('\') OR LOWER("username") LIKE LOWER(?) ESCAPE ('\') OR LOWER("ip_address") LIKE LOWER(?) ESCAPE ('\')) AND "id" IN (SELECT "rowid" FROM "web_session_text" WHERE "web_session_text" MATCH ?) ORDER"#
            ),
            "{text}"
        );
        // The full-text index is asked for every trigram of the text, in the searched columns.
        assert!(values.contains(r#"{result username ip_address} : (\"%_o\" AND "#), "{values}");
        // With other filters, the alternatives are bracketed together.
        let (text, _) = sql("result=LOGOUT&q=x").unwrap();
        assert!(
            text.contains(
                r#"WHERE "result" = ? AND (LOWER("result") LIKE LOWER(?) ESCAPE ('\') OR LOWER("username") LIKE LOWER(?) ESCAPE ('\') OR LOWER("ip_address") LIKE LOWER(?) ESCAPE ('\')) ORDER"#
            ),
            "{text}"
        );
        assert!(values.contains(r#"%50\\%\\_off%"#), "{values}");

        let (text, _) = sql("result=LOGOUT&username=admin&ip=10.&q=x&from=2020-01-01").unwrap();
        assert!(
            text.contains(r#"WHERE "occurred_at" >= ? AND "result" = ? AND ("username" >= ? AND "username" < ?) AND ("ip_address" >= ? AND "ip_address" < ?) AND (LOWER("result") LIKE LOWER(?) ESCAPE ('\') OR LOWER("username") LIKE LOWER(?) ESCAPE ('\') OR LOWER("ip_address") LIKE LOWER(?) ESCAPE ('\')) ORDER"#),
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
