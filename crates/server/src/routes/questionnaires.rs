//! FHIR R4 Questionnaires: list, read, and server-side validation of a response with the same
//! engine the app uses (`ingang-questionnaire`). The client is never trusted: every submitted
//! response is checked here (and, from the care-request flow on, before it is stored).

use crate::domain::people::user_mobile;
use crate::domain::questionnaires::check_at;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::header,
    response::IntoResponse,
};
use ingang_api::{QuestionnaireList, QuestionnaireSummary, ResponseValidation};
use ingang_questionnaire::{Questionnaire, QuestionnaireResponse};

use crate::domain::people::visible_people;
use crate::extract::AuthUser;
use crate::{AppState, error::ApiError};

/// The questionnaires this server offers (without items).
#[utoipa::path(
    get,
    path = "/questionnaires",
    tag = "questionnaires",
    responses((status = 200, description = "All questionnaires", body = QuestionnaireList))
)]
pub async fn list_questionnaires(State(state): State<AppState>) -> Result<Json<QuestionnaireList>, ApiError> {
    let questionnaires = state
        .db
        .store(|conn| {
            Ok(crate::storage::forms::all(conn)?
                .into_iter()
                .map(|f| QuestionnaireSummary { id: f.id, url: f.url, version: f.version, title: f.title })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(QuestionnaireList { questionnaires }))
}

async fn load(state: &AppState, id: String) -> Result<String, ApiError> {
    state.db.store(move |conn| crate::storage::forms::resource(conn, &id)).await?.ok_or_else(ApiError::not_found)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ForPatient {
    /// Whom the form is filled in for (an id from `/me/people`): the server then pre-populates
    /// (SDC) what it knows of them and of the signed-in user, and answers 401 without a session
    /// and 404 for a person the user may not act for. Without it: the form as authored.
    pub patient_id: Option<String>,
}

/// One questionnaire: a FHIR R4 `Questionnaire` resource, as authored or, with `patientId`,
/// pre-populated for that person (SDC `launchContext` `patient` and `user` with
/// `initialExpression`: the expressions this server evaluates become `initial` answers and are
/// removed, see `populate`).
#[utoipa::path(
    get,
    path = "/questionnaires/{id}",
    tag = "questionnaires",
    params(("id" = String, Path, description = "Questionnaire id"), ForPatient),
    responses(
        (status = 200, description = "FHIR R4 Questionnaire", content_type = "application/fhir+json", body = Object),
        (status = 401, description = "`patientId` without a session", body = ingang_api::ErrorBody),
        (status = 404, description = "No such questionnaire, or a patient the user may not act for", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_questionnaire(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(ForPatient { patient_id }): Query<ForPatient>,
    user: Option<AuthUser>,
) -> Result<impl IntoResponse, ApiError> {
    let resource = load(&state, id).await?;
    let resource = match patient_id {
        None => resource,
        Some(patient_id) => {
            let user = user.ok_or_else(crate::extract::unauthorized)?;
            let people = visible_people(&state, &user).await?;
            let person = people.into_iter().find(|p| p.id == patient_id).ok_or_else(ApiError::not_found)?;
            let mobile = user_mobile(&state, &user.personal_number).await?;
            let mut value: serde_json::Value = serde_json::from_str(&resource).map_err(ApiError::internal)?;
            let known = crate::populate::Known {
                user_mobile: mobile.as_deref(),
                patient: Some(&person.personal_number),
                now: state.clock.now(),
            };
            crate::populate::populate(&mut value, &known);
            value.to_string()
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/fhir+json; charset=utf-8")], resource))
}

/// Checks a `QuestionnaireResponse` against the questionnaire: unknown items, wrong types,
/// answers to items that the other answers disable, and every validation rule of the form.
#[utoipa::path(
    post,
    path = "/questionnaires/{id}/validate",
    tag = "questionnaires",
    params(("id" = String, Path, description = "Questionnaire id")),
    request_body(content = Object, description = "FHIR R4 QuestionnaireResponse", content_type = "application/json"),
    responses(
        (status = 200, description = "The verdict (valid or a list of problems)", body = ResponseValidation),
        (status = 400, description = "Not a QuestionnaireResponse", body = ingang_api::ErrorBody),
        (status = 404, description = "No such questionnaire", body = ingang_api::ErrorBody)
    )
)]
pub async fn validate_response(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<ResponseValidation>, ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("Svaret är inte UTF-8."))?;
    let response = QuestionnaireResponse::from_json(text)
        .map_err(|e| ApiError::bad_request(format!("Inte ett QuestionnaireResponse: {e}")))?;
    let resource = load(&state, id).await?;
    let questionnaire = Questionnaire::from_json(&resource).map_err(ApiError::internal)?;
    Ok(Json(check_at(questionnaire, response, state.clock.now())))
}
