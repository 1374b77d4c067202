//! System Events: what happened to the appliance outside the web console (seed name
//! SystemEvent): heartbeats, updates, reboots, backups and restores.

use crate::list::{CategorySpec, ColumnSpec as C};
use crate::models::UtcMillis;

crate::record! {
    /// An event of the appliance outside the web console.
    pub struct SystemEvent in "system_event" {
        id: i64,
        occurred_at: UtcMillis,
        description: String => searched,
        details: String => searched,
    }
}

impl SystemEvent {
    /// A new row (its id is the database's).
    pub fn new(at: i64, description: &str, details: &str) -> SystemEvent {
        SystemEvent {
            id: 0,
            occurred_at: UtcMillis(at),
            description: description.to_owned(),
            details: details.to_owned(),
        }
    }
}

pub const SPEC: CategorySpec = CategorySpec {
    title: "System Events",
    summary: "Events of the appliance itself: a heartbeat every 4 hours, software updates, reboots, \
              backups and restores.",
    time: SystemEvent::occurred_at,
    columns: &[
        C::new("Timestamp", SystemEvent::occurred_at).sorted_as("timestamp").links_detail(),
        C::new("Description", SystemEvent::description).sorted_as("description").filtered_as("description"),
        C::new("Details", SystemEvent::details),
    ],
    detail: &[],
    accounts: &[],
    hourly: None,
    text_index: None,
};

/// The System Events list: every cell as its column declares it.
#[cfg(feature = "ssr")]
pub struct SystemEvents;

#[cfg(feature = "ssr")]
impl crate::db::list::LogTable for SystemEvents {
    type Row = SystemEvent;
}
