//! The JSON API under `/api/v1`. Each module holds the handlers of one area; [`api_router`]
//! collects them with their OpenAPI descriptions.

pub mod attachments;
pub mod auth;
pub mod booking;
pub mod cases;
pub mod chat;
pub mod eservices;
pub mod events;
pub mod health;
pub mod inbox;
pub mod kiosk;
pub mod me;
pub mod pictures;
pub mod push;
pub mod questionnaires;
pub mod units;
pub mod visits;

use axum::{Router, body::Bytes, http::header, middleware};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{AppState, error, openapi};

/// Maximum size of a JSON request body. Uploads (pictures) get their own limit.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Every API route with its documentation (used by the router and the OpenAPI document).
pub fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base()).nest(
        ingang_api::API_V1,
        OpenApiRouter::new()
            .routes(routes!(health::health))
            .routes(routes!(units::list_units))
            .routes(routes!(questionnaires::list_questionnaires))
            .routes(routes!(questionnaires::get_questionnaire))
            .routes(routes!(questionnaires::validate_response))
            .routes(routes!(auth::start_login, auth::login_status, auth::cancel_login))
            .routes(routes!(auth::get_session))
            .routes(routes!(auth::keepalive))
            .routes(routes!(auth::logout))
            .routes(routes!(me::my_people))
            .routes(routes!(me::get_person))
            .routes(routes!(me::get_contact, me::put_contact))
            .routes(routes!(me::draft_key))
            .routes(routes!(cases::create_case, cases::list_cases))
            .routes(routes!(cases::get_case))
            .routes(routes!(cases::withdraw_case))
            .routes(routes!(cases::continue_case))
            .routes(routes!(chat::list_messages, chat::send_message))
            .routes(routes!(pictures::limits))
            .routes(routes!(pictures::upload))
            .routes(routes!(pictures::picture))
            .routes(routes!(pictures::thumbnail))
            .routes(routes!(events::events))
            .routes(routes!(visits::list_visits, booking::book))
            .routes(routes!(booking::list_types))
            .routes(routes!(booking::list_free))
            .routes(routes!(visits::get_visit))
            .routes(routes!(visits::cancel_visit))
            .routes(routes!(visits::list_slots))
            .routes(routes!(visits::reschedule_visit))
            .routes(routes!(visits::visit_fee))
            .routes(routes!(visits::check_in))
            .routes(routes!(visits::create_payment))
            .routes(routes!(visits::get_payment))
            .routes(routes!(visits::cancel_payment))
            .routes(routes!(visits::receipt))
            .routes(routes!(kiosk::start))
            .routes(routes!(kiosk::status, kiosk::end))
            .routes(routes!(eservices::e_service_questionnaire))
            .routes(routes!(eservices::create_errand, eservices::list_errands))
            .routes(routes!(eservices::get_errand))
            .routes(routes!(eservices::add_errand_message))
            .routes(routes!(attachments::upload))
            .routes(routes!(attachments::attachment))
            .routes(routes!(attachments::thumbnail))
            .routes(routes!(inbox::list_inbox))
            .routes(routes!(inbox::unread))
            .routes(routes!(inbox::get_message))
            .routes(routes!(inbox::mark_read))
            .routes(routes!(inbox::answer))
            .routes(routes!(push::push_key))
            .routes(routes!(push::subscribe, push::unsubscribe)),
    )
}

/// The API router: routes, `/api/v1/openapi.json`, JSON 404s, body limit, JSON errors.
pub fn api_router(state: AppState) -> Router {
    let (router, doc) = documented().split_for_parts();
    // Serialised once: the document never changes while the server runs.
    let doc: Bytes = serde_json::to_vec(&doc).unwrap_or_default().into();
    router
        .route(
            &format!("{}/openapi.json", ingang_api::API_V1),
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], doc) }
            }),
        )
        // Unknown API paths are JSON 404s, never the app's index.html.
        .route("/api", axum::routing::any(|| async { error::ApiError::not_found() }))
        .route("/api/{*rest}", axum::routing::any(|| async { error::ApiError::not_found() }))
        .layer(middleware::from_fn(auth::csrf))
        .layer(middleware::from_fn_with_state(state.clone(), crate::rate_limit::limit_starts))
        .layer(middleware::from_fn(error::json_errors))
        .layer(axum::extract::DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .with_state(state)
}
