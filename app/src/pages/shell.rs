//! The frame around every page: the header (who is signed in, Log out) and the main menu.

use crate::auth::{whoami, SignedIn, CSRF_FIELD};
use crate::error::AppError;
use crate::list::Category;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The signed-in user, loaded once per page load and shared by the frame's components.
#[derive(Clone, Copy)]
pub struct Viewer(pub Resource<Result<SignedIn, AppError>>);

pub fn provide_viewer() {
    provide_context(Viewer(Resource::new(|| (), |_| whoami())));
}

fn viewer() -> Viewer {
    expect_context::<Viewer>()
}

/// The header and the main menu, from one read of the signed-in user.
#[component]
pub fn Frame() -> impl IntoView {
    let me = viewer().0;
    view! {
        <Suspense fallback=|| view! { <Header me=None/> }>
            {move || Suspend::new(async move {
                let me = me.await.ok();
                view! {
                    <Header me=me.clone()/>
                    {me.map(|me| view! { <Menu me/> })}
                }
            })}
        </Suspense>
    }
}

#[component]
fn Header(me: Option<SignedIn>) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"ps"</span>
                "pslog"
            </a>
            <span class="brand-sub">"PrivateServer event logs"</span>
            {me.map(|me| view! {
                <div class="who">
                    <span>"Signed in as " <strong>{me.username}</strong> " (" {me.role.label()} ")"</span>
                    <form method="post" action="/logout">
                        <input type="hidden" name=CSRF_FIELD value=me.csrf/>
                        <button type="submit" class="secondary">"Log out"</button>
                    </form>
                </div>
            })}
        </header>
    }
}

fn current(location: &leptos_router::location::Location, prefix: &'static str) -> impl Fn() -> Option<&'static str> {
    let path = location.pathname;
    move || path.with(|p| p.starts_with(prefix)).then_some("page")
}

/// The main menu: SUPPORT, the LOGGING group with every log category, and ADMINISTRATION
/// for admins only.
#[component]
fn Menu(me: SignedIn) -> impl IntoView {
    let location = use_location();
    view! {
        <nav class="menu" aria-label="Main menu">
            <a href="/" class="menu-home">"Overview"</a>
            <h2 id="menu-support">"SUPPORT"</h2>
            <ul aria-labelledby="menu-support">
                <li>
                    <a href="/accounts" aria-current=current(&location, "/accounts")>
                        "Accounts"
                    </a>
                </li>
            </ul>
            <h2 id="menu-logging">"LOGGING"</h2>
            <ul aria-labelledby="menu-logging">
                {Category::LOGS
                    .iter()
                    .map(|c| {
                        let route = c.route();
                        let current = move || {
                            let path = location.pathname.get();
                            (path == route || path.starts_with(&format!("{route}/"))).then_some("page")
                        };
                        view! {
                            <li>
                                <a href=route aria-current=current>
                                    {c.spec().title}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {me.is_admin().then(|| view! {
                <h2 id="menu-admin">"ADMINISTRATION"</h2>
                <ul aria-labelledby="menu-admin">
                    <li><a href="/settings" aria-current=current(&location, "/settings")>"Settings"</a></li>
                    <li><a href="/users" aria-current=current(&location, "/users")>"Console users"</a></li>
                </ul>
            })}
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
