//! Care units: the ages a unit's questionnaire fits, and which category a case belongs to.

use ingang_api::Category;
use ingang_questionnaire::Questionnaire;

/// The age range of a form's `useContext`, in whole years.
pub fn ages(q: &Questionnaire) -> (Option<u32>, Option<u32>) {
    let (low, high) = q.age_range();
    // "from 6 months" is the person rules' business (Digitalen's lower limit); whole years here
    (low.map(|l| l.floor() as u32).filter(|l| *l > 0), high.map(|h| h.floor() as u32))
}

/// A category from its questionnaire: the age range of its `useContext`, in whole years.
pub fn category(questionnaire_id: String, title: String, resource: &str) -> Category {
    let (min_age, max_age) = Questionnaire::from_json(resource).map(|q| ages(&q)).unwrap_or_default();
    Category { questionnaire_id, title, min_age, max_age }
}

/// What the lists need of a form, read once when it is stored: see migration 0027.
pub type FormFacts = crate::storage::forms::Facts;

/// Reads [`FormFacts`] from a stored resource (JSON text); none from what is no Questionnaire.
pub fn form_facts(resource: &str) -> FormFacts {
    Questionnaire::from_json(resource).map(|q| form_facts_of(&q)).unwrap_or_default()
}

/// [`FormFacts`] of a parsed form (the elements the model does not name are in `extra`).
pub fn form_facts_of(q: &Questionnaire) -> FormFacts {
    let (min_age, max_age) = ages(q);
    let element = |name: &str| q.extra.get(name).filter(|v| !v.is_null()).map(|v| v.to_string());
    FormFacts {
        min_age,
        max_age,
        description: q.extra.get("description").and_then(|d| d.as_str()).map(str::to_owned),
        title_translations: element("_title"),
        description_translations: element("_description"),
    }
}

/// Writes a form's [`FormFacts`] to its row.
pub fn store_form_facts(
    conn: &mut crate::storage::Conn<'_>,
    id: &str,
    facts: &FormFacts,
) -> crate::storage::Result<()> {
    crate::storage::forms::store_facts(conn, id, facts)
}

/// Reads the facts of every stored form not read yet (at start, before any request: a form
/// written by other means than the seed, or before migration 0027, is read here, once).
pub fn read_forms(conn: &mut crate::storage::Conn<'_>) -> crate::storage::Result<()> {
    let unread = crate::storage::forms::unread(conn)?;
    for (id, resource) in unread {
        store_form_facts(conn, &id, &form_facts(&resource))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forms_facts_are_its_ages_description_and_translated_elements() {
        let facts = form_facts(
            r#"{"resourceType":"Questionnaire","status":"active","description":"Förnya ett recept",
                "_title":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/translation",
                  "extension":[{"url":"lang","valueCode":"en"},{"url":"content","valueString":"Renew"}]}]}}"#,
        );
        assert_eq!(facts.description.as_deref(), Some("Förnya ett recept"));
        assert!(facts.title_translations.as_deref().is_some_and(|t| t.contains("Renew")));
        assert_eq!(facts.description_translations, None);
        assert_eq!(
            crate::lang::translated(facts.title_translations.as_deref(), crate::lang::Lang("en")).as_deref(),
            Some("Renew")
        );
        assert_eq!(form_facts("not json"), FormFacts::default());
    }
}
