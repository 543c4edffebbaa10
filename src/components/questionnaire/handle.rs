//! [`FormHandle`]: the engine's [`Form`] plus the per-item signals the views subscribe to.
//!
//! The form itself is not reactive. Each item node has its own triggers, and a mutation
//! notifies only the item nodes the engine reports as changed, so a keystroke re-renders the
//! item it touches and nothing else.

use std::collections::HashMap;

use ingang_questionnaire::{Changes, Form, NodeId, ValidationError};
use leptos::prelude::*;

/// Signals of one node (item or instance).
#[derive(Clone)]
pub struct NodeSignals {
    /// The engine changed this item: enabled state, instances, or values (structure).
    pub version: ArcTrigger,
    /// Values changed by something other than the item's own input (wipe, restore).
    pub external: ArcTrigger,
    /// The user edited this item (its errors may have changed).
    pub edited: ArcTrigger,
    /// The user has left this item once: show its errors from now on.
    pub touched: ArcRwSignal<bool>,
    /// Instance nodes: typed text that is not a valid value ("tre" in a number field).
    pub parse_error: ArcRwSignal<Option<ValidationError>>,
}

impl NodeSignals {
    fn new() -> Self {
        Self {
            version: ArcTrigger::new(),
            external: ArcTrigger::new(),
            edited: ArcTrigger::new(),
            touched: ArcRwSignal::new(false),
            parse_error: ArcRwSignal::new(None),
        }
    }
}

#[derive(Clone, Copy)]
pub struct FormHandle {
    form: StoredValue<Form, LocalStorage>,
    signals: StoredValue<HashMap<NodeId, NodeSignals>, LocalStorage>,
    /// Items the user has changed (only those show errors on leaving them).
    dirty: StoredValue<std::collections::HashSet<NodeId>, LocalStorage>,
    /// Bumped on every change (response panel, drafts, score).
    pub revision: RwSignal<u64>,
    /// After a submit attempt: show every error, touched or not.
    pub show_all_errors: RwSignal<bool>,
    /// Distinguishes handles, so a view can remount when the form is replaced.
    pub generation: u64,
}

thread_local! {
    static GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

impl FormHandle {
    pub fn new(mut form: Form) -> Self {
        form.set_regex(crate::browser::regex_match);
        let calculating = form.has_expressions();
        let handle = Self {
            form: StoredValue::new_local(form),
            signals: StoredValue::new_local(HashMap::new()),
            dirty: StoredValue::new_local(Default::default()),
            revision: RwSignal::new(0),
            show_all_errors: RwSignal::new(false),
            generation: GENERATION.with(|g| {
                g.set(g.get() + 1);
                g.get()
            }),
        };
        if calculating {
            // the evaluator is a chunk of its own: the form shows at once, its calculations
            // as soon as the chunk is there (a form without expressions never fetches it)
            leptos::task::spawn_local(async move {
                let Ok(hook) = crate::chunks::expressions().await else { return };
                // `now()` and `today()`: this device's clock, fixed while the form is open
                let offset = -js_sys::Date::new_0().get_timezone_offset() as i32;
                let now = js_sys::Date::now() as i64;
                let mut changes = Changes::default();
                let alive = handle.form.try_update_value(|f| {
                    f.set_clock(now, offset);
                    changes = f.install_expressions(hook);
                });
                if alive.is_some() {
                    handle.external(changes);
                }
            });
        }
        handle
    }

    /// Notifies the items a change from outside the user's typing touched (the calculations).
    fn external(&self, changes: Changes) {
        for id in changes.items {
            let s = self.sig(id);
            s.version.notify();
            s.external.notify();
        }
        self.recheck(&changes.errors);
        self.revision.try_update(|r| *r += 1);
    }

    /// Items whose broken constraints changed (a `targetConstraint` reads other answers):
    /// their shown errors are read again.
    fn recheck(&self, items: &[NodeId]) {
        for &id in items {
            self.sig(id).edited.notify();
        }
    }

    /// Reads the form (not tracked: track a node's signals first).
    pub fn with<R>(&self, f: impl FnOnce(&Form) -> R) -> R {
        self.form.with_value(f)
    }

    /// [`Self::with`], or `None` once the form is gone (for timers and page events).
    pub fn try_with<R>(&self, f: impl FnOnce(&Form) -> R) -> Option<R> {
        self.form.try_with_value(f)
    }

    /// The signals of a node, created on first use.
    pub fn sig(&self, id: NodeId) -> NodeSignals {
        if let Some(s) = self.signals.with_value(|m| m.get(&id).cloned()) {
            return s;
        }
        let s = NodeSignals::new();
        self.signals.update_value(|m| {
            m.insert(id, s.clone());
        });
        s
    }

    /// Applies a user's edit of `item` and notifies what changed.
    pub fn edit(&self, item: NodeId, f: impl FnOnce(&mut Form) -> Changes) {
        let mut changes = Changes::default();
        self.form.update_value(|form| changes = f(form));
        for id in changes.items {
            let s = self.sig(id);
            s.version.notify();
            if id != item {
                s.external.notify();
            }
        }
        self.recheck(&changes.errors);
        self.dirty.update_value(|d| {
            d.insert(item);
        });
        self.sig(item).edited.notify();
        self.revision.update(|r| *r += 1);
    }

    /// Records typed text that is not a valid value (or clears it).
    pub fn set_parse_error(&self, instance: NodeId, error: Option<ValidationError>) {
        let s = self.sig(instance).parse_error;
        if s.get_untracked() != error {
            s.set(error);
        }
    }

    /// Whether an item's messages show now: once the user has left it, or after a submit
    /// attempt (tracked, with the item's edits and changes).
    fn messages_shown(&self, item: NodeId) -> bool {
        let s = self.sig(item);
        s.edited.track();
        s.version.track();
        s.touched.get() || self.show_all_errors.get()
    }

    /// The errors of an item to show now (tracked), in the UI language.
    pub fn visible_errors(&self, item: NodeId, lang: &'static str) -> Vec<String> {
        if !self.messages_shown(item) {
            return Vec::new();
        }
        self.errors_now(item, lang)
    }

    /// The broken `warning` constraints of an item to show now (tracked, shown like errors),
    /// in the UI language.
    pub fn visible_warnings(&self, item: NodeId, lang: &'static str) -> Vec<String> {
        if !self.messages_shown(item) {
            return Vec::new();
        }
        self.with(|f| f.warnings(item)).into_iter().map(|e| e.message(lang)).collect()
    }

    /// Parse errors of the item's inputs, then the engine's rules (untracked).
    pub fn errors_now(&self, item: NodeId, lang: &str) -> Vec<String> {
        let instances = self.with(|f| f.instances(item).to_vec());
        let mut out: Vec<String> =
            instances.iter().filter_map(|&i| self.sig(i).parse_error.get().map(|e| e.message(lang))).collect();
        if out.is_empty() {
            out = self.with(|f| f.validate_item(item)).into_iter().map(|e| e.message(lang)).collect();
        }
        out.dedup();
        out
    }

    /// Marks an item as left by the user: its errors show from now on, if the user changed it.
    /// Moving through a field without typing never raises "Du behöver svara på frågan" (and never
    /// shifts the layout under the pointer); that waits for "Nästa"/submit.
    ///
    /// Called on blur, which the browser also fires when a focused field is removed with its
    /// form (an inactivity logout, a step left): then the form is gone and nothing happens.
    pub fn touch(&self, item: NodeId) {
        if !self.dirty.try_with_value(|d| d.contains(&item)).unwrap_or(false) {
            return;
        }
        let Some(Some(s)) = self.signals.try_with_value(|m| m.get(&item).cloned()) else { return };
        if s.touched.try_get_untracked() == Some(false) {
            s.touched.set(true);
        }
    }
}
