//! `pslog import asterisk-cdr`: the shipped sample Master.csv through the real binary, and a
//! bad file refused whole with its bad lines named.

use crate::common::TestApp;
use std::path::PathBuf;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/asterisk").join(name)
}

fn pslog(database: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pslog"))
        .args(["--database", database])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run pslog")
}

#[tokio::test]
async fn a_master_csv_becomes_cdrs_with_their_accounts() {
    let app = TestApp::spawn_empty().await;
    app.execute("INSERT INTO account (id, username, phone_number) VALUES (41, 'alice', '1001')").await;
    let database = app.database_url();
    let file = sample("Master.csv");
    let run = pslog(&database, &["import", "asterisk-cdr", file.to_str().unwrap(), "--time-zone", "Europe/Rome"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("imported 10 CDRs"), "{stdout}");

    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr").await, 10);
    // 09:15 in Rome is 08:15 UTC; clid's name; uniqueid as Call Id; the account by number.
    let alice = "SELECT COUNT(*) FROM cdr WHERE call_id = '1795598100.1' AND call_date = 1795162500000 \
                 AND caller_name = 'Alice Smith' AND caller_account_id = 41 AND total_duration = 64 \
                 AND call_duration = 60 AND disposition = 'ANSWERED'";
    assert_eq!(app.scalar(alice).await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE callee_account_id = 41").await, 2, "calls to 1001");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'NO_ANSWER'").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr WHERE disposition = 'FAILED'").await, 2, "FAILED and CONGESTION");
    let items = app.json("/api/v1/cdr?caller_number=1001").await;
    assert_eq!(items["total"], 3, "the console lists them: {items}");
}

#[tokio::test]
async fn a_file_with_bad_lines_writes_nothing_and_names_each() {
    let app = TestApp::spawn_empty().await;
    let file = sample("Master-bad.csv");
    let run = pslog(&app.database_url(), &["import", "asterisk-cdr", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("nothing was written"), "{stderr}");
    for expected in ["line 2: disposition 'RINGING'", "line 3: 6 fields", "line 4: start '20/11/2026 16:40'"] {
        assert!(stderr.contains(expected), "{expected} in {stderr}");
    }
    assert!(!stderr.contains("line 1:"), "{stderr}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cdr").await, 0, "not even the good line");
    let missing = pslog(&app.database_url(), &["import", "asterisk-cdr", "/no/such/Master.csv"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /no/such/Master.csv"));
}
