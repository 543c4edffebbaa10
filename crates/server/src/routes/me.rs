//! The signed-in resident: whom they may act for (with the age rules), contact details, and the
//! key for their encrypted drafts. Every handler takes [`AuthUser`]: no session, no data; and a
//! person id that is neither the user nor their child is "not found" (nothing leaks).

use crate::domain::people::visible_people;
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use ingang_api::people::{ContactDetails, ContactProblem, DraftKey, Notifications, PeopleList, Person, check_contact};

use crate::extract::AuthUser;
use crate::{AppState, error::ApiError};

/// Whom the resident may act for: themself first, then their children, with what is allowed.
#[utoipa::path(
    get,
    path = "/me/people",
    tag = "me",
    responses(
        (status = 200, description = "The user and their children", body = PeopleList),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn my_people(State(state): State<AppState>, user: AuthUser) -> Result<Json<PeopleList>, ApiError> {
    Ok(Json(PeopleList { people: visible_people(&state, &user).await? }))
}

/// One person, when it is the user or one of their children; otherwise 404 (nothing leaks).
#[utoipa::path(
    get,
    path = "/people/{id}",
    tag = "me",
    params(("id" = String, Path, description = "Opaque person id")),
    responses(
        (status = 200, description = "The person", body = Person),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such person for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_person(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Person>, ApiError> {
    visible_people(&state, &user).await?.into_iter().find(|p| p.id == id).map(Json).ok_or_else(ApiError::not_found)
}

async fn load_contact(state: &AppState, pnr: String) -> Result<ContactDetails, ApiError> {
    let row = state.db.store(move |conn| crate::storage::people::contact(conn, &pnr)).await?.map(|c| ContactDetails {
        mobile: c.mobile,
        email: c.email,
        notifications: Notifications { sms: c.sms, email: c.email_wanted, push: c.push },
        registered: true,
    });
    Ok(row.unwrap_or(ContactDetails {
        mobile: None,
        email: None,
        notifications: Notifications { sms: true, email: false, push: false },
        registered: false,
    }))
}

/// The user's contact details (`registered: false` until the first-login form is sent).
#[utoipa::path(
    get,
    path = "/me/contact",
    tag = "me",
    responses(
        (status = 200, description = "Contact details", body = ContactDetails),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn get_contact(State(state): State<AppState>, user: AuthUser) -> Result<Json<ContactDetails>, ApiError> {
    Ok(Json(load_contact(&state, user.personal_number).await?))
}

/// Registers or changes contact details. The mobile number must be Swedish; SMS needs one and
/// e-mail notifications need an address.
#[utoipa::path(
    put,
    path = "/me/contact",
    tag = "me",
    request_body = ContactDetails,
    responses(
        (status = 200, description = "Saved (the number normalised to +467…)", body = ContactDetails),
        (status = 400, description = "`invalid_mobile`, `invalid_email`, `mobile_required` or `email_required`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn put_contact(
    State(state): State<AppState>,
    user: AuthUser,
    lang: crate::lang::Lang,
    Json(body): Json<ContactDetails>,
) -> Result<Json<ContactDetails>, ApiError> {
    let checked = check_contact(&body).map_err(|problems| {
        let first = problems[0];
        let message = match first {
            ContactProblem::InvalidMobile => "Ange ett svenskt mobilnummer, till exempel 070-123 45 67.",
            ContactProblem::InvalidEmail => "Ange en giltig e-postadress, till exempel namn@exempel.se.",
            ContactProblem::MobileRequired => "Ange ett mobilnummer för att få sms.",
            ContactProblem::EmailRequired => "Ange en e-postadress för att få e-post.",
        };
        ApiError::new(StatusCode::BAD_REQUEST, first.code(), message)
    })?;
    let (mobile, email, n) = (checked.mobile, checked.email, checked.notifications);
    let pnr = user.personal_number.clone();
    let now = state.clock.now();
    state
        .db
        .store(move |conn| {
            let contact =
                crate::storage::people::Contact { mobile, email, sms: n.sms, email_wanted: n.email, push: n.push };
            crate::storage::people::save_contact(conn, &pnr, &contact, lang.0, now)
        })
        .await?;
    Ok(Json(load_contact(&state, user.personal_number).await?))
}

/// The key that encrypts this user's drafts on the device: created on first request and handed
/// out only to this user's session, so the next person at a shared device cannot read them.
#[utoipa::path(
    get,
    path = "/me/draft-key",
    tag = "me",
    responses(
        (status = 200, description = "AES-256-GCM raw key, base64", body = DraftKey),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody)
    )
)]
pub async fn draft_key(State(state): State<AppState>, user: AuthUser) -> Result<Json<DraftKey>, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    let fresh = ingang_questionnaire::base64_encode(&bytes);
    let pnr = user.personal_number;
    let key = state.db.store(move |conn| crate::storage::people::draft_key(conn, &pnr, &fresh)).await?;
    Ok(Json(DraftKey { key }))
}

#[cfg(test)]
mod tests {

    use crate::domain::people::age_months;
    use ingang_api::personnummer::Date;

    #[test]
    fn months_between_dates() {
        assert_eq!(age_months(Date::new(2026, 5, 22), Date::new(2026, 11, 22)), 6);
        assert_eq!(age_months(Date::new(2026, 5, 23), Date::new(2026, 11, 22)), 5);
        assert_eq!(age_months(Date::new(2008, 11, 22), Date::new(2026, 11, 22)), 216);
    }
}
