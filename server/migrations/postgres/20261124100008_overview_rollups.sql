-- Two more rollups, so that the overview reads no rows of a big log for any window:
--
-- 1. The SIP sessions' hourly counts also keep a DISCONNECT's Details (NETWORK_ERROR,
--    EXPIRATION, ...; '' for the other events, whose Details are free text): the overview's
--    SIP errors were counted from the rows, hundreds of thousands over 30 days at 10M rows.
--    The key gains the column, the trigger functions are replaced, and the counts are
--    rebuilt from the rows once.
-- 2. Daily CDR counts per account (UTC days), kept from the per-account hourly counts by
--    statement triggers on them: the overview's top accounts over 7 or 30 days read the
--    whole UTC days of their window here and only the hours at its two edges from
--    cdr_account_hourly. Whatever changes an hour (CDRs written, updated, purged, or a month
--    dropped by retention, which deletes its hours) changes its day by the same amount. The
--    differences are applied in key order, so that two writers meet the same day rows in the
--    same order and never wait on each other in a cycle.

ALTER TABLE sip_session_hourly ADD COLUMN details TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sip_session_hourly DROP CONSTRAINT sip_session_hourly_pkey;
ALTER TABLE sip_session_hourly ADD PRIMARY KEY (hour, event, source, transport, reconciled, details);

CREATE OR REPLACE FUNCTION sip_session_hourly_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, details, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled,
           CASE WHEN event = 'DISCONNECT' THEN details ELSE '' END, COUNT(*)
    FROM added GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (hour, event, source, transport, reconciled, details) DO UPDATE SET n = sip_session_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION sip_session_hourly_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sip_session_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled,
                 CASE WHEN event = 'DISCONNECT' THEN details ELSE '' END, COUNT(*)
          FROM removed GROUP BY 1, 2, 3, 4, 5, 6) AS g (hour, event, source, transport, reconciled, details, n)
    WHERE h.hour = g.hour AND h.event = g.event AND h.source = g.source AND h.transport = g.transport
      AND h.reconciled = g.reconciled AND h.details = g.details;
    DELETE FROM sip_session_hourly h
    USING (SELECT DISTINCT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000 FROM removed) AS g (hour)
    WHERE h.hour = g.hour AND h.n = 0;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION sip_session_hourly_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sip_session_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled,
                 CASE WHEN event = 'DISCONNECT' THEN details ELSE '' END, COUNT(*)
          FROM removed GROUP BY 1, 2, 3, 4, 5, 6) AS g (hour, event, source, transport, reconciled, details, n)
    WHERE h.hour = g.hour AND h.event = g.event AND h.source = g.source AND h.transport = g.transport
      AND h.reconciled = g.reconciled AND h.details = g.details;
    DELETE FROM sip_session_hourly h
    USING (SELECT DISTINCT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000 FROM removed) AS g (hour)
    WHERE h.hour = g.hour AND h.n = 0;
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, details, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled,
           CASE WHEN event = 'DISCONNECT' THEN details ELSE '' END, COUNT(*)
    FROM added GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (hour, event, source, transport, reconciled, details) DO UPDATE SET n = sip_session_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

DELETE FROM sip_session_hourly;
INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, details, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled,
       CASE WHEN event = 'DISCONNECT' THEN details ELSE '' END, COUNT(*)
FROM sip_session GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TABLE cdr_account_daily (
    day BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    failed SMALLINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (day, account_id, failed)
);

-- An index of the days whose count reached 0 (few, and deleted at once): the triggers
-- delete them without reading the table.
CREATE INDEX cdr_account_daily_emptied ON cdr_account_daily (day) WHERE n = 0;

-- One function for the three kinds of change, each the signed difference of its hours:
-- `added` and `removed` are the transition tables each trigger declares (an insert has no
-- `removed`, a delete no `added`), read only in the branch of that kind.
CREATE FUNCTION cdr_account_daily_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cdr_account_daily (day, account_id, failed, n)
        SELECT hour - (hour % 86400000 + 86400000) % 86400000, account_id, failed, SUM(n) FROM added
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, account_id, failed) DO UPDATE SET n = cdr_account_daily.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO cdr_account_daily (day, account_id, failed, n)
        SELECT hour - (hour % 86400000 + 86400000) % 86400000, account_id, failed, -SUM(n) FROM removed
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, account_id, failed) DO UPDATE SET n = cdr_account_daily.n + EXCLUDED.n;
    ELSE
        INSERT INTO cdr_account_daily (day, account_id, failed, n)
        SELECT hour - (hour % 86400000 + 86400000) % 86400000, account_id, failed, SUM(n) FROM (
            SELECT hour, account_id, failed, n FROM added
            UNION ALL SELECT hour, account_id, failed, -n FROM removed
        ) change
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, account_id, failed) DO UPDATE SET n = cdr_account_daily.n + EXCLUDED.n;
    END IF;
    DELETE FROM cdr_account_daily WHERE n = 0;
    RETURN NULL;
END;
$$;
CREATE TRIGGER cdr_account_daily_insert AFTER INSERT ON cdr_account_hourly REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_account_daily_kept();
CREATE TRIGGER cdr_account_daily_delete AFTER DELETE ON cdr_account_hourly REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_account_daily_kept();
CREATE TRIGGER cdr_account_daily_update AFTER UPDATE ON cdr_account_hourly REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_account_daily_kept();

INSERT INTO cdr_account_daily (day, account_id, failed, n)
SELECT hour - (hour % 86400000 + 86400000) % 86400000, account_id, failed, SUM(n) FROM cdr_account_hourly GROUP BY 1, 2, 3;
