//! Chat pictures: decoding within memory limits, re-encoding without metadata, thumbnails,
//! and attaching a patient's pictures to a message of their own case.

use crate::storage::chat::PictureFile;
use crate::{AppState, error::ApiError};
use axum::http::StatusCode;
use image::{DynamicImage, ImageDecoder, ImageFormat, Limits, metadata::Orientation};
use ingang_api::pictures::{PictureLimits, fit, sniff};
use std::io::Cursor;

/// At most this many pictures are decoded at once (each may take [`MAX_DECODED_BYTES`]), so
/// parallel uploads queue instead of adding up.
pub static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The most a picture may take decoded, in bytes (width × height × bytes per pixel): 64 MiB,
/// e.g. 21 megapixels in RGB. The app scales pictures to 2048 px before sending, so only
/// another client sends more; it is refused from the header, before any pixel is decoded.
pub const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;

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
    let found = state.db.store(move |conn| crate::storage::chat::unsent_of(conn, &ids, &case_id, &user)).await?;
    if found != unique.len() {
        return Err(refused(StatusCode::BAD_REQUEST, "unknown_picture", "En bild saknas. Ladda upp den igen."));
    }
    Ok(())
}

/// Loads a picture's bytes (or thumbnail).
pub async fn load(state: &AppState, id: String, thumbnail: bool) -> Result<Option<PictureFile>, ApiError> {
    state.db.store(move |conn| crate::storage::chat::file(conn, &id, thumbnail)).await
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
