//! The frame of every routed screen: sets the document title, renders the one `<h1>`, and
//! moves keyboard and screen-reader focus to that heading after an in-app navigation (not on
//! the first load, where focus belongs at the top of the document).

use std::cell::Cell;

use leptos::{html, prelude::*};

use crate::i18n::{Strings, use_i18n};

thread_local! {
    static FIRST_PAGE: Cell<bool> = const { Cell::new(true) };
}

/// How many animation frames a heading may wait to be attached before focus gives up (about
/// ten seconds).
const FOCUS_FRAMES: u32 = 600;

/// Focuses `heading` in the first animation frame in which it is in the document. A screen is
/// built before it is attached: one from a chunk (src/chunks.rs) in its `Transition`, which also
/// waits for the resources the screen reads outside a nested one, so on a slow device or a slow
/// answer that can take many frames. Focusing a heading that is not attached yet does nothing.
fn focus_once_attached(heading: web_sys::HtmlElement, frames_left: u32) {
    request_animation_frame(move || {
        if heading.is_connected() {
            let _ = heading.focus();
        } else if frames_left > 0 {
            focus_once_attached(heading, frames_left - 1);
        }
    });
}

/// `title` picks the heading from the strings, e.g. `|t| t.start_title`.
#[component]
pub fn Page(title: fn(&Strings) -> &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<html::H1>::new();

    Effect::new(move |_| {
        let t = i18n.t();
        document().set_title(&format!("{} – {}", title(t), t.app_name));
    });
    Effect::new(move |_| {
        if let Some(h1) = heading.get()
            && !FIRST_PAGE.with(|first| first.replace(false))
        {
            focus_once_attached(h1.into(), FOCUS_FRAMES);
        }
    });

    view! {
        <h1 id="page-heading" tabindex="-1" node_ref=heading>{move || title(i18n.t())}</h1>
        {children()}
    }
}
