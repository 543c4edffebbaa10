//! Reusable UI. One file per component; each is thin and gets its strings from `i18n`.

pub mod api_banner;
pub mod emergency;
pub mod icon;
pub mod layout;
pub mod nav;
pub mod page;
pub mod questionnaire;
pub mod update_banner;
