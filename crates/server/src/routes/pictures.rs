//! Pictures in the chat: upload (`PUT`, idempotent by the client's id), the limits, and the
//! bytes and thumbnails, served only to those who may see the case.
//!
//! What the server checks, whatever the client did: the real type from the magic bytes (JPEG
//! or PNG), the size of the file, the size it would take decoded (from its header, before
//! decoding: no decompression bomb), and that it decodes. Then every picture is re-encoded
//! with its orientation applied, so no stored picture carries metadata (a GPS position in
//! EXIF, comments, trailing data), even from a client that did not strip it. At most two
//! pictures are decoded at once.

use crate::domain::pictures::DECODES;
use crate::domain::pictures::load;
use crate::domain::pictures::prepare;
use crate::domain::pictures::refused;
use crate::extract::picture_response;

use axum::{
    Json,
    body::Body,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use ingang_api::pictures::{Picture, PictureLimits};

use crate::extract::AuthUser;
use crate::{AppState, error::ApiError};

/// What the server accepts.
#[utoipa::path(
    get,
    path = "/pictures/limits",
    tag = "chat",
    responses((status = 200, description = "Types, sizes and counts", body = PictureLimits))
)]
pub async fn limits() -> Json<PictureLimits> {
    Json(PictureLimits::default())
}

fn valid_id(id: &str) -> bool {
    (8..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Uploads a picture to a picked case. The body is the image (JPEG or PNG). The same
/// `pictureId` again returns the stored picture, so a retry after a lost answer is harmless.
#[utoipa::path(
    put,
    path = "/cases/{id}/pictures/{pictureId}",
    tag = "chat",
    params(("id" = String, Path, description = "Case id"), ("pictureId" = String, Path, description = "The client's id for the picture (a UUID)")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The picture; see `GET /pictures/limits`"),
    responses(
        (status = 201, description = "Stored", body = Picture),
        (status = 200, description = "Already stored with this id", body = Picture),
        (status = 400, description = "`bad_picture_id`", body = ingang_api::ErrorBody),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such case for this user", body = ingang_api::ErrorBody),
        (status = 409, description = "`chat_closed`, or `picture_id_taken` (the id names another picture)", body = ingang_api::ErrorBody),
        (status = 413, description = "`too_large` (the file) or `too_many_pixels` (decoded, over 64 MiB)", body = ingang_api::ErrorBody),
        (status = 415, description = "`unsupported_type`: not JPEG or PNG by its bytes", body = ingang_api::ErrorBody),
        (status = 422, description = "`undecodable`", body = ingang_api::ErrorBody)
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path((case_id, picture_id)): Path<(String, String)>,
    body: Body,
) -> Result<Response, ApiError> {
    if !valid_id(&picture_id) {
        return Err(refused(StatusCode::BAD_REQUEST, "bad_picture_id", "Bildens id ska vara ett UUID."));
    }
    let case = crate::domain::cases::authorised_case(&state, &user, case_id.clone()).await?;
    let (pid, cid, me) = (picture_id.clone(), case_id.clone(), user.personal_number.clone());
    let existing: Option<(Picture, String)> =
        state.db.store(move |conn| crate::storage::chat::picture_and_uploader(conn, &pid)).await?;
    if let Some((picture, uploader)) = existing {
        if picture.case_id == cid && uploader == me {
            return Ok((StatusCode::OK, Json(picture)).into_response());
        }
        return Err(refused(StatusCode::CONFLICT, "picture_id_taken", "Bildens id används redan."));
    }
    if case.status != ingang_api::cases::CaseStatus::InProgress {
        return Err(refused(StatusCode::CONFLICT, "chat_closed", "Chatten är inte öppen."));
    }
    let limits = PictureLimits::default();
    let too_large = || {
        refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!("Bilden är för stor. Högst {} MB.", limits.max_upload_bytes / (1024 * 1024)),
        )
    };
    let data = axum::body::to_bytes(body, limits.max_upload_bytes as usize).await.map_err(|_| too_large())?;
    let permit = DECODES.acquire().await.map_err(ApiError::internal)?;
    let prepared = tokio::task::spawn_blocking(move || prepare(&data, &PictureLimits::default()))
        .await
        .map_err(ApiError::internal)??;
    drop(permit);
    let now = state.clock.now();
    let picture = state
        .db
        .store(move |conn| {
            let new = crate::storage::chat::NewPicture {
                id: &picture_id,
                case_id: &case_id,
                uploader: &user.personal_number,
                content_type: prepared.content_type,
                width: prepared.width,
                height: prepared.height,
                bytes: &prepared.bytes,
                thumbnail: &prepared.thumbnail,
            };
            crate::storage::chat::upload(conn, &new, now)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(picture)).into_response())
}

async fn serve(state: AppState, user: AuthUser, id: String, thumbnail: bool) -> Result<Response, ApiError> {
    let Some(crate::storage::chat::PictureFile { case_id, uploader, sent, content_type, bytes }) =
        load(&state, id.clone(), thumbnail).await?
    else {
        return Err(ApiError::not_found());
    };
    // a picture not yet sent is the uploader's alone; a sent one is the case's
    if !sent && uploader != user.personal_number {
        return Err(ApiError::not_found());
    }
    crate::domain::cases::authorised_case(&state, &user, case_id).await?;
    Ok(picture_response(&id, &content_type, bytes, thumbnail))
}

/// A picture, to the patient, their guardians within the age rules (and care staff, in the
/// console). Others get 404, as for a picture that does not exist.
#[utoipa::path(
    get,
    path = "/pictures/{id}",
    tag = "chat",
    params(("id" = String, Path, description = "Picture id")),
    responses(
        (status = 200, description = "The image, with `Content-Disposition` and `nosniff`", content_type = "image/jpeg", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such picture for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn picture(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    serve(state, user, id, false).await
}

/// A picture's thumbnail (JPEG, at most 320 px).
#[utoipa::path(
    get,
    path = "/pictures/{id}/thumbnail",
    tag = "chat",
    params(("id" = String, Path, description = "Picture id")),
    responses(
        (status = 200, description = "JPEG", content_type = "image/jpeg", body = Vec<u8>),
        (status = 401, description = "Not signed in", body = ingang_api::ErrorBody),
        (status = 404, description = "No such picture for this user", body = ingang_api::ErrorBody)
    )
)]
pub async fn thumbnail(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    serve(state, user, id, true).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pictures::encode_jpeg;
    use ingang_api::pictures::sniff;

    use image::DynamicImage;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, _| {
            if x < w / 2 { image::Rgb([255, 0, 0]) } else { image::Rgb([0, 0, 255]) }
        }));
        encode_jpeg(&img, 90).expect("a test picture encodes")
    }

    /// `jpeg` with an APP1 EXIF segment: orientation 6 (rotate 90° clockwise) and a GPS tag.
    fn with_exif(clean: &[u8]) -> Vec<u8> {
        // TIFF little endian: IFD0 with Orientation (0x0112) = 6 and GPS IFD pointer (0x8825)
        let mut tiff = b"II*\x00\x08\x00\x00\x00".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        // GPS IFD at 38: GPSLatitudeRef 'N'
        tiff.extend_from_slice(&1u16.to_le_bytes());
        tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&clean[2..]);
        out
    }

    /// Nothing of the file but its pixels: no APP1–APP15 or comment segment, no "Exif", and
    /// nothing after the end of the image.
    fn only_pixels(jpeg: &[u8]) {
        assert!(!jpeg.windows(4).any(|w| w == b"Exif"));
        assert!(!jpeg.windows(2).any(|w| w[0] == 0xFF && ((0xE1..=0xEF).contains(&w[1]) || w[1] == 0xFE)));
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9], "ends at the end of the image");
    }

    #[test]
    fn every_picture_is_encoded_anew() {
        let clean = jpeg(300, 200);
        let p = prepare(&clean, &PictureLimits::default()).expect("a clean JPEG is accepted");
        only_pixels(&p.bytes);
        assert_eq!((p.width, p.height), (300, 200));
        assert_eq!(sniff(&p.thumbnail), Some("image/jpeg"));
    }

    #[test]
    fn exif_is_applied_and_removed() {
        let tagged = with_exif(&jpeg(300, 200));
        let p = prepare(&tagged, &PictureLimits::default()).expect("a JPEG with EXIF is accepted");
        only_pixels(&p.bytes);
        assert_eq!((p.width, p.height), (200, 300), "rotated by the orientation tag");
        // scaled and turned: the long side is the limit, turned after scaling
        let limits = PictureLimits { max_edge: 150, ..Default::default() };
        let p = prepare(&tagged, &limits).expect("scaled");
        assert_eq!((p.width, p.height), (100, 150));
    }

    /// Odd but valid files: the metadata is gone however the file hides it.
    #[test]
    fn metadata_in_odd_places_is_gone_too() {
        let tagged = with_exif(&jpeg(300, 200));
        // a fill byte before the EXIF marker (FF FF E1)
        let mut fill = vec![0xFF, 0xD8, 0xFF];
        fill.extend_from_slice(&tagged[2..]);
        // the EXIF segment after the scan, just before the end of the image
        let clean = jpeg(300, 200);
        let exif_segment = &tagged[2..tagged.len() - (clean.len() - 2)];
        let mut after_scan = clean[..clean.len() - 2].to_vec();
        after_scan.extend_from_slice(exif_segment);
        after_scan.extend_from_slice(&[0xFF, 0xD9]);
        // data after the end of the image
        let mut trailing = clean.clone();
        trailing.extend_from_slice(exif_segment);
        trailing.extend_from_slice(b"GPS 65.58N 22.15E");
        for (name, file) in [("fill byte", fill), ("after the scan", after_scan), ("trailing", trailing)] {
            match prepare(&file, &PictureLimits::default()) {
                Ok(p) => {
                    only_pixels(&p.bytes);
                    assert!(!p.bytes.windows(3).any(|w| w == b"GPS"), "{name}");
                }
                Err(e) => assert_eq!(e.body.code, "undecodable", "{name}"),
            }
        }
    }

    #[test]
    fn a_png_that_would_take_too_much_memory_is_refused_from_its_header() {
        // 12000 × 12000 RGBA (549 MB decoded): only the header is read
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&12_000u32.to_be_bytes());
        ihdr.extend_from_slice(&12_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        // the start of the pixel data: a zlib stream that would go on for 549 MB
        let idat = b"IDAT\x78\x01\x00\x00\x00\xff\xff".to_vec();
        png.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
        png.extend_from_slice(&idat);
        png.extend_from_slice(&crc32(&idat).to_be_bytes());
        png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
        assert_eq!(prepare(&png, &PictureLimits::default()).unwrap_err().body.code, "too_many_pixels");
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn large_pictures_are_scaled_and_programs_refused() {
        let limits = PictureLimits { max_edge: 100, ..Default::default() };
        let p = prepare(&jpeg(300, 200), &limits).expect("a large JPEG is scaled");
        assert_eq!((p.width, p.height), (100, 67));
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(10);
        assert_eq!(prepare(&exe, &limits).unwrap_err().body.code, "unsupported_type");
        let broken = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 9, 9, 9];
        assert_eq!(prepare(&broken, &limits).unwrap_err().body.code, "undecodable");
    }
}
