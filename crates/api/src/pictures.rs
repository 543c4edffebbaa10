//! Pictures in the chat of a case. The app decodes a picked photo, applies its EXIF
//! orientation, scales it to at most [`PictureLimits::max_edge`] pixels and re-encodes it as
//! JPEG before upload, so no metadata (the GPS position of the patient's home) leaves the
//! phone. The server checks the real type from the bytes, stores the picture, makes a
//! thumbnail and serves both only to those who may see the case.
//!
//! Uploading is retry-safe: the client names each picture with its own id (a UUID) and `PUT`s
//! it; the same id again returns the stored picture. A message refers to its pictures by id.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/pictures/limits`: what the server accepts. Clients check before they upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PictureLimits {
    /// The file types a patient may pick (before the app converts them), e.g. `image/heic`.
    pub accept: Vec<String>,
    /// The largest file a patient may pick, in bytes.
    pub max_source_bytes: u64,
    /// The types the server stores (what an upload must be, by its bytes).
    pub upload_types: Vec<String>,
    /// The largest upload, in bytes.
    pub max_upload_bytes: u64,
    /// The longest side of a stored picture, in pixels (the app scales down to it).
    pub max_edge: u32,
    /// At most this many pictures (or, on an errand, attachments) in one message.
    pub max_per_message: u32,
    /// Documents an errand's message may carry as they are (not converted), by their bytes,
    /// each at most `maxUploadBytes`: `application/pdf`.
    #[serde(default)]
    pub document_types: Vec<String>,
}

/// The document type an errand accepts.
pub const PDF: &str = "application/pdf";

/// The largest picture (or other file) a user may pick, before it is shrunk: the same in the
/// chat and in forms.
pub const MAX_SOURCE_BYTES: u64 = 25 * 1024 * 1024;

impl Default for PictureLimits {
    fn default() -> Self {
        Self {
            accept: ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif"]
                .map(String::from)
                .to_vec(),
            max_source_bytes: MAX_SOURCE_BYTES,
            upload_types: ["image/jpeg", "image/png"].map(String::from).to_vec(),
            max_upload_bytes: 8 * 1024 * 1024,
            max_edge: 2048,
            max_per_message: 5,
            document_types: vec![PDF.to_owned()],
        }
    }
}

impl PictureLimits {
    /// Whether a picked file of this type and size may be converted and sent, or why not.
    pub fn check_source(&self, content_type: &str, size: u64) -> Result<(), PictureProblem> {
        let t = content_type.to_ascii_lowercase();
        // an unknown type (empty) is tried: decoding tells whether it is a picture
        if !t.is_empty() && !self.accept.iter().any(|a| a == &t) {
            return Err(PictureProblem::WrongType);
        }
        if size > self.max_source_bytes {
            return Err(PictureProblem::TooLarge);
        }
        if size == 0 {
            return Err(PictureProblem::Unreadable);
        }
        Ok(())
    }
}

/// Why a picture cannot be sent (the app shows its own text for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PictureProblem {
    /// Not one of [`PictureLimits::accept`].
    WrongType,
    /// Larger than [`PictureLimits::max_source_bytes`].
    TooLarge,
    /// Not a picture the browser can decode (e.g. a renamed program).
    Unreadable,
    /// More than [`PictureLimits::max_per_message`].
    TooMany,
}

/// A stored picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Picture {
    /// The id the client chose (a UUID).
    pub id: String,
    pub case_id: String,
    /// `image/jpeg` or `image/png`.
    pub content_type: String,
    pub size: u64,
    pub width: u32,
    pub height: u32,
    /// The bytes: `GET` with the session (`/api/v1/pictures/{id}`).
    pub url: String,
    /// At most 320 px on the long side, JPEG.
    pub thumbnail_url: String,
}

/// The largest side a picture of `width` × `height` gets when its long side may be at most
/// `max` pixels (never enlarged; at least 1 px).
pub fn fit(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(max) / f64::from(long);
    let w = (f64::from(width) * scale).round().max(1.0) as u32;
    let h = (f64::from(height) * scale).round().max(1.0) as u32;
    (w.min(max), h.min(max))
}

/// A file's size in megabytes (MiB) with one decimal and a decimal comma, as the messages about
/// a file that is too large write it: 26,214,400 bytes is "25,0", 1,572,864 is "1,5". Whole
/// numbers only: formatting a float with a precision brings core's exact float formatter into
/// the browser chunk that shows the message (about 7 KB brotli on a case's first load).
pub fn megabytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    let tenths = bytes.saturating_mul(10).saturating_add(MIB / 2) / MIB;
    format!("{},{}", tenths / 10, tenths % 10)
}

/// The type of an image from its first bytes (magic numbers), whatever its name or header says.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        _ => None,
    }
}

/// Whether `bytes` are a whole PDF file: its header first, and its end-of-file marker in the
/// last kilobyte (a cut-off upload has none). Whatever the name or declared type says.
pub fn is_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_have_one_decimal_and_a_comma() {
        const MIB: u64 = 1024 * 1024;
        assert_eq!(megabytes(25 * MIB), "25,0");
        assert_eq!(megabytes(MIB + MIB / 2), "1,5");
        assert_eq!(megabytes(0), "0,0");
        // rounded to the nearest tenth, as `{:.1}` did
        assert_eq!(megabytes(MIB + MIB / 20 - 1), "1,0");
        assert_eq!(megabytes(MIB + MIB / 20 + 1), "1,1");
        assert_eq!(megabytes(30 * MIB - 1), "30,0");
        assert_eq!(megabytes(u64::MAX), megabytes(u64::MAX - 1));
    }

    #[test]
    fn fits_the_long_side_and_keeps_the_shape() {
        assert_eq!(fit(4032, 3024, 2048), (2048, 1536));
        assert_eq!(fit(3024, 4032, 2048), (1536, 2048));
        assert_eq!(fit(800, 600, 2048), (800, 600));
        assert_eq!(fit(10_000, 3, 2048), (2048, 1));
        assert_eq!(fit(0, 0, 2048), (1, 1));
    }

    #[test]
    fn sniffs_magic_bytes_not_names() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00"), None); // a Windows program called photo.jpg
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_pdf_is_known_by_its_bytes_and_must_be_whole() {
        assert!(is_pdf(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"));
        assert!(!is_pdf(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "cut off");
        assert!(!is_pdf(b"MZ\x90 %%EOF"), "a program");
        let mut late = b"%PDF-1.4\n%%EOF".to_vec();
        late.extend(std::iter::repeat_n(b' ', 2000));
        assert!(!is_pdf(&late), "the marker must be at the end");
    }

    #[test]
    fn source_checks() {
        let l = PictureLimits::default();
        assert_eq!(l.check_source("image/jpeg", 1000), Ok(()));
        assert_eq!(l.check_source("IMAGE/HEIC", 1000), Ok(()));
        assert_eq!(l.check_source("", 1000), Ok(()));
        assert_eq!(l.check_source("application/x-msdownload", 1000), Err(PictureProblem::WrongType));
        assert_eq!(l.check_source("image/jpeg", 50 * 1024 * 1024), Err(PictureProblem::TooLarge));
        assert_eq!(l.check_source("image/jpeg", 0), Err(PictureProblem::Unreadable));
    }
}
