//! Who is signed in. The session lives on the server (HttpOnly cookie); the app only asks
//! `GET /session`, and re-asks after a login or logout (a version bump, never a copied signal).

use ingang_api::auth::SessionInfo;
use leptos::prelude::*;

use crate::{api::Api, drafts, storage};

#[derive(Clone, Copy)]
pub struct Auth {
    version: RwSignal<u32>,
    session: LocalResource<Option<SessionInfo>>,
}

impl Auth {
    /// The signed-in session (tracked); `None` while unknown or signed out.
    pub fn session(&self) -> Option<SessionInfo> {
        self.session.get().flatten()
    }

    /// Asks the server again (after a login).
    pub fn refresh(&self) {
        self.version.update(|v| *v = v.wrapping_add(1));
    }

    /// Logs out on the server and wipes everything this user left on the device.
    pub async fn logout(&self, api: Api) {
        let _ = api.logout().await;
        wipe_local_data();
        self.refresh();
    }
}

/// Everything of ours in localStorage except the language choice (not personal).
pub fn wipe_local_data() {
    drafts::clear_all();
    storage::remove_all_except(&["lang"]);
}

pub fn provide_auth(api: Api) -> Auth {
    let version = RwSignal::new(0u32);
    let session = LocalResource::new(move || {
        version.track();
        async move { api.session().await.ok().flatten() }
    });
    let auth = Auth { version, session };
    provide_context(auth);
    auth
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
