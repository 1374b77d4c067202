//! CEF forwarding to a real TCP receiver on a local port, stopped and started again while
//! events are produced: every Security Event arrives, in order, once per connection, as an
//! RFC 5424 line carrying its CEF line; Processed turns Yes; stop and resume are System Events.

use crate::common::TestApp;
use app::auth::journal;
use app::codes::SecurityEventType;
use server::application::Config;
use server::forward::Target;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncBufReadExt;
use tokio::net::TcpListener;

/// Lines received, each with the number of the connection it came on.
type Received = Arc<Mutex<Vec<(usize, String)>>>;

/// A syslog receiver on a listener: each connection read line by line.
struct Receiver {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    fn start(listener: TcpListener, received: Received, first_connection: usize) -> Receiver {
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            let mut n = first_connection;
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { break };
                        let (received, connection) = (received.clone(), n);
                        n += 1;
                        connections.spawn(async move {
                            let mut lines = tokio::io::BufReader::new(stream).lines();
                            while let Ok(Some(line)) = lines.next_line().await {
                                received.lock().unwrap().push((connection, line));
                            }
                        });
                    }
                }
            }
            // Every connection is closed (its FIN sent) before `stop` returns.
            connections.shutdown().await;
        });
        Receiver { stop, task }
    }

    /// Goes away as a receiver that stops does: the listener and every connection closed.
    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

async fn produce(app: &TestApp, first: usize, count: usize) {
    for n in first..first + count {
        let mut tx = app.db.begin().await.unwrap();
        let text = format!("Failed login #{n}");
        journal::security(
            &mut tx,
            1_700_000_000_000 + n as i64,
            SecurityEventType::LoginFailed,
            &text,
            "eve",
            "10.0.0.9",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Waits (up to 30 s) until `done` holds.
async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn a_receiver_that_goes_away_gets_every_event_in_order_when_it_is_back() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let received: Received = Arc::default();
    let receiver = Receiver::start(listener, received.clone(), 1);
    let config = Config { forward_cef: Some(Target::Tcp(address.to_string())), ..Config::quiet() };
    let app = TestApp::spawn_configured(config).await;
    // The admin's login (spawn signs in) is a Security Event too.
    produce(&app, 1, 20).await;
    let total = || async { app.scalar("SELECT COUNT(*) FROM security_event").await as usize };
    let first_total = total().await;
    until("the first events arrived", async || received.lock().unwrap().len() == first_total).await;

    receiver.stop().await;
    produce(&app, 21, 30).await;
    until("forwarding stopped", async || {
        app.scalar("SELECT COUNT(*) FROM system_event WHERE description LIKE 'CEF forwarding to % stopped'").await == 1
    })
    .await;
    assert!(app.scalar("SELECT COUNT(*) FROM security_event WHERE processed = 0").await >= 30, "unsent events wait");

    let listener = TcpListener::bind(address).await.expect("the port again");
    let receiver = Receiver::start(listener, received.clone(), 100);
    produce(&app, 51, 10).await;
    let all = total().await;
    until("every event arrived", async || received.lock().unwrap().len() >= all).await;
    receiver.stop().await;

    let lines = received.lock().unwrap().clone();
    let ids: Vec<i64> = app_ids(&app).await;
    let mut by_connection: std::collections::BTreeMap<usize, Vec<i64>> = Default::default();
    for (connection, line) in &lines {
        let message = syslog_loose::parse_message(line, syslog_loose::Variant::RFC5424);
        assert_eq!(message.protocol, syslog_loose::Protocol::RFC5424(1), "{line}");
        assert_eq!(message.appname, Some("pslog"));
        assert!(message.msg.starts_with("CEF:0|Internal Application|Secure Mobile Voice|12.0|"), "{line}");
        let id: i64 = message.msgid.expect("MSGID").parse().unwrap();
        by_connection.entry(*connection).or_default().push(id);
    }
    for (connection, sent) in &by_connection {
        assert!(sent.windows(2).all(|w| w[0] < w[1]), "connection {connection}: in order, each once: {sent:?}");
    }
    let mut union: Vec<i64> = by_connection.values().flatten().copied().collect();
    union.sort();
    union.dedup();
    assert_eq!(union, ids, "every event arrived");
    assert!(by_connection.keys().any(|c| *c >= 100), "the second receiver got the events sent while it was away");
    // The cursor moves (and Processed turns Yes) just after the receiver has the lines.
    until("all Processed", async || app.scalar("SELECT COUNT(*) FROM security_event WHERE processed = 0").await == 0)
        .await;
    until("forwarding resumed", async || {
        app.scalar("SELECT COUNT(*) FROM system_event WHERE description LIKE 'CEF forwarding to % resumed'").await == 1
    })
    .await;
    let failed = lines.iter().find(|(_, l)| l.contains("Failed login #21")).expect("event 21").1.clone();
    assert!(failed.contains("|LL03|Failed User Login|6|"), "{failed}");
    assert!(failed.contains("suser=eve src=10.0.0.9 deviceExternalId=76293-1 dhost="), "{failed}");
}

async fn app_ids(app: &TestApp) -> Vec<i64> {
    let count = app.scalar("SELECT COUNT(*) FROM security_event").await;
    let first = app.scalar("SELECT MIN(id) FROM security_event").await;
    let last = app.scalar("SELECT MAX(id) FROM security_event").await;
    assert_eq!(last - first + 1, count, "ids are consecutive here");
    (first..=last).collect()
}

#[tokio::test]
async fn a_restarted_forwarder_resumes_at_its_cursor() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = Target::Tcp(listener.local_addr().unwrap().to_string());
    let received: Received = Arc::default();
    let _receiver = Receiver::start(listener, received.clone(), 1);
    let app = TestApp::spawn_empty().await;
    produce(&app, 1, 5).await;
    let total = app.scalar("SELECT COUNT(*) FROM security_event").await as usize;
    let first = server::forward::spawn(app.db.clone(), target.clone());
    until("the first events arrived", async || received.lock().unwrap().len() == total).await;
    // Stopped after its cursor moved: a stop between a send and the cursor's commit would
    // send that batch again (at-least-once), which is not what this test is about.
    until("the cursor moved", async || {
        app.scalar("SELECT COUNT(*) FROM security_event WHERE processed = 0").await == 0
    })
    .await;
    // The process stops (the task with it); events go on being written; it starts again.
    first.abort();
    let _ = first.await;
    produce(&app, 6, 5).await;
    let _second = server::forward::spawn(app.db.clone(), target);
    until("the rest arrived", async || received.lock().unwrap().len() >= total + 5).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let lines = received.lock().unwrap().clone();
    assert_eq!(lines.len(), total + 5, "nothing lost, nothing sent twice");
    let connections: std::collections::BTreeSet<usize> = lines.iter().map(|(c, _)| *c).collect();
    assert_eq!(connections.len(), 2, "one connection per run");
    assert!(lines[total].1.contains("Failed login #6"), "{}", lines[total].1);
}
