//! Free times by day: a day picker (each day with its number of free times), then that day's
//! times as radio buttons. Used to move a visit and to book one. The days are the unit's own
//! (its time zone), in the order the API gives the slots.

use ingang_api::visits::Slot;
use leptos::prelude::*;

use crate::{
    browser::{self, moment_text},
    i18n::use_i18n,
};

/// Slots grouped by day (`day_of` gives a slot's day key), days and times in the order given.
pub fn group_by_day(slots: Vec<Slot>, day_of: impl Fn(&Slot) -> String) -> Vec<(String, Vec<Slot>)> {
    let mut out: Vec<(String, Vec<Slot>)> = Vec::new();
    for s in slots {
        let key = day_of(&s);
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(s),
            None => out.push((key, vec![s])),
        }
    }
    out
}

/// The day and time choice over `slots` (not empty); the chosen slot's id goes to `chosen`.
/// `legend` is the day fieldset's legend, focusable by its `id` ("slots-legend").
#[component]
pub fn SlotPicker(
    slots: Vec<Slot>,
    /// The unit's IANA time zone.
    time_zone: String,
    chosen: RwSignal<Option<String>>,
    legend: fn(&crate::i18n::Strings) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let tz = StoredValue::new(time_zone);
    let days = StoredValue::new(group_by_day(slots, |s| tz.with_value(|tz| browser::day_in(s.starts_at, tz))));
    let day = RwSignal::new(0usize);
    let day_text = move |at: i64| tz.with_value(|tz| browser::day_text(at, tz, i18n.locale().code()));
    let day_options = days.with_value(|d| {
        d.iter()
            .enumerate()
            .map(|(i, (_, slots))| {
                let (first, n) = (slots[0].starts_at, slots.len());
                let id = format!("slot-day-{i}");
                view! {
                    <div class="choice">
                        <input type="radio" name="slot-day" id=id.clone()
                            prop:checked=move || day.get() == i
                            on:change=move |_| { day.set(i); chosen.set(None); } />
                        <label for=id>{move || {
                            let t = i18n.t();
                            let count = crate::i18n::plural(t, t.visits_slot_count, n as u64).replace("{n}", &n.to_string());
                            format!("{} ({count})", day_text(first))
                        }}</label>
                    </div>
                }
            })
            .collect_view()
    });
    let times = move || {
        let slots = days.with_value(|d| d.get(day.get()).map(|(_, s)| s.clone())).unwrap_or_default();
        slots
            .into_iter()
            .map(|s| {
                let id = format!("slot-{}", s.id);
                let value = s.id.clone();
                let starts = s.starts_at;
                view! {
                    <div class="choice">
                        <input type="radio" name="slot" id=id.clone() value=value.clone()
                            prop:checked={let v = value.clone(); move || chosen.get().as_deref() == Some(v.as_str())}
                            on:change=move |_| chosen.set(Some(value.clone())) />
                        <label for=id>{move || tz.with_value(|tz| moment_text(starts, tz, i18n.locale().code(), false))}</label>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="choices slot-days">
            <legend id="slots-legend" tabindex="-1">{move || legend(i18n.t())}</legend>
            {day_options}
        </fieldset>
        <fieldset class="choices slots">
            <legend>{move || {
                let first = days.with_value(|d| d.get(day.get()).map(|(_, s)| s[0].starts_at));
                first.map(|f| i18n.t().visits_reschedule_legend_day.replace("{day}", &day_text(f)))
            }}</legend>
            {times}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingang_api::visits::VisitKind;

    fn slot(id: &str, starts_at: i64) -> Slot {
        Slot { id: id.into(), starts_at, ends_at: starts_at + 1800, kind: VisitKind::Clinic }
    }

    #[test]
    fn slots_are_grouped_by_day_in_order() {
        let slots = vec![slot("a", 100), slot("b", 200), slot("c", 86_400 + 100), slot("d", 300)];
        let days = group_by_day(slots, |s| (s.starts_at / 86_400).to_string());
        let ids: Vec<Vec<&str>> = days.iter().map(|(_, s)| s.iter().map(|s| s.id.as_str()).collect()).collect();
        assert_eq!(ids, vec![vec!["a", "b", "d"], vec!["c"]]);
    }
}
