//! Issue 10's attacks, each tried against the running console: a burst of guesses against the
//! throttle, a lockout turned against others, forged forwarded headers, a foreign Host, the
//! headers every page carries, oversized bodies, slow headers and a flood of connections.

use crate::common::{browser, hidden_field, TestApp, PASSWORD};
use server::application::Config;
use server::front::Front;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn security_count(app: &TestApp, description: &str) -> i64 {
    app.scalar_bound("SELECT COUNT(*) FROM security_event WHERE description = ?", &[description]).await
}

/// A login form's nonce, and the client that loaded it (its cookie pairs with the nonce).
async fn login_form(app: &TestApp) -> (reqwest::Client, String) {
    let client = browser(&app.base);
    let page = client.get(format!("{}/login", app.base)).send().await.unwrap().text().await.unwrap();
    (client, hidden_field(&page, "csrf").expect("a login form"))
}

#[tokio::test]
async fn concurrent_guesses_are_each_counted_before_they_are_checked() {
    let app = TestApp::spawn_empty().await;
    // 40 forms first, then 40 wrong passwords at once.
    let mut forms = Vec::new();
    for _ in 0..40 {
        forms.push(login_form(&app).await);
    }
    let posts = forms.into_iter().map(|(client, nonce)| {
        let url = format!("{}/login", app.base);
        async move {
            let form = [("csrf", nonce.as_str()), ("username", "auditor"), ("password", "wrong"), ("next", "")];
            let response = client.post(url).form(&form).send().await.unwrap();
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    });
    let answers = futures::future::join_all(posts).await;
    let checked = answers.iter().filter(|a| *a == "/login?error=credentials").count();
    let locked = answers.iter().filter(|a| a.starts_with("/login?error=locked")).count();
    assert_eq!((checked, locked), (5, 35), "{answers:?}");
    // Every attempt is logged once; only five were checked.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM web_session WHERE username = 'auditor'").await, 40);
    assert_eq!(security_count(&app, "Failed login: wrong password").await, 5);
    assert_eq!(security_count(&app, "Login refused: too many failed attempts").await, 35);
    // The lock is on auditor from this address only: another user here logs in...
    assert_eq!(app.login(&browser(&app.base), "support", PASSWORD).await, "/");
    // ...while auditor's right password is refused here, with a 429 page saying why.
    let refused = app.login(&browser(&app.base), "auditor", PASSWORD).await;
    assert!(refused.starts_with("/login?error=locked"), "{refused}");
    let page = app.client.get(format!("{}{refused}", app.base)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 429);
    assert!(page.text().await.unwrap().contains("Too many failed logins"));
}

/// The console behind a proxy at 127.0.0.1; with `public`, reached by browsers at
/// `http://<public>:<its port>/`.
fn behind_proxy(public: Option<&str>) -> Config {
    // A free port, so that the public URL can name it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    Config {
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        front: Front {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            public_url: public.map(|host| url::Url::parse(&format!("http://{host}:{port}/")).unwrap()),
        },
        ..Config::quiet()
    }
}

#[tokio::test]
async fn forwarded_addresses_are_believed_from_a_trusted_proxy_only() {
    let forged = |app: &TestApp| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, app.base.parse().unwrap());
        headers.insert("x-forwarded-for", "198.51.100.1, 203.0.113.5".parse().unwrap());
        reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let direct = TestApp::spawn_empty().await;
    direct.login(&forged(&direct), "support", PASSWORD).await;
    let ip = direct.text("SELECT ip_address FROM web_session WHERE username = 'support'").await;
    assert_eq!(ip, "127.0.0.1", "without --trusted-proxy the header is ignored");

    let proxied = TestApp::spawn_configured(behind_proxy(None)).await;
    proxied.login(&forged(&proxied), "support", PASSWORD).await;
    let ip = proxied.text("SELECT ip_address FROM web_session WHERE username = 'support'").await;
    assert_eq!(ip, "203.0.113.5", "the address the trusted proxy saw, not the client's own claim");
}

/// `name=value` of every cookie a response sets.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn over_https_cookies_are_host_only_and_hsts_is_sent() {
    let app = TestApp::spawn_configured(behind_proxy(None)).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let tls = |request: reqwest::RequestBuilder| request.header("x-forwarded-proto", "https");
    let page = tls(client.get(format!("{}/login", app.base))).send().await.unwrap();
    assert_eq!(page.headers()["strict-transport-security"], "max-age=31536000");
    let cookies = set_cookies(&page);
    let nonce_cookie = cookies.iter().find(|c| c.starts_with("__Host-pslog_login=")).expect("a __Host- nonce");
    assert!(nonce_cookie.contains("Secure") && nonce_cookie.contains("Path=/;") || nonce_cookie.ends_with("Path=/"));
    let nonce = hidden_field(&page.text().await.unwrap(), "csrf").unwrap();
    let cookie = nonce_cookie.split(';').next().unwrap().to_owned();
    let form = [("csrf", nonce.as_str()), ("username", "admin"), ("password", PASSWORD), ("next", "")];
    // A page of the plain-HTTP site of the same host may not post to the HTTPS console.
    let from_http = tls(client.post(format!("{}/login", app.base)))
        .header("origin", format!("http://{host}"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(from_http.status().as_u16(), 403);
    let login = tls(client.post(format!("{}/login", app.base)))
        .header("origin", format!("https://{host}"))
        .header("cookie", &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(login.headers()["location"], "/");
    let session = set_cookies(&login).into_iter().find(|c| c.starts_with("__Host-pslog_session=")).expect("session");
    assert!(session.contains("Secure") && session.contains("HttpOnly") && !session.contains("Domain"));
    // The plain name is not read over HTTPS: a cookie planted by an HTTP page is no session.
    let value = session.split(';').next().unwrap().trim_start_matches("__Host-pslog_session=");
    let planted = tls(client.get(format!("{}/api/v1/web-sessions", app.base)))
        .header("cookie", format!("pslog_session={value}"))
        .send()
        .await
        .unwrap();
    assert_eq!(planted.status().as_u16(), 401);
    let real = tls(client.get(format!("{}/api/v1/web-sessions", app.base)))
        .header("cookie", format!("__Host-pslog_session={value}"))
        .send()
        .await
        .unwrap();
    assert_eq!(real.status().as_u16(), 200);
    // Plain HTTP from elsewhere gets no HSTS.
    let plain = reqwest::get(format!("{}/login", TestApp::spawn_empty().await.base)).await.unwrap();
    assert!(plain.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn only_the_public_host_name_is_served() {
    let app = TestApp::spawn_configured(behind_proxy(Some("127.0.0.1"))).await;
    let client = reqwest::Client::new();
    let foreign = client.get(format!("{}/login", app.base)).header("host", "evil.example").send().await.unwrap();
    assert_eq!(foreign.status().as_u16(), 421);
    let expected = format!("answers at {} only", app.base);
    assert!(foreign.text().await.unwrap().contains(&expected));
    let rebound =
        client.get(format!("{}/login", app.base)).header("x-forwarded-host", "evil.example").send().await.unwrap();
    assert_eq!(rebound.status().as_u16(), 421, "the trusted proxy's forwarded host counts");
    let own = client.get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(own.status().as_u16(), 200);
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_their_own_nonce() {
    let app = TestApp::spawn_empty().await;
    let mut nonces = Vec::new();
    for path in ["/", "/logs/cdr", "/login", "/no-such-page"] {
        let response = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap().to_owned();
        for directive in ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{path}: the page's scripts carry the nonce");
        nonces.push(nonce);
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a new nonce per response");
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read() {
    let app = TestApp::spawn_empty().await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let form = app.client.post(format!("{}/login", app.base)).body(huge.clone()).send().await.unwrap();
    assert_eq!(form.status().as_u16(), 413);
    let server_fn = app
        .client
        .post(format!("{}/api/whoami", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status().as_u16(), 413);
}

#[tokio::test]
async fn slow_headers_and_connection_floods_are_cut_off() {
    let app = TestApp::spawn_configured(Config { max_connections: 8, ..Config::quiet() }).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    // Eight idle connections (the admin's keep-alive one may be among the eight slots)...
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    // ...leave none for another client, who is told so at once.
    let mut late = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), late.read_to_string(&mut answer)).await.unwrap().unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too many connections"), "{answer}");
    // A client that starts its headers and never finishes them is dropped (10 s).
    let slow = &mut idle[0];
    slow.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(20), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the half-sent request is cut off");
    drop(idle);
    // With the slots free again, the console answers.
    let mut served = false;
    for _ in 0..50 {
        match reqwest::get(format!("{}/login", app.base)).await {
            Ok(r) if r.status().as_u16() == 200 => {
                served = true;
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert!(served);
}

#[tokio::test]
async fn slow_exports_are_capped_and_never_stall_the_pages() {
    let app = TestApp::spawn_empty().await;
    // Enough rows that an export is still streaming while its client reads nothing.
    app.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) \
         INSERT INTO web_session (occurred_at, result, username, ip_address) \
         SELECT 1700000000000 + i, 'SUCCESS', 'user' || i, '10.0.0.' || (i % 250) FROM n",
    )
    .await;
    let password = app::auth::password::Password::new(PASSWORD.into()).unwrap();
    let actor = app::auth::users::Actor::CommandLine;
    app::auth::users::add(&app.db, actor, "auditor2", app::codes::Role::Auditor, password, None, 0).await.unwrap();
    let auditor = app.client_as("auditor").await;
    let auditor2 = app.client_as("auditor2").await;
    let export = |client: &reqwest::Client| client.get(format!("{}/api/v1/web-sessions.csv", app.base)).send();
    // Two each for auditor and admin: every export slot is taken, by readers that read nothing.
    let mut held = Vec::new();
    for client in [&auditor, &auditor, &app.client, &app.client] {
        let response = export(client).await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        held.push(response);
    }
    let third = export(&auditor).await.unwrap();
    assert_eq!(third.status().as_u16(), 429);
    assert!(third.text().await.unwrap().contains("You already have 2 exports running"));
    let full = export(&auditor2).await.unwrap();
    assert_eq!(full.status().as_u16(), 429);
    assert!(full.text().await.unwrap().contains("as many exports as it can"));
    // Pages and new sessions still answer: they do not wait for the exports to end (which,
    // with readers that read nothing, would be never). The bound only tells a hang from an
    // answer; the speed meanwhile is measured in BENCHMARKS.md ("Reliability").
    let support = app.client_as("support").await;
    let page = support.get(format!("{}/logs/web-sessions", app.base)).send();
    let page = tokio::time::timeout(Duration::from_secs(60), page).await.expect("the page answers").unwrap();
    assert_eq!(page.status().as_u16(), 200);
    // A reader that goes away frees its slot.
    drop(held.pop());
    let mut freed = false;
    for _ in 0..100 {
        let response = export(&auditor2).await.unwrap();
        if response.status().as_u16() == 200 {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(freed, "the slot of a closed download is given back");
}
