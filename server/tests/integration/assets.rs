//! What a browser downloads: the front end's files under an address made from their content
//! (cached for a year, a new address for a new build), precompressed copies when the build
//! left them, and every text response compressed for a client that accepts it.

use crate::common::TestApp;
use server::application::Config;

/// A site folder with a front end, as `scripts/build.sh` leaves it (the brotli copy of the
/// style sheet stands for the real thing: the server sends it as it is).
fn site(css: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("pslog.css"), css).unwrap();
    std::fs::write(pkg.join("pslog.css.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("pslog.js"), "export default function init() {}").unwrap();
    std::fs::write(pkg.join("pslog.wasm"), b"\0asm\x01\0\0\0").unwrap();
    dir
}

async fn started(site: &tempfile::TempDir) -> TestApp {
    TestApp::spawn_configured(Config { site_root: site.path().display().to_string(), ..Config::quiet() }).await
}

/// The versioned folder the login page loads its style sheet from.
async fn asset_folder(app: &TestApp) -> String {
    let page = reqwest::get(format!("{}/login", app.base)).await.unwrap().text().await.unwrap();
    let start = page.find("/assets/").expect("a versioned asset link");
    let folder = &page[start..];
    let folder = &folder[..folder.find("/pslog.css").expect("the style sheet")];
    assert!(page.contains(&format!("{folder}/pslog.js")), "the script from the same folder");
    folder.to_owned()
}

#[tokio::test]
async fn built_files_are_versioned_by_content_and_kept_for_a_year() {
    let files = site("body { color: #222 }");
    let app = started(&files).await;
    let folder = asset_folder(&app).await;
    let version = folder.trim_start_matches("/assets/");
    assert!(version.len() == 16 && version.chars().all(|c| c.is_ascii_hexdigit()), "{version}");

    let client = reqwest::Client::new();
    let css = client.get(format!("{}{folder}/pslog.css", app.base)).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert_eq!(css.text().await.unwrap(), "body { color: #222 }");

    // The brotli copy, to a client that takes brotli.
    let br =
        client.get(format!("{}{folder}/pslog.css", app.base)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli bytes");

    // Another version, a hidden file, or a path out of the folder: not served.
    for path in ["/assets/0123456789abcdef/pslog.css", &format!("{folder}/.hidden"), &format!("{folder}/..%2Fpkg")] {
        let status = client.get(format!("{}{path}", app.base)).send().await.unwrap().status();
        assert_eq!(status, 404, "{path}");
    }

    // Another build is another address.
    let other = site("body { color: #000 }");
    let other_app = started(&other).await;
    assert_ne!(asset_folder(&other_app).await, folder);
}

#[tokio::test]
async fn text_responses_are_compressed_for_clients_that_accept_it() {
    let app = TestApp::spawn(40).await;
    for (path, encoding) in
        [("/login", "gzip"), ("/api/v1/cdr", "br"), ("/api/v1/cdr.csv", "gzip"), ("/logs/cdr", "br")]
    {
        let response =
            app.client.get(format!("{}{path}", app.base)).header("accept-encoding", encoding).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some(encoding), "{path}");
    }
    // A client that asks for nothing gets the plain text.
    let plain = app.client.get(format!("{}/api/v1/cdr", app.base)).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.json::<serde_json::Value>().await.unwrap()["total"].as_i64().unwrap() > 0);
}
