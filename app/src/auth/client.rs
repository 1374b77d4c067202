//! Who is at the other end of a request, and the cookies the console gives them.
//!
//! The server establishes a request's [`Client`] once, before any route sees it (from the
//! connection and, only when it comes from a trusted proxy, the proxy's `X-Forwarded-For` and
//! `X-Forwarded-Proto`; see `server::front`), and puts it in the request's extensions.
//! Everything else (the logs' client address, the login throttle, cookies' `Secure`) reads
//! it from there, so no header can be believed by accident somewhere else.

use axum::http::{header, Extensions, HeaderMap, HeaderValue};
use std::net::{IpAddr, Ipv4Addr};

/// The client of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    pub address: IpAddr,
    /// The browser reached the console over HTTPS (through a TLS-terminating proxy, or a
    /// public URL that says so).
    pub https: bool,
}

impl Client {
    /// The request's client. A request the server did not establish a client for (a unit
    /// test calling a handler directly) is an unknown plain-HTTP client.
    pub fn of(extensions: &Extensions) -> Client {
        extensions
            .get::<Client>()
            .copied()
            .unwrap_or(Client { address: IpAddr::V4(Ipv4Addr::UNSPECIFIED), https: false })
    }
}

/// The console's cookies. Over HTTPS their names carry the `__Host-` prefix, so the browser
/// accepts them only with `Secure`, `Path=/` and no `Domain`: no other host (a sibling
/// subdomain) and no plain-HTTP page can set or shadow them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsoleCookie {
    /// The session (see [`super::session`]).
    Session,
    /// The nonce that pairs a login form with the browser that loaded it.
    LoginNonce,
}

impl ConsoleCookie {
    pub fn name(self, https: bool) -> &'static str {
        match (self, https) {
            (ConsoleCookie::Session, false) => super::SESSION_COOKIE,
            (ConsoleCookie::Session, true) => "__Host-pslog_session",
            (ConsoleCookie::LoginNonce, false) => super::LOGIN_COOKIE,
            (ConsoleCookie::LoginNonce, true) => "__Host-pslog_login",
        }
    }

    /// The login nonce is only sent back to the login path, except where `__Host-` wants `/`.
    fn path(self, https: bool) -> &'static str {
        match (self, https) {
            (ConsoleCookie::LoginNonce, false) => "/login",
            _ => "/",
        }
    }

    /// How long the browser keeps it: the session until the browser closes (the server ends
    /// it when idle), a login form's nonce an hour.
    fn max_age(self) -> Option<cookie::time::Duration> {
        match self {
            ConsoleCookie::Session => None,
            ConsoleCookie::LoginNonce => Some(cookie::time::Duration::hours(1)),
        }
    }

    /// A `Set-Cookie` value: HttpOnly and SameSite=Strict always, Secure over HTTPS. `None`
    /// as the value deletes the cookie.
    pub fn set(self, value: Option<&str>, https: bool) -> HeaderValue {
        let mut cookie = cookie::Cookie::build((self.name(https), value.unwrap_or("")))
            .path(self.path(https))
            .http_only(true)
            .same_site(cookie::SameSite::Strict)
            .secure(https);
        match (value, self.max_age()) {
            (None, _) => cookie = cookie.max_age(cookie::time::Duration::ZERO),
            (Some(_), Some(age)) => cookie = cookie.max_age(age),
            (Some(_), None) => {}
        }
        HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// Its value in a request's `Cookie` headers (under the name for the request's scheme).
    pub fn read(self, headers: &HeaderMap, https: bool) -> Option<String> {
        let name = self.name(https);
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(cookie::Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned())
    }

    /// Whether a response sets (or deletes) this cookie.
    pub fn is_set_by(self, headers: &HeaderMap, https: bool) -> bool {
        let prefix = format!("{}=", self.name(https));
        headers.get_all(header::SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(prefix.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_strict_and_host_only_over_https() {
        let plain = ConsoleCookie::Session.set(Some("abc"), false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("pslog_session=abc"), "{plain}");
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Strict") && !plain.contains("Secure"));
        let tls = ConsoleCookie::Session.set(Some("abc"), true);
        let tls = tls.to_str().unwrap();
        for attribute in ["__Host-pslog_session=abc", "Path=/", "Secure", "HttpOnly"] {
            assert!(tls.contains(attribute), "{tls} has {attribute}");
        }
        assert!(!tls.contains("Domain"));
        let nonce = ConsoleCookie::LoginNonce.set(Some("n1"), false);
        let nonce = nonce.to_str().unwrap();
        for attribute in ["pslog_login=n1", "Path=/login", "HttpOnly", "SameSite=Strict", "Max-Age=3600"] {
            assert!(nonce.contains(attribute), "{nonce} has {attribute}");
        }
        let nonce = ConsoleCookie::LoginNonce.set(Some("n1"), true);
        let nonce = nonce.to_str().unwrap();
        assert!(nonce.starts_with("__Host-pslog_login=n1") && nonce.contains("Secure"), "{nonce}");
        assert!(nonce.contains("Path=/") && !nonce.contains("Path=/login"), "__Host- wants Path=/: {nonce}");
        let gone = ConsoleCookie::Session.set(None, false);
        assert!(gone.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn a_cookie_is_read_under_the_name_of_the_scheme() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; pslog_session=xyz; __Host-pslog_session=tls"));
        assert_eq!(ConsoleCookie::Session.read(&headers, false).as_deref(), Some("xyz"));
        assert_eq!(ConsoleCookie::Session.read(&headers, true).as_deref(), Some("tls"));
        assert_eq!(ConsoleCookie::LoginNonce.read(&headers, false), None);
    }
}
