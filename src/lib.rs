//! tenantcase: a casework tracker for tenancy deposit disputes.
//!
//! Requests flow one way: [`web`] → [`service`] → [`domain`] + [`db`].

// The letter context is one large `json!` literal.
#![recursion_limit = "256"]

/// Application state and the router.
pub mod app;
/// One archive of an instance (database, uploads, key), and putting it back.
pub mod backup;
/// Benchmarks behind `tenantcase bench`.
pub mod bench;
/// The command line: serve, migrate, users, tokens.
pub mod cli;
/// Where "now" comes from.
pub mod clock;
/// Typed runtime configuration.
pub mod config;
/// Database connection, migrations, entities and queries.
pub mod db;
/// Pure rules and types: money, postcodes, case facts, validation, timeline.
pub mod domain;
/// The app's error type and its JSON face.
pub mod error;
/// Letters: the letter model, page layout and PDF drawing.
pub mod letters;
/// Use cases shared by pages and API, one transaction each.
pub mod service;
/// Where uploaded documents' bytes are kept (a folder, or an S3-compatible bucket).
pub mod storage;
/// HTTP: pages, JSON API, sessions, CSRF, templates.
pub mod web;
