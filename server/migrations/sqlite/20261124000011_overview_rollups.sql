-- Two more rollups, so that the overview reads no rows of a big log for any window:
--
-- 1. The SIP sessions' hourly counts also keep a DISCONNECT's Details (NETWORK_ERROR,
--    EXPIRATION, ...; '' for the other events, whose Details are free text): the overview's
--    SIP errors were counted from the rows, hundreds of thousands over 30 days at 10M rows.
--    The table is rebuilt with the new key and refilled from the rows once.
-- 2. Daily CDR counts per account (UTC days), kept from the per-account hourly counts by
--    triggers on them: the overview's top accounts over 7 or 30 days read the whole UTC days
--    of their window here and only the hours at its two edges from cdr_account_hourly
--    (720 hours of a few hundred accounts were half a million rows to sum). Whatever changes
--    an hour (a CDR written, updated or purged) changes its day by the same amount.

DROP TRIGGER sip_session_hourly_insert;
DROP TRIGGER sip_session_hourly_delete;
DROP TRIGGER sip_session_hourly_update;
DROP TABLE sip_session_hourly;

CREATE TABLE sip_session_hourly (
    hour INTEGER NOT NULL,
    event TEXT NOT NULL,
    source TEXT NOT NULL,
    transport TEXT NOT NULL,
    reconciled INTEGER NOT NULL,
    n INTEGER NOT NULL,
    -- After n, where PostgreSQL's ADD COLUMN puts it: `pslog copy` compares columns in order.
    details TEXT NOT NULL,
    PRIMARY KEY (hour, event, source, transport, reconciled, details)
) WITHOUT ROWID;

CREATE TRIGGER sip_session_hourly_insert AFTER INSERT ON sip_session BEGIN
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, details, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.event, NEW.source, NEW.transport, NEW.reconciled,
            CASE WHEN NEW.event = 'DISCONNECT' THEN NEW.details ELSE '' END, 1)
    ON CONFLICT (hour, event, source, transport, reconciled, details) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER sip_session_hourly_delete AFTER DELETE ON sip_session BEGIN
    UPDATE sip_session_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source
      AND transport = OLD.transport AND reconciled = OLD.reconciled AND details = CASE WHEN OLD.event = 'DISCONNECT' THEN OLD.details ELSE '' END;
    DELETE FROM sip_session_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source
      AND transport = OLD.transport AND reconciled = OLD.reconciled AND details = CASE WHEN OLD.event = 'DISCONNECT' THEN OLD.details ELSE '' END
      AND n = 0;
END;

CREATE TRIGGER sip_session_hourly_update AFTER UPDATE OF occurred_at, event, source, transport, reconciled, details ON sip_session BEGIN
    UPDATE sip_session_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source
      AND transport = OLD.transport AND reconciled = OLD.reconciled AND details = CASE WHEN OLD.event = 'DISCONNECT' THEN OLD.details ELSE '' END;
    DELETE FROM sip_session_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source
      AND transport = OLD.transport AND reconciled = OLD.reconciled AND details = CASE WHEN OLD.event = 'DISCONNECT' THEN OLD.details ELSE '' END
      AND n = 0;
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, details, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.event, NEW.source, NEW.transport, NEW.reconciled,
            CASE WHEN NEW.event = 'DISCONNECT' THEN NEW.details ELSE '' END, 1)
    ON CONFLICT (hour, event, source, transport, reconciled, details) DO UPDATE SET n = n + 1;
END;

INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, details, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled,
       CASE WHEN event = 'DISCONNECT' THEN details ELSE '' END, COUNT(*)
FROM sip_session GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TABLE cdr_account_daily (
    day INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, account_id, failed)
) WITHOUT ROWID;

-- An hour's count arrives, changes (by the CDRs' upsert) or goes: its day follows by the
-- difference. A day whose count reaches 0 is deleted, as an hour is.
CREATE TRIGGER cdr_account_daily_insert AFTER INSERT ON cdr_account_hourly BEGIN
    INSERT INTO cdr_account_daily (day, account_id, failed, n)
    VALUES (NEW.hour - (NEW.hour % 86400000 + 86400000) % 86400000, NEW.account_id, NEW.failed, NEW.n)
    ON CONFLICT (day, account_id, failed) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER cdr_account_daily_delete AFTER DELETE ON cdr_account_hourly BEGIN
    UPDATE cdr_account_daily SET n = n - OLD.n
    WHERE day = OLD.hour - (OLD.hour % 86400000 + 86400000) % 86400000 AND account_id = OLD.account_id AND failed = OLD.failed;
    DELETE FROM cdr_account_daily
    WHERE day = OLD.hour - (OLD.hour % 86400000 + 86400000) % 86400000 AND account_id = OLD.account_id AND failed = OLD.failed AND n = 0;
END;

CREATE TRIGGER cdr_account_daily_update AFTER UPDATE ON cdr_account_hourly BEGIN
    INSERT INTO cdr_account_daily (day, account_id, failed, n)
    VALUES (NEW.hour - (NEW.hour % 86400000 + 86400000) % 86400000, NEW.account_id, NEW.failed, NEW.n)
    ON CONFLICT (day, account_id, failed) DO UPDATE SET n = n + excluded.n;
    UPDATE cdr_account_daily SET n = n - OLD.n
    WHERE day = OLD.hour - (OLD.hour % 86400000 + 86400000) % 86400000 AND account_id = OLD.account_id AND failed = OLD.failed;
    DELETE FROM cdr_account_daily
    WHERE n = 0 AND account_id IN (OLD.account_id, NEW.account_id) AND failed IN (OLD.failed, NEW.failed)
      AND day IN (OLD.hour - (OLD.hour % 86400000 + 86400000) % 86400000, NEW.hour - (NEW.hour % 86400000 + 86400000) % 86400000);
END;

INSERT INTO cdr_account_daily (day, account_id, failed, n)
SELECT hour - (hour % 86400000 + 86400000) % 86400000, account_id, failed, SUM(n) FROM cdr_account_hourly GROUP BY 1, 2, 3;
