//! The accounts directory and one account's page: the support engineer's starting point.

use super::log_list::{CellView, LogList};
use crate::account::fetch_account;
use crate::list::Category;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AccountsPage() -> impl IntoView {
    view! { <LogList category=Category::Accounts/> }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let params = use_params_map();
    let overview = Resource::new(move || params.read().get("id").unwrap_or_default(), fetch_account);
    view! {
        <section class="page">
            <p class="crumbs">
                <a href="/accounts">"← Accounts"</a>
            </p>
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(o) => {
                            let a = o.account;
                            let title = if a.description.is_empty() { a.username.clone() } else { a.description.clone() };
                            view! {
                                <leptos_meta::Title text=title.clone()/>
                                <h1>{title}</h1>
                                <dl class="detail">
                                    <dt>"Id"</dt><dd>{a.id}</dd>
                                    <dt>"Username"</dt><dd>{a.username.clone()}</dd>
                                    <dt>"Description"</dt><dd>{a.description.clone()}</dd>
                                    <dt>"Phone Number"</dt><dd>{a.phone_number.clone()}</dd>
                                    <dt>"Group"</dt><dd>{a.group_name.clone()}</dd>
                                    <dt>"Platform"</dt><dd>{a.platform.map(|p| p.label()).unwrap_or_default()}</dd>
                                    <dt>"Last Seen"</dt><dd>{o.last_seen.unwrap_or_else(|| "never".into())}</dd>
                                    <dt>"Registered Now"</dt>
                                    <dd>
                                        {match o.online {
                                            Some(r) => format!("Yes, from {}:{} ({}) until {}", r.ip, r.port, r.useragent, r.expires),
                                            None => "No".to_owned(),
                                        }}
                                    </dd>
                                </dl>
                                <ActivityStrip days=o.activity/>
                                <section aria-labelledby="history">
                                    <h2 id="history">"History"</h2>
                                    <ul class="sections">
                                        {o.sections.into_iter().map(|s| view! {
                                            <li>
                                                <a href=s.href>{format!("{} ({})", s.title, s.total)}</a>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                                <section aria-labelledby="timeline">
                                    <h2 id="timeline">"Timeline"</h2>
                                    <p class="note">{format!("The latest events of every log, newest first; times in {}.", o.time_zone)}</p>
                                    <ol class="timeline">
                                        {o.timeline.into_iter().map(|e| view! {
                                            <li>
                                                <a href=e.href>{e.time}</a>
                                                <span class="log">{e.log}</span>
                                                <dl class="parts">
                                                    {e.summary.into_iter().map(|(label, cell)| view! {
                                                        <div class="part"><dt>{label}</dt><dd><CellView cell/></dd></div>
                                                    }).collect_view()}
                                                </dl>
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                </section>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The account's last 30 days at a glance: calls, failed calls and SIP errors per day, each a
/// bar (its height, for reading without colour) and a number, linking to the day's rows.
#[component]
fn ActivityStrip(days: Vec<crate::account::ActivityDay>) -> impl IntoView {
    const HEIGHT: f64 = 24.0;
    type Pick = fn(&crate::account::ActivityDay) -> &crate::overview::Ranked;
    let rows: [(&str, Pick); 3] =
        [("Calls", |d| &d.calls), ("Failed calls", |d| &d.failed), ("SIP errors", |d| &d.sip_errors)];
    let body = rows
        .into_iter()
        .map(|(title, pick)| {
            let max = days.iter().map(|d| pick(d).count).max().unwrap_or(0).max(1);
            let cells = days
                .iter()
                .map(|d| {
                    let r = pick(d);
                    if r.count == 0 {
                        return view! { <td class="zero">"0"</td> }.into_any();
                    }
                    let height = (r.count as f64 * HEIGHT / max as f64).max(2.0);
                    let name = format!("{title}, {}: {}", d.day, r.count);
                    view! {
                        <td>
                            <a href=r.href.clone() aria-label=name.clone() title=name>
                                <svg width="12" height=HEIGHT aria-hidden="true">
                                    <rect x="1" y=HEIGHT - height width="10" height=height/>
                                </svg>
                                <span class="n">{r.count}</span>
                            </a>
                        </td>
                    }
                    .into_any()
                })
                .collect_view();
            view! { <tr><th scope="row">{title}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <section aria-labelledby="activity">
            <h2 id="activity">"Last 30 days"</h2>
            <div class="table-wrap">
                <table class="activity">
                    <thead>
                        <tr>
                            <td></td>
                            {days.iter().map(|d| view! { <th scope="col">{d.day.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}
