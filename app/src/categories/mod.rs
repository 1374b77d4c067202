//! One module per log category: its columns, filters, legends and links, and (on the server)
//! where its rows live and how each is shown.

pub mod web_sessions;
