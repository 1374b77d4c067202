-- Views the lists read, and the indexes of the CDR name filters.

-- SIP session events with the name of the account they are bound to.
CREATE VIEW sip_session_list AS
SELECT s.id, s.occurred_at, s.event, s.source, s.peername, s.account_id, s.details, s.useragent,
       s.remote_addr, s.tls_cipher, s.transport, s.reconciled, s.expires_secs,
       COALESCE(a.description, '') AS account_name
FROM sip_session s
LEFT JOIN account a ON a.id = s.account_id;

-- The accounts on line now: the account's last REGISTER, UNREGISTER or DISCONNECT is a
-- REGISTER whose validity has not run out. CROSS JOIN keeps SQLite's loop on the accounts
-- (each finds its last event through sip_session_account); left to itself the planner loops
-- over every REGISTER instead, which takes minutes on a million rows.
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

CREATE INDEX cdr_caller_name ON cdr (caller_name, call_date);
CREATE INDEX cdr_callee_name ON cdr (callee_name, call_date);
CREATE INDEX cdr_hangup_cause ON cdr (hangup_cause, call_date);
CREATE INDEX install_message_platform ON install_message (platform, occurred_at);
CREATE INDEX activation_message_consumed ON activation_message (consumed, occurred_at);
