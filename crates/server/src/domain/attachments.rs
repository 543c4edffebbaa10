//! Errand attachments: checking an upload's ids against the patient's own errand, attaching
//! them to a message, and loading one (with its thumbnail) for whoever may see it.

use crate::storage::errands::AttachmentFile;
use crate::{AppState, error::ApiError};
use axum::http::StatusCode;
use ingang_api::pictures::PictureLimits;

/// The attachments a new message may carry: uploaded by this user to this errand, not yet
/// sent, each once, no more than the limit.
pub fn check_ids(
    conn: &mut crate::storage::Conn<'_>,
    user: &str,
    errand: &str,
    ids: &[String],
) -> Result<(), ApiError> {
    let limits = PictureLimits::default();
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    if ids.len() > limits.max_per_message as usize || unique.len() != ids.len() {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "too_many_attachments",
            &format!("Högst {} bilagor per meddelande.", limits.max_per_message),
        ));
    }
    for id in ids {
        if !crate::storage::errands::is_unsent_of(conn, id, errand, user).map_err(ApiError::internal)? {
            return Err(refused(StatusCode::BAD_REQUEST, "unknown_attachment", "En bilaga saknas. Bifoga den igen."));
        }
    }
    Ok(())
}

/// Loads an attachment's bytes (or its thumbnail).
pub async fn load(state: &AppState, id: String, thumbnail: bool) -> Result<Option<AttachmentFile>, ApiError> {
    state.db.store(move |conn| crate::storage::errands::file(conn, &id, thumbnail)).await
}

pub(crate) fn refused(status: StatusCode, code: &str, message: &str) -> ApiError {
    ApiError::new(status, code, message)
}
