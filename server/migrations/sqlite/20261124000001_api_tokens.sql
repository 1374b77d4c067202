-- API tokens (machines calling /api/v1) and the answers of ingested batches (Idempotency-Key).

CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('ingest','read')),
    -- SHA-256 of the token the caller holds; the token itself is never stored.
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    -- NULL: never expires.
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
-- A name names one live token; a revoked token's name may be given again.
CREATE UNIQUE INDEX api_token_live_name ON api_token (name) WHERE revoked_at IS NULL;

CREATE TABLE ingest_batch (
    token_id        INTEGER NOT NULL REFERENCES api_token (id),
    idempotency_key TEXT NOT NULL,
    resource        TEXT NOT NULL,
    -- The JSON answer of the first time, given again to a retry.
    answer          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (token_id, idempotency_key)
);
CREATE INDEX ingest_batch_created ON ingest_batch (created_at);
