//! Route components, one folder per area. Pages compose components and read data through
//! `api`; logic that can be pure lives outside the views.

pub mod accessibility;
pub mod cases;
pub mod contact;
pub mod eservices;
pub mod inbox;
pub mod kiosk;
pub mod login;
pub mod not_found;
pub mod preview;
pub mod seek_care;
pub mod settings;
pub mod start;
pub mod visits;
