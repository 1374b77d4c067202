-- The big logs partitioned by month (UTC) of their time column: CDRs, SIP sessions, Web
-- Sessions, Security Events and secure messages (SPEC §8, docs/SCALING.md).
--
-- - Each has monthly partitions `<table>_p<YYYY>_<MM>` and a DEFAULT partition
--   (`<table>_default`) that takes any row whose month has no partition yet, so that no row is
--   ever refused for its date. The server creates the months ahead (housekeeping, every
--   minute) and the months of a bulk load before loading it (demo, copy, import) with
--   pslog_ensure_partitions; rows of a month that already sits in the default partition stay
--   there (found, sorted and purged like any other, only not dropped as a whole month).
-- - Retention drops a CDR month whose end is past the cutoff (pslog_month_partitions lists
--   them) instead of deleting its rows one by one.
-- - A unique index on a partitioned table must contain the partition key, so secure_message's
--   "uuid UNIQUE" is kept by a trigger (below) over a plain index on uuid.
-- - The primary keys become (id, time): ids still come from one identity sequence per table,
--   never handed out twice.
--
-- The tables are rebuilt: each is renamed, a partitioned table takes its name and its rows,
-- and the views are re-created over the new tables in place (CREATE OR REPLACE keeps each
-- view, so the views built on views stay as they are).

-- The start of the UTC month of an instant (milliseconds since the epoch), in milliseconds.
CREATE FUNCTION pslog_month_start(at_ms BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT (EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(at_ms / 1000.0) AT TIME ZONE 'UTC')) * 1000)::BIGINT
$$;

-- The month partitions of a partitioned table and the range each holds: [from_ms, to_ms).
CREATE FUNCTION pslog_month_partitions(parent REGCLASS)
RETURNS TABLE (partition TEXT, from_ms BIGINT, to_ms BIGINT) LANGUAGE sql STABLE AS $$
    SELECT c.relname::TEXT,
           substring(b.bound FROM 'FROM \(''?(-?[0-9]+)')::BIGINT,
           substring(b.bound FROM 'TO \(''?(-?[0-9]+)')::BIGINT
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
    WHERE i.inhparent = parent AND b.bound <> 'DEFAULT'
    ORDER BY 2
$$;

-- Creates the missing month partitions of `parent` from the month of from_ms through the
-- month of to_ms (the last 240 of them at most, years 1970 to 9999); how many it created. A month
-- whose rows already sit in the default partition, or whose table lock is not had within
-- 5 seconds (a long CSV export reading it), is left out: its rows go to (or stay in) the
-- default partition, and the next call tries again. It never fails a write.
CREATE FUNCTION pslog_ensure_partitions(parent REGCLASS, from_ms BIGINT, to_ms BIGINT)
RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    last_month  TIMESTAMP := LEAST(date_trunc('month', to_timestamp(to_ms / 1000.0) AT TIME ZONE 'UTC'),
                                   TIMESTAMP '9999-12-01');
    month_start TIMESTAMP := GREATEST(date_trunc('month', to_timestamp(from_ms / 1000.0) AT TIME ZONE 'UTC'),
                                      TIMESTAMP '1970-01-01', last_month - INTERVAL '239 months');
    base        TEXT := (SELECT relname FROM pg_class WHERE oid = parent);
    name        TEXT;
    created     INTEGER := 0;
BEGIN
    PERFORM set_config('lock_timeout', '5s', true);
    WHILE month_start <= last_month LOOP
        name := format('%s_p%s', base, to_char(month_start, 'YYYY_MM'));
        IF to_regclass(quote_ident(name)) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%s) TO (%s)', name, parent,
                               (EXTRACT(EPOCH FROM month_start) * 1000)::BIGINT,
                               (EXTRACT(EPOCH FROM month_start + INTERVAL '1 month') * 1000)::BIGINT);
                created := created + 1;
            EXCEPTION
                -- check_violation: the default partition holds rows of this month;
                -- duplicate_table: another session created it first.
                WHEN check_violation OR duplicate_table OR lock_not_available THEN NULL;
            END;
        END IF;
        month_start := month_start + INTERVAL '1 month';
    END LOOP;
    RETURN created;
END;
$$;

-- The views' definitions, read before any table is renamed: run again, they name the new tables.
CREATE TEMPORARY TABLE pslog_view ON COMMIT DROP AS
SELECT c.relname AS name, pg_get_viewdef(c.oid) AS definition
FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace = current_schema()::REGNAMESPACE;

-- Rebuilds `tbl` as a table partitioned by month of `time_column`: same columns, defaults,
-- identity (going on from the old one), CHECKs, foreign keys, indexes and triggers; primary
-- key (id, time_column); a default partition, and the months of its rows and three ahead.
-- The views are pointed at it (CREATE OR REPLACE keeps each view, and so the views built on
-- it) before the old table is dropped. Used by this migration only.
CREATE FUNCTION pslog_partition_table(tbl TEXT, time_column TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    old_name TEXT := tbl || '_unpartitioned';
    restore  TEXT[];
    view     RECORD;
    first_ms BIGINT;
    last_ms  BIGINT;
    last_id  BIGINT;
    now_ms   BIGINT := (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT;
BEGIN
    -- What the new table must have again, read from the old one: its indexes (but the
    -- primary key's and unique ones, which cannot hold without the time column), foreign
    -- keys and triggers. Index names are the schema's: they are made after the old table goes.
    SELECT array_agg(s) INTO restore FROM (
        SELECT pg_get_indexdef(x.indexrelid) AS s FROM pg_index x
        WHERE x.indrelid = tbl::REGCLASS AND NOT x.indisunique
        UNION ALL
        SELECT format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE conrelid = tbl::REGCLASS AND contype = 'f'
        UNION ALL
        SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = tbl::REGCLASS AND NOT tgisinternal
    ) defs;
    EXECUTE format('SELECT MIN(%1$I), MAX(%1$I), COALESCE(pg_sequence_last_value(pg_get_serial_sequence(%2$L, ''id'')), 0) FROM %2$I',
                   time_column, tbl) INTO first_ms, last_ms, last_id;
    EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old_name);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) '
                   'PARTITION BY RANGE (%I)', tbl, old_name, time_column);
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id, %I)', tbl, time_column);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
    PERFORM pslog_ensure_partitions(tbl::REGCLASS, LEAST(COALESCE(first_ms, now_ms), now_ms),
                                    GREATEST(COALESCE(last_ms, now_ms), (EXTRACT(EPOCH FROM now() + INTERVAL '3 months') * 1000)::BIGINT));
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, old_name);
    IF last_id > 0 THEN
        PERFORM setval(pg_get_serial_sequence(tbl, 'id'), last_id);
    END IF;
    FOR view IN SELECT * FROM pslog_view LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %I AS %s', view.name, view.definition);
    END LOOP;
    EXECUTE format('DROP TABLE %I', old_name);
    -- The names the old table held.
    EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', pg_get_serial_sequence(tbl, 'id'), tbl || '_id_seq');
    EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', tbl,
                   (SELECT conname FROM pg_constraint WHERE conrelid = tbl::REGCLASS AND contype = 'p'), tbl || '_pkey');
    FOR i IN 1 .. COALESCE(array_length(restore, 1), 0) LOOP
        EXECUTE restore[i];
    END LOOP;
END;
$$;

-- secure_message's uuid stays unique over every partition: this trigger checks it, over a
-- plain index. It takes the lock every pslog write transaction takes (Backend::write_lock),
-- so two inserts of one uuid run one after the other whoever makes them.
ALTER TABLE secure_message DROP CONSTRAINT secure_message_uuid_key;
CREATE INDEX secure_message_uuid ON secure_message (uuid);
CREATE FUNCTION secure_message_unique_uuid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7415);
    IF EXISTS (SELECT 1 FROM secure_message WHERE uuid = NEW.uuid AND id <> NEW.id) THEN
        RAISE EXCEPTION 'duplicate key value violates unique constraint "secure_message_uuid_key"'
            USING ERRCODE = 'unique_violation', DETAIL = format('Key (uuid)=(%s) already exists.', NEW.uuid);
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER secure_message_unique_uuid BEFORE INSERT OR UPDATE OF uuid ON secure_message
    FOR EACH ROW EXECUTE FUNCTION secure_message_unique_uuid();

SELECT pslog_partition_table('cdr', 'call_date');
SELECT pslog_partition_table('sip_session', 'occurred_at');
SELECT pslog_partition_table('web_session', 'occurred_at');
SELECT pslog_partition_table('security_event', 'occurred_at');
SELECT pslog_partition_table('secure_message', 'received_at');
DROP FUNCTION pslog_partition_table(TEXT, TEXT);
