//! pslog: the event-log console of a secure-VoIP appliance. This crate is shared by the
//! server (feature `ssr`) and the browser (feature `hydrate`): typed models and codes, the
//! category declarations, the pages, and the server functions. Server-only code lives in
//! [`db`], behind `#[cfg(feature = "ssr")]`.

pub mod account;
pub mod api_tokens;
pub mod auth;
pub mod categories;
pub mod cef;
pub mod codes;
pub mod console_users;
pub mod error;
pub mod forwarding;
pub mod list;
pub mod models;
pub mod overview;
pub mod pages;
pub mod settings;

#[cfg(feature = "ssr")]
pub mod db;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

/// The console's icon (copied into the site root from `public/`).
pub const FAVICON: &str = "/favicon.svg";

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href=FAVICON/>
                // The built files' folder is versioned by their content (server::assets).
                <link rel="stylesheet" href=format!("/{}/pslog.css", options.site_pkg_dir)/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy (SPEC §12): scripts only from the console, or inline
/// with this response's nonce (Leptos puts it on the hydration and streaming scripts); wasm
/// may be compiled; styles, images and requests only from the console; no plugins, no
/// framing, no `<base>`, forms only to the console.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        &*nonce
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    pages::shell::provide_viewer();
    // Marks the page as interactive; end-to-end tests wait for it before clicking.
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Title text="pslog"/>
        <Router>
            <div class="layout">
                <pages::shell::Frame/>
                <main id="main">
                    <Routes fallback=pages::shell::NotFound>
                        <Route path=StaticSegment("") view=pages::home::Home ssr=SsrMode::Async/>
                        <Route path=StaticSegment("login") view=pages::login::LoginPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("settings") view=pages::settings::SettingsPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("users") view=pages::console_users::ConsoleUsersPage ssr=SsrMode::Async/>
                        // Every log category is a slug: a new category needs no new route.
                        <Route path=StaticSegment("accounts") view=pages::account::AccountsPage ssr=SsrMode::Async/>
                        <Route
                            path=(StaticSegment("accounts"), ParamSegment("id"))
                            view=pages::account::AccountPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("logs"), ParamSegment("category"))
                            view=pages::log_list::LogListPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("logs"), ParamSegment("category"), ParamSegment("id"))
                            view=pages::log_detail::LogDetailPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </main>
                <footer class="site-footer">
                    // A JSON document, not a page of the console: the router must not take it.
                    <a href="/api/v1/openapi.json" rel="external">"HTTP API: OpenAPI description"</a>
                </footer>
            </div>
        </Router>
    }
}
