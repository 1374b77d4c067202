//! CSV export: every row matching a list's filter and sort, streamed from the database in
//! chunks, so memory stays flat whatever the row count.

use super::list::{ListRequest, LogTable};
use super::render::RenderCtx;
use super::AppState;
use crate::auth::Exporter;
use crate::categories::with_log_table;
use crate::error::AppError;
use crate::list::Category;
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use tokio::sync::mpsc;

/// Bytes buffered before a chunk is sent to the client.
const CHUNK: usize = 64 * 1024;

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

/// A CSV export ready to stream: the suggested file name and the body.
pub struct CsvExport {
    pub file_name: String,
    pub body: tokio_stream::wrappers::ReceiverStream<Result<Bytes, std::io::Error>>,
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
    let req = ListRequest::from_query::<T>(raw_query, &ctx)?;
    let zone = ctx.zone.name().replace('/', "_");
    let file_name = format!("{}-{zone}.csv", T::CATEGORY.slug());
    let (tx, rx) = mpsc::channel(4);
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = write_rows::<T>(&state, &req, &ctx, &tx).await {
            tracing::error!(error = %e, "CSV export stopped");
            // The client sees a broken download rather than a silently short file.
            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
        }
    });
    Ok(CsvExport { file_name, body: tokio_stream::wrappers::ReceiverStream::new(rx) })
}

async fn write_rows<T: LogTable>(
    state: &AppState,
    req: &ListRequest,
    ctx: &RenderCtx,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), AppError> {
    let writer = || csv::Writer::from_writer(Vec::with_capacity(CHUNK + 16 * 1024));
    let mut out = writer();
    let header: Vec<&str> = T::SPEC.columns.iter().map(|c| c.label).collect();
    out.write_record(&header).map_err(|e| AppError::internal("csv", e))?;
    let (sql, values) = state.db.backend.build(&req.query.all());
    let mut rows = sqlx::query_with(&sql, values).fetch(&state.db.pool).map_err(AppError::from);
    while let Some(row) = rows.next().await {
        let row = T::read(&row?, ctx)?;
        let cells = T::cells(&row, ctx);
        out.write_record(cells.iter().map(|c| neutralise(&c.text).into_owned()))
            .map_err(|e| AppError::internal("csv", e))?;
        if out.get_ref().len() >= CHUNK {
            let full = std::mem::replace(&mut out, writer());
            let chunk = full.into_inner().map_err(|e| AppError::internal("csv", e))?;
            if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return Ok(()); // the client went away
            }
        }
    }
    let rest = out.into_inner().map_err(|e| AppError::internal("csv", e))?;
    let _ = tx.send(Ok(Bytes::from(rest))).await;
    Ok(())
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

    #[test]
    fn cells_are_quoted_as_csv_needs() {
        assert_eq!(line(&["a", "b"]), "a,b\n");
        assert_eq!(line(&["x,y", "say \"hi\""]), "\"x,y\",\"say \"\"hi\"\"\"\n");
        assert_eq!(line(&["two\nlines"]), "\"two\nlines\"\n");
        assert_eq!(line(&["=HYPERLINK(\"http://evil\")"]), "\"'=HYPERLINK(\"\"http://evil\"\")\"\n");
    }
}
