//! The SQL of every list, built once with sea-query from typed parameters. Values are always
//! bound, never spliced into the text; identifiers come only from the categories' static
//! declarations.
//!
//! Paging uses a deferred join: the inner query walks the index that serves the filter and
//! the order and picks the page's ids (skipping the earlier pages' index entries, not their
//! rows), and the outer query reads only those rows.

use super::params::{Direction, ListParams, TextPrefix};
use super::Backend;
use crate::list::{CategorySpec, Column, Record};
use sea_query::{Alias, BinOper, Condition, Expr, Func, NullOrdering, Order, Query, SelectStatement, SimpleExpr};

/// Equality with a code or other exact value.
pub fn equals(column: Column, value: impl Into<sea_query::Value>) -> SimpleExpr {
    Expr::col(column).eq(value.into())
}

/// `column` starts with the prefix. Written as a range so that it uses the column's index in
/// every database (a `LIKE 'x%'` does not, under most collations).
pub fn starts_with(column: Column, prefix: &TextPrefix) -> SimpleExpr {
    let upper = format!("{}\u{10FFFF}", prefix.0);
    Expr::col(column).gte(prefix.0.clone()).and(Expr::col(column).lt(upper))
}

/// `%text%` with LIKE's wildcards in the text escaped (by `\\`).
fn contains_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped.push('%');
    escaped
}

/// `column` contains `text`, whatever the case, the same on every database: both sides
/// folded by the database's own `LOWER` (SQLite's LIKE ignores ASCII case, PostgreSQL's
/// does not), wildcards in the text escaped.
fn contains(column: Column, text: &str) -> SimpleExpr {
    let pattern =
        Expr::expr(Func::lower(Expr::val(contains_pattern(text)))).binary(BinOper::Escape, Expr::cust("'\\'"));
    Expr::expr(Func::lower(Expr::col(column))).binary(BinOper::Like, pattern)
}

/// The filtered, ordered query of one list.
#[derive(Clone, Debug)]
pub struct ListQuery {
    /// The table or view the rows are read from.
    source: &'static str,
    columns: &'static [Column],
    condition: Condition,
    /// The rows a full-text index says may hold the free text (the condition checks them).
    candidates: Option<SimpleExpr>,
    order: Vec<(Column, Order)>,
    /// The free text was kept out of masked columns.
    skips_masked: bool,
}

impl ListQuery {
    /// The query of `params` and `filters` on `backend`; with `numbers_hidden` the free text
    /// does not look in masked columns (their hidden digits would match).
    pub fn new<R: Record>(
        backend: Backend,
        spec: &CategorySpec,
        params: &ListParams,
        filters: Vec<Condition>,
        numbers_hidden: bool,
    ) -> ListQuery {
        let mut condition = Condition::all();
        let mut candidates = None;
        if let Some(from) = params.range.from {
            condition = condition.add(Expr::col(spec.time).gte(from));
        }
        if let Some(until) = params.range.until {
            condition = condition.add(Expr::col(spec.time).lt(until));
        }
        for f in filters {
            condition = condition.add(f);
        }
        if let Some(text) = &params.text {
            let searched: Vec<Column> =
                R::COLUMNS.iter().filter(|c| c.searched && !(numbers_hidden && c.masked)).copied().collect();
            candidates = spec
                .text_index
                .and_then(|index| backend.free_text_candidates(index, id_column::<R>(), &searched, &text.0));
            condition = condition.add(searched.iter().fold(Condition::any(), |any, c| any.add(contains(*c, &text.0))));
        }
        let dir = match params.sort.direction {
            Direction::Ascending => Order::Asc,
            Direction::Descending => Order::Desc,
        };
        // Ties are broken by time, then id, so that pages never overlap and each order
        // matches an index of (column, time) exactly.
        let mut order = Vec::with_capacity(3);
        if let Some(column) = params.sort.key.and_then(|key| spec.sort_column(key)) {
            if column != spec.time {
                order.push((column, dir.clone()));
            }
        }
        order.push((spec.time, dir.clone()));
        order.push((id_column::<R>(), dir));
        let skips_masked = numbers_hidden && params.text.is_some() && R::COLUMNS.iter().any(|c| c.searched && c.masked);
        ListQuery { source: R::SOURCE, columns: R::COLUMNS, condition, candidates, order, skips_masked }
    }

    /// Whether a full-text index narrows the free text.
    pub fn has_text_candidates(&self) -> bool {
        self.candidates.is_some()
    }

    /// The same query without asking the full-text index: a page of a common text is found
    /// sooner by walking the rows in list order and testing each (the index's candidates would
    /// all be read and sorted first).
    pub fn walking(&self) -> ListQuery {
        ListQuery { candidates: None, ..self.clone() }
    }

    pub fn skips_masked(&self) -> bool {
        self.skips_masked
    }

    /// Adds the filter's WHERE clause, if there is one.
    fn filtered(&self, mut s: SelectStatement) -> SelectStatement {
        if !self.condition.is_empty() {
            s.cond_where(self.condition.clone());
        }
        if let Some(candidates) = &self.candidates {
            s.and_where(candidates.clone());
        }
        s
    }

    /// Orders by each column; a nullable one with its NULLs where SQLite puts them (first
    /// going up, last going down), which PostgreSQL does the other way round unless told.
    fn ordered(&self, mut s: SelectStatement) -> SelectStatement {
        for (column, dir) in &self.order {
            if column.nullable {
                let nulls = if matches!(dir, Order::Asc) { NullOrdering::First } else { NullOrdering::Last };
                s.order_by_with_nulls(*column, dir.clone(), nulls);
            } else {
                s.order_by(*column, dir.clone());
            }
        }
        s
    }

    /// `SELECT COUNT(*)` of the matching rows.
    pub fn count(&self) -> SelectStatement {
        self.filtered(Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new(self.source)).to_owned())
    }

    /// One page of rows, by deferred join; `within` narrows the rows the offset counts from
    /// (a deep page's hour, found by `super::count::seek`).
    pub fn page(&self, limit: u64, offset: u64, within: Option<SimpleExpr>) -> SelectStatement {
        let mut ids = self.filtered(Query::select().column(self.columns[0]).from(Alias::new(self.source)).to_owned());
        if let Some(within) = within {
            ids.and_where(within);
        }
        let ids = self.ordered(ids).limit(limit).offset(offset).to_owned();
        self.ordered(
            Query::select()
                .columns(self.columns.iter().copied())
                .from(Alias::new(self.source))
                .and_where(Expr::col(self.columns[0]).in_subquery(ids))
                .to_owned(),
        )
    }

    /// The matching rows with an id above `after`, oldest first, at most `limit`: the rows a
    /// followed list has not had yet (ids only grow).
    pub fn newer_than(&self, after: i64, limit: u64) -> SelectStatement {
        let id = self.columns[0];
        let mut rows = self
            .filtered(Query::select().columns(self.columns.iter().copied()).from(Alias::new(self.source)).to_owned());
        rows.and_where(Expr::col(id).gt(after)).order_by(id, Order::Asc).limit(limit).to_owned()
    }

    /// Every matching row, in order (the CSV export streams it).
    pub fn all(&self) -> SelectStatement {
        self.ordered(
            self.filtered(
                Query::select().columns(self.columns.iter().copied()).from(Alias::new(self.source)).to_owned(),
            ),
        )
    }
}

/// The primary key of `R`'s rows.
fn id_column<R: Record>() -> Column {
    R::COLUMNS[0]
}

/// One row by id.
pub fn by_id<R: Record>(id: i64) -> SelectStatement {
    Query::select()
        .columns(R::COLUMNS.iter().copied())
        .from(Alias::new(R::SOURCE))
        .and_where(Expr::col(id_column::<R>()).eq(id))
        .to_owned()
}
