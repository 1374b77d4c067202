//! The pages and the components they share.

pub mod account;
pub mod api_tokens;
pub mod chips;
pub mod console_users;
pub mod follow;
pub mod home;
pub mod log_detail;
pub mod log_list;
pub mod login;
pub mod settings;
pub mod shell;
pub mod url;
