//! Reusable UI. One file per component; each is thin and gets its strings from `i18n`.

pub mod acting_bar;
pub mod answer_form;
pub mod answers;
pub mod api_banner;
pub mod contact_form;
pub mod emergency;
pub mod icon;
pub mod inbox_badge;
pub mod layout;
pub mod nav;
pub mod open_status;
pub mod page;
pub mod person_chooser;
pub mod protected;
pub mod qr_code;
pub mod questionnaire;
pub mod session_timer;
pub mod update_banner;
