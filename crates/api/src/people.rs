//! Whom the signed-in resident may act for, their contact details, and the rules for both.

use serde::{Deserialize, Serialize};

/// Age rules for acting for a child (region parameters in a real deployment).
pub mod rules {
    /// Digitalen (seek care): children from 6 months up to (not including) 18 years.
    pub const SEEK_CARE_MIN_MONTHS: u32 = 6;
    pub const SEEK_CARE_MAX_YEARS: u32 = 18;
    /// 1177 e-services: a guardian acts for children up to and including 12; from 13 they log in themselves.
    pub const ESERVICES_MAX_AGE: u32 = 12;

    /// May a guardian seek care for a child of this age (in whole months)?
    pub fn may_seek_care_for_child(age_months: u32) -> bool {
        (SEEK_CARE_MIN_MONTHS..SEEK_CARE_MAX_YEARS * 12).contains(&age_months)
    }

    /// May a guardian use e-services for a child of this age (in whole years)?
    pub fn may_use_eservices_for_child(age_years: u32) -> bool {
        age_years <= ESERVICES_MAX_AGE
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Relation {
    /// The signed-in resident.
    #[serde(rename = "self")]
    Myself,
    /// A child the resident is guardian of.
    Child,
}

/// A person the signed-in resident may see (themself or a child).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Opaque id for URLs (never the personnummer).
    pub id: String,
    pub name: String,
    pub given_name: String,
    /// `YYYYMMDD-NNNC`.
    pub personal_number: String,
    /// Age in whole years (absent for numbers without a real birth date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    pub relation: Relation,
    /// Digitalen: seek care for this person now.
    pub can_seek_care: bool,
    /// 1177 e-services for this person.
    pub can_use_e_services: bool,
    /// The care unit where the person is listed (their own health centre), when known: the
    /// only unit an app may choose for them before they do. Absent: choose nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_unit_id: Option<String>,
}

/// `GET /api/v1/me/people`: the resident first, then their children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeopleList {
    pub people: Vec<Person>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notifications {
    pub sms: bool,
    pub email: bool,
    pub push: bool,
}

/// `GET/PUT /api/v1/me/contact`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    /// Swedish mobile number; stored and returned as `+467XXXXXXXX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub notifications: Notifications,
    /// Whether the resident has registered contact details (first login asks for them).
    #[serde(default)]
    pub registered: bool,
}

/// `GET /api/v1/me/draft-key`: the key that encrypts this resident's drafts on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftKey {
    /// 32 random bytes, base64 (AES-256-GCM raw key).
    pub key: String,
}

/// What is wrong with contact details: the field and the error code the API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactProblem {
    InvalidMobile,
    InvalidEmail,
    MobileRequired,
    EmailRequired,
}

impl ContactProblem {
    /// The API's error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidMobile => "invalid_mobile",
            Self::InvalidEmail => "invalid_email",
            Self::MobileRequired => "mobile_required",
            Self::EmailRequired => "email_required",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::InvalidMobile, Self::InvalidEmail, Self::MobileRequired, Self::EmailRequired]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// Which field it concerns: `"mobile"` or `"email"`.
    pub fn field(self) -> &'static str {
        match self {
            Self::InvalidMobile | Self::MobileRequired => "mobile",
            Self::InvalidEmail | Self::EmailRequired => "email",
        }
    }
}

/// Checks and normalises contact details as the server stores them (blank fields become
/// absent, the mobile number `+467…`, the address trimmed). Every problem is listed.
pub fn check_contact(details: &ContactDetails) -> Result<ContactDetails, Vec<ContactProblem>> {
    let mut problems = Vec::new();
    let mobile = match details.mobile.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => {
            let n = normalize_mobile(m);
            if n.is_none() {
                problems.push(ContactProblem::InvalidMobile);
            }
            n
        }
        None => {
            if details.notifications.sms {
                problems.push(ContactProblem::MobileRequired);
            }
            None
        }
    };
    let email = match details.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) if valid_email(e) => Some(e.to_owned()),
        Some(_) => {
            problems.push(ContactProblem::InvalidEmail);
            None
        }
        None => {
            if details.notifications.email {
                problems.push(ContactProblem::EmailRequired);
            }
            None
        }
    };
    if problems.is_empty() {
        Ok(ContactDetails { mobile, email, notifications: details.notifications, registered: true })
    } else {
        Err(problems)
    }
}

/// A stored mobile number as Swedes write it, the inverse of [`normalize_mobile`]
/// (`+46701234567` → `070-123 45 67`); anything else as stored.
pub fn display_mobile(stored: &str) -> String {
    let digits: String = stored.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("46") {
        Some(rest) if stored.starts_with('+') && rest.len() == 9 && rest.starts_with('7') => {
            format!("0{}-{} {} {}", &rest[..2], &rest[2..5], &rest[5..7], &rest[7..])
        }
        _ => stored.to_owned(),
    }
}

/// Normalises a Swedish mobile number to `+467XXXXXXXX`: accepts `070-123 45 67`,
/// `0701234567`, `+46 70 123 45 67`, `0046701234567`.
pub fn normalize_mobile(input: &str) -> Option<String> {
    let cleaned: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '\u{a0}')).collect();
    let national = if let Some(rest) = cleaned.strip_prefix("+46") {
        rest.to_owned()
    } else if let Some(rest) = cleaned.strip_prefix("0046") {
        rest.to_owned()
    } else if let Some(rest) = cleaned.strip_prefix('0') {
        rest.to_owned()
    } else {
        return None;
    };
    let national = national.strip_prefix('0').unwrap_or(&national);
    (national.len() == 9 && national.starts_with('7') && national.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("+46{national}"))
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
pub fn valid_email(input: &str) -> bool {
    let s = input.trim();
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && s.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_are_checked_all_at_once() {
        let d = |m: &str, e: &str, sms, email| ContactDetails {
            mobile: Some(m.into()),
            email: Some(e.into()),
            notifications: Notifications { sms, email, push: false },
            registered: false,
        };
        let ok = check_contact(&d(" 070-123 45 67 ", " a@b.se ", true, true)).unwrap();
        assert_eq!(
            (ok.mobile.as_deref(), ok.email.as_deref(), ok.registered),
            (Some("+46701234567"), Some("a@b.se"), true)
        );
        assert_eq!(check_contact(&d("", "", false, false)).unwrap().mobile, None);
        assert_eq!(
            check_contact(&d("08-123", "x@", true, true)),
            Err(vec![ContactProblem::InvalidMobile, ContactProblem::InvalidEmail])
        );
        assert_eq!(
            check_contact(&d(" ", "", true, true)),
            Err(vec![ContactProblem::MobileRequired, ContactProblem::EmailRequired])
        );
        for p in [ContactProblem::InvalidMobile, ContactProblem::EmailRequired] {
            assert_eq!(ContactProblem::from_code(p.code()), Some(p));
        }
    }

    #[test]
    fn swedish_mobile_numbers() {
        for ok in
            ["070-123 45 67", "0701234567", "+46 70 123 45 67", "0046701234567", "+46(0)701234567", "076-123 45 67"]
        {
            assert!(normalize_mobile(ok).is_some_and(|n| n.starts_with("+467")), "{ok}");
            assert!(normalize_mobile(ok).is_some_and(|n| n.len() == 12), "{ok}");
        }
        assert_eq!(normalize_mobile("070-123 45 67").as_deref(), Some("+46701234567"));
        // and back, for showing a stored number
        assert_eq!(display_mobile("+46701234567"), "070-123 45 67");
        assert_eq!(display_mobile("+4792345678"), "+4792345678");
        assert_eq!(display_mobile("0920-28 40 00"), "0920-28 40 00");
        for bad in ["08-123 456 78", "070123456", "07012345678", "+4570123456", "abc", ""] {
            assert_eq!(normalize_mobile(bad), None, "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(valid_email("anna@example.se"));
        assert!(!valid_email("anna@example"));
        assert!(!valid_email("anna example@x.se"));
        assert!(!valid_email("@x.se"));
    }

    #[test]
    fn age_rules() {
        assert!(!rules::may_seek_care_for_child(5));
        assert!(rules::may_seek_care_for_child(6));
        assert!(rules::may_seek_care_for_child(17 * 12 + 11));
        assert!(!rules::may_seek_care_for_child(18 * 12));
        assert!(rules::may_use_eservices_for_child(12));
        assert!(!rules::may_use_eservices_for_child(13));
    }
}
