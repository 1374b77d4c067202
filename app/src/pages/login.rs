//! The login page: a plain HTML form posted to `POST /login` (it works without JavaScript).
//! Its hidden nonce pairs the form with this browser; `next` brings the user back to the
//! page that sent them here. Every failure reads the same, whether or not the user exists.

use crate::auth::{login_form, CSRF_FIELD};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn message(error: &str, wait: &str) -> Option<String> {
    Some(match error {
        "credentials" => "Wrong username or password.".to_owned(),
        "expired" => "Your password has expired. Ask an administrator to reset it.".to_owned(),
        "locked" => format!(
            "Too many failed logins. Logins are refused for a while: try again in {} minutes.",
            if wait.is_empty() { "a few" } else { wait }
        ),
        "busy" => "The console is checking many logins at once. Please try again in a moment.".to_owned(),
        "paced" => format!(
            "Too many login attempts are coming from your network. Please try again in {} seconds.",
            if wait.is_empty() { "a few" } else { wait }
        ),
        "form" => "This login form had expired or did not come from this console. Please try again.".to_owned(),
        _ => return None,
    })
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let nonce = Resource::new(|| (), |_| login_form());
    let get = move |k: &str| query.read().get(k).unwrap_or_default();
    let error = move || message(&get("error"), &get("wait"));
    // A refusal that passes with time is a 429, for scripts as much as for people.
    #[cfg(feature = "ssr")]
    if matches!(query.read_untracked().get("error").as_deref(), Some("locked" | "busy" | "paced")) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::TOO_MANY_REQUESTS);
        }
    }
    let bye = move || !get("bye").is_empty();
    view! {
        <leptos_meta::Title text="Log in"/>
        <section class="page login">
            <h1>"Log in to pslog"</h1>
            {move || bye().then(|| view! { <p class="notice" role="status">"You are logged out."</p> })}
            {move || error().map(|e| view! { <div class="error" role="alert">{e}</div> })}
            <Suspense fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match nonce.await {
                        Ok(nonce) => view! {
                            <form method="post" action="/login" class="login-form">
                                <input type="hidden" name=CSRF_FIELD value=nonce/>
                                <input type="hidden" name="next" value=get("next")/>
                                <label for="username">"Username"</label>
                                <input id="username" name="username" type="text" autocomplete="username" required autofocus/>
                                <label for="password">"Password"</label>
                                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                                <button type="submit">"Log in"</button>
                            </form>
                        }
                        .into_any(),
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
