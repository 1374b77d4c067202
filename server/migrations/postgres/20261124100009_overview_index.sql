-- An index of CDRs by time holding every column the overview reads of them (disposition,
-- type, seconds, both accounts): a window counted from the rows (the last hour, by five
-- minutes) can read this index alone (an index-only scan), not each CDR from the table.
-- (On SQLite's 10M file an hour of 11,000 CDRs took 16 ms for ASR and 28 ms for the top
-- accounts from the table when cached, seconds when not.)
CREATE INDEX cdr_overview ON cdr (call_date, disposition, call_type, call_duration, caller_account_id, callee_account_id);
