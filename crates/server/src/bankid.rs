//! BankID (RP API v6) as the reference server uses it: a provider trait, the animated QR code,
//! and a simulated provider for demo and test mode.
//!
//! The browser never talks to BankID. The server starts an order, keeps `qrStartSecret` to
//! itself, computes the QR content every second, and collects the status for the app.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The animated QR content for second `seconds` of an order:
/// `bankid.<qrStartToken>.<seconds>.<hex HMAC-SHA256(qrStartSecret, seconds)>`.
pub fn qr_content(qr_start_token: &str, qr_start_secret: &str, seconds: u64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(qr_start_secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(seconds.to_string().as_bytes());
    let code = mac.finalize().into_bytes();
    let hex: String = code.iter().map(|b| format!("{b:02x}")).collect();
    format!("bankid.{qr_start_token}.{seconds}.{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector in shared/reference/bankid.md (BankID's own documentation example).
    #[test]
    fn qr_content_matches_the_reference_vector() {
        let token = "67df3917-fa0d-44e5-b327-edcc928297f8";
        let secret = "d28db9a7-4cde-429e-a983-359be676944c";
        assert_eq!(
            qr_content(token, secret, 0),
            "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        );
        assert_eq!(
            qr_content(token, secret, 1),
            "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"
        );
    }
}
