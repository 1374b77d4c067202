//! The Console users page (admins only): every user with their role and state, a form to add
//! one, and per user: change role, enable or disable, reset password; then the API tokens
//! machines use ([`ApiTokensSection`]). Each change is audited.

use super::api_tokens::ApiTokensSection;
use super::settings::{code_options, outcome};
use crate::codes::Role;
use crate::console_users::{
    list_console_users, AddConsoleUser, ChangeConsoleUser, ConsoleUser, ConsoleUsersList as Data,
};
use leptos::prelude::*;

#[component]
pub fn ConsoleUsersPage() -> impl IntoView {
    let add = ServerAction::<AddConsoleUser>::new();
    let change = ServerAction::<ChangeConsoleUser>::new();
    let data = Resource::new(move || (add.version().get(), change.version().get()), |_| list_console_users());
    view! {
        <leptos_meta::Title text="Console users"/>
        <section class="page">
            <h1>"Console users"</h1>
            <p class="lead">
                "Who may log in to this console. Admins do everything; auditors read and export every log; "
                "support reads every log. Every change is written to Auditing and Security Events."
            </p>
            {outcome(add.value(), |s: String| s)}
            {outcome(change.value(), |s: String| s)}
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <UserTable data=d add change/> }.into_any(),
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
            <ApiTokensSection/>
        </section>
    }
}

#[component]
fn UserTable(data: Data, add: ServerAction<AddConsoleUser>, change: ServerAction<ChangeConsoleUser>) -> impl IntoView {
    let csrf = data.csrf.clone();
    // The wrapper scrolls a wide table sideways: focusable, so that the keyboard can scroll it.
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Table of console users">
            <table class="log-table">
                <thead>
                    <tr>
                        <th>"Username"</th>
                        <th>"Role"</th>
                        <th>"Status"</th>
                        <th>"Password expires"</th>
                        <th>"Created"</th>
                        <th>"Change"</th>
                    </tr>
                </thead>
                <tbody>
                    {data
                        .users
                        .into_iter()
                        .map(|u| view! { <UserRow user=u csrf=data.csrf.clone() change/> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <ActionForm action=add attr:class="admin-form">
            <fieldset>
                <legend>"Add a console user"</legend>
                <input type="hidden" name="csrf" value=csrf/>
                <label for="new-username">"Username"</label>
                <input id="new-username" name="username" type="text" required autocomplete="off"/>
                <label for="new-role">"Role"</label>
                <select id="new-role" name="role">{code_options(Role::ALL, Some(Role::Support))}</select>
                <label for="new-password">"Password"</label>
                <input id="new-password" name="password" type="password" required autocomplete="new-password"/>
                <label for="new-valid-days">"Password valid for (days, blank: no expiry)"</label>
                <input id="new-valid-days" name="valid_days" type="number" min="1" max="3650"/>
                <button type="submit">"Add user"</button>
            </fieldset>
        </ActionForm>
    }
}

#[component]
fn UserRow(user: ConsoleUser, csrf: String, change: ServerAction<ChangeConsoleUser>) -> impl IntoView {
    // Copy handles, so that each form's children can read them.
    let name = StoredValue::new(user.username.clone());
    let csrf = StoredValue::new(csrf);
    let hidden = move || {
        view! {
            <input type="hidden" name="csrf" value=csrf.get_value()/>
            <input type="hidden" name="username" value=name.get_value()/>
        }
    };
    let label = move |what: &str| format!("{what} {}", name.get_value());
    let status = match (user.enabled, user.password_expired) {
        (false, _) => "disabled",
        (true, true) => "password expired",
        (true, false) => "enabled",
    };
    let (toggle, toggle_text) = if user.enabled { ("disable", "Disable") } else { ("enable", "Enable") };
    view! {
        <tr>
            <td>{user.username.clone()}</td>
            <td>{user.role.label()}</td>
            <td>{status}</td>
            <td>{user.password_expires.clone().unwrap_or_else(|| "never".into())}</td>
            <td>{user.created.clone()}</td>
            <td class="user-actions">
                <ActionForm action=change>
                    {hidden()}
                    <input type="hidden" name="action" value="role"/>
                    <select name="role" aria-label=label("Role of")>{code_options(Role::ALL, Some(user.role))}</select>
                    <button type="submit" class="secondary" aria-label=label("Change role of")>"Change role"</button>
                </ActionForm>
                <ActionForm action=change>
                    {hidden()}
                    <input type="hidden" name="action" value=toggle/>
                    <button type="submit" class="secondary" aria-label=label(toggle_text)>{toggle_text}</button>
                </ActionForm>
                <ActionForm action=change>
                    {hidden()}
                    <input type="hidden" name="action" value="password"/>
                    <input
                        type="password"
                        name="password"
                        autocomplete="new-password"
                        aria-label=label("New password for")
                        placeholder="new password"
                    />
                    <input
                        type="number"
                        name="valid_days"
                        min="1"
                        max="3650"
                        aria-label=label("Days valid, new password of")
                        placeholder="days"
                    />
                    <button type="submit" class="secondary" aria-label=label("Reset password of")>"Reset password"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
