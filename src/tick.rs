//! `use_tick`: a counter that advances every `seconds` while the calling view lives. A resource
//! that reads it is asked again on each tick (a safety net under the event streams, or a
//! window that opens and closes with time); bump it by hand to refresh at once.

use leptos::prelude::*;

pub fn use_tick(seconds: u64) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    let interval = set_interval_with_handle(
        move || tick.update(|n| *n = n.wrapping_add(1)),
        std::time::Duration::from_secs(seconds),
    )
    .ok();
    on_cleanup(move || {
        if let Some(i) = interval {
            i.clear();
        }
    });
    tick
}
