//! Property tests: random answer sequences never leave answers on disabled items, and every
//! response survives a JSON round trip and a resume.
mod common;
use common::*;
use ingang_questionnaire::{Form, Questionnaire, Value};
use proptest::prelude::*;

/// A form with chains, nesting under answers, repeats and every operator.
fn sample() -> Form {
    let src = std::fs::read_to_string(corpus_dir().join("lhcforms-enableWhen-test.json")).unwrap();
    Form::new(Questionnaire::from_json(&src).unwrap())
}

fn nested() -> Form {
    let src = std::fs::read_to_string(corpus_dir().join("refero-enableWhen-wiping-answers.json")).unwrap();
    Form::new(Questionnaire::from_json(&src).unwrap())
}

#[derive(Debug, Clone)]
enum Step {
    Set(usize, u8),
    Clear(usize),
    Toggle(usize, usize),
    Add(usize),
    Remove(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Step::Set(a, b)),
        1 => any::<usize>().prop_map(Step::Clear),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Step::Toggle(a, b)),
        1 => any::<usize>().prop_map(Step::Add),
        1 => any::<usize>().prop_map(Step::Remove),
    ]
}

fn value_for(f: &Form, item: usize, seed: u8) -> Option<Value> {
    use ingang_questionnaire::model::ItemType::*;
    let d = f.def(item);
    if !d.choices.is_empty() {
        return Some(d.choices[seed as usize % d.choices.len()].value.clone());
    }
    Some(match d.kind {
        Boolean => Value::Boolean(seed.is_multiple_of(2)),
        Integer => Value::Integer(seed as i64 % 10),
        Decimal => Value::Decimal(seed as f64 / 4.0),
        Date => Value::Date(format!("2020-01-{:02}", seed % 28 + 1)),
        DateTime => Value::DateTime(format!("2020-01-{:02}T10:00:00Z", seed % 28 + 1)),
        Time => Value::Time(format!("{:02}:00:00", seed % 24)),
        String | Text => Value::String(format!("s{}", seed % 3)),
        _ => return None,
    })
}

fn apply(f: &mut Form, s: &Step) {
    let items = f.walk();
    let questions: Vec<usize> = items.iter().copied().filter(|&n| f.def(n).is_question()).collect();
    if questions.is_empty() {
        return;
    }
    match *s {
        Step::Set(i, seed) => {
            let q = questions[i % questions.len()];
            if f.def(q).is_multi_select() {
                return;
            }
            if let (Some(&inst), Some(v)) = (f.instances(q).first(), value_for(f, q, seed)) {
                f.set_value(inst, Some(v));
            }
        }
        Step::Clear(i) => {
            let q = questions[i % questions.len()];
            if let Some(&inst) = f.instances(q).first() {
                f.set_value(inst, None);
            }
        }
        Step::Toggle(i, o) => {
            let multi: Vec<usize> = questions.iter().copied().filter(|&q| f.def(q).is_multi_select()).collect();
            if let Some(&q) = multi.get(i % multi.len().max(1)) {
                let c = f.def(q).choices[o % f.def(q).choices.len()].value.clone();
                let on = !f.values(q).iter().any(|v| v.same_as(&c));
                f.toggle(q, &c, on);
            }
        }
        Step::Add(i) => {
            let q = items[i % items.len()];
            f.add_instance(q);
        }
        Step::Remove(i) => {
            let q = items[i % items.len()];
            if let Some(&last) = f.instances(q).last() {
                f.remove_instance(q, last);
            }
        }
    }
}

fn check(f: &Form) -> Result<(), TestCaseError> {
    for n in f.walk() {
        if !f.is_enabled(n) {
            prop_assert!(f.values(n).is_empty(), "disabled item {} has answers", f.def(n).link_id);
        }
    }
    let qr = f.response();
    let text = serde_json::to_string(&qr).unwrap();
    let back: ingang_questionnaire::QuestionnaireResponse = serde_json::from_str(&text).unwrap();
    prop_assert_eq!(&back, &qr);
    let (again, warnings) = Form::with_response(f.questionnaire().clone(), back);
    prop_assert!(warnings.is_empty(), "{:?}", warnings);
    prop_assert_eq!(meaning(&again.response()), meaning(&qr));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_answers_on_disabled_items_and_json_round_trip(steps in prop::collection::vec(step(), 1..40)) {
        let mut f = sample();
        for s in &steps {
            apply(&mut f, s);
            check(&f)?;
        }
    }

    #[test]
    fn nested_chains_stay_consistent(steps in prop::collection::vec(step(), 1..30)) {
        let mut f = nested();
        for s in &steps {
            apply(&mut f, s);
            check(&f)?;
        }
    }
}
