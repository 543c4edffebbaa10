//! Attachments on an errand's messages: a picture (the chat's pipeline and limits: checked by
//! its bytes, decoded within the memory limit, encoded anew without metadata, a thumbnail) or a
//! document (PDF: checked by its bytes, stored as sent, served only as a download in a
//! sandbox). Upload is `PUT` with the client's id, so a retry is harmless; a message then names
//! its attachments. Until then an attachment is its uploader's alone; after, it is the
//! errand's: the patient's side (the user and guardians of a child up to 12) and the clinic.

use crate::domain::attachments::load;
use crate::domain::attachments::refused;
use crate::extract::attachment_response;
use axum::{
    Json,
    body::Body,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use ingang_api::{
    eservices::Attachment,
    pictures::{PDF, PictureLimits, is_pdf, sniff},
};

use crate::extract::AuthUser;
use crate::{AppState, error::ApiError};

fn valid_id(id: &str) -> bool {
    (8..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// What is stored of an upload.
struct Stored {
    content_type: &'static str,
    bytes: Vec<u8>,
    thumbnail: Option<Vec<u8>>,
    width: Option<u32>,
    height: Option<u32>,
}

/// Checks an upload by its bytes: a PDF is kept as it is; a picture goes through the chat's
/// pipeline ([`crate::domain::pictures::prepare`]).
async fn check_upload(data: axum::body::Bytes) -> Result<Stored, ApiError> {
    if is_pdf(&data) {
        return Ok(Stored { content_type: PDF, bytes: data.to_vec(), thumbnail: None, width: None, height: None });
    }
    if data.starts_with(b"%PDF-") {
        return Err(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "undecodable",
            "Dokumentet är inte helt. Spara det på nytt och försök igen.",
        ));
    }
    if !matches!(sniff(&data), Some("image/jpeg" | "image/png")) {
        return Err(refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            "Filen är varken en bild (JPEG eller PNG) eller ett PDF-dokument.",
        ));
    }
    let permit = crate::domain::pictures::DECODES.acquire().await.map_err(ApiError::internal)?;
    let prepared =
        tokio::task::spawn_blocking(move || crate::domain::pictures::prepare(&data, &PictureLimits::default()))
            .await
            .map_err(ApiError::internal)??;
    drop(permit);
    Ok(Stored {
        content_type: prepared.content_type,
        bytes: prepared.bytes,
        thumbnail: Some(prepared.thumbnail),
        width: Some(prepared.width),
        height: Some(prepared.height),
    })
}

/// Uploads a picture or a PDF to an errand of the user's (or of a child's up to 12) that the
/// clinic has not closed. The same `attachmentId` again returns the stored attachment.
#[utoipa::path(
    put,
    path = "/errands/{id}/attachments/{attachmentId}",
    tag = "e-services",
    params(("id" = String, Path, description = "Errand id"), ("attachmentId" = String, Path, description = "The client's id for the attachment (a UUID)")),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "A JPEG or PNG picture, or a PDF; see `GET /pictures/limits`"),
    responses(
        (status = 201, description = "Stored", body = Attachment),
        (status = 200, description = "Already stored with this id", body = Attachment),
        (status = 400, description = "`bad_attachment_id`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such errand for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`errand_closed`, or `attachment_id_taken` (the id names another attachment)", body = ingang_api::ErrorBody),
        (status = 413, description = "`too_large` (the file) or `too_many_pixels` (a picture, decoded, over 64 MiB)", body = ingang_api::ErrorBody),
        (status = 415, description = "`unsupported_type`: neither JPEG, PNG nor PDF by its bytes", body = ingang_api::ErrorBody),
        (status = 422, description = "`undecodable`: a broken picture or a cut-off PDF", body = ingang_api::ErrorBody)
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path((errand_id, attachment_id)): Path<(String, String)>,
    body: Body,
) -> Result<Response, ApiError> {
    if !valid_id(&attachment_id) {
        return Err(refused(StatusCode::BAD_REQUEST, "bad_attachment_id", "Bilagans id ska vara ett UUID."));
    }
    let people = crate::domain::errands::e_service_people(&state, &user).await?;
    let errand = crate::domain::errands::load_errand(&state, people, errand_id.clone()).await?;
    let (aid, me) = (attachment_id.clone(), user.personal_number.clone());
    let existing = state.db.store(move |conn| crate::storage::errands::attachment_and_uploader(conn, &aid)).await?;
    if let Some(crate::storage::errands::Uploaded { attachment, errand_id: of_errand, uploader }) = existing {
        if of_errand == errand_id && uploader == me {
            return Ok((StatusCode::OK, Json(attachment)).into_response());
        }
        return Err(refused(StatusCode::CONFLICT, "attachment_id_taken", "Bilagans id används redan."));
    }
    if errand.closed {
        return Err(refused(
            StatusCode::CONFLICT,
            "errand_closed",
            "Mottagningen har avslutat ärendet. Skicka ett nytt ärende om du behöver mer hjälp.",
        ));
    }
    let limits = PictureLimits::default();
    let data = axum::body::to_bytes(body, limits.max_upload_bytes as usize).await.map_err(|_| {
        refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!("Filen är för stor. Högst {} MB.", limits.max_upload_bytes / (1024 * 1024)),
        )
    })?;
    let stored = check_upload(data).await?;
    let now = state.clock.now();
    let attachment = state
        .db
        .store(move |conn| {
            let new = crate::storage::errands::NewAttachment {
                id: &attachment_id,
                errand_id: &errand_id,
                uploader: &user.personal_number,
                content_type: stored.content_type,
                width: stored.width,
                height: stored.height,
                bytes: &stored.bytes,
                thumbnail: stored.thumbnail.as_deref(),
            };
            crate::storage::errands::upload(conn, &new, now)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(attachment)).into_response())
}

async fn serve(state: AppState, user: AuthUser, id: String, thumbnail: bool) -> Result<Response, ApiError> {
    let Some(crate::storage::errands::AttachmentFile { errand_id, uploader, sent, content_type, bytes: Some(bytes) }) =
        load(&state, id.clone(), thumbnail).await?
    else {
        return Err(ApiError::not_found());
    };
    // one not yet sent is the uploader's alone; a sent one is the errand's
    if !sent && uploader != user.personal_number {
        return Err(ApiError::not_found());
    }
    let people = crate::domain::errands::e_service_people(&state, &user).await?;
    crate::domain::errands::load_errand(&state, people, errand_id).await?;
    Ok(attachment_response(&id, &content_type, bytes, thumbnail))
}

/// An attachment, to those who may see its errand (others get 404, as for one that does not
/// exist). A document comes as a download (`Content-Disposition: attachment`).
#[utoipa::path(
    get,
    path = "/attachments/{id}",
    tag = "e-services",
    params(("id" = String, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The picture or the PDF, with `Content-Disposition` and `nosniff`", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such attachment for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn attachment(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    serve(state, user, id, false).await
}

/// A picture attachment's thumbnail (JPEG, at most 320 px); a document has none (404).
#[utoipa::path(
    get,
    path = "/attachments/{id}/thumbnail",
    tag = "e-services",
    params(("id" = String, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "JPEG", content_type = "image/jpeg", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such picture attachment for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn thumbnail(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    serve(state, user, id, true).await
}
