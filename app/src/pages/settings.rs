//! The Settings page (admins only): appliance time zone, CDR masking policy, CDR retention,
//! the CEF lines' header and device fields, and the state of CEF forwarding.
//! A non-admin who opens it gets the server's refusal (403), not a form.

use crate::codes::{CodeSet, MaskingPolicy, RetentionPeriod};
use crate::forwarding::{fetch_forwarding, ForwardingView};
use crate::settings::{fetch_settings, SettingsForm as Data, UpdateSettings, MAX_RETENTION_COUNT};
use leptos::prelude::*;

/// `<option>`s of a code set, its code as value and text, its meaning as tooltip.
pub fn code_options<C: CodeSet + PartialEq>(all: &'static [C], selected: Option<C>) -> impl IntoView {
    all.iter()
        .map(|c| {
            let info = c.info();
            view! { <option value=info.code title=info.meaning selected=Some(*c) == selected>{info.label}</option> }
        })
        .collect_view()
}

/// The outcome of a form's server action: what changed, or why nothing did.
pub fn outcome<T, S>(value: S, text: fn(T) -> String) -> impl IntoView
where
    S: Get<Value = Option<Result<T, crate::error::AppError>>> + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    move || {
        value.get().map(|r| match r {
            Ok(v) => view! { <p class="notice" role="status">{text(v)}</p> }.into_any(),
            Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
        })
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<UpdateSettings>::new();
    let data = Resource::new(move || save.version().get(), |_| fetch_settings());
    view! {
        <leptos_meta::Title text="Settings"/>
        <section class="page">
            <h1>"Settings"</h1>
            <p class="lead">"Appliance settings. Every change is written to Auditing and Security Events."</p>
            {outcome(save.value(), |changes: Vec<String>| {
                if changes.is_empty() { "Nothing changed.".to_owned() } else { format!("Saved: {}.", changes.join("; ")) }
            })}
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        // Only for whom the settings opened: the forwarding state is the admin's too.
                        Ok(d) => view! { <SettingsForm data=d save/> <Forwarding/> }.into_any(),
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SettingsForm(data: Data, save: ServerAction<UpdateSettings>) -> impl IntoView {
    let s = data.settings;
    view! {
        <ActionForm action=save attr:class="admin-form">
            <input type="hidden" name="csrf" value=data.csrf/>
            <fieldset>
                <legend>"Time"</legend>
                <label for="time_zone">"Appliance time zone"</label>
                <input id="time_zone" name="time_zone" list="zones" value=s.time_zone required autocomplete="off"/>
                <datalist id="zones">{data.zones.into_iter().map(|z| view! { <option value=z/> }).collect_view()}</datalist>
                <p class="hint">"Every timestamp on every page and export is shown in this zone (an IANA name such as Europe/Rome)."</p>
            </fieldset>
            <fieldset>
                <legend>"Call detail records"</legend>
                <label for="cdr_masking">"CDR masking policy"</label>
                <select id="cdr_masking" name="cdr_masking">{code_options(MaskingPolicy::ALL, Some(s.cdr_masking))}</select>
                <p class="hint">"MASK hides the middle digits of phone numbers in CDR lists, details, account pages and exports."</p>
                <label for="cdr_retention_count">"CDR retention count"</label>
                <input
                    id="cdr_retention_count"
                    name="cdr_retention_count"
                    type="number"
                    min="0"
                    max=MAX_RETENTION_COUNT
                    value=s.cdr_retention_count
                    required
                />
                <label for="cdr_retention_period">"CDR retention period"</label>
                <select id="cdr_retention_period" name="cdr_retention_period">
                    {code_options(RetentionPeriod::ALL, Some(s.cdr_retention_period))}
                </select>
                <p class="hint">
                    "CDRs older than the retention are purged every minute. 0 DAY is the No-CDR option: "
                    "direct calls are not recorded; conferences and three-way calls still are."
                </p>
            </fieldset>
            <fieldset>
                <legend>"SIEM (CEF)"</legend>
                {crate::cef::IDENTITY_FIELDS
                    .iter()
                    .map(|field| {
                        let id = field.column;
                        let name = format!("cef[{}]", field.key);
                        let value = (field.get)(&s.cef).clone();
                        view! {
                            <label for=id>{field.label}</label>
                            <input
                                id=id
                                name=name
                                value=value
                                required=!field.optional
                                maxlength=crate::cef::MAX_IDENTITY_LEN
                                autocomplete="off"
                            />
                        }
                    })
                    .collect_view()}
                <p class="hint">
                    "The header (vendor, product, version) and the device fields of the CEF line of every Security Event, "
                    "as shown in its Details and sent to the SIEM."
                </p>
            </fieldset>
            <button type="submit">"Save settings"</button>
        </ActionForm>
    }
}

/// Where CEF forwarding has got to: the cursor, what waits, the last error.
#[component]
fn Forwarding() -> impl IntoView {
    let state = Resource::new(|| (), |_| fetch_forwarding());
    view! {
        <section aria-labelledby="forwarding-title">
            <h2 id="forwarding-title">"CEF forwarding"</h2>
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(f) => forwarding_view(f).into_any(),
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn forwarding_view(f: ForwardingView) -> impl IntoView {
    let Some(target) = f.target else {
        return view! {
            <p class="hint">
                "Not forwarding. Start the server with --forward-cef tcp://HOST:PORT (or PSLOG_FORWARD_CEF) "
                "to send every Security Event to a SIEM."
            </p>
        }
        .into_any();
    };
    let never = || "never".to_owned();
    let state = if f.stopped { "Stopped: the receiver cannot be reached; events wait" } else { "Running" };
    view! {
        <dl class="facts" aria-label="CEF forwarding state">
            <dt>"Destination"</dt><dd>{target}</dd>
            <dt>"State"</dt><dd>{state}</dd>
            <dt>"Last event sent"</dt><dd>{format!("#{}", f.last_sent_id)}</dd>
            <dt>"Waiting to be sent"</dt><dd>{f.lag}</dd>
            <dt>"Last sent at"</dt><dd>{f.last_sent_at.unwrap_or_else(never)}</dd>
            <dt>"Last error"</dt>
            <dd>{match (f.last_error, f.last_error_at) {
                (Some(e), Some(at)) => format!("{e} ({at})"),
                (Some(e), None) => e,
                _ => "none".to_owned(),
            }}</dd>
        </dl>
    }
    .into_any()
}
