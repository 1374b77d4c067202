//! The kinds of category filter and the macro that declares a category's typed filter
//! struct. Each field is an `Option` of a typed value (a code enum, a [`TextPrefix`], a
//! [`YesNo`]); the macro writes its parsing, its SQL condition and its description.

use super::params::{QueryParams, TextPrefix};
use super::query::{equals, starts_with};
use crate::codes::CodeSet;
use crate::error::AppError;
use sea_query::SimpleExpr;

/// A yes/no filter value (`yes` or `no` in the URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YesNo(pub bool);

/// One typed filter value: how it is read from the query, matched in SQL and described.
pub trait FilterValue: Sized {
    fn take(q: &mut QueryParams, param: &str, label: &str) -> Result<Option<Self>, AppError>;
    fn condition(&self, column: &'static str) -> SimpleExpr;
    fn describe(&self, label: &str) -> String;
}

/// A code column: equality with one of its codes.
impl<C: CodeSet> FilterValue for C {
    fn take(q: &mut QueryParams, param: &str, _label: &str) -> Result<Option<Self>, AppError> {
        q.take_code(param)
    }

    fn condition(&self, column: &'static str) -> SimpleExpr {
        equals(column, self.code())
    }

    fn describe(&self, label: &str) -> String {
        format!("{label} = {}", self.code())
    }
}

impl FilterValue for TextPrefix {
    fn take(q: &mut QueryParams, param: &str, label: &str) -> Result<Option<Self>, AppError> {
        Ok(q.take_text(param, label)?.map(TextPrefix))
    }

    fn condition(&self, column: &'static str) -> SimpleExpr {
        starts_with(column, self)
    }

    fn describe(&self, label: &str) -> String {
        format!("{label} starts with \"{}\"", self.0)
    }
}

/// A text value the column must equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextExact(pub String);

impl FilterValue for TextExact {
    fn take(q: &mut QueryParams, param: &str, label: &str) -> Result<Option<Self>, AppError> {
        Ok(q.take_text(param, label)?.map(TextExact))
    }

    fn condition(&self, column: &'static str) -> SimpleExpr {
        equals(column, self.0.clone())
    }

    fn describe(&self, label: &str) -> String {
        format!("{label} = \"{}\"", self.0)
    }
}

impl FilterValue for YesNo {
    fn take(q: &mut QueryParams, param: &str, label: &str) -> Result<Option<Self>, AppError> {
        match q.take(param).as_deref() {
            None => Ok(None),
            Some("yes") => Ok(Some(YesNo(true))),
            Some("no") => Ok(Some(YesNo(false))),
            Some(other) => Err(AppError::BadRequest(format!("{label} must be 'yes' or 'no', not '{other}'."))),
        }
    }

    fn condition(&self, column: &'static str) -> SimpleExpr {
        equals(column, self.0 as i64)
    }

    fn describe(&self, label: &str) -> String {
        format!("{label} = {}", if self.0 { "yes" } else { "no" })
    }
}

/// An account, by id: the rows bound to it (`account=12`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountId(pub i64);

impl FilterValue for AccountId {
    fn take(q: &mut QueryParams, param: &str, label: &str) -> Result<Option<Self>, AppError> {
        match q.take(param) {
            None => Ok(None),
            Some(v) => match v.parse::<i64>() {
                Ok(id) if id > 0 => Ok(Some(AccountId(id))),
                _ => Err(AppError::BadRequest(format!("{label} '{v}' is not an account id."))),
            },
        }
    }

    fn condition(&self, column: &'static str) -> SimpleExpr {
        equals(column, self.0)
    }

    fn describe(&self, label: &str) -> String {
        format!("{label} = #{}", self.0)
    }
}

/// Declares a category's filter struct: `field: Type = ("param", "Label", ["column", ...])`.
/// With several columns, a row matches when any of them does (caller or callee, say).
#[macro_export]
macro_rules! filter_set {
    ($(#[$meta:meta])* $name:ident { $($field:ident : $ty:ty = ($param:literal, $label:literal, [$($column:literal),+])),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, PartialEq)]
        pub struct $name {
            $(pub $field: Option<$ty>,)*
        }

        impl $crate::db::list::FilterSet for $name {
            const PARAMS: &'static [&'static str] = &[$($param),*];

            fn parse(q: &mut $crate::db::params::QueryParams) -> Result<Self, $crate::error::AppError> {
                use $crate::db::filters::FilterValue;
                Ok($name { $($field: <$ty as FilterValue>::take(q, $param, $label)?,)* })
            }

            fn conditions(&self) -> Vec<sea_query::Condition> {
                use $crate::db::filters::FilterValue;
                let mut all = Vec::new();
                $(if let Some(v) = &self.$field {
                    all.push([$($column),+].into_iter().fold(sea_query::Condition::any(), |any, c| any.add(v.condition(c))));
                })*
                all
            }

            fn describe(&self) -> Vec<String> {
                use $crate::db::filters::FilterValue;
                let mut all = Vec::new();
                $(if let Some(v) = &self.$field { all.push(v.describe($label)); })*
                all
            }
        }
    };
}
