//! Call detail records: direct calls with realistic outcomes, and the multi-leg traces of
//! transfers, three-way calls and conferences, each leg sharing the call's id.

use super::batch::BatchInsert;
use super::people::DemoAccount;
use super::seeds::at;
use super::{Gen, DAY_MS};
use app::categories::cdr::Cdr;
use app::codes::{CallType, Disposition as D, HangupCause as H};
use app::models::UtcMillis;

/// One leg: who called whom, how long, and how it ended.
struct Leg<'a> {
    at: i64,
    caller: Option<&'a DemoAccount>,
    callee: Option<&'a DemoAccount>,
    /// The dialled number when the callee is no account (a conference room, a wrong number).
    dialled: &'a str,
    total: i64,
    talk: i64,
    disposition: D,
    cause: Option<H>,
    call_id: &'a str,
    call_type: CallType,
    route: &'a str,
}

/// Number, name, group, account and user agent of one party: an account, or only the dialled
/// number (a conference room, a wrong number).
fn party(a: Option<&DemoAccount>, dialled: &str) -> (String, String, String, Option<i64>, String) {
    match a {
        Some(a) => {
            (a.phone_number.clone(), a.description.clone(), a.group_name.clone(), Some(a.id), a.user_agent.clone())
        }
        None => (dialled.to_owned(), String::new(), String::new(), None, String::new()),
    }
}

async fn write(out: &mut BatchInsert<'_, Cdr>, leg: Leg<'_>) -> anyhow::Result<()> {
    let (caller_number, caller_name, caller_group, caller_account_id, caller_user_agent) = party(leg.caller, "");
    let (callee_number, callee_name, callee_group, callee_account_id, callee_user_agent) =
        party(leg.callee, leg.dialled);
    out.row(Cdr {
        id: 0,
        call_date: UtcMillis(leg.at),
        caller_number,
        caller_name,
        caller_group,
        caller_account_id,
        caller_user_agent,
        callee_number,
        callee_name,
        callee_group,
        callee_account_id,
        callee_user_agent,
        total_duration: leg.total,
        call_duration: leg.talk,
        disposition: leg.disposition,
        hangup_cause: leg.cause,
        call_id: leg.call_id.to_owned(),
        call_type: leg.call_type,
        call_route: leg.route.to_owned(),
    })
    .await
}

pub async fn generate(gen: &mut Gen<'_>) -> anyhow::Result<u64> {
    let mut out = BatchInsert::new(gen.db, &gen.progress);
    let mut written = 0u64;
    while written < gen.rows {
        let t = gen.instant();
        let a = gen.account();
        let mut b = gen.account();
        if b.id == a.id {
            b = gen.accounts[(a.id as usize) % gen.accounts.len()].clone();
        }
        let call_id = gen.rng.u32(10_000_000..2_147_483_647).to_string();
        let kind = gen.rng.u32(0..100);
        if kind < 84 {
            // A direct call.
            let (disposition, cause, talk) = match gen.rng.u32(0..100) {
                0..=59 => (D::Answered, H::NormalClearing, gen.rng.i64(5..1800)),
                60..=71 => (D::NoAnswer, H::NoAnswer, 0),
                72..=79 => (D::Busy, H::UserBusy, 0),
                80..=89 => (D::Cancel, H::NotDefined, 0),
                90..=94 => (D::Failed, H::SubscriberAbsent, 0),
                95..=97 => (D::Failed, H::BearerCapabilityNotAvail, 0),
                _ => (D::NoAnswer, H::NoRouteDestination, 0),
            };
            let route = if cause == H::SubscriberAbsent { "trunk-eu1" } else { "" };
            let ring = gen.rng.i64(0..25);
            write(
                &mut out,
                Leg {
                    at: t,
                    caller: Some(&a),
                    callee: Some(&b),
                    dialled: "",
                    total: talk + ring,
                    talk,
                    disposition,
                    cause: Some(cause),
                    call_id: &call_id,
                    call_type: CallType::Call,
                    route,
                },
            )
            .await?;
            written += 1;
        } else if kind < 92 {
            // A transfer: A calls B, B transfers A to C; the bridge legs close with STOP_CONF.
            let c = gen.account();
            let talk1 = gen.rng.i64(5..300);
            write(
                &mut out,
                Leg {
                    at: t,
                    caller: Some(&a),
                    callee: Some(&b),
                    dialled: "",
                    total: talk1 + 4,
                    talk: talk1,
                    disposition: D::Answered,
                    cause: Some(H::NormalClearing),
                    call_id: &call_id,
                    call_type: CallType::Transfer,
                    route: "",
                },
            )
            .await?;
            write(
                &mut out,
                Leg {
                    at: t + 9_000,
                    caller: None,
                    callee: None,
                    dialled: &b.phone_number,
                    total: 0,
                    talk: 0,
                    disposition: D::StopConf,
                    cause: None,
                    call_id: &call_id,
                    call_type: CallType::Transfer,
                    route: "",
                },
            )
            .await?;
            let talk2 = gen.rng.i64(5..600);
            write(
                &mut out,
                Leg {
                    at: t + 10_000,
                    caller: Some(&a),
                    callee: Some(&c),
                    dialled: "",
                    total: talk2 + 3,
                    talk: talk2,
                    disposition: D::Answered,
                    cause: Some(H::NormalClearing),
                    call_id: &call_id,
                    call_type: CallType::Transfer,
                    route: "",
                },
            )
            .await?;
            write(
                &mut out,
                Leg {
                    at: t + 10_000 + talk2 * 1000,
                    caller: None,
                    callee: None,
                    dialled: &a.phone_number,
                    total: 0,
                    talk: 0,
                    disposition: D::StopConf,
                    cause: None,
                    call_id: &call_id,
                    call_type: CallType::Transfer,
                    route: "",
                },
            )
            .await?;
            written += 4;
        } else if kind < 97 {
            // A three-way call: A calls B, then invites C.
            let c = gen.account();
            let talk = gen.rng.i64(30..900);
            write(
                &mut out,
                Leg {
                    at: t,
                    caller: Some(&a),
                    callee: Some(&b),
                    dialled: "",
                    total: talk + 5,
                    talk,
                    disposition: D::Answered,
                    cause: Some(H::NormalClearing),
                    call_id: &call_id,
                    call_type: CallType::ThreeWay,
                    route: "",
                },
            )
            .await?;
            write(
                &mut out,
                Leg {
                    at: t + 20_000,
                    caller: Some(&a),
                    callee: Some(&c),
                    dialled: "",
                    total: talk - 15,
                    talk: (talk - 20).max(0),
                    disposition: D::Answered,
                    cause: Some(H::NormalClearing),
                    call_id: &call_id,
                    call_type: CallType::ThreeWay,
                    route: "",
                },
            )
            .await?;
            written += 2;
        } else {
            // A conference room: several accounts dial the room number.
            let participants = gen.rng.u64(3..7);
            for i in 0..participants {
                let p = gen.account();
                let talk = gen.rng.i64(60..1800);
                write(
                    &mut out,
                    Leg {
                        at: t + i as i64 * 15_000,
                        caller: Some(&p),
                        callee: None,
                        dialled: "600",
                        total: talk + 2,
                        talk,
                        disposition: D::Answered,
                        cause: Some(H::NotDefined),
                        call_id: &call_id,
                        call_type: CallType::Conference,
                        route: "",
                    },
                )
                .await?;
            }
            written += participants;
        }
    }
    seed_trace(gen, &mut out).await?;
    out.finish().await
}

/// The manual's transfer trace (call id 1251498178) and three-way call, between its two
/// example accounts. Its legs keep their times of day and spacing but are moved, by whole
/// days, to two days before the anchor: at their 2015 dates the retention purge (12 months
/// by default) would delete them as soon as the server starts.
async fn seed_trace(gen: &Gen<'_>, out: &mut BatchInsert<'_, Cdr>) -> anyhow::Result<()> {
    let shift = (gen.anchor - 2 * DAY_MS - at("2015-04-28 16:12:17.000")).div_euclid(DAY_MS) * DAY_MS;
    let at = |time: &str| at(time) + shift;
    let arthur = Some(&gen.accounts[0]);
    let dante = Some(&gen.accounts[1]);
    let answered = |time, callee, total, talk, call_id, call_type| Leg {
        at: at(time),
        caller: arthur,
        callee,
        dialled: "",
        total,
        talk,
        disposition: D::Answered,
        cause: Some(H::NormalClearing),
        call_id,
        call_type,
        route: "",
    };
    // A bridge leg closing: no caller, only the number it was bridged to.
    let stop = |time, dialled, call_id| Leg {
        at: at(time),
        caller: None,
        callee: None,
        dialled,
        total: 0,
        talk: 0,
        disposition: D::StopConf,
        cause: None,
        call_id,
        call_type: CallType::Transfer,
        route: "",
    };
    let legs = [
        answered("2015-04-28 16:12:17.000", dante, 18, 18, "1998267691", CallType::ThreeWay),
        stop("2015-04-28 16:12:03.000", "3912651321", "1251498178"),
        stop("2015-04-28 16:11:27.000", "4418591930", "1251498178"),
        answered("2015-04-28 16:11:18.000", dante, 21, 7, "1251498178", CallType::Transfer),
        stop("2015-04-28 16:11:08.000", "3912651321", "15341336"),
        Leg {
            disposition: D::Busy,
            cause: Some(H::UserBusy),
            ..answered("2015-04-28 16:11:02.000", arthur, 0, 0, "1251498178", CallType::Transfer)
        },
        answered("2015-04-28 16:10:23.000", dante, 21, 14, "15341336", CallType::Transfer),
    ];
    for leg in legs {
        write(out, leg).await?;
    }
    Ok(())
}
