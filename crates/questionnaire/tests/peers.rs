//! The peers' own published test questionnaires, kept whole in `tests/fixtures/peers`:
//! LHC-Forms' `test/data/R4` (every file) and the Android FHIR SDK catalog's `behavior_*` forms
//! (Smart Forms' 808-item health check is in the conformance corpus). Every FHIRPath expression
//! in them parses, and every questionnaire evaluates its expressions to a settled state without
//! a panic; the Android forms, one per SDC behaviour, also give the results worked out by hand.

mod common;

use ingang_questionnaire::{Form, NodeId, Questionnaire, Value, fhirpath};
use serde_json::Value as Json;

/// 2026-12-05 10:00 UTC, Stockholm (+01:00).
const NOW: i64 = 1_796_464_800_000;

fn peers() -> std::path::PathBuf {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/peers")).to_path_buf()
}

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("the folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Questionnaires in a file: the file itself, or a Bundle's entries.
fn questionnaires(json: &Json, out: &mut Vec<Json>) {
    match json.get("resourceType").and_then(Json::as_str) {
        Some("Questionnaire") => out.push(json.clone()),
        Some("Bundle") => {
            for e in json["entry"].as_array().into_iter().flatten() {
                questionnaires(&e["resource"], out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_expression_in_the_peers_test_forms_parses_and_every_form_settles() {
    let mut all = Vec::new();
    files(&peers(), &mut all);
    all.sort();
    let (mut forms, mut count) = (0, 0);
    let mut refused = Vec::new();
    for path in &all {
        let name = path.strip_prefix(peers()).unwrap_or(path).display().to_string();
        let text = std::fs::read_to_string(path).expect("readable");
        let Ok(json) = serde_json::from_str::<Json>(&text) else { panic!("{name}: not JSON") };
        let mut found = Vec::new();
        questionnaires(&json, &mut found);
        for q in found {
            let mut texts = Vec::new();
            common::fhirpath_expressions(&q, &mut texts);
            for e in &texts {
                if let Err(err) = fhirpath::parse(e) {
                    panic!("{name}: {err}: {e}");
                }
            }
            count += texts.len();
            let q = match Questionnaire::from_json(&q.to_string()) {
                Ok(q) => q,
                Err(e) => {
                    // a broken test form is refused with a reason, never a panic
                    refused.push(format!("{name}: {e}"));
                    continue;
                }
            };
            let mut f = Form::new(q);
            f.set_clock(NOW, 60);
            let f = f.with_expressions();
            let notes = f.expression_notes().join("\n");
            assert!(!notes.contains("settle") && !notes.contains("syntax"), "{name}: {notes}");
            if std::env::var_os("SHOW_NOTES").is_some() && !notes.is_empty() {
                eprintln!("{name}:\n{notes}");
            }
            forms += 1;
        }
    }
    // not R4: items without a linkId (three write `lindId`), which a server must refuse too
    let missing = |f: &str| format!("lhcforms-r4/{f}: invalid resource: missing field `linkId`");
    assert_eq!(
        refused,
        [
            missing("brokenValueSet.json"),
            missing("matrixLayoutMultipleSelectionWithData.R4.json"),
            missing("matrixLayoutSingleSelectionWithData.R4.json"),
            missing("q-with-answerValueSet-matrix.json"),
        ]
    );
    assert_eq!(forms, 71, "questionnaires evaluated");
    assert_eq!(count, 148, "FHIRPath expressions");
}

fn android(name: &str) -> Form {
    let path = peers().join("android-behavior").join(format!("behavior_{name}.json"));
    let q = Questionnaire::from_json(&std::fs::read_to_string(path).expect("the form")).expect("a questionnaire");
    let mut f = Form::new(q);
    f.set_clock(NOW, 60);
    f.with_expressions()
}

fn node(f: &Form, link: &str) -> NodeId {
    f.walk().into_iter().find(|&n| f.def(n).link_id == link).unwrap_or_else(|| panic!("{link}"))
}

fn set(f: &mut Form, link: &str, v: Option<Value>) {
    let n = node(f, link);
    f.set_value(f.instances(n)[0], v);
}

fn option(f: &Form, link: &str, display: &str) -> Value {
    let d = f.def(node(f, link));
    d.choices.iter().find(|c| c.label("en") == display).unwrap_or_else(|| panic!("{display}")).value.clone()
}

/// The age from a birth date, today being 2026-12-05, by the form's own formula: the years
/// between, plus one if this year's month and day are past the birthday's (compared as text,
/// `>`), less one. On the birthday itself that gives one year less: the engine gives what the
/// expression says.
#[test]
fn android_calculated_expression_gives_the_age() {
    let mut f = android("calculated_expression");
    let age = node(&f, "age");
    for (born, years) in
        [("2000-06-15", 26), ("2000-12-05", 25), ("2000-12-04", 26), ("2000-12-31", 25), ("2026-01-01", 0)]
    {
        set(&mut f, "birthdate", Some(Value::Date(born.into())));
        assert_eq!(f.values(age), [&Value::Integer(years)], "born {born}");
    }
    set(&mut f, "birthdate", None);
    assert!(f.values(age).is_empty(), "no birth date, no age");
}

/// `%context` is the item's own response item even before it has an answer: "yes" shows for
/// "Yes", the display "no" for "No".
#[test]
fn android_context_variables_enable_by_the_items_own_link_id() {
    let mut f = android("context_variables");
    let (yes, no) = (node(&f, "yes"), node(&f, "no"));
    assert!(!f.is_enabled(yes) && !f.is_enabled(no));
    let v = option(&f, "1", "Yes");
    set(&mut f, "1", Some(v));
    assert!(f.is_enabled(yes) && !f.is_enabled(no));
    let v = option(&f, "1", "No");
    set(&mut f, "1", Some(v));
    assert!(!f.is_enabled(yes) && f.is_enabled(no));
}

#[test]
fn android_dynamic_question_text_names_the_choice() {
    let mut f = android("dynamic_question_text");
    let two = node(&f, "2");
    let v = option(&f, "1", "Second Option");
    set(&mut f, "1", Some(v));
    assert_eq!(f.def(two).text("en"), "Provide \"Second Option\" Date");
    let v = option(&f, "1", "Fourth Option");
    set(&mut f, "1", Some(v));
    assert_eq!(f.def(two).text("en"), "Provide \"Fourth Option\" Date");
}

#[test]
fn android_questionnaire_constraint_checks_the_confirmed_password() {
    let mut f = android("questionnaire_constraint");
    assert!(f.unsupported().is_empty(), "{:?}", f.unsupported());
    set(&mut f, "1", Some(Value::String("hemligt".into())));
    set(&mut f, "2", Some(Value::String("hemlig".into())));
    let issues = f.validate(None);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!((issues[0].link_id.as_str(), issues[0].error.message("en")), ("2", "Password does not match".into()));
    set(&mut f, "2", Some(Value::String("hemligt".into())));
    assert!(f.validate(None).is_empty());
}

/// A variable named with a hyphen (`%has-fever`), as SDC's `id` names and FHIR's own
/// `%vs-…` constants are.
#[test]
fn android_skip_logic_with_expression_reads_a_hyphenated_variable() {
    let mut f = android("skip_logic_with_expression");
    let since = node(&f, "2");
    assert!(!f.is_enabled(since));
    set(&mut f, "1", Some(Value::Boolean(true)));
    assert!(f.is_enabled(since), "{:?}", f.expression_notes());
    set(&mut f, "2", Some(Value::Date("2026-12-01".into())));
    set(&mut f, "1", Some(Value::Boolean(false)));
    assert!(!f.is_enabled(since));
    assert!(f.values(since).is_empty(), "wiped");
}

/// An answerExpression in `x-fhir-query` needs a FHIR server: listed, and the item read-only.
#[test]
fn android_answer_expression_by_fhir_query_is_listed_not_guessed() {
    let f = android("answer_expression");
    assert!(f.unsupported().iter().any(|u| u.feature == "answerExpression"), "{:?}", f.unsupported());
    assert!(f.def(node(&f, "vaccines")).read_only);
}

fn lhc(name: &str) -> Form {
    let path = peers().join("lhcforms-r4").join(name);
    let q = Questionnaire::from_json(&std::fs::read_to_string(path).expect("the form")).expect("a questionnaire");
    let mut f = Form::new(q);
    f.set_clock(NOW, 60);
    f.with_expressions()
}

fn int(f: &Form, link: &str) -> Option<i64> {
    match f.values(node(f, link)).first() {
        Some(Value::Integer(i)) => Some(*i),
        None => None,
        other => panic!("{link}: {other:?}"),
    }
}

/// LHC-Forms' named expressions: a calculatedExpression with a name is a variable for its
/// item and those under it, at the root too. idA = 1 gives idB = 2 (`varB`), idB.1 = 3,
/// `varD` = idB + 2 = 4, `varE` = 5, idC = 6.
#[test]
fn lhc_named_expressions_are_variables_in_scope() {
    let mut f = lhc("named-expressions.json");
    set(&mut f, "idA", Some(Value::Integer(1)));
    assert_eq!(
        [int(&f, "idB"), int(&f, "idB.1"), int(&f, "idC")],
        [Some(2), Some(3), Some(6)],
        "{:?}",
        f.expression_notes()
    );
}

/// LHC-Forms' variable scope: group A's `%X` and `%Y` are not seen in group B, which has its
/// own `%X`. fieldB = 1 gives fieldC = %Y + 4 + %Z = 3 + 4 + 1 = 8, fieldE = 8 + 8 = 16, and
/// fieldD (`%Y + 5`, out of scope) stays empty with a note.
#[test]
fn lhc_variable_scope_keeps_each_groups_variables_to_itself() {
    let mut f = lhc("variable-scope-test.json");
    set(&mut f, "/groupA/fieldB", Some(Value::Integer(1)));
    assert_eq!(int(&f, "/groupA/fieldC"), Some(8));
    assert_eq!(int(&f, "/groupB/fieldE"), Some(16));
    assert_eq!(int(&f, "/groupB/fieldD"), None);
    assert!(f.expression_notes().iter().any(|n| n.contains("%Y is not defined")), "{:?}", f.expression_notes());
}
