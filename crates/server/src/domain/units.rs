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

/// Reads the age range of every stored form whose range is not read yet (at start, before
/// any request: a form written by other means than the seed is read here, once).
pub fn read_ages(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let unread: Vec<(String, String)> = conn
        .prepare("SELECT id, resource FROM questionnaires WHERE ages_read = 0")?
        .query_map([], |r| Ok((r.get("id")?, r.get("resource")?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, resource) in unread {
        let (min, max) = Questionnaire::from_json(&resource).map(|q| ages(&q)).unwrap_or_default();
        conn.execute(
            "UPDATE questionnaires SET min_age = ?2, max_age = ?3, ages_read = 1 WHERE id = ?1",
            rusqlite::params![id, min, max],
        )?;
    }
    Ok(())
}
