-- Every CSV export is itself logged (SPEC §11), as a Security Event of the new type
-- DATA_EXPORT. SQLite cannot widen a CHECK in place: the table is rebuilt with the wider one,
-- keeping its ids and its id sequence (ids are never handed out again), then its indexes and
-- the triggers that keep its hourly counts and its full-text index are made again, unchanged.
-- No view names the table. The full-text index's rows are those of the same ids: it needs no
-- rebuild.

CREATE TABLE security_event_rebuilt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at INTEGER NOT NULL,
    description TEXT NOT NULL,
    event_type  TEXT NOT NULL CHECK (event_type IN ('LOG_IN','LOG_OUT','LOGIN_FAILED','HEARTBEAT',
                    'APPLIANCE_CONFIGURATION_CHANGE','SECURITY_CONFIGURATION_CHANGE','SYSTEM','DATA_EXPORT')),
    details     TEXT NOT NULL DEFAULT '',
    processed   INTEGER NOT NULL DEFAULT 1 CHECK (processed IN (0, 1))
);
INSERT INTO security_event_rebuilt SELECT * FROM security_event;
-- The copy's sequence is its highest id; the old one may be higher (its newest rows purged).
INSERT INTO sqlite_sequence (name, seq)
SELECT 'security_event_rebuilt', 0
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'security_event_rebuilt');
UPDATE sqlite_sequence
SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'security_event'), 0))
WHERE name = 'security_event_rebuilt';
DROP TABLE security_event;
ALTER TABLE security_event_rebuilt RENAME TO security_event;

CREATE INDEX security_event_time ON security_event (occurred_at);
CREATE INDEX security_event_type ON security_event (event_type, occurred_at);
CREATE INDEX security_event_description ON security_event (description, occurred_at);

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

CREATE TRIGGER security_event_text_insert AFTER INSERT ON security_event BEGIN
    INSERT INTO security_event_text (rowid, description, event_type, details)
    VALUES (new.id, new.description, new.event_type, new.details);
END;
CREATE TRIGGER security_event_text_delete AFTER DELETE ON security_event BEGIN
    INSERT INTO security_event_text (security_event_text, rowid, description, event_type, details)
    VALUES ('delete', old.id, old.description, old.event_type, old.details);
END;
CREATE TRIGGER security_event_text_update AFTER UPDATE OF description, event_type, details ON security_event BEGIN
    INSERT INTO security_event_text (security_event_text, rowid, description, event_type, details)
    VALUES ('delete', old.id, old.description, old.event_type, old.details);
    INSERT INTO security_event_text (rowid, description, event_type, details)
    VALUES (new.id, new.description, new.event_type, new.details);
END;
