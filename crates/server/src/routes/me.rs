//! The signed-in resident: whom they may act for (with the age rules), contact details, and the
//! key for their encrypted drafts. Every handler takes [`AuthUser`]: no session, no data; and a
//! person id that is neither the user nor their child is "not found" (nothing leaks).

use crate::domain::people::visible_people;
use crate::storage::{OptionalExtension, params};
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
    let row = state
        .db
        .store(move |conn| {
            conn.query_row(
                "SELECT mobile, email, notify_sms, notify_email, notify_push FROM contact_details WHERE personal_number = ?1",
                crate::params![pnr],
                |r| {
                    Ok(ContactDetails {
                        mobile: r.get("mobile")?,
                        email: r.get("email")?,
                        notifications: Notifications { sms: r.get("notify_sms")?, email: r.get("notify_email")?, push: r.get("notify_push")? },
                        registered: true,
                    })
                },
            )
            .optional()
        })
        .await?;
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
            conn.execute(
                "INSERT INTO contact_details (personal_number, mobile, email, notify_sms, notify_email, notify_push, updated_at,
                                              language)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (personal_number) DO UPDATE SET mobile = ?2, email = ?3, notify_sms = ?4, notify_email = ?5,
                   notify_push = ?6, updated_at = ?7, language = ?8",
                params![pnr, mobile, email, n.sms, n.email, n.push, now, lang.0],
            )
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
    let key = state
        .db
        .store(move |conn| {
            conn.execute(
                "INSERT INTO draft_keys (personal_number, key) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![pnr, fresh],
            )?;
            conn.query_row("SELECT key FROM draft_keys WHERE personal_number = ?1", crate::params![pnr], |r| {
                r.get("key")
            })
        })
        .await?;
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
