//! The pages and the components they share.

pub mod account;
pub mod home;
pub mod log_detail;
pub mod log_list;
pub mod shell;
pub mod url;
