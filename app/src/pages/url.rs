//! Links that change part of the current list query (page, sort, size, a filter chip, a
//! cell's "only this" and "not this") and keep the rest.

use crate::list::{param, whole_text, FilterKind, FilterSpec};
use leptos_router::location::Url;
use leptos_router::params::ParamsMap;

/// `?a=1&b=2` (empty for no parameters), form-encoded as a browser encodes a GET form, so
/// that a link reads the same whether the server or the browser wrote it (Leptos's own
/// encoding escapes `_` on the server only).
pub fn query_string(query: &ParamsMap) -> String {
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for (key, value) in query {
        pairs.append_pair(key, value);
    }
    match pairs.finish() {
        s if s.is_empty() => s,
        s => format!("?{s}"),
    }
}

/// Adds one value of `key`. (`ParamsMap::insert` decodes what it is given, as if it came
/// from the URL: a value is escaped first, so that `50%` stays `50%`.)
fn add(query: &mut ParamsMap, key: String, value: &str) {
    query.insert(key, Url::escape(value));
}

/// `route` with the current query, where each `(key, value)` replaces that key (`None` removes it).
pub fn with_params(route: &str, current: &ParamsMap, changes: &[(&'static str, Option<String>)]) -> String {
    let mut query = current.clone();
    for (key, value) in changes {
        query.remove(key);
        if let Some(v) = value {
            add(&mut query, key.to_string(), v);
        }
    }
    format!("{route}{}", query_string(&query))
}

/// `route` with the current query less one value of `key` (a filter chip removed), from page 1.
pub fn without_value(route: &str, current: &ParamsMap, key: &str, value: &str) -> String {
    let mut query = current.clone();
    let kept = query.remove(key).unwrap_or_default().into_iter().filter(|v| v != value);
    for v in kept {
        add(&mut query, key.to_owned(), &v);
    }
    query.remove(param::PAGE);
    format!("{route}{}", query_string(&query))
}

/// A cell's "only this": the list with `filter` set to `value` (matched whole: a prefix
/// filter's value in double quotes), no longer excluding it, from page 1.
pub fn only_value(route: &str, current: &ParamsMap, filter: &FilterSpec, value: &str) -> String {
    let excluded = filter.exclusion_param();
    let mut query = current.clone();
    let kept = query.remove(&excluded).unwrap_or_default().into_iter().filter(|v| v != value);
    for v in kept {
        add(&mut query, excluded.clone(), &v);
    }
    let whole = match filter.kind {
        FilterKind::Prefix => whole_text(value),
        _ => value.to_owned(),
    };
    query.replace(filter.name, Url::escape(&whole));
    query.remove(param::PAGE);
    format!("{route}{}", query_string(&query))
}

/// A cell's "not this": the list also leaving out the rows with `value`, and no longer kept
/// to it, from page 1.
pub fn exclude_value(route: &str, current: &ParamsMap, filter: &FilterSpec, value: &str) -> String {
    let excluded = filter.exclusion_param();
    let mut query = current.clone();
    let quoted = whole_text(value);
    if query.get_str(filter.name).is_some_and(|v| v == value || v == quoted) {
        query.remove(filter.name);
    }
    if !query.get_all(&excluded).unwrap_or_default().iter().any(|v| v == value) {
        add(&mut query, excluded, value);
    }
    query.remove(param::PAGE);
    format!("{route}{}", query_string(&query))
}
