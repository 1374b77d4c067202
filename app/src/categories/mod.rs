//! One module per list: its row ([`crate::record!`]), its [`crate::list::CategorySpec`]
//! (columns, filters) and, on the server, how each row is shown. The registry below names
//! every list once, in menu order; the `Category` enum and everything keyed on it are written
//! from it (see `crate::list::registry`).

pub mod accounts;
pub mod activation_messages;
pub mod audit;
pub mod cdr;
pub mod install_messages;
pub mod messages;
pub mod registered;
pub mod security;
pub mod sip_sessions;
pub mod system;
pub mod web_sessions;

crate::list::registry::categories! {
    directory: Accounts = "accounts" => accounts::Accounts;
    logs:
        Security = "security" => security::SecurityEvents,
        System = "system" => system::SystemEvents,
        Audit = "audit" => audit::Auditing,
        WebSessions = "web-sessions" => web_sessions::WebSessions,
        Cdr = "cdr" => cdr::Cdrs,
        SipSessions = "sip-sessions" => sip_sessions::SipSessions,
        Registered = "registered" => registered::RegisteredAccounts,
        Messages = "messages" => messages::SecureMessages,
        InstallMessages = "install-messages" => install_messages::InstallMessages,
        ActivationMessages = "activation-messages" => activation_messages::ActivationMessages,
}

/// What every category must satisfy, checked for all of them.
#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::Category;
    use crate::db::list::{ListRequest, LogTable};
    use crate::db::render::RenderCtx;
    use crate::error::AppError;
    use crate::list::{ColumnKind, FilterKind, Record};
    use sea_query::SqliteQueryBuilder;

    /// The page query's SQL and bound values for a URL query of `T`.
    fn sql<T: LogTable>(raw: &str) -> Result<(String, String), AppError> {
        let req = ListRequest::from_query::<T>(raw, &RenderCtx::utc(), crate::db::Backend::Sqlite)?;
        let (text, values) =
            req.query.page(req.params.size.0 as u64, req.params.offset(), None).build(SqliteQueryBuilder);
        Ok((text, format!("{:?}", values.0)))
    }

    const HOSTILE: &str = "x' OR 1=1 --";

    fn check<T: LogTable>() {
        let spec = T::SPEC;
        use crate::list::param::*;
        let filters = spec.filters();
        for (i, f) in filters.iter().enumerate() {
            for common in [PAGE, SIZE, SORT, DIR, FROM, TO, TEXT] {
                assert_ne!(f.name, common, "{}: filter '{common}' shadows a list parameter", spec.title);
            }
            // Every control has a label of its own (a user, or a test, finds it by its label).
            for other in ["From", "To", "Text", "Items to show"].iter().chain(filters[i + 1..].iter().map(|g| &g.label))
            {
                assert_ne!(f.label, *other, "{}: two filter controls are labelled '{other}'", spec.title);
            }
            for c in f.columns {
                assert!(T::Row::COLUMNS.contains(c), "{}: filter {} on a column of another row", spec.title, f.name);
            }
        }
        for c in spec.columns {
            assert!(T::Row::COLUMNS.contains(&c.column), "{}: column {} of another row", spec.title, c.label);
        }
        assert!(T::Row::COLUMNS.contains(&spec.time), "{}", spec.title);
        assert!(matches!(spec.time.kind, ColumnKind::Time), "{}: the time column holds times", spec.title);
        assert!(sql::<T>("").is_ok(), "{}", spec.title);
        for f in spec.filters() {
            let value = match f.kind {
                FilterKind::Code(list) => {
                    let bad = sql::<T>(&format!("{}=NOT_A_CODE", f.name));
                    assert!(matches!(bad, Err(AppError::BadRequest(_))), "{} {}", spec.title, f.name);
                    list.codes[list.codes.len() - 1].code
                }
                FilterKind::YesNo => {
                    let bad = sql::<T>(&format!("{}=maybe", f.name));
                    assert!(matches!(bad, Err(AppError::BadRequest(_))), "{} {}", spec.title, f.name);
                    "no"
                }
                FilterKind::AccountId => {
                    let bad = sql::<T>(&format!("{}=12abc", f.name));
                    assert!(matches!(bad, Err(AppError::BadRequest(_))), "{} {}", spec.title, f.name);
                    "12"
                }
                FilterKind::Prefix | FilterKind::Exact => HOSTILE,
            };
            let query = serde_urlencoded::to_string([(f.name, value)]).unwrap();
            let (text, values) = sql::<T>(&query).unwrap_or_else(|e| panic!("{} {query}: {e}", spec.title));
            assert!(text.contains(" WHERE "), "{} {query}: {text}", spec.title);
            assert!(!text.contains("1=1") && !text.contains(value), "{} {query}: {text}", spec.title);
            if value == HOSTILE {
                assert!(values.contains(HOSTILE), "{} {query}: {values}", spec.title);
            }
        }
        // Free text is bound too, and looks in at least one column.
        let (text, values) = sql::<T>("q=%25%27%3B--").unwrap();
        assert!(text.contains("LIKE LOWER(?) ESCAPE"), "{}: {text}", spec.title);
        assert!(values.contains(r"%\\%';--%"), "{}: {values}", spec.title);
        for c in spec.columns {
            let Some(key) = c.sort_key else { continue };
            for dir in ["asc", "desc"] {
                let (text, _) = sql::<T>(&format!("sort={key}&dir={dir}")).unwrap();
                let order = format!(r#"ORDER BY "{}" {}"#, c.column.name, dir.to_uppercase());
                assert!(
                    text.ends_with(&format!(r#"{order}, "id" {}"#, dir.to_uppercase()))
                        || text.contains(&format!("{order}, "))
                        || (c.column.nullable && text.contains(&format!("{order} NULLS "))),
                    "{}: {text}",
                    spec.title
                );
            }
        }
        assert!(matches!(sql::<T>("sort=nope"), Err(AppError::BadRequest(_))));
        assert!(matches!(sql::<T>("nope=1"), Err(AppError::BadRequest(_))));
    }

    #[test]
    fn every_category_filters_and_sorts_with_bound_values_only() {
        for category in Category::ALL {
            super::with_log_table!(category, T => check::<T>());
        }
    }

    #[test]
    fn routes_and_slugs_are_unique_and_logs_live_under_logs() {
        for (i, a) in Category::ALL.iter().enumerate() {
            assert_eq!(Category::from_slug(a.slug()), Some(*a));
            assert_eq!(serde_json::to_string(a).unwrap(), format!("\"{}\"", a.slug()));
            for b in &Category::ALL[i + 1..] {
                assert_ne!(a.slug(), b.slug());
            }
        }
        for log in Category::LOGS {
            assert_eq!(log.route(), format!("/logs/{}", log.slug()));
        }
        assert_eq!(Category::Accounts.route(), "/accounts");
    }
}

/// The database's CHECK constraints hold each code column to its code list (`crate::codes`).
#[cfg(all(test, feature = "ssr"))]
mod schema_tests {
    use super::Category;
    use crate::db::list::LogTable;
    use crate::list::{ColumnKind, Record};

    /// Every SQLite migration, whitespace folded.
    fn schema() -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../server/migrations/sqlite");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        let text: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The codes a `CHECK (column IN ('A','B'))` in table `table`'s latest definition allows
    /// (a migration that changes a CHECK rebuilds the table as `<table>_rebuilt`, then renames it).
    fn checked_codes(schema: &str, table: &str, column: &str) -> Option<Vec<String>> {
        let definitions = [format!("CREATE TABLE {table} ("), format!("CREATE TABLE {table}_rebuilt (")];
        let start = definitions.iter().filter_map(|d| schema.rfind(d.as_str())).max()?;
        let definition = &schema[start..start + schema[start..].find(");")?];
        let check = format!("CHECK ({column} IN (");
        let list = &definition[definition.find(&check)? + check.len()..];
        let list = &list[..list.find(')')?];
        Some(list.split(',').map(|code| code.trim().trim_matches('\'').to_owned()).collect())
    }

    fn check<T: LogTable>(schema: &str) -> usize {
        let mut checked = 0;
        for column in T::Row::COLUMNS.iter().filter(|c| c.stored) {
            let ColumnKind::Code(list) = column.kind else { continue };
            let codes: Vec<String> = list.codes.iter().map(|c| c.code.to_owned()).collect();
            let allowed = checked_codes(schema, T::Row::TABLE, column.name)
                .unwrap_or_else(|| panic!("{}.{} has no CHECK of its codes", T::Row::TABLE, column.name));
            assert_eq!(allowed, codes, "{}.{}: the CHECK and the code list differ", T::Row::TABLE, column.name);
            checked += 1;
        }
        checked
    }

    #[test]
    fn check_constraints_match_the_code_lists() {
        let schema = schema();
        let checked: usize = Category::ALL.iter().map(|c| super::with_log_table!(c, T => check::<T>(&schema))).sum();
        assert!(checked >= 15, "{checked} code columns checked");
    }
}
