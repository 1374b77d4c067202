-- Trigram indexes (pg_trgm) for the free text (`q`) of the big logs: one GIN index per searched
-- column on `LOWER(column)`, the very expression the list's `LOWER(column) LIKE LOWER('%text%')`
-- tests, so the planner answers the search from the indexes (a BitmapOr over the columns)
-- instead of reading every row. Results are the LIKE's own: the index only finds candidates,
-- and the LIKE is checked on each. Texts under three characters read the rows as before.
-- These are the same logs and columns as SQLite's FTS5 tables (`…_free_text.sql` there; the
-- test `free_text.rs` checks results on both databases). pg_trgm ships with PostgreSQL and
-- is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX cdr_text_caller_number ON cdr USING gin (LOWER(caller_number) gin_trgm_ops);
CREATE INDEX cdr_text_caller_name ON cdr USING gin (LOWER(caller_name) gin_trgm_ops);
CREATE INDEX cdr_text_caller_group ON cdr USING gin (LOWER(caller_group) gin_trgm_ops);
CREATE INDEX cdr_text_callee_number ON cdr USING gin (LOWER(callee_number) gin_trgm_ops);
CREATE INDEX cdr_text_callee_name ON cdr USING gin (LOWER(callee_name) gin_trgm_ops);
CREATE INDEX cdr_text_callee_group ON cdr USING gin (LOWER(callee_group) gin_trgm_ops);
CREATE INDEX cdr_text_disposition ON cdr USING gin (LOWER(disposition) gin_trgm_ops);
CREATE INDEX cdr_text_hangup_cause ON cdr USING gin (LOWER(hangup_cause) gin_trgm_ops);
CREATE INDEX cdr_text_call_id ON cdr USING gin (LOWER(call_id) gin_trgm_ops);
CREATE INDEX cdr_text_call_type ON cdr USING gin (LOWER(call_type) gin_trgm_ops);
CREATE INDEX cdr_text_call_route ON cdr USING gin (LOWER(call_route) gin_trgm_ops);

CREATE INDEX security_event_text_description ON security_event USING gin (LOWER(description) gin_trgm_ops);
CREATE INDEX security_event_text_event_type ON security_event USING gin (LOWER(event_type) gin_trgm_ops);
CREATE INDEX security_event_text_details ON security_event USING gin (LOWER(details) gin_trgm_ops);

CREATE INDEX secure_message_text_uuid ON secure_message USING gin (LOWER(uuid) gin_trgm_ops);
CREATE INDEX secure_message_text_from_account ON secure_message USING gin (LOWER(from_account) gin_trgm_ops);
CREATE INDEX secure_message_text_to_account ON secure_message USING gin (LOWER(to_account) gin_trgm_ops);
CREATE INDEX secure_message_text_status ON secure_message USING gin (LOWER(status) gin_trgm_ops);

CREATE INDEX web_session_text_result ON web_session USING gin (LOWER(result) gin_trgm_ops);
CREATE INDEX web_session_text_username ON web_session USING gin (LOWER(username) gin_trgm_ops);
CREATE INDEX web_session_text_ip_address ON web_session USING gin (LOWER(ip_address) gin_trgm_ops);
