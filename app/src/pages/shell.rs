//! The frame around every page: the header and the main menu.

use crate::list::Category;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"ps"</span>
                "pslog"
            </a>
            <span class="brand-sub">"PrivateServer event logs"</span>
        </header>
    }
}

/// The main menu; the LOGGING group lists every log category that exists.
#[component]
pub fn Menu() -> impl IntoView {
    let location = use_location();
    view! {
        <nav class="menu" aria-label="Main menu">
            <a href="/" class="menu-home">"Overview"</a>
            <h2 id="menu-support">"SUPPORT"</h2>
            <ul aria-labelledby="menu-support">
                <li>
                    <a href="/accounts" aria-current=move || location.pathname.get().starts_with("/accounts").then_some("page")>
                        "Accounts"
                    </a>
                </li>
            </ul>
            <h2 id="menu-logging">"LOGGING"</h2>
            <ul aria-labelledby="menu-logging">
                {Category::LOGS
                    .iter()
                    .map(|c| {
                        let spec = c.spec();
                        let current = move || {
                            let path = location.pathname.get();
                            (path == spec.route || path.starts_with(&format!("{}/", spec.route)))
                                .then_some("page")
                        };
                        view! {
                            <li>
                                <a href=spec.route aria-current=current>
                                    {spec.title}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. Pick a log from the menu."</p>
        </section>
    }
}
