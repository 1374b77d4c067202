//! One module per log category: its columns, filters, legends and links, and (on the server)
//! where its rows live and how each is shown.

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

/// What every category must satisfy, checked for all of them.
#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::db::list::{FilterSet, LogTable};
    use crate::db::params::{ListParams, QueryParams};
    use crate::db::query::ListQuery;
    use crate::error::AppError;
    use crate::list::{Category, FilterKind};
    use sea_query::SqliteQueryBuilder;

    /// The page query's SQL and bound values for a URL query of `T`.
    fn sql<T: LogTable>(raw: &str) -> Result<(String, String), AppError> {
        let mut q = QueryParams::parse(raw)?;
        let params = ListParams::parse(&mut q, T::SPEC, chrono_tz::UTC)?;
        let filter = T::Filter::parse(&mut q)?;
        q.finish()?;
        let query = ListQuery::new(T::TABLE, &params, filter.conditions());
        let (text, values) = query.page(params.size.0 as u64, params.offset()).build(SqliteQueryBuilder);
        Ok((text, format!("{:?}", values.0)))
    }

    const HOSTILE: &str = "x' OR 1=1 --";

    fn check<T: LogTable>() {
        let spec = T::SPEC;
        let names: Vec<&str> = spec.filters.iter().map(|f| f.name).collect();
        assert_eq!(names, T::Filter::PARAMS, "{}: the form and the filter struct agree", spec.title);
        use crate::list::param::*;
        for common in [PAGE, SIZE, SORT, DIR, FROM, TO, TEXT] {
            assert!(!names.contains(&common), "{}: filter '{common}' shadows a list parameter", spec.title);
        }
        assert!(sql::<T>("").is_ok(), "{}", spec.title);
        for f in spec.filters {
            let value = match f.kind {
                FilterKind::Code(codes) => {
                    let bad = sql::<T>(&format!("{}=NOT_A_CODE", f.name));
                    assert!(matches!(bad, Err(AppError::BadRequest(_))), "{} {}", spec.title, f.name);
                    codes[codes.len() - 1].code
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
        assert!(text.contains("LIKE ? ESCAPE"), "{}: {text}", spec.title);
        assert!(values.contains(r"%\\%';--%"), "{}: {values}", spec.title);
        for c in spec.columns {
            let Some(key) = c.sort_key else { continue };
            let column = T::TABLE.sorts.iter().find(|(k, _)| *k == key).map(|(_, c)| *c);
            let column = column.unwrap_or_else(|| panic!("{}: no column for sort key {key}", spec.title));
            for dir in ["asc", "desc"] {
                let (text, _) = sql::<T>(&format!("sort={key}&dir={dir}")).unwrap();
                let order = format!(r#"ORDER BY "{column}" {}"#, dir.to_uppercase());
                assert!(
                    text.ends_with(&format!(r#"{order}, "id" {}"#, dir.to_uppercase()))
                        || text.contains(&format!("{order}, ")),
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
            crate::with_log_table!(category, T => check::<T>());
        }
    }

    #[test]
    fn every_category_has_a_unique_route_and_slug() {
        for (i, a) in Category::ALL.iter().enumerate() {
            assert_eq!(a.spec().category, *a);
            let prefix = if *a == Category::Accounts { "" } else { "/logs" };
            assert_eq!(a.spec().route, format!("{prefix}/{}", a.slug()));
            assert_eq!(Category::from_slug(a.slug()), Some(*a));
            for b in &Category::ALL[i + 1..] {
                assert_ne!(a.slug(), b.slug());
            }
        }
    }
}
