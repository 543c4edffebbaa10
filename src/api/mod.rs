//! Typed client of the Ingång JSON API (`crates/api` holds the wire types).
//!
//! [`Api`] is provided as context by the app. It also tracks whether the API can be reached:
//! any network failure flips [`Api::reachable`] to `false` (the app shows a banner), any answer
//! flips it back. [`Api::retry`] bumps an epoch that every resource reads, so "Försök igen"
//! refetches whatever the screen shows.

pub mod http;

use std::fmt;

use ingang_api::{
    ErrorBody, UnitList,
    auth::{LoginStarted, LoginStatus, SessionInfo, StartLogin},
    cases::{Case, CaseList, NewCase},
    eservices::{Errand, ErrandList, Inbox, InboxAnswer, InboxMessage, NewErrand, UnreadCount},
    people::{ContactDetails, DraftKey, PeopleList},
    visits::{
        BookableTypes, Fee, KioskCheckIn, NewKioskCheckIn, NewPayment, NewVisit, Payment, Receipt, Reschedule,
        SlotList, Visit, VisitList,
    },
};
use leptos::prelude::*;
use serde::de::DeserializeOwned;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer at all (offline, server down, timeout).
    Network,
    /// The server answered with an error status; `body` when it sent the standard shape.
    Status { status: u16, body: Option<ErrorBody> },
    /// The answer could not be decoded as the expected type.
    Decode(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network => write!(f, "network error"),
            ApiError::Status { status, body: Some(body) } => write!(f, "{status} {}", body.code),
            ApiError::Status { status, body: None } => write!(f, "HTTP {status}"),
            ApiError::Decode(e) => write!(f, "decode error: {e}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// Turns a status and body into the expected type or an [`ApiError`].
pub fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    if status == 204 {
        // No content: only `()` decodes from it.
        return serde_json::from_str("null").map_err(|e| ApiError::Decode(e.to_string()));
    }
    if (200..300).contains(&status) {
        serde_json::from_str(body).map_err(|e| ApiError::Decode(e.to_string()))
    } else {
        Err(ApiError::Status { status, body: serde_json::from_str(body).ok() })
    }
}

/// Joins the configured base (`/api/v1`, no trailing slash) and an endpoint path (`/health`).
pub fn join(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

/// The API client; `Copy`, so views and closures capture it freely.
#[derive(Clone, Copy)]
pub struct Api {
    base: StoredValue<String>,
    reachable: RwSignal<bool>,
    epoch: RwSignal<u32>,
    /// Bumped whenever the API answers 401: the session has ended (see `auth`).
    unauthorized: RwSignal<u32>,
    /// A session that [`Api::signed_in`] found, kept for the app chunk's first [`Api::session`]:
    /// finding one loads the chunk at once, so the answer is a moment old when it is taken, and
    /// one request does where there were two. "Signed out" is not kept: the chunk may come much
    /// later (when the visitor leaves the start page), and then asks anew.
    first_session: StoredValue<Option<String>>,
}

impl Api {
    pub fn new(base: String) -> Self {
        Self {
            base: StoredValue::new(base),
            reachable: RwSignal::new(true),
            epoch: RwSignal::new(0),
            unauthorized: RwSignal::new(0),
            first_session: StoredValue::new(None),
        }
    }

    /// The full URL of an endpoint (for `EventSource`, which does not go through `send`).
    pub fn url(&self, path: &str) -> String {
        self.base.with_value(|base| join(base, path))
    }

    /// Whether the last call got an answer (tracked).
    pub fn reachable(&self) -> bool {
        self.reachable.get()
    }

    /// [`Api::reachable`], untracked.
    pub fn reachable_untracked(&self) -> bool {
        self.reachable.get_untracked()
    }

    /// Read this in a resource to refetch it when the user retries (tracked).
    pub fn epoch(&self) -> u32 {
        self.epoch.get()
    }

    /// Changes when a request was refused for want of a session (tracked).
    pub fn unauthorized(&self) -> u32 {
        self.unauthorized.get()
    }

    /// Retry after an outage: every resource that reads [`Api::epoch`] runs again.
    pub fn retry(&self) {
        self.epoch.update(|e| *e = e.wrapping_add(1));
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send("GET", path, None).await
    }

    /// A GET whose answer is also kept as the text the API sent (to store on the device and
    /// decode again later, without serialising anything in the app).
    async fn get_kept<T: DeserializeOwned>(&self, path: &str) -> Result<(T, String), ApiError> {
        let url = self.base.with_value(|base| join(base, path));
        let outcome = http::fetch_text("GET", &url, None, &[]).await;
        let text = outcome.as_ref().map(|(_, body)| body.clone()).unwrap_or_default();
        self.answer(outcome).map(|value| (value, text))
    }

    /// Any request: JSON body in, JSON (or nothing, for 204) out.
    async fn send<T: DeserializeOwned>(&self, method: &str, path: &str, body: Option<&str>) -> Result<T, ApiError> {
        self.send_with(method, path, body, &[]).await
    }

    async fn send_with<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        self.exchange(method, path, body, headers).await.and_then(|(status, body)| decode(status, &body))
    }

    /// Any request, undecoded: its status and text (reachability, a 401 and the answers kept for
    /// offline use are handled here for every request).
    async fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<(u16, String), ApiError> {
        let url = self.base.with_value(|base| join(base, path));
        let outcome = self.reached(http::fetch_text(method, &url, body, headers).await);
        self.offline(method, path, outcome)
    }

    /// What any request's outcome means: reachability, an ended session (401), the decoded body.
    fn answer<T: DeserializeOwned>(&self, outcome: Result<(u16, String), http::NetworkError>) -> Result<T, ApiError> {
        self.reached(outcome).and_then(|(status, body)| decode(status, &body))
    }

    /// Reachability and an ended session (401) from a request's outcome.
    fn reached(&self, outcome: Result<(u16, String), http::NetworkError>) -> Result<(u16, String), ApiError> {
        match outcome {
            Ok((status, body)) => {
                self.reachable.set(true);
                if status == 401 {
                    self.unauthorized.update(|n| *n = n.wrapping_add(1));
                }
                Ok((status, body))
            }
            Err(_) => {
                self.reachable.set(false);
                Err(ApiError::Network)
            }
        }
    }

    /// The answers an offline reload needs ([`crate::offline`]): kept when they come, and
    /// without network the kept one stands in (the API still counts as unreachable).
    fn offline(
        &self,
        method: &str,
        path: &str,
        outcome: Result<(u16, String), ApiError>,
    ) -> Result<(u16, String), ApiError> {
        // (a PUT answers with what it saved: the contact details just registered)
        if !matches!(method, "GET" | "PUT") || !crate::offline::keeps(path) {
            return outcome;
        }
        match outcome {
            Ok((status, body)) => {
                crate::offline::answered(path, status, &body);
                Ok((status, body))
            }
            Err(ApiError::Network) if method == "GET" => {
                crate::offline::kept(path).map(|body| (200, body)).ok_or(ApiError::Network)
            }
            other => other,
        }
    }

    /// Asks `/health` whether the API can be reached (the answer feeds [`Api::reachable`] and
    /// is not read: the first module decodes nothing it does not need).
    pub async fn ping(&self) {
        let _ = self.exchange("GET", "/health", None, &[]).await;
    }

    pub async fn units(&self) -> Result<UnitList, ApiError> {
        self.get("/units").await
    }

    /// Starts a BankID login; the server keeps the order (HttpOnly cookie). `return_url`: the
    /// page BankID on this device returns the user to.
    pub async fn start_login(&self, same_device: bool, return_url: Option<String>) -> Result<LoginStarted, ApiError> {
        let body = serde_json::to_string(&StartLogin { same_device, return_url }).unwrap_or_default();
        self.send("POST", "/auth/bankid", Some(&body)).await
    }

    /// The login's progress; `None` when none is in progress (the API answers 204).
    pub async fn login_status(&self) -> Result<Option<LoginStatus>, ApiError> {
        self.get("/auth/bankid").await
    }

    pub async fn cancel_login(&self) -> Result<(), ApiError> {
        self.send::<()>("DELETE", "/auth/bankid", None).await
    }

    /// Whether someone is signed in (the API answers `/session` with 200 and the session, or
    /// 204), without decoding the session: the signed-out start page's one question before
    /// the app chunk (with the session's types) is fetched. Offline, the answer kept on the
    /// device stands in, as for [`Api::session`]. `None`: the server could not be asked.
    pub async fn signed_in(&self) -> Option<bool> {
        let (status, body) = self.exchange("GET", "/session", None, &[]).await.ok()?;
        let yes = status == 200 && !matches!(body.trim(), "" | "null");
        if yes {
            self.first_session.set_value(Some(body));
        }
        // 204 or 401: no one; another status (a 5xx) says nothing either way
        (yes || matches!(status, 200 | 204 | 401)).then_some(yes)
    }

    /// The current session; `None` when not signed in (the API answers 204). The first call
    /// takes the session the start page found ([`Api::signed_in`]); every later one asks.
    pub async fn session(&self) -> Result<Option<SessionInfo>, ApiError> {
        if let Some(body) = self.first_session.try_update_value(Option::take).flatten() {
            return decode(200, &body);
        }
        self.get("/session").await
    }

    pub async fn logout(&self) -> Result<(), ApiError> {
        self.send::<()>("POST", "/auth/logout", None).await
    }

    /// "Fortsätt vara inloggad": counts as activity.
    pub async fn keepalive(&self) -> Result<(), ApiError> {
        self.send::<()>("POST", "/session/keepalive", None).await
    }

    /// The server's Web Push key (`404 push_unavailable`: no push from this server).
    pub async fn push_key(&self) -> Result<ingang_api::push::PushKey, ApiError> {
        self.get("/push/key").await
    }

    /// This device's push subscription, as `JSON.stringify(subscription)` gives it.
    pub async fn push_subscribe(&self, subscription_json: &str) -> Result<(), ApiError> {
        self.send::<()>("PUT", "/push/subscription", Some(subscription_json)).await
    }

    /// This device wants no more pushes.
    pub async fn push_unsubscribe(&self, endpoint: &str) -> Result<(), ApiError> {
        let body =
            serde_json::to_string(&ingang_api::push::PushEndpoint { endpoint: endpoint.into() }).unwrap_or_default();
        self.send::<()>("DELETE", "/push/subscription", Some(&body)).await
    }

    /// The user and the children they may act for.
    pub async fn people(&self) -> Result<PeopleList, ApiError> {
        self.get("/me/people").await
    }

    pub async fn contact(&self) -> Result<ContactDetails, ApiError> {
        self.get("/me/contact").await
    }

    pub async fn save_contact(&self, details: &ContactDetails) -> Result<ContactDetails, ApiError> {
        let body = serde_json::to_string(details).unwrap_or_default();
        self.send("PUT", "/me/contact", Some(&body)).await
    }

    pub async fn questionnaire(&self, id: &str) -> Result<ingang_questionnaire::Questionnaire, ApiError> {
        self.get(&format!("/questionnaires/{}", js_sys::encode_uri_component(id))).await
    }

    /// A questionnaire as served for `patient` (pre-populated with what the API knows of them
    /// and of the user, e.g. a child's age).
    /// With the answer's text.
    pub async fn questionnaire_for(
        &self,
        id: &str,
        patient: &str,
    ) -> Result<(ingang_questionnaire::Questionnaire, String), ApiError> {
        let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
        self.get_kept(&format!("/questionnaires/{}?patientId={}", enc(id), enc(patient))).await
    }

    /// A unit's e-service questionnaire as served for `person` (their prescriptions filled in).
    pub async fn e_service_questionnaire(
        &self,
        unit: &str,
        e_service: &str,
        person: &str,
    ) -> Result<(ingang_questionnaire::Questionnaire, String), ApiError> {
        let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
        self.get_kept(&format!(
            "/units/{}/e-services/{}/questionnaire?personId={}",
            enc(unit),
            enc(e_service),
            enc(person)
        ))
        .await
    }

    /// Sends an e-service errand; the same `idempotency_key` never sends a second one.
    pub async fn send_errand(&self, errand: &NewErrand, idempotency_key: &str) -> Result<Errand, ApiError> {
        let body = serde_json::to_string(errand).unwrap_or_default();
        self.send_with("POST", "/errands", Some(&body), &[("Idempotency-Key", idempotency_key)]).await
    }

    pub async fn errands(&self) -> Result<ErrandList, ApiError> {
        self.get("/errands").await
    }

    pub async fn errand(&self, id: &str) -> Result<Errand, ApiError> {
        self.get(&format!("/errands/{}", js_sys::encode_uri_component(id))).await
    }

    /// Adds a message to an errand; the same `client_id` never adds it twice.
    pub async fn errand_message(
        &self,
        id: &str,
        body: &str,
        client_id: &str,
        attachment_ids: Vec<String>,
    ) -> Result<Errand, ApiError> {
        let message = ingang_api::eservices::NewErrandMessage {
            body: body.to_owned(),
            client_id: client_id.to_owned(),
            attachment_ids,
        };
        let body = serde_json::to_string(&message).unwrap_or_default();
        self.send("POST", &format!("/errands/{}/messages", js_sys::encode_uri_component(id)), Some(&body)).await
    }

    pub async fn inbox(&self) -> Result<Inbox, ApiError> {
        self.get("/inbox").await
    }

    pub async fn inbox_unread(&self) -> Result<UnreadCount, ApiError> {
        self.get("/inbox/unread").await
    }

    pub async fn inbox_message(&self, id: &str) -> Result<InboxMessage, ApiError> {
        self.get(&format!("/inbox/{}", js_sys::encode_uri_component(id))).await
    }

    /// Marks a message read on the server (for every device and both guardians).
    pub async fn mark_read(&self, id: &str) -> Result<InboxMessage, ApiError> {
        self.send("POST", &format!("/inbox/{}/read", js_sys::encode_uri_component(id)), None).await
    }

    /// Answers a questions message once; the key makes a retry harmless.
    pub async fn answer_message(
        &self,
        id: &str,
        response: serde_json::Value,
        idempotency_key: &str,
    ) -> Result<InboxMessage, ApiError> {
        let body = serde_json::to_string(&InboxAnswer { response }).unwrap_or_default();
        let path = format!("/inbox/{}/answer", js_sys::encode_uri_component(id));
        self.send_with("POST", &path, Some(&body), &[("Idempotency-Key", idempotency_key)]).await
    }

    /// Sends a care request; the same `idempotency_key` never creates a second case.
    pub async fn create_case(&self, case: &NewCase, idempotency_key: &str) -> Result<Case, ApiError> {
        let body = serde_json::to_string(case).unwrap_or_default();
        self.send_with("POST", "/cases", Some(&body), &[("Idempotency-Key", idempotency_key)]).await
    }

    /// The user's and their children's cases; `person` narrows the list to one of them.
    pub async fn cases(&self, person: Option<&str>) -> Result<CaseList, ApiError> {
        match person {
            Some(id) => self.get(&format!("/cases?personId={}", js_sys::encode_uri_component(id))).await,
            None => self.get("/cases").await,
        }
    }

    /// Takes up a closed case again ("Fortsätt ärendet"); the key makes a retry harmless.
    pub async fn continue_case(&self, id: &str, message: &str, idempotency_key: &str) -> Result<Case, ApiError> {
        let body =
            serde_json::to_string(&ingang_api::cases::ContinueCase { message: message.into() }).unwrap_or_default();
        let path = format!("/cases/{}/continue", js_sys::encode_uri_component(id));
        self.send_with("POST", &path, Some(&body), &[("Idempotency-Key", idempotency_key)]).await
    }

    pub async fn case(&self, id: &str) -> Result<Case, ApiError> {
        self.get(&format!("/cases/{}", js_sys::encode_uri_component(id))).await
    }

    pub async fn withdraw_case(&self, id: &str) -> Result<Case, ApiError> {
        self.send("POST", &format!("/cases/{}/withdraw", js_sys::encode_uri_component(id)), None).await
    }

    /// A page of a case's chat (oldest first); `before` asks for older messages.
    pub async fn messages(&self, case: &str, before: Option<i64>) -> Result<ingang_api::chat::MessagePage, ApiError> {
        let mut path = format!("/cases/{}/messages", js_sys::encode_uri_component(case));
        if let Some(b) = before {
            path.push_str(&format!("?before={b}"));
        }
        self.get(&path).await
    }

    /// Sends a chat message; its `client_id` makes a retry harmless.
    pub async fn send_message(
        &self,
        case: &str,
        message: &ingang_api::chat::NewMessage,
    ) -> Result<ingang_api::chat::Message, ApiError> {
        let body = serde_json::to_string(message).unwrap_or_default();
        self.send("POST", &format!("/cases/{}/messages", js_sys::encode_uri_component(case)), Some(&body)).await
    }

    /// What the server accepts for pictures (its defaults when it cannot be asked).
    pub async fn picture_limits(&self) -> ingang_api::pictures::PictureLimits {
        self.get("/pictures/limits").await.unwrap_or_default()
    }

    /// Uploads a picture under the client's id (a retry returns the same picture), reporting
    /// the share sent to `progress`.
    pub async fn upload_picture(
        &self,
        case: &str,
        id: &str,
        jpeg: &[u8],
        progress: impl Fn(f64) + 'static,
    ) -> Result<ingang_api::pictures::Picture, ApiError> {
        let path =
            format!("/cases/{}/pictures/{}", js_sys::encode_uri_component(case), js_sys::encode_uri_component(id));
        let url = self.url(&path);
        self.answer(http::upload(&url, "image/jpeg", jpeg, progress).await)
    }

    /// Uploads a picture (JPEG, converted on the phone) or a PDF to an errand; the same id
    /// again is harmless.
    pub async fn upload_attachment(
        &self,
        errand: &str,
        id: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<ingang_api::eservices::Attachment, ApiError> {
        let path = format!(
            "/errands/{}/attachments/{}",
            js_sys::encode_uri_component(errand),
            js_sys::encode_uri_component(id)
        );
        let url = self.url(&path);
        self.answer(http::upload(&url, content_type, bytes, |_| {}).await)
    }

    /// A picture the API links to (`url` or `thumbnailUrl`: absolute, or relative to the
    /// API's address), as an object URL for `<img src>`; revoke it when done.
    pub async fn picture_object_url(&self, url: &str) -> Result<String, ApiError> {
        let absolute = self.resolve(url);
        match http::fetch_blob(&absolute).await {
            Ok((200, blob)) => {
                web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ApiError::Decode("blob".into()))
            }
            Ok((status, _)) => Err(ApiError::Status { status, body: None }),
            Err(_) => Err(ApiError::Network),
        }
    }

    /// `url` resolved against the API's base address.
    fn resolve(&self, url: &str) -> String {
        let base = self.base.get_value();
        let page = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        web_sys::Url::new_with_base(&base, &page)
            .and_then(|b| web_sys::Url::new_with_base(url, &b.href()))
            .map(|u| u.href())
            .unwrap_or_else(|_| url.to_owned())
    }

    /// Sends a request for the visit endpoints: signed in (cookie), or as a kiosk check-in
    /// (`bearer`: its token, never stored).
    async fn visit_call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        bearer: Option<&str>,
        key: Option<&str>,
    ) -> Result<T, ApiError> {
        let auth = bearer.map(|t| format!("Bearer {t}"));
        let mut headers: Vec<(&str, &str)> = vec![];
        if let Some(a) = &auth {
            headers.push(("Authorization", a));
        }
        if let Some(k) = key {
            headers.push(("Idempotency-Key", k));
        }
        self.send_with(method, path, body, &headers).await
    }

    /// The user's and their children's booked visits.
    pub async fn visits(&self) -> Result<VisitList, ApiError> {
        self.get("/visits").await
    }

    pub async fn visit(&self, id: &str, bearer: Option<&str>) -> Result<Visit, ApiError> {
        self.visit_call("GET", &format!("/visits/{}", enc(id)), None, bearer, None).await
    }

    pub async fn visit_fee(&self, id: &str, bearer: Option<&str>) -> Result<Fee, ApiError> {
        self.visit_call("GET", &format!("/visits/{}/fee", enc(id)), None, bearer, None).await
    }

    /// Checks in; harmless when already done.
    pub async fn check_in(&self, id: &str, bearer: Option<&str>) -> Result<Visit, ApiError> {
        self.visit_call("POST", &format!("/visits/{}/check-in", enc(id)), None, bearer, None).await
    }

    pub async fn cancel_visit(&self, id: &str) -> Result<Visit, ApiError> {
        self.send("POST", &format!("/visits/{}/cancel", enc(id)), None).await
    }

    pub async fn slots(&self, id: &str) -> Result<SlotList, ApiError> {
        self.get(&format!("/visits/{}/slots", enc(id))).await
    }

    /// The visit types `unit` lets patients book themselves.
    pub async fn bookable(&self, unit: &str) -> Result<BookableTypes, ApiError> {
        self.get(&format!("/units/{}/booking", enc(unit))).await
    }

    /// Free times for booking a type at a unit.
    pub async fn free_slots(&self, unit: &str, kind: &str) -> Result<SlotList, ApiError> {
        self.get(&format!("/units/{}/booking/{}/slots", enc(unit), enc(kind))).await
    }

    /// Books a free time; the same `idempotency_key` never books twice.
    pub async fn book(&self, visit: &NewVisit, idempotency_key: &str) -> Result<Visit, ApiError> {
        let body = serde_json::to_string(visit).unwrap_or_default();
        self.send_with("POST", "/visits", Some(&body), &[("Idempotency-Key", idempotency_key)]).await
    }

    pub async fn reschedule(&self, id: &str, slot_id: &str) -> Result<Visit, ApiError> {
        let body = serde_json::to_string(&Reschedule { slot_id: slot_id.into() }).unwrap_or_default();
        self.send("POST", &format!("/visits/{}/reschedule", enc(id)), Some(&body)).await
    }

    /// Starts a payment; the same `key` never creates a second one (a double tap, a retry).
    pub async fn pay(
        &self,
        visit: &str,
        payment: &NewPayment,
        key: &str,
        bearer: Option<&str>,
    ) -> Result<Payment, ApiError> {
        let body = serde_json::to_string(payment).unwrap_or_default();
        self.visit_call("POST", &format!("/visits/{}/payments", enc(visit)), Some(&body), bearer, Some(key)).await
    }

    pub async fn payment(&self, id: &str, bearer: Option<&str>) -> Result<Payment, ApiError> {
        self.visit_call("GET", &format!("/payments/{}", enc(id)), None, bearer, None).await
    }

    pub async fn cancel_payment(&self, id: &str, bearer: Option<&str>) -> Result<Payment, ApiError> {
        self.visit_call("POST", &format!("/payments/{}/cancel", enc(id)), None, bearer, None).await
    }

    pub async fn receipt(&self, id: &str) -> Result<Receipt, ApiError> {
        self.get(&format!("/payments/{}/receipt", enc(id))).await
    }

    /// A link from the API (a hosted payment page), resolved against the API's address.
    pub fn link(&self, url: &str) -> String {
        self.resolve(url)
    }

    /// Starts a kiosk check-in (BankID on the patient's phone).
    pub async fn kiosk_start(&self, unit_id: &str, personal_number: &str) -> Result<KioskCheckIn, ApiError> {
        let body = serde_json::to_string(&NewKioskCheckIn {
            unit_id: unit_id.into(),
            personal_number: personal_number.into(),
        })
        .unwrap_or_default();
        self.send("POST", "/kiosk/check-ins", Some(&body)).await
    }

    pub async fn kiosk_status(&self, id: &str, token: &str) -> Result<KioskCheckIn, ApiError> {
        self.visit_call("GET", &format!("/kiosk/check-ins/{}", enc(id)), None, Some(token), None).await
    }

    pub async fn kiosk_end(&self, id: &str, token: &str) -> Result<(), ApiError> {
        self.visit_call("DELETE", &format!("/kiosk/check-ins/{}", enc(id)), None, Some(token), None).await
    }

    /// The key for this user's encrypted drafts.
    pub async fn draft_key(&self) -> Result<DraftKey, ApiError> {
        self.get("/me/draft-key").await
    }
}

fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

pub fn use_api() -> Api {
    expect_context::<Api>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingang_api::Health;

    #[test]
    fn joins_paths() {
        assert_eq!(join("/api/v1", "/health"), "/api/v1/health");
        assert_eq!(join("https://x.se/api/", "units"), "https://x.se/api/units");
    }

    #[test]
    fn decodes_success_and_errors() {
        let health: Health = decode(200, r#"{"status":"ok","version":"1","apiVersion":1}"#).expect("ok");
        assert_eq!(health.api_version, 1);
        let err = decode::<Health>(404, r#"{"code":"not_found","message":"x"}"#).unwrap_err();
        assert_eq!(err, ApiError::Status { status: 404, body: Some(ErrorBody::new("not_found", "x")) });
        let err = decode::<Health>(502, "<html>Bad gateway</html>").unwrap_err();
        assert_eq!(err, ApiError::Status { status: 502, body: None });
        assert!(matches!(decode::<Health>(200, "{}"), Err(ApiError::Decode(_))));
        assert_eq!(decode::<()>(204, ""), Ok(()));
    }
}
