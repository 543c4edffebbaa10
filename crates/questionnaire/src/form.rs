//! The live state of a questionnaire being filled in.
//!
//! A [`Form`] is a tree of two kinds of nodes in one arena:
//! - an **item node** is one questionnaire item at one place in the tree (the item `1.1` inside the
//!   second repetition of group `1` is its own item node);
//! - an **instance node** is one repetition of a group, or one answer of a question. A question's
//!   instance holds the answer value and the item nodes nested under that answer.
//!
//! The root is an instance node ([`Form::root`]). Node ids are stable for the life of the form, so
//! a renderer can key its views on them. Every mutation re-evaluates enableWhen to a fixed point,
//! wipes the answers of items that became disabled, and reports which item nodes changed so a view
//! updates only those.

use std::{collections::HashMap, sync::Arc};

use crate::def::{Def, DefId, Unsupported, Urgency, check_extensions};
use crate::model::{
    Answer, EnableBehavior, ItemType, Object, Operator, Questionnaire, QuestionnaireResponse, ResponseItem,
};
use crate::validate::{self, ValidationError};
use crate::value::Value;

pub type NodeId = usize;

/// Matches `text` against a FHIR regex (whole value). `None` when the pattern is invalid.
pub type RegexFn = fn(pattern: &str, text: &str) -> Option<bool>;

#[derive(Debug, Clone)]
struct Node {
    /// `Some` for item nodes, `None` for instance nodes.
    def: Option<DefId>,
    parent: Option<NodeId>,
    /// Item node: its instances. Instance node: its child item nodes.
    kids: Vec<NodeId>,
    /// Instance node of a question: the answer.
    value: Option<Value>,
    /// Item node: enableWhen (and every ancestor) holds.
    enabled: bool,
    alive: bool,
    /// Fields of a loaded response item/answer the engine does not model (kept on output).
    extra: Object,
    /// Item node: its enableWhenExpression holds (true without one).
    expr_enabled: bool,
    /// Item node: the user changed a calculated answer, which then stops following (SDC).
    edited: bool,
    /// Item node: its initialExpression has been applied (once).
    initialised: bool,
}

/// Item nodes a view should refresh after a mutation (enabled state, instances or values changed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub items: Vec<NodeId>,
    /// Item nodes whose broken constraints changed (their errors need a new look).
    pub errors: Vec<NodeId>,
}

impl Changes {
    fn add(&mut self, id: NodeId) {
        if !self.items.contains(&id) {
            self.items.push(id);
        }
    }

    /// An item whose errors changed, not its answers or structure.
    fn add_quiet(&mut self, id: NodeId) {
        if !self.errors.contains(&id) {
            self.errors.push(id);
        }
    }
}

/// Something in a loaded response that did not fit the questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadWarning {
    /// A response item whose linkId the questionnaire does not have at that place.
    UnknownLinkId(String),
    /// An answer whose type does not fit the item.
    WrongType(String),
    /// More answers or repetitions than the item allows.
    TooManyAnswers(String),
    /// An answer to an item that is disabled by the other answers (it was dropped).
    DisabledAnswered(String),
    /// A read-only calculated answer that differs from the calculation (it was replaced).
    Recalculated(String),
}

/// A validation problem at an item node.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub item: NodeId,
    pub link_id: String,
    pub error: ValidationError,
}

pub struct Form {
    questionnaire: Questionnaire,
    defs: Vec<Arc<Def>>,
    nodes: Vec<Node>,
    by_link: HashMap<String, Vec<NodeId>>,
    unsupported: Vec<Unsupported>,
    base: Option<QuestionnaireResponse>,
    regex: Option<RegexFn>,
    top: Vec<DefId>,
    /// The SDC expressions: questionnaire-level variables, the questionnaire as JSON
    /// (`%questionnaire`) with each item's place in it (`%qitem`), whether any item has one.
    root_vars: Vec<(String, String)>,
    /// Each expression text, parsed (once, by the evaluator); `None` for a syntax error.
    parsed: HashMap<String, Option<crate::fhirpath::Expr>>,
    sdc: Option<Arc<Sdc>>,
    /// Milliseconds since the epoch and the local offset that `now()`/`today()` give.
    clock: Option<(i64, i32)>,
    /// What the expressions could not do (a function not implemented, a cycle).
    notes: Vec<String>,
    /// Loading a saved response: a calculated answer that differs from the calculation was
    /// the user's edit.
    loading: bool,
    /// Loading: read-only calculated answers that differed from the calculation.
    recalculated: Vec<String>,
    /// The expression evaluator, once installed ([`Form::install_expressions`]). A form
    /// without it evaluates no expression, so an app that never installs it carries no
    /// FHIRPath code (the renderer fetches it as a chunk of its own, only for a form that has
    /// expressions).
    hook: Option<ExpressionHook>,
    /// The questionnaire's variables as text after the last pass (the preview shows them).
    var_values: Vec<(String, String)>,
    /// The questionnaire's own `targetConstraint`s.
    root_constraints: Vec<crate::expressions::Constraint>,
    /// Item nodes whose options (`answerExpression`, `answerOptionsToggleExpression`) or text
    /// (`cqf-expression`) an expression decides: their definition as it is now.
    dynamic: HashMap<NodeId, Dynamic>,
    /// Broken `targetConstraint`s after the last pass, by the item node they belong to
    /// (`true`: an error, which blocks sending; `false`: a warning).
    violations: HashMap<NodeId, Vec<(bool, ValidationError)>>,
}

/// What expressions decided about one item node's definition.
#[derive(Clone)]
struct Dynamic {
    options: Option<Vec<crate::def::Choice>>,
    text: Option<String>,
    def: Arc<Def>,
}

/// The evaluator of a form's expressions: [`crate::expressions::hook`].
pub type ExpressionHook = fn(&mut Form, &mut Changes) -> bool;

/// A questionnaire's expression data, shared by clones of a form.
struct Sdc {
    questionnaire: serde_json::Value,
    qitems: HashMap<String, String>,
}

/// At most this many passes of enableWhen and expressions per change: a form whose
/// expressions never settle (a cycle) stops here with a note.
const MAX_PASSES: usize = 64;

const ROOT: NodeId = 0;

impl Form {
    /// A new, empty form with initial values applied.
    pub fn new(questionnaire: Questionnaire) -> Form {
        let mut form = Self::skeleton(questionnaire);
        form.fill_root(true);
        form.recompute(&mut Changes::default());
        form
    }

    /// A form resumed from a saved response. Answers the questionnaire cannot hold are reported.
    pub fn with_response(questionnaire: Questionnaire, response: QuestionnaireResponse) -> (Form, Vec<LoadWarning>) {
        Self::load(questionnaire, response, None, None)
    }

    /// [`Form::with_response`] with the moment `now()`/`today()` give (milliseconds since the
    /// epoch, local offset in minutes), so expressions that use them decide on load.
    /// Its expressions are evaluated (the server's check: [`crate::check_response_at`]).
    pub fn with_response_at(
        questionnaire: Questionnaire,
        response: QuestionnaireResponse,
        clock: Option<(i64, i32)>,
    ) -> (Form, Vec<LoadWarning>) {
        Self::load(questionnaire, response, clock, Some(crate::expressions::hook()))
    }

    fn load(
        questionnaire: Questionnaire,
        response: QuestionnaireResponse,
        clock: Option<(i64, i32)>,
        hook: Option<ExpressionHook>,
    ) -> (Form, Vec<LoadWarning>) {
        let mut form = Self::skeleton(questionnaire);
        form.clock = clock;
        form.hook = hook;
        form.fill_root(false);
        let mut warnings = Vec::new();
        form.load_instance(ROOT, &response.item, &mut warnings);
        let before = form.answered_link_ids();
        form.loading = true;
        form.recompute(&mut Changes::default());
        form.loading = false;
        let after = form.answered_link_ids();
        for l in before {
            if !after.contains(&l) {
                warnings.push(LoadWarning::DisabledAnswered(l));
            }
        }
        warnings.extend(std::mem::take(&mut form.recalculated).into_iter().map(LoadWarning::Recalculated));
        form.base = Some(QuestionnaireResponse { item: Vec::new(), ..response });
        (form, warnings)
    }

    fn skeleton(questionnaire: Questionnaire) -> Form {
        let mut defs = Vec::new();
        let mut unsupported = Vec::new();
        check_extensions(&questionnaire.extension, None, &mut unsupported);
        fn add(
            q: &Questionnaire,
            item: &crate::model::Item,
            parent: Option<DefId>,
            defs: &mut Vec<Def>,
            unsupported: &mut Vec<Unsupported>,
        ) -> DefId {
            let id = defs.len();
            defs.push(Def::build(q, item, parent, unsupported));
            for child in &item.item {
                let c = add(q, child, Some(id), defs, unsupported);
                if defs[c].is_help_display() {
                    defs[id].help.push(c);
                } else {
                    defs[id].children.push(c);
                }
            }
            id
        }
        let mut top = Vec::new();
        for item in &questionnaire.item {
            top.push(add(&questionnaire, item, None, &mut defs, &mut unsupported));
        }
        let root = crate::expressions::compile(&questionnaire.extension, &[], None, &mut unsupported);
        let (root_vars, root_constraints) = (root.variables, root.constraints);
        let sdc = (!root_vars.is_empty() || !root_constraints.is_empty() || defs.iter().any(|d| d.sdc.is_some())).then(
            || {
                let json = serde_json::to_value(&questionnaire).unwrap_or(serde_json::Value::Null);
                let mut qitems = HashMap::new();
                fn index(items: &serde_json::Value, at: &str, out: &mut HashMap<String, String>) {
                    for (n, item) in items.as_array().into_iter().flatten().enumerate() {
                        let here = format!("{at}/item/{n}");
                        if let Some(l) = item.get("linkId").and_then(serde_json::Value::as_str) {
                            out.entry(l.to_owned()).or_insert_with(|| here.clone());
                        }
                        index(&item["item"], &here, out);
                    }
                }
                index(&json["item"], "", &mut qitems);
                Arc::new(Sdc { questionnaire: json, qitems })
            },
        );
        let root = Node {
            def: None,
            parent: None,
            kids: Vec::new(),
            value: None,
            enabled: true,
            alive: true,
            extra: Object::new(),
            expr_enabled: true,
            edited: false,
            initialised: false,
        };
        Form {
            questionnaire,
            defs: defs.into_iter().map(Arc::new).collect(),
            nodes: vec![root],
            by_link: HashMap::new(),
            unsupported,
            base: None,
            regex: None,
            top,
            root_vars,
            parsed: HashMap::new(),
            sdc,
            clock: None,
            notes: Vec::new(),
            loading: false,
            recalculated: Vec::new(),
            hook: None,
            var_values: Vec::new(),
            root_constraints,
            dynamic: HashMap::new(),
            violations: HashMap::new(),
        }
    }

    fn fill_root(&mut self, initial: bool) {
        for d in self.top.clone() {
            let n = self.new_item(d, ROOT, initial);
            self.nodes[ROOT].kids.push(n);
        }
    }

    /// Sets the function that checks `regex` constraints (the app passes the browser's RegExp,
    /// the server `regex-lite`). Without one, regex constraints are not checked.
    pub fn set_regex(&mut self, f: RegexFn) {
        self.regex = Some(f);
    }

    pub(crate) fn regex_fn(&self) -> Option<RegexFn> {
        self.regex
    }

    /// Sets the moment `now()` and `today()` give (milliseconds since the epoch, the local
    /// offset in minutes) and evaluates the expressions again. Without it they are notes.
    pub fn set_clock(&mut self, now_ms: i64, tz_minutes: i32) -> Changes {
        self.clock = Some((now_ms, tz_minutes));
        let mut changes = Changes::default();
        self.recompute(&mut changes);
        changes
    }

    /// Evaluates the form's expressions from now on (and now): `hook` is
    /// [`crate::expressions::hook`]. The first evaluation of a form resumed from a response
    /// keeps a calculated answer that differs from the calculation as the user's edit.
    pub fn install_expressions(&mut self, hook: ExpressionHook) -> Changes {
        let first = self.hook.is_none();
        self.hook = Some(hook);
        let mut changes = Changes::default();
        self.loading = first && self.base.is_some();
        self.recompute(&mut changes);
        self.loading = false;
        changes
    }

    /// The form with its expressions evaluated (native callers and tests).
    pub fn with_expressions(mut self) -> Form {
        self.install_expressions(crate::expressions::hook());
        self
    }

    /// What the form's expressions could not do, for the form's author (the preview shows it).
    pub fn expression_notes(&self) -> &[String] {
        &self.notes
    }

    /// Whether the form has expressions the engine evaluates.
    pub fn has_expressions(&self) -> bool {
        self.sdc.is_some()
    }

    /// The variables' values as text after the last evaluation (`%name`, and `%name (linkId)`
    /// for an item's, in its first repetition), for the preview.
    pub fn variable_values(&self) -> Vec<(String, String)> {
        self.var_values.clone()
    }

    /// For the form's author: each questionnaire variable (`%name`) and each calculated item
    /// (its linkId) with its current value (`{}` when empty).
    pub fn calculations(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.variable_values();
        for item in self.walk() {
            let d = self.def(item);
            if d.sdc.as_ref().is_some_and(|x| x.calculated.is_some()) {
                let values: Vec<String> = self.values(item).iter().map(|v| v.display()).collect();
                let shown = if values.is_empty() { "{}".to_owned() } else { values.join(", ") };
                out.push((d.link_id.clone(), shown));
            }
        }
        out
    }

    fn note(&mut self, text: String) {
        if !self.notes.contains(&text) && self.notes.len() < 50 {
            self.notes.push(text);
        }
    }

    /// The current answers as QuestionnaireResponse JSON (`%resource`), with where each item
    /// node (a question) or group repetition (an instance node) is in it.
    fn resource_json(&self) -> (serde_json::Value, HashMap<NodeId, String>) {
        let mut places = HashMap::new();
        let items = self.json_items(ROOT, "/item", &mut places);
        let resource = serde_json::json!({
            "resourceType": "QuestionnaireResponse",
            "status": "in-progress",
            "item": items,
        });
        (resource, places)
    }

    fn json_items(&self, inst: NodeId, at: &str, places: &mut HashMap<NodeId, String>) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        for &k in &self.nodes[inst].kids {
            let node = &self.nodes[k];
            if !node.enabled || !node.alive {
                continue;
            }
            let d = self.def(k);
            match d.kind {
                ItemType::Display | ItemType::Other(_) => {}
                ItemType::Group => {
                    for &i in &node.kids {
                        let here = format!("{at}/{}", out.len());
                        let children = self.json_items(i, &format!("{here}/item"), places);
                        if !children.is_empty() {
                            places.insert(i, here);
                            out.push(serde_json::json!({ "linkId": d.link_id, "item": children }));
                        }
                    }
                }
                _ => {
                    let here = format!("{at}/{}", out.len());
                    let mut answers = Vec::new();
                    for &i in &node.kids {
                        let Some(v) = &self.nodes[i].value else { continue };
                        let mut a = serde_json::Map::new();
                        a.insert(format!("value{}", v.suffix()), v.to_json());
                        let nested = self.json_items(i, &format!("{here}/answer/{}/item", answers.len()), places);
                        if !nested.is_empty() {
                            a.insert("item".into(), serde_json::Value::Array(nested));
                        }
                        answers.push(serde_json::Value::Object(a));
                    }
                    if !answers.is_empty() {
                        places.insert(k, here);
                        out.push(serde_json::json!({ "linkId": d.link_id, "answer": answers }));
                    }
                }
            }
        }
        out
    }

    /// The environment of the whole response, with the questionnaire's variables, and what
    /// went wrong computing them.
    fn env_noted<'a>(&self, sdc: &'a Sdc, resource: &'a serde_json::Value) -> (crate::fhirpath::Env<'a>, Vec<String>) {
        let (now, tz) = self.clock.unwrap_or((crate::fhirpath::NO_CLOCK, 0));
        let mut env = crate::fhirpath::Env::new(now, tz)
            .with_json("resource", resource)
            .with_json("context", resource)
            .with_json("questionnaire", &sdc.questionnaire);
        env.regex = self.regex;
        let root = crate::fhirpath::eval::from_json(resource);
        let mut notes = Vec::new();
        for (name, text) in &self.root_vars {
            let Some(Some(expr)) = self.parsed.get(text) else {
                env.set(name, Vec::new());
                continue;
            };
            let value = match crate::fhirpath::evaluate(expr, &root, &env) {
                Ok(v) => v,
                Err(e) => {
                    notes.push(format!("%{name}: {e}"));
                    Vec::new()
                }
            };
            env.set(name, value);
        }
        (env, notes)
    }

    /// One pass of the expressions over the tree, in document order: variables, then
    /// enableWhenExpression, initialExpression and calculatedExpression of each item. Returns
    /// whether anything changed (the caller then runs enableWhen and this again).
    pub(crate) fn apply_expressions(&mut self, changes: &mut Changes) -> bool {
        let Some(sdc) = self.sdc.clone() else { return false };
        if self.parsed.is_empty() {
            let texts: Vec<String> = self
                .root_vars
                .iter()
                .map(|(_, t)| t.clone())
                .chain(
                    self.root_constraints
                        .iter()
                        .flat_map(|c| std::iter::once(c.expression.clone()).chain(c.location.clone())),
                )
                .chain(
                    self.defs
                        .iter()
                        .filter_map(|d| d.sdc.as_ref())
                        .flat_map(|x| x.texts().map(str::to_owned).collect::<Vec<_>>()),
                )
                .collect();
            for text in texts {
                if self.parsed.contains_key(&text) {
                    continue;
                }
                let parsed = match crate::fhirpath::parse(&text) {
                    Ok(e) => Some(e),
                    Err(e) => {
                        self.note(format!("{e}: {text}"));
                        None
                    }
                };
                self.parsed.insert(text, parsed);
            }
        }
        let (resource, places) = self.resource_json();
        // `%context` of an item without answers (or a group repetition without any) is still
        // its response item, without answers: `%context.linkId` works before an answer
        let mut bare: HashMap<NodeId, serde_json::Value> = HashMap::new();
        for item in self.walk() {
            let d = self.def(item);
            // (a disabled item too: its enableWhenExpression may read its own `%context`)
            if d.sdc.is_none() || !self.nodes[item].alive {
                continue;
            }
            let keys: Vec<NodeId> = if d.kind == ItemType::Group { self.nodes[item].kids.clone() } else { vec![item] };
            for k in keys {
                if !places.contains_key(&k) {
                    let mut o = serde_json::Map::new();
                    o.insert("linkId".into(), d.link_id.clone().into());
                    if let Some(t) = &d.item.text {
                        o.insert("text".into(), t.clone().into());
                    }
                    bare.insert(k, serde_json::Value::Object(o));
                }
            }
        }
        let mut updates: Vec<Update> = Vec::new();
        let (env, mut notes) = self.env_noted(&sdc, &resource);
        let mut violations: HashMap<NodeId, Vec<(bool, ValidationError)>> = HashMap::new();
        let root_json = crate::fhirpath::eval::from_json(&resource);
        for c in &self.root_constraints {
            let run = |text: &str| {
                self.parsed.get(text).and_then(Option::as_ref).map(|e| crate::fhirpath::evaluate(e, &root_json, &env))
            };
            match run(&c.expression) {
                Some(Ok(v)) if matches!(v.as_slice(), [crate::fhirpath::Val::Bool(false)]) => {
                    // the item the message belongs to: its `location`, else the first item
                    let at = c
                        .location
                        .as_deref()
                        .and_then(|l| match run(l) {
                            Some(Ok(found)) => found.iter().find_map(|f| match f {
                                crate::fhirpath::Val::Node(n) => n.get("linkId")?.as_str().map(str::to_owned),
                                _ => None,
                            }),
                            _ => None,
                        })
                        .and_then(|l| self.by_link.get(&l)?.iter().copied().find(|&n| self.is_enabled(n)))
                        .or_else(|| self.nodes[ROOT].kids.iter().copied().find(|&n| self.is_enabled(n)));
                    if let Some(at) = at {
                        violations.entry(at).or_default().push((c.error, violation(c)));
                    }
                }
                Some(Err(e)) => notes.push(format!("targetConstraint {}: {e}", c.key)),
                _ => {}
            }
        }
        let mut var_values: Vec<(String, String)> = self
            .root_vars
            .iter()
            .map(|(name, _)| {
                (format!("%{name}"), env.vars.get(name).map(|v| crate::fhirpath::eval::describe(v)).unwrap_or_default())
            })
            .collect();
        {
            let mut scope = Visit {
                form: self,
                sdc: &sdc,
                resource: &resource,
                places: &places,
                bare: &bare,
                notes: &mut notes,
                updates: &mut updates,
                shown: &mut var_values,
                violations: &mut violations,
            };
            scope.instance(ROOT, &env);
        }
        drop(env);
        drop(root_json);
        self.var_values = var_values;
        if violations != self.violations {
            for id in violations.keys().chain(self.violations.keys()) {
                changes.add_quiet(*id);
            }
            self.violations = violations;
        }
        for n in notes {
            self.note(n);
        }
        let mut changed = false;
        for u in updates {
            match u {
                Update::Enabled(item, on) => {
                    if self.nodes[item].expr_enabled != on {
                        self.nodes[item].expr_enabled = on;
                        changed = true;
                    }
                }
                Update::Options(item, options) => {
                    if self.dynamic.get(&item).and_then(|d| d.options.as_ref()) != Some(&options) {
                        self.set_dynamic(item, Some(options), None);
                        changes.add(item);
                        changed = true;
                        if !self.loading {
                            self.drop_unavailable(item, changes);
                        }
                    }
                }
                Update::Text(item, text) => {
                    if self.dynamic.get(&item).map(|d| &d.text) != Some(&text) {
                        self.set_dynamic(item, None, Some(text));
                        changes.add(item);
                    }
                }
                Update::Values(item, mut values, initial) => {
                    if !self.def(item).repeats && values.len() > 1 {
                        // one answer fits: the first, said (else every pass would differ)
                        let link = self.def(item).link_id.clone();
                        self.note(format!("{link}: the expression gives {} values; the item holds one", values.len()));
                        values.truncate(1);
                    }
                    if initial {
                        self.nodes[item].initialised = true;
                        if !self.values(item).is_empty() || values.is_empty() {
                            continue;
                        }
                    }
                    let now: Vec<Value> = self.values(item).into_iter().cloned().collect();
                    let same = now.len() == values.len() && now.iter().zip(&values).all(|(a, b)| a.same_as(b));
                    if same {
                        continue;
                    }
                    if !initial && self.loading && !now.is_empty() {
                        if !self.def(item).read_only {
                            // a saved answer that differs from the calculation was the user's
                            self.nodes[item].edited = true;
                            continue;
                        }
                        let link = self.def(item).link_id.clone();
                        if !self.recalculated.contains(&link) {
                            self.recalculated.push(link);
                        }
                    }
                    self.replace_values(item, values);
                    changes.add(item);
                    changed = true;
                }
            }
        }
        changed
    }

    /// Sets what expressions decided about an item's options (`Some`) or text (`Some`),
    /// keeping the other, and rebuilds its definition.
    fn set_dynamic(&mut self, item: NodeId, options: Option<Vec<crate::def::Choice>>, text: Option<Option<String>>) {
        let base = &self.defs[self.nodes[item].def.expect("an item node")];
        let old = self.dynamic.remove(&item);
        let options = options.or_else(|| old.as_ref().and_then(|o| o.options.clone()));
        let text = match text {
            Some(t) => t,
            None => old.and_then(|o| o.text),
        };
        if options.is_none() && text.is_none() {
            return;
        }
        let mut def = (**base).clone();
        if let Some(o) = &options {
            def.choices = o.clone();
        }
        if let Some(t) = &text {
            // the computed text replaces the written one with its translations and markup
            def.item.text = Some(t.clone());
            def.item.extra.remove("_text");
        }
        self.dynamic.insert(item, Dynamic { options, text, def: Arc::new(def) });
    }

    /// Removes the answers of a choice item that are no longer among its options.
    fn drop_unavailable(&mut self, item: NodeId, changes: &mut Changes) {
        let d = self.def_arc(item);
        let gone =
            |v: &Value| (d.kind == ItemType::Choice || matches!(v, Value::Coding(_))) && d.choice_for(v).is_none();
        let stale: Vec<NodeId> =
            self.nodes[item].kids.iter().copied().filter(|&i| self.nodes[i].value.as_ref().is_some_and(gone)).collect();
        if stale.is_empty() {
            return;
        }
        if d.is_multi_select() || d.repeats {
            for &i in &stale {
                self.kill(i);
            }
            self.nodes[item].kids.retain(|k| !stale.contains(k));
            if self.nodes[item].kids.is_empty() && !d.is_multi_select() {
                self.new_instance(item, None, false);
            }
        } else {
            for &i in &stale {
                self.nodes[i].value = None;
                for k in self.nodes[i].kids.clone() {
                    self.wipe(k, changes);
                }
            }
        }
        changes.add(item);
    }

    /// Replaces an item's answers (keeping one empty instance of a single-answer question).
    fn replace_values(&mut self, item: NodeId, values: Vec<Value>) {
        let keep_one = !self.def(item).is_multi_select();
        for &i in &self.nodes[item].kids.clone() {
            self.kill(i);
        }
        self.nodes[item].kids.clear();
        let many = self.def(item).repeats;
        let values: Vec<Value> = if many { values } else { values.into_iter().take(1).collect() };
        if values.is_empty() {
            if keep_one {
                self.new_instance(item, None, false);
            }
            return;
        }
        for v in values {
            self.new_instance(item, Some(v), false);
        }
    }

    // ------------------------------------------------------------------ building

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn new_item(&mut self, def: DefId, parent: NodeId, initial: bool) -> NodeId {
        let id = self.push(Node {
            def: Some(def),
            parent: Some(parent),
            kids: Vec::new(),
            value: None,
            enabled: true,
            alive: true,
            extra: Object::new(),
            expr_enabled: true,
            edited: false,
            initialised: false,
        });
        self.by_link.entry(self.defs[def].link_id.clone()).or_default().push(id);
        let d = &self.defs[def];
        match d.kind {
            ItemType::Group => {
                let n = d.min_occurs.unwrap_or(1).max(1);
                for _ in 0..n {
                    self.new_instance(id, None, initial);
                }
            }
            _ if d.is_question() => {
                let values = if initial { self.initial_values(def) } else { Vec::new() };
                if values.is_empty() {
                    if !self.defs[def].is_multi_select() {
                        self.new_instance(id, None, initial);
                    }
                } else {
                    for v in values {
                        self.new_instance(id, Some(v), initial);
                    }
                }
            }
            _ => {}
        }
        id
    }

    fn new_instance(&mut self, item: NodeId, value: Option<Value>, initial: bool) -> NodeId {
        let inst = self.push(Node {
            def: None,
            parent: Some(item),
            kids: Vec::new(),
            value,
            enabled: true,
            alive: true,
            extra: Object::new(),
            expr_enabled: true,
            edited: false,
            initialised: false,
        });
        self.nodes[item].kids.push(inst);
        let def = self.nodes[item].def.expect("item node");
        for c in self.defs[def].children.clone() {
            let n = self.new_item(c, inst, initial);
            self.nodes[inst].kids.push(n);
        }
        inst
    }

    /// Initial answers of a question: `initial[x]` values, or options with `initialSelected`.
    fn initial_values(&self, def: DefId) -> Vec<Value> {
        let d = &self.defs[def];
        if d.expression.is_some() {
            return Vec::new();
        }
        let mut values: Vec<Value> = d.item.initial.iter().filter_map(|i| i.value.clone()).collect();
        if values.is_empty() {
            values = d.choices.iter().filter(|c| c.initial_selected).map(|c| c.value.clone()).collect();
        }
        if let ItemType::Choice | ItemType::OpenChoice = d.kind {
            // an initial coding picks up the option's display
            values = values.into_iter().map(|v| d.choice_for(&v).map(|c| c.value.clone()).unwrap_or(v)).collect();
        }
        if !d.repeats {
            values.truncate(1);
        }
        values
    }

    fn kill(&mut self, id: NodeId) {
        self.nodes[id].alive = false;
        if let Some(def) = self.nodes[id].def
            && let Some(list) = self.by_link.get_mut(&self.defs[def].link_id)
        {
            list.retain(|&n| n != id);
        }
        for k in self.nodes[id].kids.clone() {
            self.kill(k);
        }
    }

    // ------------------------------------------------------------------ reading

    /// The root instance: its [`Form::items`] are the top-level items.
    pub fn root(&self) -> NodeId {
        ROOT
    }

    pub fn questionnaire(&self) -> &Questionnaire {
        &self.questionnaire
    }

    /// Is the form written in `lang` (a primary language code: `fi`), or translated to it? The
    /// form's own language is its `language` (Swedish when it has none); a translation is a
    /// `translation` extension on the text of any item. A renderer says once when it is not,
    /// and shows the form's own text.
    pub fn available_in(&self, lang: &str) -> bool {
        let own = self.language();
        own.split('-').next().unwrap_or(own).eq_ignore_ascii_case(lang)
            || self.defs.iter().any(|d| d.has_translation(lang))
    }

    /// The form's own language (its `language`; Swedish when it has none), as a BCP 47 code.
    pub fn language(&self) -> &str {
        self.questionnaire.extra.get("language").and_then(serde_json::Value::as_str).unwrap_or("sv")
    }

    /// Child item nodes of an instance node.
    pub fn items(&self, instance: NodeId) -> &[NodeId] {
        &self.nodes[instance].kids
    }

    /// The item node that contains this item node (through an instance), if any.
    pub fn parent_item(&self, item: NodeId) -> Option<NodeId> {
        let inst = self.nodes[item].parent?;
        self.nodes[inst].parent
    }

    /// The top-level item node this item node sits under (itself when top-level).
    pub fn top_item(&self, mut item: NodeId) -> NodeId {
        while let Some(p) = self.parent_item(item) {
            item = p;
        }
        item
    }

    /// Instances (group repetitions or answers) of an item node.
    pub fn instances(&self, item: NodeId) -> &[NodeId] {
        &self.nodes[item].kids
    }

    /// The definition of an item node.
    pub fn def(&self, item: NodeId) -> &Def {
        if !self.dynamic.is_empty()
            && let Some(d) = self.dynamic.get(&item)
        {
            return &d.def;
        }
        &self.defs[self.nodes[item].def.expect("an item node")]
    }

    /// The definition of an item node, shared (cheap to keep in a view). Options and text an
    /// expression decides are in it; when they change, the item is among the [`Changes`].
    pub fn def_arc(&self, item: NodeId) -> Arc<Def> {
        if let Some(d) = self.dynamic.get(&item) {
            return Arc::clone(&d.def);
        }
        Arc::clone(&self.defs[self.nodes[item].def.expect("an item node")])
    }

    /// The `targetConstraint`s the answers break at an item node (`true`: an error, which
    /// [`Form::validate`] reports; `false`: a warning, shown only).
    pub fn violations(&self, item: NodeId) -> Vec<(bool, ValidationError)> {
        self.violations.get(&item).cloned().unwrap_or_default()
    }

    /// The `warning` constraints the answers break at an enabled item node (shown, never
    /// blocking).
    pub fn warnings(&self, item: NodeId) -> Vec<ValidationError> {
        if !self.is_enabled(item) {
            return Vec::new();
        }
        self.violations(item).into_iter().filter(|(error, _)| !error).map(|(_, e)| e).collect()
    }

    /// Whether the form has `targetConstraint`s (a view then re-checks every item's errors
    /// after any change, since a constraint may read any answer).
    pub fn has_constraints(&self) -> bool {
        !self.root_constraints.is_empty() || self.defs.iter().any(|d| d.has_constraints())
    }

    pub fn def_by_id(&self, def: DefId) -> &Def {
        &self.defs[def]
    }

    pub fn is_item(&self, node: NodeId) -> bool {
        self.nodes.get(node).is_some_and(|n| n.def.is_some() && n.alive)
    }

    pub fn is_alive(&self, node: NodeId) -> bool {
        self.nodes.get(node).is_some_and(|n| n.alive)
    }

    pub fn value(&self, instance: NodeId) -> Option<&Value> {
        self.nodes[instance].value.as_ref()
    }

    /// The item node an instance belongs to.
    pub fn item_of(&self, instance: NodeId) -> NodeId {
        self.nodes[instance].parent.expect("instance of an item")
    }

    pub fn is_enabled(&self, item: NodeId) -> bool {
        self.nodes[item].alive && self.nodes[item].enabled
    }

    /// Values of an item node's answers, in order.
    pub fn values(&self, item: NodeId) -> Vec<&Value> {
        self.nodes[item].kids.iter().filter_map(|&i| self.nodes[i].value.as_ref()).collect()
    }

    pub fn unsupported(&self) -> &[Unsupported] {
        &self.unsupported
    }

    /// The answered, enabled questions in document order, for a review before sending: the
    /// question's text in `lang`, how deep it is nested, and each answer as text (choices by
    /// their label, booleans as `yes_no`, decimals with a Swedish comma).
    pub fn review(&self, lang: &str, yes_no: (&str, &str)) -> Vec<ReviewLine> {
        let mut out = Vec::new();
        for node in self.walk() {
            let d = self.def(node);
            if matches!(d.kind, ItemType::Group | ItemType::Display) || d.hidden || !self.is_enabled(node) {
                continue;
            }
            let answers: Vec<String> = self
                .values(node)
                .into_iter()
                .map(|v| match (d.choice_for(v), v) {
                    (Some(c), _) => c.label(lang),
                    (None, Value::Boolean(b)) => (if *b { yes_no.0 } else { yes_no.1 }).to_owned(),
                    (None, Value::Decimal(x)) => with_unit(crate::value::swedish_decimal(*x), d.unit_label(lang)),
                    (None, Value::Integer(i)) => with_unit(i.to_string(), d.unit_label(lang)),
                    (None, other) => other.display(),
                })
                .filter(|a| !a.is_empty())
                .collect();
            if answers.is_empty() {
                continue;
            }
            let mut depth = 0;
            let mut at = node;
            while let Some(parent) = self.parent_item(at) {
                depth += 1;
                at = parent;
            }
            out.push(ReviewLine { link_id: d.link_id.clone(), text: d.text(lang), depth, answers });
        }
        out
    }

    /// Every live item node in document order.
    pub fn walk(&self) -> Vec<NodeId> {
        let mut out = Vec::with_capacity(self.nodes.len());
        self.walk_from(ROOT, &mut out);
        out
    }

    fn walk_from(&self, inst: NodeId, out: &mut Vec<NodeId>) {
        for &item in &self.nodes[inst].kids {
            out.push(item);
            for &i in &self.nodes[item].kids {
                self.walk_from(i, out);
            }
        }
    }

    /// Top-level item nodes when the form is paged (some top-level group has itemControl `page`).
    pub fn pages(&self) -> Option<Vec<NodeId>> {
        let top = &self.nodes[ROOT].kids;
        top.iter().any(|&n| self.def(n).is_page()).then(|| top.clone())
    }

    /// Number of item definitions (for statistics and the bench).
    pub fn def_count(&self) -> usize {
        self.defs.len()
    }

    fn answered_link_ids(&self) -> Vec<String> {
        self.walk().into_iter().filter(|&n| !self.values(n).is_empty()).map(|n| self.def(n).link_id.clone()).collect()
    }

    // ------------------------------------------------------------------ enableWhen

    fn ancestors(&self, mut node: NodeId) -> Vec<NodeId> {
        let mut out = vec![node];
        while let Some(p) = self.nodes[node].parent {
            out.push(p);
            node = p;
        }
        out
    }

    /// The item node a condition's `question` refers to from `from`: the nearest occurrence
    /// (the one sharing the deepest ancestor with `from`).
    fn resolve(&self, from: NodeId, link_id: &str) -> Option<NodeId> {
        let candidates = self.by_link.get(link_id)?;
        match candidates.as_slice() {
            [] => None,
            [one] => Some(*one),
            many => {
                let anc = self.ancestors(from);
                many.iter().copied().min_by_key(|&c| {
                    let mut n = c;
                    loop {
                        if let Some(pos) = anc.iter().position(|&a| a == n) {
                            return pos;
                        }
                        match self.nodes[n].parent {
                            Some(p) => n = p,
                            None => return usize::MAX,
                        }
                    }
                })
            }
        }
    }

    fn condition_holds(&self, from: NodeId, cond: &crate::model::EnableWhen) -> bool {
        let answers: Vec<&Value> = match self.resolve(from, &cond.question) {
            Some(t) if self.nodes[t].enabled => self.values(t),
            _ => Vec::new(),
        };
        let Some(op) = cond.operator else { return false };
        let Some(expected) = &cond.value else { return false };
        if op == Operator::Exists {
            return matches!(expected, Value::Boolean(b) if *b != answers.is_empty());
        }
        if answers.is_empty() {
            return false;
        }
        use std::cmp::Ordering::*;
        match op {
            Operator::Eq => answers.iter().any(|a| a.same_as(expected)),
            Operator::Ne => answers.iter().all(|a| !a.same_as(expected)),
            Operator::Gt => answers.iter().any(|a| a.compare(expected) == Some(Greater)),
            Operator::Lt => answers.iter().any(|a| a.compare(expected) == Some(Less)),
            Operator::Ge => answers.iter().any(|a| matches!(a.compare(expected), Some(Greater | Equal))),
            Operator::Le => answers.iter().any(|a| matches!(a.compare(expected), Some(Less | Equal))),
            Operator::Exists => unreachable!("handled above"),
        }
    }

    fn own_conditions_hold(&self, item: NodeId) -> bool {
        if !self.nodes[item].expr_enabled {
            return false;
        }
        let d = self.def(item);
        let conds = &d.item.enable_when;
        if conds.is_empty() {
            return true;
        }
        match d.item.enable_behavior.unwrap_or_default() {
            EnableBehavior::All => conds.iter().all(|c| self.condition_holds(item, c)),
            EnableBehavior::Any => conds.iter().any(|c| self.condition_holds(item, c)),
        }
    }

    /// Whether an item's context is present: the root, a group repetition, or an answer that has a value.
    fn context_present(&self, item: NodeId) -> bool {
        let Some(inst) = self.nodes[item].parent else { return true };
        if inst == ROOT {
            return true;
        }
        let owner = self.nodes[inst].parent.expect("instance has an item");
        self.nodes[owner].enabled && (self.def(owner).kind == ItemType::Group || self.nodes[inst].value.is_some())
    }

    fn recompute(&mut self, changes: &mut Changes) {
        for pass in 0..MAX_PASSES {
            let mut changed = match self.hook {
                Some(hook) => hook(self, changes),
                None => false,
            };
            if pass == MAX_PASSES - 1 && changed {
                self.note("The form's expressions do not settle (a cycle): the last values are shown.".into());
            }
            for item in self.walk() {
                let now = self.context_present(item) && self.own_conditions_hold(item);
                if now != self.nodes[item].enabled {
                    self.nodes[item].enabled = now;
                    changes.add(item);
                    changed = true;
                    if now {
                        self.apply_initial_if_empty(item);
                    } else {
                        self.wipe(item, changes);
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Removes every answer of an item node and its descendants.
    fn wipe(&mut self, item: NodeId, changes: &mut Changes) {
        let def = self.nodes[item].def.expect("item");
        let d = &self.defs[def];
        let kind = d.kind.clone();
        let keep_one = !d.is_multi_select();
        if kind == ItemType::Display {
            return;
        }
        let insts = self.nodes[item].kids.clone();
        let had_values = insts.iter().any(|&i| self.nodes[i].value.is_some());
        if kind == ItemType::Group || (keep_one && !self.defs[def].repeats) {
            for (n, &i) in insts.iter().enumerate() {
                if n == 0 {
                    self.nodes[i].value = None;
                    for k in self.nodes[i].kids.clone() {
                        self.wipe(k, changes);
                    }
                } else {
                    self.kill(i);
                }
            }
            self.nodes[item].kids.truncate(1);
        } else {
            for &i in &insts {
                self.kill(i);
            }
            self.nodes[item].kids.clear();
            if keep_one {
                self.new_instance(item, None, false);
            }
        }
        if had_values || insts.len() > 1 {
            changes.add(item);
        }
    }

    fn apply_initial_if_empty(&mut self, item: NodeId) {
        let def = self.nodes[item].def.expect("item");
        if !self.defs[def].is_question() || !self.values(item).is_empty() {
            return;
        }
        let values = self.initial_values(def);
        if values.is_empty() {
            return;
        }
        if self.defs[def].is_multi_select() || self.defs[def].repeats {
            for &i in &self.nodes[item].kids.clone() {
                self.kill(i);
            }
            self.nodes[item].kids.clear();
            for v in values {
                self.new_instance(item, Some(v), true);
            }
        } else if let Some(&i) = self.nodes[item].kids.first() {
            self.nodes[i].value = values.into_iter().next();
        }
    }

    // ------------------------------------------------------------------ mutations

    /// Sets (or clears, with `None`) the answer of a question instance.
    pub fn set_value(&mut self, instance: NodeId, value: Option<Value>) -> Changes {
        let mut changes = Changes::default();
        let item = self.item_of(instance);
        if !self.is_enabled(item) || !self.nodes[instance].alive {
            return changes; // a disabled item never holds answers
        }
        let had = self.nodes[instance].value.is_some();
        self.nodes[instance].value = value;
        if self.def(item).sdc.as_ref().is_some_and(|x| x.calculated.is_some()) {
            self.nodes[item].edited = true;
        }
        let has = self.nodes[instance].value.is_some();
        if had != has && !self.def(item).children.is_empty() {
            changes.add(item);
        }
        self.recompute(&mut changes);
        changes
    }

    /// Selects or deselects an option of a multi-select (repeating choice) question.
    pub fn toggle(&mut self, item: NodeId, value: &Value, on: bool) -> Changes {
        let mut changes = Changes::default();
        if !self.is_enabled(item) {
            return changes;
        }
        let existing = self.nodes[item]
            .kids
            .iter()
            .copied()
            .find(|&i| self.nodes[i].value.as_ref().is_some_and(|v| v.same_as(value)));
        match (existing, on) {
            (None, true) => {
                self.new_instance(item, Some(value.clone()), false);
                changes.add(item);
            }
            (Some(i), false) => {
                self.kill(i);
                self.nodes[item].kids.retain(|&k| k != i);
                changes.add(item);
            }
            _ => {}
        }
        self.recompute(&mut changes);
        changes
    }

    /// Replaces the free-text ("other") answers of an open-choice multi-select.
    pub fn set_other(&mut self, item: NodeId, text: Option<String>) -> Changes {
        let mut changes = Changes::default();
        if !self.is_enabled(item) {
            return changes;
        }
        let d = self.def_arc(item);
        let others: Vec<NodeId> = self.nodes[item]
            .kids
            .iter()
            .copied()
            .filter(|&i| self.nodes[i].value.as_ref().is_some_and(|v| d.choice_for(v).is_none()))
            .collect();
        for i in &others {
            self.kill(*i);
        }
        self.nodes[item].kids.retain(|k| !others.contains(k));
        if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
            self.new_instance(item, Some(Value::String(t)), false);
        }
        changes.add(item);
        self.recompute(&mut changes);
        changes
    }

    /// Can another repetition (group) or answer (repeating question) be added?
    pub fn can_add(&self, item: NodeId) -> bool {
        let d = self.def(item);
        d.repeats
            && !d.is_multi_select()
            && d.kind != ItemType::Display
            && d.max_occurs.is_none_or(|m| (self.nodes[item].kids.len() as u32) < m)
    }

    /// Can this repetition be removed (leaves at least one, and at least minOccurs)?
    pub fn can_remove(&self, item: NodeId) -> bool {
        let n = self.nodes[item].kids.len() as u32;
        self.def(item).repeats && n > 1 && n > self.def(item).min_occurs.unwrap_or(0)
    }

    /// Adds an empty repetition of a repeating group or question; returns the new instance.
    pub fn add_instance(&mut self, item: NodeId) -> Option<(NodeId, Changes)> {
        if !self.can_add(item) || !self.is_enabled(item) {
            return None;
        }
        let mut changes = Changes::default();
        let inst = self.new_instance(item, None, false);
        changes.add(item);
        self.recompute(&mut changes);
        Some((inst, changes))
    }

    pub fn remove_instance(&mut self, item: NodeId, instance: NodeId) -> Changes {
        let mut changes = Changes::default();
        if self.nodes[item].kids.contains(&instance) && self.can_remove(item) {
            self.kill(instance);
            self.nodes[item].kids.retain(|&k| k != instance);
            changes.add(item);
            self.recompute(&mut changes);
        }
        changes
    }

    // ------------------------------------------------------------------ response in / out

    fn load_instance(&mut self, inst: NodeId, items: &[ResponseItem], warnings: &mut Vec<LoadWarning>) {
        let kids = self.nodes[inst].kids.clone();
        for ri in items {
            if !kids.iter().any(|&k| self.def(k).link_id == ri.link_id) {
                warnings.push(LoadWarning::UnknownLinkId(ri.link_id.clone()));
            }
        }
        for item in kids {
            let d = self.def_arc(item);
            let matching: Vec<&ResponseItem> = items.iter().filter(|r| r.link_id == d.link_id).collect();
            if matching.is_empty() {
                continue;
            }
            match d.kind {
                ItemType::Group => {
                    let wanted = if d.repeats { matching.len() } else { 1 };
                    if matching.len() > wanted {
                        warnings.push(LoadWarning::TooManyAnswers(d.link_id.clone()));
                    }
                    while self.nodes[item].kids.len() < wanted {
                        self.new_instance(item, None, false);
                    }
                    for (n, ri) in matching.iter().take(wanted).enumerate() {
                        let i = self.nodes[item].kids[n];
                        self.nodes[i].extra = ri.extra.clone();
                        self.load_instance(i, &ri.item, warnings);
                    }
                }
                ItemType::Display => {}
                _ => {
                    let answers: Vec<&Answer> = matching.iter().flat_map(|r| r.answer.iter()).collect();
                    if let Some(first) = matching.first() {
                        self.nodes[item].extra = first.extra.clone();
                        if !first.item.is_empty() {
                            warnings.push(LoadWarning::UnknownLinkId(format!("{}/item", d.link_id)));
                        }
                    }
                    for a in &answers {
                        if let Some(v) = &a.value
                            && !validate::type_fits(&d, v)
                        {
                            warnings.push(LoadWarning::WrongType(d.link_id.clone()));
                        }
                    }
                    let allowed = if d.repeats { usize::MAX } else { 1 };
                    if answers.len() > allowed {
                        warnings.push(LoadWarning::TooManyAnswers(d.link_id.clone()));
                    }
                    for &i in &self.nodes[item].kids.clone() {
                        self.kill(i);
                    }
                    self.nodes[item].kids.clear();
                    for a in answers.iter().take(allowed) {
                        let i = self.new_instance(item, a.value.clone(), false);
                        self.nodes[i].extra = a.extra.clone();
                        self.load_instance(i, &a.item, warnings);
                    }
                    if self.nodes[item].kids.is_empty() && !d.is_multi_select() {
                        self.new_instance(item, None, false);
                    }
                }
            }
        }
    }

    /// The current answers as a QuestionnaireResponse (`status` in-progress). Disabled items and
    /// unanswered questions are left out; fields of a resumed response are kept.
    pub fn response(&self) -> QuestionnaireResponse {
        let base = self.base.clone().unwrap_or_else(|| QuestionnaireResponse {
            resource_type: "QuestionnaireResponse".into(),
            id: None,
            questionnaire: self.questionnaire.canonical(),
            status: "in-progress".into(),
            authored: None,
            item: Vec::new(),
            extra: Object::new(),
        });
        QuestionnaireResponse { item: self.out_instance(ROOT), ..base }
    }

    fn out_instance(&self, inst: NodeId) -> Vec<ResponseItem> {
        self.nodes[inst].kids.iter().flat_map(|&k| self.out_item(k)).collect()
    }

    fn out_item(&self, item: NodeId) -> Vec<ResponseItem> {
        let node = &self.nodes[item];
        if !node.enabled {
            return Vec::new();
        }
        let d = self.def(item);
        let base = |extra: &Object| ResponseItem {
            link_id: d.link_id.clone(),
            definition: d.item.definition.clone(),
            text: d.item.text.clone(),
            answer: Vec::new(),
            item: Vec::new(),
            extra: extra.clone(),
        };
        match d.kind {
            ItemType::Display | ItemType::Other(_) => Vec::new(),
            ItemType::Group => node
                .kids
                .iter()
                .filter_map(|&i| {
                    let children = self.out_instance(i);
                    (!children.is_empty()).then(|| ResponseItem { item: children, ..base(&self.nodes[i].extra) })
                })
                .collect(),
            _ => {
                let answer: Vec<Answer> = node
                    .kids
                    .iter()
                    .filter_map(|&i| {
                        let inst = &self.nodes[i];
                        inst.value.as_ref().map(|v| Answer {
                            value: Some(v.clone()),
                            item: self.out_instance(i),
                            extra: inst.extra.clone(),
                        })
                    })
                    .collect();
                if answer.is_empty() { Vec::new() } else { vec![ResponseItem { answer, ..base(&node.extra) }] }
            }
        }
    }

    // ------------------------------------------------------------------ validation, scores

    /// Problems of one item node (empty when disabled, hidden or computed).
    pub fn validate_item(&self, item: NodeId) -> Vec<ValidationError> {
        if !self.is_enabled(item) {
            return Vec::new();
        }
        validate::item(self, item)
    }

    /// Item nodes in document order: the whole form, or one item node and everything under it.
    pub fn subtree(&self, within: Option<NodeId>) -> Vec<NodeId> {
        match within {
            None => self.walk(),
            Some(top) => {
                let mut out = vec![top];
                for &i in &self.nodes[top].kids {
                    self.walk_from(i, &mut out);
                }
                out
            }
        }
    }

    /// Problems of the whole form (or of one page: pass its item node) in document order.
    pub fn validate(&self, within: Option<NodeId>) -> Vec<Issue> {
        let nodes = self.subtree(within);
        nodes
            .into_iter()
            .flat_map(|n| {
                self.validate_item(n).into_iter().map(move |error| Issue {
                    item: n,
                    link_id: self.def(n).link_id.clone(),
                    error,
                })
            })
            .collect()
    }

    /// Whether any answer option declares a weight (ordinalValue / itemWeight).
    pub fn has_scores(&self) -> bool {
        self.defs.iter().any(|d| d.choices.iter().any(|c| c.weight.is_some()))
    }

    /// Sum of the weights of the chosen options in enabled items, below `within` (or the whole form).
    pub fn score(&self, within: Option<NodeId>) -> Option<f64> {
        if !self.has_scores() {
            return None;
        }
        let nodes = self.subtree(within);
        Some(
            nodes
                .into_iter()
                .filter(|&n| self.is_enabled(n))
                .flat_map(|n| {
                    let d = self.def(n);
                    self.values(n).into_iter().filter_map(move |v| d.choice_for(v).and_then(|c| c.weight))
                })
                .sum(),
        )
    }

    /// The most urgent chosen answer (Ingång's urgency extension), with its item node.
    pub fn urgency(&self) -> Option<(Urgency, NodeId)> {
        self.walk()
            .into_iter()
            .filter(|&n| self.is_enabled(n))
            .flat_map(|n| {
                let d = self.def(n);
                self.values(n).into_iter().filter_map(move |v| d.choice_for(v).and_then(|c| c.urgency).map(|u| (u, n)))
            })
            .max_by_key(|(u, _)| *u)
    }
}

/// One answered question in [`Form::review`].
/// What one pass of the expressions decided, applied after the pass.
enum Update {
    /// An item's enableWhenExpression.
    Enabled(NodeId, bool),
    /// An item's calculated (or, `true`, initial) answers.
    Values(NodeId, Vec<Value>, bool),
    /// An item's options (`answerExpression`, `answerOptionsToggleExpression`).
    Options(NodeId, Vec<crate::def::Choice>),
    /// An item's text (`cqf-expression`; `None`: the expression gave nothing).
    Text(NodeId, Option<String>),
}

/// A broken constraint as a validation error, in Swedish and English.
fn violation(c: &crate::expressions::Constraint) -> ValidationError {
    ValidationError::Constraint { sv: c.message("sv"), en: c.message("en") }
}

/// One pass over the tree with the variables in scope.
struct Visit<'f, 'a> {
    form: &'f Form,
    sdc: &'a Sdc,
    resource: &'a serde_json::Value,
    places: &'a HashMap<NodeId, String>,
    /// Response items without answers, for `%context` ([`Form::apply_expressions`]).
    bare: &'a HashMap<NodeId, serde_json::Value>,
    notes: &'f mut Vec<String>,
    updates: &'f mut Vec<Update>,
    /// Item-level variables as text (their first repetition), for the preview.
    shown: &'f mut Vec<(String, String)>,
    violations: &'f mut HashMap<NodeId, Vec<(bool, ValidationError)>>,
}

impl<'a> Visit<'_, 'a> {
    fn json_at(&self, node: NodeId) -> Vec<crate::fhirpath::Val<'a>> {
        self.places
            .get(&node)
            .and_then(|p| self.resource.pointer(p))
            .or_else(|| self.bare.get(&node))
            .map(crate::fhirpath::eval::from_json)
            .unwrap_or_default()
    }

    fn run(
        &mut self,
        what: &str,
        link_id: &str,
        text: &str,
        focus: &[crate::fhirpath::Val<'a>],
        env: &crate::fhirpath::Env<'a>,
    ) -> Option<Vec<crate::fhirpath::Val<'a>>> {
        // (a syntax error was noted when parsing)
        let expr = self.form.parsed.get(text)?.as_ref()?;
        match crate::fhirpath::evaluate(expr, focus, env) {
            Ok(v) => Some(v),
            Err(e) => {
                self.notes.push(format!("{link_id} ({what}): {e}"));
                None
            }
        }
    }

    /// An item's options: its `answerExpression`'s result (else its written options) less
    /// those a toggle turns off. A toggle whose expression is not true turns its options off.
    fn options(
        &mut self,
        item: NodeId,
        x: &crate::expressions::Compiled,
        context: &[crate::fhirpath::Val<'a>],
        env: &crate::fhirpath::Env<'a>,
    ) {
        if x.answer.is_none() && x.toggles.is_empty() {
            return;
        }
        let d = &self.form.defs[self.form.nodes[item].def.expect("an item node")];
        let link_id = d.link_id.clone();
        let mut options: Vec<crate::def::Choice> = match &x.answer {
            Some(e) => match self.run("answerExpression", &link_id, e, context, env) {
                Some(v) => {
                    let mut out: Vec<crate::def::Choice> = Vec::new();
                    for value in crate::expressions::options_of(&v) {
                        if !out.iter().any(|c| c.value.same_as(&value)) {
                            // a written option with the same value keeps its label and weight
                            out.push(d.choice_for(&value).cloned().unwrap_or_else(|| crate::def::Choice::of(value)));
                        }
                    }
                    out
                }
                None => Vec::new(),
            },
            None => d.choices.clone(),
        };
        for (governed, e) in &x.toggles {
            let on = self
                .run("answerOptionsToggleExpression", &link_id, e, context, env)
                .is_some_and(|v| matches!(v.as_slice(), [crate::fhirpath::Val::Bool(true)]));
            if !on {
                options.retain(|c| !governed.iter().any(|g| c.value.same_as(g)));
            }
        }
        self.updates.push(Update::Options(item, options));
    }

    fn instance(&mut self, inst: NodeId, env: &crate::fhirpath::Env<'a>) {
        for &item in &self.form.nodes[inst].kids.clone() {
            self.item(item, env);
        }
    }

    fn item(&mut self, item: NodeId, outer: &crate::fhirpath::Env<'a>) {
        let form = self.form;
        let node = &form.nodes[item];
        if !node.alive {
            return;
        }
        let d = form.def(item);
        let Some(x) = &d.sdc else {
            for &i in &node.kids {
                self.instance(i, outer);
            }
            return;
        };
        // `%qitem`, and `%context`: the item's answers in the response (for a group, each
        // repetition in turn)
        let qitem: Vec<crate::fhirpath::Val<'a>> = self
            .sdc
            .qitems
            .get(&d.link_id)
            .and_then(|p| self.sdc.questionnaire.pointer(p))
            .map(crate::fhirpath::eval::from_json)
            .unwrap_or_default();
        let contexts: Vec<(Option<NodeId>, Vec<crate::fhirpath::Val<'a>>)> = if d.kind == ItemType::Group {
            node.kids.iter().map(|&i| (Some(i), self.json_at(i))).collect()
        } else {
            vec![(None, self.json_at(item))]
        };
        for (n, (inst, context)) in contexts.into_iter().enumerate() {
            let mut env = crate::fhirpath::Env {
                vars: outer.vars.clone(),
                now_ms: outer.now_ms,
                tz_minutes: outer.tz_minutes,
                regex: outer.regex,
            };
            env.set("context", context.clone());
            env.set("qitem", qitem.clone());
            for (name, expr) in &x.variables {
                let value = self.run(&format!("%{name}"), &d.link_id, expr, &context, &env).unwrap_or_default();
                if n == 0 {
                    self.shown.push((format!("%{name} ({})", d.link_id), crate::fhirpath::eval::describe(&value)));
                }
                env.set(name, value);
            }
            // the item's own expressions once (a group's with its first repetition)
            if n == 0 {
                if let Some(e) = &x.enable_when
                    && let Some(v) = self.run("enableWhenExpression", &d.link_id, e, &context, &env)
                {
                    let on = matches!(v.as_slice(), [crate::fhirpath::Val::Bool(true)]);
                    self.updates.push(Update::Enabled(item, on));
                }
                if node.enabled {
                    if let Some(e) = &x.initial
                        && !node.initialised
                        && let Some(v) = self.run("initialExpression", &d.link_id, e, &context, &env)
                    {
                        self.updates.push(Update::Values(item, crate::expressions::answers_for(&d.kind, &v), true));
                    }
                    if let Some(e) = &x.calculated
                        && !node.edited
                        && let Some(v) = self.run("calculatedExpression", &d.link_id, e, &context, &env)
                    {
                        self.updates.push(Update::Values(item, crate::expressions::answers_for(&d.kind, &v), false));
                    }
                    self.options(item, x, &context, &env);
                    if let Some(e) = &x.text {
                        let text = self
                            .run("cqf-expression", &d.link_id, e, &context, &env)
                            .and_then(|v| crate::expressions::text_of(&v));
                        self.updates.push(Update::Text(item, text));
                    }
                }
            }
            if node.enabled {
                for c in &x.constraints {
                    let broken = self
                        .run(&format!("targetConstraint {}", c.key), &d.link_id, &c.expression, &context, &env)
                        .is_some_and(|v| matches!(v.as_slice(), [crate::fhirpath::Val::Bool(false)]));
                    let list = self.violations.entry(item).or_default();
                    let v = (c.error, violation(c));
                    if broken && !list.contains(&v) {
                        list.push(v);
                    }
                }
                if self.violations.get(&item).is_some_and(Vec::is_empty) {
                    self.violations.remove(&item);
                }
            }
            match inst {
                Some(i) => self.instance(i, &env),
                None => {
                    for &i in &node.kids {
                        self.instance(i, &env);
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLine {
    pub link_id: String,
    pub text: String,
    /// 0 for a top-level question.
    pub depth: usize,
    pub answers: Vec<String>,
}

/// A number with the item's unit (`questionnaire-unit`), as a reader expects it: "4 år".
fn with_unit(number: String, unit: Option<String>) -> String {
    match unit {
        Some(u) if !u.is_empty() => format!("{number} {u}"),
        _ => number,
    }
}

#[cfg(test)]
mod review_tests {
    use super::*;
    use crate::model::{Questionnaire, QuestionnaireResponse};

    #[test]
    fn numbers_are_reviewed_with_their_unit() {
        let q = Questionnaire::from_json(
            r#"{"resourceType":"Questionnaire","item":[
              {"linkId":"alder","text":"Hur gammalt är barnet?","type":"integer","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-unit","valueCoding":{"system":"http://unitsofmeasure.org","code":"a","display":"år"}}]},
              {"linkId":"temp","text":"Temperatur","type":"decimal","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-unit","valueCoding":{"code":"Cel"}}]},
              {"linkId":"antal","text":"Antal","type":"integer"}]}"#,
        )
        .unwrap();
        let r = QuestionnaireResponse::from_json(
            r#"{"resourceType":"QuestionnaireResponse","status":"completed","item":[
              {"linkId":"alder","answer":[{"valueInteger":4}]},
              {"linkId":"temp","answer":[{"valueDecimal":38.5}]},
              {"linkId":"antal","answer":[{"valueInteger":2}]}]}"#,
        )
        .unwrap();
        let (form, _) = Form::with_response(q, r);
        let lines: Vec<String> = form.review("sv", ("Ja", "Nej")).into_iter().map(|l| l.answers.join(",")).collect();
        assert_eq!(lines, ["4 år", "38,5 Cel", "2"]);
    }

    #[test]
    fn units_and_entry_formats_follow_their_translations() {
        let tr = |lang: &str, text: &str| {
            format!(
                r#"{{"url":"http://hl7.org/fhir/StructureDefinition/translation","extension":[{{"url":"lang","valueCode":"{lang}"}},{{"url":"content","valueString":"{text}"}}]}}"#
            )
        };
        let q = Questionnaire::from_json(&format!(
            r#"{{"resourceType":"Questionnaire","item":[
              {{"linkId":"alder","text":"Hur gammalt är barnet?","type":"integer","extension":[
                {{"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-unit","valueCoding":{{"code":"a","display":"år","_display":{{"extension":[{}]}}}}}},
                {{"url":"http://hl7.org/fhir/StructureDefinition/entryFormat","valueString":"t.ex. 4","_valueString":{{"extension":[{}]}}}}]}}]}}"#,
            tr("en", "years"),
            tr("en", "e.g. 4")
        ))
        .unwrap();
        let r = QuestionnaireResponse::from_json(
            r#"{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"alder","answer":[{"valueInteger":4}]}]}"#,
        )
        .unwrap();
        let (form, _) = Form::with_response(q, r);
        let d = form.def(form.items(form.root())[0]);
        assert_eq!(d.unit_label("en").as_deref(), Some("years"));
        assert_eq!(d.unit_label("fi").as_deref(), Some("år"), "no Finnish: as written");
        assert_eq!(d.entry_format_in("en").as_deref(), Some("e.g. 4"));
        assert_eq!(d.entry_format_in("sv").as_deref(), Some("t.ex. 4"));
        let lines: Vec<String> = form.review("en", ("Yes", "No")).into_iter().map(|l| l.answers.join(",")).collect();
        assert_eq!(lines, ["4 years"]);
    }
}
