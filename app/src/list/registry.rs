//! The registry macro: `categories/mod.rs` names every list once, in menu order, and this
//! writes from it the [`Category`](crate::categories::Category) enum (its slugs are its serde
//! names), `ALL`, `LOGS`, each category's spec, slug and route, and on the server the dispatch
//! from a category to its [`LogTable`](crate::db::list::LogTable) type. A category left out of
//! a match anywhere is a compile error, not a failing test.

macro_rules! categories {
    (
        directory: $dv:ident = $ds:literal => $dm:ident :: $dt:ident;
        logs: $($v:ident = $s:literal => $m:ident :: $t:ident),+ $(,)?
    ) => {
        /// The console's lists, by their URL slug: the accounts directory, then the logs.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum Category {
            #[serde(rename = $ds)]
            $dv,
            $(#[serde(rename = $s)] $v,)+
        }

        impl Category {
            /// Every list, the accounts directory first.
            pub const ALL: &'static [Category] = &[Category::$dv, $(Category::$v),+];
            /// The logs, in the order of the LOGGING menu.
            pub const LOGS: &'static [Category] = &[$(Category::$v),+];

            pub const fn spec(self) -> &'static $crate::list::CategorySpec {
                match self {
                    Category::$dv => &$dm::SPEC,
                    $(Category::$v => &$m::SPEC,)+
                }
            }

            /// The slug of the API and CSV URLs, e.g. `web-sessions`.
            pub const fn slug(self) -> &'static str {
                match self {
                    Category::$dv => $ds,
                    $(Category::$v => $s,)+
                }
            }

            /// The list's page, e.g. `/logs/web-sessions`; a row's detail is `<route>/<id>`.
            pub const fn route(self) -> &'static str {
                match self {
                    Category::$dv => concat!("/", $ds),
                    $(Category::$v => concat!("/logs/", $s),)+
                }
            }
        }

        #[cfg(feature = "ssr")]
        $crate::list::registry::categories!(@server ($) $dv => $dm::$dt, $($v => $m::$t),+);
    };
    (@server ($d:tt) $($v:ident => $m:ident :: $t:ident),+) => {
        $(impl $crate::db::list::Listed for $m::$t {
            const CATEGORY: Category = Category::$v;
        })+

        /// Runs `$body` with `$t` bound to the [`LogTable`](crate::db::list::LogTable) of
        /// `$category`.
        macro_rules! with_log_table {
            ($d category:expr, $d table:ident => $d body:expr) => {{
                match $d category {
                    $($crate::categories::Category::$v => {
                        type $d table = $crate::categories::$m::$t;
                        $d body
                    })+
                }
            }};
        }
        pub(crate) use with_log_table;
    };
}
pub(crate) use categories;
