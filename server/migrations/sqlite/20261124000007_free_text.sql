-- Full-text indexes (FTS5, trigram tokenizer) over the searched columns of the big logs: the
-- free text (`q`) finds its candidate rows here instead of reading every row (1.2 s at a
-- million CDRs). The trigram tokenizer indexes every three-character substring, case folded,
-- so a search of three or more characters is a substring search; the list still checks each
-- candidate with the LIKE it always used, so results are exactly as before (the index only
-- narrows). Shorter searches read the rows as before.
-- External content: the index keeps no copy of the text, only which rows and columns hold each
-- trigram (detail=column: no positions, a smaller index; the search asks for every trigram of
-- the text in one of the allowed columns, a superset the LIKE then narrows); triggers keep it
-- in step with the table. The columns are the record's searched columns (`=> searched`);
-- the test `free_text.rs` checks each index against the registry. The SIP session list is
-- not here: one of its searched columns (the account name) comes from a join.

CREATE VIRTUAL TABLE cdr_text USING fts5(
    caller_number, caller_name, caller_group, callee_number, callee_name, callee_group, disposition, hangup_cause, call_id, call_type, call_route,
    content = 'cdr', content_rowid = 'id', tokenize = 'trigram', detail = 'column'
);
CREATE TRIGGER cdr_text_insert AFTER INSERT ON cdr BEGIN
    INSERT INTO cdr_text (rowid, caller_number, caller_name, caller_group, callee_number, callee_name, callee_group, disposition, hangup_cause, call_id, call_type, call_route)
    VALUES (new.id, new.caller_number, new.caller_name, new.caller_group, new.callee_number, new.callee_name, new.callee_group, new.disposition, new.hangup_cause, new.call_id, new.call_type, new.call_route);
END;
CREATE TRIGGER cdr_text_delete AFTER DELETE ON cdr BEGIN
    INSERT INTO cdr_text (cdr_text, rowid, caller_number, caller_name, caller_group, callee_number, callee_name, callee_group, disposition, hangup_cause, call_id, call_type, call_route)
    VALUES ('delete', old.id, old.caller_number, old.caller_name, old.caller_group, old.callee_number, old.callee_name, old.callee_group, old.disposition, old.hangup_cause, old.call_id, old.call_type, old.call_route);
END;
CREATE TRIGGER cdr_text_update AFTER UPDATE OF caller_number, caller_name, caller_group, callee_number, callee_name, callee_group, disposition, hangup_cause, call_id, call_type, call_route ON cdr BEGIN
    INSERT INTO cdr_text (cdr_text, rowid, caller_number, caller_name, caller_group, callee_number, callee_name, callee_group, disposition, hangup_cause, call_id, call_type, call_route)
    VALUES ('delete', old.id, old.caller_number, old.caller_name, old.caller_group, old.callee_number, old.callee_name, old.callee_group, old.disposition, old.hangup_cause, old.call_id, old.call_type, old.call_route);
    INSERT INTO cdr_text (rowid, caller_number, caller_name, caller_group, callee_number, callee_name, callee_group, disposition, hangup_cause, call_id, call_type, call_route)
    VALUES (new.id, new.caller_number, new.caller_name, new.caller_group, new.callee_number, new.callee_name, new.callee_group, new.disposition, new.hangup_cause, new.call_id, new.call_type, new.call_route);
END;
INSERT INTO cdr_text (cdr_text) VALUES ('rebuild');

CREATE VIRTUAL TABLE security_event_text USING fts5(
    description, event_type, details,
    content = 'security_event', content_rowid = 'id', tokenize = 'trigram', detail = 'column'
);
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
INSERT INTO security_event_text (security_event_text) VALUES ('rebuild');

CREATE VIRTUAL TABLE secure_message_text USING fts5(
    uuid, from_account, to_account, status,
    content = 'secure_message', content_rowid = 'id', tokenize = 'trigram', detail = 'column'
);
CREATE TRIGGER secure_message_text_insert AFTER INSERT ON secure_message BEGIN
    INSERT INTO secure_message_text (rowid, uuid, from_account, to_account, status)
    VALUES (new.id, new.uuid, new.from_account, new.to_account, new.status);
END;
CREATE TRIGGER secure_message_text_delete AFTER DELETE ON secure_message BEGIN
    INSERT INTO secure_message_text (secure_message_text, rowid, uuid, from_account, to_account, status)
    VALUES ('delete', old.id, old.uuid, old.from_account, old.to_account, old.status);
END;
CREATE TRIGGER secure_message_text_update AFTER UPDATE OF uuid, from_account, to_account, status ON secure_message BEGIN
    INSERT INTO secure_message_text (secure_message_text, rowid, uuid, from_account, to_account, status)
    VALUES ('delete', old.id, old.uuid, old.from_account, old.to_account, old.status);
    INSERT INTO secure_message_text (rowid, uuid, from_account, to_account, status)
    VALUES (new.id, new.uuid, new.from_account, new.to_account, new.status);
END;
INSERT INTO secure_message_text (secure_message_text) VALUES ('rebuild');

CREATE VIRTUAL TABLE web_session_text USING fts5(
    result, username, ip_address,
    content = 'web_session', content_rowid = 'id', tokenize = 'trigram', detail = 'column'
);
CREATE TRIGGER web_session_text_insert AFTER INSERT ON web_session BEGIN
    INSERT INTO web_session_text (rowid, result, username, ip_address)
    VALUES (new.id, new.result, new.username, new.ip_address);
END;
CREATE TRIGGER web_session_text_delete AFTER DELETE ON web_session BEGIN
    INSERT INTO web_session_text (web_session_text, rowid, result, username, ip_address)
    VALUES ('delete', old.id, old.result, old.username, old.ip_address);
END;
CREATE TRIGGER web_session_text_update AFTER UPDATE OF result, username, ip_address ON web_session BEGIN
    INSERT INTO web_session_text (web_session_text, rowid, result, username, ip_address)
    VALUES ('delete', old.id, old.result, old.username, old.ip_address);
    INSERT INTO web_session_text (rowid, result, username, ip_address)
    VALUES (new.id, new.result, new.username, new.ip_address);
END;
INSERT INTO web_session_text (web_session_text) VALUES ('rebuild');
