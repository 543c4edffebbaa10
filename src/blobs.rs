//! Large values on the device: pictures waiting to be sent, in IndexedDB (localStorage holds
//! a few megabytes at most). Values are stored as given; callers seal them first
//! ([`crate::crypto::SealKey::seal_bytes`]), so a picture of a patient is never readable on
//! the device without the user's key. Logout deletes the whole database ([`wipe`]).
//!
//! Every call tolerates a browser without IndexedDB (private mode, kiosk policy): writes
//! report `false`, reads give `None`.

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

const DB: &str = "ingang";
/// Where the user's draft key is kept (see `crypto::SealKey::remember`).
const KEYS_DB: &str = "ingang-keys";
const STORE: &str = "blobs";

/// The request's result once it succeeds.
async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let req = request.clone();
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok_req = req.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &ok_req.result().unwrap_or(JsValue::UNDEFINED));
        });
        let err = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call0(&JsValue::NULL);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

async fn open(db: &str) -> Option<IdbDatabase> {
    let factory = web_sys::window()?.indexed_db().ok()??;
    let request: IdbOpenDbRequest = factory.open_with_u32(db, 1).ok()?;
    let upgrade = Closure::once_into_js(move |ev: web_sys::Event| {
        let db = ev
            .target()
            .and_then(|t| t.dyn_into::<IdbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
        if let Some(db) = db
            && !db.object_store_names().contains(STORE)
        {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    done(&request).await.ok()?.dyn_into().ok()
}

async fn store(db: &str, mode: IdbTransactionMode) -> Option<web_sys::IdbObjectStore> {
    let db = open(db).await?;
    let store = db.transaction_with_str_and_mode(STORE, mode).ok()?.object_store(STORE).ok();
    // closes once the transaction is done, so a later `wipe` is never blocked by us
    db.close();
    store
}

/// Stores `bytes` under `key`; `false` when the browser refused.
pub async fn put(key: &str, bytes: &[u8]) -> bool {
    put_in(DB, key, &Uint8Array::from(bytes)).await
}

/// Keeps a structured-clonable value (e.g. a non-extractable `CryptoKey`) under `key`, in a
/// database of its own (the pictures' store holds only what waits to be sent).
pub async fn put_value(key: &str, value: &JsValue) -> bool {
    put_in(KEYS_DB, key, value).await
}

async fn put_in(db: &str, key: &str, value: &JsValue) -> bool {
    let Some(store) = store(db, IdbTransactionMode::Readwrite).await else { return false };
    let Ok(request) = store.put_with_key(value, &JsValue::from_str(key)) else { return false };
    done(&request).await.is_ok()
}

/// The bytes under `key`.
pub async fn get(key: &str) -> Option<Vec<u8>> {
    get_in(DB, key).await?.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec())
}

/// The value kept by [`put_value`] under `key`.
pub async fn get_value(key: &str) -> Option<JsValue> {
    get_in(KEYS_DB, key).await
}

async fn get_in(db: &str, key: &str) -> Option<JsValue> {
    let store = store(db, IdbTransactionMode::Readonly).await?;
    done(&store.get(&JsValue::from_str(key)).ok()?).await.ok().filter(|v| !v.is_undefined())
}

/// Removes `key` (done when the picture has been sent).
pub async fn delete(key: &str) {
    if let Some(store) = store(DB, IdbTransactionMode::Readwrite).await
        && let Ok(request) = store.delete(&JsValue::from_str(key))
    {
        let _ = done(&request).await;
    }
}

/// Deletes everything (logout, "Radera sparade svar").
pub fn wipe() {
    if let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) {
        let _ = factory.delete_database(DB);
        let _ = factory.delete_database(KEYS_DB);
    }
}
