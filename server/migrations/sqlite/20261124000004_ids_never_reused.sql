-- Ids are never handed out again (the manual's "PK - autoincrement"): the log tables get
-- AUTOINCREMENT, so that a row purged by retention (the newest CDRs included) does not give
-- its id to the next one. SQLite cannot add it to a table in place: each table is rebuilt,
-- with its indexes; the views and the No-CDR trigger that name them are dropped first and
-- made again, unchanged, at the end. On a large database this copies every log row once.

DROP VIEW account_list;
DROP VIEW registration;
DROP VIEW sip_session_list;
DROP VIEW V_AUDIT_EVENT;
DROP VIEW V_AUTH_EVENT;
DROP VIEW V_SIP_SESSION;
DROP VIEW V_CDR;
DROP TRIGGER cdr_no_cdr;

CREATE TABLE web_session_rebuilt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at INTEGER NOT NULL,
    result      TEXT NOT NULL CHECK (result IN ('SUCCESS','SUCCESS_INTERACTIVE','LOGOUT','SESSION_TIMEOUT',
                    'FAIL_USER_NOT_FOUND','FAIL_CREDENTIALS_EXPIRED','FAIL_BAD_CREDENTIALS')),
    username    TEXT NOT NULL DEFAULT '',
    ip_address  TEXT NOT NULL DEFAULT ''
);
INSERT INTO web_session_rebuilt SELECT * FROM web_session;
DROP TABLE web_session;
ALTER TABLE web_session_rebuilt RENAME TO web_session;
CREATE INDEX web_session_time ON web_session (occurred_at);
CREATE INDEX web_session_result ON web_session (result, occurred_at);
CREATE INDEX web_session_username ON web_session (username, occurred_at);
CREATE INDEX web_session_ip ON web_session (ip_address, occurred_at);

CREATE TABLE security_event_rebuilt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at INTEGER NOT NULL,
    description TEXT NOT NULL,
    event_type  TEXT NOT NULL CHECK (event_type IN ('LOG_IN','LOG_OUT','LOGIN_FAILED','HEARTBEAT',
                    'APPLIANCE_CONFIGURATION_CHANGE','SECURITY_CONFIGURATION_CHANGE','SYSTEM')),
    details     TEXT NOT NULL DEFAULT '',
    processed   INTEGER NOT NULL DEFAULT 1 CHECK (processed IN (0, 1))
);
INSERT INTO security_event_rebuilt SELECT * FROM security_event;
DROP TABLE security_event;
ALTER TABLE security_event_rebuilt RENAME TO security_event;
CREATE INDEX security_event_time ON security_event (occurred_at);
CREATE INDEX security_event_type ON security_event (event_type, occurred_at);

CREATE TABLE system_event_rebuilt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at INTEGER NOT NULL,
    description TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT ''
);
INSERT INTO system_event_rebuilt SELECT * FROM system_event;
DROP TABLE system_event;
ALTER TABLE system_event_rebuilt RENAME TO system_event;
CREATE INDEX system_event_time ON system_event (occurred_at);

CREATE TABLE audit_event_rebuilt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    change      TEXT NOT NULL CHECK (change IN ('INSERT','UPDATE','DELETE')),
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_event_rebuilt SELECT * FROM audit_event;
DROP TABLE audit_event;
ALTER TABLE audit_event_rebuilt RENAME TO audit_event;
CREATE INDEX audit_event_time ON audit_event (occurred_at);
CREATE INDEX audit_event_actor ON audit_event (actor, occurred_at);
CREATE INDEX audit_event_change ON audit_event (change, occurred_at);
CREATE INDEX audit_event_object_type ON audit_event (object_type, occurred_at);

CREATE TABLE cdr_rebuilt (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    call_date         INTEGER NOT NULL,
    caller_number     TEXT NOT NULL DEFAULT '',
    caller_name       TEXT NOT NULL DEFAULT '',
    caller_group      TEXT NOT NULL DEFAULT '',
    caller_account_id INTEGER REFERENCES account (id),
    caller_user_agent TEXT NOT NULL DEFAULT '',
    callee_number     TEXT NOT NULL DEFAULT '',
    callee_name       TEXT NOT NULL DEFAULT '',
    callee_group      TEXT NOT NULL DEFAULT '',
    callee_account_id INTEGER REFERENCES account (id),
    callee_user_agent TEXT NOT NULL DEFAULT '',
    total_duration    INTEGER NOT NULL CHECK (total_duration >= 0),
    call_duration     INTEGER NOT NULL CHECK (call_duration >= 0 AND call_duration <= total_duration),
    disposition       TEXT NOT NULL CHECK (disposition IN ('ANSWERED','NO_ANSWER','BUSY','FAILED','CANCEL','STOP_CONF')),
    hangup_cause      TEXT CHECK (hangup_cause IN ('NOT_DEFINED','NO_ROUTE_DESTINATION','NORMAL_CLEARING','USER_BUSY',
                          'NO_ANSWER','CALL_REJECTED','BEARERCAPABILITY_NOTAVAIL','NO_USER_RESPONSE',
                          'NORMAL_CIRCUIT_CONGESTION','SUBSCRIBER_ABSENT')),
    call_id           TEXT NOT NULL,
    call_type         TEXT NOT NULL CHECK (call_type IN ('CALL','THREE_WAY','CONFERENCE','TRANSFER')),
    call_route        TEXT NOT NULL DEFAULT ''
);
INSERT INTO cdr_rebuilt SELECT * FROM cdr;
DROP TABLE cdr;
ALTER TABLE cdr_rebuilt RENAME TO cdr;
CREATE INDEX cdr_time ON cdr (call_date);
CREATE INDEX cdr_call_id ON cdr (call_id, call_date);
CREATE INDEX cdr_caller_number ON cdr (caller_number, call_date);
CREATE INDEX cdr_callee_number ON cdr (callee_number, call_date);
CREATE INDEX cdr_caller_account ON cdr (caller_account_id, call_date);
CREATE INDEX cdr_callee_account ON cdr (callee_account_id, call_date);
CREATE INDEX cdr_disposition ON cdr (disposition, call_date);
CREATE INDEX cdr_call_type ON cdr (call_type, call_date);
CREATE INDEX cdr_caller_name ON cdr (caller_name, call_date);
CREATE INDEX cdr_callee_name ON cdr (callee_name, call_date);
CREATE INDEX cdr_hangup_cause ON cdr (hangup_cause, call_date);

CREATE TABLE sip_session_rebuilt (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  INTEGER NOT NULL,
    event        TEXT NOT NULL CHECK (event IN ('CONNECT','REGISTER','UNREGISTER','DISCONNECT')),
    source       TEXT NOT NULL CHECK (source IN ('CLIENT','SERVER','UNKNOWN')),
    peername     TEXT NOT NULL DEFAULT '',
    account_id   INTEGER REFERENCES account (id),
    details      TEXT NOT NULL DEFAULT '',
    useragent    TEXT NOT NULL DEFAULT '',
    remote_addr  TEXT NOT NULL DEFAULT '',
    tls_cipher   TEXT NOT NULL DEFAULT '',
    transport    TEXT NOT NULL CHECK (transport IN ('TLS','TCP','UDP')),
    reconciled   INTEGER NOT NULL DEFAULT 0 CHECK (reconciled IN (0, 1)),
    expires_secs INTEGER CHECK (expires_secs >= 0)
);
INSERT INTO sip_session_rebuilt SELECT * FROM sip_session;
DROP TABLE sip_session;
ALTER TABLE sip_session_rebuilt RENAME TO sip_session;
CREATE INDEX sip_session_time ON sip_session (occurred_at);
CREATE INDEX sip_session_peername ON sip_session (peername, occurred_at);
CREATE INDEX sip_session_account ON sip_session (account_id, occurred_at);
CREATE INDEX sip_session_event ON sip_session (event, occurred_at);
CREATE INDEX sip_session_remote_addr ON sip_session (remote_addr, occurred_at);
CREATE INDEX sip_session_unreconciled ON sip_session (reconciled, occurred_at);

CREATE TABLE secure_message_rebuilt (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid            TEXT NOT NULL UNIQUE,
    from_account    TEXT NOT NULL,
    from_account_id INTEGER REFERENCES account (id),
    to_account      TEXT NOT NULL,
    to_account_id   INTEGER REFERENCES account (id),
    tech_message    INTEGER NOT NULL CHECK (tech_message IN (0, 1)),
    api_version     INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('ENQUEUED','DELIVERED','EXPIRED','INVALID_RECIPIENT',
                        'INVALID_DEVICE','INVALID_PAYLOAD')),
    send_attempts   INTEGER NOT NULL DEFAULT 0 CHECK (send_attempts >= 0),
    received_at     INTEGER NOT NULL,
    processed_at    INTEGER
);
INSERT INTO secure_message_rebuilt SELECT * FROM secure_message;
DROP TABLE secure_message;
ALTER TABLE secure_message_rebuilt RENAME TO secure_message;
CREATE INDEX secure_message_time ON secure_message (received_at);
CREATE INDEX secure_message_status ON secure_message (status, received_at);
CREATE INDEX secure_message_from ON secure_message (from_account, received_at);
CREATE INDEX secure_message_to ON secure_message (to_account, received_at);

CREATE TABLE install_message_rebuilt (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  INTEGER NOT NULL,
    account      TEXT NOT NULL DEFAULT '',
    account_id   INTEGER REFERENCES account (id),
    platform     TEXT CHECK (platform IN ('ANDROID','IPHONE','BLACKBERRY','NOKIA','DESKTOP')),
    variant      TEXT NOT NULL CHECK (variant IN ('ZRTP','SDES')),
    sent         INTEGER NOT NULL CHECK (sent IN (0, 1)),
    sent_by      TEXT NOT NULL DEFAULT '',
    recipient    TEXT NOT NULL DEFAULT '',
    message_type TEXT NOT NULL CHECK (message_type IN ('SMS','EMAIL')),
    message_link TEXT NOT NULL DEFAULT '',
    token        TEXT NOT NULL DEFAULT ''
);
INSERT INTO install_message_rebuilt SELECT * FROM install_message;
DROP TABLE install_message;
ALTER TABLE install_message_rebuilt RENAME TO install_message;
CREATE INDEX install_message_time ON install_message (occurred_at);
CREATE INDEX install_message_account ON install_message (account, occurred_at);
CREATE INDEX install_message_platform ON install_message (platform, occurred_at);

CREATE TABLE activation_message_rebuilt (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  INTEGER NOT NULL,
    consumed     INTEGER NOT NULL CHECK (consumed IN (0, 1)),
    account      TEXT NOT NULL DEFAULT '',
    account_id   INTEGER REFERENCES account (id),
    sent         INTEGER NOT NULL CHECK (sent IN (0, 1)),
    sent_by      TEXT NOT NULL DEFAULT '',
    recipient    TEXT NOT NULL DEFAULT '',
    message_type TEXT NOT NULL CHECK (message_type IN ('SMS','EMAIL')),
    message_link TEXT NOT NULL DEFAULT '',
    token        TEXT NOT NULL DEFAULT '',
    valid_until  INTEGER
);
INSERT INTO activation_message_rebuilt SELECT * FROM activation_message;
DROP TABLE activation_message;
ALTER TABLE activation_message_rebuilt RENAME TO activation_message;
CREATE INDEX activation_message_time ON activation_message (occurred_at);
CREATE INDEX activation_message_account ON activation_message (account, occurred_at);
CREATE INDEX activation_message_consumed ON activation_message (consumed, occurred_at);

CREATE TRIGGER cdr_no_cdr BEFORE INSERT ON cdr
WHEN NEW.call_type NOT IN ('CONFERENCE', 'THREE_WAY')
 AND EXISTS (SELECT 1 FROM settings WHERE id = 1 AND cdr_retention_period = 'DAY' AND cdr_retention_count = 0)
BEGIN
    SELECT RAISE(IGNORE);
END;

CREATE VIEW V_AUDIT_EVENT AS
SELECT id, strftime('%Y-%m-%d %H:%M:%f', occurred_at / 1000.0, 'unixepoch') AS date_created,
       change AS event_type, actor, object_type AS class_name, object_id
FROM audit_event;

CREATE VIEW V_AUTH_EVENT AS
SELECT id, strftime('%Y-%m-%d %H:%M:%f', occurred_at / 1000.0, 'unixepoch') AS date_created,
       result AS event_type, ip_address, username AS principal
FROM web_session;

CREATE VIEW V_SIP_SESSION AS
SELECT id, strftime('%Y-%m-%d %H:%M:%f', occurred_at / 1000.0, 'unixepoch') AS date_created,
       event AS event_type, peername AS username, useragent, remote_addr AS remoteaddr, tls_cipher AS tlscipher
FROM sip_session;

CREATE VIEW V_CDR AS
SELECT id, strftime('%Y-%m-%d %H:%M:%f', call_date / 1000.0, 'unixepoch') AS calldate,
       caller_number AS src, caller_user_agent AS src_user_agent,
       callee_number AS dst, callee_user_agent AS dst_user_agent,
       total_duration AS duration, call_duration AS billsec
FROM cdr;

CREATE VIEW sip_session_list AS
SELECT s.id, s.occurred_at, s.event, s.source, s.peername, s.account_id, s.details, s.useragent,
       s.remote_addr, s.tls_cipher, s.transport, s.reconciled, s.expires_secs,
       COALESCE(a.description, '') AS account_name
FROM sip_session s
LEFT JOIN account a ON a.id = s.account_id;

CREATE VIEW registration AS
SELECT a.id, a.username, a.description, s.remote_addr, s.useragent,
       s.occurred_at AS registered_at,
       s.occurred_at + COALESCE(s.expires_secs, 0) * 1000 AS expires_at
FROM account a
CROSS JOIN sip_session s ON s.id = (
    SELECT l.id FROM sip_session l
    WHERE l.account_id = a.id AND l.event IN ('REGISTER', 'UNREGISTER', 'DISCONNECT')
    ORDER BY l.occurred_at DESC, l.id DESC
    LIMIT 1)
WHERE s.event = 'REGISTER'
  AND s.occurred_at + COALESCE(s.expires_secs, 0) * 1000 > CAST(strftime('%s', 'now') AS INTEGER) * 1000;

CREATE VIEW account_list AS
SELECT a.id, a.username, a.description, a.phone_number, a.group_name, a.platform,
       EXISTS (SELECT 1 FROM registration r WHERE r.id = a.id) AS online,
       (SELECT MAX(s.occurred_at) FROM sip_session s WHERE s.account_id = a.id) AS last_seen
FROM account a;
