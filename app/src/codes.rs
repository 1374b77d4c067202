//! Every closed set of codes the appliance writes, with each code's meaning from the manual
//! (`shared/seeds/`). One macro declares the enum, its wire/storage code, its display label and
//! its meaning, so the filter forms, legends, tooltips and parsing all come from the same
//! list; a test (`check_constraints_match_the_code_lists`) holds the database's CHECK
//! constraints to it.

use serde::{Deserialize, Serialize};

/// One code as the UI shows it: the stored code, its label and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub label: &'static str,
    pub meaning: &'static str,
}

/// A closed set of codes: its name (for error messages) and its codes in order.
#[derive(Debug, PartialEq, Eq)]
pub struct CodeList {
    pub name: &'static str,
    pub codes: &'static [CodeInfo],
}

/// A value that is not one of a code set's codes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a known {set}")]
pub struct UnknownCode {
    pub set: &'static str,
    pub value: String,
}

/// What every code enum offers, for generic code (filters, decoding).
pub trait CodeSet: Copy + std::str::FromStr<Err = UnknownCode> + 'static {
    fn info(self) -> &'static CodeInfo;
    fn code(self) -> &'static str {
        self.info().code
    }
}

macro_rules! label_or_code {
    ($code:literal) => {
        $code
    };
    ($code:literal, $label:literal) => {
        $label
    };
}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $set:literal {
        $($variant:ident = $code:literal $(as $label:literal)? : $meaning:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            pub const CODES: &'static [CodeInfo] = &[$(CodeInfo {
                code: $code,
                label: label_or_code!($code $(, $label)?),
                meaning: $meaning,
            }),+];
            pub const LIST: CodeList = CodeList { name: $set, codes: Self::CODES };

            pub const fn code(self) -> &'static str {
                self.info().code
            }

            pub const fn label(self) -> &'static str {
                self.info().label
            }

            pub const fn meaning(self) -> &'static str {
                self.info().meaning
            }

            pub const fn info(self) -> &'static CodeInfo {
                &Self::CODES[self as usize]
            }
        }

        impl CodeSet for $name {
            fn info(self) -> &'static CodeInfo {
                $name::info(self)
            }
        }

        impl $crate::list::ColumnType for $name {
            const KIND: $crate::list::ColumnKind = $crate::list::ColumnKind::Code(&Self::LIST);
        }

        #[cfg(feature = "ssr")]
        impl $crate::db::record::ColumnValue for $name {
            fn read(row: &sqlx::any::AnyRow, column: &str) -> Result<Self, $crate::error::AppError> {
                $crate::db::record::read_code(row, column)?
                    .ok_or_else(|| $crate::error::AppError::internal("stored code", format!("{column} is empty")))
            }
            fn value(&self) -> sea_query::Value {
                self.code().into()
            }
            fn cell_value(&self) -> $crate::db::record::CellValue<'_> {
                $crate::db::record::CellValue::Code(Some(self.info()))
            }
        }

        #[cfg(feature = "ssr")]
        impl $crate::db::record::ColumnValue for Option<$name> {
            fn read(row: &sqlx::any::AnyRow, column: &str) -> Result<Self, $crate::error::AppError> {
                $crate::db::record::read_code(row, column)
            }
            fn value(&self) -> sea_query::Value {
                self.map(|c| c.code()).into()
            }
            fn cell_value(&self) -> $crate::db::record::CellValue<'_> {
                $crate::db::record::CellValue::Code(self.map(|c| c.info()))
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| UnknownCode { set: $set, value: s.to_owned() })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

code_enum!(
    /// Outcome of a web-console authentication (Web Sessions "Result").
    AuthResult, "web session result" {
        Success = "SUCCESS": "Generic successful login; always written together with SUCCESS_INTERACTIVE",
        SuccessInteractive = "SUCCESS_INTERACTIVE": "Successful login through the web interface",
        Logout = "LOGOUT": "The user logged out",
        SessionTimeout = "SESSION_TIMEOUT": "The session expired after inactivity (system-triggered, user \"anonymousUser\")",
        FailUserNotFound = "FAIL_USER_NOT_FOUND": "The login used was not found among the configured users",
        FailCredentialsExpired = "FAIL_CREDENTIALS_EXPIRED": "The password or credentials used are set as expired",
        FailBadCredentials = "FAIL_BAD_CREDENTIALS": "Wrong password",
    }
);

code_enum!(
    /// Kind of SIEM event (Security Events "Event Type").
    SecurityEventType, "security event type" {
        LogIn = "LOG_IN": "A console user logged in",
        LogOut = "LOG_OUT": "A console user logged out, or the session timed out",
        LoginFailed = "LOGIN_FAILED": "A console login attempt failed",
        Heartbeat = "HEARTBEAT": "Periodic liveness event, every 4 hours",
        ApplianceConfigurationChange = "APPLIANCE_CONFIGURATION_CHANGE": "An appliance setting was changed",
        SecurityConfigurationChange = "SECURITY_CONFIGURATION_CHANGE": "A security-relevant setting (TLS, CDR masking, ...) was changed",
        System = "SYSTEM": "An event of the appliance itself (update, reboot, backup, restore)",
        DataExport = "DATA_EXPORT": "Rows of a log were exported as CSV (who, which list, which filter, how many)",
    }
);

code_enum!(
    /// What a console user did to a configuration object (Auditing "Change").
    AuditChange, "audit change" {
        Insert = "INSERT": "The object was created",
        Update = "UPDATE": "The object was changed",
        Delete = "DELETE": "The object was deleted",
    }
);

code_enum!(
    /// Final state of a call.
    Disposition, "disposition" {
        Answered = "ANSWERED": "Callee answered",
        NoAnswer = "NO_ANSWER": "Callee did not answer",
        Busy = "BUSY": "Callee refused the call",
        Failed = "FAILED": "The call could not be placed (e.g. the user was off-line)",
        Cancel = "CANCEL": "Caller hung up during ringing",
        StopConf = "STOP_CONF": "A bridge leg of a transfer, three-way call or conference was closed",
    }
);

code_enum!(
    /// Why the call ended, from the Secure Voice Engine's point of view.
    HangupCause, "hangup cause" {
        NotDefined = "NOT_DEFINED": "No information received, or not one of the known causes",
        NoRouteDestination = "NO_ROUTE_DESTINATION": "The callee is not known to the system and no trunk routes out",
        NormalClearing = "NORMAL_CLEARING": "Call closed normally",
        UserBusy = "USER_BUSY": "The user is busy",
        NoAnswer = "NO_ANSWER": "The callee did not answer and the call timed out",
        CallRejected = "CALL_REJECTED": "The callee rejected the call",
        BearerCapabilityNotAvail = "BEARERCAPABILITY_NOTAVAIL": "Caller and callee use incompatible security models",
        NoUserResponse = "NO_USER_RESPONSE": "Trunk call: the callee did not answer",
        NormalCircuitCongestion = "NORMAL_CIRCUIT_CONGESTION": "Trunk call: no route to the destination",
        SubscriberAbsent = "SUBSCRIBER_ABSENT": "Trunk call: the callee is temporarily not reachable",
    }
);

code_enum!(
    /// Nature of a call; with the Call Id it traces complex calls.
    CallType, "call type" {
        Call = "CALL": "Regular call between two persons",
        ThreeWay = "THREE_WAY" as "3-WAY": "A regular call on which more participants were invited",
        Conference = "CONFERENCE": "Conference room: one number that several persons call",
        Transfer = "TRANSFER": "Regular call that was transferred to a third person",
    }
);

code_enum!(
    /// SIP client activity.
    SipEvent, "SIP event" {
        Connect = "CONNECT": "The client opened a connection to the server (usually: the client was activated)",
        Register = "REGISTER": "The account registered and is now on line",
        Unregister = "UNREGISTER": "The account unregistered and is now off line",
        Disconnect = "DISCONNECT": "The client closed the connection (usually: the client was stopped)",
    }
);

code_enum!(
    /// Which side originated a SIP session event.
    SipSource, "SIP source" {
        Client = "CLIENT": "Initiated by the client",
        Server = "SERVER": "Initiated by the server",
        Unknown = "UNKNOWN": "The originator is not known",
    }
);

code_enum!(
    /// SIP transport of the connection.
    Transport, "transport" {
        Tls = "TLS": "SIP over TLS (encrypted signalling)",
        Tcp = "TCP": "SIP over TCP",
        Udp = "UDP": "SIP over UDP",
    }
);

code_enum!(
    /// Milestones and failures of a Secure Message's delivery.
    MessageStatus, "message status" {
        Enqueued = "ENQUEUED": "Received and queued for delivery",
        Delivered = "DELIVERED": "Delivered; the recipient's device confirmed receipt",
        Expired = "EXPIRED": "Queued for more than 72 hours, no longer valid",
        InvalidRecipient = "INVALID_RECIPIENT": "The recipient cannot deal with Secure Messages",
        InvalidDevice = "INVALID_DEVICE": "The recipient's device does not support Secure Messaging",
        InvalidPayload = "INVALID_PAYLOAD": "Message content empty or bigger than 600 bytes",
    }
);

code_enum!(
    /// Mobile platform of an account's client.
    Platform, "platform" {
        Android = "ANDROID": "Android",
        Iphone = "IPHONE": "iPhone (iOS)",
        Blackberry = "BLACKBERRY": "BlackBerry",
        Nokia = "NOKIA": "Nokia (Symbian)",
        Desktop = "DESKTOP": "Desktop softphone",
    }
);

code_enum!(
    /// Security model of the client edition.
    Variant, "variant" {
        Zrtp = "ZRTP": "End-to-end security model",
        Sdes = "SDES": "End-to-site security model",
    }
);

code_enum!(
    /// How an install or activation message was sent.
    MessageType, "message type" {
        Sms = "SMS": "Sent as a text message using the user's virtual phone number",
        Email = "EMAIL": "Sent by email",
    }
);

code_enum!(
    /// How phone numbers are shown in CDRs.
    MaskingPolicy, "masking policy" {
        None = "NONE": "Phone numbers are shown in full",
        Mask = "MASK": "The middle digits of phone numbers are hidden",
    }
);

code_enum!(
    /// Unit of the CDR retention period.
    RetentionPeriod, "retention period" {
        Day = "DAY": "Days",
        Week = "WEEK": "Weeks",
        Month = "MONTH": "Months",
    }
);

code_enum!(
    /// What a console user may do. Checked on the server by capability types (`auth::Reader`,
    /// `auth::Exporter`, `auth::Admin`), not only by hiding links.
    Role, "role" {
        Admin = "admin" as "Admin": "Everything: every log, exports, settings and console users",
        Auditor = "auditor" as "Auditor": "Reads and exports every log",
        Support = "support" as "Support": "Reads every log; no exports, settings or user management",
    }
);

code_enum!(
    /// What an API token may do. A `read` token reads the JSON and CSV API as an auditor
    /// would; an `ingest` token only sends events. Checked by the capability it yields.
    TokenScope, "token scope" {
        Ingest = "ingest" as "Ingest": "Sends events and accounts (POST /api/v1/...); reads nothing",
        Read = "read" as "Read": "Reads every log as JSON and CSV (GET /api/v1/...), as an auditor",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for r in AuthResult::ALL {
            assert_eq!(r.code().parse::<AuthResult>(), Ok(*r));
        }
        assert_eq!(CallType::ThreeWay.label(), "3-WAY");
        assert_eq!(CallType::ThreeWay.code(), "THREE_WAY");
        let err = "NOT_A_RESULT".parse::<AuthResult>().unwrap_err();
        assert_eq!(err.to_string(), "'NOT_A_RESULT' is not a known web session result");
        // Codes are case-sensitive, as stored.
        assert!("success".parse::<AuthResult>().is_err());
    }

    #[test]
    fn serde_uses_the_stored_codes() {
        assert_eq!(
            serde_json::to_string(&HangupCause::BearerCapabilityNotAvail).unwrap(),
            "\"BEARERCAPABILITY_NOTAVAIL\""
        );
        assert_eq!(serde_json::from_str::<CallType>("\"THREE_WAY\"").unwrap(), CallType::ThreeWay);
    }
}
