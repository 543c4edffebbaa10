//! BankID's recommended user messages (RFA codes), Swedish and English: the one data file the
//! login screen reads. Which code fits which status and hint code is decided by
//! `ingang_api::auth::rfa_code` (shared with any other client).

use crate::i18n::Locale;

/// (code, Swedish, English), after BankID's guidelines (v6-era wording).
pub const RFA: &[(&str, &str, &str)] = &[
    ("RFA1", "Starta BankID-appen.", "Start your BankID app."),
    ("RFA3", "Åtgärden avbruten. Försök igen.", "Action cancelled. Please try again."),
    (
        "RFA4",
        "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
        "An identification or signing for this personal number is already started. Please try again.",
    ),
    ("RFA5", "Internt tekniskt fel. Försök igen.", "Internal error. Please try again."),
    ("RFA6", "Åtgärden avbruten.", "Action cancelled."),
    (
        "RFA8",
        "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
        "The BankID app is not responding. Please check that it's started and that you have internet access. If you don't have a valid BankID you can get one from your bank. Try again.",
    ),
    (
        "RFA9",
        "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
        "Enter your security code in the BankID app and select Identify or Sign.",
    ),
    ("RFA13", "Försöker starta BankID-appen.", "Trying to start your BankID app."),
    (
        "RFA15B",
        "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank.",
        "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don't have a BankID which can be used for this identification/signing on this device. If you don't have a BankID you can get one from your bank.",
    ),
    (
        "RFA16",
        "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
        "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
    ),
    (
        "RFA17A",
        "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
        "The BankID app couldn't be found on your computer or mobile device. Please install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
    ),
    (
        "RFA17B",
        "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
        "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
    ),
    ("RFA21", "Identifiering eller underskrift pågår.", "Identification or signing in progress."),
    ("RFA22", "Okänt fel. Försök igen.", "Unknown error. Please try again."),
    (
        "RFA23",
        "Fotografera och läs av din ID-handling med BankID-appen.",
        "Process your machine-readable travel document using the BankID app.",
    ),
];

/// The message for an RFA code in `locale` (RFA22 for an unknown code).
pub fn message(code: &str, locale: Locale) -> &'static str {
    let row = RFA.iter().find(|(c, _, _)| *c == code).or_else(|| RFA.iter().find(|(c, _, _)| *c == "RFA22"));
    match (row, locale) {
        (Some((_, sv, _)), Locale::Sv) => sv,
        (Some((_, _, en)), Locale::En) => en,
        (None, _) => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingang_api::auth::{LoginState, rfa_code};

    #[test]
    fn every_code_the_mapping_can_give_has_both_texts() {
        let hints = [
            "outstandingTransaction",
            "noClient",
            "started",
            "userSign",
            "userMrtd",
            "other",
            "expiredTransaction",
            "certificateErr",
            "userCancel",
            "cancelled",
            "startFailed",
        ];
        for status in [LoginState::Pending, LoginState::Failed] {
            for hint in hints {
                for qr in [true, false] {
                    let code = rfa_code(status, Some(hint), qr);
                    assert!(RFA.iter().any(|(c, _, _)| *c == code), "{code} missing");
                }
            }
        }
        assert_eq!(
            message("RFA9", Locale::Sv),
            "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under."
        );
        assert_eq!(message("RFA1", Locale::En), "Start your BankID app.");
        assert_eq!(message("nope", Locale::Sv), "Okänt fel. Försök igen.");
    }
}
