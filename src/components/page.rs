//! The frame of every routed screen: sets the document title, renders the one `<h1>`, and
//! moves keyboard and screen-reader focus to that heading after an in-app navigation (not on
//! the first load, where focus belongs at the top of the document).

use std::cell::Cell;

use leptos::{html, prelude::*};

use crate::i18n::{Strings, use_i18n};

thread_local! {
    static FIRST_PAGE: Cell<bool> = const { Cell::new(true) };
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
            // A screen from a chunk (src/chunks.rs) is built before it is attached to the
            // document: focus it in the next frame, once it is there.
            request_animation_frame(move || {
                let _ = h1.focus();
            });
        }
    });

    view! {
        <h1 id="page-heading" tabindex="-1" node_ref=heading>{move || title(i18n.t())}</h1>
        {children()}
    }
}
