//! The SQL of every list, built once with sea-query from typed parameters. Values are always
//! bound, never spliced into the text; identifiers come only from the categories' static
//! declarations.
//!
//! Paging uses a deferred join: the inner query walks the index that serves the filter and
//! the order and picks the page's ids (skipping the earlier pages' index entries, not their
//! rows), and the outer query reads only those rows.

use super::params::{Direction, ListParams, TextPrefix};
use sea_query::{Alias, Condition, Expr, LikeExpr, Order, Query, SelectStatement, SimpleExpr};

/// Where a category's rows live.
#[derive(Debug)]
pub struct TableInfo {
    pub table: &'static str,
    /// The column the list is ordered by by default (newest first).
    pub time_column: &'static str,
    /// The columns read for a row, in the order the category decodes them.
    pub columns: &'static [&'static str],
    /// The columns the free-text search looks in.
    pub text_columns: &'static [&'static str],
    /// Sort key (from the category's column specs) to column.
    pub sorts: &'static [(&'static str, &'static str)],
}

/// Equality with a code or other exact value.
pub fn equals(column: &'static str, value: impl Into<sea_query::Value>) -> SimpleExpr {
    Expr::col(Alias::new(column)).eq(value.into())
}

/// `column` starts with the prefix. Written as a range so that it uses the column's index in
/// every database (a `LIKE 'x%'` does not, under most collations).
pub fn starts_with(column: &'static str, prefix: &TextPrefix) -> SimpleExpr {
    let upper = format!("{}\u{10FFFF}", prefix.0);
    Expr::col(Alias::new(column)).gte(prefix.0.clone()).and(Expr::col(Alias::new(column)).lt(upper))
}

/// `%text%` with LIKE's wildcards in the text escaped.
fn contains_pattern(text: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}

/// The filtered, ordered query of one list.
#[derive(Debug)]
pub struct ListQuery {
    table: &'static TableInfo,
    condition: Condition,
    order: Vec<(&'static str, Order)>,
}

impl ListQuery {
    pub fn new(table: &'static TableInfo, params: &ListParams, filters: Vec<Condition>) -> ListQuery {
        let mut condition = Condition::all();
        let time = || Expr::col(Alias::new(table.time_column));
        if let Some(from) = params.range.from {
            condition = condition.add(time().gte(from));
        }
        if let Some(until) = params.range.until {
            condition = condition.add(time().lt(until));
        }
        for f in filters {
            condition = condition.add(f);
        }
        if let Some(text) = &params.text {
            let any = table
                .text_columns
                .iter()
                .fold(Condition::any(), |any, c| any.add(Expr::col(Alias::new(*c)).like(contains_pattern(&text.0))));
            condition = condition.add(any);
        }
        let dir = match params.sort.direction {
            Direction::Ascending => Order::Asc,
            Direction::Descending => Order::Desc,
        };
        // Ties are broken by time, then id, so that pages never overlap and each order
        // matches an index of (column, time) exactly.
        let mut order = Vec::with_capacity(3);
        if let Some(key) = params.sort.key {
            let column = table.sorts.iter().find(|(k, _)| *k == key).map(|(_, c)| *c).unwrap_or(table.time_column);
            if column != table.time_column {
                order.push((column, dir.clone()));
            }
        }
        order.push((table.time_column, dir.clone()));
        order.push(("id", dir));
        ListQuery { table, condition, order }
    }

    /// Adds the filter's WHERE clause, if there is one.
    fn filtered(&self, mut s: SelectStatement) -> SelectStatement {
        if !self.condition.is_empty() {
            s.cond_where(self.condition.clone());
        }
        s
    }

    fn ordered(&self, mut s: SelectStatement) -> SelectStatement {
        for (column, dir) in &self.order {
            s.order_by(Alias::new(*column), dir.clone());
        }
        s
    }

    /// `SELECT COUNT(*)` of the matching rows.
    pub fn count(&self) -> SelectStatement {
        self.filtered(Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new(self.table.table)).to_owned())
    }

    /// One page of rows, by deferred join.
    pub fn page(&self, limit: u64, offset: u64) -> SelectStatement {
        let ids = self
            .ordered(
                self.filtered(Query::select().column(Alias::new("id")).from(Alias::new(self.table.table)).to_owned()),
            )
            .limit(limit)
            .offset(offset)
            .to_owned();
        self.ordered(
            Query::select()
                .columns(self.table.columns.iter().map(|c| Alias::new(*c)))
                .from(Alias::new(self.table.table))
                .and_where(Expr::col(Alias::new("id")).in_subquery(ids))
                .to_owned(),
        )
    }

    /// Every matching row, in order (the CSV export streams it).
    pub fn all(&self) -> SelectStatement {
        self.ordered(
            self.filtered(
                Query::select()
                    .columns(self.table.columns.iter().map(|c| Alias::new(*c)))
                    .from(Alias::new(self.table.table))
                    .to_owned(),
            ),
        )
    }
}

/// One row by id.
pub fn by_id(table: &'static TableInfo, id: i64) -> SelectStatement {
    Query::select()
        .columns(table.columns.iter().map(|c| Alias::new(*c)))
        .from(Alias::new(table.table))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned()
}
