//! The large-form benchmark: an 800-item questionnaire, measured natively (engine) and in
//! headless Chromium (navigation to an interactive form, keystroke to paint), then side by side
//! with LHC-Forms and SurveyJS (`tests/bench/peers.mjs`).

use std::{fs, path::Path, process::Command, time::Instant};

use anyhow::{Context, Result};
use ingang_questionnaire::{Form, Questionnaire, Value};
use serde_json::{Value as Json, json};

use crate::{root, tools};

pub const ITEMS: usize = 800;

/// 40 groups of 20 items: every answer type, choice lists, and an enableWhen on every fifth item
/// (a boolean opens a follow-up), like a long real-world intake form.
pub fn questionnaire(items: usize) -> Json {
    let groups = items / 20;
    let item = |g: usize, i: usize| -> Json {
        let link = format!("g{g}-i{i}");
        let text = format!("Fråga {i} i avsnitt {g}");
        match i % 10 {
            0 => json!({"linkId": link, "type": "boolean", "text": format!("{text}: har du besvär?")}),
            1 => json!({"linkId": link, "type": "string", "text": text, "maxLength": 200,
                        "enableWhen": [{"question": format!("g{g}-i{}", i - 1), "operator": "=", "answerBoolean": true}]}),
            2 => json!({"linkId": link, "type": "integer", "text": text,
                        "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                                      {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 120}]}),
            3 => json!({"linkId": link, "type": "decimal", "text": text}),
            4 => json!({"linkId": link, "type": "choice", "text": text, "answerOption": [
                        {"valueCoding": {"code": "a", "display": "Aldrig"}}, {"valueCoding": {"code": "b", "display": "Ibland"}},
                        {"valueCoding": {"code": "c", "display": "Ofta"}}, {"valueCoding": {"code": "d", "display": "Alltid"}}]}),
            5 => json!({"linkId": link, "type": "choice", "repeats": true, "text": text, "answerOption": [
                        {"valueCoding": {"code": "x", "display": "Huvud"}}, {"valueCoding": {"code": "y", "display": "Mage"}},
                        {"valueCoding": {"code": "z", "display": "Rygg"}}]}),
            6 => json!({"linkId": link, "type": "date", "text": text}),
            7 => json!({"linkId": link, "type": "text", "text": text, "required": true}),
            8 => json!({"linkId": link, "type": "display", "text": format!("Information {i} i avsnitt {g}.")}),
            _ => json!({"linkId": link, "type": "string", "text": text}),
        }
    };
    let mut list = Vec::new();
    for g in 0..groups {
        let children: Vec<Json> = (0..19).map(|i| item(g, i)).collect();
        list.push(
            json!({"linkId": format!("g{g}"), "type": "group", "text": format!("Avsnitt {g}"), "item": children}),
        );
    }
    json!({"resourceType": "Questionnaire", "id": "bench-800", "url": "https://ingang.se/fhir/Questionnaire/bench-800",
           "version": "1", "status": "draft", "title": format!("Benchmark, {items} frågor"), "item": list})
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// The engine alone, natively: build the form, and one answer (enableWhen re-evaluated).
fn native(q: &Json) -> Result<()> {
    let text = q.to_string();
    let mut build = Vec::new();
    let mut edit = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let mut form = Form::new(Questionnaire::from_json(&text).context("bench form")?);
        build.push(t.elapsed().as_secs_f64() * 1000.0);
        let target = form.walk().into_iter().find(|&n| form.def(n).link_id == "g20-i9").context("item")?;
        let inst = form.instances(target)[0];
        for k in 0..50 {
            let t = Instant::now();
            form.set_value(inst, Some(Value::String(format!("svar {k}"))));
            edit.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let items = Form::new(Questionnaire::from_json(&text)?).def_count();
    println!("\n## Questionnaire engine, native ({items} items)\n");
    println!("| step | median |\n|---|---:|");
    println!("| parse + build form | {:.2} ms |", median(&mut build));
    println!("| one answer (enableWhen re-evaluated) | {:.3} ms |", median(&mut edit));
    Ok(())
}

/// The peers, from the npm registry at pinned versions. Only their built files are served, so
/// `npm pack` (the package itself, integrity-checked, without a dependency tree) is enough, and
/// nothing of theirs enters `package.json`.
const PEERS: &[(&str, &str)] = &[("lforms", "40.1.3"), ("survey-core", "2.5.38"), ("survey-js-ui", "2.5.38")];

/// Unpacks each peer into `dir/<name>/package/` unless that version is there already.
fn fetch_peers(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)?;
    for (name, version) in PEERS {
        let target = dir.join(name);
        let manifest = target.join("package/package.json");
        let have = fs::read_to_string(&manifest)
            .ok()
            .and_then(|t| serde_json::from_str::<Json>(&t).ok())
            .is_some_and(|m| m["version"] == *version);
        if have {
            continue;
        }
        crate::run(
            Command::new("npm").args(["pack", "--silent", &format!("{name}@{version}"), "--pack-destination"]).arg(dir),
        )?;
        if target.exists() {
            fs::remove_dir_all(&target)?;
        }
        fs::create_dir_all(&target)?;
        crate::run(
            Command::new("tar").arg("-xzf").arg(dir.join(format!("{name}-{version}.tgz"))).arg("-C").arg(&target),
        )?;
    }
    Ok(())
}

/// Runs `tests/bench/<script>` against the app at `url` with the bench form (written to
/// `out_dir`), and reads the JSON report it writes to `report`.
fn run_script(script: &str, url: &str, out_dir: &Path, report: &Path, env: &[(&str, &Path)]) -> Result<Json> {
    let form = out_dir.join("form-800.json");
    fs::write(&form, serde_json::to_vec(&questionnaire(ITEMS))?)?;
    run_form(script, url, &form, report, env, &[])
}

fn run_form(
    script: &str,
    url: &str,
    form: &Path,
    report: &Path,
    env: &[(&str, &Path)],
    vars: &[(&str, String)],
) -> Result<Json> {
    let mut node = Command::new("node");
    for (name, value) in vars {
        node.env(name, value);
    }
    node.arg(root().join("tests/bench").join(script))
        .env("BENCH_URL", url)
        .env("BENCH_FORM", form)
        .env("BENCH_REPORT", report)
        .env("CHROME_PATH", tools::CHROMIUM)
        .env("PATH", tools::path_with_tools());
    for (name, value) in env {
        node.env(name, value);
    }
    crate::run(&mut node)?;
    Ok(serde_json::from_str(&fs::read_to_string(report)?)?)
}

/// The same form in Ingång, LHC-Forms and SurveyJS in one Chromium run, interleaved.
pub fn peers(url: &str, out_dir: &Path) -> Result<()> {
    let dir = root().join("target/bench/peers");
    fetch_peers(&dir)?;
    let report = out_dir.join("peers.json");
    let r = run_script("peers.mjs", url, out_dir, &report, &[("PEERS_DIR", &dir)])?;
    let versions: Vec<String> = PEERS.iter().map(|(n, v)| format!("{n} {v}")).collect();
    println!(
        "
## The {ITEMS}-item form side by side ({}; same Chromium, interleaved)
",
        versions.join(", ")
    );
    println!("| | all items rendered (median) | keystroke → paint p95 | transferred (brotli) | page errors |");
    println!("|---|---:|---:|---:|---|");
    let tools = ["Ingång", "LHC-Forms", "SurveyJS"];
    for tool in tools {
        let t = &r[tool];
        let errors = t["errors"].as_array().map_or(0, Vec::len);
        println!(
            "| {tool} | {:.0} ms | {:.1} ms | {:.0} KB | {} |",
            t["load_ms"]["median"].as_f64().unwrap_or(f64::NAN),
            t["key_ms"]["p95"].as_f64().unwrap_or(f64::NAN),
            t["bytes"]["median"].as_f64().unwrap_or(f64::NAN) / 1024.0,
            if errors == 0 { "none".to_owned() } else { format!("{errors} (see {})", report.display()) }
        );
    }
    let load = |tool: &str| r[tool]["load_ms"]["median"].as_f64().unwrap_or(f64::NAN);
    let fastest =
        ["LHC-Forms", "SurveyJS"].into_iter().min_by(|a, b| load(a).total_cmp(&load(b))).unwrap_or("SurveyJS");
    println!(
        "
Ingång renders the whole form {:.1}× as fast as the fastest peer ({fastest}); transfer {:.0} KB against SurveyJS's {:.0} KB.",
        load(fastest) / load("Ingång"),
        r["Ingång"]["bytes"]["median"].as_f64().unwrap_or(f64::NAN) / 1024.0,
        r["SurveyJS"]["bytes"]["median"].as_f64().unwrap_or(f64::NAN) / 1024.0,
    );
    Ok(())
}

/// Smart Forms' assembled health check (808 items, 522 FHIRPath expressions, from the
/// conformance corpus): the engine natively with its expressions, then keystroke → paint in a
/// text field once the evaluator has loaded.
fn smart_forms(url: &str, out_dir: &Path) -> Result<()> {
    let path = root().join("tests/fixtures/conformance/smartforms-atsi-health-check-assembled.json");
    let text = fs::read_to_string(&path).context("the Smart Forms health check")?;
    let now = 1_796_464_800_000;
    let mut build = Vec::new();
    let mut edit = Vec::new();
    let (mut target, mut last) = (String::new(), String::new());
    for _ in 0..5 {
        let t = Instant::now();
        let mut form = Form::new(Questionnaire::from_json(&text)?);
        form.set_clock(now, 60);
        let mut form = form.with_expressions();
        build.push(t.elapsed().as_secs_f64() * 1000.0);
        // a text field that is shown (enabled, not hidden, not read-only, nor under a hidden
        // group), and the last item shown
        let shown = |form: &Form, n: usize| {
            let mut at = Some(n);
            while let Some(i) = at {
                if form.def(i).hidden || !form.is_enabled(i) {
                    return false;
                }
                at = form.parent_item(i);
            }
            true
        };
        let items: Vec<usize> = form.walk().into_iter().filter(|&n| shown(&form, n)).collect();
        let field = items
            .iter()
            .copied()
            .filter(|&n| form.def(n).kind == ingang_questionnaire::model::ItemType::String && !form.def(n).read_only)
            .nth(3)
            .context("a text field")?;
        target = form.def(field).link_id.clone();
        last = items.last().map(|&n| form.def(n).link_id.clone()).unwrap_or_default();
        let inst = form.instances(field)[0];
        for k in 0..10 {
            let t = Instant::now();
            form.set_value(inst, Some(Value::String(format!("svar {k}"))));
            edit.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    println!("\n## Smart Forms' health check (808 items, 522 FHIRPath expressions)\n");
    println!("| measure | median | p95 |\n|---|---:|---:|");
    let p95 = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[(v.len() * 95 / 100).min(v.len() - 1)]
    };
    let (b95, e95) = (p95(&mut build.clone()), p95(&mut edit.clone()));
    println!("| engine, native: parse + build + first evaluation | {:.1} ms | {b95:.1} ms |", median(&mut build));
    println!(
        "| engine, native: one answer (every expression re-evaluated) | {:.2} ms | {e95:.2} ms |",
        median(&mut edit)
    );
    let report = out_dir.join("form-bench-smartforms.json");
    let r = run_form(
        "form.mjs",
        url,
        &path,
        &report,
        &[],
        &[("BENCH_LAST", last), ("BENCH_TARGET", target), ("BENCH_WAIT", "[data-testid=calculations]".into())],
    )?;
    for (name, key) in [
        ("Chromium: navigation → all items rendered", "load_ms"),
        ("Chromium: keystroke → next paint", "key_ms"),
        ("Chromium: the app's work per keystroke", "input_ms"),
    ] {
        println!(
            "| {name} | {:.1} ms | {:.1} ms |",
            r[key]["median"].as_f64().unwrap_or(f64::NAN),
            r[key]["p95"].as_f64().unwrap_or(f64::NAN)
        );
    }
    println!("\nRaw numbers: {}", report.display());
    Ok(())
}

pub fn run(url: &str, out_dir: &Path) -> Result<()> {
    native(&questionnaire(ITEMS))?;
    let report = out_dir.join("form-bench.json");
    let r = run_script("form.mjs", url, out_dir, &report, &[])?;
    println!("\n## {ITEMS}-item form in headless Chromium (/forhandsgranska, phone viewport, no throttling)\n");
    println!("| measure | median | p95 |\n|---|---:|---:|");
    let row = |name: &str, key: &str, unit: &str| {
        println!(
            "| {name} | {:.0}{unit} | {:.0}{unit} |",
            r[key]["median"].as_f64().unwrap_or(f64::NAN),
            r[key]["p95"].as_f64().unwrap_or(f64::NAN)
        );
    };
    row("navigation → first screen of the form rendered and usable", "first_ms", " ms");
    row("navigation → all 800 items rendered", "load_ms", " ms");
    println!(
        "| keystroke → next paint (includes waiting for the frame) | {:.1} ms | {:.1} ms |",
        r["key_ms"]["median"].as_f64().unwrap_or(f64::NAN),
        r["key_ms"]["p95"].as_f64().unwrap_or(f64::NAN)
    );
    println!(
        "| the app's work per keystroke (input handling) | {:.1} ms | {:.1} ms |",
        r["input_ms"]["median"].as_f64().unwrap_or(f64::NAN),
        r["input_ms"]["p95"].as_f64().unwrap_or(f64::NAN)
    );
    row("DOM nodes changed in the form per keystroke", "mutations", "");
    println!("\nRaw numbers: {}", report.display());
    smart_forms(url, out_dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bench_form_has_800_items_and_loads() {
        let q = super::questionnaire(super::ITEMS);
        let form = ingang_questionnaire::Form::new(serde_json::from_value(q).unwrap());
        assert_eq!(form.def_count(), 800);
        assert!(form.unsupported().is_empty());
    }
}
