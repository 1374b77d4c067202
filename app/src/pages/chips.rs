//! Include and exclude from the list itself: the chips of the filters in force, each removable,
//! and each filterable cell's "only this" (`=`) and "not this" (`≠`) links. All are plain
//! links to the list with its query changed (see `super::url`), so they work without
//! JavaScript, are kept in the URL and undone by Back.

use super::url::{exclude_value, only_value, without_value};
use crate::list::{Chip, FilterSpec};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// "Filtered by:" and a chip per filter in force, or "No filters applied".
#[component]
pub fn FilterChips(route: &'static str, chips: Vec<Chip>, query: ParamsMap) -> impl IntoView {
    if chips.is_empty() {
        return view! { <p class="active-filters">"No filters applied"</p> }.into_any();
    }
    let chips = chips
        .into_iter()
        .map(|chip| {
            let remove = without_value(route, &query, &chip.param, &chip.value);
            let name = format!("Remove filter {}", chip.text);
            view! {
                <li class="chip">
                    {chip.text}
                    <a class="remove" href=remove aria-label=name.clone() title=name></a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="active-filters">
            <span id="filters-in-force">"Filtered by:"</span>
            <ul class="chips" aria-labelledby="filters-in-force">
                {chips}
            </ul>
        </div>
    }
    .into_any()
}

/// A cell's two links: show only the rows with its value, or leave them out.
#[component]
pub fn CellFilters(route: &'static str, filter: FilterSpec, value: String, query: ParamsMap) -> impl IntoView {
    let only = only_value(route, &query, &filter, &value);
    let not = exclude_value(route, &query, &filter, &value);
    let only_name = format!("Show only {} {value}", filter.label);
    let not_name = format!("Exclude {} {value}", filter.label);
    // The glyphs (= and ≠) are the stylesheet's, so that the cell's text stays its value
    // (for copying, and for tests reading a column).
    view! {
        <span class="cell-filter">
            <a class="only" href=only aria-label=only_name.clone() title=only_name></a>
            <a class="not" href=not aria-label=not_name.clone() title=not_name></a>
        </span>
    }
}
