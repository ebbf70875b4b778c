//! sea-orm entities, one module per table.

pub mod api_tokens;
pub mod case_events;
pub mod case_search_terms;
pub mod cases;
pub mod sessions;
pub mod users;
