-- Hourly counts of the big logs, by every code and yes/no column their lists filter on
-- (CategorySpec::hourly, rollup columns derived from the filters; the test `counts.rs`
-- checks the two agree). A list's total over any combination of those filters and any time
-- range is read from here for the whole hours, and counted from the table's index only for
-- the partial hours at the range's edges: a few hundred rows instead of millions.
-- Kept by triggers, so that every writer (ingest, import, demo, copy, retention, the
-- console's own events, an operator's SQL) keeps them exact; a NULL code counts as ''.
-- A row whose count reaches 0 is deleted, so the counts are the same however rows came.

CREATE TABLE cdr_hourly (
    hour INTEGER NOT NULL,
    disposition TEXT NOT NULL,
    hangup_cause TEXT NOT NULL,
    call_type TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (hour, disposition, hangup_cause, call_type)
) WITHOUT ROWID;

CREATE TRIGGER cdr_hourly_insert AFTER INSERT ON cdr BEGIN
    INSERT INTO cdr_hourly (hour, disposition, hangup_cause, call_type, n)
    VALUES (NEW.call_date - (NEW.call_date % 3600000 + 3600000) % 3600000, NEW.disposition, COALESCE(NEW.hangup_cause, ''), NEW.call_type, 1)
    ON CONFLICT (hour, disposition, hangup_cause, call_type) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cdr_hourly_delete AFTER DELETE ON cdr BEGIN
    UPDATE cdr_hourly SET n = n - 1
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000 AND disposition = OLD.disposition AND hangup_cause = COALESCE(OLD.hangup_cause, '') AND call_type = OLD.call_type;
    DELETE FROM cdr_hourly
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000 AND disposition = OLD.disposition AND hangup_cause = COALESCE(OLD.hangup_cause, '') AND call_type = OLD.call_type AND n = 0;
END;

CREATE TRIGGER cdr_hourly_update AFTER UPDATE OF call_date, disposition, hangup_cause, call_type ON cdr BEGIN
    UPDATE cdr_hourly SET n = n - 1
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000 AND disposition = OLD.disposition AND hangup_cause = COALESCE(OLD.hangup_cause, '') AND call_type = OLD.call_type;
    DELETE FROM cdr_hourly
    WHERE hour = OLD.call_date - (OLD.call_date % 3600000 + 3600000) % 3600000 AND disposition = OLD.disposition AND hangup_cause = COALESCE(OLD.hangup_cause, '') AND call_type = OLD.call_type AND n = 0;
    INSERT INTO cdr_hourly (hour, disposition, hangup_cause, call_type, n)
    VALUES (NEW.call_date - (NEW.call_date % 3600000 + 3600000) % 3600000, NEW.disposition, COALESCE(NEW.hangup_cause, ''), NEW.call_type, 1)
    ON CONFLICT (hour, disposition, hangup_cause, call_type) DO UPDATE SET n = n + 1;
END;

INSERT INTO cdr_hourly (hour, disposition, hangup_cause, call_type, n)
SELECT call_date - (call_date % 3600000 + 3600000) % 3600000, disposition, COALESCE(hangup_cause, ''), call_type, COUNT(*) FROM cdr GROUP BY 1, 2, 3, 4;

CREATE TABLE sip_session_hourly (
    hour INTEGER NOT NULL,
    event TEXT NOT NULL,
    source TEXT NOT NULL,
    transport TEXT NOT NULL,
    reconciled INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (hour, event, source, transport, reconciled)
) WITHOUT ROWID;

CREATE TRIGGER sip_session_hourly_insert AFTER INSERT ON sip_session BEGIN
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.event, NEW.source, NEW.transport, NEW.reconciled, 1)
    ON CONFLICT (hour, event, source, transport, reconciled) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER sip_session_hourly_delete AFTER DELETE ON sip_session BEGIN
    UPDATE sip_session_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source AND transport = OLD.transport AND reconciled = OLD.reconciled;
    DELETE FROM sip_session_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source AND transport = OLD.transport AND reconciled = OLD.reconciled AND n = 0;
END;

CREATE TRIGGER sip_session_hourly_update AFTER UPDATE OF occurred_at, event, source, transport, reconciled ON sip_session BEGIN
    UPDATE sip_session_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source AND transport = OLD.transport AND reconciled = OLD.reconciled;
    DELETE FROM sip_session_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event = OLD.event AND source = OLD.source AND transport = OLD.transport AND reconciled = OLD.reconciled AND n = 0;
    INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.event, NEW.source, NEW.transport, NEW.reconciled, 1)
    ON CONFLICT (hour, event, source, transport, reconciled) DO UPDATE SET n = n + 1;
END;

INSERT INTO sip_session_hourly (hour, event, source, transport, reconciled, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event, source, transport, reconciled, COUNT(*) FROM sip_session GROUP BY 1, 2, 3, 4, 5;

CREATE TABLE web_session_hourly (
    hour INTEGER NOT NULL,
    result TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (hour, result)
) WITHOUT ROWID;

CREATE TRIGGER web_session_hourly_insert AFTER INSERT ON web_session BEGIN
    INSERT INTO web_session_hourly (hour, result, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.result, 1)
    ON CONFLICT (hour, result) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER web_session_hourly_delete AFTER DELETE ON web_session BEGIN
    UPDATE web_session_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND result = OLD.result;
    DELETE FROM web_session_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND result = OLD.result AND n = 0;
END;

CREATE TRIGGER web_session_hourly_update AFTER UPDATE OF occurred_at, result ON web_session BEGIN
    UPDATE web_session_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND result = OLD.result;
    DELETE FROM web_session_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND result = OLD.result AND n = 0;
    INSERT INTO web_session_hourly (hour, result, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.result, 1)
    ON CONFLICT (hour, result) DO UPDATE SET n = n + 1;
END;

INSERT INTO web_session_hourly (hour, result, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, result, COUNT(*) FROM web_session GROUP BY 1, 2;

CREATE TABLE security_event_hourly (
    hour INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    processed INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (hour, event_type, processed)
) WITHOUT ROWID;

CREATE TRIGGER security_event_hourly_insert AFTER INSERT ON security_event BEGIN
    INSERT INTO security_event_hourly (hour, event_type, processed, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.event_type, NEW.processed, 1)
    ON CONFLICT (hour, event_type, processed) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER security_event_hourly_delete AFTER DELETE ON security_event BEGIN
    UPDATE security_event_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event_type = OLD.event_type AND processed = OLD.processed;
    DELETE FROM security_event_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event_type = OLD.event_type AND processed = OLD.processed AND n = 0;
END;

CREATE TRIGGER security_event_hourly_update AFTER UPDATE OF occurred_at, event_type, processed ON security_event BEGIN
    UPDATE security_event_hourly SET n = n - 1
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event_type = OLD.event_type AND processed = OLD.processed;
    DELETE FROM security_event_hourly
    WHERE hour = OLD.occurred_at - (OLD.occurred_at % 3600000 + 3600000) % 3600000 AND event_type = OLD.event_type AND processed = OLD.processed AND n = 0;
    INSERT INTO security_event_hourly (hour, event_type, processed, n)
    VALUES (NEW.occurred_at - (NEW.occurred_at % 3600000 + 3600000) % 3600000, NEW.event_type, NEW.processed, 1)
    ON CONFLICT (hour, event_type, processed) DO UPDATE SET n = n + 1;
END;

INSERT INTO security_event_hourly (hour, event_type, processed, n)
SELECT occurred_at - (occurred_at % 3600000 + 3600000) % 3600000, event_type, processed, COUNT(*) FROM security_event GROUP BY 1, 2, 3;

CREATE TABLE secure_message_hourly (
    hour INTEGER NOT NULL,
    tech_message INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (hour, tech_message, status)
) WITHOUT ROWID;

CREATE TRIGGER secure_message_hourly_insert AFTER INSERT ON secure_message BEGIN
    INSERT INTO secure_message_hourly (hour, tech_message, status, n)
    VALUES (NEW.received_at - (NEW.received_at % 3600000 + 3600000) % 3600000, NEW.tech_message, NEW.status, 1)
    ON CONFLICT (hour, tech_message, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER secure_message_hourly_delete AFTER DELETE ON secure_message BEGIN
    UPDATE secure_message_hourly SET n = n - 1
    WHERE hour = OLD.received_at - (OLD.received_at % 3600000 + 3600000) % 3600000 AND tech_message = OLD.tech_message AND status = OLD.status;
    DELETE FROM secure_message_hourly
    WHERE hour = OLD.received_at - (OLD.received_at % 3600000 + 3600000) % 3600000 AND tech_message = OLD.tech_message AND status = OLD.status AND n = 0;
END;

CREATE TRIGGER secure_message_hourly_update AFTER UPDATE OF received_at, tech_message, status ON secure_message BEGIN
    UPDATE secure_message_hourly SET n = n - 1
    WHERE hour = OLD.received_at - (OLD.received_at % 3600000 + 3600000) % 3600000 AND tech_message = OLD.tech_message AND status = OLD.status;
    DELETE FROM secure_message_hourly
    WHERE hour = OLD.received_at - (OLD.received_at % 3600000 + 3600000) % 3600000 AND tech_message = OLD.tech_message AND status = OLD.status AND n = 0;
    INSERT INTO secure_message_hourly (hour, tech_message, status, n)
    VALUES (NEW.received_at - (NEW.received_at % 3600000 + 3600000) % 3600000, NEW.tech_message, NEW.status, 1)
    ON CONFLICT (hour, tech_message, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO secure_message_hourly (hour, tech_message, status, n)
SELECT received_at - (received_at % 3600000 + 3600000) % 3600000, tech_message, status, COUNT(*) FROM secure_message GROUP BY 1, 2, 3;
