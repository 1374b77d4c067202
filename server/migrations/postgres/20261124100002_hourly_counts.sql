-- Hourly counts of the big logs, by every code and yes/no column their lists filter on
-- (CategorySpec::hourly; the columns are derived from the list's filters, and the test
-- `counts.rs` checks the two agree). A list's total over any combination of those filters
-- and any time range is read from here for the whole hours, and counted from the table's
-- index only for the partial hours at the range's edges: a few thousand rows, not millions.
-- Kept by triggers, so that every writer (ingest, import, demo, copy, retention, the
-- console's own events, an operator's SQL) keeps them exact; a NULL code counts as ''. A
-- row whose count reaches 0 is deleted, so the counts are the same however the rows came.
--
-- Statement-level triggers over transition tables: one grouped upsert per statement. (Row
-- triggers would update the same count row once per inserted row, and in one transaction
-- PostgreSQL keeps every version of it: a batch of 200,000 rows in one hour took minutes.)
-- A dropped month (retention) takes its hours with it in the same transaction
-- (server::partitions::drop_expired): dropping a partition fires no trigger.


CREATE TABLE cdr_hourly (
    hour BIGINT NOT NULL,
    disposition TEXT COLLATE "C" NOT NULL,
    hangup_cause TEXT COLLATE "C" NOT NULL,
    call_type TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, disposition, hangup_cause, call_type)
);

CREATE FUNCTION cdr_hourly_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cdr_hourly (hour, disposition, hangup_cause, call_type, n)
    SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM added GROUP BY 1, 2, 3, 4
    ON CONFLICT (hour, disposition, hangup_cause, call_type) DO UPDATE SET n = cdr_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION cdr_hourly_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cdr_hourly h SET n = h.n - g.n
    FROM (SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4) AS g (hour, disposition, hangup_cause, call_type, n)
    WHERE h.hour = g.hour AND h.disposition = g.disposition AND h.hangup_cause = g.hangup_cause AND h.call_type = g.call_type;
    DELETE FROM cdr_hourly h
    USING (SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4) AS g (hour, disposition, hangup_cause, call_type, n)
    WHERE h.hour = g.hour AND h.disposition = g.disposition AND h.hangup_cause = g.hangup_cause AND h.call_type = g.call_type AND h.n = 0;
    RETURN NULL;
END;
$$;
CREATE FUNCTION cdr_hourly_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cdr_hourly h SET n = h.n - g.n
    FROM (SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4) AS g (hour, disposition, hangup_cause, call_type, n)
    WHERE h.hour = g.hour AND h.disposition = g.disposition AND h.hangup_cause = g.hangup_cause AND h.call_type = g.call_type;
    DELETE FROM cdr_hourly h
    USING (SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4) AS g (hour, disposition, hangup_cause, call_type, n)
    WHERE h.hour = g.hour AND h.disposition = g.disposition AND h.hangup_cause = g.hangup_cause AND h.call_type = g.call_type AND h.n = 0;
    INSERT INTO cdr_hourly (hour, disposition, hangup_cause, call_type, n)
    SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM added GROUP BY 1, 2, 3, 4
    ON CONFLICT (hour, disposition, hangup_cause, call_type) DO UPDATE SET n = cdr_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER cdr_hourly_insert AFTER INSERT ON cdr REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_hourly_added();
CREATE TRIGGER cdr_hourly_delete AFTER DELETE ON cdr REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_hourly_removed();
CREATE TRIGGER cdr_hourly_update AFTER UPDATE ON cdr REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION cdr_hourly_changed();

INSERT INTO cdr_hourly (hour, disposition, hangup_cause, call_type, n)
SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM cdr GROUP BY 1, 2, 3, 4;

CREATE TABLE sip_session_hourly (
    hour BIGINT NOT NULL,
    event TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    transport TEXT COLLATE "C" NOT NULL,
    reconciled SMALLINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, event, source, transport, reconciled)
);

CREATE FUNCTION sip_session_hourly_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM added GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (hour, event, source, transport, reconciled) DO UPDATE SET n = sip_session_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION sip_session_hourly_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sip_session_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4, 5) AS g (hour, event, source, transport, reconciled, n)
    WHERE h.hour = g.hour AND h.event = g.event AND h.source = g.source AND h.transport = g.transport AND h.reconciled = g.reconciled;
    DELETE FROM sip_session_hourly h
    USING (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4, 5) AS g (hour, event, source, transport, reconciled, n)
    WHERE h.hour = g.hour AND h.event = g.event AND h.source = g.source AND h.transport = g.transport AND h.reconciled = g.reconciled AND h.n = 0;
    RETURN NULL;
END;
$$;
CREATE FUNCTION sip_session_hourly_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sip_session_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4, 5) AS g (hour, event, source, transport, reconciled, n)
    WHERE h.hour = g.hour AND h.event = g.event AND h.source = g.source AND h.transport = g.transport AND h.reconciled = g.reconciled;
    DELETE FROM sip_session_hourly h
    USING (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM removed GROUP BY 1, 2, 3, 4, 5) AS g (hour, event, source, transport, reconciled, n)
    WHERE h.hour = g.hour AND h.event = g.event AND h.source = g.source AND h.transport = g.transport AND h.reconciled = g.reconciled AND h.n = 0;
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM added GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (hour, event, source, transport, reconciled) DO UPDATE SET n = sip_session_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER sip_session_hourly_insert AFTER INSERT ON sip_session REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sip_session_hourly_added();
CREATE TRIGGER sip_session_hourly_delete AFTER DELETE ON sip_session REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION sip_session_hourly_removed();
CREATE TRIGGER sip_session_hourly_update AFTER UPDATE ON sip_session REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sip_session_hourly_changed();

INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM sip_session GROUP BY 1, 2, 3, 4, 5;

CREATE TABLE web_session_hourly (
    hour BIGINT NOT NULL,
    result TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, result)
);

CREATE FUNCTION web_session_hourly_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO web_session_hourly (hour, result, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM added GROUP BY 1, 2
    ON CONFLICT (hour, result) DO UPDATE SET n = web_session_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION web_session_hourly_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE web_session_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM removed GROUP BY 1, 2) AS g (hour, result, n)
    WHERE h.hour = g.hour AND h.result = g.result;
    DELETE FROM web_session_hourly h
    USING (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM removed GROUP BY 1, 2) AS g (hour, result, n)
    WHERE h.hour = g.hour AND h.result = g.result AND h.n = 0;
    RETURN NULL;
END;
$$;
CREATE FUNCTION web_session_hourly_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE web_session_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM removed GROUP BY 1, 2) AS g (hour, result, n)
    WHERE h.hour = g.hour AND h.result = g.result;
    DELETE FROM web_session_hourly h
    USING (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM removed GROUP BY 1, 2) AS g (hour, result, n)
    WHERE h.hour = g.hour AND h.result = g.result AND h.n = 0;
    INSERT INTO web_session_hourly (hour, result, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM added GROUP BY 1, 2
    ON CONFLICT (hour, result) DO UPDATE SET n = web_session_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER web_session_hourly_insert AFTER INSERT ON web_session REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION web_session_hourly_added();
CREATE TRIGGER web_session_hourly_delete AFTER DELETE ON web_session REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION web_session_hourly_removed();
CREATE TRIGGER web_session_hourly_update AFTER UPDATE ON web_session REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION web_session_hourly_changed();

INSERT INTO web_session_hourly (hour, result, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM web_session GROUP BY 1, 2;

CREATE TABLE security_event_hourly (
    hour BIGINT NOT NULL,
    event_type TEXT COLLATE "C" NOT NULL,
    processed SMALLINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, event_type, processed)
);

CREATE FUNCTION security_event_hourly_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO security_event_hourly (hour, event_type, processed, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM added GROUP BY 1, 2, 3
    ON CONFLICT (hour, event_type, processed) DO UPDATE SET n = security_event_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION security_event_hourly_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE security_event_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, event_type, processed, n)
    WHERE h.hour = g.hour AND h.event_type = g.event_type AND h.processed = g.processed;
    DELETE FROM security_event_hourly h
    USING (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, event_type, processed, n)
    WHERE h.hour = g.hour AND h.event_type = g.event_type AND h.processed = g.processed AND h.n = 0;
    RETURN NULL;
END;
$$;
CREATE FUNCTION security_event_hourly_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE security_event_hourly h SET n = h.n - g.n
    FROM (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, event_type, processed, n)
    WHERE h.hour = g.hour AND h.event_type = g.event_type AND h.processed = g.processed;
    DELETE FROM security_event_hourly h
    USING (SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, event_type, processed, n)
    WHERE h.hour = g.hour AND h.event_type = g.event_type AND h.processed = g.processed AND h.n = 0;
    INSERT INTO security_event_hourly (hour, event_type, processed, n)
    SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM added GROUP BY 1, 2, 3
    ON CONFLICT (hour, event_type, processed) DO UPDATE SET n = security_event_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER security_event_hourly_insert AFTER INSERT ON security_event REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION security_event_hourly_added();
CREATE TRIGGER security_event_hourly_delete AFTER DELETE ON security_event REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION security_event_hourly_removed();
CREATE TRIGGER security_event_hourly_update AFTER UPDATE ON security_event REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION security_event_hourly_changed();

INSERT INTO security_event_hourly (hour, event_type, processed, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM security_event GROUP BY 1, 2, 3;

CREATE TABLE secure_message_hourly (
    hour BIGINT NOT NULL,
    tech_message SMALLINT NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (hour, tech_message, status)
);

CREATE FUNCTION secure_message_hourly_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO secure_message_hourly (hour, tech_message, status, n)
    SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM added GROUP BY 1, 2, 3
    ON CONFLICT (hour, tech_message, status) DO UPDATE SET n = secure_message_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE FUNCTION secure_message_hourly_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE secure_message_hourly h SET n = h.n - g.n
    FROM (SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, tech_message, status, n)
    WHERE h.hour = g.hour AND h.tech_message = g.tech_message AND h.status = g.status;
    DELETE FROM secure_message_hourly h
    USING (SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, tech_message, status, n)
    WHERE h.hour = g.hour AND h.tech_message = g.tech_message AND h.status = g.status AND h.n = 0;
    RETURN NULL;
END;
$$;
CREATE FUNCTION secure_message_hourly_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE secure_message_hourly h SET n = h.n - g.n
    FROM (SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, tech_message, status, n)
    WHERE h.hour = g.hour AND h.tech_message = g.tech_message AND h.status = g.status;
    DELETE FROM secure_message_hourly h
    USING (SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM removed GROUP BY 1, 2, 3) AS g (hour, tech_message, status, n)
    WHERE h.hour = g.hour AND h.tech_message = g.tech_message AND h.status = g.status AND h.n = 0;
    INSERT INTO secure_message_hourly (hour, tech_message, status, n)
    SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM added GROUP BY 1, 2, 3
    ON CONFLICT (hour, tech_message, status) DO UPDATE SET n = secure_message_hourly.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER secure_message_hourly_insert AFTER INSERT ON secure_message REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION secure_message_hourly_added();
CREATE TRIGGER secure_message_hourly_delete AFTER DELETE ON secure_message REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION secure_message_hourly_removed();
CREATE TRIGGER secure_message_hourly_update AFTER UPDATE ON secure_message REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION secure_message_hourly_changed();

INSERT INTO secure_message_hourly (hour, tech_message, status, n)
SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM secure_message GROUP BY 1, 2, 3;
