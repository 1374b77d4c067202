//! Server side of [`crate::list::Record`]: rows decoded by column name, the values of an
//! insert, and columns as sea-query identifiers, so that SQL names them by their declaration.

use crate::codes::{CodeInfo, CodeSet};
use crate::error::AppError;
use crate::list::{Column, Record};
use crate::models::UtcMillis;
use sea_query::{Alias, InsertStatement, Query, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A [`Record`] the database stores: what [`crate::record!`] implements on the server.
pub trait Stored: Record + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + Sized + 'static {
    /// Reads a row selected with (at least) [`Record::COLUMNS`], by their names.
    fn decode(row: &AnyRow) -> Result<Self, AppError>;
    /// The values of the written columns, in [`Record::COLUMNS`] order.
    fn values(&self, with_id: bool) -> Vec<Value>;
    /// One column's value, by name, borrowed for showing it.
    fn cell_value(&self, column: &str) -> Option<CellValue<'_>>;
    /// The text field of `column`, to change in place (masking a number); `None` for
    /// columns that are not text.
    fn text_mut(&mut self, column: &str) -> Option<&mut String>;
}

/// A field's value as a cell shows it, borrowed from the row (a CSV export shows millions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellValue<'a> {
    Number(Option<i64>),
    Text(&'a str),
    Flag(bool),
    Code(Option<&'static CodeInfo>),
}

/// One insert of `rows` into `R`'s table, of the columns it writes.
pub fn insert<R: Stored>(rows: &[R], with_id: bool) -> InsertStatement {
    insert_values::<R>(rows.iter().map(|row| row.values(with_id)), with_id)
}

/// One insert into `R`'s table of rows given as their [`Stored::values`] (which a caller may
/// have completed, as ingest does with account ids).
pub fn insert_values<R: Stored>(rows: impl Iterator<Item = Vec<Value>>, with_id: bool) -> InsertStatement {
    let columns = R::COLUMNS.iter().copied().filter(|c| c.is_written(with_id));
    let mut statement = Query::insert().into_table(Alias::new(R::TABLE)).columns(columns).to_owned();
    for values in rows {
        statement.values_panic(values.into_iter().map(Into::into));
    }
    statement
}

impl sea_query::Iden for Column {
    fn unquoted(&self, s: &mut dyn std::fmt::Write) {
        let _ = s.write_str(self.name);
    }
}

/// How a field's Rust type is read from and written to its column.
pub trait ColumnValue: Sized {
    fn read(row: &AnyRow, column: &str) -> Result<Self, AppError>;
    fn value(&self) -> Value;
    fn cell_value(&self) -> CellValue<'_>;
    fn text_mut(&mut self) -> Option<&mut String> {
        None
    }
}

impl ColumnValue for i64 {
    fn read(row: &AnyRow, column: &str) -> Result<Self, AppError> {
        Ok(row.try_get(column)?)
    }
    fn value(&self) -> Value {
        (*self).into()
    }
    fn cell_value(&self) -> CellValue<'_> {
        CellValue::Number(Some(*self))
    }
}

impl ColumnValue for Option<i64> {
    fn read(row: &AnyRow, column: &str) -> Result<Self, AppError> {
        Ok(row.try_get(column)?)
    }
    fn value(&self) -> Value {
        (*self).into()
    }
    fn cell_value(&self) -> CellValue<'_> {
        CellValue::Number(*self)
    }
}

/// Text; a NULL reads as empty.
impl ColumnValue for String {
    fn read(row: &AnyRow, column: &str) -> Result<Self, AppError> {
        Ok(row.try_get::<Option<String>, _>(column)?.unwrap_or_default())
    }
    fn value(&self) -> Value {
        self.clone().into()
    }
    fn cell_value(&self) -> CellValue<'_> {
        CellValue::Text(self)
    }
    fn text_mut(&mut self) -> Option<&mut String> {
        Some(self)
    }
}

/// A 0/1 flag (SQLite has no boolean type).
impl ColumnValue for bool {
    fn read(row: &AnyRow, column: &str) -> Result<Self, AppError> {
        Ok(row.try_get::<i64, _>(column)? != 0)
    }
    fn value(&self) -> Value {
        (*self as i64).into()
    }
    fn cell_value(&self) -> CellValue<'_> {
        CellValue::Flag(*self)
    }
}

impl ColumnValue for UtcMillis {
    fn read(row: &AnyRow, column: &str) -> Result<Self, AppError> {
        Ok(UtcMillis(row.try_get(column)?))
    }
    fn value(&self) -> Value {
        self.0.into()
    }
    fn cell_value(&self) -> CellValue<'_> {
        CellValue::Number(Some(self.0))
    }
}

impl ColumnValue for Option<UtcMillis> {
    fn read(row: &AnyRow, column: &str) -> Result<Self, AppError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(UtcMillis))
    }
    fn value(&self) -> Value {
        self.map(|t| t.0).into()
    }
    fn cell_value(&self) -> CellValue<'_> {
        CellValue::Number(self.map(|t| t.0))
    }
}

/// A stored code, read back into its enum.
pub fn read_code<C: CodeSet>(row: &AnyRow, column: &str) -> Result<Option<C>, AppError> {
    match row.try_get::<Option<String>, _>(column)? {
        None => Ok(None),
        Some(raw) if raw.is_empty() => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|e| AppError::internal("stored code", e)),
    }
}
