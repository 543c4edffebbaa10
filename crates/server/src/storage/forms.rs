//! Forms (FHIR Questionnaires) as stored, with the facts the lists need read once when a form
//! is stored (ages, description, translated titles: `crate::domain::units::form_facts`), and the
//! region's translations of its own texts.

use super::{Conn, OptionalExtension, Result, params};

/// A form as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub id: String,
    pub url: String,
    pub version: String,
    pub title: String,
}

/// Every form, by title.
pub fn all(conn: &mut Conn<'_>) -> Result<Vec<Summary>> {
    conn.query_map("SELECT id, url, version, title FROM questionnaires ORDER BY title", params![], |r| {
        Ok(Summary { id: r.get("id")?, url: r.get("url")?, version: r.get("version")?, title: r.get("title")? })
    })
}

/// The form's resource (JSON text).
pub fn resource(conn: &mut Conn<'_>, id: &str) -> Result<Option<String>> {
    conn.query_row("SELECT resource FROM questionnaires WHERE id = ?1", params![id], |r| r.get("resource")).optional()
}

/// Does the form `id` exist?
pub fn exists(conn: &mut Conn<'_>, id: &str) -> Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM questionnaires WHERE id = ?1) AS found", params![id], |r| {
        r.get("found")
    })
}

/// What the lists need of a form, read from it once when it is stored.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Facts {
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    pub description: Option<String>,
    /// The `_title` element as JSON text (its translations), if any.
    pub title_translations: Option<String>,
    /// The `_description` element as JSON text, if any.
    pub description_translations: Option<String>,
}

/// Keeps a form (again: a new version replaces the old), its facts to be read.
pub fn keep(conn: &mut Conn<'_>, s: &Summary, resource: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO questionnaires (id, url, version, title, resource, ages_read) VALUES (?1, ?2, ?3, ?4, ?5, 0)
         ON CONFLICT (id) DO UPDATE SET url = ?2, version = ?3, title = ?4, resource = ?5, ages_read = 0",
        params![s.id, s.url, s.version, s.title, resource],
    )?;
    Ok(())
}

/// Writes a form's facts.
pub fn store_facts(conn: &mut Conn<'_>, id: &str, f: &Facts) -> Result<()> {
    conn.execute(
        "UPDATE questionnaires SET min_age = ?2, max_age = ?3, description = ?4, title_translations = ?5,
             description_translations = ?6, ages_read = 1 WHERE id = ?1",
        params![id, f.min_age, f.max_age, f.description, f.title_translations, f.description_translations],
    )?;
    Ok(())
}

/// The forms whose facts are not read yet: (id, resource).
pub fn unread(conn: &mut Conn<'_>) -> Result<Vec<(String, String)>> {
    conn.query_map("SELECT id, resource FROM questionnaires WHERE ages_read = 0", params![], |r| {
        Ok((r.get("id")?, r.get("resource")?))
    })
}

/// The region's translations into `lang`: (Swedish, translated).
pub fn translations(conn: &mut Conn<'_>, lang: &str) -> Result<Vec<(String, String)>> {
    conn.prepare_cached("SELECT sv, text FROM translations WHERE lang = ?1")?
        .query_map(params![lang], |r| Ok((r.get("sv")?, r.get("text")?)))?
        .collect()
}

/// Keeps a translation of a Swedish text into `lang`.
pub fn keep_translation(conn: &mut Conn<'_>, sv: &str, lang: &str, text: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO translations (sv, lang, text) VALUES (?1, ?2, ?3) ON CONFLICT (sv, lang) DO UPDATE SET text = ?3",
        params![sv, lang, text],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tests::on_both;

    #[test]
    fn forms_their_facts_and_translations_on_both_backends() {
        on_both("forms", |conn| {
            let s = |id: &str, title: &str| Summary {
                id: id.into(),
                url: format!("https://ingang.se/fhir/Questionnaire/{id}"),
                version: "1.0".into(),
                title: title.into(),
            };
            keep(conn, &s("b", "Öroninflammation"), "{\"v\":1}").unwrap();
            keep(conn, &s("a", "Förkylning"), "{}").unwrap();
            assert_eq!(all(conn).unwrap(), [s("a", "Förkylning"), s("b", "Öroninflammation")]);
            assert_eq!(unread(conn).unwrap().len(), 2);
            let facts = Facts { min_age: Some(1), description: Some("Om öron".into()), ..Facts::default() };
            store_facts(conn, "b", &facts).unwrap();
            assert_eq!(unread(conn).unwrap(), [("a".to_owned(), "{}".to_owned())]);
            keep(conn, &s("b", "Öroninflammation"), "{\"v\":2}").unwrap();
            assert_eq!(resource(conn, "b").unwrap().as_deref(), Some("{\"v\":2}"));
            assert_eq!(unread(conn).unwrap().len(), 2, "a new version is read again");
            assert!(exists(conn, "a").unwrap());
            assert!(!exists(conn, "c").unwrap());
            assert_eq!(resource(conn, "c").unwrap(), None);

            keep_translation(conn, "Vårdcentral", "en", "Health centre").unwrap();
            keep_translation(conn, "Vårdcentral", "en", "Health center").unwrap();
            keep_translation(conn, "Vårdcentral", "fi", "Terveyskeskus").unwrap();
            assert_eq!(translations(conn, "en").unwrap(), [("Vårdcentral".to_owned(), "Health center".to_owned())]);
            assert!(translations(conn, "ar").unwrap().is_empty());
        });
    }
}
