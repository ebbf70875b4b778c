//! sea-orm entities, one module per table.

pub mod api_tokens;
pub mod audit_log;
pub mod case_assignees;
pub mod case_events;
pub mod case_search_terms;
pub mod cases;
pub mod group_members;
pub mod groups;
pub mod letters;
pub mod sessions;
pub mod users;
