//! The detail page of one row: every stored field.

use super::log_list::CellView;
use crate::list::api::fetch_log_detail;
use crate::list::Category;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LogDetailPage() -> impl IntoView {
    let params = use_params_map();
    let category = move || params.read().get("category").and_then(|s| Category::log_from_slug(&s));
    move || match category() {
        Some(category) => view! { <RowDetail category/> }.into_any(),
        None => view! { <super::shell::NotFound/> }.into_any(),
    }
}

#[component]
fn RowDetail(category: Category) -> impl IntoView {
    let spec = category.spec();
    let params = use_params_map();
    let detail =
        Resource::new(move || params.read().get("id").unwrap_or_default(), move |id| fetch_log_detail(category, id));
    view! {
        <leptos_meta::Title text=spec.title/>
        <section class="page">
            <p class="crumbs">
                <a href=category.route()>{format!("← {}", spec.title)}</a>
            </p>
            <h1>{format!("{} entry", spec.title)}</h1>
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => {
                            view! {
                                <dl class="detail">
                                    {d
                                        .fields
                                        .into_iter()
                                        .map(|(label, cell)| view! { <dt>{label}</dt><dd><CellView cell/></dd> })
                                        .collect_view()}
                                </dl>
                                <p class="note">{format!("Times in {}.", d.time_zone)}</p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
