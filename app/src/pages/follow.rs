//! Following a list (SPEC §11): with `follow=1` in its URL a list opens a server-sent event
//! stream of its new rows (`/api/v1/<log>/follow`, the list's own query) and shows them above
//! its rows, at most [`SHOWN_PER_SECOND`] a second. When the reader is on another page, in
//! another order, or has scrolled down, nothing moves: a banner counts the rows that came,
//! and "show" brings the list up to date. EventSource reconnects by itself after a network
//! drop, sending the last row id it had, so no row is lost or shown twice.

use super::url::query_string;
use crate::list::{param, Category, LogRow};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// Rows shown above the list per second at most; more are counted in the banner.
pub const SHOWN_PER_SECOND: u32 = 5;
/// Scrolled further down than this (pixels), the reader is reading: rows are only counted.
#[cfg(feature = "hydrate")]
const READING_BELOW_PX: f64 = 80.0;

/// What a followed list has received.
#[derive(Clone, Copy)]
pub struct Followed {
    /// Rows shown above the page's, newest first.
    pub rows: RwSignal<Vec<LogRow>>,
    /// Rows that came but are not shown.
    pub waiting: RwSignal<u64>,
    /// Why following stopped, if it did.
    pub stopped: RwSignal<Option<String>>,
}

impl Followed {
    /// Follows `category` with the list's `query` from the row after `after` (`None`: from
    /// now). `shows`: new rows may appear above the page's (its first page, newest first).
    /// The stream closes with the component that started it.
    pub fn start(category: Category, query: &ParamsMap, after: Option<i64>, shows: bool) -> Followed {
        let followed =
            Followed { rows: RwSignal::new(Vec::new()), waiting: RwSignal::new(0), stopped: RwSignal::new(None) };
        let mut query = query.clone();
        query.remove(param::PAGE);
        if let Some(id) = after {
            query.replace("after", id.to_string());
        }
        let url = format!("/api/v1/{}/follow{}", category.slug(), query_string(&query));
        #[cfg(feature = "hydrate")]
        followed.listen(url, shows);
        #[cfg(not(feature = "hydrate"))]
        let _ = (url, shows);
        followed
    }

    #[cfg(feature = "hydrate")]
    fn listen(self, url: String, shows: bool) {
        use wasm_bindgen::{closure::Closure, JsCast};
        use web_sys::{EventSource, MessageEvent};
        let Ok(source) = EventSource::new(&url) else {
            self.stopped.set(Some("the browser cannot open the stream".into()));
            return;
        };
        // (second, rows shown in it): the rate limit of rows shown.
        let shown = StoredValue::new((0.0f64, 0u32));
        let on_row = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(row) = event.data().as_string().and_then(|d| serde_json::from_str::<LogRow>(&d).ok()) else {
                return;
            };
            let second = (js_sys::Date::now() / 1000.0).floor();
            let reading = window().scroll_y().unwrap_or(0.0) > READING_BELOW_PX;
            let room = shows
                && !reading
                && shown
                    .try_update_value(|(at, n)| {
                        if *at != second {
                            (*at, *n) = (second, 0);
                        }
                        *n += 1;
                        *n <= SHOWN_PER_SECOND
                    })
                    .unwrap_or(false);
            if room {
                self.rows.update(|rows| rows.insert(0, row));
            } else {
                self.waiting.update(|n| *n += 1);
            }
        });
        let refused_source = source.clone();
        let on_refused = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            refused_source.close();
            self.stopped.set(Some(event.data().as_string().unwrap_or_default()));
        });
        // EventSource retries a dropped connection by itself; it gives up (CLOSED) only when
        // the server refuses it, e.g. a session that ended.
        let failed_source = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if failed_source.ready_state() == EventSource::CLOSED {
                self.stopped.set(Some("the server closed the stream (signed out?)".into()));
            }
        });
        source.set_onmessage(Some(on_row.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let _ = source.add_event_listener_with_callback("refused", on_refused.as_ref().unchecked_ref());
        let kept = StoredValue::new_local((source, on_row, on_refused, on_error));
        on_cleanup(move || {
            kept.with_value(|(source, ..)| source.close());
            kept.dispose();
        });
    }
}

/// The Follow toggle: `follow=1` in the URL, or not.
#[component]
pub fn FollowToggle(route: &'static str, query: Memo<ParamsMap>) -> impl IntoView {
    let on = move || query.read().get(param::FOLLOW).as_deref() == Some("1");
    let navigate = leptos_router::hooks::use_navigate();
    let toggle = move |_| {
        let mut next = query.get_untracked();
        if next.get(param::FOLLOW).is_some() {
            next.remove(param::FOLLOW);
        } else {
            next.replace(param::FOLLOW, "1".into());
        }
        navigate(&format!("{route}{}", query_string(&next)), Default::default());
    };
    view! {
        <button type="button" class="follow" aria-pressed=move || on().to_string() on:click=toggle>
            "Follow"
        </button>
    }
}

/// The banner of rows that came but are not shown, with "show", and why following stopped.
#[component]
pub fn FollowBanner(followed: Followed, route: &'static str, query: ParamsMap, refresh: Callback<()>) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let show = move |_| {
        // The newest rows are on the first page, at the top.
        if query.get(param::PAGE).is_some() {
            let mut first = query.clone();
            first.remove(param::PAGE);
            navigate(&format!("{route}{}", query_string(&first)), Default::default());
        } else {
            refresh.run(());
        }
        #[cfg(feature = "hydrate")]
        window().scroll_to_with_x_and_y(0.0, 0.0);
    };
    view! {
        {move || {
            let n = followed.waiting.get();
            (n > 0)
                .then(|| {
                    view! {
                        <p class="new-rows" role="status">
                            {format!("{n} new {} — ", if n == 1 { "row" } else { "rows" })}
                            <button type="button" class="link" on:click=show.clone()>"show"</button>
                        </p>
                    }
                })
        }}
        {move || {
            followed.stopped.get().map(|why| view! { <p class="error" role="alert">{format!("Following stopped: {why}")}</p> })
        }}
    }
}
