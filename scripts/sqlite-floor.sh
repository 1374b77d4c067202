#!/usr/bin/env bash
# The SQLite engine's own speed at inserting CDRs into pslog's schema, without pslog: the
# sqlite3 shell generates 100,000 CDRs (like the ingest bench's) in ten transactions of
# 10,000, WAL and synchronous=FULL as the server runs. Usage:
#   scripts/sqlite-floor.sh                 # the schema as migrated (11 indexes, No-CDR trigger)
#   scripts/sqlite-floor.sh notrigger       # without the No-CDR trigger
#   scripts/sqlite-floor.sh noindex         # without the CDR table's secondary indexes
#   scripts/sqlite-floor.sh notrigger noindex
# Needs the sqlite3 shell (Debian: sqlite3). Prints rows per second.
set -euo pipefail
cd "$(dirname "$0")/.."
db=$(mktemp -d)/floor.db
cat server/migrations/sqlite/*.sql | sqlite3 "$db"
drop_indexes=$(sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cdr' AND sql IS NOT NULL")
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
  for option in "$@"; do
    case $option in
      notrigger) echo "DROP TRIGGER cdr_no_cdr;" ;;
      noindex) echo "$drop_indexes" ;;
      *) echo "unknown option $option" >&2; exit 2 ;;
    esac
  done
  echo ".timer on"
  for n in 0 1 2 3 4 5 6 7 8 9; do
    echo "BEGIN IMMEDIATE;
WITH RECURSIVE s(k) AS (SELECT $n * 10000 UNION ALL SELECT k + 1 FROM s WHERE k < $n * 10000 + 9999)
INSERT INTO cdr (call_date, caller_number, caller_name, caller_group, caller_user_agent, callee_number, callee_name,
                 callee_group, callee_user_agent, total_duration, call_duration, disposition, hangup_cause, call_id,
                 call_type, call_route)
SELECT 1700000000000 + k * 60000, printf('+39055%06d', k % 5000), 'Caller ' || (k % 5000), 'Sales',
       'Linphone/5.2.0 (Android 14)', printf('+39066%06d', (k * 7) % 5000), 'Callee ' || ((k * 7) % 5000), 'Support',
       'SecureVoice/12.0 (iOS 18.1)', 40 + k % 600, 30 + k % 600, CASE WHEN k % 5 = 0 THEN 'NO_ANSWER' ELSE 'ANSWERED' END,
       'NORMAL_CLEARING', printf('%016x-bench', k), 'CALL', CASE WHEN k % 3 = 0 THEN 'trunk-eu-1' ELSE '' END
FROM s;
COMMIT;"
  done
} | sqlite3 "$db" | grep -o 'real [0-9.]*' | awk -v what="${*:-as migrated}" '{ s += $2 } END { printf "%s: %d rows/s\n", what, 100000 / s }'
rm -rf "$(dirname "$db")"
