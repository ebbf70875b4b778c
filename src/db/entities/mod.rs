//! sea-orm entities, one module per table.

pub mod access_codes;
pub mod api_tokens;
pub mod audit_log;
pub mod case_alerts;
pub mod case_assignees;
pub mod case_events;
pub mod case_search_terms;
pub mod cases;
pub mod documents;
pub mod group_members;
pub mod groups;
pub mod letter_templates;
pub mod letters;
pub mod messages;
pub mod password_resets;
pub mod sessions;
pub mod tenant_sessions;
pub mod users;
