//! Chat pictures: decoding within memory limits, re-encoding without metadata, thumbnails,
//! and attaching a patient's pictures to a message of their own case.

use crate::storage::{OptionalExtension, params};
use crate::{AppState, error::ApiError};
use axum::http::StatusCode;
use image::{DynamicImage, ImageDecoder, ImageFormat, Limits, metadata::Orientation};
use ingang_api::pictures::{Picture, PictureLimits, fit, sniff};
use std::io::Cursor;

/// At most this many pictures are decoded at once (each may take [`MAX_DECODED_BYTES`]), so
/// parallel uploads queue instead of adding up.
pub static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The most a picture may take decoded, in bytes (width × height × bytes per pixel): 64 MiB,
/// e.g. 21 megapixels in RGB. The app scales pictures to 2048 px before sending, so only
/// another client sends more; it is refused from the header, before any pixel is decoded.
pub const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;

/// Gives the pictures (checked by [`check_ids`]) to a message.
pub fn attach(conn: &mut crate::storage::Conn<'_>, message_id: i64, ids: &[String]) -> crate::storage::Result<()> {
    for (position, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE pictures SET message_id = ?1, position = ?2 WHERE id = ?3 AND message_id IS NULL",
            params![message_id, position as i64, id],
        )?;
    }
    Ok(())
}

/// The pictures a new message may carry: uploaded by this user to this case, not yet sent,
/// each once, no more than the limit.
pub async fn check_ids(state: &AppState, user: &str, case_id: &str, ids: &[String]) -> Result<(), ApiError> {
    let limits = PictureLimits::default();
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    if ids.len() > limits.max_per_message as usize || unique.len() != ids.len() {
        return Err(refused(
            StatusCode::BAD_REQUEST,
            "too_many_pictures",
            &format!("Högst {} bilder per meddelande.", limits.max_per_message),
        ));
    }
    let (user, case_id, ids) = (user.to_owned(), case_id.to_owned(), ids.to_vec());
    let found: usize = state
        .db
        .store(move |conn| {
            let mut n = 0;
            for id in &ids {
                n += conn.query_row(
                    "SELECT COUNT(*) AS count FROM pictures WHERE id = ?1 AND case_id = ?2 AND uploader = ?3 AND message_id IS NULL",
                    params![id, case_id, user],
                    |r| r.get::<i64>("count"),
                )? as usize;
            }
            Ok(n)
        })
        .await?;
    if found != unique.len() {
        return Err(refused(StatusCode::BAD_REQUEST, "unknown_picture", "En bild saknas. Ladda upp den igen."));
    }
    Ok(())
}

/// Loads a picture's bytes (or thumbnail).
pub async fn load(state: &AppState, id: String, thumbnail: bool) -> Result<Option<Stored>, ApiError> {
    let column = if thumbnail { "thumbnail" } else { "bytes" };
    state
        .db
        .store(move |conn| {
            conn.query_row(
                &format!("SELECT case_id, uploader, message_id IS NOT NULL AS sent, content_type, {column} AS bytes FROM pictures WHERE id = ?1"),
                crate::params![id],
                |r| Ok((r.get("case_id")?, r.get("uploader")?, r.get("sent")?, r.get("content_type")?, r.get("bytes")?)),
            )
            .optional()
        })
        .await
}

/// The pictures of a message, in order.
pub fn of_message(conn: &mut crate::storage::Conn<'_>, message_id: i64) -> crate::storage::Result<Vec<Picture>> {
    conn.query_map(&format!("{SELECT} WHERE message_id = ?1 ORDER BY position"), params![message_id], row)
}

/// Checks and prepares an upload (CPU work: call from a blocking task, holding a permit of
/// [`DECODES`]).
///
/// Every picture is decoded and encoded again, whatever it carries: what is stored is only
/// pixels, never a segment of the original file (EXIF with a GPS position, XMP, comments,
/// data after the image), however oddly the file is built. The orientation tag is applied
/// first. Peak memory is the decoded picture plus the scaled copy.
pub fn prepare(data: &[u8], limits: &PictureLimits) -> Result<Prepared, ApiError> {
    let content_type = match sniff(data) {
        Some(t @ ("image/jpeg" | "image/png")) => t,
        _ => {
            return Err(refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_type",
                "Filen är inte en bild av en tillåten typ (JPEG eller PNG).",
            ));
        }
    };
    let (img, orientation) = if content_type == "image/jpeg" {
        decode(image::codecs::jpeg::JpegDecoder::new(Cursor::new(data)).map_err(|_| undecodable())?)?
    } else {
        decode(image::codecs::png::PngDecoder::new(Cursor::new(data)).map_err(|_| undecodable())?)?
    };
    // scale first (the decoded picture is freed), then turn the small copy
    let (w, h) = fit(img.width(), img.height(), limits.max_edge);
    // (an area average in integers: `resize_exact` would hold a float copy of 4× the size)
    let mut img = if (w, h) == (img.width(), img.height()) { img } else { img.thumbnail_exact(w, h) };
    img.apply_orientation(orientation);
    let bytes = if content_type == "image/jpeg" {
        encode_jpeg(&img, 90)?
    } else {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(ApiError::internal)?;
        out
    };
    let thumbnail = encode_jpeg(&img.thumbnail(THUMB_EDGE, THUMB_EDGE), 80)?;
    Ok(Prepared { content_type, bytes, thumbnail, width: img.width(), height: img.height() })
}

pub(crate) fn row(r: &crate::storage::Row) -> crate::storage::Result<Picture> {
    let id: String = r.get("id")?;
    Ok(Picture {
        url: format!("{}/pictures/{id}", ingang_api::API_V1),
        thumbnail_url: format!("{}/pictures/{id}/thumbnail", ingang_api::API_V1),
        id,
        case_id: r.get("case_id")?,
        content_type: r.get("content_type")?,
        size: r.get::<i64>("size")? as u64,
        width: r.get("width")?,
        height: r.get("height")?,
    })
}

pub(crate) const SELECT: &str = "SELECT id, case_id, content_type, length(bytes) AS size, width, height FROM pictures";

/// `(case_id, uploader, sent, content_type, bytes)` of a picture.
pub type Stored = (String, String, bool, String, Vec<u8>);

/// A picture ready to store.
#[derive(Debug)]
pub struct Prepared {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub(crate) fn undecodable() -> ApiError {
    refused(StatusCode::UNPROCESSABLE_ENTITY, "undecodable", "Filen kunde inte läsas som en bild.")
}

pub(crate) fn refused(status: StatusCode, code: &str, message: &str) -> ApiError {
    ApiError::new(status, code, message)
}

/// The thumbnail's long side.
pub const THUMB_EDGE: u32 = 320;

pub(crate) fn encode_jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(ApiError::internal)?;
    Ok(out)
}

/// Decodes after checking the size the decoder's header announces.
pub(crate) fn decode(decoder: impl ImageDecoder) -> Result<(DynamicImage, Orientation), ApiError> {
    let mut decoder = decoder;
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(too_many_pixels());
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    decoder.set_limits(limits).map_err(|_| too_many_pixels())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok((DynamicImage::from_decoder(decoder).map_err(|_| undecodable())?, orientation))
}

pub(crate) fn too_many_pixels() -> ApiError {
    refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_many_pixels",
        "Bilden har för många pixlar. Ta en ny bild eller minska den och försök igen.",
    )
}
