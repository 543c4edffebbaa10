//! Booked visits (bokade tider), check-in, patient fees and payments.
//!
//! The region's rules (fee ages, the high-cost ceiling, the check-in window, cancellation) are
//! the server's: it sends their outcome with every visit, and the app shows what it is told.
//! The fee rule itself is pure and lives here ([`fee`]) so the reference server and the tests
//! share one implementation; another server may compute it however its region decides.

use serde::{Deserialize, Serialize};

/// Where the visit happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum VisitKind {
    /// At the unit's address.
    Clinic,
    /// A video call; `Visit.videoUrl` appears when it may be joined.
    Video,
    /// The unit calls the patient.
    Phone,
}

impl VisitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clinic => "clinic",
            Self::Video => "video",
            Self::Phone => "phone",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "clinic" => Some(Self::Clinic),
            "video" => Some(Self::Video),
            "phone" => Some(Self::Phone),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum VisitStatus {
    Booked,
    /// The patient has checked in (ankomstregistrerad).
    CheckedIn,
    Cancelled,
}

impl VisitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::CheckedIn => "checkedIn",
            Self::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "booked" => Some(Self::Booked),
            "checkedIn" => Some(Self::CheckedIn),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// Where the check-in stands at the time of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CheckInState {
    /// Before `opensAt`.
    NotYet,
    Open,
    /// The visit has started: go to the reception.
    Closed,
    /// Already checked in.
    Done,
}

/// The check-in window of a visit (the unit decides how early it opens; the seeds: 30 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CheckInWindow {
    /// Unix seconds.
    pub opens_at: i64,
    /// Unix seconds: the visit's start.
    pub closes_at: i64,
    pub state: CheckInState,
}

/// The window's state at `now` (pure; the server's clock decides).
pub fn check_in_state(opens_at: i64, closes_at: i64, checked_in: bool, now: i64) -> CheckInState {
    if checked_in {
        CheckInState::Done
    } else if now < opens_at {
        CheckInState::NotYet
    } else if now < closes_at {
        CheckInState::Open
    } else {
        CheckInState::Closed
    }
}

/// The unit's cancellation rule for this visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CancelPolicy {
    /// Until then (unix seconds) cancelling costs nothing.
    pub free_until: i64,
    /// What a later cancellation costs (the region's fee for a missed visit), in kronor.
    pub late_fee: u32,
}

/// A booked visit of the user or one of their children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    pub id: String,
    /// Whom the visit is for (an id from `GET /me/people`).
    pub person_id: String,
    pub person_name: String,
    pub unit_id: String,
    pub unit_name: String,
    /// Street address and city of the unit (where a clinic visit happens).
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_phone: Option<String>,
    /// IANA time zone of the unit, for showing times.
    pub time_zone: String,
    pub kind: VisitKind,
    /// What the visit is, e.g. "Läkarbesök".
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician: Option<String>,
    /// Unix seconds.
    pub starts_at: i64,
    pub ends_at: i64,
    /// What to bring or prepare, one item each.
    #[serde(default)]
    pub bring: Vec<String>,
    pub status: VisitStatus,
    /// Video visits: from when the link may be used (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_opens_at: Option<i64>,
    /// Video visits: the link, present only while it may be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// Absent when the unit has no digital check-in (or the visit is cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in: Option<CheckInWindow>,
    /// The visit can be cancelled now (booked, not started).
    pub can_cancel: bool,
    /// The visit can be moved to a slot from `GET /visits/{id}/slots` now.
    pub can_reschedule: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_policy: Option<CancelPolicy>,
    /// Set when a late cancellation was charged, in kronor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_cancel_fee: Option<u32>,
    /// The fee the patient still has to pay (after check-in; absent when nothing is due).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_due: Option<u32>,
    /// The completed payment (paid or invoiced), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
}

/// `GET /api/v1/visits`: upcoming ones first (soonest first), then past and cancelled ones (latest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitList {
    pub upcoming: Vec<Visit>,
    pub past: Vec<Visit>,
}

/// A free time the visit can be moved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub kind: VisitKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotList {
    pub slots: Vec<Slot>,
}

/// `POST /api/v1/visits/{id}/reschedule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reschedule {
    pub slot_id: String,
}

/// A type of visit that a unit lets patients book themselves (webbtidbokning), e.g.
/// "Provtagning": booked into the unit's free slots of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BookableType {
    pub id: String,
    /// What the visit is, e.g. "Provtagning".
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub kind: VisitKind,
    /// How long the visit is.
    pub minutes: u32,
}

/// `GET /api/v1/units/{unitId}/booking`: what the unit opens to self-booking (empty: nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookableTypes {
    pub types: Vec<BookableType>,
}

/// `POST /api/v1/visits` (with an `Idempotency-Key`): books a free slot for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewVisit {
    /// Whom the visit is for (an id from `GET /me/people` whose visits the user handles).
    pub person_id: String,
    pub unit_id: String,
    /// A [`BookableType`] of the unit.
    pub type_id: String,
    /// A free slot from `GET /units/{unitId}/booking/{typeId}/slots`.
    pub slot_id: String,
}

/// Why a fee line applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum FeeLineKind {
    /// The tariff of the visit type.
    Tariff,
    /// Free below the region's age limit (`FeeRules.freeUnder`).
    YoungAge,
    /// Free from the region's senior age (`FeeRules.freeFrom`).
    SeniorAge,
    /// Free with a valid frikort (the ceiling was reached in the period).
    Frikort,
    /// Reduced so the period's total does not pass the ceiling.
    Ceiling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FeeLine {
    pub kind: FeeLineKind,
    /// Kronor; reductions are negative.
    pub amount: i32,
    /// `youngAge` and `seniorAge`: the region's age limit that applies, for the wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
}

/// The region's fee parameters (Norrbotten after the seeds; the ceiling is the national one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FeeRules {
    /// Free under this age (years).
    pub free_under: u32,
    /// Free from this age (years); `None` when the region has no such rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_from: Option<u32>,
    /// The high-cost ceiling for 12 months (kronor).
    pub ceiling: u32,
    /// Added to a fee paid by invoice (kronor).
    pub invoice_fee: u32,
}

pub const NORRBOTTEN: FeeRules = FeeRules { free_under: 20, free_from: Some(85), ceiling: 1450, invoice_fee: 50 };

/// The fee of a visit with its breakdown: `GET /api/v1/visits/{id}/fee`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Fee {
    pub lines: Vec<FeeLine>,
    /// What the patient pays for the visit (kronor).
    pub total: u32,
    pub ceiling: u32,
    /// Paid towards the ceiling in the current period, before this visit.
    pub paid_in_period: u32,
    /// Last day of a valid frikort (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frikort_until: Option<String>,
    /// Added when paying by invoice.
    pub invoice_fee: u32,
    /// The registered address an invoice goes to (never to a kiosk: a public screen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_address: Option<String>,
}

/// The patient fee: 0 below `free_under` or from `free_from` years, 0 with a frikort, otherwise
/// the tariff capped at what is left under the ceiling. The lines explain every step.
pub fn fee(rules: &FeeRules, tariff: u32, age: Option<u32>, has_frikort: bool, paid_in_period: u32) -> Vec<FeeLine> {
    let mut lines = vec![FeeLine { kind: FeeLineKind::Tariff, amount: tariff as i32, age: None }];
    let minus = |kind, amount: u32| FeeLine { kind, amount: -(amount as i32), age: None };
    if tariff == 0 {
        return lines;
    }
    if let Some((kind, limit)) = age_exemption(rules, age) {
        lines.push(FeeLine { age: Some(limit), ..minus(kind, tariff) });
    } else if has_frikort || paid_in_period >= rules.ceiling {
        lines.push(minus(FeeLineKind::Frikort, tariff));
    } else if paid_in_period + tariff > rules.ceiling {
        lines.push(minus(FeeLineKind::Ceiling, paid_in_period + tariff - rules.ceiling));
    }
    lines
}

/// Free because of age (`youngAge` or `seniorAge`, with the limit that applies), if so.
/// No-show fees follow the same rule in the reference server.
pub fn age_exemption(rules: &FeeRules, age: Option<u32>) -> Option<(FeeLineKind, u32)> {
    let age = age?;
    if age < rules.free_under {
        Some((FeeLineKind::YoungAge, rules.free_under))
    } else {
        rules.free_from.filter(|f| age >= *f).map(|f| (FeeLineKind::SeniorAge, f))
    }
}

/// The sum of fee lines (never below zero).
pub fn total(lines: &[FeeLine]) -> u32 {
    lines.iter().map(|l| l.amount).sum::<i32>().max(0) as u32
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum PaymentMethod {
    /// Through the payment provider's hosted page (`Payment.redirectUrl`).
    Card,
    /// A Swish payment request (`Payment.swish`).
    Swish,
    /// An invoice to the registered address (`Fee.invoiceFee` added).
    Invoice,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::Swish => "swish",
            Self::Invoice => "invoice",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "card" => Some(Self::Card),
            "swish" => Some(Self::Swish),
            "invoice" => Some(Self::Invoice),
            _ => None,
        }
    }
}

/// A payment's state (Swish's states, plus `invoiced`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    /// Waiting for the payer (hosted card page or Swish app).
    Created,
    Paid,
    Declined,
    Error,
    Cancelled,
    /// An invoice was sent: nothing more to do now.
    Invoiced,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "CREATED",
            Self::Paid => "PAID",
            Self::Declined => "DECLINED",
            Self::Error => "ERROR",
            Self::Cancelled => "CANCELLED",
            Self::Invoiced => "INVOICED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Created, Self::Paid, Self::Declined, Self::Error, Self::Cancelled, Self::Invoiced]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
    /// Paid or invoiced: the visit's fee is settled.
    pub fn settled(self) -> bool {
        matches!(self, Self::Paid | Self::Invoiced)
    }
    /// Nothing will change any more.
    pub fn is_final(self) -> bool {
        self != Self::Created
    }
}

/// `POST /api/v1/visits/{id}/payments` with an `Idempotency-Key`: a retry (or a double tap)
/// returns the same payment, and a visit is never charged twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewPayment {
    pub method: PaymentMethod,
    /// Card: where the hosted payment page sends the payer back (absolute URL of the app;
    /// `?betalning=<id>` is added). Swish: the callback URL of the Swish app link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
}

/// A Swish payment request for the payer's Swish app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SwishRequest {
    /// The payment request token.
    pub token: String,
    /// Opens the Swish app on the same phone.
    pub app_url: String,
    /// For another device: the content of the QR code to scan with the Swish app.
    pub qr_content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub id: String,
    pub visit_id: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    /// The visit's fee (kronor).
    pub amount: u32,
    /// The invoice fee, when paying by invoice.
    pub fee: u32,
    /// amount + fee.
    pub total: u32,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<i64>,
    /// Card: the hosted payment page (while `CREATED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Swish: the request (while `CREATED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swish: Option<SwishRequest>,
    /// Why it failed, e.g. Swish's `TM01` (not answered in time), `RF07` (declined), `BANKIDCL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Invoice: due date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
}

/// One line of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ReceiptLineKind {
    VisitFee,
    InvoiceFee,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReceiptLine {
    pub kind: ReceiptLineKind,
    pub amount: u32,
}

/// `GET /api/v1/payments/{id}/receipt` (kvitto), for a paid or invoiced payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Receipt number.
    pub number: String,
    pub payment_id: String,
    pub issued_at: i64,
    pub patient_name: String,
    /// `YYYYMMDD-NNNC`.
    pub personal_number: String,
    /// The care provider (seller) and its organisation number.
    pub provider: String,
    pub organisation_number: String,
    pub unit_name: String,
    pub unit_address: String,
    pub time_zone: String,
    pub visit_title: String,
    pub visit_starts_at: i64,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub lines: Vec<ReceiptLine>,
    pub total: u32,
    /// Patient fees carry no VAT (momsfri sjukvård): always 0, stated on the receipt.
    pub vat: u32,
    /// Paid towards the high-cost ceiling in the period, this payment included.
    pub paid_in_period: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
}

/// `POST /api/v1/kiosk/check-ins`: a waiting-room tablet starts a check-in for a personnummer;
/// the patient confirms with BankID on their own phone (QR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewKioskCheckIn {
    pub unit_id: String,
    pub personal_number: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum KioskState {
    /// Waiting for BankID (`qr` to show).
    Pending,
    /// BankID failed, or a different person identified (`hintCode`).
    Failed,
    /// Identified: `visits` are today's at this unit; the token authorises them only.
    Identified,
}

/// A kiosk check-in. `token` is sent as `Authorization: Bearer` to the visit endpoints for
/// these visits only; it lives a few minutes and is never stored by the tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KioskCheckIn {
    pub id: String,
    pub token: String,
    pub state: KioskState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default)]
    pub visits: Vec<Visit>,
}

// ---- time helpers (pure) ----

/// (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

/// Days since 1970-01-01 of a date.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day count.
pub fn iso_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Unix seconds of the last Sunday of a month at 01:00 UTC (the EU's switch).
fn last_sunday_0100_utc(year: i32, month: u32) -> i64 {
    let next_first = if month == 12 { days_from_civil(year + 1, 1, 1) } else { days_from_civil(year, month + 1, 1) };
    let last = next_first - 1;
    // 1970-01-01 was a Thursday: weekday 0 = Monday
    let weekday = (last + 3).rem_euclid(7);
    (last - (weekday - 6).rem_euclid(7)) * 86_400 + 3600
}

/// Europe/Stockholm's UTC offset in seconds at a unix time (CET, CEST under the EU rule).
pub fn stockholm_offset(unix: i64) -> i64 {
    let (year, _, _) = civil_from_days(unix.div_euclid(86_400));
    if unix >= last_sunday_0100_utc(year, 3) && unix < last_sunday_0100_utc(year, 10) { 7200 } else { 3600 }
}

/// The date in Sweden (Europe/Stockholm) at a unix time: a personnummer's century, ages.
pub fn stockholm_date(unix: i64) -> crate::personnummer::Date {
    let (y, m, d) = civil_from_days((unix + stockholm_offset(unix)).div_euclid(86_400));
    crate::personnummer::Date::new(y, m, d)
}

/// Unix seconds of a Stockholm wall-clock time (minutes after midnight on a day count).
pub fn stockholm_to_unix(days: i64, minutes: u32) -> i64 {
    let naive = days * 86_400 + i64::from(minutes) * 60;
    let guess = naive - 3600;
    naive - stockholm_offset(guess)
}

/// The basic-format UTC timestamp of iCalendar (`20261122T130000Z`).
pub fn ics_time(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(86_400));
    let s = unix.rem_euclid(86_400);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// Escapes text for an iCalendar value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n").replace('\r', "")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out
}

/// An iCalendar file with one event for the visit. `summary` and `description` are the
/// user's language; `now` stamps it.
pub fn ics(visit: &Visit, summary: &str, description: &str, now: i64) -> String {
    let location = match visit.kind {
        VisitKind::Clinic => format!("{}, {}", visit.unit_name, visit.address),
        _ => visit.unit_name.clone(),
    };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Ingang//Bokade tider//SV".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@ingang.se", ics_text(&visit.id)),
        format!("DTSTAMP:{}", ics_time(now)),
        format!("DTSTART:{}", ics_time(visit.starts_at)),
        format!("DTEND:{}", ics_time(visit.ends_at)),
        format!("SUMMARY:{}", ics_text(summary)),
        format!("LOCATION:{}", ics_text(&location)),
        format!("DESCRIPTION:{}", ics_text(description)),
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        "TRIGGER:-PT2H".to_owned(),
        format!("DESCRIPTION:{}", ics_text(summary)),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join("\r\n") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(tariff: u32, age: Option<u32>, frikort: bool, paid: u32) -> (Vec<FeeLineKind>, u32) {
        let l = fee(&NORRBOTTEN, tariff, age, frikort, paid);
        (l.iter().map(|l| l.kind).collect(), total(&l))
    }

    #[test]
    fn fees_follow_the_region_rules() {
        use FeeLineKind::*;
        assert_eq!(lines(300, Some(40), false, 0), (vec![Tariff], 300));
        assert_eq!(lines(300, Some(19), false, 0), (vec![Tariff, YoungAge], 0));
        assert_eq!(lines(300, Some(20), false, 0), (vec![Tariff], 300));
        assert_eq!(lines(300, Some(4), false, 0), (vec![Tariff, YoungAge], 0));
        assert_eq!(lines(300, Some(85), false, 0), (vec![Tariff, SeniorAge], 0));
        assert_eq!(lines(300, Some(84), false, 0), (vec![Tariff], 300));
        assert_eq!(lines(300, Some(40), true, 0), (vec![Tariff, Frikort], 0));
        assert_eq!(lines(300, Some(40), false, 1450), (vec![Tariff, Frikort], 0));
        // the last fee before the ceiling is partial
        assert_eq!(lines(300, Some(40), false, 1300), (vec![Tariff, Ceiling], 150));
        assert_eq!(lines(300, Some(40), false, 1150), (vec![Tariff], 300));
        // an unknown age (samordningsnummer without a date) pays the tariff
        assert_eq!(lines(300, None, false, 0), (vec![Tariff], 300));
        assert_eq!(lines(0, Some(40), false, 0), (vec![Tariff], 0));
        // the age lines name the limit, for the wording
        assert_eq!(fee(&NORRBOTTEN, 300, Some(4), false, 0)[1].age, Some(20));
        assert_eq!(fee(&NORRBOTTEN, 300, Some(90), false, 0)[1].age, Some(85));
    }

    #[test]
    fn the_window_opens_and_closes() {
        assert_eq!(check_in_state(100, 200, false, 99), CheckInState::NotYet);
        assert_eq!(check_in_state(100, 200, false, 100), CheckInState::Open);
        assert_eq!(check_in_state(100, 200, false, 199), CheckInState::Open);
        assert_eq!(check_in_state(100, 200, false, 200), CheckInState::Closed);
        assert_eq!(check_in_state(100, 200, true, 300), CheckInState::Done);
    }

    #[test]
    fn dates_round_trip_and_stockholm_switches_on_the_eu_sundays() {
        for days in [-1000, 0, 11_000, 20_000, 20_544] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(iso_date(days_from_civil(2026, 3, 29)), "2026-03-29");
        // 2026: CEST from 29 March 01:00 UTC to 25 October 01:00 UTC
        let march = days_from_civil(2026, 3, 29) * 86_400;
        assert_eq!(stockholm_offset(march + 3599), 3600);
        assert_eq!(stockholm_offset(march + 3600), 7200);
        let october = days_from_civil(2026, 10, 25) * 86_400;
        assert_eq!(stockholm_offset(october + 3599), 7200);
        assert_eq!(stockholm_offset(october + 3600), 3600);
        // 09:00 in Stockholm is 08:00 UTC in winter and 07:00 UTC in summer
        assert_eq!(ics_time(stockholm_to_unix(days_from_civil(2026, 11, 23), 9 * 60)), "20261123T080000Z");
        assert_eq!(ics_time(stockholm_to_unix(days_from_civil(2026, 6, 1), 9 * 60)), "20260601T070000Z");
    }

    #[test]
    fn the_date_is_swedens_not_utcs() {
        use crate::personnummer::Date;
        // 23:30 UTC on 5 December is 00:30 on 6 December in Stockholm (CET)
        let late = days_from_civil(2026, 12, 5) * 86_400 + 23 * 3600 + 30 * 60;
        assert_eq!(stockholm_date(late), Date::new(2026, 12, 6));
        assert_eq!(stockholm_date(late - 3600), Date::new(2026, 12, 5));
        // 22:30 UTC on 30 June is 00:30 on 1 July (CEST)
        let summer = days_from_civil(2026, 6, 30) * 86_400 + 22 * 3600 + 30 * 60;
        assert_eq!(stockholm_date(summer), Date::new(2026, 7, 1));
    }

    #[test]
    fn calendar_files_are_escaped_folded_and_in_utc() {
        let v = Visit {
            id: "v1".into(),
            person_id: "p".into(),
            person_name: "Anna Andersson".into(),
            unit_id: "u".into(),
            unit_name: "Hälsocentralen Gibraltar".into(),
            address: "Gibraltargatan 10, Luleå".into(),
            unit_phone: None,
            time_zone: "Europe/Stockholm".into(),
            kind: VisitKind::Clinic,
            title: "Läkarbesök".into(),
            clinician: None,
            starts_at: stockholm_to_unix(days_from_civil(2026, 11, 23), 14 * 60 + 30),
            ends_at: stockholm_to_unix(days_from_civil(2026, 11, 23), 15 * 60),
            bring: vec![],
            status: VisitStatus::Booked,
            video_opens_at: None,
            video_url: None,
            check_in: None,
            can_cancel: true,
            can_reschedule: true,
            cancel_policy: None,
            late_cancel_fee: None,
            amount_due: None,
            payment: None,
        };
        let text = ics(&v, "Läkarbesök; Hälsocentralen", &"Ta med legitimation. ".repeat(10), 0);
        assert!(text.contains("DTSTART:20261123T133000Z\r\n"));
        assert!(text.contains("SUMMARY:Läkarbesök\\; Hälsocentralen\r\n"));
        assert!(text.contains("LOCATION:Hälsocentralen Gibraltar\\, Gibraltargatan 10\\, Luleå\r\n"));
        assert!(text.lines().all(|l| l.len() <= 75), "{text}");
        assert!(text.contains("\r\n Ta") || text.contains("\r\n "));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn wire_names() {
        assert_eq!(serde_json::to_value(PaymentStatus::Paid).unwrap(), "PAID");
        assert_eq!(serde_json::to_value(VisitStatus::CheckedIn).unwrap(), "checkedIn");
        assert_eq!(PaymentStatus::parse("CANCELLED"), Some(PaymentStatus::Cancelled));
        assert!(PaymentStatus::Invoiced.settled() && !PaymentStatus::Declined.settled());
    }
}
