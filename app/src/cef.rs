//! ArcSight Common Event Format (CEF) lines, as the SIEM interface writes them:
//! `CEF:0|Vendor|Product|Version|SignatureId|Name|Severity|key=value ...`.

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
    /// Standard keys (rt, suser, src, dhost, msg, act, cat, ...) and their values.
    pub extension: Vec<(&'static str, String)>,
}

pub const VENDOR: &str = "Internal Application";
pub const PRODUCT: &str = "Secure Mobile Voice";
pub const VERSION: &str = "15.0";

impl CefEvent<'_> {
    pub fn to_line(&self) -> String {
        let ext: Vec<String> = self.extension.iter().map(|(k, v)| format!("{k}={}", extension_value(v))).collect();
        format!(
            "CEF:0|{}|{}|{}|{}|{}|{}|{}",
            header(VENDOR),
            header(PRODUCT),
            header(VERSION),
            header(self.signature_id),
            header(self.name),
            self.severity.min(10),
            ext.join(" ")
        )
    }
}

/// The CEF line of a console or appliance event, as Security Events' Details holds it:
/// signature and severity by event type, the time, the user and their address.
pub fn console_event(kind: crate::codes::SecurityEventType, name: &str, at_ms: i64, user: &str, ip: &str) -> String {
    use crate::codes::SecurityEventType as K;
    let (signature_id, severity) = match kind {
        K::LogIn => ("LL01", 2),
        K::LogOut => ("LL02", 2),
        K::LoginFailed => ("LL03", 6),
        K::Heartbeat => ("HB01", 1),
        K::ApplianceConfigurationChange => ("CC01", 4),
        K::SecurityConfigurationChange => ("CC02", 7),
        K::System => ("SY01", 3),
    };
    CefEvent {
        signature_id,
        name,
        severity,
        extension: vec![
            ("rt", at_ms.to_string()),
            ("cat", kind.code().to_owned()),
            ("suser", user.to_owned()),
            ("src", ip.to_owned()),
            ("deviceExternalId", "76293-1".to_owned()),
            ("dhost", "privateserver.example.com".to_owned()),
        ],
    }
    .to_line()
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
        .to_line();
        assert_eq!(
            line,
            "CEF:0|Internal Application|Secure Mobile Voice|15.0|LL01|Login\\|ok|2|suser=a\\=b\\\\c msg=two\\nlines"
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
        let (header, pairs) = parse(&event.to_line());
        assert_eq!(header, ["CEF:0", VENDOR, PRODUCT, VERSION, "CC|02", "Name with \\ and |", "7"]);
        let expected: Vec<(String, String)> = tricky.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        assert_eq!(pairs, expected);
    }
}
