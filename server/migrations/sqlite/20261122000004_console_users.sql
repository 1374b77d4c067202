-- The console's own users and their sessions (sessions survive a restart), and the No-CDR
-- privacy option enforced where rows enter the database.

CREATE TABLE console_user (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    role                TEXT NOT NULL CHECK (role IN ('admin','auditor','support')),
    -- argon2id, PHC string format.
    password_hash       TEXT NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    -- NULL: the password does not expire.
    password_expires_at INTEGER,
    created_at          INTEGER NOT NULL
);

CREATE TABLE console_session (
    -- SHA-256 of the token the browser holds; the token itself is never stored.
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
    -- Anti-forgery token the session's forms carry.
    csrf_token   TEXT NOT NULL,
    ip_address   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX console_session_last_seen ON console_session (last_seen_at);
CREATE INDEX console_session_user ON console_session (user_id);

-- No-CDR (retention 0 DAY): direct calls are not recorded, whoever inserts them;
-- conferences and three-way calls still are.
CREATE TRIGGER cdr_no_cdr BEFORE INSERT ON cdr
WHEN NEW.call_type NOT IN ('CONFERENCE', 'THREE_WAY')
 AND EXISTS (SELECT 1 FROM settings WHERE id = 1 AND cdr_retention_period = 'DAY' AND cdr_retention_count = 0)
BEGIN
    SELECT RAISE(IGNORE);
END;
