//! ArcSight Common Event Format (CEF) lines, as the SIEM interface writes them:
//! `CEF:0|Vendor|Product|Version|SignatureId|Name|Severity|key=value ...`.

/// Escapes a header field: `\` and `|`.
fn header(field: &str) -> String {
    field.replace('\\', "\\\\").replace('|', "\\|")
}

/// Escapes an extension value: `\`, `=` and line breaks.
fn extension_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('=', "\\=")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
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
        let ext: Vec<String> = self
            .extension
            .iter()
            .map(|(k, v)| format!("{k}={}", extension_value(v)))
            .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
