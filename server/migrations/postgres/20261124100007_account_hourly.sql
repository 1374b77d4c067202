-- Hourly CDR counts per account (as caller or callee, once for a call between two sides of
-- one account, as the lists' account filter counts them), split by whether the call FAILED:
-- the overview's top accounts over 30 days read 720 hours of these, not millions of CDRs.
-- Kept by statement-level triggers like the other hourly counts; a dropped month takes its
-- hours with it (server::partitions::drop_expired).

CREATE TABLE cdr_account_hourly (
    hour BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    failed SMALLINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, account_id, failed)
);

CREATE FUNCTION cdr_account_hourly_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cdr_account_hourly (hour, account_id, failed, n)
    SELECT hour, account, failed, COUNT(*) FROM (
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour, caller_account_id AS account,
               (disposition = 'FAILED')::INT::SMALLINT AS failed
        FROM added WHERE caller_account_id IS NOT NULL
        UNION ALL
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, callee_account_id, (disposition = 'FAILED')::INT::SMALLINT
        FROM added WHERE callee_account_id IS NOT NULL AND callee_account_id IS DISTINCT FROM caller_account_id
    ) sides GROUP BY 1, 2, 3
    ON CONFLICT (hour, account_id, failed) DO UPDATE SET n = cdr_account_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION cdr_account_hourly_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cdr_account_hourly h SET n = h.n - g.n
    FROM (
        SELECT hour, account, failed, COUNT(*) AS n FROM (
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour, caller_account_id AS account,
               (disposition = 'FAILED')::INT::SMALLINT AS failed
        FROM removed WHERE caller_account_id IS NOT NULL
        UNION ALL
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, callee_account_id, (disposition = 'FAILED')::INT::SMALLINT
        FROM removed WHERE callee_account_id IS NOT NULL AND callee_account_id IS DISTINCT FROM caller_account_id
        ) sides GROUP BY 1, 2, 3
    ) g
    WHERE h.hour = g.hour AND h.account_id = g.account AND h.failed = g.failed;
    DELETE FROM cdr_account_hourly h
    USING (SELECT DISTINCT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour FROM removed) g
    WHERE h.hour = g.hour AND h.n = 0;
    RETURN NULL;
END;
$$;
CREATE FUNCTION cdr_account_hourly_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cdr_account_hourly h SET n = h.n - g.n
    FROM (
        SELECT hour, account, failed, COUNT(*) AS n FROM (
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour, caller_account_id AS account,
               (disposition = 'FAILED')::INT::SMALLINT AS failed
        FROM removed WHERE caller_account_id IS NOT NULL
        UNION ALL
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, callee_account_id, (disposition = 'FAILED')::INT::SMALLINT
        FROM removed WHERE callee_account_id IS NOT NULL AND callee_account_id IS DISTINCT FROM caller_account_id
        ) sides GROUP BY 1, 2, 3
    ) g
    WHERE h.hour = g.hour AND h.account_id = g.account AND h.failed = g.failed;
    DELETE FROM cdr_account_hourly h
    USING (SELECT DISTINCT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour FROM removed) g
    WHERE h.hour = g.hour AND h.n = 0;
    INSERT INTO cdr_account_hourly (hour, account_id, failed, n)
    SELECT hour, account, failed, COUNT(*) FROM (
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour, caller_account_id AS account,
               (disposition = 'FAILED')::INT::SMALLINT AS failed
        FROM added WHERE caller_account_id IS NOT NULL
        UNION ALL
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, callee_account_id, (disposition = 'FAILED')::INT::SMALLINT
        FROM added WHERE callee_account_id IS NOT NULL AND callee_account_id IS DISTINCT FROM caller_account_id
    ) sides GROUP BY 1, 2, 3
    ON CONFLICT (hour, account_id, failed) DO UPDATE SET n = cdr_account_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER cdr_account_hourly_insert AFTER INSERT ON cdr REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_account_hourly_added();
CREATE TRIGGER cdr_account_hourly_delete AFTER DELETE ON cdr REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_account_hourly_removed();
CREATE TRIGGER cdr_account_hourly_update AFTER UPDATE ON cdr REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_account_hourly_changed();

INSERT INTO cdr_account_hourly (hour, account_id, failed, n)
SELECT hour, account, failed, COUNT(*) FROM (
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000 AS hour, caller_account_id AS account,
               (disposition = 'FAILED')::INT::SMALLINT AS failed
        FROM cdr WHERE caller_account_id IS NOT NULL
        UNION ALL
        SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, callee_account_id, (disposition = 'FAILED')::INT::SMALLINT
        FROM cdr WHERE callee_account_id IS NOT NULL AND callee_account_id IS DISTINCT FROM caller_account_id
) sides GROUP BY 1, 2, 3;
