//! Progress of long commands (`pslog import`, `pslog copy`): a bar on a terminal, nothing
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
