//! What the storage promises whatever writes to it: ids are never handed out again (SPEC §8,
//! the manual's "PK - autoincrement"), so a purged row's id cannot come back on a new one.

use crate::common::TestApp;

#[tokio::test]
async fn a_deleted_rows_id_is_never_given_to_a_new_row() {
    let app = TestApp::spawn(30).await;
    for (table, insert) in [
        (
            "cdr",
            "INSERT INTO cdr (call_date, total_duration, call_duration, disposition, call_id, call_type) \
             VALUES (1, 1, 1, 'ANSWERED', 'storage-test', 'CONFERENCE')",
        ),
        ("web_session", "INSERT INTO web_session (occurred_at, result) VALUES (1, 'LOGOUT')"),
        ("system_event", "INSERT INTO system_event (occurred_at, description) VALUES (1, 'storage test')"),
        (
            "sip_session",
            "INSERT INTO sip_session (occurred_at, event, source, transport) VALUES (1, 'CONNECT', 'CLIENT', 'TLS')",
        ),
    ] {
        let newest = app.scalar(&format!("SELECT MAX(id) FROM {table}")).await;
        // The newest rows go (as retention or a purge would take them)...
        app.execute(&format!("DELETE FROM {table} WHERE id > {newest} - 3")).await;
        // ...and the next row still gets a new id.
        app.execute(insert).await;
        let next = app.scalar(&format!("SELECT MAX(id) FROM {table}")).await;
        assert_eq!(next, newest + 1, "{table}: a new id, not a purged one");
    }
}
