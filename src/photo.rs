//! Pictures before they leave the phone: decode with the browser's own decoder, apply the EXIF
//! orientation, scale to at most the API's `maxEdge` on the long side, and re-encode as JPEG
//! on a canvas. A canvas holds pixels only, so the result carries no metadata at all: no GPS
//! position, no camera serial, no time. No image crate in the wasm.

use ingang_api::pictures::{PictureLimits, PictureProblem, fit};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;

/// JPEG quality of the re-encoded picture.
const QUALITY: f64 = 0.85;

/// A picture ready to upload.
pub struct Prepared {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes, orients, scales and re-encodes a picked file, or says why it cannot be sent.
pub async fn prepare(file: &web_sys::File, limits: &PictureLimits) -> Result<Prepared, PictureProblem> {
    limits.check_source(&file.type_(), file.size() as u64)?;
    reencode(file, limits.max_edge).await.ok_or(PictureProblem::Unreadable)
}

async fn reencode(blob: &web_sys::Blob, max_edge: u32) -> Option<Prepared> {
    let window = web_sys::window()?;
    let options = web_sys::ImageBitmapOptions::new();
    // the EXIF orientation is applied while decoding (the spec's default; said explicitly)
    js_sys::Reflect::set(&options, &"imageOrientation".into(), &"from-image".into()).ok()?;
    let promise = window.create_image_bitmap_with_blob_and_image_bitmap_options(blob, &options).ok()?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let (width, height) = fit(bitmap.width(), bitmap.height(), max_edge);
    let canvas: web_sys::HtmlCanvasElement = window.document()?.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    // JPEG has no transparency: a transparent PNG gets white, not black
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    let _ = js_sys::Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(width), f64::from(height)).ok()?;
    bitmap.close();
    let jpeg = to_jpeg(&canvas).await?;
    canvas.set_width(0); // frees the pixels at once on phones
    Some(Prepared { jpeg, width, height })
}

async fn to_jpeg(canvas: &web_sys::HtmlCanvasElement) -> Option<Vec<u8>> {
    let canvas = canvas.clone();
    let promise = js_sys::Promise::new(&mut |resolve: js_sys::Function, _reject: js_sys::Function| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        if canvas
            .to_blob_with_type_and_encoder_options(done.unchecked_ref(), "image/jpeg", &JsValue::from_f64(QUALITY))
            .is_err()
        {
            // resolve with null: reported as unreadable below
        }
    });
    let blob: web_sys::Blob = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// An object URL for showing JPEG bytes (`<img src>`); revoke it when done.
pub fn object_url(jpeg: &[u8]) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(jpeg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/jpeg");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

pub fn revoke(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
