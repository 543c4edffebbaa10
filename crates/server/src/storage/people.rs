//! People: the residents the server knows (their names as BankID gave them, an id for URLs, an
//! address and the unit they are listed at), who is guardian of whom, how each wants to be told
//! (contact details), the key of their drafts, and their prescriptions
//! (`crate::domain::people` has the rules: ages, whom a guardian may act for).

use super::{Conn, OptionalExtension, Result, params};

/// A person as `self_and_children` finds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: String,
    pub personal_number: String,
    pub name: String,
    pub given_name: String,
    /// the resident asked about, not one of their children
    pub is_self: bool,
    pub listed_unit: Option<String>,
}

/// The resident `pnr` (when known) and the children they are guardian of, the resident first,
/// then by personnummer. Ages are the caller's to check.
pub fn self_and_children(conn: &mut Conn<'_>, pnr: &str) -> Result<Vec<Known>> {
    conn.query_map(
        "SELECT id, personal_number, name, given_name, 1 AS is_self, listed_unit FROM people WHERE personal_number = ?1
         UNION ALL
         SELECT p.id, p.personal_number, p.name, p.given_name, 0 AS is_self, p.listed_unit FROM guardianships g
           JOIN people p ON p.personal_number = g.child WHERE g.guardian = ?1
         ORDER BY is_self DESC, personal_number ASC",
        params![pnr],
        |r| {
            Ok(Known {
                id: r.get("id")?,
                personal_number: r.get("personal_number")?,
                name: r.get("name")?,
                given_name: r.get("given_name")?,
                is_self: r.get("is_self")?,
                listed_unit: r.get("listed_unit")?,
            })
        },
    )
}

/// A person by personnummer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub given_name: String,
    /// the postal address invoices go to
    pub address: Option<String>,
}

/// The person `pnr`, if the server knows them.
pub fn find(conn: &mut Conn<'_>, pnr: &str) -> Result<Option<Person>> {
    conn.query_row("SELECT id, name, given_name, address FROM people WHERE personal_number = ?1", params![pnr], |r| {
        Ok(Person {
            id: r.get("id")?,
            name: r.get("name")?,
            given_name: r.get("given_name")?,
            address: r.get("address")?,
        })
    })
    .optional()
}

/// Keeps a person the first time (demo data: names already known are left as they are).
pub fn add_if_new(conn: &mut Conn<'_>, id: &str, pnr: &str, given_name: &str, surname: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO people (id, personal_number, name, given_name, surname) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO NOTHING",
        params![id, pnr, format!("{given_name} {surname}"), given_name, surname],
    )?;
    Ok(())
}

/// The person's postal address.
pub fn set_address(conn: &mut Conn<'_>, pnr: &str, address: &str) -> Result<()> {
    conn.execute("UPDATE people SET address = ?2 WHERE personal_number = ?1", params![pnr, address])?;
    Ok(())
}

/// The person, and the children they are guardian of, are listed at `unit`.
pub fn list_with_children(conn: &mut Conn<'_>, pnr: &str, unit: &str) -> Result<()> {
    conn.execute(
        "UPDATE people SET listed_unit = ?2 WHERE personal_number = ?1
            OR personal_number IN (SELECT child FROM guardianships WHERE guardian = ?1)",
        params![pnr, unit],
    )?;
    Ok(())
}

/// `guardian` is guardian of `child`.
pub fn add_guardianship(conn: &mut Conn<'_>, guardian: &str, child: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO guardianships (guardian, child) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![guardian, child],
    )?;
    Ok(())
}

/// `guardian` is no longer guardian of anyone.
pub fn forget_children(conn: &mut Conn<'_>, guardian: &str) -> Result<()> {
    conn.execute("DELETE FROM guardianships WHERE guardian = ?1", params![guardian])?;
    Ok(())
}

/// How a resident wants to be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// +467…
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub sms: bool,
    pub email_wanted: bool,
    pub push: bool,
}

/// The resident's contact details, once registered.
pub fn contact(conn: &mut Conn<'_>, pnr: &str) -> Result<Option<Contact>> {
    conn.query_row(
        "SELECT mobile, email, notify_sms, notify_email, notify_push FROM contact_details WHERE personal_number = ?1",
        params![pnr],
        |r| {
            Ok(Contact {
                mobile: r.get("mobile")?,
                email: r.get("email")?,
                sms: r.get("notify_sms")?,
                email_wanted: r.get("notify_email")?,
                push: r.get("notify_push")?,
            })
        },
    )
    .optional()
}

/// Registers or replaces the resident's contact details; notices are written in `language`.
pub fn save_contact(conn: &mut Conn<'_>, pnr: &str, c: &Contact, language: &str, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO contact_details (personal_number, mobile, email, notify_sms, notify_email, notify_push, updated_at,
                                      language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (personal_number) DO UPDATE SET mobile = ?2, email = ?3, notify_sms = ?4, notify_email = ?5,
           notify_push = ?6, updated_at = ?7, language = ?8",
        params![pnr, c.mobile, c.email, c.sms, c.email_wanted, c.push, now, language],
    )?;
    Ok(())
}

/// The resident's notices are written in `language` from now (when they have contact details).
pub fn set_language(conn: &mut Conn<'_>, pnr: &str, language: &str) -> Result<()> {
    conn.execute(
        "UPDATE contact_details SET language = ?2 WHERE personal_number = ?1 AND language <> ?2",
        params![pnr, language],
    )?;
    Ok(())
}

/// The resident's mobile number (+467…), when they gave one.
pub fn mobile(conn: &mut Conn<'_>, pnr: &str) -> Result<Option<String>> {
    Ok(contact(conn, pnr)?.and_then(|c| c.mobile))
}

/// The numbers (and languages) of those who want an SMS about `patient`: the patient, and their
/// guardians when `with_guardians`.
pub fn sms_numbers(conn: &mut Conn<'_>, patient: &str, with_guardians: bool) -> Result<Vec<(String, String)>> {
    conn.query_map(
        "SELECT mobile, language FROM contact_details
         WHERE notify_sms = 1 AND mobile IS NOT NULL AND (personal_number = ?1
           OR (?2 AND personal_number IN (SELECT guardian FROM guardianships WHERE child = ?1)))
         ORDER BY personal_number",
        params![patient, with_guardians],
        |r| Ok((r.get("mobile")?, r.get("language")?)),
    )
}

/// The key of the resident's drafts: `fresh` the first time, the kept one always.
pub fn draft_key(conn: &mut Conn<'_>, pnr: &str, fresh: &str) -> Result<String> {
    conn.execute(
        "INSERT INTO draft_keys (personal_number, key) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![pnr, fresh],
    )?;
    conn.query_row("SELECT key FROM draft_keys WHERE personal_number = ?1", params![pnr], |r| r.get("key"))
}

/// A prescription: (id, medicine, dosage).
pub type Prescription = (String, String, String);

/// The patient's prescriptions still valid at `now`, by medicine.
pub fn prescriptions(conn: &mut Conn<'_>, patient: &str, now: i64) -> Result<Vec<Prescription>> {
    conn.prepare_cached(
        "SELECT id, medicine, dosage FROM prescriptions WHERE patient = ?1 AND valid_until > ?2 ORDER BY medicine",
    )?
    .query_map(params![patient, now], |r| Ok((r.get("id")?, r.get("medicine")?, r.get("dosage")?)))?
    .collect()
}

/// Keeps a prescription (demo data: again at each start, valid until `valid_until`).
pub fn keep_prescription(
    conn: &mut Conn<'_>,
    id: &str,
    patient: &str,
    medicine: &str,
    dosage: &str,
    valid_until: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO prescriptions (id, patient, medicine, dosage, valid_until) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET patient = ?2, valid_until = ?5",
        params![id, patient, medicine, dosage, valid_until],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    #[test]
    fn people_guardians_contact_details_keys_and_prescriptions_on_both_backends() {
        on_both("people", |conn| {
            let (anna, child, other) = ("198001139297", "201501012384", "194001019999");
            add_if_new(conn, "p-anna", anna, "Anna", "Andersson").unwrap();
            add_if_new(conn, "p-x", anna, "Annika", "A").unwrap();
            add_if_new(conn, "p-child", child, "Bo", "Andersson").unwrap();
            add_if_new(conn, "p-other", other, "Ove", "O").unwrap();
            let anna_now = find(conn, anna).unwrap().unwrap();
            assert_eq!(
                (anna_now.id.as_str(), anna_now.name.as_str()),
                ("p-anna", "Anna Andersson"),
                "kept the first time only"
            );
            assert_eq!(find(conn, "190001019999").unwrap(), None);

            add_guardianship(conn, anna, child).unwrap();
            add_guardianship(conn, anna, child).unwrap();
            let known = self_and_children(conn, anna).unwrap();
            assert_eq!(
                known.iter().map(|k| (k.id.as_str(), k.is_self)).collect::<Vec<_>>(),
                [("p-anna", true), ("p-child", false)]
            );
            assert_eq!(self_and_children(conn, child).unwrap().len(), 1, "a child is guardian of nobody");
            list_with_children(conn, anna, "u1").unwrap();
            assert!(self_and_children(conn, anna).unwrap().iter().all(|k| k.listed_unit.as_deref() == Some("u1")));
            assert_eq!(find(conn, other).unwrap().unwrap().address, None);
            set_address(conn, anna, "Storgatan 1").unwrap();
            assert_eq!(find(conn, anna).unwrap().unwrap().address.as_deref(), Some("Storgatan 1"));

            assert_eq!(contact(conn, anna).unwrap(), None, "not registered");
            let c = Contact {
                mobile: Some("+46701234567".into()),
                email: None,
                sms: true,
                email_wanted: false,
                push: false,
            };
            save_contact(conn, anna, &c, "sv", 1).unwrap();
            save_contact(conn, child, &Contact { sms: false, ..c.clone() }, "sv", 1).unwrap();
            assert_eq!(contact(conn, anna).unwrap(), Some(c.clone()));
            assert_eq!(mobile(conn, anna).unwrap().as_deref(), Some("+46701234567"));
            assert_eq!(
                sms_numbers(conn, child, true).unwrap(),
                [("+46701234567".to_owned(), "sv".to_owned())],
                "the guardian's"
            );
            assert!(sms_numbers(conn, child, false).unwrap().is_empty(), "the child wants none");
            set_language(conn, anna, "en").unwrap();
            assert_eq!(sms_numbers(conn, anna, false).unwrap()[0].1, "en");

            assert_eq!(draft_key(conn, anna, "k1").unwrap(), "k1");
            assert_eq!(draft_key(conn, anna, "k2").unwrap(), "k1", "made once");

            keep_prescription(conn, "rx2", anna, "Omeprazol", "20 mg", 100).unwrap();
            keep_prescription(conn, "rx1", anna, "Alvedon", "500 mg", 50).unwrap();
            assert_eq!(
                prescriptions(conn, anna, 10).unwrap().iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
                ["rx1", "rx2"]
            );
            assert_eq!(prescriptions(conn, anna, 60).unwrap().len(), 1, "one has run out");
            keep_prescription(conn, "rx1", anna, "Alvedon", "500 mg", 200).unwrap();
            assert_eq!(prescriptions(conn, anna, 60).unwrap().len(), 2, "renewed");

            forget_children(conn, anna).unwrap();
            assert_eq!(self_and_children(conn, anna).unwrap().len(), 1);
        });
    }
}
