//! The console's front door, before any route: who the client is, whether the request was
//! meant for this console, and the headers every answer carries (SPEC §12).
//!
//! - **The client** ([`Client`]): the connection's address, unless the connection comes from a
//!   `--trusted-proxy` range; only then are `X-Forwarded-For` (the nearest address that is not
//!   itself a trusted proxy) and `X-Forwarded-Proto` believed. Nothing else reads those
//!   headers.
//! - **The host allow-list**: with `--public-url`, a request whose `Host` (or, from a trusted
//!   proxy, `X-Forwarded-Host`) is not the public URL's is answered 421 (DNS rebinding, cache
//!   poisoning with a forged host). The origin that state-changing requests must come from
//!   ([`ConsoleOrigin`]) is the public URL's, or without one this request's scheme and host.
//! - **Headers**: HSTS over HTTPS (the Content-Security-Policy, which carries each page's
//!   nonce, is set where the page is rendered: `app::shell`).

use app::auth::client::Client;
use app::error::AppError;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// How the console is reached: from the command line (`--trusted-proxy`, `--public-url`).
#[derive(Clone, Debug, Default)]
pub struct Front {
    pub trusted_proxies: Vec<IpNet>,
    pub public_url: Option<url::Url>,
}

/// The origin (`scheme://host[:port]`) of the console as this request's browser sees it:
/// where a state-changing request must come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleOrigin(pub url::Origin);

/// The value of a header that may be sent as a comma-separated list, its items trimmed.
fn list_items(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

impl Front {
    fn trusts(&self, address: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&address))
    }

    /// The request's client (see the module).
    pub fn client(&self, remote: SocketAddr, headers: &HeaderMap) -> Client {
        let public_https = self.public_url.as_ref().is_some_and(|u| u.scheme() == "https");
        let peer = remote.ip().to_canonical();
        if !self.trusts(peer) {
            return Client { address: peer, https: public_https };
        }
        // From the right: each proxy appends the address it got the request from; the first
        // one that is not a trusted proxy is the client (anything left of it is the client's
        // own claim, and worthless).
        let forwarded: Vec<IpAddr> = list_items(headers, "x-forwarded-for")
            .iter()
            .map_while(|item| item.parse::<IpAddr>().ok().map(|a| a.to_canonical()))
            .collect();
        let address = forwarded.iter().rev().find(|a| !self.trusts(**a)).or(forwarded.first()).copied().unwrap_or(peer);
        let proto_https =
            list_items(headers, "x-forwarded-proto").last().is_some_and(|p| p.eq_ignore_ascii_case("https"));
        Client { address, https: proto_https || public_https }
    }

    /// The host the request was sent to: from a trusted proxy its `X-Forwarded-Host`.
    fn host<'h>(&self, remote: SocketAddr, headers: &'h HeaderMap) -> Option<&'h str> {
        let forwarded = headers.get("x-forwarded-host").filter(|_| self.trusts(remote.ip().to_canonical()));
        forwarded.or_else(|| headers.get(header::HOST)).and_then(|v| v.to_str().ok())
    }

    /// Where state-changing requests must come from, or a refusal when the request was sent
    /// to a host that is not this console's.
    pub fn origin(&self, remote: SocketAddr, headers: &HeaderMap, client: &Client) -> Result<ConsoleOrigin, AppError> {
        let host = self.host(remote, headers).unwrap_or_default();
        let scheme = if client.https { "https" } else { "http" };
        let seen = url::Url::parse(&format!("{scheme}://{host}/")).ok().filter(|_| !host.is_empty());
        match (&self.public_url, seen) {
            // The host name only: proxies often drop or change the port they forward.
            (Some(public), Some(seen)) if public.host() == seen.host() => Ok(ConsoleOrigin(public.origin())),
            (Some(public), _) => Err(AppError::MisdirectedRequest(format!(
                "This console answers at {} only.",
                public.origin().ascii_serialization()
            ))),
            (None, Some(seen)) => Ok(ConsoleOrigin(seen.origin())),
            (None, None) => Err(AppError::BadRequest("The request has no valid Host header.".into())),
        }
    }
}

/// The middleware (outermost but for tracing): establishes [`Client`] and [`ConsoleOrigin`],
/// refuses requests for other hosts, and adds HSTS over HTTPS.
pub async fn door(front: axum::extract::State<Arc<Front>>, mut request: Request<Body>, next: Next) -> Response {
    let remote = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
    let client = front.client(remote, request.headers());
    // HTTP/2 sends the host as the request's authority, not as a Host header.
    if !request.headers().contains_key(header::HOST) {
        if let Some(authority) = request.uri().authority().and_then(|a| HeaderValue::from_str(a.as_str()).ok()) {
            request.headers_mut().insert(header::HOST, authority);
        }
    }
    let origin = match front.origin(remote, request.headers(), &client) {
        Ok(origin) => origin,
        Err(e) => return e.into_response(),
    };
    request.extensions_mut().insert(client);
    request.extensions_mut().insert(origin);
    let mut response = next.run(request).await;
    if client.https {
        // A year, as the HSTS preload list asks; subdomains are not the console's to decide.
        response
            .headers_mut()
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static("max-age=31536000"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    fn remote(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 40000)
    }

    #[test]
    fn forwarded_headers_are_believed_from_trusted_proxies_only() {
        let front = Front { trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()], public_url: None };
        let forged = headers(&[("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")]);
        let direct = front.client(remote("198.51.100.4"), &forged);
        assert_eq!(direct.address.to_string(), "198.51.100.4", "a client cannot name itself");
        assert!(!direct.https);
        let proxied = front.client(remote("10.1.2.3"), &forged);
        assert_eq!(proxied.address.to_string(), "203.0.113.9");
        assert!(proxied.https);
        // The client's own claim left of what the proxies saw is ignored.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.9.9.9")]);
        assert_eq!(front.client(remote("10.1.2.3"), &chain).address.to_string(), "203.0.113.9");
        // IPv4-mapped IPv6 peers are matched as IPv4.
        assert_eq!(front.client(remote("::ffff:10.1.2.3"), &forged).address.to_string(), "203.0.113.9");
        let untrusting = Front::default();
        assert_eq!(untrusting.client(remote("10.1.2.3"), &forged).address.to_string(), "10.1.2.3");
    }

    #[test]
    fn only_the_public_host_is_served_when_one_is_set() {
        let front = Front {
            trusted_proxies: vec![],
            public_url: Some(url::Url::parse("https://pslog.example:8443/").unwrap()),
        };
        let client = front.client(remote("198.51.100.4"), &HeaderMap::new());
        assert!(client.https, "the public URL says HTTPS");
        let ok = front.origin(remote("198.51.100.4"), &headers(&[("host", "pslog.example:8443")]), &client).unwrap();
        assert_eq!(ok.0.ascii_serialization(), "https://pslog.example:8443");
        let proxied = front.origin(remote("198.51.100.4"), &headers(&[("host", "PSLOG.example")]), &client);
        assert!(proxied.is_ok(), "a proxy may drop the port; names are case-insensitive");
        for bad in ["evil.example", "pslog.example.evil", "evil.example:8443", ""] {
            let h = if bad.is_empty() { HeaderMap::new() } else { headers(&[("host", Box::leak(bad.into()))]) };
            assert!(front.origin(remote("198.51.100.4"), &h, &client).is_err(), "{bad}");
        }
        let open = Front::default();
        let plain = open.client(remote("127.0.0.1"), &HeaderMap::new());
        let seen = open.origin(remote("127.0.0.1"), &headers(&[("host", "127.0.0.1:3000")]), &plain).unwrap();
        assert_eq!(seen.0.ascii_serialization(), "http://127.0.0.1:3000");
    }
}
