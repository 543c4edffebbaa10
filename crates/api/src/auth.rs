//! Wire types of sign-in (BankID) and sessions, and the mapping from BankID hint codes to the
//! recommended user messages (RFA codes; the texts live in the app's locale data).

use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/bankid`: start a login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartLogin {
    /// `true`: BankID on this device (autostart); `false`: on another device (QR code).
    pub same_device: bool,
    /// Same device only: the page BankID returns the user to when the order is done (RP API
    /// v6.0 `returnUrl`). Left out by an app that cannot be returned to by a URL (a home-screen
    /// app: the user switches back). The server uses it only when it is a page of the app's own
    /// origin, at most 512 characters; [`LoginStarted::return_url_accepted`] says whether it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 512))]
    pub return_url: Option<String>,
}

/// The answer to [`StartLogin`]. The order itself is kept by the server, keyed by an HttpOnly cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginStarted {
    /// For `https://app.bankid.com/?autostarttoken=…` (same device only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start_token: Option<String>,
    /// BankID was given the `returnUrl` and returns the user to it: the launch link needs no
    /// `redirect`. `false` (or absent): the link carries `redirect=null`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub return_url_accepted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum LoginState {
    Pending,
    Failed,
    Complete,
}

/// `GET /api/v1/auth/bankid`: the login's progress (poll about every second).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginStatus {
    pub status: LoginState,
    /// BankID's hint code (pending and failed), e.g. `outstandingTransaction`, `userSign`, `expiredTransaction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_code: Option<String>,
    /// The animated QR code's content for this second (other-device logins while pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<String>,
    /// The signed-in user (when complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SessionUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    /// `YYYYMMDD-NNNC`.
    pub personal_number: String,
    pub name: String,
    pub given_name: String,
}

/// `GET /api/v1/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub user: SessionUser,
    /// The session ends after this many seconds without activity (the app warns 60 s before).
    pub idle_timeout_seconds: u32,
    /// Seconds until the session ends unless there is activity (reading the session is not activity).
    #[serde(default)]
    pub idle_seconds_left: u32,
    /// Seconds left of the session's absolute lifetime.
    pub absolute_seconds_left: u32,
}

/// The recommended user message (RFA code) for a login state, after BankID's guidelines.
/// `qr`: the user is logging in with a QR code (another device).
pub fn rfa_code(status: LoginState, hint_code: Option<&str>, qr: bool) -> &'static str {
    match (status, hint_code.unwrap_or("")) {
        (LoginState::Complete, _) => "",
        (LoginState::Pending, "outstandingTransaction") => {
            if qr {
                "RFA1"
            } else {
                "RFA13"
            }
        }
        (LoginState::Pending, "noClient") => "RFA1",
        (LoginState::Pending, "started") => "RFA15B",
        (LoginState::Pending, "userSign") => "RFA9",
        (LoginState::Pending, "userMrtd") => "RFA23",
        (LoginState::Pending, _) => "RFA21",
        (LoginState::Failed, "expiredTransaction") => "RFA8",
        (LoginState::Failed, "certificateErr") => "RFA16",
        (LoginState::Failed, "userCancel") => "RFA6",
        (LoginState::Failed, "cancelled") => "RFA3",
        (LoginState::Failed, "startFailed") => {
            if qr {
                "RFA17B"
            } else {
                "RFA17A"
            }
        }
        (LoginState::Failed, _) => "RFA22",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_codes_map_to_recommended_messages() {
        use LoginState::*;
        assert_eq!(rfa_code(Pending, Some("outstandingTransaction"), true), "RFA1");
        assert_eq!(rfa_code(Pending, Some("outstandingTransaction"), false), "RFA13");
        assert_eq!(rfa_code(Pending, Some("noClient"), false), "RFA1");
        assert_eq!(rfa_code(Pending, Some("userSign"), true), "RFA9");
        assert_eq!(rfa_code(Pending, Some("somethingNew"), true), "RFA21");
        assert_eq!(rfa_code(Failed, Some("expiredTransaction"), true), "RFA8");
        assert_eq!(rfa_code(Failed, Some("certificateErr"), true), "RFA16");
        assert_eq!(rfa_code(Failed, Some("userCancel"), true), "RFA6");
        assert_eq!(rfa_code(Failed, Some("cancelled"), true), "RFA3");
        assert_eq!(rfa_code(Failed, Some("startFailed"), true), "RFA17B");
        assert_eq!(rfa_code(Failed, Some("startFailed"), false), "RFA17A");
        assert_eq!(rfa_code(Failed, None, false), "RFA22");
    }
}
