//! The generic list operations: one page, one row, and (in `csv`) every row. A category plugs
//! in by implementing [`LogTable`]; nothing here knows any category's columns.

use super::params::{ListParams, QueryParams};
use super::query::{by_id, ListQuery, TableInfo};
use super::render::RenderCtx;
use super::AppState;
use crate::auth::Reader;
use crate::error::AppError;
use crate::list::{Category, CategorySpec, Cell, LogDetail, LogPage, LogRow, SortState};
use crate::models::UtcMillis;
use sea_query::Condition;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A category's own filters, parsed from the query into typed values.
pub trait FilterSet: Sized {
    /// The query parameters it reads (the same as the category's `FilterSpec` names).
    const PARAMS: &'static [&'static str];
    /// Takes this category's parameters out of `q`.
    fn parse(q: &mut QueryParams) -> Result<Self, AppError>;
    /// The SQL conditions, each with bound values.
    fn conditions(&self) -> Vec<Condition>;
    /// "Result = FAIL_BAD_CREDENTIALS", ... for the "filters in force" line.
    fn describe(&self) -> Vec<String>;
}

/// How one category is stored and shown.
pub trait LogTable: 'static {
    const SPEC: &'static CategorySpec;
    const TABLE: &'static TableInfo;
    type Row: serde::Serialize + Send + 'static;
    type Filter: FilterSet + Send + Sync + 'static;

    /// Reads a row selected with `TABLE.columns`, in that order.
    fn decode(row: &AnyRow) -> Result<Self::Row, AppError>;
    fn id(row: &Self::Row) -> i64;
    /// When the row happened (for the account timeline).
    fn occurred(row: &Self::Row) -> UtcMillis;
    /// The list's cells, one per column of `SPEC.columns`.
    fn cells(row: &Self::Row, ctx: &RenderCtx) -> Vec<Cell>;
    /// Hides what the appliance's policy hides (CDR numbers under MASK) from every way out:
    /// pages, detail, CSV and API. Most categories hide nothing.
    fn redact(_row: &mut Self::Row, _ctx: &RenderCtx) {}

    /// Decodes a row and applies [`LogTable::redact`]: how every reader gets a row.
    fn read(row: &AnyRow, ctx: &RenderCtx) -> Result<Self::Row, AppError> {
        let mut decoded = Self::decode(row)?;
        Self::redact(&mut decoded, ctx);
        Ok(decoded)
    }
    /// Every stored field, labelled, for the detail page: by default the list's columns; a
    /// category whose rows hold more overrides it and adds them to [`LogTable::columns_detail`].
    fn detail(row: &Self::Row, ctx: &RenderCtx) -> Vec<(String, Cell)> {
        Self::columns_detail(row, ctx)
    }

    /// The row's id and its list cells, labelled by their columns (without the link to itself).
    fn columns_detail(row: &Self::Row, ctx: &RenderCtx) -> Vec<(String, Cell)> {
        let own = Self::detail_href(row);
        let mut fields = Vec::with_capacity(Self::SPEC.columns.len() + 1);
        if Self::SPEC.columns[0].label != "Id" {
            fields.push(("Id".to_owned(), Cell::text(Self::id(row).to_string())));
        }
        for (column, mut cell) in Self::SPEC.columns.iter().zip(Self::cells(row, ctx)) {
            if cell.href.as_deref() == Some(own.as_str()) {
                cell.href = None;
            }
            fields.push((column.label.to_owned(), cell));
        }
        fields
    }

    /// Link to the row's detail page.
    fn detail_href(row: &Self::Row) -> String {
        format!("{}/{}", Self::SPEC.route, Self::id(row))
    }
}

/// Runs `$body` with `$t` bound to the [`LogTable`] of `$category`.
#[macro_export]
macro_rules! with_log_table {
    ($category:expr, $t:ident => $body:expr) => {{
        use $crate::categories::*;
        use $crate::list::Category as C;
        match $category {
            C::Accounts => {
                type $t = accounts::Accounts;
                $body
            }
            C::Security => {
                type $t = security::SecurityEvents;
                $body
            }
            C::System => {
                type $t = system::SystemEvents;
                $body
            }
            C::Audit => {
                type $t = audit::Auditing;
                $body
            }
            C::WebSessions => {
                type $t = web_sessions::WebSessions;
                $body
            }
            C::Cdr => {
                type $t = cdr::Cdrs;
                $body
            }
            C::SipSessions => {
                type $t = sip_sessions::SipSessions;
                $body
            }
            C::Registered => {
                type $t = registered::RegisteredAccounts;
                $body
            }
            C::Messages => {
                type $t = messages::SecureMessages;
                $body
            }
            C::InstallMessages => {
                type $t = install_messages::InstallMessages;
                $body
            }
            C::ActivationMessages => {
                type $t = activation_messages::ActivationMessages;
                $body
            }
        }
    }};
}

/// A validated list request of one category.
pub struct ListRequest<T: LogTable> {
    pub params: ListParams,
    pub filter: T::Filter,
    pub query: ListQuery,
    pub ctx: RenderCtx,
}

impl<T: LogTable> ListRequest<T> {
    /// Only a [`Reader`] may list.
    pub async fn parse(state: &AppState, _reader: &Reader, raw_query: &str) -> Result<Self, AppError> {
        let ctx = RenderCtx::from_settings(&state.db.settings().await?)?;
        let mut q = QueryParams::parse(raw_query)?;
        let params = ListParams::parse(&mut q, T::SPEC, ctx.zone)?;
        let filter = T::Filter::parse(&mut q)?;
        q.finish()?;
        let query = ListQuery::new(T::TABLE, &params, filter.conditions());
        Ok(ListRequest { params, filter, query, ctx })
    }

    fn active_filters(&self) -> Vec<String> {
        let mut all = self.params.range_text.clone();
        all.extend(self.filter.describe());
        if let Some(text) = &self.params.text {
            all.push(format!("Text contains \"{}\"", text.0));
        }
        all
    }
}

/// Rows of one page and the total, decoded.
pub async fn read_page<T: LogTable>(state: &AppState, req: &ListRequest<T>) -> Result<(u64, Vec<T::Row>), AppError> {
    let total: i64 = state.db.fetch_optional(&req.query.count()).await?.map(|r| r.try_get(0)).transpose()?.unwrap_or(0);
    let rows = state
        .db
        .fetch_all(&req.query.page(req.params.size.0 as u64, req.params.offset()))
        .await?
        .iter()
        .map(|row| T::read(row, &req.ctx))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((total.max(0) as u64, rows))
}

async fn page_of<T: LogTable>(state: &AppState, reader: &Reader, raw_query: &str) -> Result<LogPage, AppError> {
    let req = ListRequest::<T>::parse(state, reader, raw_query).await?;
    let (total, rows) = read_page(state, &req).await?;
    Ok(LogPage {
        rows: rows.iter().map(|r| LogRow { id: T::id(r), cells: T::cells(r, &req.ctx) }).collect(),
        total,
        page: req.params.page.0,
        page_size: req.params.size.0,
        sort: match (req.params.sort.key, req.params.sort.direction) {
            (None, super::params::Direction::Descending) => None,
            (key, dir) => Some(SortState {
                key: key.or(T::SPEC.columns[0].sort_key).unwrap_or_default().to_owned(),
                descending: dir == super::params::Direction::Descending,
            }),
        },
        active_filters: req.active_filters(),
        time_zone: req.ctx.zone.name().to_owned(),
        may_export: crate::auth::Exporter::of(reader.caller().clone()).is_ok(),
    })
}

async fn detail_of<T: LogTable>(state: &AppState, id: i64) -> Result<LogDetail, AppError> {
    let ctx = RenderCtx::from_settings(&state.db.settings().await?)?;
    let row = state
        .db
        .fetch_optional(&by_id(T::TABLE, id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no {} row with id {id}.", T::SPEC.title)))?;
    let row = T::read(&row, &ctx)?;
    Ok(LogDetail { fields: T::detail(&row, &ctx), time_zone: ctx.zone.name().to_owned() })
}

pub async fn fetch_page(
    state: &AppState,
    reader: &Reader,
    category: Category,
    raw_query: &str,
) -> Result<LogPage, AppError> {
    crate::with_log_table!(category, T => page_of::<T>(state, reader, raw_query).await)
}

pub async fn fetch_detail(
    state: &AppState,
    _reader: &Reader,
    category: Category,
    id: i64,
) -> Result<LogDetail, AppError> {
    crate::with_log_table!(category, T => detail_of::<T>(state, id).await)
}

/// Decoding helpers for the categories.
pub fn text(row: &AnyRow, i: usize) -> Result<String, AppError> {
    Ok(row.try_get::<Option<String>, _>(i)?.unwrap_or_default())
}

pub fn millis(row: &AnyRow, i: usize) -> Result<UtcMillis, AppError> {
    Ok(UtcMillis(row.try_get(i)?))
}

pub fn opt_millis(row: &AnyRow, i: usize) -> Result<Option<UtcMillis>, AppError> {
    Ok(row.try_get::<Option<i64>, _>(i)?.map(UtcMillis))
}

pub fn opt_id(row: &AnyRow, i: usize) -> Result<Option<i64>, AppError> {
    Ok(row.try_get::<Option<i64>, _>(i)?)
}

/// A 0/1 flag (SQLite has no boolean type).
pub fn flag(row: &AnyRow, i: usize) -> Result<bool, AppError> {
    Ok(row.try_get::<i64, _>(i)? != 0)
}

pub fn opt_code<C: std::str::FromStr<Err = crate::codes::UnknownCode>>(
    row: &AnyRow,
    i: usize,
) -> Result<Option<C>, AppError> {
    match row.try_get::<Option<String>, _>(i)? {
        None => Ok(None),
        Some(raw) if raw.is_empty() => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|e| AppError::internal("stored code", e)),
    }
}

pub fn code<C: std::str::FromStr<Err = crate::codes::UnknownCode>>(row: &AnyRow, i: usize) -> Result<C, AppError> {
    let raw: String = row.try_get(i)?;
    raw.parse().map_err(|e| AppError::internal("stored code", e))
}
