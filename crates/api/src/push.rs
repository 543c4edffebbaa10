//! Web Push: the server's public VAPID key (the browser's `applicationServerKey`) and a device's
//! subscription as the browser's `PushSubscription.toJSON()` gives it.

use serde::{Deserialize, Serialize};

/// `GET /push/key`: the key the browser subscribes with. A server without Web Push answers
/// `404 push_unavailable`, and the app then offers no push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushKey {
    /// The server's VAPID public key: an uncompressed P-256 point (65 bytes), base64url
    /// without padding (RFC 8292).
    pub public_key: String,
}

/// The device's keys for message encryption (RFC 8291).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushKeys {
    /// The device's P-256 public key, base64url (65 bytes).
    pub p256dh: String,
    /// The device's authentication secret, base64url (16 bytes).
    pub auth: String,
}

/// `PUT /push/subscription`: this device wants pushes for the signed-in resident (it also turns
/// push on in their contact details). The same endpoint again replaces the old keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushSubscription {
    /// The push service's URL for this device (https).
    pub endpoint: String,
    /// When the push service ends the subscription (ms since 1970), if it says.
    #[serde(default)]
    pub expiration_time: Option<f64>,
    pub keys: PushKeys,
}

/// `DELETE /push/subscription`: this device wants no more pushes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushEndpoint {
    pub endpoint: String,
}

/// What a push message carries (encrypted to the device): no health data, only that something
/// is waiting and where in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    /// The app's path to open on a click, e.g. `/arenden/<id>`.
    pub url: String,
    /// Replaces an earlier notification with the same tag.
    pub tag: String,
}
