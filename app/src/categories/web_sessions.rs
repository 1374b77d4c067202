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
    use crate::db::list::{code, millis, text, FilterSet, LogTable};
    use crate::db::params::{QueryParams, TextPrefix};
    use crate::db::query::{equals, starts_with, TableInfo};
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{CategorySpec, Cell};
    use crate::models::WebSession;
    use sea_query::SimpleExpr;
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

    #[derive(Debug, Default, PartialEq)]
    pub struct WebSessionFilter {
        pub result: Option<AuthResult>,
        pub username: Option<TextPrefix>,
        pub ip: Option<TextPrefix>,
    }

    impl FilterSet for WebSessionFilter {
        fn parse(q: &mut QueryParams) -> Result<Self, AppError> {
            Ok(WebSessionFilter {
                result: q.take_code("result")?,
                username: q.take_text("username", "Username")?.map(TextPrefix),
                ip: q.take_text("ip", "IP Address")?.map(TextPrefix),
            })
        }

        fn conditions(&self) -> Vec<SimpleExpr> {
            let mut c = Vec::new();
            if let Some(r) = self.result {
                c.push(equals("result", r.code()));
            }
            if let Some(u) = &self.username {
                c.push(starts_with("username", u));
            }
            if let Some(ip) = &self.ip {
                c.push(starts_with("ip_address", ip));
            }
            c
        }

        fn describe(&self) -> Vec<String> {
            let mut d = Vec::new();
            if let Some(r) = self.result {
                d.push(format!("Result = {}", r.code()));
            }
            if let Some(u) = &self.username {
                d.push(format!("Username starts with \"{}\"", u.0));
            }
            if let Some(ip) = &self.ip {
                d.push(format!("IP Address starts with \"{}\"", ip.0));
            }
            d
        }
    }

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

        fn cells(row: &WebSession, ctx: &RenderCtx) -> Vec<Cell> {
            vec![
                Cell::link(ctx.time(row.occurred_at), Self::detail_href(row)),
                Cell::code(row.result.info()),
                Cell::text(&row.username),
                Cell::text(&row.ip_address),
            ]
        }

        fn detail(row: &WebSession, ctx: &RenderCtx) -> Vec<(String, Cell)> {
            vec![
                ("Id".into(), Cell::text(row.id.to_string())),
                ("Timestamp".into(), Cell::text(ctx.time(row.occurred_at))),
                ("Result".into(), Cell::code(row.result.info())),
                ("Username".into(), Cell::text(&row.username)),
                ("IP Address".into(), Cell::text(&row.ip_address)),
            ]
        }
    }
}
