//! SDC pre-population on the server: a form that declares a `launchContext` (`user`,
//! `patient`) and items with an `initialExpression` over it is served with those items'
//! `initial` answers filled in from what the server knows, and the expressions removed. The app
//! then gets a plain R4 form that any renderer shows the same way, and the server validates the
//! answers against that same populated form.
//!
//! The expressions are evaluated by the FHIRPath evaluator of `ingang-questionnaire` over FHIR
//! resources made from what the server knows: `%patient` (a Patient with the personnummer as
//! identifier and the birth date from it) and `%user` (the signed-in user's registered mobile as
//! `telecom`). An expression over a launch context the server does not have, or one the
//! evaluator cannot run, is left as authored (the renderer then evaluates or lists it).

use ingang_questionnaire::{
    expressions::initial_json,
    fhirpath::{Env, eval::from_json, parse},
    model::ItemType,
};
use serde_json::{Value, json};

/// SDC's initialExpression and launchContext extensions.
pub const INITIAL_EXPRESSION: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression";
pub const LAUNCH_CONTEXT: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-launchContext";

/// The signed-in user's phone number (the one a clinic should call back), from their
/// registered contact details.
pub const USER_PHONE: &str = "%user.telecom.where(system='phone').value.first()";
/// The patient's age in whole years today, from `Patient.birthDate` (standard FHIRPath: the
/// years between, less one before this year's birthday).
pub const PATIENT_AGE: &str = "today().toString().substring(0, 4).toInteger() \
     - %patient.birthDate.toString().substring(0, 4).toInteger() \
     - iif(today().toString().substring(5, 5) < %patient.birthDate.toString().substring(5, 5), 1, 0)";

/// What the server knows for this form.
#[derive(Debug, Default, Clone, Copy)]
pub struct Known<'a> {
    /// The user's mobile number as shown ("070-123 45 67").
    pub user_mobile: Option<&'a str>,
    /// The patient's personnummer (a form served without one keeps `%patient` items as
    /// authored).
    pub patient: Option<&'a str>,
    /// The server's clock, seconds since the epoch (`today()`, and the personnummer's century).
    pub now: i64,
}

/// A person's age in whole years on today's date in Sweden, from their personnummer (digits,
/// with or without separator); `None` for a number that gives no birth date.
pub fn age_today(personal_number: &str, now: i64) -> Option<u32> {
    use ingang_api::personnummer::Personnummer;
    let on = ingang_api::visits::stockholm_date(now);
    Personnummer::parse(personal_number, on).ok().and_then(|p| p.age_on(on))
}

/// The launch contexts as FHIR resources.
fn resources(known: &Known) -> (Option<Value>, Option<Value>) {
    use ingang_api::personnummer::Personnummer;
    let patient = known.patient.map(|pnr| {
        let parsed = Personnummer::parse(pnr, ingang_api::visits::stockholm_date(known.now)).ok();
        let mut p = json!({
            "resourceType": "Patient",
            "identifier": [{ "system": "http://electronichealth.se/identifier/personnummer",
                             "value": parsed.as_ref().map(Personnummer::twelve_digits).unwrap_or_else(|| pnr.to_owned()) }]
        });
        if let Some(b) = parsed.and_then(|p| p.birth_date()) {
            p["birthDate"] = json!(format!("{:04}-{:02}-{:02}", b.year, b.month, b.day));
        }
        p
    });
    let user = Some(json!({
        "resourceType": "Patient",
        "telecom": known.user_mobile.map(|m| vec![json!({ "system": "phone", "use": "mobile", "value": m })]).unwrap_or_default()
    }));
    (patient, user)
}

/// The initial answers for an expression over the launch contexts: `None` when it is left as
/// authored (not over a launch context, one the server lacks, or not evaluable here).
fn evaluate(
    expression: &str,
    kind: &ItemType,
    known: &Known,
    patient: Option<&Value>,
    user: Option<&Value>,
) -> Option<Vec<Value>> {
    let uses = |name: &str| expression.contains(&format!("%{name}"));
    if !uses("patient") && !uses("user") {
        return None;
    }
    if uses("patient") && patient.is_none() {
        return None;
    }
    let parsed = parse(expression).ok()?;
    let offset = ingang_api::visits::stockholm_offset(known.now);
    let mut env = Env::new(known.now * 1000, (offset / 60) as i32);
    if let Some(p) = patient {
        env = env.with_json("patient", p);
    }
    if let Some(u) = user {
        env = env.with_json("user", u);
    }
    let empty = Value::Null;
    let result = ingang_questionnaire::fhirpath::evaluate(&parsed, &from_json(&empty), &env).ok()?;
    Some(initial_json(kind, &result))
}

fn walk(items: &mut Value, known: &Known, patient: Option<&Value>, user: Option<&Value>) {
    let Some(items) = items.as_array_mut() else { return };
    for item in items {
        let kind = ItemType::from(item.get("type").and_then(Value::as_str).unwrap_or_default().to_owned());
        let mut initial = None;
        if let Some(exts) = item.get_mut("extension").and_then(Value::as_array_mut) {
            exts.retain(|e| {
                if e.get("url").and_then(Value::as_str) != Some(INITIAL_EXPRESSION) {
                    return true;
                }
                let expression = e.pointer("/valueExpression/expression").and_then(Value::as_str).unwrap_or_default();
                match evaluate(expression, &kind, known, patient, user) {
                    Some(values) => {
                        initial = Some(values);
                        false
                    }
                    None => true,
                }
            });
        }
        if let Some(values) = initial.filter(|v| !v.is_empty()) {
            item["initial"] = Value::Array(values);
        }
        if let Some(children) = item.get_mut("item") {
            walk(children, known, patient, user);
        }
    }
}

/// Fills in what `known` answers, then drops each `launchContext` that no expression left in
/// the form uses.
pub fn populate(resource: &mut Value, known: &Known) {
    let (patient, user) = resources(known);
    if let Some(items) = resource.get_mut("item") {
        walk(items, known, patient.as_ref(), user.as_ref());
    }
    let text = resource.get("item").map(Value::to_string).unwrap_or_default();
    if let Some(exts) = resource.get_mut("extension").and_then(Value::as_array_mut) {
        exts.retain(|e| {
            if e.get("url").and_then(Value::as_str) != Some(LAUNCH_CONTEXT) {
                return true;
            }
            let name = e
                .get("extension")
                .and_then(Value::as_array)
                .and_then(|parts| parts.iter().find(|p| p.get("url").and_then(Value::as_str) == Some("name")))
                .and_then(|p| p.pointer("/valueCoding/code"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            text.contains(&format!("%{name}"))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-05 10:00 UTC.
    const NOW: i64 = 1_796_464_800;

    fn context(name: &str, kind: &str) -> Value {
        json!({ "url": LAUNCH_CONTEXT, "extension": [
            { "url": "name", "valueCoding": { "system": "http://hl7.org/fhir/uv/sdc/CodeSystem/launchContext", "code": name } },
            { "url": "type", "valueCode": kind }
        ] })
    }

    fn expression(e: &str) -> Value {
        json!({ "url": INITIAL_EXPRESSION, "valueExpression": { "language": "text/fhirpath", "expression": e } })
    }

    fn form() -> Value {
        json!({
            "resourceType": "Questionnaire",
            "extension": [context("user", "Patient"), context("patient", "Patient")],
            "item": [
                { "linkId": "hur", "type": "group", "item": [{
                    "linkId": "telefon", "type": "string",
                    "extension": [
                        { "url": "http://hl7.org/fhir/StructureDefinition/entryFormat", "valueString": "t.ex. 070-123 45 67" },
                        expression("%user.telecom.where(system = 'phone').value.first()")
                    ]
                }] },
                { "linkId": "alder", "type": "integer", "extension": [expression(PATIENT_AGE)] }
            ]
        })
    }

    #[test]
    fn what_the_server_knows_becomes_the_initial_answer_and_the_expressions_go() {
        let mut q = form();
        // a child born 2022-03-15, on 2026-12-05: 4 years
        populate(&mut q, &Known { user_mobile: Some("070-123 45 67"), patient: Some("20220315-2380"), now: NOW });
        let phone = &q["item"][0]["item"][0];
        assert_eq!(phone["initial"], json!([{ "valueString": "070-123 45 67" }]));
        assert_eq!(phone["extension"].as_array().map(Vec::len), Some(1), "only the entry format stays");
        assert_eq!(q["item"][1]["initial"], json!([{ "valueInteger": 4 }]));
        assert_eq!(q["item"][1]["extension"], json!([]));
        assert_eq!(q["extension"], json!([]), "no launchContext left");
    }

    #[test]
    fn nothing_known_leaves_plain_empty_questions() {
        let mut q = form();
        populate(&mut q, &Known { patient: Some("not a number"), now: NOW, ..Known::default() });
        assert!(q["item"][0]["item"][0].get("initial").is_none());
        assert!(q["item"][1].get("initial").is_none());
        assert_eq!(q["extension"], json!([]));
    }

    #[test]
    fn without_a_patient_the_patients_items_stay_as_authored() {
        let mut q = form();
        populate(&mut q, &Known { user_mobile: Some("070-123 45 67"), now: NOW, ..Known::default() });
        assert_eq!(q["item"][1]["extension"].as_array().map(Vec::len), Some(1));
        assert_eq!(q["extension"].as_array().map(Vec::len), Some(1), "the patient's launchContext stays");
        assert_eq!(q["extension"][0]["extension"][0]["valueCoding"]["code"], "patient");
    }

    #[test]
    fn any_expression_over_the_launch_contexts_is_evaluated_others_are_left_alone() {
        let mut q = json!({ "extension": [context("patient", "Patient")], "item": [
            { "linkId": "fodd", "type": "date", "extension": [expression("%patient.birthDate")] },
            { "linkId": "vuxen", "type": "boolean", "extension": [expression("%patient.birthDate <= today() - 18 years")] },
            { "linkId": "namn", "type": "string", "extension": [expression("%patient.name.first().given.first()")] },
            { "linkId": "svar", "type": "string", "extension": [expression("%resource.item.first().answer.value")] }
        ] });
        populate(&mut q, &Known { patient: Some("19800113-9297"), now: NOW, ..Known::default() });
        assert_eq!(q["item"][0]["initial"], json!([{ "valueDate": "1980-01-13" }]));
        assert_eq!(q["item"][1]["initial"], json!([{ "valueBoolean": true }]));
        // no name is known: a plain empty question
        assert!(q["item"][2].get("initial").is_none());
        assert_eq!(q["item"][2]["extension"], json!([]));
        // not over a launch context: the renderer evaluates it
        assert_eq!(q["item"][3]["extension"].as_array().map(Vec::len), Some(1));
    }
}
