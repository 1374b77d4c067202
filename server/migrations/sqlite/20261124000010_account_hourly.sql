-- Hourly CDR counts per account (as caller or callee, once for a call between two sides of
-- one account, as the lists' account filter counts them), split by whether the call FAILED:
-- the overview's top accounts over 30 days read 720 hours of these, not millions of CDRs.
-- Kept by triggers like the other hourly counts.

CREATE TABLE cdr_account_hourly (
    hour INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (hour, account_id, failed)
) WITHOUT ROWID;

CREATE TRIGGER cdr_account_hourly_insert AFTER INSERT ON cdr BEGIN
    INSERT INTO cdr_account_hourly (hour, account_id, failed, n)
    SELECT NEW.call_date - (NEW.call_date % 3600000 + 3600000) % 3600000, account, NEW.disposition = 'FAILED', 1
    FROM (SELECT NEW.caller_account_id AS account UNION SELECT NEW.callee_account_id) WHERE account IS NOT NULL
    ON CONFLICT (hour, account_id, failed) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cdr_account_hourly_delete AFTER DELETE ON cdr BEGIN
    UPDATE cdr_account_hourly SET n = n - 1
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000
      AND account_id IN (OLD.caller_account_id, OLD.callee_account_id) AND failed = (OLD.disposition = 'FAILED');
    DELETE FROM cdr_account_hourly
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000
      AND account_id IN (OLD.caller_account_id, OLD.callee_account_id) AND failed = (OLD.disposition = 'FAILED') AND n = 0;
END;

CREATE TRIGGER cdr_account_hourly_update AFTER UPDATE OF call_date, disposition, caller_account_id, callee_account_id ON cdr BEGIN
    UPDATE cdr_account_hourly SET n = n - 1
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000
      AND account_id IN (OLD.caller_account_id, OLD.callee_account_id) AND failed = (OLD.disposition = 'FAILED');
    DELETE FROM cdr_account_hourly
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000
      AND account_id IN (OLD.caller_account_id, OLD.callee_account_id) AND failed = (OLD.disposition = 'FAILED') AND n = 0;
    INSERT INTO cdr_account_hourly (hour, account_id, failed, n)
    SELECT NEW.call_date - (NEW.call_date % 3600000 + 3600000) % 3600000, account, NEW.disposition = 'FAILED', 1
    FROM (SELECT NEW.caller_account_id AS account UNION SELECT NEW.callee_account_id) WHERE account IS NOT NULL
    ON CONFLICT (hour, account_id, failed) DO UPDATE SET n = n + 1;
END;

INSERT INTO cdr_account_hourly (hour, account_id, failed, n)
SELECT hour, account, failed, COUNT(*) FROM (
    SELECT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour, caller_account_id AS account,
           disposition = 'FAILED' AS failed
    FROM cdr WHERE caller_account_id IS NOT NULL
    UNION ALL
    SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, callee_account_id, disposition = 'FAILED'
    FROM cdr WHERE callee_account_id IS NOT NULL AND (caller_account_id IS NULL OR callee_account_id <> caller_account_id)
) GROUP BY 1, 2, 3;
