//! Demo data for `--demo`: idempotent, so a second start reuses the same database.

use crate::storage::Conn;
use ingang_api::personnummer::Date;

/// Demo units, modelled on Region Norrbotten's (see `shared/seeds`).
const UNITS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("hc-gibraltar", "Hälsocentralen Gibraltar", "healthCentre", "Gibraltargatan 10", "Luleå", "0920-28 40 00"),
    ("hc-kalix", "Hälsocentralen Kalix", "healthCentre", "Torggatan 8", "Kalix", "0923-760 00"),
    ("ftv-lulea", "Folktandvården Luleå", "dental", "Skomakargatan 20", "Luleå", "0920-28 43 00"),
    ("um-lulea", "Ungdomsmottagningen Luleå", "youth", "Kungsgatan 15", "Luleå", "0920-45 30 00"),
];

/// Staffed hours after the seeds: health centres weekdays 08–18 and weekends 09–15;
/// Folktandvården Luleå Mon–Thu 07:30–15:00, Fri 07:30–14:00. (unit, days, opens, closes)
const HOURS: &[(&str, &[u8], &str, &str)] = &[
    ("hc-gibraltar", &[1, 2, 3, 4, 5], "08:00", "18:00"),
    ("hc-gibraltar", &[6, 7], "09:00", "15:00"),
    ("hc-kalix", &[1, 2, 3, 4, 5], "08:00", "18:00"),
    ("hc-kalix", &[6, 7], "09:00", "15:00"),
    ("ftv-lulea", &[1, 2, 3, 4], "07:30", "15:00"),
    ("ftv-lulea", &[5], "07:30", "14:00"),
    ("um-lulea", &[1, 2, 3, 4, 5], "09:00", "16:00"),
];

/// What each demo unit offers: services, then symptom categories (questionnaire ids).
const OFFERS: &[(&str, &[&str], &[&str])] = &[
    (
        "hc-gibraltar",
        &["seekCare", "renewPrescription", "contactMe", "booking", "checkIn"],
        &["forkylning", "ont-i-halsen-barn", "urinvagsbesvar", "hudbesvar", "nedstamdhet"],
    ),
    (
        "hc-kalix",
        &["seekCare", "renewPrescription", "contactMe", "booking", "checkIn"],
        &["forkylning", "ont-i-halsen-barn", "urinvagsbesvar", "hudbesvar", "nedstamdhet"],
    ),
    ("ftv-lulea", &["seekCare", "booking", "checkIn"], &["tandvark"]),
    ("um-lulea", &["seekCare", "contactMe", "booking"], &["urinvagsbesvar", "hudbesvar", "nedstamdhet"]),
];

/// Sara's closed cases, for "Fortsätt ärendet": one closed 3 days ago (may be continued), one
/// closed 5 days ago (may not). (id, days since closed, questionnaire id, title)
const CLOSED_CASES: &[(&str, i64, &str, &str)] = &[
    ("demo-sara-3-dagar", 3, "hudbesvar", "Hudbesvär"),
    ("demo-sara-5-dagar", 5, "forkylning", "Förkylning och hosta"),
];
const SARA: &str = "198509223452";

/// Sara's visit that opens for check-in shortly after the demo starts (relative to the clock).
pub const DEMO_CHECK_IN: &str = "demo-sara-incheckning";

/// Registered addresses (folkbokföringsadress) of the demo identities, where invoices go.
const ADDRESSES: &[(&str, &str)] = &[
    ("198001139297", "Storgatan 12, 972 38 Luleå"),
    ("197905041237", "Strandvägen 4, 952 31 Kalix"),
    ("198509223452", "Köpmansgatan 30, 972 33 Luleå"),
    ("192406017893", "Hemgatan 2, 972 41 Luleå"),
    ("199407712380", "Skeppsbrogatan 7, 972 31 Luleå"),
];

/// Where the demo residents are listed (their own health centre); a guardian's children are
/// listed with the guardian. Marta (1924) is listed nowhere: the app then preselects no unit.
const LISTINGS: &[(&str, &str)] = &[
    ("198001139297", "hc-gibraltar"),
    ("197905041237", "hc-kalix"),
    ("198509223452", "hc-gibraltar"),
    ("199407712380", "hc-gibraltar"),
];

/// Demo visits: (id, who (personnummer, or a child's given name), unit, kind, days from today,
/// local time, minutes, title, clinician, what to bring, tariff). Booked ones follow the date.
type DemoVisit = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    i64,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    i64,
);
const VISITS: &[DemoVisit] = &[
    (
        "demo-anna-lakare",
        "198001139297",
        "hc-gibraltar",
        "clinic",
        2,
        "10:00",
        30,
        "Läkarbesök",
        Some("Omar Haddad, läkare"),
        &["Legitimation", "Lista över mediciner du tar"],
        300,
    ),
    (
        "demo-anna-video",
        "198001139297",
        "hc-gibraltar",
        "video",
        4,
        "14:30",
        20,
        "Uppföljning via video",
        Some("Lena Ek, sjuksköterska"),
        &["Mobil, surfplatta eller dator med kamera", "BankID"],
        300,
    ),
    (
        "demo-noah-bvc",
        "Noah",
        "hc-gibraltar",
        "clinic",
        5,
        "09:30",
        30,
        "Besök hos sjuksköterska",
        Some("Lena Ek, sjuksköterska"),
        &["Barnets vaccinationskort"],
        300,
    ),
    ("demo-elsa-tand", "Elsa", "ftv-lulea", "clinic", 8, "13:00", 45, "Undersökning hos tandläkare", None, &[], 0),
    (
        "demo-erik-telefon",
        "197905041237",
        "hc-kalix",
        "phone",
        2,
        "11:00",
        15,
        "Telefonsamtal med läkare",
        Some("Omar Haddad, läkare"),
        &["Ha telefonen nära till hands"],
        300,
    ),
    (
        "demo-anna-tidigare",
        "198001139297",
        "hc-gibraltar",
        "clinic",
        -20,
        "08:30",
        30,
        "Läkarbesök",
        Some("Omar Haddad, läkare"),
        &[],
        300,
    ),
];

/// Free times patients can move visits to: (unit, kind, local times) on weekdays, two weeks ahead.
const SLOTS: &[(&str, &str, &[&str])] = &[
    ("hc-gibraltar", "clinic", &["08:30", "09:30", "10:30", "13:00", "14:00", "15:00"]),
    ("hc-gibraltar", "video", &["11:00", "16:00"]),
    ("hc-kalix", "clinic", &["09:00", "13:30"]),
    ("hc-kalix", "phone", &["08:00", "11:30"]),
    ("ftv-lulea", "clinic", &["08:00", "10:00", "13:00"]),
];

/// What each unit opens to self-booking: (unit, id, title, description, kind, minutes, tariff, bring).
/// Booked into the unit's free slots of that kind (`SLOTS`).
#[allow(clippy::type_complexity)]
const BOOKABLE: &[(&str, &str, &str, Option<&str>, &str, i64, i64, &[&str])] = &[
    (
        "hc-gibraltar",
        "provtagning",
        "Provtagning",
        Some("Blodprov eller annat prov som din läkare har beställt. Kom fastande om du har fått besked om det."),
        "clinic",
        15,
        0,
        &["Legitimation"],
    ),
    (
        "hc-gibraltar",
        "blodtryck",
        "Blodtryckskontroll hos sjuksköterska",
        None,
        "clinic",
        15,
        200,
        &["Legitimation", "Dina blodtrycksvärden hemifrån, om du har mätt"],
    ),
    ("hc-gibraltar", "videoradgivning", "Videosamtal med sjuksköterska", None, "video", 15, 0, &[]),
    (
        "hc-kalix",
        "telefon-ssk",
        "Telefonsamtal med sjuksköterska",
        Some("Sjuksköterskan ringer upp dig."),
        "phone",
        15,
        0,
        &[],
    ),
    ("hc-kalix", "provtagning", "Provtagning", None, "clinic", 15, 0, &["Legitimation"]),
    ("ftv-lulea", "undersokning", "Undersökning hos tandhygienist", None, "clinic", 45, 0, &["Legitimation"]),
];

/// Every text the demo's visits and bookable types show (titles, descriptions, clinicians and
/// what to bring), for the test that each has its translations.
pub fn visit_texts() -> Vec<&'static str> {
    let mut texts = Vec::new();
    for (_, _, _, _, _, _, _, title, clinician, bring, _) in VISITS {
        texts.push(*title);
        texts.extend(*clinician);
        texts.extend(bring.iter().copied());
    }
    for (_, _, title, description, _, _, _, bring) in BOOKABLE {
        texts.push(*title);
        texts.extend(*description);
        texts.extend(bring.iter().copied());
    }
    texts
}

/// The demo region's own texts above in English, Finnish and Arabic (`translations`, read by
/// `lang::Phrasebook`): (Swedish, en, fi, ar). Names stay as they are; roles are translated.
pub const PHRASES: &[(&str, &str, &str, &str)] = &[
    ("Läkarbesök", "Doctor's appointment", "Lääkärikäynti", "موعد مع الطبيب"),
    ("Uppföljning via video", "Follow-up by video", "Seurantakäynti videoyhteydellä", "متابعة عبر الفيديو"),
    ("Besök hos sjuksköterska", "Nurse appointment", "Sairaanhoitajan vastaanotto", "موعد مع الممرض"),
    ("Undersökning hos tandläkare", "Dental check-up", "Hammaslääkärin tarkastus", "فحص لدى طبيب الأسنان"),
    ("Telefonsamtal med läkare", "Phone call with a doctor", "Lääkärin puhelinaika", "مكالمة هاتفية مع الطبيب"),
    ("Omar Haddad, läkare", "Omar Haddad, doctor", "Omar Haddad, lääkäri", "Omar Haddad، طبيب"),
    ("Lena Ek, sjuksköterska", "Lena Ek, nurse", "Lena Ek, sairaanhoitaja", "Lena Ek، ممرضة"),
    ("Legitimation", "Identification", "Henkilöllisyystodistus", "وثيقة إثبات الهوية"),
    (
        "Lista över mediciner du tar",
        "A list of the medicines you take",
        "Luettelo käyttämistäsi lääkkeistä",
        "قائمة بالأدوية التي تتناولها",
    ),
    (
        "Mobil, surfplatta eller dator med kamera",
        "A phone, tablet or computer with a camera",
        "Puhelin, tabletti tai tietokone, jossa on kamera",
        "هاتف محمول أو جهاز لوحي أو حاسوب مزوّد بكاميرا",
    ),
    ("Barnets vaccinationskort", "The child's vaccination card", "Lapsen rokotuskortti", "بطاقة تطعيم الطفل"),
    (
        "Ha telefonen nära till hands",
        "Keep your phone close at hand",
        "Pidä puhelin lähelläsi",
        "أبقِ هاتفك في متناول يدك",
    ),
    (
        "Dina blodtrycksvärden hemifrån, om du har mätt",
        "Your blood pressure readings from home, if you have taken any",
        "Kotona mittaamasi verenpainearvot, jos olet mitannut",
        "قراءات ضغط الدم التي قستها في المنزل، إن وُجدت",
    ),
    ("Provtagning", "Samples and blood tests", "Näytteenotto", "أخذ العينات"),
    (
        "Blodprov eller annat prov som din läkare har beställt. Kom fastande om du har fått besked om det.",
        "A blood test or another test your doctor has ordered. Come fasting if you have been told to.",
        "Verikoe tai muu lääkärisi määräämä näyte. Tule paastonneena, jos sinulle on kerrottu niin.",
        "فحص دم أو فحص آخر طلبه طبيبك. احضر صائمًا إذا طُلب منك ذلك.",
    ),
    (
        "Blodtryckskontroll hos sjuksköterska",
        "Blood pressure check with a nurse",
        "Verenpaineen mittaus sairaanhoitajalla",
        "قياس ضغط الدم لدى الممرض",
    ),
    (
        "Videosamtal med sjuksköterska",
        "Video call with a nurse",
        "Videopuhelu sairaanhoitajan kanssa",
        "مكالمة فيديو مع الممرض",
    ),
    (
        "Telefonsamtal med sjuksköterska",
        "Phone call with a nurse",
        "Puhelu sairaanhoitajan kanssa",
        "مكالمة هاتفية مع الممرض",
    ),
    (
        "Sjuksköterskan ringer upp dig.",
        "The nurse will call you.",
        "Sairaanhoitaja soittaa sinulle.",
        "سيتصل بك الممرض.",
    ),
    (
        "Undersökning hos tandhygienist",
        "Check-up with a dental hygienist",
        "Suuhygienistin tarkastus",
        "فحص لدى أخصائي صحة الفم",
    ),
];

/// The six Swedish symptom forms (FHIR R4 Questionnaires), as authored in `forms/`.
pub const FORMS: &[&str] = &[
    include_str!("../forms/forkylning.json"),
    include_str!("../forms/ont-i-halsen-barn.json"),
    include_str!("../forms/urinvagsbesvar.json"),
    include_str!("../forms/hudbesvar.json"),
    include_str!("../forms/tandvark.json"),
    include_str!("../forms/nedstamdhet.json"),
    include_str!("../forms/fornya-recept.json"),
    include_str!("../forms/kontakta-mig.json"),
    include_str!("../forms/bestall-tid.json"),
    include_str!("../forms/av-omboka-tid.json"),
    include_str!("../forms/radgivning.json"),
    include_str!("../forms/begar-intyg.json"),
    include_str!("../forms/journalkopia.json"),
    include_str!("../forms/fornya-hjalpmedel.json"),
    include_str!("../forms/infor-besok.json"),
];

/// The e-services of each demo unit (id = questionnaire id, usual answer time in working days).
/// Gibraltar offers the whole basutbud and more; Folktandvården only what a dental clinic needs.
pub const E_SERVICES: &[(&str, &[(&str, u32)])] = &[
    (
        "hc-gibraltar",
        &[
            ("fornya-recept", 3),
            ("kontakta-mig", 2),
            ("bestall-tid", 3),
            ("av-omboka-tid", 2),
            ("radgivning", 3),
            ("begar-intyg", 10),
            ("journalkopia", 10),
            ("fornya-hjalpmedel", 5),
        ],
    ),
    (
        "hc-kalix",
        &[("fornya-recept", 3), ("kontakta-mig", 2), ("bestall-tid", 3), ("av-omboka-tid", 2), ("radgivning", 3)],
    ),
    ("ftv-lulea", &[("kontakta-mig", 2), ("av-omboka-tid", 2)]),
    ("um-lulea", &[("kontakta-mig", 1), ("bestall-tid", 2), ("av-omboka-tid", 1), ("radgivning", 2)]),
];

/// Current prescriptions: (id, who (personnummer, or a child's given name), medicine, dosage).
const PRESCRIPTIONS: &[(&str, &str, &str, &str)] = &[
    ("demo-rx-anna-levaxin", "198001139297", "Levaxin 100 mikrogram tablett", "1 tablett på morgonen"),
    ("demo-rx-anna-omeprazol", "198001139297", "Omeprazol 20 mg kapsel", "1 kapsel dagligen vid behov"),
    ("demo-rx-liam-airomir", "Liam", "Airomir 0,1 mg/dos inhalationsspray", "1–2 doser vid behov"),
    ("demo-rx-erik-enalapril", "197905041237", "Enalapril 10 mg tablett", "1 tablett dagligen"),
];

/// Anna's inbox in the demo: one piece of information, one set of questions before her visit.
/// (id, subject, body, questionnaire)
const INBOX: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "demo-anna-info",
        "Influensavaccination i höst",
        "Hej!\n\nNu kan du boka tid för influensavaccination på Hälsocentralen Gibraltar. Vaccinationen är avgiftsfri om du är 65 år eller äldre eller tillhör en riskgrupp.\n\nDet här meddelandet går inte att svara på.\n\nVänliga hälsningar\nHälsocentralen Gibraltar",
        None,
    ),
    (
        "demo-anna-fragor",
        "Frågor inför ditt läkarbesök",
        "Hej Anna!\n\nInför ditt besök hos oss vill vi att du svarar på några frågor, så att vi kan förbereda besöket.\n\nVänliga hälsningar\nOmar Haddad, läkare",
        Some("infor-besok"),
    ),
];

/// Demo identities for the test BankID page: (personnummer, given name, surname).
/// Margit is over 100 (`+` separator); Kim has a samordningsnummer; Anna is a guardian.
pub const IDENTITIES: &[(&str, &str, &str)] = &[
    ("198001139297", "Anna", "Andersson"),
    ("197905041237", "Erik", "Lindqvist"),
    ("198509223452", "Sara", "Berg"),
    ("192406017893", "Margit", "Nilsson"),
    ("199407712380", "Kim", "Samordning"),
    // logs in for the first time in the end-to-end test of the first login (nobody else uses him)
    ("199003152387", "Olle", "Nyberg"),
    // turns push notifications on and off in the end-to-end test of Web Push (nobody else uses her)
    ("199211082384", "Lisa", "Holm"),
];

/// A demo identity as the BankID simulator reports it.
pub fn identity(pnr: &str) -> Option<crate::bankid::User> {
    IDENTITIES.iter().find(|(p, _, _)| *p == pnr).map(|(p, given, surname)| crate::bankid::User {
        personal_number: (*p).into(),
        name: format!("{given} {surname}"),
        given_name: (*given).into(),
        surname: (*surname).into(),
    })
}

/// Anna's children, born relative to `today` so their ages never drift: Elsa is 14, Liam 10,
/// Noah 4 and Alva 3 months old (below Digitalen's 6-month limit). (guardian, child personnummer, given, surname)
pub fn children(today: Date) -> Vec<(&'static str, String, &'static str, &'static str)> {
    let born = |years: i32, months: i32, days: i32| {
        let mut y = today.year - years;
        let mut m = today.month as i32 - months;
        while m < 1 {
            m += 12;
            y -= 1;
        }
        let d = (today.day as i32 - days).clamp(1, 28) as u32;
        number(y, m as u32, d, 234)
    };
    vec![
        ("198001139297", born(14, 1, 0), "Elsa", "Andersson"),
        ("198001139297", born(10, 5, 0), "Liam", "Andersson"),
        ("198001139297", born(4, 2, 0), "Noah", "Andersson"),
        ("198001139297", born(0, 3, 0), "Alva", "Andersson"),
    ]
}

/// Addresses, visits (booked ones moved to their days from today), free slots.
fn seed_visits(tx: &mut Conn<'_>, now: i64) -> crate::storage::Result<()> {
    use ingang_api::visits::{stockholm_offset, stockholm_to_unix};
    // Folktandvården moves visits by phone only: patients there cancel in the app, not reschedule
    for (id, ..) in UNITS {
        crate::storage::units::set_reschedulable(tx, id, *id != "ftv-lulea")?;
    }
    for (pnr, address) in ADDRESSES {
        crate::storage::people::set_address(tx, pnr, address)?;
    }
    for (pnr, unit) in LISTINGS {
        crate::storage::people::list_with_children(tx, pnr, unit)?;
    }
    let today = (now + stockholm_offset(now)).div_euclid(86_400);
    let minutes = |hhmm: &str| ingang_api::hours::minutes(hhmm).map(u32::from).unwrap_or(9 * 60);
    let children = children(ingang_api::visits::stockholm_date(now));
    for (id, who, unit, kind, days, at, length, title, clinician, bring, tariff) in VISITS {
        let patient = children.iter().find(|c| c.2 == *who).map(|c| c.1.clone()).unwrap_or_else(|| (*who).to_owned());
        let starts = stockholm_to_unix(today + days, minutes(at));
        let past = *days < 0;
        let bring = serde_json::to_string(bring).unwrap_or_else(|_| "[]".into());
        let visit = crate::storage::visits::DemoVisit {
            id,
            patient: &patient,
            unit_id: unit,
            kind,
            title,
            clinician: *clinician,
            starts_at: starts,
            ends_at: starts + length * 60,
            bring: &bring,
            tariff: *tariff,
            status: if past { "checkedIn" } else { "booked" },
            checked_in_at: past.then_some(starts - 600),
            fee: past.then_some(*tariff),
        };
        crate::storage::visits::seed_demo(tx, &visit, now)?;
    }
    // a visit a newcomer can check in to and pay for without a test hook: Sara's, 40 minutes
    // after start-up (on the next five minutes), so its check-in opens ten minutes after it
    let soon = (now + 40 * 60).div_euclid(300) * 300 + 300;
    let sara = crate::storage::visits::DemoVisit {
        id: DEMO_CHECK_IN,
        patient: SARA,
        unit_id: "hc-gibraltar",
        kind: "clinic",
        title: "Provtagning",
        clinician: Some("Lena Ek, sjuksköterska"),
        starts_at: soon,
        ends_at: soon + 15 * 60,
        bring: r#"["Legitimation"]"#,
        tariff: 300,
        status: "booked",
        checked_in_at: None,
        fee: None,
    };
    crate::storage::visits::seed_demo(tx, &sara, now)?;
    for (i, (unit, id, title, description, kind, minutes, tariff, bring)) in BOOKABLE.iter().enumerate() {
        let b = crate::storage::units::Bookable {
            id: (*id).into(),
            title: (*title).into(),
            description: description.map(str::to_owned),
            kind: (*kind).into(),
            minutes: *minutes,
            tariff: *tariff,
            bring: serde_json::to_string(bring).unwrap_or_else(|_| "[]".into()),
        };
        crate::storage::units::keep_bookable(tx, unit, &b, i as i64)?;
    }
    for (sv, en, fi, ar) in PHRASES {
        for (lang, text) in [("en", en), ("fi", fi), ("ar", ar)] {
            crate::storage::forms::keep_translation(tx, sv, lang, text)?;
        }
    }
    crate::storage::visits::drop_free_slots(tx)?;
    for day in today + 1..today + 15 {
        // 1970-01-01 was a Thursday: weekday 0 = Monday
        if (day + 3).rem_euclid(7) >= 5 {
            continue;
        }
        for (unit, kind, times) in SLOTS {
            for t in *times {
                let starts = stockholm_to_unix(day, minutes(t));
                let slot = crate::storage::visits::Slot {
                    id: format!("slot-{unit}-{kind}-{starts}"),
                    starts_at: starts,
                    ends_at: starts + 1800,
                    kind: (*kind).into(),
                    visit_id: None,
                };
                crate::storage::visits::add_slot(tx, &slot, unit)?;
            }
        }
    }
    // the past visit was paid by card at the time: its receipt can be opened
    crate::storage::payments::seed_demo_card_payment(tx, "demo-anna-tidigare-kort", "demo-anna-tidigare", 300)?;
    // the first receipt of a new database: K0000001
    crate::domain::visits::number_receipt(tx, "demo-anna-tidigare-kort")?;
    Ok(())
}

/// Prescriptions (valid for 200 more days) and Anna's demo inbox.
fn seed_eservices(tx: &mut Conn<'_>, now: i64) -> crate::storage::Result<()> {
    let children = children(ingang_api::visits::stockholm_date(now));
    for (id, who, medicine, dosage) in PRESCRIPTIONS {
        let patient = children.iter().find(|c| c.2 == *who).map(|c| c.1.clone()).unwrap_or_else(|| (*who).to_owned());
        crate::storage::people::keep_prescription(tx, id, &patient, medicine, dosage, now + 200 * 86_400)?;
    }
    for (i, (id, subject, body, questionnaire)) in INBOX.iter().enumerate() {
        let message = crate::storage::inbox::NewMessage {
            id,
            patient: "198001139297",
            unit_id: "hc-gibraltar",
            subject,
            body,
            questionnaire_id: *questionnaire,
            errand_id: None,
            sent_by: "demo",
        };
        crate::storage::inbox::insert(tx, &message, now - 86_400 + i as i64 * 3_600)?;
    }
    Ok(())
}

/// A valid 12-digit personnummer for a birth date and serial.
fn number(year: i32, month: u32, day: u32, serial: u32) -> String {
    let nine: Vec<u8> = format!("{:02}{month:02}{day:02}{serial:03}", year % 100).bytes().map(|b| b - b'0').collect();
    format!("{year}{month:02}{day:02}{serial:03}{}", ingang_api::personnummer::luhn_check_digit(&nine))
}

/// Inserts the demo data that is not there yet; demo forms are refreshed to the shipped version.
pub fn seed(conn: &mut Conn<'_>) -> crate::storage::Result<()> {
    // made when the server starts, before any test fixes the clock: the system's time
    let now = crate::system_millis().div_euclid(1000);
    let mut tx = conn.begin()?;
    {
        for (id, name, kind, address, city, phone) in UNITS {
            let unit = crate::storage::units::Unit {
                id: (*id).into(),
                name: (*name).into(),
                kind: (*kind).into(),
                address: (*address).into(),
                city: (*city).into(),
                phone: Some((*phone).into()),
                time_zone: String::new(),
            };
            crate::storage::units::add_if_new(&mut tx, &unit)?;
        }
        for (pnr, given, surname) in IDENTITIES {
            crate::storage::people::add_if_new(&mut tx, &crate::bankid::random_token(), pnr, given, surname)?;
        }
        // the children's numbers follow the date (see `children`): yesterday's pairs go
        crate::storage::people::forget_children(&mut tx, "198001139297")?;
        for (parent, child, given, surname) in children(ingang_api::visits::stockholm_date(now)) {
            crate::storage::people::add_if_new(&mut tx, &crate::bankid::random_token(), &child, given, surname)?;
            crate::storage::people::add_guardianship(&mut tx, parent, &child)?;
        }
        for text in FORMS {
            // the demo forms are valid (tested); one that is not stops the seed with its reason
            let q = ingang_questionnaire::Questionnaire::from_json(text)
                .map_err(|e| crate::storage::Error::Mismatch(format!("a demo form: {e:?}")))?;
            let field = |v: Option<String>| v.unwrap_or_default();
            let facts = crate::domain::units::form_facts_of(&q);
            let form = crate::storage::forms::Summary {
                id: field(q.id),
                url: field(q.url),
                version: field(q.version),
                title: field(q.title),
            };
            crate::storage::forms::keep(&mut tx, &form, text)?;
            crate::domain::units::store_form_facts(&mut tx, &form.id, &facts)?;
        }
        for (unit, services, categories) in OFFERS {
            let hours: Vec<(u8, &str, &str)> = HOURS
                .iter()
                .filter(|(u, ..)| u == unit)
                .flat_map(|(_, days, opens, closes)| days.iter().map(move |d| (*d, *opens, *closes)))
                .collect();
            let e_services: Vec<(&str, Option<u32>)> = E_SERVICES
                .iter()
                .filter(|(u, _)| u == unit)
                .flat_map(|(_, services)| services.iter().map(|(id, days)| (*id, Some(*days))))
                .collect();
            let offer = crate::storage::units::Offer { hours: &hours, services, categories, e_services: &e_services };
            crate::storage::units::set_offer(&mut tx, unit, &offer)?;
        }
        // closed `days` ago, relative to now, unless somebody has continued it since
        seed_eservices(&mut tx, now)?;
        seed_visits(&mut tx, now)?;
        for (id, days, qid, title) in CLOSED_CASES {
            let closed = now - days * 86_400;
            let response = format!(
                r#"{{"resourceType":"QuestionnaireResponse","questionnaire":"https://ingang.se/fhir/Questionnaire/{qid}|1.0","status":"completed","item":[]}}"#
            );
            let case = crate::storage::cases::DemoClosed {
                id,
                patient: SARA,
                unit_id: "hc-gibraltar",
                questionnaire_id: qid,
                title,
                response: &response,
                description: "Demo: ett tidigare ärende.",
                created_at: closed - 3_600,
                closed_at: closed,
            };
            crate::storage::cases::seed_closed(&mut tx, &case)?;
        }
    }
    tx.commit()
}
