//! BankID's recommended user messages (RFA codes) in every UI language: the one data file the
//! login screen reads. Which code fits which status and hint code is decided by
//! `ingang_api::auth::rfa_code` (shared with any other client).

use crate::i18n::Locale;

/// (code, [Swedish, English, Finnish, Arabic]), after BankID's guidelines (v6-era wording).
/// BankID publishes the messages in Swedish and English; the Finnish and Arabic are ours, kept
/// as close to those as the languages allow (a translator should review them, as for every
/// language file).
pub const RFA: &[(&str, [&str; 4])] = &[
    ("RFA1", ["Starta BankID-appen.", "Start your BankID app.", "Käynnistä BankID-sovellus.", "افتح تطبيق BankID."]),
    (
        "RFA3",
        [
            "Åtgärden avbruten. Försök igen.",
            "Action cancelled. Please try again.",
            "Toiminto keskeytettiin. Yritä uudelleen.",
            "تم إلغاء الإجراء. حاول مرة أخرى.",
        ],
    ),
    (
        "RFA4",
        [
            "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
            "An identification or signing for this personal number is already started. Please try again.",
            "Tämän henkilötunnuksen tunnistautuminen tai allekirjoitus on jo aloitettu. Yritä uudelleen.",
            "بدأت بالفعل عملية تعريف أو توقيع لهذا الرقم الشخصي. حاول مرة أخرى.",
        ],
    ),
    (
        "RFA5",
        [
            "Internt tekniskt fel. Försök igen.",
            "Internal error. Please try again.",
            "Sisäinen tekninen virhe. Yritä uudelleen.",
            "خطأ تقني داخلي. حاول مرة أخرى.",
        ],
    ),
    ("RFA6", ["Åtgärden avbruten.", "Action cancelled.", "Toiminto keskeytettiin.", "تم إلغاء الإجراء."]),
    (
        "RFA8",
        [
            "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
            "The BankID app is not responding. Please check that it's started and that you have internet access. If you don't have a valid BankID you can get one from your bank. Try again.",
            "BankID-sovellus ei vastaa. Tarkista, että sovellus on käynnissä ja että sinulla on internetyhteys. Jos sinulla ei ole voimassa olevaa BankID:tä, voit hankkia sen pankistasi. Yritä sitten uudelleen.",
            "تطبيق BankID لا يستجيب. تأكد من أنه مفتوح وأن لديك اتصالًا بالإنترنت. إذا لم يكن لديك BankID صالح، يمكنك الحصول عليه من بنكك. ثم حاول مرة أخرى.",
        ],
    ),
    (
        "RFA9",
        [
            "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
            "Enter your security code in the BankID app and select Identify or Sign.",
            "Syötä turvakoodisi BankID-sovellukseen ja valitse Tunnistaudu tai Allekirjoita.",
            "أدخل رمز الأمان في تطبيق BankID واختر التعريف أو التوقيع.",
        ],
    ),
    (
        "RFA13",
        [
            "Försöker starta BankID-appen.",
            "Trying to start your BankID app.",
            "Yritetään käynnistää BankID-sovellus.",
            "جارٍ محاولة فتح تطبيق BankID.",
        ],
    ),
    (
        "RFA15B",
        [
            "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank.",
            "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don't have a BankID which can be used for this identification/signing on this device. If you don't have a BankID you can get one from your bank.",
            "Etsitään BankID:tä, tämä voi kestää hetken … Jos muutama sekunti on kulunut eikä BankID:tä ole löytynyt, sinulla ei todennäköisesti ole tällä laitteella BankID:tä, jota voi käyttää tähän tunnistautumiseen/allekirjoitukseen. Jos sinulla ei ole BankID:tä, voit hankkia sen pankistasi.",
            "جارٍ البحث عن BankID، قد يستغرق ذلك بعض الوقت … إذا مرت بضع ثوانٍ ولم يُعثر على BankID، فالأرجح أنه لا يوجد على هذا الجهاز BankID يمكن استخدامه لهذا التعريف/التوقيع. إذا لم يكن لديك BankID، يمكنك الحصول عليه من بنكك.",
        ],
    ),
    (
        "RFA16",
        [
            "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
            "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
            "BankID, jota yrität käyttää, on liian vanha tai suljettu. Käytä toista BankID:tä tai hanki uusi pankistasi.",
            "الـBankID الذي تحاول استخدامه قديم جدًا أو محظور. استخدم BankID آخر أو احصل على واحد جديد من بنكك.",
        ],
    ),
    (
        "RFA17A",
        [
            "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
            "The BankID app couldn't be found on your computer or mobile device. Please install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
            "BankID-sovellusta ei näytä olevan tietokoneellasi tai puhelimessasi. Asenna se ja hanki BankID pankistasi. Asenna sovellus sovelluskaupastasi tai osoitteesta https://install.bankid.com",
            "يبدو أن تطبيق BankID غير موجود على حاسوبك أو هاتفك. ثبّته واحصل على BankID من بنكك. ثبّت التطبيق من متجر التطبيقات أو من https://install.bankid.com",
        ],
    ),
    (
        "RFA17B",
        [
            "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com",
            "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. If you don't have the BankID app, you need to install it and get a BankID from your bank. Install the app from your app store or https://install.bankid.com",
            "QR-koodin lukeminen epäonnistui. Käynnistä BankID-sovellus ja lue QR-koodi. Tarkista, että BankID-sovellus on päivitetty. Jos sinulla ei ole BankID-sovellusta, sinun on asennettava se ja hankittava BankID pankistasi. Asenna sovellus sovelluskaupastasi tai osoitteesta https://install.bankid.com",
            "تعذّرت قراءة رمز QR. افتح تطبيق BankID واقرأ رمز QR. تأكد من أن تطبيق BankID محدَّث. إذا لم يكن لديك تطبيق BankID، فعليك تثبيته والحصول على BankID من بنكك. ثبّت التطبيق من متجر التطبيقات أو من https://install.bankid.com",
        ],
    ),
    (
        "RFA21",
        [
            "Identifiering eller underskrift pågår.",
            "Identification or signing in progress.",
            "Tunnistautuminen tai allekirjoitus on käynnissä.",
            "التعريف أو التوقيع قيد التنفيذ.",
        ],
    ),
    (
        "RFA22",
        [
            "Okänt fel. Försök igen.",
            "Unknown error. Please try again.",
            "Tuntematon virhe. Yritä uudelleen.",
            "خطأ غير معروف. حاول مرة أخرى.",
        ],
    ),
    (
        "RFA23",
        [
            "Fotografera och läs av din ID-handling med BankID-appen.",
            "Process your machine-readable travel document using the BankID app.",
            "Kuvaa ja lue henkilöllisyystodistuksesi BankID-sovelluksella.",
            "صوّر وثيقة هويتك واقرأها باستخدام تطبيق BankID.",
        ],
    ),
];

/// The message for an RFA code in `locale` (RFA22 for an unknown code); in Swedish for a
/// language a region added (BankID publishes Swedish and English only).
pub fn message(code: &str, locale: Locale) -> &'static str {
    let row = RFA.iter().find(|(c, _)| *c == code).or_else(|| RFA.iter().find(|(c, _)| *c == "RFA22"));
    let column = locale.built_in_index().unwrap_or(0);
    row.map_or("", |(_, texts)| texts[column])
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
                    assert!(RFA.iter().any(|(c, _)| *c == code), "{code} missing");
                }
            }
        }
        assert_eq!(
            message("RFA9", Locale::SV),
            "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under."
        );
        assert_eq!(message("RFA1", Locale::EN), "Start your BankID app.");
        assert_eq!(message("nope", Locale::SV), "Okänt fel. Försök igen.");
        assert_eq!(message("RFA1", Locale::FI), "Käynnistä BankID-sovellus.");
        assert_eq!(message("RFA22", Locale::AR), "خطأ غير معروف. حاول مرة أخرى.");
    }
}
