//! CEF forwarding to a SIEM: where it has got to (a cursor over Security Events' ids), kept in
//! the database so that a restart resumes where it stopped, and shown on the Settings page.
//! The sender itself is the server's (`server/src/forward.rs`); this module owns the table.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the Settings page shows of forwarding (times already in the appliance's zone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardingView {
    /// `tcp://HOST:PORT` or `udp://HOST:PORT`; `None` when the server was started without.
    pub target: Option<String>,
    /// The id of the last Security Event sent.
    pub last_sent_id: i64,
    /// Security Events not sent yet.
    pub lag: i64,
    pub last_sent_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// The receiver cannot be reached now (events wait, and are sent when it is back).
    pub stopped: bool,
}

#[server(endpoint = "forwarding")]
pub async fn fetch_forwarding() -> Result<ForwardingView, AppError> {
    crate::auth::Admin::from_context().inspect_err(AppError::set_page_status)?;
    let state = crate::db::AppState::from_context()?;
    let ctx = crate::db::render::RenderCtx::load(&state.db).await?;
    let cursor = store::cursor(&state.db).await?;
    let time = |t: Option<i64>| t.map(|t| ctx.time(crate::models::UtcMillis(t)));
    Ok(ForwardingView {
        target: state.forward_cef.clone(),
        last_sent_id: cursor.last_sent_id,
        lag: store::lag(&state.db, cursor.last_sent_id).await?,
        last_sent_at: time(cursor.last_sent_at),
        last_error: cursor.last_error,
        last_error_at: time(cursor.last_error_at),
        stopped: cursor.stopped,
    })
}

#[cfg(feature = "ssr")]
pub mod store {
    use crate::auth::journal;
    use crate::codes::SecurityEventType;
    use crate::db::{Db, Tx};
    use crate::error::AppError;
    use sea_query::{Alias, Expr, Order, Query};
    use sqlx::Row;

    /// The forwarding row.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Cursor {
        pub last_sent_id: i64,
        pub last_sent_at: Option<i64>,
        pub last_error: Option<String>,
        pub last_error_at: Option<i64>,
        pub stopped: bool,
    }

    /// A Security Event to send: its id, type and CEF line.
    #[derive(Clone, Debug)]
    pub struct Pending {
        pub id: i64,
        pub event_type: SecurityEventType,
        pub details: String,
    }

    fn table() -> Alias {
        Alias::new("cef_forwarding")
    }

    pub async fn cursor(db: &Db) -> Result<Cursor, AppError> {
        let select = Query::select()
            .columns(["last_sent_id", "last_sent_at", "last_error", "last_error_at", "stopped"].map(Alias::new))
            .from(table())
            .and_where(Expr::col(Alias::new("id")).eq(1))
            .to_owned();
        let row = db
            .fetch_optional(&select)
            .await?
            .ok_or_else(|| AppError::internal("forwarding", "the cef_forwarding row is missing"))?;
        Ok(Cursor {
            last_sent_id: row.try_get(0)?,
            last_sent_at: row.try_get(1)?,
            last_error: row.try_get(2)?,
            last_error_at: row.try_get(3)?,
            stopped: row.try_get::<i64, _>(4)? != 0,
        })
    }

    /// How many Security Events come after the cursor.
    pub async fn lag(db: &Db, last_sent_id: i64) -> Result<i64, AppError> {
        let count = Query::select()
            .expr(Expr::col(Alias::new("id")).count())
            .from(Alias::new("security_event"))
            .and_where(Expr::col(Alias::new("id")).gt(last_sent_id))
            .to_owned();
        let row = db.fetch_optional(&count).await?;
        Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0))
    }

    /// The next Security Events after the cursor, in id order, at most `limit`.
    pub async fn pending(db: &Db, after: i64, limit: u64) -> Result<Vec<Pending>, AppError> {
        let select = Query::select()
            .columns(["id", "event_type", "details"].map(Alias::new))
            .from(Alias::new("security_event"))
            .and_where(Expr::col(Alias::new("id")).gt(after))
            .order_by(Alias::new("id"), Order::Asc)
            .limit(limit)
            .to_owned();
        let mut events = Vec::new();
        for row in db.fetch_all(&select).await? {
            let event_type: String = row.try_get(1)?;
            events.push(Pending {
                id: row.try_get(0)?,
                event_type: event_type.parse().map_err(|e| AppError::internal("security event type", e))?,
                details: row.try_get(2)?,
            });
        }
        Ok(events)
    }

    /// Sets the stopped flag; whether it changed (then the change is said in System Events).
    async fn set_stopped(tx: &mut Tx, stopped: bool) -> Result<bool, AppError> {
        let flip = Query::update()
            .table(table())
            .value(Alias::new("stopped"), i64::from(stopped))
            .and_where(Expr::col(Alias::new("stopped")).eq(i64::from(!stopped)))
            .to_owned();
        Ok(tx.execute(&flip).await? > 0)
    }

    /// Events after `from` up to `through` were sent: they are Processed, and the cursor moves
    /// on, together. When forwarding had stopped, it is said to have resumed (a System Event).
    pub async fn sent(db: &Db, target: &str, from: i64, through: i64, now: i64) -> Result<(), AppError> {
        let mut tx = db.begin().await?;
        let processed = Query::update()
            .table(Alias::new("security_event"))
            // Flags are 0/1 on every database.
            .value(Alias::new("processed"), 1i64)
            .and_where(Expr::col(Alias::new("id")).gt(from))
            .and_where(Expr::col(Alias::new("id")).lte(through))
            .to_owned();
        tx.execute(&processed).await?;
        if set_stopped(&mut tx, false).await? {
            let text = format!("CEF forwarding to {target} resumed");
            journal::system(
                &mut tx,
                now,
                &text,
                "The receiver is reachable again; waiting events are being sent in order.",
            )
            .await?;
        }
        let advance = Query::update()
            .table(table())
            .value(Alias::new("last_sent_id"), through)
            .value(Alias::new("last_sent_at"), now)
            .and_where(Expr::col(Alias::new("id")).eq(1))
            .to_owned();
        tx.execute(&advance).await?;
        Ok(tx.commit().await?)
    }

    /// Sending failed: the error is kept, and the first failure after a success is said (a
    /// System Event "stopped"); later ones are not, until forwarding has resumed.
    pub async fn failed(db: &Db, target: &str, error: &str, now: i64) -> Result<(), AppError> {
        let mut tx = db.begin().await?;
        let record = Query::update()
            .table(table())
            .value(Alias::new("last_error"), error)
            .value(Alias::new("last_error_at"), now)
            .and_where(Expr::col(Alias::new("id")).eq(1))
            .to_owned();
        tx.execute(&record).await?;
        if set_stopped(&mut tx, true).await? {
            let text = format!("CEF forwarding to {target} stopped");
            let details = format!("{error}. Security Events are kept and sent in order once the receiver is back.");
            journal::system(&mut tx, now, &text, &details).await?;
        }
        Ok(tx.commit().await?)
    }
}
