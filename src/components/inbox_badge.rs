//! The inbox's unread count, shared by the tab bar and the inbox screens. Asked from the server
//! (`GET /inbox/unread`) when the user or the route changes, when the event stream says a
//! message has arrived ([`InboxEvents`]), every minute, and at once after the user reads or
//! answers a message ([`InboxBadge::changed`]), so another device's reading shows here too.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{api::Api, auth::use_auth};

#[derive(Clone, Copy)]
pub struct InboxBadge {
    version: RwSignal<u32>,
    count: LocalResource<Option<u32>>,
}

impl InboxBadge {
    /// Something was read or answered here: ask again now.
    pub fn changed(&self) {
        self.version.update(|v| *v = v.wrapping_add(1));
    }

    /// The unread count, when signed in and known (tracked).
    pub fn unread(&self) -> Option<u32> {
        self.count.get().flatten()
    }
}

/// Provides the badge inside the router (it follows the route). Call once, in the shell.
pub fn provide_inbox_badge(api: Api) -> InboxBadge {
    let auth = use_auth();
    let location = use_location();
    let version = RwSignal::new(0u32);
    let tick = crate::tick::use_tick(60);
    let count = LocalResource::new(move || {
        version.track();
        tick.track();
        location.pathname.track();
        api.epoch();
        let signed_in = auth.session().is_some();
        async move {
            if !signed_in {
                return None;
            }
            api.inbox_unread().await.ok().map(|c| c.unread)
        }
    });
    let badge = InboxBadge { version, count };
    provide_context(badge);
    badge
}

pub fn use_inbox_badge() -> Option<InboxBadge> {
    use_context::<InboxBadge>()
}

/// While `signed_in`: the event stream that tells the badge of a new message at once. The
/// stream belongs to the effect's run, so it closes when the user signs out (the run is
/// cleaned up) and opens again at the next sign-in. Call once, in the shell.
pub fn use_inbox_stream(signed_in: Memo<bool>) {
    let api = crate::api::use_api();
    let Some(badge) = use_inbox_badge() else { return };
    Effect::new(move |_| {
        if signed_in.get() {
            crate::events::use_inbox_events(api, move || badge.changed());
        }
    });
}
