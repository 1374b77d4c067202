//! The overview: what each log holds, one click away.

use crate::list::Category;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Event logs"</h1>
            <p class="lead">
                "What happened on this PrivateServer: console logins, security events, calls and "
                "SIP sessions. Every list filters, sorts and exports on the server, and its address "
                "keeps the view, so a link shows a colleague exactly what you see."
            </p>
            <ul class="cards">
                {Category::ALL
                    .iter()
                    .map(|c| {
                        let spec = c.spec();
                        view! {
                            <li class="card">
                                <h2>
                                    <a href=c.route()>{spec.title}</a>
                                </h2>
                                <p>{spec.summary}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
