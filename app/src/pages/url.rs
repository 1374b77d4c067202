//! Links that change part of the current list query (page, sort, size) and keep the rest.

use leptos_router::params::ParamsMap;

/// `route` with the current query, where each `(key, value)` replaces that key (`None` removes it).
pub fn with_params(route: &str, current: &ParamsMap, changes: &[(&'static str, Option<String>)]) -> String {
    let mut query = current.clone();
    for (key, value) in changes {
        query.remove(key);
        if let Some(v) = value {
            query.insert(*key, v.clone());
        }
    }
    format!("{route}{}", query.to_query_string())
}
