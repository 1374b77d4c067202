//! CSV export: every row matching a list's filter and sort, streamed from the database in
//! chunks, so memory stays flat whatever the row count.
//!
//! An export holds a database connection for as long as its client downloads, so exports are
//! bounded ([`ExportSlots`]): [`EXPORTS_AT_ONCE`] in all (the size of their own pool, apart
//! from the one pages use) and [`EXPORTS_PER_USER`] per user; one more is answered 429. A
//! client that stops reading for [`IDLE_WRITE_TIMEOUT`] loses its export, and its download
//! ends in an error rather than as a silently short file.

use super::list::{ListRequest, LogTable};
use super::render::RenderCtx;
use super::AppState;
use crate::auth::Exporter;
use crate::categories::with_log_table;
use crate::error::AppError;
use crate::list::Category;
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

/// Bytes buffered before a chunk is sent to the client.
const CHUNK: usize = 64 * 1024;
/// Exports running at once, in all.
pub const EXPORTS_AT_ONCE: usize = 4;
/// Exports running at once for one user (or API token).
pub const EXPORTS_PER_USER: u32 = 2;
/// A client that takes no bytes for this long loses its export.
pub const IDLE_WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// The exports running now (see the module).
#[derive(Debug)]
pub struct ExportSlots {
    all: Arc<Semaphore>,
    per_user: Mutex<HashMap<String, u32>>,
}

impl Default for ExportSlots {
    fn default() -> ExportSlots {
        ExportSlots { all: Arc::new(Semaphore::new(EXPORTS_AT_ONCE)), per_user: Mutex::default() }
    }
}

/// One running export; dropping it frees its slots.
pub struct ExportSlot {
    _any: OwnedSemaphorePermit,
    user: String,
    slots: Arc<ExportSlots>,
}

impl ExportSlots {
    /// A slot for `user`'s export, or a 429 that says which limit was met.
    pub fn take(self: &Arc<Self>, user: &str) -> Result<ExportSlot, AppError> {
        let mut per_user = self.per_user.lock().unwrap_or_else(|e| e.into_inner());
        if per_user.get(user).is_some_and(|running| *running >= EXPORTS_PER_USER) {
            return Err(AppError::TooManyRequests(format!(
                "You already have {EXPORTS_PER_USER} exports running; wait for one to finish."
            )));
        }
        let any = self.all.clone().try_acquire_owned().map_err(|_| {
            AppError::TooManyRequests("The console is running as many exports as it can; try again shortly.".into())
        })?;
        *per_user.entry(user.to_owned()).or_insert(0) += 1;
        Ok(ExportSlot { _any: any, user: user.to_owned(), slots: self.clone() })
    }
}

impl Drop for ExportSlot {
    fn drop(&mut self) {
        let mut per_user = self.slots.per_user.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = per_user.get_mut(&self.user) {
            *running = running.saturating_sub(1);
            if *running == 0 {
                per_user.remove(&self.user);
            }
        }
    }
}

/// Makes a cell safe to open in a spreadsheet: a cell that starts with a control character
/// (tab, carriage return, NUL, ...), or whose first character after blanks and control
/// characters is `=`, `+`, `-`, `@` or their full-width forms, could be run as a formula, so
/// it gets a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    // Spreadsheets skip leading blanks and control characters before reading a formula, and
    // some take the full-width signs for the ASCII ones (OWASP, "CSV Injection").
    let starts_control = cell.starts_with(|c: char| c.is_control());
    let first_seen = cell.trim_start_matches(|c: char| c.is_whitespace() || c.is_control()).chars().next();
    let formula = matches!(first_seen, Some('=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'));
    if starts_control || formula {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The bytes of an export; it ends in an error unless every row was written.
pub type CsvBody = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// A CSV export ready to stream: the suggested file name and the body.
pub struct CsvExport {
    pub file_name: String,
    pub body: CsvBody,
}

/// Validates the query (a bad one fails here, before any byte is sent) and starts streaming.
/// Only an [`Exporter`] (auditor or admin) may export.
pub async fn export(
    state: &AppState,
    exporter: &Exporter,
    category: Category,
    raw_query: &str,
) -> Result<CsvExport, AppError> {
    with_log_table!(category, T => export_of::<T>(state, exporter, raw_query).await)
}

async fn export_of<T: LogTable>(state: &AppState, exporter: &Exporter, raw_query: &str) -> Result<CsvExport, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(exporter.caller());
    let req = ListRequest::from_query::<T>(raw_query, &ctx, state.db.backend)?;
    let slot = state.exports.take(&exporter.caller().username)?;
    let zone = ctx.zone.name().replace('/', "_");
    let file_name = format!("{}-{zone}.csv", T::CATEGORY.slug());
    let (tx, rx) = mpsc::channel(4);
    let state = state.clone();
    let complete = Arc::new(AtomicBool::new(false));
    let writer_complete = complete.clone();
    let exporter = exporter.caller().clone();
    tokio::spawn(async move {
        let _slot = slot;
        let mut sent = 0;
        let ending = match write_rows::<T>(&state, &req, &ctx, &tx, &mut sent).await {
            Ok(Written::All) => {
                writer_complete.store(true, Ordering::SeqCst);
                None
            }
            Ok(Written::ClientGone) => Some("the client left".to_owned()),
            Ok(Written::ClientIdle) => {
                tracing::warn!("CSV export stopped: the client took nothing for a minute");
                Some("the client took nothing for a minute".to_owned())
            }
            Err(e) => {
                tracing::error!(error = %e, "CSV export stopped");
                Some("an error on the server".to_owned())
            }
        };
        // Drop the body's sender first: the client's download ends now, not after the journal.
        drop(tx);
        let what = ExportRecord { title: T::SPEC.title, filters: req.active_filters(), rows: sent, stopped: ending };
        if let Err(e) = what.journal(&state, &exporter).await {
            tracing::error!(error = %e, "the CSV export could not be logged");
        }
    });
    Ok(CsvExport { file_name, body: body(rx, complete) })
}

/// The chunks, then an error unless the writer said it wrote every row (`complete`), so the
/// client sees a broken download rather than a silently short file.
fn body(rx: mpsc::Receiver<Result<Bytes, std::io::Error>>, complete: Arc<AtomicBool>) -> CsvBody {
    let ending = futures::stream::once(async move {
        (!complete.load(Ordering::SeqCst)).then(|| Err(std::io::Error::other("the export stopped before its end")))
    })
    .filter_map(futures::future::ready);
    Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx).chain(ending))
}

/// How a stream of rows ended.
#[derive(Debug, PartialEq, Eq)]
enum Written {
    All,
    ClientGone,
    ClientIdle,
}

/// Hands a chunk to the response, waiting at most `idle` for the client to take the earlier
/// ones; `Err` tells why the export must stop.
async fn send(tx: &mpsc::Sender<Result<Bytes, std::io::Error>>, chunk: Vec<u8>, idle: Duration) -> Result<(), Written> {
    match tx.send_timeout(Ok(Bytes::from(chunk)), idle).await {
        Ok(()) => Ok(()),
        Err(mpsc::error::SendTimeoutError::Timeout(_)) => Err(Written::ClientIdle),
        Err(mpsc::error::SendTimeoutError::Closed(_)) => Err(Written::ClientGone),
    }
}

/// Writes the rows to `tx` in chunks; `sent` counts the rows of the chunks handed over.
async fn write_rows<T: LogTable>(
    state: &AppState,
    req: &ListRequest,
    ctx: &RenderCtx,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
    sent: &mut u64,
) -> Result<Written, AppError> {
    let mut in_chunk = 0;
    let writer = || csv::Writer::from_writer(Vec::with_capacity(CHUNK + 16 * 1024));
    let mut out = writer();
    let header: Vec<&str> = T::SPEC.columns.iter().map(|c| c.label).collect();
    out.write_record(&header).map_err(|e| AppError::internal("csv", e))?;
    let (sql, values) = state.db.backend.build(&req.query.all());
    let mut rows = sqlx::query_with(&sql, values).fetch(&state.db.exports).map_err(AppError::from);
    while let Some(row) = rows.next().await {
        let row = T::read(&row?, ctx)?;
        let cells = T::cells(&row, ctx);
        out.write_record(cells.iter().map(|c| neutralise(&c.text).into_owned()))
            .map_err(|e| AppError::internal("csv", e))?;
        in_chunk += 1;
        if out.get_ref().len() >= CHUNK {
            let full = std::mem::replace(&mut out, writer());
            let chunk = full.into_inner().map_err(|e| AppError::internal("csv", e))?;
            if let Err(stop) = send(tx, chunk, IDLE_WRITE_TIMEOUT).await {
                return Ok(stop);
            }
            *sent += std::mem::take(&mut in_chunk);
        }
    }
    let rest = out.into_inner().map_err(|e| AppError::internal("csv", e))?;
    Ok(match send(tx, rest, IDLE_WRITE_TIMEOUT).await {
        Ok(()) => {
            *sent += in_chunk;
            Written::All
        }
        Err(stop) => stop,
    })
}

/// What one export gave out, for the Security Event that records it (SPEC §11): who (the
/// console user, or `token:<name>`, and the address), which list, which filters, how many
/// rows, and whether it stopped before its end.
struct ExportRecord {
    title: &'static str,
    filters: Vec<crate::list::Chip>,
    rows: u64,
    /// Why it stopped before its last row, if it did.
    stopped: Option<String>,
}

impl ExportRecord {
    fn description(&self) -> String {
        let filters = match self.filters.is_empty() {
            true => "no filter".to_owned(),
            false => self.filters.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join("; "),
        };
        let rows = if self.rows == 1 { "1 row".to_owned() } else { format!("{} rows", self.rows) };
        match &self.stopped {
            None => format!("CSV export of {}: {rows}; {filters}", self.title),
            Some(why) => format!("CSV export of {} stopped ({why}) after {rows}; {filters}", self.title),
        }
    }

    async fn journal(&self, state: &AppState, exporter: &crate::auth::Caller) -> Result<(), AppError> {
        let at = chrono::Utc::now().timestamp_millis();
        let mut tx = state.db.begin().await?;
        let kind = crate::codes::SecurityEventType::DataExport;
        crate::auth::journal::security(&mut tx, at, kind, &self.description(), &exporter.username, &exporter.ip)
            .await?;
        Ok(tx.commit().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned())).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn formula_cells_are_neutralised() {
        let bad_ones = [
            "=1+1",
            "+33",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "\0=1+1",
            "  =1+1",
            "\u{3000}=1",
            "\u{FF1D}1+1",
            "\u{FF0B}1",
            "\u{FF0D}1",
            "\u{FF20}A1",
            "\n=x",
        ];
        for bad in bad_ones {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("admin"), "admin");
        assert_eq!(neutralise(""), "");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(neutralise(" admin"), " admin");
        assert_eq!(neutralise("+39 055 123"), "'+39 055 123", "a phone number reads as text, not a sum");
    }

    #[tokio::test]
    async fn a_client_that_stops_reading_loses_its_export_and_sees_an_error() {
        let (tx, rx) = mpsc::channel(1);
        let idle = Duration::from_millis(50);
        assert_eq!(send(&tx, b"a,b\n".to_vec(), idle).await, Ok(()));
        assert_eq!(send(&tx, b"c,d\n".to_vec(), idle).await, Err(Written::ClientIdle), "nobody took the first");
        drop(tx);
        let chunks: Vec<_> = body(rx, Arc::new(AtomicBool::new(false))).collect().await;
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].as_ref().unwrap().as_ref(), b"a,b\n");
        assert!(chunks[1].is_err(), "the download breaks rather than ending short");
        let (tx, rx) = mpsc::channel(1);
        send(&tx, b"a,b\n".to_vec(), idle).await.unwrap();
        drop(tx);
        let whole: Vec<_> = body(rx, Arc::new(AtomicBool::new(true))).collect().await;
        assert_eq!(whole.len(), 1, "a complete export ends cleanly");
        let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(1);
        drop(rx);
        assert_eq!(send(&tx, vec![], idle).await, Err(Written::ClientGone));
    }

    #[test]
    fn exports_are_capped_per_user_and_in_all() {
        let slots = Arc::new(ExportSlots::default());
        let mine: Vec<_> = (0..EXPORTS_PER_USER).map(|_| slots.take("auditor").unwrap()).collect();
        let refused = slots.take("auditor").err().unwrap();
        assert!(refused.to_string().contains("already have 2 exports running"), "{refused}");
        let theirs = slots.take("admin").unwrap();
        let more = slots.take("other").unwrap();
        let full = slots.take("third").err().unwrap();
        assert!(full.to_string().contains("as many exports as it can"), "{full}");
        drop(mine);
        drop((theirs, more));
        assert!(slots.take("auditor").is_ok(), "finished exports free their slots");
        assert!(slots.per_user.lock().unwrap().is_empty());
    }

    #[test]
    fn cells_are_quoted_as_csv_needs() {
        assert_eq!(line(&["a", "b"]), "a,b\n");
        assert_eq!(line(&["x,y", "say \"hi\""]), "\"x,y\",\"say \"\"hi\"\"\"\n");
        assert_eq!(line(&["two\nlines"]), "\"two\nlines\"\n");
        assert_eq!(line(&["=HYPERLINK(\"http://evil\")"]), "\"'=HYPERLINK(\"\"http://evil\"\")\"\n");
    }
}
