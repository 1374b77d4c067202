//! The overview (`/`): a window chooser kept in the URL (`?window=24h`), the call figures,
//! and bar charts drawn as SVG on the server. Each bar segment is a link to the list of its
//! rows, named for screen readers ("14:00 – 15:00, BUSY: 3 calls"), and told apart by a
//! pattern as well as a colour; a table under each chart gives the same numbers.

use crate::overview::{fetch_overview, BarChart, Comparison, Overview, Ranked, Window};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Home() -> impl IntoView {
    let query = use_query_map();
    let window = move || query.read().get(Window::PARAM).unwrap_or_default();
    let overview = Resource::new(window, fetch_overview);
    view! {
        <leptos_meta::Title text="Overview"/>
        <section class="page">
            <header class="page-head">
                <h1>"Overview"</h1>
                <p class="lead">
                    "The shape of the traffic: calls, console logins, SIP clients and messages. "
                    "Every bar leads to the rows behind it."
                </p>
            </header>
            <nav class="windows" aria-label="Window">
                {Window::ALL
                    .into_iter()
                    .map(|w| {
                        let current = move || {
                            let chosen = Window::from_slug(&window()).unwrap_or_default();
                            (chosen == w).then_some("page")
                        };
                        view! {
                            <a href=format!("/?{}={}", Window::PARAM, w.slug()) aria-current=current>
                                {w.label()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <Transition fallback=|| view! { <p class="status" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! { <Figures overview=o/> }.into_any(),
                        Err(e) => view! { <div class="error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Figures(overview: Overview) -> impl IntoView {
    let o = overview;
    let percent = |v: f64| format!("{v:.1} %");
    let seconds = |v: f64| crate::models::duration(v.round() as i64);
    view! {
        <p class="summary" role="status">{format!("{} · {}", o.window.label(), o.span)}</p>
        <div class="cards figures">
            <Figure title="ASR (answered direct calls)" value=o.asr show=percent/>
            <Figure title="ACD (mean answered call)" value=o.acd show=seconds/>
            <div class="card">
                <h2>"On line now"</h2>
                <p class="figure">
                    <a href=o.on_line.href.clone() aria-label=format!("{} accounts on line now", o.on_line.count)>
                        {o.on_line.count}
                    </a>
                </p>
                <p>"accounts registered"</p>
            </div>
        </div>
        <Chart chart=o.calls id="calls"/>
        <div class="columns">
            <Chart chart=o.failed_logins id="logins"/>
            <Chart chart=o.sip id="sip"/>
        </div>
        <div class="columns">
            <Ranking title="Secure messages by status" unit="messages" items=o.messages/>
            <Ranking title="Top accounts by calls" unit="calls" items=o.top_callers/>
            <Ranking title="Top accounts by failed calls" unit="failed calls" items=o.top_failing/>
        </div>
    }
}

/// A figure of the window and of the window before it.
#[component]
fn Figure(title: &'static str, value: Comparison, show: fn(f64) -> String) -> impl IntoView {
    let text = move |v: Option<f64>| v.map(show).unwrap_or_else(|| "–".to_owned());
    view! {
        <div class="card">
            <h2>{title}</h2>
            <p class="figure">{text(value.now)}</p>
            <p>{format!("window before: {}", text(value.before))}</p>
        </div>
    }
}

/// The fills of a chart's series, in order: a colour and a pattern each, so that the series
/// are told apart without colour too.
const FILLS: [(&str, &str); 6] = [
    ("#0b5cad", "solid"),
    ("#a4262c", "stripes"),
    ("#8a6d00", "dots"),
    ("#2f7d32", "cross"),
    ("#6b3fa0", "lines"),
    ("#5b6577", "waves"),
];

/// The `<pattern>` of series `index` in chart `id`.
fn pattern_id(id: &str, index: usize) -> String {
    format!("{id}-fill-{index}")
}

/// The drawing's width in its own units; it scales to the chart's width keeping its
/// proportions, so that the labels are not stretched.
const PLOT_WIDTH: f64 = 720.0;
const PLOT_HEIGHT: f64 = 180.0;

#[component]
fn Chart(chart: BarChart, id: &'static str) -> impl IntoView {
    let max = chart.bars.iter().map(|b| b.total()).max().unwrap_or(0).max(1);
    let width = PLOT_WIDTH;
    let slot = PLOT_WIDTH / chart.bars.len().max(1) as f64;
    // At most 12 labels, so that they never overlap.
    let label_every = chart.bars.len().div_ceil(12).max(1);
    let scale = move |n: u64| n as f64 * PLOT_HEIGHT / max as f64;
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    let unit = chart.unit.clone();
    let defs = (0..chart.series.len())
        .map(|i| {
            let (colour, kind) = FILLS[i % FILLS.len()];
            let marks = match kind {
                "stripes" => view! { <g><path d="M0,6 L6,0" stroke="#fff" stroke-width="1.5"/></g> }.into_any(),
                "dots" => view! { <g><circle cx="3" cy="3" r="1.2" fill="#fff"/></g> }.into_any(),
                "cross" => view! { <g><path d="M0,3 H6 M3,0 V6" stroke="#fff" stroke-width="1"/></g> }.into_any(),
                "lines" => view! { <g><path d="M0,1.5 H6 M0,4.5 H6" stroke="#fff" stroke-width="1"/></g> }.into_any(),
                "waves" => view! { <g><path d="M0,3 Q1.5,0 3,3 T6,3" stroke="#fff" fill="none" stroke-width="1"/></g> }
                    .into_any(),
                _ => ().into_any(),
            };
            view! {
                <pattern id=pattern_id(id, i) width="6" height="6" patternUnits="userSpaceOnUse">
                    <rect width="6" height="6" fill=colour/>
                    {marks}
                </pattern>
            }
        })
        .collect_view();
    let bars = chart
        .bars
        .iter()
        .enumerate()
        .map(|(index, bar)| {
            let x = index as f64 * slot;
            let mut top = PLOT_HEIGHT;
            let segments = bar
                .segments
                .iter()
                .enumerate()
                .filter(|(_, s)| s.count > 0)
                .map(|(series, s)| {
                    let height = scale(s.count);
                    top -= height;
                    let name = format!("{}, {}: {} {}", bar.interval, s.series, s.count, unit);
                    let title = name.clone();
                    view! {
                        <g>
                            <a href=s.href.clone() aria-label=name>
                                <title>{title}</title>
                                <rect
                                    x=x + slot * 0.1
                                    y=top
                                    width=slot * 0.8
                                    height=height
                                    fill=format!("url(#{})", pattern_id(id, series))
                                />
                            </a>
                        </g>
                    }
                })
                .collect_view();
            let label = (index % label_every == 0).then(|| {
                view! {
                    <g>
                        <text x=x + slot / 2.0 y=PLOT_HEIGHT + 16.0 text-anchor="middle" class="tick">
                            {bar.label.clone()}
                        </text>
                    </g>
                }
            });
            view! { <g>{segments}{label}</g> }
        })
        .collect_view();
    let legend = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, name)| {
            view! {
                <li>
                    <svg width="14" height="14" aria-hidden="true">
                        <rect width="14" height="14" fill=format!("url(#{})", pattern_id(id, i))/>
                    </svg>
                    {name.clone()}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="chart card" aria-labelledby=labelled_by>
            <h2 id=heading>{chart.title.clone()}</h2>
            <p class="axis">{format!("Highest bar: {max} {}", chart.unit)}</p>
            <svg
                class="bars"
                viewBox=format!("0 0 {width} {}", PLOT_HEIGHT + 22.0)
                role="group"
                aria-label=chart.title.clone()
            >
                <defs>{defs}</defs>
                <line x1="0" y1=PLOT_HEIGHT x2=width y2=PLOT_HEIGHT class="baseline"/>
                {bars}
            </svg>
            <ul class="legend-keys">{legend}</ul>
            <ChartTable chart/>
        </section>
    }
}

/// The chart's numbers as a table (its text equivalent), each count a link to its rows.
#[component]
fn ChartTable(chart: BarChart) -> impl IntoView {
    view! {
        <details class="chart-table">
            <summary>{format!("{} as a table", chart.title)}</summary>
            <table class="log-table">
                <caption>{chart.title.clone()}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Interval"</th>
                        {chart.series.iter().map(|s| view! { <th scope="col">{s.clone()}</th> }).collect_view()}
                        <th scope="col">"All"</th>
                    </tr>
                </thead>
                <tbody>
                    {chart
                        .bars
                        .into_iter()
                        .map(|bar| {
                            let total = bar.total();
                            view! {
                                <tr>
                                    <th scope="row">{bar.interval}</th>
                                    {bar
                                        .segments
                                        .into_iter()
                                        .map(|s| view! { <td><a href=s.href>{s.count}</a></td> })
                                        .collect_view()}
                                    <td>{total}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}

#[component]
fn Ranking(title: &'static str, unit: &'static str, items: Vec<Ranked>) -> impl IntoView {
    let empty = items.is_empty().then(|| view! { <p class="empty">"None in this window."</p> });
    view! {
        <section class="card ranking">
            <h2>{title}</h2>
            <ol>
                {items
                    .into_iter()
                    .map(|r| {
                        let name = format!("{}: {} {unit}", r.name, r.count);
                        view! {
                            <li>
                                <a href=r.href aria-label=name>{r.name}</a>
                                <span class="count">{r.count}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {empty}
        </section>
    }
}
