//! Integration tests: each test builds the real router over a fresh database (SQLite in
//! memory, or a fresh PostgreSQL schema when `TEST_DATABASE_URL` is set) with the real
//! migrations.

#![expect(
    clippy::expect_used,
    reason = "a test should fail loudly at the first surprise"
)]

mod access;
mod auth;
mod backup;
mod bad_input;
mod browser;
mod cli;
mod edit;
mod groups;
mod intake;
mod letters;
mod list;
mod matrix;
mod openapi;
mod ownership;
mod portal;
mod rules;
mod security;
mod servers;
mod snapshots;
mod support;
mod wording;
