//! The generic list operations: one page, one row, and (in `csv`) every row. A category plugs
//! in by implementing [`LogTable`]; nothing here knows any category's columns.

use super::filters::ListFilter;
use super::params::{Direction, ListParams, QueryParams};
use super::query::{by_id, ListQuery};
use super::record::{CellValue, Stored};
use super::render::{duration, RenderCtx};
use super::{AppState, Backend};
use crate::auth::Reader;
use crate::categories::with_log_table;
use crate::error::AppError;
use crate::list::{
    Category, CategorySpec, Cell, Chip, Column, ColumnKind, ColumnSpec, LogDetail, LogPage, LogRow, Record, Shows,
    SortState,
};
use crate::models::UtcMillis;
use sea_query::{Alias, Expr, Query};
use sqlx::Row;

/// Which category a [`LogTable`] shows: written by the registry in `crate::categories`.
pub trait Listed {
    const CATEGORY: Category;
}

/// How one category's rows are shown. Its row type declares the columns; this adds the cells.
pub trait LogTable: Listed + 'static {
    const SPEC: &'static CategorySpec = Self::CATEGORY.spec();
    type Row: Stored;

    /// The list's cells, one per column of `SPEC.columns`.
    fn cells(row: &Self::Row, ctx: &RenderCtx) -> Vec<Cell> {
        Self::SPEC.columns.iter().map(|column| Self::cell(row, column, ctx)).collect()
    }

    /// One cell, as its column declares it ([`standard_cell`]); a category whose cells link
    /// elsewhere (a call's trace, a filtered list) overrides it for those columns.
    fn cell(row: &Self::Row, column: &ColumnSpec, ctx: &RenderCtx) -> Cell {
        standard_cell::<Self>(row, column, ctx)
    }
    /// Account ids an ingested row may leave out, found from another of its columns.
    const ACCOUNT_MATCHES: &'static [super::ingest::AccountMatch] = &[];

    /// Whether rows can be sent to the ingest API: not when every column is derived (who is
    /// registered now is computed from SIP Sessions).
    fn ingestible() -> bool {
        Self::Row::COLUMNS.iter().any(|c| c.stored && c.name != crate::list::Column::ID)
    }

    /// Completes an ingested row with what the console adds to rows of its own (a Security
    /// Event's CEF line, as `identity` writes it, when it came without one).
    fn ingested(_row: &mut Self::Row, _identity: &crate::cef::Identity) {}

    /// Hides what the appliance's policy hides from every way out (pages, detail, CSV and
    /// API): by default the numbers of its `masked` columns under MASK. A category whose rows
    /// hide more, or less (an email recipient is no number), overrides it.
    fn redact(row: &mut Self::Row, ctx: &RenderCtx) {
        mask_numbers::<Self::Row>(row, ctx);
    }

    /// Decodes a row and applies [`LogTable::redact`]: how every reader gets a row.
    fn read(row: &sqlx::any::AnyRow, ctx: &RenderCtx) -> Result<Self::Row, AppError> {
        let mut decoded = Self::Row::decode(row)?;
        Self::redact(&mut decoded, ctx);
        Ok(decoded)
    }

    /// When the row happened: its value of the spec's time column (for the account timeline).
    fn occurred(row: &Self::Row) -> UtcMillis {
        match row.cell_value(Self::SPEC.time.name) {
            Some(CellValue::Number(Some(ms))) => UtcMillis(ms),
            _ => UtcMillis(0),
        }
    }

    /// Every stored field, labelled, for the detail page: the list's columns, then the
    /// spec's detail columns. A category that adds fields of its own overrides it.
    fn detail(row: &Self::Row, ctx: &RenderCtx) -> Vec<(String, Cell)> {
        Self::columns_detail(row, ctx)
    }

    /// Fields of the detail page that other rows explain (why a SIP event is bound to its
    /// account, or is not): none by default.
    fn explain<'a>(
        _state: &'a AppState,
        _row: &'a Self::Row,
        _ctx: &'a RenderCtx,
    ) -> impl std::future::Future<Output = Result<Vec<(String, Cell)>, AppError>> + Send + 'a {
        async { Ok(Vec::new()) }
    }

    /// The row's id, its list cells and its detail columns, labelled (without the link to
    /// itself).
    fn columns_detail(row: &Self::Row, ctx: &RenderCtx) -> Vec<(String, Cell)> {
        let own = Self::detail_href(row);
        let mut fields = Vec::with_capacity(Self::SPEC.columns.len() + 1);
        if !Self::SPEC.columns.iter().any(|c| c.column.name == Column::ID) {
            fields.push(("Id".to_owned(), Cell::text(row.row_id().to_string())));
        }
        for (column, mut cell) in Self::SPEC.columns.iter().zip(Self::cells(row, ctx)) {
            if cell.href.as_deref() == Some(own.as_str()) {
                cell.href = None;
            }
            fields.push((column.label.to_owned(), cell));
        }
        for column in Self::SPEC.detail {
            fields.push((column.label.to_owned(), standard_cell::<Self>(row, column, ctx)));
        }
        fields
    }

    /// Link to the row's detail page.
    fn detail_href(row: &Self::Row) -> String {
        format!("{}/{}", Self::CATEGORY.route(), row.row_id())
    }
}

/// Masks the number in each of `row`'s `masked` columns, when the policy says so.
pub fn mask_numbers<R: Stored>(row: &mut R, ctx: &RenderCtx) {
    for column in R::COLUMNS.iter().filter(|c| c.masked) {
        if let Some(number) = row.text_mut(column.name) {
            ctx.mask(number);
        }
    }
}

/// A column's cell as its declaration says: the value's text by its kind, then the link or
/// format of [`Shows`].
pub fn standard_cell<T: LogTable + ?Sized>(row: &T::Row, spec: &ColumnSpec, ctx: &RenderCtx) -> Cell {
    let value = row.cell_value(spec.column.name);
    let number = match value {
        Some(CellValue::Number(n)) => n,
        _ => None,
    };
    let cell = match value {
        Some(CellValue::Code(info)) => info.map(Cell::code).unwrap_or_default(),
        Some(CellValue::Text(text)) => Cell::text(text),
        Some(CellValue::Flag(flag)) => Cell::yes_no(flag),
        Some(CellValue::Number(Some(ms))) if spec.column.kind == ColumnKind::Time => {
            Cell::text(ctx.time(UtcMillis(ms)))
        }
        Some(CellValue::Number(n)) => Cell::text(n.map(|n| n.to_string()).unwrap_or_default()),
        None => Cell::default(),
    };
    let cell = Cell { value: filter_value(value, spec, ctx), ..cell };
    match spec.shows {
        Shows::Value => cell,
        Shows::DetailLink => Cell { href: Some(T::detail_href(row)), ..cell },
        Shows::AccountLink(id) => match row.cell_value(id.name) {
            Some(CellValue::Number(id)) => Cell { value: cell.value, ..Cell::account(cell.text, id) },
            _ => cell,
        },
        Shows::Duration => Cell::text(duration(number.unwrap_or(0))),
    }
}

/// What a cell of a filtered column offers to its "only this" and "not this" links: the
/// stored value (a code, not its label). Nothing for an empty cell, or for a masked number
/// (which may not be selected on).
fn filter_value(value: Option<CellValue>, spec: &ColumnSpec, ctx: &RenderCtx) -> Option<String> {
    spec.filter?;
    if spec.column.masked && ctx.numbers_hidden() {
        return None;
    }
    match value? {
        CellValue::Code(info) => info.map(|i| i.code.to_owned()),
        CellValue::Text(text) if !text.is_empty() => Some(text.to_owned()),
        CellValue::Flag(flag) => Some(if flag { "yes" } else { "no" }.to_owned()),
        _ => None,
    }
}

/// A validated list request: its parameters, filters and the query they make.
pub struct ListRequest {
    pub params: ListParams,
    pub filter: ListFilter,
    pub query: ListQuery,
    /// How its total is counted: from the hourly counts where they answer it
    /// ([`super::count`]), else from the rows.
    pub count: sea_query::SelectStatement,
}

impl ListRequest {
    /// Parses and validates a list's URL query (`page=2&result=...`) in the zone of `ctx`.
    pub fn from_query<T: LogTable>(raw_query: &str, ctx: &RenderCtx, backend: Backend) -> Result<Self, AppError> {
        let mut q = QueryParams::parse(raw_query)?;
        let params = ListParams::parse(&mut q, T::SPEC, ctx.zone)?;
        let filter = ListFilter::parse(&mut q, T::SPEC)?;
        q.finish()?;
        if ctx.numbers_hidden() {
            refuse_masked_selection(T::SPEC, &params, &filter)?;
        }
        Ok(Self::new::<T>(backend, params, filter, ctx.numbers_hidden()))
    }

    /// The newest `size` rows bound to an account, or `None` when the list has no account
    /// filter.
    pub fn of_account<T: LogTable>(backend: Backend, id: i64, size: u32) -> Option<Self> {
        let filter = ListFilter::account(T::SPEC, id)?;
        Some(Self::new::<T>(backend, ListParams::first(size), filter, false))
    }

    /// `numbers_hidden`: the free text does not look in masked columns.
    fn new<T: LogTable>(backend: Backend, params: ListParams, filter: ListFilter, numbers_hidden: bool) -> Self {
        let query = ListQuery::new::<T::Row>(backend, T::SPEC, &params, filter.conditions(), numbers_hidden);
        let count = super::count::from_hours(T::SPEC, <T::Row as Record>::TABLE, &params, &filter)
            .unwrap_or_else(|| query.count());
        ListRequest { params, filter, query, count }
    }

    /// The filters in force, each a chip naming what removes it.
    pub fn active_filters(&self) -> Vec<Chip> {
        let mut all = self.params.range_chips.clone();
        all.extend(self.filter.chips());
        if let Some(text) = &self.params.text {
            let hidden = if self.query.skips_masked() { " (not in masked numbers)" } else { "" };
            all.push(Chip {
                text: format!("Text contains \"{}\"{hidden}", text.0),
                param: crate::list::param::TEXT.to_owned(),
                value: text.0.clone(),
            });
        }
        all
    }
}

/// Under MASK the hidden digits must not be recoverable by narrowing a list down (SPEC §3):
/// a filter or a sort on a masked column is refused with a sentence that says why. (The free
/// text skips masked columns instead, so that it still finds everything else.)
fn refuse_masked_selection(spec: &CategorySpec, params: &ListParams, filter: &ListFilter) -> Result<(), AppError> {
    const WHY: &str = "Phone numbers are masked (CDR masking policy MASK)";
    if let Some(s) = filter.0.iter().find(|s| s.spec.columns.iter().any(|c| c.masked)) {
        return Err(AppError::BadRequest(format!("{WHY}, so this list cannot be filtered by {}.", s.spec.label)));
    }
    let sorted = params.sort.key.and_then(|key| spec.sorted_by(key));
    if let Some(column) = sorted.filter(|c| c.column.masked) {
        return Err(AppError::BadRequest(format!("{WHY}, so this list cannot be sorted by {}.", column.label)));
    }
    Ok(())
}

/// Rows of one page and the total, decoded.
pub async fn read_page<T: LogTable>(
    state: &AppState,
    req: &ListRequest,
    ctx: &RenderCtx,
) -> Result<(u64, Vec<T::Row>), AppError> {
    let total: i64 = state.db.fetch_optional(&req.count).await?.map(|r| r.try_get(0)).transpose()?.unwrap_or(0);
    let table = <T::Row as Record>::TABLE;
    let (within, offset) = match super::count::seek(&state.db, T::SPEC, table, &req.params, &req.filter).await? {
        Some((within, offset)) => (Some(within), offset),
        None => (None, req.params.offset()),
    };
    let walk = req.query.has_text_candidates()
        && walk_finds_sooner(state, table, total, offset + req.params.size.0 as u64).await?;
    let walking;
    let query = if walk {
        walking = req.query.walking();
        &walking
    } else {
        &req.query
    };
    let rows = state
        .db
        .fetch_all(&query.page(req.params.size.0 as u64, offset, within))
        .await?
        .iter()
        .map(|row| T::read(row, ctx))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((total.max(0) as u64, rows))
}

/// Whether a free-text page is found sooner by walking the rows in list order than from the
/// full-text index's candidates. The walk reads about `through × rows / matches` rows (the
/// matches spread over the table; `rows` estimated from the ids); the index's way reads and
/// sorts every match. A choice of plan only: both give the same rows.
async fn walk_finds_sooner(
    state: &AppState,
    table: &'static str,
    matches: i64,
    through: u64,
) -> Result<bool, AppError> {
    const SORTED_AT_ONCE: i64 = 5_000;
    if matches <= SORTED_AT_ONCE {
        return Ok(false);
    }
    let span = Query::select().expr(Expr::cust("MAX(id) - MIN(id) + 1")).from(Alias::new(table)).to_owned();
    let rows: i64 = state
        .db
        .fetch_optional(&span)
        .await?
        .map(|r| r.try_get::<Option<i64>, _>(0))
        .transpose()?
        .flatten()
        .unwrap_or(0);
    let walked = through as f64 * rows as f64 / matches as f64;
    Ok(walked < matches as f64)
}

async fn page_of<T: LogTable>(state: &AppState, reader: &Reader, raw_query: &str) -> Result<LogPage, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(reader.caller());
    let req = ListRequest::from_query::<T>(raw_query, &ctx, state.db.backend)?;
    let (total, rows) = read_page::<T>(state, &req, &ctx).await?;
    Ok(LogPage {
        rows: rows.iter().map(|r| LogRow { id: r.row_id(), cells: T::cells(r, &ctx) }).collect(),
        total,
        page: req.params.page.0,
        page_size: req.params.size.0,
        sort: match (req.params.sort.key, req.params.sort.direction) {
            (None, Direction::Descending) => None,
            (key, dir) => Some(SortState {
                key: key.or(T::SPEC.default_sort_key()).unwrap_or_default().to_owned(),
                descending: dir == Direction::Descending,
            }),
        },
        active_filters: req.active_filters(),
        time_zone: ctx.zone.name().to_owned(),
        may_export: crate::auth::Exporter::of(reader.caller().clone()).is_ok(),
        numbers_hidden: ctx.numbers_hidden(),
    })
}

/// One row of `T` by id, as every reader gets it.
pub async fn row_of<T: LogTable>(state: &AppState, id: i64, ctx: &RenderCtx) -> Result<Option<T::Row>, AppError> {
    match state.db.fetch_optional(&by_id::<T::Row>(id)).await? {
        Some(row) => Ok(Some(T::read(&row, ctx)?)),
        None => Ok(None),
    }
}

/// One row of `T` by id, or a 404 saying there is none.
async fn existing_row<T: LogTable>(state: &AppState, id: i64, ctx: &RenderCtx) -> Result<T::Row, AppError> {
    row_of::<T>(state, id, ctx)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no {} row with id {id}.", T::SPEC.title)))
}

async fn detail_of<T: LogTable>(state: &AppState, reader: &Reader, id: i64) -> Result<LogDetail, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(reader.caller());
    let row = existing_row::<T>(state, id, &ctx).await?;
    let mut fields = T::detail(&row, &ctx);
    fields.extend(T::explain(state, &row, &ctx).await?);
    Ok(LogDetail { fields, time_zone: ctx.zone.name().to_owned() })
}

async fn items_of<T: LogTable>(
    state: &AppState,
    reader: &Reader,
    raw_query: &str,
) -> Result<serde_json::Value, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(reader.caller());
    let req = ListRequest::from_query::<T>(raw_query, &ctx, state.db.backend)?;
    let (total, items) = read_page::<T>(state, &req, &ctx).await?;
    Ok(serde_json::json!({ "total": total, "items": items }))
}

pub async fn fetch_page(
    state: &AppState,
    reader: &Reader,
    category: Category,
    raw_query: &str,
) -> Result<LogPage, AppError> {
    with_log_table!(category, T => page_of::<T>(state, reader, raw_query).await)
}

pub async fn fetch_detail(
    state: &AppState,
    reader: &Reader,
    category: Category,
    id: i64,
) -> Result<LogDetail, AppError> {
    with_log_table!(category, T => detail_of::<T>(state, reader, id).await)
}

async fn item_of<T: LogTable>(state: &AppState, reader: &Reader, id: i64) -> Result<serde_json::Value, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(reader.caller());
    serde_json::to_value(existing_row::<T>(state, id, &ctx).await?).map_err(|e| AppError::internal("json", e))
}

/// One item of the JSON API, as the list's items show it (redacted).
pub async fn fetch_item(
    state: &AppState,
    reader: &Reader,
    category: Category,
    id: i64,
) -> Result<serde_json::Value, AppError> {
    with_log_table!(category, T => item_of::<T>(state, reader, id).await)
}

/// One page of the JSON API: `{ "total": n, "items": [...] }`, the items as stored (redacted).
pub async fn fetch_items(
    state: &AppState,
    reader: &Reader,
    category: Category,
    raw_query: &str,
) -> Result<serde_json::Value, AppError> {
    with_log_table!(category, T => items_of::<T>(state, reader, raw_query).await)
}

async fn newer_of<T: LogTable>(
    state: &AppState,
    reader: &Reader,
    raw_query: &str,
    after: i64,
    limit: u64,
) -> Result<Vec<LogRow>, AppError> {
    let ctx = RenderCtx::load(&state.db).await?.seen_by(reader.caller());
    let req = ListRequest::from_query::<T>(raw_query, &ctx, state.db.backend)?;
    let rows = state.db.fetch_all(&req.query.newer_than(after, limit)).await?;
    rows.iter().map(|row| T::read(row, &ctx).map(|r| LogRow { id: r.row_id(), cells: T::cells(&r, &ctx) })).collect()
}

/// What a followed list receives: the rows of `category` matching its query (`raw_query`, as
/// its page reads it, with the same role rules and masking) with an id above `after`, oldest
/// first, at most `limit`.
pub async fn fetch_newer(
    state: &AppState,
    reader: &Reader,
    category: Category,
    raw_query: &str,
    after: i64,
    limit: u64,
) -> Result<Vec<LogRow>, AppError> {
    with_log_table!(category, T => newer_of::<T>(state, reader, raw_query, after, limit).await)
}

/// The highest id of `category`'s rows now (0 for none): where following starts.
pub async fn newest_id(state: &AppState, category: Category) -> Result<i64, AppError> {
    let newest = Query::select().expr(Expr::cust("MAX(id)")).from(Alias::new(table_name(category))).to_owned();
    let row = state.db.fetch_optional(&newest).await?;
    Ok(row.map(|r| r.try_get::<Option<i64>, _>(0)).transpose()?.flatten().unwrap_or(0))
}

/// What a category's table holds, for describing it (the API's OpenAPI document): its row's
/// columns, and whether batches may be sent to it.
pub fn table_shape(category: Category) -> (&'static [crate::list::Column], bool) {
    with_log_table!(category, T => (<<T as LogTable>::Row as crate::list::Record>::COLUMNS, <T as LogTable>::ingestible()))
}

/// The table a category's rows are stored in (its list may read them through a view).
pub fn table_name(category: Category) -> &'static str {
    with_log_table!(category, T => <<T as LogTable>::Row as Record>::TABLE)
}

/// The columns of a category's rows the free text looks in (`=> searched`); those stored in
/// its table are what its full-text index holds.
pub fn searched_columns(category: Category) -> Vec<Column> {
    table_shape(category).0.iter().filter(|c| c.searched).copied().collect()
}
