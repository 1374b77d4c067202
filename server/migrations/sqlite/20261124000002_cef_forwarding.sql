-- CEF out to a SIEM: the header and device fields of every CEF line (defaults from the
-- seeds' example), and where forwarding has got to.

ALTER TABLE settings ADD COLUMN cef_vendor TEXT NOT NULL DEFAULT 'Internal Application';
ALTER TABLE settings ADD COLUMN cef_product TEXT NOT NULL DEFAULT 'Secure Mobile Voice';
ALTER TABLE settings ADD COLUMN cef_version TEXT NOT NULL DEFAULT '12.0';
ALTER TABLE settings ADD COLUMN cef_device_external_id TEXT NOT NULL DEFAULT '76293-1';
ALTER TABLE settings ADD COLUMN cef_dhost TEXT NOT NULL DEFAULT '';

-- One row: the id of the last Security Event sent (the cursor), and the forwarder's state.
CREATE TABLE cef_forwarding (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_sent_id  INTEGER NOT NULL DEFAULT 0,
    last_sent_at  INTEGER,
    last_error    TEXT,
    last_error_at INTEGER,
    -- 1 while the receiver cannot be reached: the System Event "stopped" was written.
    stopped       INTEGER NOT NULL DEFAULT 0 CHECK (stopped IN (0, 1))
);
INSERT INTO cef_forwarding (id) VALUES (1);

