//! Errand attachments: checking an upload's ids against the patient's own errand, attaching
//! them to a message, and loading one (with its thumbnail) for whoever may see it.

use crate::storage::{OptionalExtension, params};
use crate::{AppState, error::ApiError};
use axum::http::StatusCode;
use ingang_api::{eservices::Attachment, pictures::PictureLimits};

/// Gives the attachments (checked by [`check_ids`]) to a message, in a transaction.
pub fn attach(conn: &mut crate::storage::Conn<'_>, message_id: i64, ids: &[String]) -> crate::storage::Result<()> {
    for (position, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE errand_attachments SET message_id = ?1, position = ?2 WHERE id = ?3 AND message_id IS NULL",
            params![message_id, position as i64, id],
        )?;
    }
    Ok(())
}

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
        let found: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM errand_attachments
                                WHERE id = ?1 AND errand_id = ?2 AND uploader = ?3 AND message_id IS NULL) AS found",
                params![id, errand, user],
                |r| r.get("found"),
            )
            .map_err(ApiError::internal)?;
        if !found {
            return Err(refused(StatusCode::BAD_REQUEST, "unknown_attachment", "En bilaga saknas. Bifoga den igen."));
        }
    }
    Ok(())
}

/// Loads an attachment's bytes (or its thumbnail).
pub async fn load(state: &AppState, id: String, thumbnail: bool) -> Result<Option<Loaded>, ApiError> {
    let column = if thumbnail { "thumbnail" } else { "bytes" };
    state
        .db
        .store(move |conn| {
            conn.query_row(
                &format!(
                    "SELECT errand_id, uploader, message_id IS NOT NULL AS sent, content_type, {column} AS bytes FROM errand_attachments WHERE id = ?1"
                ),
                params![id],
                |r| Ok((r.get("errand_id")?, r.get("uploader")?, r.get("sent")?, r.get("content_type")?, r.get("bytes")?)),
            )
            .optional()
        })
        .await
}

/// The attachments of an errand's message, in order.
pub fn of_message(conn: &mut crate::storage::Conn<'_>, message_id: i64) -> crate::storage::Result<Vec<Attachment>> {
    conn.query_map(&format!("{SELECT} WHERE message_id = ?1 ORDER BY position"), params![message_id], |r| {
        row(r).map(|(a, _)| a)
    })
}

/// `(errand_id, uploader, sent, content_type, bytes)` of an attachment (the thumbnail's bytes
/// when asked for; `None` for a document's).
pub type Loaded = (String, String, bool, String, Option<Vec<u8>>);

pub(crate) fn row(r: &crate::storage::Row) -> crate::storage::Result<(Attachment, String)> {
    let id: String = r.get("id")?;
    let content_type: String = r.get("content_type")?;
    let picture = content_type.starts_with("image/");
    Ok((
        Attachment {
            url: format!("{}/attachments/{id}", ingang_api::API_V1),
            thumbnail_url: picture.then(|| format!("{}/attachments/{id}/thumbnail", ingang_api::API_V1)),
            id,
            content_type,
            size: r.get::<i64>("size")? as u64,
            width: r.get("width")?,
            height: r.get("height")?,
        },
        r.get("errand_id")?,
    ))
}

pub(crate) const SELECT: &str =
    "SELECT id, errand_id, content_type, length(bytes) AS size, width, height FROM errand_attachments";

pub(crate) fn refused(status: StatusCode, code: &str, message: &str) -> ApiError {
    ApiError::new(status, code, message)
}
