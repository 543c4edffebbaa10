//! Booked visits: whose visits a resident or a kiosk sees (`Scope`), a visit as the API shows it
//! (its fee, video link and settled payment), payments and their settlement (expired and late
//! Swish results, a refund due when paid twice), receipt numbers, and the two-hour reminder SMS.

use crate::domain::people::age_at;
use crate::extract::Actor;
use crate::{AppState, error::ApiError};
use ingang_api::visits::{
    self, CancelPolicy, CheckInWindow, Payment, PaymentMethod, PaymentStatus, SwishRequest, Visit, VisitKind,
    VisitStatus,
};

/// Whom an actor may see: `(12-digit personnummer, person id, name)`, and a unit restriction.
pub struct Scope {
    pub people: Vec<(String, String, String)>,
    pub unit: Option<String>,
}

impl Scope {
    fn person(&self, pnr: &str) -> Option<&(String, String, String)> {
        self.people.iter().find(|(p, _, _)| p == pnr)
    }
}

pub async fn scope(state: &AppState, actor: &Actor) -> Result<Scope, ApiError> {
    match actor {
        // booked visits are a 1177 e-service: a guardian sees a child's up to 12 years; from 13
        // the child logs in themself (and their bookings are theirs)
        Actor::Resident(user) => Ok(Scope {
            people: crate::domain::errands::e_service_people(state, user)
                .await?
                .into_iter()
                .map(|p| (p.personal_number.replace(['-', '+'], ""), p.id, p.name))
                .collect(),
            unit: None,
        }),
        Actor::Kiosk { personal_number, unit_id } => {
            let pnr = personal_number.clone();
            let person = state.db.store(move |conn| crate::storage::people::find(conn, &pnr)).await?;

            let people = person.map(|p| vec![(personal_number.clone(), p.id, p.name)]).unwrap_or_default();
            Ok(Scope { people, unit: Some(unit_id.clone()) })
        }
    }
}

/// The visit if the actor may see it; otherwise 404.
pub async fn load_visit(state: &AppState, scope: Scope, id: String) -> Result<Visit, ApiError> {
    let now = state.clock.now();
    state
        .db
        .store(move |conn| {
            let Some(r) = crate::storage::visits::find(conn, &id)? else { return Ok(None) };
            if scope.unit.as_ref().is_some_and(|u| *u != r.unit_id) {
                return Ok(None);
            }
            let Some((_, pid, name)) = scope.person(&r.patient).cloned() else { return Ok(None) };
            to_visit(conn, r, &pid, &name, now).map(Some)
        })
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Every visit of the people in `scope` (today's at the unit for a kiosk).
pub fn visits_of(conn: &mut crate::storage::Conn<'_>, scope: &Scope, now: i64) -> crate::storage::Result<Vec<Visit>> {
    let mut out = vec![];
    for (pnr, pid, name) in &scope.people {
        let rows = crate::storage::visits::of_patient(conn, pnr)?;
        for r in rows {
            if scope.unit.as_ref().is_some_and(|u| *u != r.unit_id) {
                continue;
            }
            out.push(to_visit(conn, r, pid, name, now)?);
        }
    }
    Ok(out)
}

/// Records the reminder SMS for every visit starting within two hours (once per visit and
/// time): to the patient's mobile, and a child's guardians' (up to 12), when they allow SMS. It links to
/// the visit's check-in; it names no unit or care (no health data in an SMS).
pub fn send_reminders(conn: &mut crate::storage::Conn<'_>, now: i64, base_url: &str) -> crate::storage::Result<usize> {
    let due = crate::storage::visits::due_reminders(conn, now, now + REMINDER_SECS)?;
    let mut sent = 0;
    for crate::storage::visits::Due { id, patient, starts_at: starts, check_in_minutes: minutes } in &due {
        // a child's guardians while they may act for the child (up to 12, as for the visits list)
        let guardians = age_at(patient, *starts).is_some_and(ingang_api::people::rules::may_use_eservices_for_child);
        let numbers = crate::storage::people::sms_numbers(conn, patient, guardians)?;
        let link = format!("{}/bokade-tider/{id}", base_url.trim_end_matches('/'));
        let (time, from) = (stockholm_hhmm(*starts), stockholm_hhmm(starts - minutes * 60));
        // claimed and queued in one transaction: another server process running the same task
        // on this database finds the visit reminded already, and queues nothing
        let claimed = conn.transaction(|tx| {
            let claimed = crate::storage::visits::claim_reminder(tx, id, now)?;
            if claimed {
                for (to, language) in &numbers {
                    // each in their own language (`lang::notices`)
                    let body = crate::lang::notices::reminder(language, &time, &from, &link);
                    crate::storage::sms::queue(tx, to, &body, crate::storage::sms::About::Visit(id), now)?;
                }
            }
            Ok(claimed)
        })?;
        if claimed {
            sent += 1;
        }
    }
    Ok(sent)
}

/// "HH:MM" in Stockholm.
pub fn stockholm_hhmm(unix: i64) -> String {
    let local = unix + visits::stockholm_offset(unix);
    let s = local.rem_euclid(86_400);
    format!("{:02}:{:02}", s / 3600, s / 60 % 60)
}

/// Settles a waiting payment (the payment provider's answer). Idempotent: only `CREATED` moves.
pub fn settle(
    conn: &mut crate::storage::Conn<'_>,
    payment_id: &str,
    status: PaymentStatus,
    error: Option<&str>,
    now: i64,
) -> crate::storage::Result<bool> {
    let changed = crate::storage::payments::settle(conn, payment_id, status.as_str(), error, now)?;
    if changed && status == PaymentStatus::Paid {
        number_receipt(conn, payment_id)?;
    }
    if !changed && status == PaymentStatus::Paid {
        return settle_late(conn, payment_id, now);
    }
    Ok(changed)
}

/// Ends a Swish request nobody answered in time (as Swish does: `ERROR`, `TM01`).
pub fn expire_swish(conn: &mut crate::storage::Conn<'_>, now: i64) -> crate::storage::Result<()> {
    crate::storage::payments::expire_swish(conn, now - SWISH_TIMEOUT_SECS)
}

pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A visit with its unit's rules, as stored.
pub type Row = crate::storage::visits::Stored;

/// The visit as the API shows it at `now`.
pub fn to_visit(
    conn: &mut crate::storage::Conn<'_>,
    r: Row,
    person_id: &str,
    person_name: &str,
    now: i64,
) -> crate::storage::Result<Visit> {
    let status = VisitStatus::parse(&r.status).unwrap_or(VisitStatus::Cancelled);
    let kind = kind(&r.kind);
    let live = status != VisitStatus::Cancelled;
    let video_opens_at = (kind == VisitKind::Video).then_some(r.starts_at - VIDEO_OPENS_SECS);
    let video_url = video_opens_at
        .filter(|opens| live && now >= *opens && now < r.ends_at)
        .map(|_| r.video_url.clone().unwrap_or_else(|| format!("https://video.ingang.se/mote/{}", r.id)));
    let check_in = (r.has_check_in && live).then(|| {
        let opens_at = r.starts_at - r.check_in_minutes * 60;
        CheckInWindow {
            opens_at,
            closes_at: r.starts_at,
            state: visits::check_in_state(opens_at, r.starts_at, status == VisitStatus::CheckedIn, now),
        }
    });
    let free_until = r.starts_at - r.cancel_free_hours * 3600;
    let booked = status == VisitStatus::Booked && now < r.starts_at;
    let exempt = visits::age_exemption(&visits::NORRBOTTEN, age_at(&r.patient, r.starts_at)).is_some();
    let late_fee = if exempt { 0 } else { MISSED_VISIT_FEE };
    let payment = settled_payment(conn, &r.id)?;
    let amount_due = match (status, r.fee, &payment) {
        (VisitStatus::CheckedIn, Some(fee), None) if fee > 0 => Some(fee as u32),
        _ => None,
    };
    Ok(Visit {
        id: r.id,
        person_id: person_id.to_owned(),
        person_name: person_name.to_owned(),
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        address: r.address,
        unit_phone: r.phone,
        time_zone: r.time_zone,
        kind,
        title: r.title,
        clinician: r.clinician,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        bring: serde_json::from_str(&r.bring).unwrap_or_default(),
        status,
        video_opens_at: video_opens_at.filter(|_| live),
        video_url,
        check_in,
        can_cancel: booked,
        can_reschedule: booked && r.reschedulable && now < free_until,
        cancel_policy: booked.then_some(CancelPolicy { free_until, late_fee }),
        late_cancel_fee: r.late_cancel_fee.map(|f| f as u32),
        amount_due,
        payment,
    })
}

/// The amount paid towards the ceiling in the person's current 12-month period, and the frikort.
pub fn high_cost(
    conn: &mut crate::storage::Conn<'_>,
    pnr: &str,
    now: i64,
) -> crate::storage::Result<(u32, Option<i64>)> {
    use crate::storage::payments;
    let year = 365 * 86_400;
    let registered = crate::storage::visits::high_cost(conn, pnr)?;
    let first_payment = payments::first_settled_after(conn, pnr, now - year)?;
    let (start, before, frikort) = match registered {
        Some(h) if h.period_start > now - year => (h.period_start, h.paid_before, h.frikort_until),
        _ => (first_payment.unwrap_or(now), 0, None),
    };
    let paid = payments::settled_since(conn, pnr, start)?;
    let paid = (before + paid).max(0) as u32;
    let frikort = frikort.filter(|f| *f > now).or_else(|| (paid >= visits::NORRBOTTEN.ceiling).then_some(start + year));
    Ok((paid, frikort))
}

/// A Swish request not answered in this time ends with `ERROR` / `TM01` (as Swish's own).
pub const SWISH_TIMEOUT_SECS: i64 = 180;

/// The reminder SMS goes this long before a visit.
pub const REMINDER_SECS: i64 = 2 * 3600;

/// A PAID for a request we had given up on (timed out by us, `TM01`, ended by us without an
/// answer from Swish, or cancelled on our side when a new payment started): the money is taken, so it is never dropped. On a visit still
/// unpaid it is the visit's payment (with its receipt, and a waiting one is cancelled); on a
/// visit another payment settled meanwhile it keeps its status and has a refund due, which
/// staff see at `/staff/besok` (a repeated PAID for it changes nothing).
pub(crate) fn settle_late(
    conn: &mut crate::storage::Conn<'_>,
    payment_id: &str,
    now: i64,
) -> crate::storage::Result<bool> {
    use crate::storage::payments;
    let Some(visit) = payments::given_up_visit(conn, payment_id)? else {
        return Ok(false);
    };
    if payments::settled_by_other(conn, &visit, payment_id)? {
        // a visit is settled once (`payments_settled`): this one keeps its status, and the
        // money it took is to be paid back
        payments::refund_due(conn, payment_id, now)?;
        return Ok(true);
    }
    payments::cancel_waiting(conn, &visit)?;
    payments::paid_late(conn, payment_id, now)?;
    number_receipt(conn, payment_id)?;
    Ok(true)
}

/// Gives a settled payment its receipt number (once).
pub fn number_receipt(conn: &mut crate::storage::Conn<'_>, payment_id: &str) -> crate::storage::Result<()> {
    // the counter hands out the number (once per payment: a second call changes nothing)
    crate::storage::payments::number_receipt(conn, payment_id, receipt_number)
}

/// A receipt's number as printed: `K` and seven digits.
pub fn receipt_number(n: i64) -> String {
    format!("K{n:07}")
}

/// The region's fee for a missed visit (Norrbotten: 400 kr), charged for a late cancellation.
pub const MISSED_VISIT_FEE: u32 = 400;

/// A video visit's link opens this long before the start.
pub const VIDEO_OPENS_SECS: i64 = 10 * 60;

pub(crate) fn kind(s: &str) -> VisitKind {
    VisitKind::parse(s).unwrap_or(VisitKind::Clinic)
}

pub(crate) fn settled_payment(
    conn: &mut crate::storage::Conn<'_>,
    visit_id: &str,
) -> crate::storage::Result<Option<Payment>> {
    Ok(crate::storage::payments::settled_of(conn, visit_id)?.map(to_payment))
}

pub(crate) fn to_payment(p: PaymentRow) -> Payment {
    let status = PaymentStatus::parse(&p.status).unwrap_or(PaymentStatus::Error);
    let method = PaymentMethod::parse(&p.method).unwrap_or(PaymentMethod::Card);
    let waiting = status == PaymentStatus::Created;
    let swish = p.swish_token.filter(|_| waiting && method == PaymentMethod::Swish).map(|token| {
        let callback = p.return_url.clone().unwrap_or_default();
        let app_url = format!("swish://paymentrequest?token={token}&callbackurl={}", url_encode(&callback));
        SwishRequest { qr_content: format!("D{token}"), app_url, token }
    });
    Payment {
        redirect_url: p.redirect_url.filter(|_| waiting && method == PaymentMethod::Card),
        id: p.id,
        visit_id: p.visit_id,
        method,
        status,
        amount: p.amount as u32,
        fee: p.fee as u32,
        total: (p.amount + p.fee) as u32,
        created_at: p.created_at,
        paid_at: p.paid_at,
        swish,
        error_code: p.error_code,
        due_date: (status == PaymentStatus::Invoiced).then(|| visits::iso_date((p.created_at + 30 * 86_400) / 86_400)),
    }
}

/// A payment as stored.
pub(crate) type PaymentRow = crate::storage::payments::Stored;
