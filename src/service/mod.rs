//! Use cases shared by the HTML pages and the JSON API. Each loads, applies a domain rule,
//! saves and records the timeline inside one transaction.

pub mod admin;
pub mod auth;
pub mod case_file;
pub mod cases;
pub mod demo;
pub mod export;
pub mod letters;
pub mod memo;
pub mod portal;
pub mod reads;
pub mod referral;
pub mod resets;
pub mod templates;
pub mod throttle;
pub mod tokens;

pub use auth::Principal;
