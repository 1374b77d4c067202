//! Events in: a batch of records, as NDJSON or a JSON array, read into a category's row type
//! and stored all together or not at all. Nothing here lists a column: the fields a record
//! may carry, which are required, and what each may hold all follow from the row's
//! [`Record::COLUMNS`], so a column added to a `record!` is ingested without a line here.
//!
//! The rules (SPEC §5): field names are those of the API's GET items; the server assigns
//! `id` (accounts, upserted, carry theirs); derived fields (an account's `online`) are not
//! sent; times are integer UTC milliseconds or RFC 3339 strings; codes are the stored codes.
//! Text may be left out (empty), flags too (false), nullable fields too (null); everything
//! else is required. Every bad record is named by line and field, up to [`MAX_ERRORS`].

use crate::list::{Column, ColumnKind, Record};
use crate::models::UtcMillis;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

mod store;
pub use store::{forget_old_keys, receive, store, Accepted, AccountMatch, Batch, Rejected, StoredIds, IDEMPOTENCY_MS};

/// A database error that refuses a row (a CHECK, NOT NULL, foreign or unique key): the
/// sender's mistake, answered with 422, not a failure of the server.
pub fn refuses_row(error: &sqlx::Error) -> Option<String> {
    use sqlx::error::ErrorKind;
    let db = error.as_database_error()?;
    matches!(
        db.kind(),
        ErrorKind::CheckViolation
            | ErrorKind::NotNullViolation
            | ErrorKind::ForeignKeyViolation
            | ErrorKind::UniqueViolation
    )
    .then(|| format!("refused by the database: {}", db.message()))
}

/// The default largest body of a batch: 64 MiB.
pub const DEFAULT_LIMIT: usize = 64 * 1024 * 1024;
/// Errors reported for one batch, at most (the batch is refused either way).
pub const MAX_ERRORS: usize = 100;
/// The longest text a field may hold, in bytes.
pub const MAX_TEXT: usize = 65_536;

/// One bad record: where, which field (empty: the record as a whole), and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecordError {
    /// The line of an NDJSON body, or the position (from 1) of an item of a JSON array.
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl RecordError {
    fn new(line: usize, field: &str, message: impl Into<String>) -> RecordError {
        RecordError { line, field: field.to_owned(), message: message.into() }
    }
}

/// How a batch's body is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/x-ndjson`: one JSON object per line; blank lines are skipped.
    Ndjson,
    /// `application/json`: one array of objects.
    JsonArray,
}

impl BodyFormat {
    /// The format of a `Content-Type` value (parameters such as `charset` are ignored).
    pub fn from_content_type(value: &str) -> Option<BodyFormat> {
        let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Some(BodyFormat::Ndjson),
            "application/json" => Some(BodyFormat::JsonArray),
            _ => None,
        }
    }
}

/// A record of a batch: its line and its JSON object.
type Numbered = (usize, Map<String, Value>);

/// The records of a body, each with its line, as JSON objects; and the lines that are not.
fn objects(body: &[u8], format: BodyFormat) -> (Vec<Numbered>, Vec<RecordError>) {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    let mut take = |line: usize, parsed: Result<Value, String>| match parsed {
        Ok(Value::Object(map)) => objects.push((line, map)),
        Ok(_) => errors.push(RecordError::new(line, "", "a record must be a JSON object")),
        Err(message) => errors.push(RecordError::new(line, "", message)),
    };
    match format {
        BodyFormat::Ndjson => {
            for (index, line) in body.split(|b| *b == b'\n').enumerate() {
                if line.trim_ascii().is_empty() {
                    continue;
                }
                take(index + 1, serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}")));
            }
        }
        BodyFormat::JsonArray => match serde_json::from_slice::<Vec<Value>>(body) {
            Ok(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    take(index + 1, Ok(item));
                }
            }
            Err(e) => errors.push(RecordError::new(e.line(), "", format!("not a JSON array of objects: {e}"))),
        },
    }
    if objects.is_empty() && errors.is_empty() {
        errors.push(RecordError::new(0, "", "the batch has no records"));
    }
    (objects, errors)
}

/// Checks (and for times, normalises to milliseconds) one present field's value.
fn check_value(column: &Column, value: &mut Value) -> Result<(), String> {
    if value.is_null() {
        return if column.nullable { Ok(()) } else { Err("must not be null".into()) };
    }
    match (column.kind, &*value) {
        (ColumnKind::Integer, v) if v.is_i64() => Ok(()),
        (ColumnKind::Integer, _) => Err("expected an integer".into()),
        (ColumnKind::Text, Value::String(s)) if s.len() <= MAX_TEXT => Ok(()),
        (ColumnKind::Text, Value::String(_)) => Err(format!("longer than {MAX_TEXT} bytes")),
        (ColumnKind::Text, _) => Err("expected a string".into()),
        (ColumnKind::Flag, Value::Bool(_)) => Ok(()),
        (ColumnKind::Flag, _) => Err("expected true or false".into()),
        (ColumnKind::Time, v) if v.is_i64() => Ok(()),
        (ColumnKind::Time, Value::String(s)) => {
            *value = UtcMillis::parse_rfc3339(s)?.0.into();
            Ok(())
        }
        (ColumnKind::Time, _) => Err("expected integer UTC milliseconds or an RFC 3339 string".into()),
        (ColumnKind::Code(list), Value::String(s)) if list.codes.iter().any(|c| c.code == s) => Ok(()),
        (ColumnKind::Code(list), v) => {
            let codes: Vec<&str> = list.codes.iter().map(|c| c.code).collect();
            Err(format!("{v} is not a known {}; one of {}", list.name, codes.join(", ")))
        }
    }
}

/// What a field not sent stands for: `None` when it must be sent.
fn absent_value(column: &Column, written: bool) -> Option<Value> {
    match column.kind {
        _ if column.nullable => Some(Value::Null),
        ColumnKind::Text => Some(Value::from("")),
        ColumnKind::Flag => Some(Value::Bool(false)),
        // Not written (the id the server assigns, a derived field): any value of its type.
        ColumnKind::Integer | ColumnKind::Time if !written => Some(Value::from(0)),
        ColumnKind::Code(list) if !written => list.codes.first().map(|c| Value::from(c.code)),
        _ => None,
    }
}

/// Must a record carry this field? (What may be left out is listed in the module's doc.)
pub fn required(column: &Column, with_id: bool) -> bool {
    column.is_written(with_id) && absent_value(column, true).is_none()
}

/// Does a batch of `category` carry its own ids (and update the rows that have them)?
pub fn upserts(category: crate::list::Category) -> bool {
    category == crate::list::Category::Accounts
}

/// One record into `R`, or the problems of each of its fields.
fn record<R: Record + DeserializeOwned>(
    line: usize,
    mut object: Map<String, Value>,
    with_id: bool,
) -> Result<R, Vec<RecordError>> {
    let mut errors = Vec::new();
    for (field, value) in object.iter_mut() {
        let problem = match R::COLUMNS.iter().find(|c| c.name == field) {
            None => Some(format!(
                "unknown field; the fields are {}",
                R::COLUMNS.iter().filter(|c| c.is_written(with_id)).map(|c| c.name).collect::<Vec<_>>().join(", ")
            )),
            Some(c) if c.name == Column::ID && !with_id => Some("the server assigns ids; leave it out".into()),
            Some(c) if !c.stored => Some("the console derives it; leave it out".into()),
            Some(c) => check_value(c, value).err(),
        };
        errors.extend(problem.map(|m| RecordError::new(line, field, m)));
    }
    for column in R::COLUMNS {
        if object.contains_key(column.name) {
            continue;
        }
        match absent_value(column, column.is_written(with_id)) {
            Some(value) => {
                object.insert(column.name.to_owned(), value);
            }
            None => errors.push(RecordError::new(line, column.name, "required")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| vec![RecordError::new(line, "", e.to_string())])
}

/// Reads a batch into rows of `R`: every record, or every problem (up to [`MAX_ERRORS`]).
/// CPU work: call it off the async threads.
pub fn parse<R: Record + DeserializeOwned>(
    body: &[u8],
    format: BodyFormat,
    with_id: bool,
) -> Result<Parsed<R>, Vec<RecordError>> {
    let (objects, mut errors) = objects(body, format);
    let mut rows = Vec::with_capacity(objects.len());
    let mut lines = Vec::with_capacity(objects.len());
    for (line, object) in objects {
        match record::<R>(line, object, with_id) {
            Ok(row) => {
                rows.push(row);
                lines.push(line);
            }
            Err(e) if errors.len() < MAX_ERRORS => errors.extend(e),
            Err(_) => {}
        }
    }
    errors.sort_by_key(|e| e.line);
    errors.truncate(MAX_ERRORS);
    if errors.is_empty() {
        Ok(Parsed { rows, lines })
    } else {
        Err(errors)
    }
}

/// A batch's rows, and the line each came from (to name a row the database refuses).
#[derive(Debug)]
pub struct Parsed<R> {
    pub rows: Vec<R>,
    pub lines: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::accounts::Account;
    use crate::categories::cdr::Cdr;
    use crate::codes::Disposition;

    const CDR: &str = r#"{"call_date":"2026-11-22T12:00:00.250+01:00","caller_number":"+3912","callee_number":"+3934","total_duration":12,"call_duration":10,"disposition":"ANSWERED","call_id":"c1","call_type":"CALL"}"#;

    #[test]
    fn a_record_reads_with_defaults_and_rfc3339_times() {
        let rows = parse::<Cdr>(format!("{CDR}\n\n{CDR}\n").as_bytes(), BodyFormat::Ndjson, false).unwrap();
        assert_eq!(rows.lines, vec![1, 3]);
        let rows = rows.rows;
        assert_eq!(rows[0].call_date, UtcMillis(1_795_345_200_250));
        assert_eq!(rows[0].caller_name, "", "text left out is empty");
        assert_eq!(rows[0].hangup_cause, None, "nullable left out is null");
        assert_eq!(rows[0].disposition, Disposition::Answered);
        let array = parse::<Cdr>(format!("[{CDR},{CDR}]").as_bytes(), BodyFormat::JsonArray, false).unwrap();
        assert_eq!(array.rows, rows);
    }

    #[test]
    fn every_bad_record_is_named_by_line_and_field() {
        let bad_code = CDR.replace("ANSWERED", "PICKED_UP");
        let no_time = CDR.replace(r#""call_date":"2026-11-22T12:00:00.250+01:00","#, "");
        let extra = CDR.replace('{', r#"{"id":5,"colour":"red","#);
        let body = format!("{CDR}\n{bad_code}\nnot json\n{no_time}\n{extra}\n[1]\n");
        let errors = parse::<Cdr>(body.as_bytes(), BodyFormat::Ndjson, false).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(found, vec![(2, "disposition"), (3, ""), (4, "call_date"), (5, "colour"), (5, "id"), (6, "")]);
        assert!(errors[0].message.contains("one of ANSWERED"), "{}", errors[0].message);
    }

    #[test]
    fn accounts_carry_their_ids_and_no_derived_fields() {
        let ok = parse::<Account>(br#"{"id":7,"username":"anna"}"#, BodyFormat::Ndjson, true).unwrap().rows;
        assert_eq!((ok[0].id, ok[0].username.as_str()), (7, "anna"));
        let errors = parse::<Account>(br#"{"username":"anna","online":true}"#, BodyFormat::Ndjson, true).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["online", "id"]);
    }

    #[test]
    fn content_types() {
        assert_eq!(BodyFormat::from_content_type("application/x-ndjson"), Some(BodyFormat::Ndjson));
        assert_eq!(BodyFormat::from_content_type("Application/JSON; charset=utf-8"), Some(BodyFormat::JsonArray));
        assert_eq!(BodyFormat::from_content_type("text/csv"), None);
    }
}
