//! One struct per kind of row the appliance stores. Timestamps are UTC milliseconds since the
//! Unix epoch ([`UtcMillis`]): exact, sortable, the same in every database, and cheap to ship
//! to the browser (the server formats them in the appliance's zone).

use crate::codes::*;
use serde::{Deserialize, Serialize};

/// A UTC instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UtcMillis(pub i64);

/// A VoIP account (SIP peername) of the appliance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    /// SIP peername.
    pub username: String,
    pub description: String,
    pub phone_number: String,
    pub group_name: String,
    pub platform: Option<Platform>,
}

/// A web-console authentication event (seed name AuthenticationEvent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebSession {
    pub id: i64,
    pub occurred_at: UtcMillis,
    pub result: AuthResult,
    /// The principal; "anonymousUser" marks a system-triggered event.
    pub username: String,
    pub ip_address: String,
}

/// A SIEM event (seed name SecurityEvent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityEvent {
    pub id: i64,
    pub occurred_at: UtcMillis,
    pub description: String,
    pub event_type: SecurityEventType,
    /// The event as one CEF line.
    pub details: String,
    pub processed: bool,
}

/// An event of the appliance outside the web console (seed name SystemEvent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SystemEvent {
    pub id: i64,
    pub occurred_at: UtcMillis,
    pub description: String,
    pub details: String,
}

/// A change of a configuration object by a console user (seed name AuditLogEvent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: UtcMillis,
    pub actor: String,
    pub change: AuditChange,
    pub object_type: String,
    pub object_id: String,
}

/// A call detail record: one leg of a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cdr {
    pub id: i64,
    pub call_date: UtcMillis,
    pub caller_number: String,
    pub caller_name: String,
    pub caller_group: String,
    pub caller_account_id: Option<i64>,
    pub caller_user_agent: String,
    pub callee_number: String,
    pub callee_name: String,
    pub callee_group: String,
    pub callee_account_id: Option<i64>,
    pub callee_user_agent: String,
    /// Seconds from dialing to hang-up.
    pub total_duration: i64,
    /// Seconds from answer to hang-up.
    pub call_duration: i64,
    pub disposition: Disposition,
    pub hangup_cause: Option<HangupCause>,
    /// Groups the legs of a transfer, three-way call or conference.
    pub call_id: String,
    pub call_type: CallType,
    /// Trunk name when the call went out by a trunk.
    pub call_route: String,
}

/// A SIP client activity event (seed name SessionLogEntry).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SipSession {
    pub id: i64,
    pub occurred_at: UtcMillis,
    pub event: SipEvent,
    pub source: SipSource,
    /// SIP peername; empty on CONNECT/DISCONNECT until reconciled.
    pub peername: String,
    pub account_id: Option<i64>,
    pub details: String,
    pub useragent: String,
    /// "ip:port" of the client.
    pub remote_addr: String,
    pub tls_cipher: String,
    pub transport: Transport,
    pub reconciled: bool,
    /// REGISTER only: seconds the registration is valid for.
    pub expires_secs: Option<i64>,
}

/// Transport data of one Secure Message (there is no payload anywhere).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecureMessage {
    pub id: i64,
    pub uuid: String,
    pub from_account: String,
    pub from_account_id: Option<i64>,
    pub to_account: String,
    pub to_account_id: Option<i64>,
    pub tech_message: bool,
    pub api_version: i64,
    pub status: MessageStatus,
    pub send_attempts: i64,
    pub received_at: UtcMillis,
    pub processed_at: Option<UtcMillis>,
}

/// A message that helps a customer install the right client edition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstallMessage {
    pub id: i64,
    pub occurred_at: UtcMillis,
    pub account: String,
    pub account_id: Option<i64>,
    pub platform: Option<Platform>,
    pub variant: Variant,
    pub sent: bool,
    pub sent_by: String,
    pub recipient: String,
    pub message_type: MessageType,
    pub message_link: String,
    pub token: String,
}

/// A provisioning message carrying the URI of an account's configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivationMessage {
    pub id: i64,
    pub occurred_at: UtcMillis,
    pub consumed: bool,
    pub account: String,
    pub account_id: Option<i64>,
    pub sent: bool,
    pub sent_by: String,
    pub recipient: String,
    pub message_type: MessageType,
    pub message_link: String,
    pub token: String,
    pub valid_until: Option<UtcMillis>,
}

/// The appliance settings (one row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// IANA time zone every timestamp is shown in.
    pub time_zone: String,
    pub cdr_masking: MaskingPolicy,
    pub cdr_retention_period: RetentionPeriod,
    /// 0 with [`RetentionPeriod::Day`] is the "No-CDR" privacy option.
    pub cdr_retention_count: i64,
}

impl Settings {
    /// The "No-CDR" privacy option: direct calls are not recorded at all.
    pub fn no_cdr(&self) -> bool {
        self.cdr_retention_period == RetentionPeriod::Day && self.cdr_retention_count == 0
    }
}
