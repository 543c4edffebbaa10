//! The steps of a care request and what each one needs from the steps before it. Pure logic,
//! tested with plain `cargo test`; the pages in [`super::flow`] render it.
//!
//! The order follows Digitalen: conduct rules → whom for → unit and category → describe in
//! free text → the category's questionnaire → review → send.

use ingang_api::{Category, Unit};
use ingang_questionnaire::QuestionnaireResponse;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Rules,
    Whom,
    Unit,
    Describe,
    Questions,
    Review,
}

impl Step {
    pub const ALL: [Step; 6] = [Step::Rules, Step::Whom, Step::Unit, Step::Describe, Step::Questions, Step::Review];

    /// "Steg 3 av 6".
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    /// Where the step lives; the questionnaire step needs the chosen form.
    pub fn path(self, choices: &Choices) -> String {
        match self {
            Step::Rules => "/sok-vard/ny".into(),
            Step::Whom => "/sok-vard/ny/vem".into(),
            Step::Unit => "/sok-vard/ny/mottagning".into(),
            Step::Describe => "/sok-vard/ny/beskriv".into(),
            Step::Questions => {
                format!("/sok-vard/ny/besvar/{}", choices.questionnaire_id.as_deref().unwrap_or_default())
            }
            Step::Review => "/sok-vard/ny/granska".into(),
        }
    }
}

/// What the user has chosen and written for one person's care request. Kept encrypted on the
/// device (per user and person) until the case is sent, so reload, offline and a new login lose
/// nothing. The questionnaire's own answers are a separate draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Choices {
    pub unit_id: Option<String>,
    pub questionnaire_id: Option<String>,
    pub description: String,
    /// The finished questionnaire, set when the user completes it; cleared when they go back to it.
    pub completed: Option<QuestionnaireResponse>,
}

impl Choices {
    /// Choosing another unit or category makes the finished answers belong to nothing.
    pub fn choose(&mut self, unit_id: String, questionnaire_id: String) {
        self.set_unit(unit_id);
        self.set_category(questionnaire_id);
    }

    pub fn set_unit(&mut self, unit_id: String) {
        if self.unit_id.as_deref() != Some(unit_id.as_str()) {
            self.completed = None;
        }
        self.unit_id = Some(unit_id);
    }

    pub fn set_category(&mut self, questionnaire_id: String) {
        if self.questionnaire_id.as_deref() != Some(questionnaire_id.as_str()) {
            self.completed = None;
        }
        self.questionnaire_id = Some(questionnaire_id);
    }
}

/// What a step finds when it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub rules_accepted: bool,
    pub has_patient: bool,
    /// The chosen unit still offers the chosen category for this person.
    pub category_ok: bool,
    pub description_ok: bool,
    pub completed: bool,
}

impl Progress {
    pub fn of(rules_accepted: bool, has_patient: bool, category_ok: bool, choices: &Choices) -> Self {
        Progress {
            rules_accepted,
            has_patient,
            category_ok,
            description_ok: ingang_api::cases::check_description(&choices.description).is_ok(),
            completed: choices.completed.is_some(),
        }
    }

    /// The first earlier step that is not done, where a user who opens `step` directly belongs.
    pub fn missing_before(&self, step: Step) -> Option<Step> {
        let done = [
            (Step::Rules, self.rules_accepted),
            (Step::Whom, self.has_patient),
            (Step::Unit, self.category_ok),
            (Step::Describe, self.description_ok),
            (Step::Questions, self.completed),
        ];
        done.into_iter().find(|(s, ok)| *s < step && !ok).map(|(s, _)| s)
    }
}

/// The units that take care requests.
pub fn care_units(units: &[Unit]) -> Vec<&Unit> {
    units.iter().filter(|u| u.services.contains(&ingang_api::Service::SeekCare) && !u.categories.is_empty()).collect()
}

/// A unit's categories that fit a person of this age.
pub fn categories_for(unit: &Unit, age: Option<u32>) -> Vec<&Category> {
    unit.categories.iter().filter(|c| c.fits(age)).collect()
}

/// Does the unit (among `units`) still offer this category for this age?
pub fn category_ok(units: &[Unit], choices: &Choices, age: Option<u32>) -> bool {
    let (Some(unit), Some(q)) = (&choices.unit_id, &choices.questionnaire_id) else { return false };
    care_units(units)
        .into_iter()
        .find(|u| &u.id == unit)
        .is_some_and(|u| categories_for(u, age).iter().any(|c| &c.questionnaire_id == q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingang_api::{Service, UnitKind};

    fn unit(id: &str, services: Vec<Service>, categories: Vec<Category>) -> Unit {
        Unit {
            id: id.into(),
            name: id.into(),
            kind: UnitKind::HealthCentre,
            address: String::new(),
            city: String::new(),
            phone: None,
            time_zone: "Europe/Stockholm".into(),
            hours: vec![],
            services,
            categories,
            e_services: vec![],
        }
    }

    fn category(id: &str, min_age: Option<u32>, max_age: Option<u32>) -> Category {
        Category { questionnaire_id: id.into(), title: id.into(), min_age, max_age }
    }

    fn units() -> Vec<Unit> {
        vec![
            unit(
                "hc",
                vec![Service::SeekCare],
                vec![category("forkylning", Some(18), None), category("halsont-barn", None, Some(17))],
            ),
            unit("bokning", vec![Service::Booking], vec![category("x", None, None)]),
        ]
    }

    #[test]
    fn only_units_that_take_care_requests_and_categories_for_the_age() {
        let units = units();
        assert_eq!(care_units(&units).iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["hc"]);
        let for_child: Vec<_> = categories_for(&units[0], Some(4)).iter().map(|c| c.title.clone()).collect();
        assert_eq!(for_child, ["halsont-barn"]);
        let for_adult: Vec<_> = categories_for(&units[0], Some(40)).iter().map(|c| c.title.clone()).collect();
        assert_eq!(for_adult, ["forkylning"]);
    }

    #[test]
    fn a_choice_is_checked_against_what_the_unit_offers_now() {
        let units = units();
        let mut c = Choices::default();
        assert!(!category_ok(&units, &c, Some(40)));
        c.choose("hc".into(), "forkylning".into());
        assert!(category_ok(&units, &c, Some(40)));
        assert!(!category_ok(&units, &c, Some(4)), "the adult form is not for a child");
        c.choose("bokning".into(), "x".into());
        assert!(!category_ok(&units, &c, Some(40)), "that unit takes no care requests");
    }

    #[test]
    fn a_step_opened_directly_goes_back_to_the_first_missing_one() {
        let mut c = Choices::default();
        let p = |rules, patient, cat, c: &Choices| Progress::of(rules, patient, cat, c);
        assert_eq!(p(false, true, true, &c).missing_before(Step::Whom), Some(Step::Rules));
        assert_eq!(p(false, true, true, &c).missing_before(Step::Rules), None);
        assert_eq!(p(true, false, true, &c).missing_before(Step::Review), Some(Step::Whom));
        assert_eq!(p(true, true, false, &c).missing_before(Step::Describe), Some(Step::Unit));
        assert_eq!(p(true, true, true, &c).missing_before(Step::Questions), Some(Step::Describe));
        c.description = "  Ont i halsen ".into();
        assert_eq!(p(true, true, true, &c).missing_before(Step::Questions), None);
        assert_eq!(p(true, true, true, &c).missing_before(Step::Review), Some(Step::Questions));
    }

    #[test]
    fn another_unit_or_category_drops_the_finished_answers() {
        let mut c = Choices::default();
        c.choose("hc".into(), "forkylning".into());
        c.completed = Some(
            QuestionnaireResponse::from_json(r#"{"resourceType":"QuestionnaireResponse","status":"completed"}"#)
                .unwrap(),
        );
        c.choose("hc".into(), "forkylning".into());
        assert!(c.completed.is_some(), "the same choice keeps them");
        c.choose("hc".into(), "halsont-barn".into());
        assert!(c.completed.is_none());
        assert_eq!(Step::Questions.path(&c), "/sok-vard/ny/besvar/halsont-barn");
        assert_eq!(Step::Unit.number(), 3);
    }
}
