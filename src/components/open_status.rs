//! "Öppet nu, till 18:00" / "Stängt nu. Öppnar måndag 07:30" for a unit's staffed hours, and the
//! hours as a short list. The local time comes from the browser's `Intl` in the unit's zone
//! ([`crate::browser::local_time_in`]); the rules are in [`ingang_api::hours`]. Re-evaluated
//! every minute.

use ingang_api::hours::{self, DayHours, OpenState};
use leptos::prelude::*;

use crate::i18n::{Strings, use_i18n};

/// A weekday's name (1 = Monday), from the comma-separated list in the locale.
fn day_name(list: &'static str, day: u8) -> &'static str {
    list.split(',').nth(usize::from(day.saturating_sub(1))).unwrap_or_default()
}

/// The sentence for a state.
pub fn state_text(state: &OpenState, t: &Strings) -> String {
    match state {
        OpenState::Open { closes } => t.hours_open_now.replace("{time}", closes),
        OpenState::Opens { in_days: 0, at, .. } => t.hours_opens_today.replace("{time}", at),
        OpenState::Opens { in_days: 1, at, .. } => t.hours_opens_tomorrow.replace("{time}", at),
        OpenState::Opens { day, at, .. } => {
            t.hours_opens_day.replace("{day}", day_name(t.weekdays, *day)).replace("{time}", at)
        }
        OpenState::Never => t.hours_never.to_owned(),
    }
}

/// A minute clock, so "Öppet nu" turns into "Stängt nu" while the page is open.
fn minute_tick() -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || set_tick.update(|n| *n = n.wrapping_add(1)),
        std::time::Duration::from_secs(60),
    ) {
        on_cleanup(move || handle.clear());
    }
    tick
}

#[component]
pub fn OpenStatus(time_zone: String, hours: Vec<DayHours>) -> impl IntoView {
    let i18n = use_i18n();
    let tick = minute_tick();
    let state = move || {
        tick.track();
        crate::browser::local_time_in(&time_zone).map(|now| hours::state(&hours, now))
    };
    view! {
        {move || state().map(|s| {
            let open = matches!(s, OpenState::Open { .. });
            view! {
                <span class="open-status" class:open-status--open=open data-testid="open-status">
                    {state_text(&s, i18n.t())}
                </span>
            }
        })}
    }
}

/// "mån–fre 08:00–18:00", one line per run of days with the same hours.
#[component]
pub fn StaffedHours(hours: Vec<DayHours>) -> impl IntoView {
    let i18n = use_i18n();
    let runs = hours::runs(&hours);
    view! {
        <div class="staffed-hours">
            <h3 class="staffed-hours__heading">{move || i18n.t().hours_heading}</h3>
            <ul>
                {runs.into_iter().map(|(from, to, opens, closes)| {
                    let days = move || {
                        let short = i18n.t().weekdays_short;
                        if from == to {
                            day_name(short, from).to_owned()
                        } else {
                            format!("{}–{}", day_name(short, from), day_name(short, to))
                        }
                    };
                    view! { <li>{days}" "<span class="ltr">{opens}"–"{closes}</span></li> }
                }).collect_view()}
            </ul>
        </div>
    }
}
