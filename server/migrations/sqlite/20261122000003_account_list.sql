-- The accounts directory: each account with whether it is on line now and when it was last
-- seen by the SIP server.
CREATE VIEW account_list AS
SELECT a.id, a.username, a.description, a.phone_number, a.group_name, a.platform,
       EXISTS (SELECT 1 FROM registration r WHERE r.id = a.id) AS online,
       (SELECT MAX(s.occurred_at) FROM sip_session s WHERE s.account_id = a.id) AS last_seen
FROM account a;

CREATE INDEX account_description ON account (description);
CREATE INDEX account_group ON account (group_name);
