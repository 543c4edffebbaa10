//! The rules of the service, shared by the HTTP routes (`routes/`), the staff console and the
//! background work: who may see what, the queue and its places, cases, visits and fees, payments,
//! errands, the inbox and what goes out to people. A route module calls these; route modules never
//! call each other (`cargo xtask test` checks it, see ARCHITECTURE.md).

pub mod attachments;
pub mod cases;
pub mod chat;
pub mod errands;
pub mod events;
pub mod inbox;
pub mod kiosk;
pub mod people;
pub mod pictures;
pub mod questionnaires;
pub mod sessions;
pub mod units;
pub mod visits;
