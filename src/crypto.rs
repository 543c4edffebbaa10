//! AES-256-GCM through the browser's WebCrypto (no crypto crate in the wasm).
//!
//! Used for drafts: the key comes from the server (`GET /me/draft-key`), only to the signed-in
//! user's session, and is imported as non-extractable; ciphertexts stay on the device. The
//! imported key is kept in IndexedDB (as a `CryptoKey`, never as bytes) so that an offline
//! reload still opens the user's drafts; logout deletes it.

use ingang_questionnaire::{base64_decode, base64_encode};
use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};

/// A user's draft key: a short id (from a SHA-256 of the key) that names the user's drafts on
/// the device without saying whose they are, and the key itself (not extractable).
#[derive(Clone)]
pub struct SealKey {
    pub id: String,
    key: CryptoKey,
}

/// Where [`SealKey::remember`] keeps the key.
const REMEMBERED: &str = "seal-key";

fn subtle() -> Option<SubtleCrypto> {
    Some(web_sys::window()?.crypto().ok()?.subtle())
}

async fn bytes_of(promise: Result<js_sys::Promise, JsValue>) -> Option<Vec<u8>> {
    let value = JsFuture::from(promise.ok()?).await.ok()?;
    let buffer: ArrayBuffer = value.dyn_into().ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}

impl SealKey {
    /// Imports a raw 32-byte key given in base64.
    pub async fn import(raw_base64: &str) -> Option<SealKey> {
        let raw = base64_decode(raw_base64).filter(|r| r.len() == 32)?;
        let subtle = subtle()?;
        let digest = bytes_of(subtle.digest_with_str_and_u8_array("SHA-256", &raw)).await?;
        let id: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let data = Uint8Array::from(raw.as_slice());
        let key = JsFuture::from(subtle.import_key_with_str("raw", &data, "AES-GCM", false, &usages).ok()?)
            .await
            .ok()?
            .dyn_into::<CryptoKey>()
            .ok()?;
        Some(SealKey { id, key })
    }

    /// Keeps the key on this device (IndexedDB holds the `CryptoKey` itself, still not
    /// extractable), so the user's drafts and what the app knew open after a reload without
    /// network. Logout deletes it with everything else ([`crate::blobs::wipe`]).
    /// `user` (the personal number) is kept with it: another user's key is never used.
    pub async fn remember(&self, user: &str) {
        let kept = Array::of3(&JsValue::from_str(&self.id), &self.key, &JsValue::from_str(user));
        crate::blobs::put_value(REMEMBERED, &kept).await;
    }

    /// The key kept by [`SealKey::remember`] (offline, when the server cannot give it), if it is
    /// `user`'s.
    pub async fn remembered(user: &str) -> Option<SealKey> {
        let kept: Array = crate::blobs::get_value(REMEMBERED).await?.dyn_into().ok()?;
        if kept.get(2).as_string().as_deref() != Some(user) {
            return None;
        }
        Some(SealKey { id: kept.get(0).as_string()?, key: kept.get(1).dyn_into().ok()? })
    }

    /// Encrypts `plain` with a fresh 96-bit IV; the result is `base64(iv).base64(ciphertext)`.
    pub async fn seal(&self, plain: &str) -> Option<String> {
        let mut iv = [0u8; 12];
        web_sys::window()?.crypto().ok()?.get_random_values_with_u8_array(&mut iv).ok()?;
        let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv.as_slice()));
        let sealed = bytes_of(subtle()?.encrypt_with_object_and_u8_array(&params, &self.key, plain.as_bytes())).await?;
        Some(format!("{}.{}", base64_encode(&iv), base64_encode(&sealed)))
    }

    /// Encrypts bytes (a picture waiting to be sent): `iv ‖ ciphertext`.
    pub async fn seal_bytes(&self, plain: &[u8]) -> Option<Vec<u8>> {
        let mut iv = [0u8; 12];
        web_sys::window()?.crypto().ok()?.get_random_values_with_u8_array(&mut iv).ok()?;
        let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv.as_slice()));
        let sealed = bytes_of(subtle()?.encrypt_with_object_and_u8_array(&params, &self.key, plain)).await?;
        Some([iv.as_slice(), &sealed].concat())
    }

    /// Decrypts what [`SealKey::seal_bytes`] made.
    pub async fn open_bytes(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 12 {
            return None;
        }
        let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&sealed[..12]));
        bytes_of(subtle()?.decrypt_with_object_and_u8_array(&params, &self.key, &sealed[12..])).await
    }

    /// Decrypts what [`SealKey::seal`] made; `None` for another key's data or tampering.
    pub async fn open(&self, sealed: &str) -> Option<String> {
        let (iv, data) = sealed.split_once('.')?;
        let iv = base64_decode(iv).filter(|iv| iv.len() == 12)?;
        let data = base64_decode(data)?;
        let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv.as_slice()));
        let plain = bytes_of(subtle()?.decrypt_with_object_and_u8_array(&params, &self.key, &data)).await?;
        String::from_utf8(plain).ok()
    }
}
