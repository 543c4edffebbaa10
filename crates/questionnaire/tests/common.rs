#![allow(dead_code)]
use ingang_questionnaire::{Form, NodeId, Questionnaire, QuestionnaireResponse, Value};
use serde_json::json;

pub fn form(items: serde_json::Value) -> Form {
    form_with(json!({ "resourceType": "Questionnaire", "item": items }))
}

pub fn form_with(q: serde_json::Value) -> Form {
    Form::new(serde_json::from_value::<Questionnaire>(q).expect("questionnaire"))
}

/// First live item node with this linkId.
pub fn node(f: &Form, link: &str) -> NodeId {
    f.walk().into_iter().find(|&n| f.def(n).link_id == link).unwrap_or_else(|| panic!("no item {link}"))
}

pub fn set(f: &mut Form, link: &str, v: Value) {
    let n = node(f, link);
    let inst = f.instances(n)[0];
    f.set_value(inst, Some(v));
}

pub fn response_json(f: &Form) -> serde_json::Value {
    serde_json::to_value(f.response()).unwrap()
}

/// (path of linkIds, answer JSON) for every answer: the "meaning" of a response.
pub fn meaning(qr: &QuestionnaireResponse) -> Vec<(String, String)> {
    fn walk(items: &[ingang_questionnaire::model::ResponseItem], path: &str, out: &mut Vec<(String, String)>) {
        for it in items {
            let p = format!("{path}/{}", it.link_id);
            for a in &it.answer {
                if let Some(v) = &a.value {
                    let mut obj = serde_json::Map::new();
                    ingang_questionnaire::value::put_value(&mut obj, "value", v);
                    out.push((p.clone(), serde_json::Value::Object(obj).to_string()));
                }
                walk(&a.item, &format!("{p}[{}]", a.value.as_ref().map(|v| v.display()).unwrap_or_default()), out);
            }
            walk(&it.item, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&qr.item, "", &mut out);
    out
}

pub fn corpus_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/conformance")
}

/// Every `text/fhirpath` expression anywhere in a resource (any `Expression`, at any depth).
pub fn fhirpath_expressions(v: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value as Json;
    match v {
        Json::Object(o) => {
            if let (Some(Json::String(lang)), Some(Json::String(e))) = (o.get("language"), o.get("expression"))
                && lang == "text/fhirpath"
            {
                out.push(e.clone());
            }
            o.values().for_each(|x| fhirpath_expressions(x, out));
        }
        Json::Array(a) => a.iter().for_each(|x| fhirpath_expressions(x, out)),
        _ => {}
    }
}
