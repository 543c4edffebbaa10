//! SDC expressions in the engine, with the regressions peers shipped as tests: chained
//! calculations that froze the browser (Smart Forms #1126), stale results after an input
//! changes (Smart Forms #1546, Android #2354), a user's edit overwritten by the calculation
//! (Smart Forms #1724), and answers of items hidden by enableWhenExpression still submitted
//! (LHC-Forms #185, Medplum #8993).

mod common;

use ingang_questionnaire::{Form, NodeId, Questionnaire, QuestionnaireResponse, Value, check_response_at};
use serde_json::{Value as Json, json};

const CALC: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";
const ENABLE: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression";
const INITIAL: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression";
const VARIABLE: &str = "http://hl7.org/fhir/StructureDefinition/variable";
const ANSWER: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerExpression";
const TOGGLE: &str = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-answerOptionsToggleExpression";
const CQF: &str = "http://hl7.org/fhir/StructureDefinition/cqf-expression";
const CONSTRAINT: &str = "http://hl7.org/fhir/StructureDefinition/targetConstraint";
const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";

fn expr(url: &str, text: &str) -> Json {
    json!({ "url": url, "valueExpression": { "language": "text/fhirpath", "expression": text } })
}

fn var(name: &str, text: &str) -> Json {
    json!({ "url": VARIABLE, "valueExpression": { "name": name, "language": "text/fhirpath", "expression": text } })
}

fn questionnaire(extension: Json, items: Json) -> Questionnaire {
    Questionnaire::from_json(
        &json!({ "resourceType": "Questionnaire", "status": "active", "extension": extension, "item": items })
            .to_string(),
    )
    .expect("a questionnaire")
}

/// A form with its expressions evaluated, as the renderer has it once the evaluator is loaded.
trait Calculating {
    fn new_calculating(q: Questionnaire) -> Form;
}

impl Calculating for Form {
    fn new_calculating(q: Questionnaire) -> Form {
        Form::new(q).with_expressions()
    }
}

fn node(f: &Form, link: &str) -> NodeId {
    f.walk().into_iter().find(|&n| f.def(n).link_id == link).unwrap_or_else(|| panic!("{link}"))
}

fn set(f: &mut Form, link: &str, v: Value) {
    let n = node(f, link);
    f.set_value(f.instances(n)[0], Some(v));
}

fn value(f: &Form, link: &str) -> Option<Value> {
    f.values(node(f, link)).first().map(|v| (*v).clone())
}

/// 2026-12-05 10:00 UTC, Stockholm (+01:00).
const NOW: i64 = 1_796_464_800_000;

fn bmi_form(read_only: bool) -> Questionnaire {
    questionnaire(
        json!([
            var("weight", "%resource.item.where(linkId='vikt').answer.value"),
            var("height", "%resource.item.where(linkId='langd').answer.value / 100")
        ]),
        json!([
            { "linkId": "vikt", "text": "Vikt (kg)", "type": "decimal" },
            { "linkId": "langd", "text": "Längd (cm)", "type": "decimal" },
            { "linkId": "bmi", "text": "BMI", "type": "decimal", "readOnly": read_only,
              "extension": [expr(CALC, "(%weight / (%height * %height)).round(1)")] }
        ]),
    )
}

#[test]
fn bmi_follows_its_inputs_exactly() {
    let mut f = Form::new_calculating(bmi_form(true));
    assert!(f.unsupported().is_empty(), "{:?}", f.unsupported());
    assert_eq!(value(&f, "bmi"), None, "no inputs, no value");
    set(&mut f, "vikt", Value::Decimal(70.0));
    set(&mut f, "langd", Value::Decimal(175.0));
    assert_eq!(value(&f, "bmi"), Some(Value::Decimal(22.9)));
    // stale results: every change of an input is followed
    set(&mut f, "vikt", Value::Decimal(80.0));
    assert_eq!(value(&f, "bmi"), Some(Value::Decimal(26.1)));
    let langd = node(&f, "langd");
    f.set_value(f.instances(langd)[0], None);
    assert_eq!(value(&f, "bmi"), None, "an input cleared clears the result");
    assert!(f.expression_notes().is_empty(), "{:?}", f.expression_notes());
}

#[test]
fn an_edited_calculation_stops_following_and_stays_edited_after_reload() {
    let mut f = Form::new_calculating(bmi_form(false));
    set(&mut f, "vikt", Value::Decimal(70.0));
    set(&mut f, "langd", Value::Decimal(175.0));
    assert_eq!(value(&f, "bmi"), Some(Value::Decimal(22.9)));
    set(&mut f, "bmi", Value::Decimal(23.0));
    set(&mut f, "vikt", Value::Decimal(90.0));
    assert_eq!(value(&f, "bmi"), Some(Value::Decimal(23.0)), "the user's value is not overwritten");
    // reloaded: a saved value that differs from the calculation is the user's
    let saved = f.response();
    let (mut g, warnings) = Form::with_response(bmi_form(false), saved);
    g.install_expressions(ingang_questionnaire::expressions::hook());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(value(&g, "bmi"), Some(Value::Decimal(23.0)));
}

#[test]
fn a_read_only_calculation_is_recalculated_on_the_server() {
    let r: QuestionnaireResponse = serde_json::from_value(json!({
        "resourceType": "QuestionnaireResponse", "status": "completed",
        "item": [
            { "linkId": "vikt", "answer": [{ "valueDecimal": 70 }] },
            { "linkId": "langd", "answer": [{ "valueDecimal": 175 }] },
            { "linkId": "bmi", "answer": [{ "valueDecimal": 18.5 }] }
        ]
    }))
    .unwrap();
    let problems = check_response_at(bmi_form(true), r.clone(), None, Some((NOW, 60)));
    assert_eq!(problems.iter().map(|p| (p.link_id.as_str(), p.code)).collect::<Vec<_>>(), [("bmi", "calculated")]);
    let mut right = r;
    right.item[2] = serde_json::from_value(json!({ "linkId": "bmi", "answer": [{ "valueDecimal": 22.9 }] })).unwrap();
    assert!(check_response_at(bmi_form(true), right, None, Some((NOW, 60))).is_empty());
}

#[test]
fn chained_calculations_settle_and_a_cycle_ends_with_a_note() {
    let chain = questionnaire(
        json!([]),
        json!([
            { "linkId": "a", "type": "integer" },
            { "linkId": "d", "type": "integer", "readOnly": true,
              "extension": [expr(CALC, "%resource.item.where(linkId='c').answer.value + 1")] },
            { "linkId": "c", "type": "integer", "readOnly": true,
              "extension": [expr(CALC, "%resource.item.where(linkId='b').answer.value + 1")] },
            { "linkId": "b", "type": "integer", "readOnly": true,
              "extension": [expr(CALC, "%resource.item.where(linkId='a').answer.value + 1")] }
        ]),
    );
    let mut f = Form::new_calculating(chain);
    set(&mut f, "a", Value::Integer(1));
    assert_eq!(value(&f, "d"), Some(Value::Integer(4)), "calculated in reverse document order, still settles");
    let cycle = questionnaire(
        json!([]),
        json!([
            { "linkId": "x", "type": "integer", "readOnly": true,
              "extension": [expr(CALC, "%resource.item.where(linkId='y').answer.value + 1 | 0")] },
            { "linkId": "y", "type": "integer", "readOnly": true,
              "extension": [expr(CALC, "(%resource.item.where(linkId='x').answer.value | 0).first() + 1")] }
        ]),
    );
    let f = Form::new_calculating(cycle);
    assert!(f.expression_notes().iter().any(|n| n.contains("do not settle")), "{:?}", f.expression_notes());
}

#[test]
fn enable_when_expression_wipes_the_item_and_everything_under_it() {
    let q = questionnaire(
        json!([var("age", "%resource.item.where(linkId='alder').answer.value")]),
        json!([
            { "linkId": "alder", "type": "integer" },
            { "linkId": "vuxen", "type": "group", "extension": [expr(ENABLE, "%age >= 18")],
              "item": [
                { "linkId": "arbete", "type": "string" },
                { "linkId": "sjukskriven", "type": "boolean", "item": [{ "linkId": "dagar", "type": "integer" }] }
              ] }
        ]),
    );
    let mut f = Form::new_calculating(q.clone());
    assert!(!f.is_enabled(node(&f, "vuxen")), "no age: not enabled");
    set(&mut f, "alder", Value::Integer(40));
    assert!(f.is_enabled(node(&f, "vuxen")));
    set(&mut f, "arbete", Value::String("Snickare".into()));
    set(&mut f, "sjukskriven", Value::Boolean(true));
    set(&mut f, "dagar", Value::Integer(5));
    set(&mut f, "alder", Value::Integer(12));
    assert!(!f.is_enabled(node(&f, "vuxen")));
    let out = serde_json::to_string(&f.response()).unwrap();
    assert!(!out.contains("Snickare") && !out.contains("dagar"), "wiped: {out}");
    // the server refuses answers to items the expression disables
    let r: QuestionnaireResponse = serde_json::from_value(json!({
        "resourceType": "QuestionnaireResponse", "status": "completed",
        "item": [
            { "linkId": "alder", "answer": [{ "valueInteger": 12 }] },
            { "linkId": "vuxen", "item": [{ "linkId": "arbete", "answer": [{ "valueString": "Snickare" }] }] }
        ]
    }))
    .unwrap();
    let problems = check_response_at(q, r, None, Some((NOW, 60)));
    assert!(problems.iter().any(|p| p.code == "disabled_item"), "{problems:?}");
}

#[test]
fn variables_on_a_repeating_group_are_per_repetition() {
    let q = questionnaire(
        json!([]),
        json!([
            { "linkId": "lakemedel", "type": "group", "repeats": true,
              "extension": [var("dos", "%context.item.where(linkId='mg').answer.value * %context.item.where(linkId='ggr').answer.value")],
              "item": [
                { "linkId": "mg", "type": "integer" },
                { "linkId": "ggr", "type": "integer" },
                { "linkId": "dygn", "type": "integer", "readOnly": true, "extension": [expr(CALC, "%dos")] }
              ] }
        ]),
    );
    let mut f = Form::new_calculating(q);
    let group = node(&f, "lakemedel");
    f.add_instance(group);
    let reps = f.instances(group).to_vec();
    assert_eq!(reps.len(), 2);
    let item_in =
        |f: &Form, rep: NodeId, link: &str| *f.items(rep).iter().find(|&&n| f.def(n).link_id == link).unwrap();
    for (rep, (mg, ggr)) in reps.iter().zip([(500, 2), (10, 3)]) {
        let m = item_in(&f, *rep, "mg");
        f.set_value(f.instances(m)[0], Some(Value::Integer(mg)));
        let g = item_in(&f, *rep, "ggr");
        f.set_value(f.instances(g)[0], Some(Value::Integer(ggr)));
    }
    let doses: Vec<Option<Value>> =
        reps.iter().map(|&r| f.values(item_in(&f, r, "dygn")).first().map(|v| (*v).clone())).collect();
    assert_eq!(doses, [Some(Value::Integer(1000)), Some(Value::Integer(30))]);
}

#[test]
fn initial_expression_and_today_use_the_clock() {
    let q = questionnaire(
        json!([]),
        json!([
            { "linkId": "idag", "type": "date", "extension": [expr(INITIAL, "today()")] },
            { "linkId": "arton", "type": "date", "readOnly": true, "extension": [expr(CALC, "today() - 18 years")] }
        ]),
    );
    let mut f = Form::new_calculating(q);
    assert_eq!(value(&f, "arton"), None, "no clock: nothing guessed");
    assert!(!f.expression_notes().is_empty());
    f.set_clock(NOW, 60);
    assert_eq!(value(&f, "idag"), Some(Value::Date("2026-12-05".into())));
    assert_eq!(value(&f, "arton"), Some(Value::Date("2008-12-05".into())));
    // an initial value is the user's to change
    set(&mut f, "idag", Value::Date("2026-12-01".into()));
    f.set_clock(NOW + 86_400_000, 60);
    assert_eq!(value(&f, "idag"), Some(Value::Date("2026-12-01".into())));
}

fn response(items: Json) -> QuestionnaireResponse {
    serde_json::from_value(json!({ "resourceType": "QuestionnaireResponse", "status": "completed", "item": items }))
        .expect("a response")
}

fn coding(code: &str, display: &str) -> Json {
    json!({ "system": "urn:test", "code": code, "display": display })
}

/// "Which of your medicines gives you trouble?": the options are the medicines written above.
fn medicines_form() -> Questionnaire {
    questionnaire(
        json!([]),
        json!([
            { "linkId": "lakemedel", "text": "Vilka läkemedel tar du?", "type": "string", "repeats": true },
            { "linkId": "besvar", "text": "Vilket ger dig besvär?", "type": "choice",
              "extension": [expr(ANSWER, "%resource.item.where(linkId='lakemedel').answer.value")] }
        ]),
    )
}

#[test]
fn answer_expression_offers_the_answers_given_above_and_drops_a_choice_that_is_gone() {
    let mut f = Form::new_calculating(medicines_form());
    assert!(f.unsupported().is_empty(), "{:?}", f.unsupported());
    let besvar = node(&f, "besvar");
    assert!(f.def(besvar).has_options() && f.def(besvar).choices.is_empty(), "no medicines yet, no options");
    let lakemedel = node(&f, "lakemedel");
    f.set_value(f.instances(lakemedel)[0], Some(Value::String("Alvedon".into())));
    let (second, _) = f.add_instance(lakemedel).expect("a second medicine");
    let changes = f.set_value(second, Some(Value::String("Ipren".into())));
    assert!(changes.items.contains(&besvar), "the view is told the options changed: {changes:?}");
    let labels: Vec<String> = f.def(besvar).choices.iter().map(|c| c.label("sv")).collect();
    assert_eq!(labels, ["Alvedon", "Ipren"]);
    assert!(!f.def(besvar).read_only, "an evaluated answerExpression is answerable");
    set(&mut f, "besvar", Value::String("Ipren".into()));
    assert!(f.validate(None).is_empty(), "{:?}", f.validate(None));
    // the medicine is taken back: the answer that named it goes with it
    f.set_value(second, Some(Value::String("Naproxen".into())));
    assert_eq!(value(&f, "besvar"), None);
    // the server checks answers against the options as the answers make them
    let sent = |choice: &str| {
        response(json!([
            { "linkId": "lakemedel", "answer": [{ "valueString": "Alvedon" }] },
            { "linkId": "besvar", "answer": [{ "valueString": choice }] }
        ]))
    };
    assert!(check_response_at(medicines_form(), sent("Alvedon"), None, Some((NOW, 60))).is_empty());
    let problems = check_response_at(medicines_form(), sent("Morfin"), None, Some((NOW, 60)));
    assert_eq!(
        problems.iter().map(|p| (p.link_id.as_str(), p.code)).collect::<Vec<_>>(),
        [("besvar", "not_an_option")]
    );
}

/// "Är du gravid?" offers "Ja" only to someone who said they can be pregnant.
fn toggle_form() -> Questionnaire {
    questionnaire(
        json!([]),
        json!([
            { "linkId": "kan", "text": "Kan du vara gravid?", "type": "boolean" },
            { "linkId": "preventiv", "text": "Vilket skydd använder du?", "type": "choice", "repeats": true,
              "answerOption": [
                { "valueCoding": coding("kondom", "Kondom") },
                { "valueCoding": coding("p-piller", "P-piller") },
                { "valueCoding": coding("spiral", "Spiral") }
              ],
              "extension": [{ "url": TOGGLE, "extension": [
                { "url": "option", "valueCoding": coding("p-piller", "P-piller") },
                { "url": "option", "valueCoding": coding("spiral", "Spiral") },
                { "url": "expression", "valueExpression": { "language": "text/fhirpath",
                  "expression": "%resource.item.where(linkId='kan').answer.value = true" } }
              ] }] }
        ]),
    )
}

#[test]
fn toggled_options_are_offered_only_while_their_expression_is_true() {
    let mut f = Form::new_calculating(toggle_form());
    assert!(f.unsupported().is_empty(), "{:?}", f.unsupported());
    let item = node(&f, "preventiv");
    let codes = |f: &Form| f.def(item).choices.iter().map(|c| c.label("sv")).collect::<Vec<_>>();
    assert_eq!(codes(&f), ["Kondom"], "unanswered: the toggle's expression is empty, so false");
    set(&mut f, "kan", Value::Boolean(true));
    assert_eq!(codes(&f), ["Kondom", "P-piller", "Spiral"]);
    let pick = |code: &str| {
        Value::Coding(ingang_questionnaire::model::Coding {
            system: Some("urn:test".into()),
            code: Some(code.into()),
            ..Default::default()
        })
    };
    f.toggle(item, &pick("kondom"), true);
    f.toggle(item, &pick("spiral"), true);
    assert_eq!(f.values(item).len(), 2);
    set(&mut f, "kan", Value::Boolean(false));
    assert_eq!(codes(&f), ["Kondom"]);
    let left: Vec<String> =
        f.values(item).iter().filter_map(|v| Some(f.def(item).choice_for(v)?.label("sv"))).collect();
    assert_eq!(left, ["Kondom"], "the option turned off takes its answer with it");
    // the server refuses an option that the other answers turn off
    let r = response(json!([
        { "linkId": "kan", "answer": [{ "valueBoolean": false }] },
        { "linkId": "preventiv", "answer": [{ "valueCoding": coding("spiral", "Spiral") }] }
    ]));
    let problems = check_response_at(toggle_form(), r, None, Some((NOW, 60)));
    assert_eq!(
        problems.iter().map(|p| (p.link_id.as_str(), p.code)).collect::<Vec<_>>(),
        [("preventiv", "not_an_option")]
    );
}

#[test]
fn an_item_text_follows_its_cqf_expression() {
    let q = questionnaire(
        json!([]),
        json!([
            { "linkId": "namn", "text": "Barnets namn", "type": "string" },
            { "linkId": "feber", "text": "Har barnet feber?", "type": "boolean",
              "_text": { "extension": [expr(CQF,
                "iif(%resource.item.where(linkId='namn').answer.exists(), 'Har ' + %resource.item.where(linkId='namn').answer.value.first() + ' feber?', 'Har barnet feber?')")] } }
        ]),
    );
    let mut f = Form::new_calculating(q);
    assert!(f.unsupported().is_empty(), "{:?}", f.unsupported());
    let feber = node(&f, "feber");
    assert_eq!(f.def(feber).text("sv"), "Har barnet feber?");
    set(&mut f, "namn", Value::String("Noah".into()));
    assert_eq!(f.def(feber).text("sv"), "Har Noah feber?");
    assert_eq!(f.def_arc(feber).text("en"), "Har Noah feber?", "the computed text wins over translations");
    set(&mut f, "namn", Value::String("Liam".into()));
    assert_eq!(f.def(feber).text("sv"), "Har Liam feber?");
}

fn pressure_form() -> Questionnaire {
    let constraint = |key: &str, expression: &str, human: &str, english: &str, extra: Json| {
        let mut parts = vec![
            json!({ "url": "key", "valueId": key }),
            json!({ "url": "severity", "valueCode": "error" }),
            json!({ "url": "expression", "valueExpression": { "language": "text/fhirpath", "expression": expression } }),
            json!({ "url": "human", "valueString": human,
                    "_valueString": { "extension": [{ "url": TRANSLATION, "extension": [
                        { "url": "lang", "valueCode": "en" }, { "url": "content", "valueString": english }] }] } }),
        ];
        if !extra.is_null() {
            parts.push(extra);
        }
        json!({ "url": CONSTRAINT, "extension": parts })
    };
    Questionnaire::from_json(
        &json!({
            "resourceType": "Questionnaire", "status": "active",
            "extension": [constraint(
                "datum",
                "%resource.item.where(linkId='slut').answer.value.empty() or %resource.item.where(linkId='start').answer.value.empty() or %resource.item.where(linkId='slut').answer.value >= %resource.item.where(linkId='start').answer.value",
                "Slutdatum kan inte vara före startdatum.",
                "The end date cannot be before the start date.",
                json!({ "url": "location", "valueString": "QuestionnaireResponse.item.where(linkId='slut')" }))],
            "item": [
                { "linkId": "systoliskt", "text": "Övertryck", "type": "integer" },
                { "linkId": "diastoliskt", "text": "Undertryck", "type": "integer",
                  "extension": [constraint(
                      "tryck",
                      "%context.answer.value < %resource.item.where(linkId='systoliskt').answer.value",
                      "Undertrycket ska vara lägre än övertrycket.",
                      "The lower pressure must be below the upper.",
                      Json::Null)] },
                { "linkId": "start", "text": "Startdatum", "type": "date" },
                { "linkId": "slut", "text": "Slutdatum", "type": "date" }
            ]
        })
        .to_string(),
    )
    .expect("a questionnaire")
}

fn warning_form() -> Questionnaire {
    questionnaire(
        json!([]),
        json!([{ "linkId": "systoliskt", "type": "integer", "extension": [{ "url": CONSTRAINT, "extension": [
            { "url": "key", "valueId": "hogt" },
            { "url": "severity", "valueCode": "warning" },
            { "url": "expression", "valueExpression": { "language": "text/fhirpath", "expression": "%context.answer.value <= 180" } },
            { "url": "human", "valueString": "Ett övertryck över 180 är mycket högt." }
        ] }] }]),
    )
}

#[test]
fn a_target_constraint_is_an_error_in_swedish_and_english_at_its_item_and_on_the_server() {
    let mut f = Form::new_calculating(pressure_form());
    assert!(f.unsupported().is_empty(), "{:?}", f.unsupported());
    assert!(f.has_constraints());
    set(&mut f, "diastoliskt", Value::Integer(90));
    assert!(f.validate(None).is_empty(), "the other answer is missing: not yet broken");
    let changes = {
        let n = node(&f, "systoliskt");
        f.set_value(f.instances(n)[0], Some(Value::Integer(80)))
    };
    let dia = node(&f, "diastoliskt");
    assert!(changes.errors.contains(&dia), "the view is told to look at the errors again: {changes:?}");
    let issues = f.validate(None);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].link_id, "diastoliskt");
    assert_eq!(issues[0].error.message("sv"), "Undertrycket ska vara lägre än övertrycket.");
    assert_eq!(issues[0].error.message("en"), "The lower pressure must be below the upper.");
    set(&mut f, "systoliskt", Value::Integer(130));
    assert!(f.validate(None).is_empty());
    // a questionnaire-level constraint lands on the item its location names
    set(&mut f, "start", Value::Date("2026-12-05".into()));
    set(&mut f, "slut", Value::Date("2026-12-01".into()));
    let issues = f.validate(None);
    assert!(f.expression_notes().is_empty(), "{:?}", f.expression_notes());
    assert_eq!(issues.iter().map(|i| i.link_id.as_str()).collect::<Vec<_>>(), ["slut"]);
    assert_eq!(issues[0].error.message("sv"), "Slutdatum kan inte vara före startdatum.");
    // a warning is said at its item and blocks nothing
    let mut w = Form::new_calculating(warning_form());
    set(&mut w, "systoliskt", Value::Integer(190));
    let sys = node(&w, "systoliskt");
    assert_eq!(
        w.warnings(sys).iter().map(|e| e.message("sv")).collect::<Vec<_>>(),
        ["Ett övertryck över 180 är mycket högt."]
    );
    assert!(w.validate(None).is_empty());
    set(&mut w, "systoliskt", Value::Integer(150));
    assert!(w.warnings(sys).is_empty());
    // the server refuses the same answers with the same message
    let r = response(json!([
        { "linkId": "systoliskt", "answer": [{ "valueInteger": 80 }] },
        { "linkId": "diastoliskt", "answer": [{ "valueInteger": 90 }] }
    ]));
    let problems = check_response_at(pressure_form(), r, None, Some((NOW, 60)));
    assert_eq!(
        problems.iter().map(|p| (p.link_id.as_str(), p.code, p.message.as_str())).collect::<Vec<_>>(),
        [("diastoliskt", "constraint", "Undertrycket ska vara lägre än övertrycket.")]
    );
}

#[test]
fn unsupported_functions_are_notes_not_wrong_answers() {
    let q = questionnaire(
        json!([]),
        json!([{ "linkId": "x", "type": "string", "readOnly": true,
                 "extension": [expr(CALC, "'a'.resolve()")] }]),
    );
    let f = Form::new_calculating(q);
    assert_eq!(value(&f, "x"), None);
    assert!(f.expression_notes().iter().any(|n| n.contains("resolve")), "{:?}", f.expression_notes());
    let bad = questionnaire(json!([]), json!([{ "linkId": "y", "type": "string", "extension": [expr(CALC, "1 +")] }]));
    let f = Form::new_calculating(bad);
    assert!(f.expression_notes().iter().any(|n| n.contains("syntax error")), "{:?}", f.expression_notes());
    assert_eq!(value(&f, "y"), None);
}

proptest::proptest! {
    /// Any text, made of FHIRPath's own pieces, parses or is a syntax error, and evaluates or
    /// is an error: never a panic (the renderer evaluates what form authors write).
    #[test]
    fn any_expression_parses_and_evaluates_without_a_panic(
        parts in proptest::collection::vec(proptest::sample::select(vec![
            "item", ".", "where(", ")", "linkId", "=", "'a'", "answer", "value", "+", "-", "*", "/", "div", "mod",
            "1", "2.5", "0", "@2020-01", "@T10:00", "today()", "now()", "iif(", ",", "true", "{}", "|", "and", "or",
            "implies", "xor", "not()", "count()", "first()", "[", "]", "$this", "$index", "%resource", "%x", "select(",
            "repeat(", "aggregate(", "$total", "sum()", "round(", "substring(", "toString()", "toInteger()",
            "5 'kg'", "3 years", "is", "as", "Integer", "exists(", "all(", "~", "!=", "<", ">=", "&", "(", "%`q`",
        ]), 0..14)
    ) {
        let text = parts.concat();
        let resource = json!({ "resourceType": "QuestionnaireResponse", "item": [
            { "linkId": "a", "answer": [{ "valueInteger": 3 }, { "valueCoding": { "code": "x" } }] }
        ] });
        if let Ok(e) = ingang_questionnaire::fhirpath::parse(&text) {
            let env = ingang_questionnaire::fhirpath::Env::new(NOW, 60).with_json("resource", &resource);
            let _ = ingang_questionnaire::fhirpath::evaluate(&e, &ingang_questionnaire::fhirpath::eval::from_json(&resource), &env);
        }
    }
}

/// Every expression in the peers' published test forms we keep (tests/fixtures/conformance:
/// LHC-Forms, Smart Forms' CVD risk, Android, Refero) parses, and every form evaluates its
/// expressions to a settled state without a panic.
#[test]
fn the_peers_forms_parse_and_evaluate() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/conformance"));
    let mut expressions = 0;
    for entry in std::fs::read_dir(dir).expect("the corpus").flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.ends_with(".QR.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let json: Json = serde_json::from_str(&text).expect("JSON");
        let mut found = Vec::new();
        common::fhirpath_expressions(&json, &mut found);
        for e in &found {
            assert!(ingang_questionnaire::fhirpath::parse(e).is_ok(), "{name}: {e}");
        }
        expressions += found.len();
        let q = Questionnaire::from_json(&text).expect("a questionnaire");
        let mut f = Form::new(q).with_expressions();
        f.set_clock(NOW, 60);
        let notes = f.expression_notes().join("\n");
        assert!(!notes.contains("syntax") && !notes.contains("settle"), "{name}: {notes}");
    }
    assert!(expressions >= 30, "{expressions} expressions");
}

/// Smart Forms' assembled Aboriginal and Torres Strait Islander health check (808 items, 522
/// FHIRPath expressions, Apache-2.0): every expression parses, the form settles with what it
/// cannot know (no `%patient`, no FHIR queries) as notes, and answers keep being evaluated.
#[test]
fn the_smart_forms_health_check_with_522_expressions_settles_and_follows_edits() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/conformance/smartforms-atsi-health-check-assembled.json"
    );
    let text = std::fs::read_to_string(path).expect("the form");
    let q = Questionnaire::from_json(&text).expect("a questionnaire");
    let mut f = Form::new(q);
    f.set_clock(NOW, 60);
    let mut f = f.with_expressions();
    assert_eq!(f.def_count(), 808);
    let notes = f.expression_notes().join("\n");
    assert!(!notes.contains("syntax") && !notes.contains("settle") && !notes.contains("clock"), "{notes}");
    assert!(notes.contains("%patient is not defined"), "the launch context is missing, and said: {notes}");
    // sixty editable questions answered in turn (a "yes" enables more items): each pass
    // settles, nothing panics, and the server agrees with the form
    use ingang_questionnaire::model::ItemType as T;
    let mut answered = 0;
    for round in 0..2 {
        let questions: Vec<NodeId> = f.walk().into_iter().filter(|&n| f.is_enabled(n) && !f.def(n).read_only).collect();
        for (k, &n) in questions.iter().enumerate() {
            let value = match f.def(n).kind {
                T::String | T::Text => Value::String(format!("svar {round} {k}")),
                T::Integer => Value::Integer(k as i64),
                T::Decimal => Value::Decimal(k as f64 / 2.0),
                T::Boolean => Value::Boolean(true),
                T::Date => Value::Date("2026-11-30".into()),
                _ => continue,
            };
            if let Some(&i) = f.instances(n).first()
                && f.is_enabled(n)
                && answered < 60
            {
                f.set_value(i, Some(value));
                answered += 1;
            }
        }
    }
    assert_eq!(answered, 60);
    assert!(!f.expression_notes().join("\n").contains("settle"));
    let response = serde_json::to_value(f.response()).expect("JSON");
    let problems = check_response_at(
        Questionnaire::from_json(&text).expect("a questionnaire"),
        serde_json::from_value(response).expect("a response"),
        None,
        Some((NOW, 60)),
    );
    assert!(
        problems.iter().all(|p| !matches!(p.code, "disabled_item" | "unknown_item" | "wrong_type" | "calculated")),
        "the server agrees with the form: {problems:?}"
    );
}

/// Smart Forms' Australian CVD risk form (2023): the five-year risk from its eleven variables
/// (`ln`, `exp`, decimals), against the same equation worked out separately for four people:
/// a man of 60 who smokes (SBP 140, total 5.5, HDL 1.2): 17.3 → 17 %; a woman of 55 with
/// diabetes (130, 6.0, 1.5): 7.8 → 8 %; a man of 80 (age capped at 74) with everything
/// (170, 7.0, 0.9, ECG LVH): 65.3 → 65 %; a woman of 30 (age raised to 35; 110, 4.0, 2.0): 0.08
/// → 0 %.
#[test]
fn the_cvd_risk_form_gives_the_risk_the_equation_gives() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/conformance/smartforms-cvd-risk-2023.json");
    let q = Questionnaire::from_json(&std::fs::read_to_string(path).expect("the form")).expect("a questionnaire");
    let coding = |system: &str, code: &str| {
        Value::Coding(ingang_questionnaire::model::Coding {
            system: Some(system.into()),
            code: Some(code.into()),
            ..Default::default()
        })
    };
    let cases = [
        (false, 60, 140.0, true, 5.5, 1.2, false, false, 17),
        (true, 55, 130.0, false, 6.0, 1.5, true, false, 8),
        (false, 80, 170.0, true, 7.0, 0.9, true, true, 65),
        (true, 30, 110.0, false, 4.0, 2.0, false, false, 0),
    ];
    for (female, age, sbp, smoker, total, hdl, diabetes, lvh, risk) in cases {
        let mut f = Form::new(q.clone());
        f.set_clock(NOW, 60);
        let mut f = f.with_expressions();
        let gender = if female { "female" } else { "male" };
        set(
            &mut f,
            "418e4a02-de77-48a0-a92a-fe8fcc52b1aa",
            coding("http://hl7.org/fhir/administrative-gender", gender),
        );
        set(&mut f, "e2a16e4d-2765-4b61-b286-82cfc6356b30", Value::Integer(age));
        let smoking = if smoker { "77176002" } else { "8517006" };
        set(&mut f, "b639a3a8-f476-4cc8-b5c7-f5d2abb23511", coding("http://snomed.info/sct", smoking));
        set(&mut f, "4b98f514-2f6a-41f3-ad9d-185abc68ae34", Value::Decimal(sbp));
        set(&mut f, "f11feebc-fc4a-40d5-8481-b87d9f5a89aa", Value::Decimal(total));
        set(&mut f, "c47a7fae-0c60-40f8-8426-1019b1f0dd8f", Value::Decimal(hdl));
        set(&mut f, "e8fed84e-6c15-4f62-bc95-cd08033af3f7", Value::Boolean(diabetes));
        set(&mut f, "b980624c-e91a-44d4-80ba-a9f34c0e1188", Value::Boolean(lvh));
        assert_eq!(
            value(&f, "ca830916-e2ee-4b24-a4c1-13eee23f8733"),
            Some(Value::Integer(risk)),
            "{gender} {age}: {:?}",
            f.variable_values()
        );
    }
}
