//! The list page of any log category: filter form, table, pager, CSV link and legend. Its
//! whole state is the URL query; the rows come from [`fetch_log_page`], keyed on that query,
//! and `<Transition>` keeps the current rows on screen while the next ones load.

use super::chips::{CellFilters, FilterChips};
use super::follow::{FollowBanner, FollowToggle, Followed};
use super::url::with_params;
use crate::list::api::fetch_log_page;
use crate::list::{param, Category, Cell, FilterKind, FilterSpec, LogPage, LogRow, PAGE_SIZES};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

#[component]
pub fn LogListPage() -> impl IntoView {
    let params = use_params_map();
    let category = move || params.read().get("category").and_then(|s| Category::log_from_slug(&s));
    move || match category() {
        Some(category) => view! { <LogList category/> }.into_any(),
        None => view! { <super::shell::NotFound/> }.into_any(),
    }
}

#[component]
pub fn LogList(category: Category) -> impl IntoView {
    let spec = category.spec();
    let location = use_location();
    let query = use_query_map();
    let page = Resource::new(move || location.search.get(), move |search| fetch_log_page(category, search));
    let refresh = Callback::new(move |_: ()| page.refetch());
    view! {
        <leptos_meta::Title text=spec.title/>
        <section class="page">
            <header class="page-head">
                <h1>{spec.title}</h1>
                <p class="lead">{spec.summary}</p>
            </header>
            <FilterForm category query/>
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <ListTable category page=p query refresh/> }.into_any(),
                        Err(e) => {
                            view! {
                                <div class="error" role="alert">
                                    <strong>"This list cannot be shown. "</strong>
                                    {e.to_string()}
                                    " "
                                    <a href=category.route()>"Show the unfiltered list"</a>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
            <Legends category/>
        </section>
    }
}

/// The GET form of the time range, free text and the category's filters. It works without
/// JavaScript; with it, the router turns the submit into a client-side navigation.
#[component]
fn FilterForm(category: Category, query: Memo<ParamsMap>) -> impl IntoView {
    let (spec, route) = (category.spec(), category.route());
    let value = move |name: &'static str| move || query.read().get(name).unwrap_or_default();
    // Keep the sort, page size and exclusions (the form has no control for them); a new
    // filter starts at page 1.
    let kept = move || {
        query
            .get()
            .into_iter()
            .filter(|(k, _)| [param::SORT, param::DIR, param::SIZE].contains(&&**k) || k.starts_with(param::EXCLUDE))
            .map(|(k, v)| view! { <input type="hidden" name=k.to_string() value=v/> })
            .collect_view()
    };
    view! {
        <Form method="GET" action=route>
            <fieldset class="filters">
                <legend>"Filter"</legend>
                <Field label="From" name=param::FROM>
                    <input id=field_id(param::FROM) type="datetime-local" step="1" name=param::FROM prop:value=value(param::FROM)/>
                </Field>
                <Field label="To" name=param::TO>
                    <input id=field_id(param::TO) type="datetime-local" step="1" name=param::TO prop:value=value(param::TO)/>
                </Field>
                <Field label="Text" name=param::TEXT>
                    <input id=field_id(param::TEXT) type="search" name=param::TEXT placeholder="anywhere in the row" prop:value=value(param::TEXT)/>
                </Field>
                {spec
                    .filters()
                    .into_iter()
                    .map(|f| {
                        let current = value(f.name);
                        let control = match f.kind {
                            FilterKind::Code(list) => {
                                view! {
                                    <select id=field_id(f.name) name=f.name prop:value=current>
                                        <option value="">"Any"</option>
                                        {list
                                            .codes
                                            .iter()
                                            .map(|c| {
                                                view! {
                                                    <option value=c.code title=c.meaning selected=move || current() == c.code>
                                                        {c.label}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                }
                                    .into_any()
                            }
                            FilterKind::YesNo => {
                                view! {
                                    <select id=field_id(f.name) name=f.name prop:value=current>
                                        <option value="">"Any"</option>
                                        <option value="yes" selected=move || current() == "yes">"Yes"</option>
                                        <option value="no" selected=move || current() == "no">"No"</option>
                                    </select>
                                }
                                    .into_any()
                            }
                            FilterKind::AccountId => view! {
                                <input id=field_id(f.name) type="number" min="1" name=f.name placeholder="id" prop:value=current/>
                            }
                            .into_any(),
                            FilterKind::Prefix | FilterKind::Exact => {
                                let hint = if matches!(f.kind, FilterKind::Exact) { "exactly" } else { "starts with" };
                                view! { <input id=field_id(f.name) type="text" name=f.name placeholder=hint prop:value=current/> }
                                    .into_any()
                            }
                        };
                        view! { <Field label=f.label name=f.name>{control}</Field> }
                    })
                    .collect_view()}
                {kept}
                <div class="filter-actions">
                    <button type="submit">"Apply"</button>
                    <a href=route>"Clear"</a>
                </div>
            </fieldset>
        </Form>
    }
}

#[component]
fn ListTable(category: Category, page: LogPage, query: Memo<ParamsMap>, refresh: Callback<()>) -> impl IntoView {
    let (spec, route) = (category.spec(), category.route());
    let default_sort = spec.default_sort_key();
    let csv_href = move || {
        let mut q = query.get();
        q.remove(param::PAGE);
        format!("/api/v1/{}.csv{}", category.slug(), super::url::query_string(&q))
    };
    let count = page.total;
    let summary = format!(
        "{count} {} · page {} of {} · times in {}",
        if count == 1 { "row" } else { "rows" },
        page.page,
        page.page_count(),
        page.time_zone
    );
    // The filter of each column, for its cells' "only this" and "not this".
    let filters = spec.filters();
    let cell_filters: Vec<Option<FilterSpec>> = spec
        .columns
        .iter()
        .map(|c| c.filter.and_then(|name| filters.iter().find(|f| f.name == name).copied()))
        .collect();
    let cell_filters = StoredValue::new(cell_filters);
    // Following: new rows above this page's when it is the first, newest first.
    let here = query.get_untracked();
    let shows = page.page == 1 && page.sort.is_none();
    let after = if shows { page.rows.iter().map(|r| r.id).max() } else { None };
    let followed =
        (here.get(param::FOLLOW).as_deref() == Some("1")).then(|| Followed::start(category, &here, after, shows));
    let row_view = move |row: LogRow, fresh: bool| view! { <ListRow row route filters=cell_filters query=query.get_untracked() fresh/> };
    let empty = page.rows.is_empty();
    let past_end = empty && page.total > 0;
    let (current, last, size) = (page.page, page.page_count(), page.page_size);
    view! {
        <div class="toolbar">
            <p class="summary" role="status">{summary}</p>
            <FilterChips route chips=page.active_filters query=query.get_untracked()/>
            <div class="tools">
                <button type="button" on:click=move |_| refresh.run(())>"Refresh"</button>
                <FollowToggle route query/>
                {page.may_export.then(|| view! { <a class="button" href=csv_href download rel="external">"CSV"</a> })}
            </div>
        </div>
        {followed.map(|followed| view! { <FollowBanner followed route query=here.clone() refresh/> })}
        <div class="table-wrap">
            <table class="log-table">
                <thead>
                    <tr>
                        {spec
                            .columns
                            .iter()
                            .map(|c| {
                                // Masked numbers may not be sorted on (their order would tell the digits).
                                let sort_key = c.sort_key.filter(|_| !(page.numbers_hidden && c.column.masked));
                                view! { <SortHeader label=c.label sort_key default_sort route query sort=page.sort.clone()/> }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {followed.map(|f| move || f.rows.get().into_iter().map(|row| row_view(row, true)).collect_view())}
                    {page.rows.into_iter().map(|row| row_view(row, false)).collect_view()}
                </tbody>
            </table>
        </div>
        {empty
            .then(|| {
                view! {
                    <p class="empty" role="status">
                        {if past_end {
                            format!("Page {current} is past the last page ({last}).")
                        } else {
                            "No rows match these filters.".to_owned()
                        }}
                    </p>
                }
            })}
        <Pager route query current last size/>
    }
}

/// One row of the list: its cells, each filterable one with its "only this" and "not this".
/// `fresh`: a followed row that arrived after the page was read.
#[component]
fn ListRow(
    row: LogRow,
    route: &'static str,
    filters: StoredValue<Vec<Option<FilterSpec>>>,
    query: ParamsMap,
    fresh: bool,
) -> impl IntoView {
    let filters = filters.get_value();
    let cells = row.cells.into_iter().zip(filters).map(|(cell, filter)| {
        let links = filter
            .zip(cell.value.clone())
            .map(|(filter, value)| view! { <CellFilters route filter value query=query.clone()/> });
        view! { <td><CellView cell/>{links}</td> }
    });
    view! { <tr class:fresh=fresh>{cells.collect_view()}</tr> }
}

/// The id of a filter control, for its label.
fn field_id(name: &str) -> String {
    format!("filter-{name}")
}

/// A labelled filter control. The label points at the control by id rather than wrapping it,
/// so that its accessible name is the label alone (not the select's options too).
#[component]
fn Field(label: &'static str, name: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="field">
            <label for=field_id(name)>{label}</label>
            {children()}
        </div>
    }
}

/// A column header; a sortable one is a link that toggles its order.
#[component]
fn SortHeader(
    label: &'static str,
    sort_key: Option<&'static str>,
    /// The key of the column the list is in when no sort is chosen (newest first), if shown.
    default_sort: Option<&'static str>,
    route: &'static str,
    query: Memo<ParamsMap>,
    sort: Option<crate::list::SortState>,
) -> impl IntoView {
    let Some(key) = sort_key else {
        return view! { <th scope="col">{label}</th> }.into_any();
    };
    // With no explicit sort the list is newest first: its time column descending.
    let state = match &sort {
        Some(s) if s.key == key => Some(s.descending),
        None if default_sort == Some(key) => Some(true),
        _ => None,
    };
    let next_dir = if state == Some(true) { "asc" } else { "desc" };
    let href = move || {
        with_params(
            route,
            &query.get(),
            &[(param::SORT, Some(key.to_owned())), (param::DIR, Some(next_dir.to_owned())), (param::PAGE, None)],
        )
    };
    let (arrow, aria) = match state {
        Some(true) => (" ▼", "descending"),
        Some(false) => (" ▲", "ascending"),
        None => ("", "none"),
    };
    view! {
        <th scope="col" aria-sort=aria>
            <a href=href>{label}{arrow}</a>
        </th>
    }
    .into_any()
}

#[component]
pub fn CellView(cell: Cell) -> impl IntoView {
    let aside = cell.aside.map(|(label, href)| {
        view! {
            " "
            <a class="aside" href=href aria-label=label.clone() title=label>
                "↗"
            </a>
        }
    });
    let main = match (cell.href, cell.title) {
        (Some(href), _) => view! { <a href=href>{cell.text}</a> }.into_any(),
        (None, Some(title)) => {
            let label = format!("{}: {}", cell.text, title);
            view! {
                <abbr class="code" title=title aria-label=label>
                    {cell.text}
                </abbr>
            }
            .into_any()
        }
        (None, None) => cell.text.into_any(),
    };
    view! { {main} {aside} }.into_any()
}

/// Page numbers around the current one, Previous/Next, and "Items to show".
#[component]
fn Pager(route: &'static str, query: Memo<ParamsMap>, current: u32, last: u32, size: u32) -> impl IntoView {
    let link = move |n: u32| with_params(route, &query.get(), &[(param::PAGE, Some(n.to_string()))]);
    let mut numbers: Vec<u32> = vec![1, last];
    numbers.extend(current.saturating_sub(2).max(1)..=(current + 2).min(last));
    numbers.sort_unstable();
    numbers.dedup();
    let mut items = Vec::new();
    let mut previous = 0;
    for n in numbers {
        if n > previous + 1 {
            items.push(view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any());
        }
        previous = n;
        items.push(if n == current {
            view! { <li><a href=link(n) aria-current="page" aria-label=format!("Page {n}")>{n}</a></li> }.into_any()
        } else {
            view! { <li><a href=link(n) aria-label=format!("Page {n}")>{n}</a></li> }.into_any()
        });
    }
    let kept = move || {
        query
            .get()
            .into_iter()
            .filter(|(k, _)| k != param::PAGE && k != param::SIZE)
            .map(|(k, v)| view! { <input type="hidden" name=k.to_string() value=v/> })
            .collect_view()
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <ul>
                <li>
                    {if current > 1 {
                        view! { <a href=link(current - 1) rel="prev">"Previous"</a> }.into_any()
                    } else {
                        view! { <span class="disabled">"Previous"</span> }.into_any()
                    }}
                </li>
                {items}
                <li>
                    {if current < last {
                        view! { <a href=link(current + 1) rel="next">"Next"</a> }.into_any()
                    } else {
                        view! { <span class="disabled">"Next"</span> }.into_any()
                    }}
                </li>
            </ul>
            <Form method="GET" action=route>
                {kept}
                <div class="page-size">
                    <label for="page-size">"Items to show"</label>
                    <select id="page-size" name=param::SIZE on:change=submit_parent_form>
                        {PAGE_SIZES
                            .iter()
                            .map(|s| view! { <option value=s.to_string() selected=*s == size>{s.to_string()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">"Show"</button>
            </Form>
        </nav>
    }
}

/// Submits the select's form as if its button were pressed (the router then navigates).
fn submit_parent_form(ev: leptos::ev::Event) {
    use wasm_bindgen::JsCast;
    if let Some(form) = event_target::<web_sys::HtmlSelectElement>(&ev).form() {
        let _ = form.unchecked_into::<web_sys::HtmlFormElement>().request_submit();
    }
}

/// The meaning of every code the list shows.
#[component]
fn Legends(category: Category) -> impl IntoView {
    view! {
        <section class="legend" aria-label="Legend">
            {category
                .spec()
                .legends()
                .map(|(title, list)| {
                    view! {
                        <details>
                            <summary>{format!("What each {title} means")}</summary>
                            <dl>
                                {list
                                    .codes
                                    .iter()
                                    .map(|c| view! { <dt>{c.label}</dt><dd>{c.meaning}</dd> })
                                    .collect_view()}
                            </dl>
                        </details>
                    }
                })
                .collect_view()}
        </section>
    }
}
