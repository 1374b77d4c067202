//! Progress of long commands (`pslog import`, `pslog copy`, `pslog demo`): a bar on a terminal, nothing
//! elsewhere (their one-line summaries say what was done).

use std::io::IsTerminal;

/// What a bar counts.
#[derive(Clone, Copy, Debug)]
pub enum Counts {
    Bytes,
    Rows,
}

/// A bar of `len` units labelled `label`; hidden when standard error is not a terminal.
pub fn bar(len: u64, label: &str, counts: Counts) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let amount = match counts {
        Counts::Bytes => "{bytes}/{total_bytes}",
        Counts::Rows => "{pos}/{len} rows",
    };
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(&format!("{{msg:>20}} [{{bar:40}}] {amount} ({{eta}})"))
        .expect("a valid template")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_owned());
    bar
}

/// A running count of rows written, for work whose total is not known in advance (the
/// demo's logs follow from its generators); hidden when standard error is not a terminal.
pub fn counter(label: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    let style = indicatif::ProgressStyle::with_template("{spinner} {msg}: {human_pos} rows written ({elapsed})")
        .expect("a valid template");
    bar.set_style(style);
    bar.set_message(label.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}
