//! One declaration per stored column. A kind of row is declared once, with [`record!`]: its
//! struct (also the JSON item of the API) and, from each field, a [`Column`] constant named
//! like the field (`Cdr::caller_name`) that carries the SQL column's name, the kind its Rust
//! type implies, and whether free text looks in it. Everything else refers to those constants,
//! so the compiler checks every use: the list specs (headers, sorts, filters, legends), the SQL
//! of lists and inserts, decoding rows by column name, the demo loader and the console's own
//! journal.

use crate::codes::CodeList;
use crate::models::UtcMillis;

/// What a column holds, as its Rust type says. Filters and legends follow from it: a code
/// column is filtered by a `<select>` of its codes and explained in the legend, a flag by
/// Yes/No, text by a prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Integer,
    Text,
    /// A yes/no flag, stored as 0/1.
    Flag,
    /// An instant, stored as UTC milliseconds.
    Time,
    /// One code of a closed set.
    Code(&'static CodeList),
}

/// The column kind of a field's Rust type (`Option<T>`: a nullable column of `T`'s kind).
pub trait ColumnType {
    const KIND: ColumnKind;
    /// `Option<T>`: the column may be NULL.
    const NULLABLE: bool = false;
}

impl ColumnType for i64 {
    const KIND: ColumnKind = ColumnKind::Integer;
}

impl ColumnType for String {
    const KIND: ColumnKind = ColumnKind::Text;
}

impl ColumnType for bool {
    const KIND: ColumnKind = ColumnKind::Flag;
}

impl ColumnType for UtcMillis {
    const KIND: ColumnKind = ColumnKind::Time;
}

impl<T: ColumnType> ColumnType for Option<T> {
    const KIND: ColumnKind = T::KIND;
    const NULLABLE: bool = true;
}

/// One column of a table or view, declared by a [`record!`] field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// The free-text search (`q=`) looks in it.
    pub searched: bool,
    /// It holds phone numbers, which the CDR masking policy hides: then nobody may filter,
    /// search or sort on it either (SPEC §3).
    pub masked: bool,
    /// Written by inserts; `false` for a value a view derives (an account's name beside its
    /// SIP events, whether an account is on line).
    pub stored: bool,
    /// The column may be NULL (an `Option` field).
    pub nullable: bool,
}

impl Column {
    /// Every record's first field: its primary key.
    pub const ID: &'static str = "id";

    pub const fn of<T: ColumnType>(name: &'static str, searched: bool, masked: bool, stored: bool) -> Column {
        Column { name, kind: T::KIND, searched, masked, stored, nullable: T::NULLABLE }
    }

    /// Whether an insert writes it: stored columns, the id only when asked (accounts keep
    /// the appliance's ids; log rows get theirs from the database).
    pub fn is_written(&self, with_id: bool) -> bool {
        self.stored && (with_id || self.name != Column::ID)
    }
}

/// A kind of row, as [`record!`] declares it.
pub trait Record {
    /// Where lists read the rows: the table, or a view adding derived columns.
    const SOURCE: &'static str;
    /// Where new rows are written.
    const TABLE: &'static str;
    /// Every column, in the struct's (and the JSON item's) order; the id first.
    const COLUMNS: &'static [Column];
    fn row_id(&self) -> i64;
}

/// Declares a kind of row: the struct, a [`Column`] constant per field, the [`Record`] impl
/// and, on the server, decoding by column name and the values of an insert.
///
/// ```ignore
/// record! {
///     /// A web-console authentication event.
///     pub struct WebSession in "web_session" {
///         id: i64,
///         occurred_at: UtcMillis,
///         result: AuthResult => searched,
///         username: String => searched,
///     }
/// }
/// ```
/// `in "t"` reads and writes table `t`; `from "v" into "t"` reads view `v` and writes `t`.
/// Flags after `=>`: `searched` (free text looks in it), `masked` (phone numbers: hidden,
/// and not to be filtered, searched or sorted on, under the CDR masking policy), `derived`
/// (the view computes it; never written).
#[macro_export]
macro_rules! record {
    ($(#[$meta:meta])* pub struct $name:ident in $table:literal { $($body:tt)* }) => {
        $crate::record!(@record $(#[$meta])* $name, $table, $table, $($body)*);
    };
    ($(#[$meta:meta])* pub struct $name:ident from $source:literal into $table:literal { $($body:tt)* }) => {
        $crate::record!(@record $(#[$meta])* $name, $source, $table, $($body)*);
    };
    (@record $(#[$meta:meta])* $name:ident, $source:literal, $table:literal,
        $($(#[$fmeta:meta])* $field:ident : $ty:ty $(=> $($flag:ident)+)?),+ $(,)?) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)+
        }

        #[allow(non_upper_case_globals)]
        impl $name {
            $(pub const $field: $crate::list::Column = $crate::list::Column::of::<$ty>(
                stringify!($field),
                $crate::record!(@has searched $($($flag)+)?),
                $crate::record!(@has masked $($($flag)+)?),
                !$crate::record!(@has derived $($($flag)+)?),
            );)+
        }

        // The id comes first: lists page by it and break ties with it.
        const _: () = assert!(
            matches!(<$name as $crate::list::Record>::COLUMNS[0].name.as_bytes(), b"id"),
            "a record's first field is its id"
        );

        impl $crate::list::Record for $name {
            const SOURCE: &'static str = $source;
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [$crate::list::Column] = &[$(Self::$field),+];
            fn row_id(&self) -> i64 {
                self.id
            }
        }

        #[cfg(feature = "ssr")]
        impl $crate::db::record::Stored for $name {
            fn decode(row: &sqlx::any::AnyRow) -> Result<Self, $crate::error::AppError> {
                use $crate::db::record::ColumnValue;
                Ok($name { $($field: ColumnValue::read(row, stringify!($field))?,)+ })
            }

            fn values(&self, with_id: bool) -> Vec<sea_query::Value> {
                use $crate::db::record::ColumnValue;
                let mut values = Vec::with_capacity(<Self as $crate::list::Record>::COLUMNS.len());
                $(if Self::$field.is_written(with_id) {
                    values.push(self.$field.value());
                })+
                values
            }

            fn cell_value(&self, column: &str) -> Option<$crate::db::record::CellValue<'_>> {
                use $crate::db::record::ColumnValue;
                match column {
                    $(stringify!($field) => Some(self.$field.cell_value()),)+
                    _ => None,
                }
            }

            fn text_mut(&mut self, column: &str) -> Option<&mut String> {
                use $crate::db::record::ColumnValue;
                match column {
                    $(stringify!($field) => self.$field.text_mut(),)+
                    _ => None,
                }
            }
        }
    };
    (@has $want:ident) => { false };
    (@has searched searched $($rest:ident)*) => { true };
    (@has derived derived $($rest:ident)*) => { true };
    (@has masked masked $($rest:ident)*) => { true };
    (@has $want:ident $other:ident $($rest:ident)*) => { $crate::record!(@has $want $($rest)*) };
}
