//! SDC pre-population on the server: a form that declares a `launchContext` (`user`,
//! `patient`) and items with an `initialExpression` over it is served with those items'
//! `initial` answers filled in from what the server knows, and the expressions removed. The app
//! then gets a plain R4 form that any renderer shows the same way, and the server validates the
//! answers against that same populated form.
//!
//! Until the FHIRPath evaluator of `ingang-questionnaire` exists (issue 19), the server
//! evaluates exactly the expressions below (whitespace aside); any other expression is left as
//! authored (the renderer then shows the item read-only with a note, as for every FHIRPath
//! feature it does not evaluate).

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

/// What the server knows for this form: `None` where it knows nothing (the item is then left
/// empty for the user, never filled with a guess).
#[derive(Debug, Default, Clone, Copy)]
pub struct Known<'a> {
    /// The user's mobile number as shown ("070-123 45 67").
    pub user_mobile: Option<&'a str>,
    /// The patient's age in whole years.
    pub patient_age: Option<u32>,
    /// Whether the patient is known at all (a form served without one keeps `%patient` items
    /// as authored).
    pub patient: bool,
}

/// A person's age in whole years on today's date in Sweden, from their personnummer (digits,
/// with or without separator); `None` for a number that gives no birth date.
pub fn age_today(personal_number: &str, now: i64) -> Option<u32> {
    use ingang_api::personnummer::{Date, Personnummer};
    let local = now + ingang_api::visits::stockholm_offset(now);
    let (y, m, d) = ingang_api::visits::civil_from_days(local.div_euclid(86_400));
    let on = Date::new(y, m, d);
    Personnummer::parse(personal_number, on).ok().and_then(|p| p.age_on(on))
}

fn squeezed(s: &str) -> String {
    s.split_whitespace().collect()
}

/// The initial value for an expression this server evaluates: `Some(None)` for a known
/// expression without a value (the item becomes a plain empty question).
fn evaluate(expression: &str, known: &Known) -> Option<Option<Value>> {
    let e = squeezed(expression);
    if e == squeezed(USER_PHONE) {
        Some(known.user_mobile.map(|m| json!({ "valueString": m })))
    } else if e == squeezed(PATIENT_AGE) && known.patient {
        Some(known.patient_age.map(|a| json!({ "valueInteger": a })))
    } else {
        None
    }
}

fn walk(items: &mut Value, known: &Known) {
    let Some(items) = items.as_array_mut() else { return };
    for item in items {
        let mut initial = None;
        if let Some(exts) = item.get_mut("extension").and_then(Value::as_array_mut) {
            exts.retain(|e| {
                if e.get("url").and_then(Value::as_str) != Some(INITIAL_EXPRESSION) {
                    return true;
                }
                let expression = e.pointer("/valueExpression/expression").and_then(Value::as_str).unwrap_or_default();
                match evaluate(expression, known) {
                    Some(value) => {
                        initial = Some(value);
                        false
                    }
                    None => true,
                }
            });
        }
        if let Some(Some(value)) = initial {
            item["initial"] = json!([value]);
        }
        if let Some(children) = item.get_mut("item") {
            walk(children, known);
        }
    }
}

/// Fills in what `known` answers, then drops each `launchContext` that no expression left in
/// the form uses.
pub fn populate(resource: &mut Value, known: &Known) {
    if let Some(items) = resource.get_mut("item") {
        walk(items, known);
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
        populate(&mut q, &Known { user_mobile: Some("070-123 45 67"), patient_age: Some(4), patient: true });
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
        populate(&mut q, &Known { patient: true, ..Known::default() });
        assert!(q["item"][0]["item"][0].get("initial").is_none());
        assert!(q["item"][1].get("initial").is_none());
        assert_eq!(q["extension"], json!([]));
    }

    #[test]
    fn without_a_patient_the_patients_items_stay_as_authored() {
        let mut q = form();
        populate(&mut q, &Known { user_mobile: Some("070-123 45 67"), ..Known::default() });
        assert_eq!(q["item"][1]["extension"].as_array().map(Vec::len), Some(1));
        assert_eq!(q["extension"].as_array().map(Vec::len), Some(1), "the patient's launchContext stays");
        assert_eq!(q["extension"][0]["extension"][0]["valueCoding"]["code"], "patient");
    }

    #[test]
    fn an_expression_this_server_does_not_evaluate_is_left_alone() {
        let mut q = json!({ "extension": [context("patient", "Patient")], "item": [
            { "linkId": "x", "type": "string", "extension": [expression("%patient.name.first().given.first()")] }
        ] });
        let before = q.clone();
        populate(&mut q, &Known { patient_age: Some(30), patient: true, ..Known::default() });
        assert_eq!(q, before);
    }
}
