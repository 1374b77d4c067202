-- An index for every account and text filter of the lists (the test `plans.rs` checks each
-- filter of the registry has one): the account page's messages, install and activation
-- sections read every row without them (113 ms at a million messages), and a prefix filter
-- on a log's description or details did the same. Code and yes/no filters may go without:
-- the big logs' totals for them come from the hourly counts, and a page walks the time index.
CREATE INDEX secure_message_from_account ON secure_message (from_account_id, received_at);
CREATE INDEX secure_message_to_account ON secure_message (to_account_id, received_at);
CREATE INDEX install_message_account_id ON install_message (account_id, occurred_at);
CREATE INDEX install_message_sent_by ON install_message (sent_by, occurred_at);
CREATE INDEX install_message_recipient ON install_message (recipient, occurred_at);
CREATE INDEX activation_message_account_id ON activation_message (account_id, occurred_at);
CREATE INDEX activation_message_sent_by ON activation_message (sent_by, occurred_at);
CREATE INDEX activation_message_recipient ON activation_message (recipient, occurred_at);
CREATE INDEX security_event_description ON security_event (description, occurred_at);
CREATE INDEX system_event_description ON system_event (description, occurred_at);
CREATE INDEX audit_event_object_id ON audit_event (object_id, occurred_at);
CREATE INDEX sip_session_details ON sip_session (details, occurred_at);
