//! `pslog import asterisk-cdr FILE`: Asterisk's `cdr-csv` log (`Master.csv`) into Call Detail
//! Records, as SPEC §10 maps it. The file has no header; its columns are cdr_csv's fixed
//! order: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
//! start, answer, end, duration, billsec, disposition, amaflags, then uniqueid and userfield
//! when `loguniqueid` / `loguserfield` are on (Asterisk's sample cdr.conf turns both on).
//!
//! All or nothing: a first pass reads the whole file and names every bad line (up to 100);
//! only a clean file is written, by a second pass, in one transaction, through the same
//! store as the ingest API (accounts matched by number, the No-CDR option applied). Both
//! passes stream, so memory stays flat whatever the file's size.

use anyhow::{bail, Context};
use app::categories::cdr::{Cdr, Cdrs};
use app::codes::{CallType, Disposition};
use app::db::ingest::{store, MAX_ERRORS};
use app::db::Db;
use app::list::Record;
use app::models::UtcMillis;
use chrono::TimeZone;
use chrono_tz::Tz;
use std::path::Path;

/// Rows written per statement batch (the transaction is the whole file).
const CHUNK: usize = 10_000;

/// A column of `Master.csv`, by its position.
mod col {
    pub const SRC: usize = 1;
    pub const DST: usize = 2;
    pub const CLID: usize = 4;
    pub const CHANNEL: usize = 5;
    pub const START: usize = 9;
    pub const DURATION: usize = 12;
    pub const BILLSEC: usize = 13;
    pub const DISPOSITION: usize = 14;
    pub const UNIQUEID: usize = 16;
    /// Fields of a line without uniqueid and userfield.
    pub const REQUIRED: usize = 16;
    /// With both.
    pub const MOST: usize = 18;
}

/// One bad line of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

/// The caller's name in a `clid` (`"Alice Smith" <1001>` → `Alice Smith`); none when the clid
/// is only the number.
fn caller_name(clid: &str, src: &str) -> String {
    let name = match clid.rfind('<') {
        Some(i) if clid.ends_with('>') => &clid[..i],
        _ => clid,
    };
    let name = name.trim().trim_matches('"').trim();
    if name == src {
        String::new()
    } else {
        name.to_owned()
    }
}

fn disposition(text: &str) -> Result<Disposition, String> {
    Ok(match text {
        "ANSWERED" => Disposition::Answered,
        "NO ANSWER" => Disposition::NoAnswer,
        "BUSY" => Disposition::Busy,
        // Asterisk's CONGESTION is a call that could not be placed.
        "FAILED" | "CONGESTION" => Disposition::Failed,
        other => return Err(format!("disposition '{other}' is not ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION")),
    })
}

fn seconds(text: &str, name: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("{name} '{text}' is not a number of seconds"))
}

/// One `Master.csv` record as a CDR; `zone` is the zone Asterisk wrote its times in.
fn cdr(record: &csv::StringRecord, zone: Tz) -> Result<Cdr, String> {
    if !(col::REQUIRED..=col::MOST).contains(&record.len()) {
        return Err(format!(
            "{} fields; a cdr-csv line has {} to {} (accountcode … amaflags, uniqueid, userfield)",
            record.len(),
            col::REQUIRED,
            col::MOST
        ));
    }
    let field = |i: usize| record.get(i).unwrap_or_default();
    let start = chrono::NaiveDateTime::parse_from_str(field(col::START), "%Y-%m-%d %H:%M:%S")
        .map_err(|_| format!("start '{}' is not a time like 2026-11-24 09:15:00", field(col::START)))?;
    let start = zone
        .from_local_datetime(&start)
        .earliest()
        .ok_or_else(|| format!("start '{}' does not exist in {zone}", field(col::START)))?;
    let total_duration = seconds(field(col::DURATION), "duration")?;
    let call_duration = seconds(field(col::BILLSEC), "billsec")?;
    if call_duration > total_duration {
        return Err(format!("billsec {call_duration} is longer than duration {total_duration}"));
    }
    let (src, dst) = (field(col::SRC).trim(), field(col::DST).trim());
    let call_id = match field(col::UNIQUEID).trim() {
        "" => format!("{}@{}", field(col::CHANNEL), field(col::START)),
        uniqueid => uniqueid.to_owned(),
    };
    Ok(Cdr {
        id: 0,
        call_date: UtcMillis(start.timestamp_millis()),
        caller_number: src.to_owned(),
        caller_name: caller_name(field(col::CLID), src),
        caller_group: String::new(),
        caller_account_id: None,
        caller_user_agent: String::new(),
        callee_number: dst.to_owned(),
        callee_name: String::new(),
        callee_group: String::new(),
        callee_account_id: None,
        callee_user_agent: String::new(),
        total_duration,
        call_duration,
        disposition: disposition(field(col::DISPOSITION).trim())?,
        hangup_cause: None,
        call_id,
        call_type: CallType::Call,
        call_route: String::new(),
    })
}

fn reader(path: &Path) -> anyhow::Result<csv::Reader<std::fs::File>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(file))
}

/// Reads every record of the file, calling `each` with its line and its CDR or problem.
fn read_all(
    path: &Path,
    zone: Tz,
    progress: &indicatif::ProgressBar,
    mut each: impl FnMut(u64, Result<Cdr, String>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = reader(path)?;
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => each(line, cdr(&record, zone))?,
            Err(e) => each(e.position().map_or(line, |p| p.line()), Err(format!("not CSV: {e}")))?,
        }
        if line % 4096 == 0 {
            progress.set_position(reader.position().byte());
        }
    }
    Ok(())
}

/// A file that checked out: its records, and the first and last call date among them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    pub rows: u64,
    pub first_ms: i64,
    pub last_ms: i64,
}

/// Checks the whole file: what it holds, or every bad line (up to 100).
pub fn check(path: &Path, zone: Tz) -> anyhow::Result<Result<Checked, Vec<LineError>>> {
    let len = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len();
    let progress = crate::progress::bar(len, "checking", crate::progress::Counts::Bytes);
    let mut checked = Checked { rows: 0, first_ms: i64::MAX, last_ms: i64::MIN };
    let mut errors = Vec::new();
    read_all(path, zone, &progress, |line, parsed| {
        match parsed {
            Ok(cdr) => {
                checked.rows += 1;
                checked.first_ms = checked.first_ms.min(cdr.call_date.0);
                checked.last_ms = checked.last_ms.max(cdr.call_date.0);
            }
            Err(message) if errors.len() < MAX_ERRORS => errors.push(LineError { line, message }),
            Err(_) => {}
        }
        Ok(())
    })?;
    progress.finish_and_clear();
    Ok(if errors.is_empty() { Ok(checked) } else { Err(errors) })
}

/// Imports the file: checks it whole, then writes it in one transaction. Returns the CDRs
/// stored (fewer than the file's records only under the No-CDR option).
pub async fn asterisk_cdr(db: &Db, path: &Path, zone: Tz) -> anyhow::Result<usize> {
    let checked = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || check(&path, zone)).await??
    };
    let checked = match checked {
        Ok(Checked { rows: 0, .. }) => bail!("{} has no CDRs", path.display()),
        Ok(checked) => checked,
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(|e| format!("  line {}: {}", e.line, e.message)).collect();
            bail!("{} was not imported (nothing was written): \n{}", path.display(), lines.join("\n"));
        }
    };
    crate::partitions::prepare(db, Cdr::TABLE, checked.first_ms, checked.last_ms).await?;
    // The reader runs on a blocking thread and hands over chunks; the writer stores them.
    let (sender, mut chunks) = tokio::sync::mpsc::channel::<Vec<Cdr>>(2);
    let reading = {
        let path = path.to_owned();
        let len = std::fs::metadata(&path)?.len();
        tokio::task::spawn_blocking(move || {
            let progress = crate::progress::bar(len, "importing", crate::progress::Counts::Bytes);
            let mut chunk = Vec::with_capacity(CHUNK);
            read_all(&path, zone, &progress, |line, parsed| {
                chunk.push(parsed.map_err(|m| anyhow::anyhow!("line {line} changed while importing: {m}"))?);
                if chunk.len() == CHUNK {
                    sender.blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)))?;
                }
                Ok(())
            })?;
            if !chunk.is_empty() {
                sender.blocking_send(chunk)?;
            }
            progress.finish_and_clear();
            anyhow::Ok(())
        })
    };
    let mut tx = db.begin().await?;
    let (mut read, mut stored) = (0u64, 0usize);
    while let Some(chunk) = chunks.recv().await {
        read += chunk.len() as u64;
        stored += store::<Cdrs>(&mut tx, &chunk, false).await?.stored;
    }
    reading.await??;
    if read != checked.rows {
        let rows = checked.rows;
        bail!("{} changed while importing ({rows} records checked, {read} read): nothing was written", path.display());
    }
    tx.commit().await?;
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: &str) -> csv::StringRecord {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
        reader.records().next().unwrap().unwrap()
    }

    #[test]
    fn a_master_csv_line_maps_as_the_spec_says() {
        let line = r#""","1001","2002","from-internal","""Alice Smith"" <1001>","PJSIP/1001-00000001","PJSIP/2002-00000002","Dial","PJSIP/2002,30,tT","2026-11-24 09:15:00","2026-11-24 09:15:04","2026-11-24 09:16:04",64,60,"ANSWERED","DOCUMENTATION","1763975700.1","""#;
        let cdr = cdr(&record(line), chrono_tz::Europe::Rome).unwrap();
        assert_eq!((cdr.caller_number.as_str(), cdr.callee_number.as_str()), ("1001", "2002"));
        assert_eq!(cdr.caller_name, "Alice Smith");
        assert_eq!(cdr.call_date.0, 1_795_508_100_000, "09:15 in Rome is 08:15 UTC");
        assert_eq!((cdr.total_duration, cdr.call_duration), (64, 60));
        assert_eq!(cdr.disposition, Disposition::Answered);
        assert_eq!(cdr.call_id, "1763975700.1");
    }

    #[test]
    fn bad_lines_say_why() {
        let short = r#""","1001","2002""#;
        assert!(cdr(&record(short), chrono_tz::UTC).unwrap_err().contains("3 fields"));
        let base = r#""","1001","2002","c","1001","SIP/a","SIP/b","Dial","","2026-11-24 09:15:00","","2026-11-24 09:16:00",60,0,"NO ANSWER","3""#;
        assert_eq!(cdr(&record(base), chrono_tz::UTC).unwrap().disposition, Disposition::NoAnswer);
        assert_eq!(cdr(&record(base), chrono_tz::UTC).unwrap().caller_name, "", "a clid that is only the number");
        assert!(cdr(&record(&base.replace("NO ANSWER", "RINGING")), chrono_tz::UTC).unwrap_err().contains("RINGING"));
        assert!(cdr(&record(&base.replace("60,0", "60,61")), chrono_tz::UTC).unwrap_err().contains("longer"));
        assert!(cdr(&record(&base.replace("09:15:00", "9.15")), chrono_tz::UTC).unwrap_err().contains("start"));
    }
}
