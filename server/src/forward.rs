//! CEF out to a SIEM (`pslog serve --forward-cef tcp://HOST:PORT`): every Security Event, in
//! id order, as one RFC 5424 syslog line whose message is its CEF line, newline-framed over
//! TCP (RFC 6587's non-transparent framing) or one per datagram over UDP (RFC 5426).
//!
//! Delivery runs from the durable cursor of [`app::forwarding::store`]: events are read after
//! it, written to the receiver, and only then is the cursor moved (and the events marked
//! Processed), in one transaction. A restart or an unreachable receiver therefore loses
//! nothing; it can repeat the last batch when the process dies between the write and the
//! commit (at-least-once). Before each TCP write the connection is checked for a close by the
//! receiver, so that a receiver that went away does not swallow a batch into a dead socket.
//! UDP has no such check: it is best effort, as syslog over UDP always is.

use anyhow::{bail, Context};
use app::db::Db;
use app::forwarding::store::{self, Pending};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use syslog::{Formatter5424, LogFormat, Severity};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpStream, UdpSocket};

/// Events read and sent together.
const BATCH: u64 = 500;
/// How often the cursor is compared with the newest event while all is sent.
const POLL: Duration = Duration::from_millis(250);
/// The first wait after a failure; it doubles up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a connection or a write may take.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Where to send: the value of `--forward-cef`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Tcp(String),
    Udp(String),
}

impl FromStr for Target {
    type Err = anyhow::Error;

    fn from_str(url: &str) -> anyhow::Result<Target> {
        let (target, address): (fn(String) -> Target, &str) = match url.split_once("://") {
            Some(("tcp", address)) => (Target::Tcp, address),
            Some(("udp", address)) => (Target::Udp, address),
            _ => bail!("'{url}' is not a CEF destination: use tcp://HOST:PORT or udp://HOST:PORT"),
        };
        let port = address.rsplit_once(':').map(|(host, port)| (host, port.parse::<u16>()));
        match port {
            Some((host, Ok(port))) if !host.is_empty() && port > 0 => Ok(target(address.to_owned())),
            _ => bail!("'{url}' has no HOST:PORT: use tcp://HOST:PORT or udp://HOST:PORT"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Tcp(address) => write!(f, "tcp://{address}"),
            Target::Udp(address) => write!(f, "udp://{address}"),
        }
    }
}

/// An open connection to the receiver.
enum Link {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

impl Link {
    async fn open(target: &Target) -> anyhow::Result<Link> {
        let link = match target {
            Target::Tcp(address) => Link::Tcp(TcpStream::connect(address).await?),
            Target::Udp(address) => {
                let socket = UdpSocket::bind(if address.starts_with('[') { "[::]:0" } else { "0.0.0.0:0" }).await?;
                socket.connect(address).await?;
                Link::Udp(socket)
            }
        };
        Ok(link)
    }

    /// Still open? A TCP receiver that closed its end has sent a FIN: reading finds it.
    fn is_open(&self) -> bool {
        match self {
            Link::Tcp(stream) => {
                let mut byte = [0u8; 64];
                match stream.try_read(&mut byte) {
                    Ok(0) => false,
                    Ok(_) => true,
                    Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
                }
            }
            Link::Udp(_) => true,
        }
    }

    async fn send(&mut self, lines: &[Vec<u8>]) -> anyhow::Result<()> {
        match self {
            Link::Tcp(stream) => {
                let mut framed = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
                for line in lines {
                    framed.extend_from_slice(line);
                    framed.push(b'\n');
                }
                stream.write_all(&framed).await?;
                stream.flush().await?;
            }
            Link::Udp(socket) => {
                for line in lines {
                    socket.send(line).await?;
                }
            }
        }
        Ok(())
    }
}

/// The syslog severity of a CEF severity (0-3 low, 4-6 medium, 7-8 high, 9-10 very high).
fn severity(cef: u8) -> Severity {
    match cef {
        0..=3 => Severity::LOG_INFO,
        4..=6 => Severity::LOG_WARNING,
        7..=8 => Severity::LOG_ERR,
        _ => Severity::LOG_CRIT,
    }
}

/// One event as an RFC 5424 line: facility authpriv, MSGID the event's id, no structured
/// data, the CEF line as the message.
fn syslog_line(formatter: &Formatter5424, event: &Pending) -> anyhow::Result<Vec<u8>> {
    let (_, _, cef_severity) = app::cef::signature(event.event_type);
    let mut line = Vec::with_capacity(event.details.len() + 96);
    let message_id = u32::try_from(event.id).unwrap_or(0);
    // A CEF line has no line break (the extension escapes them); a sender's own line might.
    let message = event.details.replace(['\r', '\n'], " ");
    formatter
        .format(&mut line, severity(cef_severity), (message_id, Default::default(), message))
        .map_err(|e| anyhow::anyhow!("syslog formatting: {e}"))?;
    Ok(line)
}

/// Sends what comes after the cursor, one batch; how many events were sent.
async fn step(db: &Db, target: &Target, link: &mut Option<Link>, formatter: &Formatter5424) -> anyhow::Result<usize> {
    let cursor = store::cursor(db).await?;
    let events = store::pending(db, cursor.last_sent_id, BATCH).await?;
    let Some(last) = events.last().map(|e| e.id) else { return Ok(0) };
    if link.as_ref().is_some_and(|l| !l.is_open()) {
        *link = None;
    }
    if link.is_none() {
        let opened = tokio::time::timeout(IO_TIMEOUT, Link::open(target)).await;
        *link = Some(opened.context("connecting timed out")?.with_context(|| format!("cannot connect to {target}"))?);
    }
    let lines = events.iter().map(|e| syslog_line(formatter, e)).collect::<anyhow::Result<Vec<_>>>()?;
    let open = link.as_mut().expect("connected above");
    tokio::time::timeout(IO_TIMEOUT, open.send(&lines)).await.context("sending timed out")??;
    store::sent(db, &target.to_string(), cursor.last_sent_id, last, chrono::Utc::now().timestamp_millis()).await?;
    Ok(events.len())
}

/// Forwards until the process ends: sends while there is something to send, polls when all
/// is sent, and backs off (doubling, up to 30 s) while the receiver cannot be reached.
pub fn spawn(db: Db, target: Target) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let hostname = hostname::get().map(|h| h.to_string_lossy().into_owned()).unwrap_or_else(|_| "pslog".into());
        let formatter = Formatter5424 {
            facility: syslog::Facility::LOG_AUTHPRIV,
            hostname: Some(hostname),
            process: "pslog".into(),
            pid: std::process::id(),
        };
        let mut link = None;
        let mut backoff = MIN_BACKOFF;
        tracing::info!(%target, "forwarding Security Events as CEF");
        loop {
            match step(&db, &target, &mut link, &formatter).await {
                Ok(0) => tokio::time::sleep(POLL).await,
                Ok(_) => backoff = MIN_BACKOFF,
                Err(e) => {
                    link = None;
                    let error = format!("{e:#}");
                    tracing::warn!(%target, error, retry_in_ms = backoff.as_millis() as u64, "CEF forwarding failed");
                    let now = chrono::Utc::now().timestamp_millis();
                    if let Err(e) = store::failed(&db, &target.to_string(), &error, now).await {
                        tracing::error!(error = %e, "CEF forwarding: cannot record the failure");
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!("tcp://siem.example.com:514".parse::<Target>().unwrap(), Target::Tcp("siem.example.com:514".into()));
        assert_eq!("udp://[::1]:514".parse::<Target>().unwrap().to_string(), "udp://[::1]:514");
        for bad in ["siem:514", "http://siem:514", "tcp://siem", "tcp://:514", "tcp://siem:0", "tcp://siem:70000"] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
    }
}
