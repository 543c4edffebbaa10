//! Who is signed in, and whom they act for. The session lives on the server (HttpOnly cookie);
//! the app asks `GET /session` and asks again after a login, a logout or any 401 (a version
//! bump, never a copied signal). What belongs to the user (people, contact details, the draft
//! key) is fetched per user and forgotten with them. Offline, the last answers stand: in memory
//! while the page lives, and across a reload through [`crate::offline`].

use ingang_api::{
    auth::SessionInfo,
    people::{ContactDetails, Person, Relation},
};
use leptos::prelude::*;

use crate::{api::Api, crypto::SealKey, drafts, storage};

/// What the app knows of the session.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    /// Still asking the server.
    Unknown,
    SignedOut,
    SignedIn(SessionInfo),
}

#[derive(Clone, Copy)]
pub struct Auth {
    version: RwSignal<u32>,
    /// The version the session resource last answered for: while it lags behind `version`
    /// (just after a login or logout) the state is unknown, so no route acts on a stale answer.
    settled: RwSignal<u32>,
    /// `None` inside: the server could not be asked (offline) and nothing was known before.
    session: LocalResource<Option<Option<SessionInfo>>>,
    people: LocalResource<Option<Vec<Person>>>,
    contact: LocalResource<Option<ContactDetails>>,
    /// What the user saved in this session (the server's answer), ahead of the resource.
    saved_contact: RwSignal<Option<(String, ContactDetails)>>,
    user: Memo<Option<String>>,
    seal_key: LocalResource<Option<SealKey>>,
    /// Set while a logout is on its way (a keepalive then would only get a 401).
    ending: RwSignal<bool>,
    /// The person id the user acts for (`None`: themself); kept on the device until logout.
    acting: RwSignal<Option<String>>,
}

const ACTING_KEY: &str = "acting";

impl Auth {
    /// The signed-in session (tracked); `None` while unknown or signed out.
    pub fn session(&self) -> Option<SessionInfo> {
        self.session.get().flatten().flatten()
    }

    pub fn state(&self) -> AuthState {
        if self.settled.get() != self.version.get() {
            return AuthState::Unknown;
        }
        match self.session.get().flatten() {
            None => AuthState::Unknown,
            Some(None) => AuthState::SignedOut,
            Some(Some(info)) => AuthState::SignedIn(info),
        }
    }

    /// The people, once loaded (waits for the current fetch).
    pub async fn people_ready(&self) -> Option<Vec<Person>> {
        self.people.await
    }

    /// The key for this user's drafts, once loaded (waits for the current fetch); `None` when
    /// signed out or when the browser has no WebCrypto (then nothing is saved rather than saved
    /// in the clear).
    ///
    /// The key is kept on the device (IndexedDB, not extractable) while the user is signed in,
    /// so that offline, when the server cannot give it, this user's drafts still open. (Only
    /// the screens with drafts call this, so none of it is in the first load.)
    pub async fn seal_key_ready(&self) -> Option<SealKey> {
        let who = self.user.get_untracked()?;
        match self.seal_key.await {
            Some(key) => {
                key.remember(&who).await;
                Some(key)
            }
            None => SealKey::remembered(&who).await,
        }
    }

    /// Asks the server again (after a login, or when the session may have ended).
    pub fn refresh(&self) {
        self.version.update(|v| *v = v.wrapping_add(1));
    }

    /// The user and their children (tracked); `None` while loading or signed out.
    pub fn people(&self) -> Option<Vec<Person>> {
        self.people.get().flatten()
    }

    /// The user's contact details (tracked); `None` while loading or signed out.
    pub fn contact(&self) -> Option<ContactDetails> {
        let user = self.user.get()?;
        match self.saved_contact.get() {
            Some((who, saved)) if who == user => Some(saved),
            _ => self.contact.get().flatten(),
        }
    }

    /// The server saved new contact details (its answer).
    pub fn contact_saved(&self, details: ContactDetails) {
        if let Some(user) = self.user.get_untracked() {
            self.saved_contact.set(Some((user, details)));
        }
    }

    /// Whom the user acts for: the chosen child, or themself (tracked).
    pub fn acting_for(&self) -> Option<Person> {
        let people = self.people()?;
        let chosen = self.acting.get();
        chosen
            .and_then(|id| people.iter().find(|p| p.id == id).cloned())
            .or_else(|| people.into_iter().find(|p| p.relation == Relation::Myself))
    }

    /// Acts for `person` (an id from [`Auth::people`]).
    pub fn act_for(&self, person: &Person) {
        let id = (person.relation == Relation::Child).then(|| person.id.clone());
        match &id {
            Some(id) => storage::set(ACTING_KEY, id),
            None => storage::remove(ACTING_KEY),
        }
        self.acting.set(id);
    }

    /// Whether a logout is on its way (untracked).
    pub fn ending(&self) -> bool {
        self.ending.get_untracked()
    }

    /// Logs out on the server and wipes everything this user left on the device; then, with
    /// `leave_to`, loads that page afresh (nothing of the user stays in the page's memory).
    pub async fn logout(self, api: Api, leave_to: Option<&'static str>) {
        self.ending.set(true);
        let _ = api.logout().await;
        self.ending.set(false);
        wipe_local_data();
        self.acting.set(None);
        match leave_to {
            Some(page) => crate::browser::go_to(page),
            None => self.refresh(),
        }
    }
}

/// "This device had a session when the app last asked" (localStorage, `1`): the start page
/// then fetches the app chunk while it asks the server, instead of after the answer (one round
/// trip less for a returning user who opens the app from the home screen). Nothing personal,
/// and wiped on logout with the rest.
const HAD_SESSION: &str = "had-session";

/// Did this device have a session when the app last asked?
pub fn had_session() -> bool {
    storage::get(HAD_SESSION).is_some()
}

/// Remembers whether the server has just said there is a session (see [`had_session`]).
pub fn remember_session(signed_in: bool) {
    if signed_in {
        storage::set(HAD_SESSION, "1");
    } else {
        storage::remove(HAD_SESSION);
    }
}

/// Everything of ours in localStorage except the language choice (not personal), and the
/// pictures waiting to be sent (IndexedDB).
pub fn wipe_local_data() {
    drafts::clear_all();
    crate::blobs::wipe();
    storage::remove_all_except(&["lang"]);
    // and this device's push subscription (the server ended it with the session): the next
    // person to sign in here starts without one
    if let Some(worker) = web_sys::window().and_then(|w| w.navigator().service_worker().controller()) {
        let _ = worker.post_message(&wasm_bindgen::JsValue::from_str("LOGGED_OUT"));
    }
}

pub fn provide_auth(api: Api) -> Auth {
    let version = RwSignal::new(0u32);
    // Offline, the last answer stands: going offline must not look like being signed out.
    let last_session = StoredValue::new(None::<Option<SessionInfo>>);
    let settled = RwSignal::new(0u32);
    let session = LocalResource::new(move || {
        let asked_for = version.get();
        api.unauthorized();
        api.epoch();
        async move {
            let answer = match api.session().await {
                Ok(s) => {
                    remember_session(s.is_some());
                    last_session.set_value(Some(s.clone()));
                    Some(s)
                }
                Err(_) => last_session.get_value(),
            };
            settled.set(asked_for);
            answer
        }
    });
    // While the session is being asked again the last user stands, so what hangs on the user
    // (people, contact details, the draft key) is not fetched again for the same person.
    let user = Memo::new(move |prev: Option<&Option<String>>| match session.get() {
        Some(answer) => answer.flatten().map(|s| s.user.personal_number),
        None => prev.cloned().flatten(),
    });
    let last_people = StoredValue::new(None::<(String, Vec<Person>)>);
    let people = LocalResource::new(move || {
        let who = user.get();
        api.epoch();
        async move {
            let who = who?;
            match api.people().await {
                Ok(list) => {
                    last_people.set_value(Some((who, list.people.clone())));
                    Some(list.people)
                }
                Err(_) => last_people.get_value().filter(|(w, _)| *w == who).map(|(_, p)| p),
            }
        }
    });
    let last_contact = StoredValue::new(None::<(String, ContactDetails)>);
    let contact = LocalResource::new(move || {
        let who = user.get();
        api.epoch();
        async move {
            let who = who?;
            match api.contact().await {
                Ok(c) => {
                    last_contact.set_value(Some((who, c.clone())));
                    Some(c)
                }
                Err(_) => last_contact.get_value().filter(|(w, _)| *w == who).map(|(_, c)| c),
            }
        }
    });
    let seal_key = LocalResource::new(move || {
        let signed_in = user.get().is_some();
        async move {
            if !signed_in {
                return None;
            }
            let key = api.draft_key().await.ok()?;
            SealKey::import(&key.key).await
        }
    });
    let acting = RwSignal::new(storage::get(ACTING_KEY));
    let auth = Auth {
        version,
        settled,
        session,
        people,
        contact,
        saved_contact: RwSignal::new(None),
        user,
        seal_key,
        ending: RwSignal::new(false),
        acting,
    };
    provide_context(auth);
    auth
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
