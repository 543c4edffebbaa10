//! The OpenAPI 3.1 document, generated from the handlers. The committed copy is `openapi.json`
//! at the repository root; `tests/openapi.rs` fails when it is stale
//! (`cargo xtask openapi` rewrites it).

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ingång API",
        version = "1",
        description = "The JSON API of Ingång, the patient app for Swedish digital healthcare. \
            Any server implementing this document can back the app. Errors always have the body \
            `ErrorBody` (`code`, `message`); clients map `code` to their own localised text. \
            Responses under /api are never cacheable (`Cache-Control: no-store`).",
        license(name = "MIT OR Apache-2.0")
    ),
    tags(
        (name = "system", description = "Health and metadata"),
        (name = "units", description = "Care units (mottagningar)"),
        (name = "booking", description = "Self-booking (webbtidbokning): the visit types a unit opens to patients \
            (`Unit.services` has `booking`), their free times (an hour to two weeks ahead) and booking one with an \
            `Idempotency-Key`. A booked visit is then in `GET /visits`, to cancel, move or check in to like any other."),
        (name = "cases", description = "Care requests (Digitalen): created with an `Idempotency-Key` header \
            (a retry returns the same case), validated with the questionnaire engine, prioritised (1 = most \
            urgent: an urgency marker; 2: a total score of 15 or more; 3: the rest) and queued per unit by \
            priority, then arrival. Visible to the user who created them and to the patient's guardians."),
        (name = "chat", description = "The conversation of a case with care staff: open while the case is picked \
            (`inProgress`), readable afterwards. Each message carries a client-made `clientId` (its idempotency \
            key). New messages arrive on the event stream as `message` events."),
        (name = "me", description = "The signed-in resident: whom they may act for (children under 18, with \
            the age rules for seeking care and e-services), contact details, the draft key"),
        (name = "auth", description = "Sign-in with BankID and sessions. The session is an HttpOnly \
            `__Host-` cookie; every state-changing request must send the header `X-Ingang-Csrf: 1` \
            (and, when the browser sends `Origin`, come from the API's own origin)."),
        (name = "e-services", description = "A clinic's e-services (1177 basutbud): each unit lists its own in \
            `Unit.eServices`, each a FHIR R4 Questionnaire served per person (SDC `answerExpression` items asking for \
            `MedicationRequest` get the person's current prescriptions as `answerOption`s). Sending one creates an \
            errand (with an `Idempotency-Key`); the clinic's answer also arrives in the inbox. For the user and their \
            children up to 12 years (1177's rule); an older child uses their own login."),
        (name = "inbox", description = "Messages from a clinic: `info` (cannot be answered) or `questions` \
            (answered once with the message's questionnaire; then locked). Read state is kept by the server. A new \
            message is announced by SMS, e-post or push as the recipient chose in their contact details."),
        (name = "push", description = "Web Push (RFC 8030 with VAPID, RFC 8292, and aes128gcm message encryption, \
            RFC 8291): the server's public key, and a device's subscription for the signed-in resident. A subscribed \
            device gets \"din tur\", a new chat message and a new inbox message as notifications, with no health data: a \
            title, a line and the app's path. Only a push service's https address is accepted. Logging out of the \
            session that subscribed ends the subscription. A server without push answers `404 push_unavailable`."),
        (name = "questionnaires", description = "FHIR R4 Questionnaires (symptom forms, e-services) and \
            server-side validation of QuestionnaireResponses. Questionnaires are plain FHIR R4; the app \
            understands SDC rendering extensions (itemControl, minValue/maxValue, regex, unit, \
            ordinalValue/itemWeight, translation, rendering-markdown/xhtml, hidden, min/maxOccurs) and one \
            extension of its own on `answerOption`: `https://ingang.se/fhir/StructureDefinition/answer-urgency` \
            with `valueCode` `urgent` (advise calling 1177, let the user continue) or `emergency` (stop the \
            flow and tell the user to call 112). FHIRPath expressions are not evaluated: such items are \
            shown read-only and listed as unsupported."),
    ),
    components(schemas(ingang_api::ErrorBody))
)]
struct ApiDoc;

/// Title, description and tags; the paths are added by [`crate::routes::documented`].
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The full document as pretty JSON with a trailing newline (the committed form).
pub fn document_json() -> String {
    let (_, doc) = crate::routes::documented().split_for_parts();
    let mut json = doc.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
