-- Every CSV export is itself logged (SPEC §11), as a Security Event of the new type
-- DATA_EXPORT: the event type's CHECK is widened to it (on the partitioned table and, by
-- inheritance, on every partition).

DO $$
DECLARE
    old_check TEXT;
BEGIN
    SELECT conname INTO old_check FROM pg_constraint
    WHERE conrelid = 'security_event'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%event_type%';
    EXECUTE format('ALTER TABLE security_event DROP CONSTRAINT %I', old_check);
END $$;

ALTER TABLE security_event ADD CONSTRAINT security_event_event_type_check CHECK (event_type IN ('LOG_IN','LOG_OUT',
    'LOGIN_FAILED','HEARTBEAT','APPLIANCE_CONFIGURATION_CHANGE','SECURITY_CONFIGURATION_CHANGE','SYSTEM','DATA_EXPORT'));
