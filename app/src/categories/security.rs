//! Security Events: the SIEM interface's events, each with its CEF line (seed name
//! SecurityEvent). They mirror events that also exist, raw, in another log.

use crate::codes::SecurityEventType;
use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// A SIEM event.
    pub struct SecurityEvent in "security_event" {
        id: i64,
        occurred_at: UtcMillis,
        description: String => searched,
        event_type: SecurityEventType => searched,
        /// The event as one CEF line.
        details: String => searched,
        processed: bool,
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "Security Events",
    summary: "Every event of the SIEM interface: logins, logouts, configuration changes and heartbeats. \
              The detail of each shows it as a CEF line, as sent to ArcSight.",
    time: SecurityEvent::occurred_at,
    columns: &[
        C::new("Timestamp", SecurityEvent::occurred_at).sorted_as("timestamp").links_detail(),
        C::new("Description", SecurityEvent::description).sorted_as("description").filtered_as("description"),
        C::new("Event Type", SecurityEvent::event_type).sorted_as("type").filtered_as("type"),
        C::new("Processed", SecurityEvent::processed).filtered_as("processed"),
    ],
    detail: &[C::new("Details", SecurityEvent::details)],
    accounts: &[],
    hourly: Some("security_event_hourly"),
    text_index: Some("security_event_text"),
};

#[cfg(feature = "ssr")]
pub use server::SecurityEvents;

#[cfg(feature = "ssr")]
mod server {
    use super::SecurityEvent;
    use crate::db::list::LogTable;

    pub struct SecurityEvents;

    impl SecurityEvent {
        /// A new row about something `user` did from `ip`, with its CEF line as `identity` writes
        /// it (its id is the database's; it is processed once forwarded to a SIEM).
        pub fn new(
            identity: &crate::cef::Identity,
            at: i64,
            event_type: crate::codes::SecurityEventType,
            description: &str,
            user: &str,
            ip: &str,
        ) -> SecurityEvent {
            SecurityEvent {
                id: 0,
                occurred_at: crate::models::UtcMillis(at),
                description: description.to_owned(),
                event_type,
                details: crate::cef::console_event(identity, event_type, description, at, user, ip),
                processed: false,
            }
        }
    }

    impl LogTable for SecurityEvents {
        type Row = SecurityEvent;

        /// An event sent without a CEF line gets one, as the console's own events have.
        fn ingested(row: &mut SecurityEvent, identity: &crate::cef::Identity) {
            if row.details.trim().is_empty() {
                row.details =
                    crate::cef::console_event(identity, row.event_type, &row.description, row.occurred_at.0, "", "");
            }
        }
    }
}
