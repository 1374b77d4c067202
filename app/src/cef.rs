//! ArcSight Common Event Format (CEF) lines, as the SIEM interface writes them:
//! `CEF:0|Vendor|Product|Version|SignatureId|Name|Severity|key=value ...`.

/// Who writes the CEF lines: the header's vendor, product and version and the device fields
/// of every line. Appliance settings (editable, audited); the defaults are the seeds' example.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub vendor: String,
    pub product: String,
    pub version: String,
    pub device_external_id: String,
    pub dhost: String,
}

impl Default for Identity {
    fn default() -> Identity {
        Identity {
            vendor: "Internal Application".into(),
            product: "Secure Mobile Voice".into(),
            version: "12.0".into(),
            device_external_id: "76293-1".into(),
            dhost: String::new(),
        }
    }
}

/// One field of [`Identity`]: its settings column, its label, and how to reach it. The
/// settings page, its validation, its audit and the database all go through this list.
pub struct IdentityField {
    pub column: &'static str,
    /// The field's name in [`Identity`] (and in the settings form: `cef[key]`).
    pub key: &'static str,
    pub label: &'static str,
    /// The Auditing object id of a change.
    pub setting: &'static str,
    /// May it be empty (`dhost` is, in the seeds' example)?
    pub optional: bool,
    pub get: fn(&Identity) -> &String,
    pub get_mut: fn(&mut Identity) -> &mut String,
}

/// Every field of [`Identity`], in the order the settings page shows them.
pub const IDENTITY_FIELDS: &[IdentityField] = &[
    IdentityField {
        column: "cef_vendor",
        key: "vendor",
        label: "CEF vendor",
        setting: "CEF.VENDOR",
        optional: false,
        get: |i| &i.vendor,
        get_mut: |i| &mut i.vendor,
    },
    IdentityField {
        column: "cef_product",
        key: "product",
        label: "CEF product",
        setting: "CEF.PRODUCT",
        optional: false,
        get: |i| &i.product,
        get_mut: |i| &mut i.product,
    },
    IdentityField {
        column: "cef_version",
        key: "version",
        label: "CEF version",
        setting: "CEF.VERSION",
        optional: false,
        get: |i| &i.version,
        get_mut: |i| &mut i.version,
    },
    IdentityField {
        column: "cef_device_external_id",
        key: "device_external_id",
        label: "Device external id",
        setting: "CEF.DEVICE_EXTERNAL_ID",
        optional: false,
        get: |i| &i.device_external_id,
        get_mut: |i| &mut i.device_external_id,
    },
    IdentityField {
        column: "cef_dhost",
        key: "dhost",
        label: "Device host name",
        setting: "CEF.DHOST",
        optional: true,
        get: |i| &i.dhost,
        get_mut: |i| &mut i.dhost,
    },
];

/// The longest value of an [`Identity`] field (ArcSight's header fields are at most 63).
pub const MAX_IDENTITY_LEN: usize = 63;

#[cfg(feature = "ssr")]
pub use line::*;

/// Writing lines: the server's.
#[cfg(feature = "ssr")]
mod line {
    use super::Identity;

    /// Escapes a header field: `\` and `|`.
    fn header(field: &str) -> String {
        field.replace('\\', "\\\\").replace('|', "\\|")
    }

    /// Escapes an extension value: `\`, `=` and line breaks.
    fn extension_value(value: &str) -> String {
        value.replace('\\', "\\\\").replace('=', "\\=").replace("\r\n", "\\n").replace('\n', "\\n").replace('\r', "\\r")
    }

    /// One CEF event of this appliance.
    #[derive(Clone, Debug, PartialEq)]
    pub struct CefEvent<'a> {
        pub signature_id: &'a str,
        pub name: &'a str,
        /// 0 (lowest) to 10.
        pub severity: u8,
        /// Standard keys (start, end, suser, src, dhost, msg, act, cat, ...) and their values.
        pub extension: Vec<(&'static str, String)>,
    }

    impl CefEvent<'_> {
        pub fn to_line(&self, identity: &Identity) -> String {
            let ext: Vec<String> = self.extension.iter().map(|(k, v)| format!("{k}={}", extension_value(v))).collect();
            format!(
                "CEF:0|{}|{}|{}|{}|{}|{}|{}",
                header(&identity.vendor),
                header(&identity.product),
                header(&identity.version),
                header(self.signature_id),
                header(self.name),
                self.severity.min(10),
                ext.join(" ")
            )
        }
    }

    /// A CEF time as the seeds write it (`May 11 2015 11:06:34`, one of CEF's own formats), UTC.
    fn cef_time(at_ms: i64) -> String {
        chrono::DateTime::from_timestamp_millis(at_ms)
            .map(|t| t.format("%b %d %Y %H:%M:%S").to_string())
            .unwrap_or_default()
    }

    /// An event type's signature id, CEF name (as the seeds name a login: "Successful User
    /// Login") and severity.
    pub fn signature(kind: crate::codes::SecurityEventType) -> (&'static str, &'static str, u8) {
        use crate::codes::SecurityEventType as K;
        match kind {
            K::LogIn => ("LL01", "Successful User Login", 2),
            K::LogOut => ("LL02", "User Logout", 2),
            K::LoginFailed => ("LL03", "Failed User Login", 6),
            K::Heartbeat => ("HB01", "Heartbeat", 1),
            K::ApplianceConfigurationChange => ("CC01", "Appliance Configuration Change", 4),
            K::SecurityConfigurationChange => ("CC02", "Security Configuration Change", 7),
            K::System => ("SY01", "System Event", 3),
            K::DataExport => ("DX01", "Data Export", 5),
        }
    }

    /// The CEF line of a console or appliance event, as Security Events' Details holds it: the
    /// seeds' extensions (`start`, `end`, `deviceExternalId`, `dhost`) and the event's own
    /// (`msg`, `cat`, and the user and their address when known).
    pub fn console_event(
        identity: &Identity,
        kind: crate::codes::SecurityEventType,
        description: &str,
        at_ms: i64,
        user: &str,
        ip: &str,
    ) -> String {
        let (signature_id, name, severity) = signature(kind);
        let mut extension = vec![("start", cef_time(at_ms)), ("end", cef_time(at_ms))];
        extension.push(("msg", description.to_owned()));
        extension.push(("cat", kind.code().to_owned()));
        if !user.is_empty() {
            extension.push(("suser", user.to_owned()));
        }
        if !ip.is_empty() {
            extension.push(("src", ip.to_owned()));
        }
        extension.push(("deviceExternalId", identity.device_external_id.clone()));
        extension.push(("dhost", identity.dhost.clone()));
        CefEvent { signature_id, name, severity, extension }.to_line(identity)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// A CEF reader, as a SIEM would parse the line: seven header fields and the extension.
        fn parse(line: &str) -> (Vec<String>, Vec<(String, String)>) {
            let mut header = Vec::new();
            let mut field = String::new();
            let mut chars = line.chars();
            while header.len() < 7 {
                match chars.next().expect("a complete header") {
                    '\\' => field.push(chars.next().expect("an escaped character")),
                    '|' => header.push(std::mem::take(&mut field)),
                    c => field.push(c),
                }
            }
            // The extension: `key=value` pairs; a value runs until the space before the next key.
            let rest: String = chars.collect();
            let mut pairs: Vec<(String, String)> = Vec::new();
            let mut token = String::new();
            let mut it = rest.chars().peekable();
            while let Some(c) = it.next() {
                match c {
                    '\\' => match it.next() {
                        Some('n') => token.push('\n'),
                        Some('r') => token.push('\r'),
                        Some(other) => token.push(other),
                        None => {}
                    },
                    '=' => {
                        // The key is the last word of what came before.
                        let (before, key) = match token.rfind(' ') {
                            Some(i) => (token[..i].to_owned(), token[i + 1..].to_owned()),
                            None => (String::new(), token.clone()),
                        };
                        if let Some(last) = pairs.last_mut() {
                            last.1 = before;
                        }
                        pairs.push((key, String::new()));
                        token.clear();
                    }
                    c => token.push(c),
                }
            }
            if let Some(last) = pairs.last_mut() {
                last.1 = token;
            }
            (header, pairs)
        }

        #[test]
        fn header_and_extension_are_escaped() {
            let line = CefEvent {
                signature_id: "LL01",
                name: "Login|ok",
                severity: 2,
                extension: vec![("suser", "a=b\\c".into()), ("msg", "two\nlines".into())],
            }
            .to_line(&Identity::default());
            assert_eq!(
                line,
                "CEF:0|Internal Application|Secure Mobile Voice|12.0|LL01|Login\\|ok|2|suser=a\\=b\\\\c msg=two\\nlines"
            );
        }

        #[test]
        fn a_siem_reads_back_every_field() {
            let tricky = [
                ("suser", "ad|min=root\\x".to_owned()),
                ("msg", "Setting A changed to b=c\nand \\d".to_owned()),
                ("src", "93.57.41.37".to_owned()),
                ("cs1", "trailing space ".to_owned()),
                ("dhost", String::new()),
            ];
            let event = CefEvent {
                signature_id: "CC|02",
                name: "Name with \\ and |",
                severity: 7,
                extension: tricky.iter().map(|(k, v)| (*k, v.clone())).collect(),
            };
            let identity = Identity { vendor: "Acme|Corp".into(), ..Identity::default() };
            let (header, pairs) = parse(&event.to_line(&identity));
            assert_eq!(
                header,
                ["CEF:0", "Acme|Corp", "Secure Mobile Voice", "12.0", "CC|02", "Name with \\ and |", "7"]
            );
            let expected: Vec<(String, String)> = tricky.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
            assert_eq!(pairs, expected);
        }

        #[test]
        fn a_login_reads_as_in_the_seeds() {
            let at = chrono::DateTime::parse_from_rfc3339("2015-05-11T11:06:34Z").unwrap().timestamp_millis();
            let line = console_event(
                &Identity::default(),
                crate::codes::SecurityEventType::LogIn,
                "Successful login",
                at,
                "admin",
                "",
            );
            assert_eq!(
                line,
                "CEF:0|Internal Application|Secure Mobile Voice|12.0|LL01|Successful User Login|2|start=May 11 2015 11:06:34 \
                 end=May 11 2015 11:06:34 msg=Successful login cat=LOG_IN suser=admin deviceExternalId=76293-1 dhost="
            );
        }
    }
}
