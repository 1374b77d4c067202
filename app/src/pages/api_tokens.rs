//! The API tokens section of the Console users page: the tokens machines call `/api/v1`
//! with, a form to create one (its value is shown once, here), and a revoke button per live
//! token.

use super::settings::{code_options, outcome};
use crate::api_tokens::{list_api_tokens, AddApiToken, ApiTokenList, ApiTokenRow, NewApiToken, RevokeApiToken};
use crate::codes::TokenScope;
use leptos::prelude::*;

#[component]
pub fn ApiTokensSection() -> impl IntoView {
    let add = ServerAction::<AddApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let data = Resource::new(move || (add.version().get(), revoke.version().get()), |_| list_api_tokens());
    view! {
        <section aria-labelledby="api-tokens">
            <h2 id="api-tokens">"API tokens"</h2>
            <p>
                "Machines call the " <a href="/api/v1/openapi.json">"HTTP API"</a>
                " with a token (" <code>"Authorization: Bearer …"</code> "). An " <strong>"ingest"</strong>
                " token may only send events; a " <strong>"read"</strong>
                " token may only read, as an auditor. Only a hash is kept: a token is shown once, when it is made."
            </p>
            {outcome(revoke.value(), |s: String| s)}
            {move || add.value().get().map(|r| match r {
                Ok(t) => view! { <CreatedToken token=t/> }.into_any(),
                Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <TokenTable data=d add revoke/> }.into_any(),
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CreatedToken(token: NewApiToken) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            <p>{format!("API token {} ({}) created. Copy it now; it is not shown again:", token.name, token.scope.code())}</p>
            <code class="secret" aria-label="New API token">{token.shown_once}</code>
        </div>
    }
}

#[component]
fn TokenTable(
    data: ApiTokenList,
    add: ServerAction<AddApiToken>,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let csrf = data.csrf.clone();
    let empty = data.tokens.is_empty();
    view! {
        // The wrapper scrolls a wide table sideways: focusable, so that the keyboard can scroll it.
        <div class="table-wrap" tabindex="0" role="region" aria-label="Table of API tokens">
            <table class="log-table" aria-label="API tokens">
                <thead>
                    <tr>
                        <th>"Name"</th>
                        <th>"Scope"</th>
                        <th>"Created"</th>
                        <th>"Created by"</th>
                        <th>"Last used"</th>
                        <th>"Expires"</th>
                        <th>"State"</th>
                        <th>"Change"</th>
                    </tr>
                </thead>
                <tbody>
                    {empty.then(|| view! { <tr><td colspan="8">"No API tokens yet."</td></tr> })}
                    {data
                        .tokens
                        .into_iter()
                        .map(|t| view! { <TokenRow token=t csrf=data.csrf.clone() revoke/> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <ActionForm action=add attr:class="admin-form">
            <fieldset>
                <legend>"Create an API token"</legend>
                <input type="hidden" name="csrf" value=csrf/>
                <label for="token-name">"Token name"</label>
                <input id="token-name" name="name" type="text" required autocomplete="off" placeholder="pbx-1"/>
                <label for="token-scope">"Scope"</label>
                <select id="token-scope" name="scope">{code_options(TokenScope::ALL, Some(TokenScope::Ingest))}</select>
                <label for="token-valid-days">"Valid for (days, blank: no expiry)"</label>
                <input id="token-valid-days" name="valid_days" type="number" min="1" max="3650"/>
                <button type="submit">"Create token"</button>
            </fieldset>
        </ActionForm>
    }
}

#[component]
fn TokenRow(token: ApiTokenRow, csrf: String, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let label = format!("Revoke {}", token.name);
    view! {
        <tr>
            <td>{token.name.clone()}</td>
            <td title=token.scope.meaning()>{token.scope.label()}</td>
            <td>{token.created.clone()}</td>
            <td>{token.created_by.clone()}</td>
            <td>{token.last_used.clone().unwrap_or_else(|| "never".into())}</td>
            <td>{token.expires.clone().unwrap_or_else(|| "never".into())}</td>
            <td>{token.state.clone()}</td>
            <td>
                {token.live.then(|| view! {
                    <ActionForm action=revoke>
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="id" value=token.id/>
                        <button type="submit" class="secondary" aria-label=label.clone()>"Revoke"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
