//! `pslog copy`: a whole database moved to another and back (SQLite to the test database's
//! kind, PostgreSQL when the suite runs on it), verified by counts and checksums, ids going
//! on where the source's went, and an interrupted copy resumed.

use crate::common::{fresh_database, TestApp};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn copy(from: &str, to: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pslog"));
    command.args(["copy", "--from", from, "--to", to]).args(extra).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn verified(output: &Output) {
    let all = text(output);
    assert!(output.status.success(), "{all}");
    assert!(all.contains("copied and verified"), "{all}");
    assert!(all.contains(" cdr ") && !all.contains("DIFFERENT"), "{all}");
}

#[tokio::test]
async fn a_database_moves_there_and_back_and_proves_it() {
    let app = TestApp::spawn(60).await;
    // The newest CDRs were purged in the source: their ids are gone for good, there too.
    let last_cdr = app.scalar("SELECT MAX(id) FROM cdr").await;
    app.execute(&format!("DELETE FROM cdr WHERE id > {last_cdr} - 2")).await;
    let dir = tempfile::tempdir().unwrap();
    let file = format!("sqlite://{}/copy.db", dir.path().display());
    let back = fresh_database(dir.path(), "back").await;
    verified(&copy(&app.database_url(), &file, &[]).output().unwrap());
    verified(&copy(&file, &back, &[]).output().unwrap());

    let copied = server::database::open(&back).await.unwrap();
    // On PostgreSQL the source's months were made before its rows came: none waits in a
    // default partition.
    for p in server::partitions::partitioned(&copied).await.unwrap() {
        let waiting = format!("SELECT COUNT(*) FROM {}_default", p.table);
        let row = sqlx::query(&waiting).fetch_one(&copied.pool).await.unwrap();
        assert_eq!(sqlx::Row::get::<i64, _>(&row, 0), 0, "{waiting}");
    }
    let insert = "INSERT INTO cdr (call_date, total_duration, call_duration, disposition, call_id, call_type) \
                  VALUES (1, 1, 1, 'ANSWERED', 'after-copy', 'CONFERENCE')";
    sqlx::query(insert).execute(&copied.pool).await.unwrap();
    let row = sqlx::query("SELECT MAX(id) FROM cdr").fetch_one(&copied.pool).await.unwrap();
    assert_eq!(sqlx::Row::get::<i64, _>(&row, 0), last_cdr + 1, "ids go on from the source's last, deleted or not");

    // A destination with rows is refused, and nothing changes.
    let again = copy(&app.database_url(), &back, &[]).output().unwrap();
    assert!(!again.status.success());
    assert!(text(&again).contains("already holds rows"), "{}", text(&again));
    let same = copy(&file, &file, &[]).output().unwrap();
    assert!(text(&same).contains("the same database"), "{}", text(&same));
}

#[tokio::test]
async fn an_interrupted_copy_is_resumed_and_verified() {
    let app = TestApp::spawn(150).await;
    let dir = tempfile::tempdir().unwrap();
    let to = fresh_database(dir.path(), "resumed").await;
    // One row per transaction: slow enough to be cut off half-way.
    let mut first = copy(&app.database_url(), &to, &["--batch-rows", "1"]).spawn().unwrap();
    let stderr = BufReader::new(first.stderr.take().unwrap());
    for line in stderr.lines() {
        if line.unwrap().contains("web_session") {
            break;
        }
    }
    first.kill().unwrap();
    let status = first.wait().unwrap();
    assert!(!status.success(), "the first copy was cut off");
    let destination = server::database::open(&to).await.unwrap();
    let row = sqlx::query("SELECT COUNT(*) FROM secure_message").fetch_one(&destination.pool).await.unwrap();
    let partial: i64 = sqlx::Row::get(&row, 0);
    assert!(partial < app.scalar("SELECT COUNT(*) FROM secure_message").await, "not everything was copied yet");

    let refused = copy(&app.database_url(), &to, &[]).output().unwrap();
    assert!(text(&refused).contains("--resume"), "{}", text(&refused));
    verified(&copy(&app.database_url(), &to, &["--resume"]).output().unwrap());
}
