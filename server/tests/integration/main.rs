//! The server's integration tests, in one binary: each test binary links the whole
//! application, so one binary instead of a dozen saves minutes of linking and gigabytes of
//! disk. Each module is one area of the product; `common` starts the real application on a
//! free port.

mod common;

mod accounts;
mod assets;
mod categories;
mod concurrency;
mod console_security;
mod console_users;
mod copy;
mod counts;
mod demo_data;
mod export_events;
mod follow;
mod forwarding;
mod free_text;
mod fuzz;
mod hardening;
mod import;
mod include_exclude;
mod ingest;
mod masking;
mod openapi;
mod overview;
mod partitions;
mod pinned_outputs;
mod plans;
mod reconcile;
mod roles;
mod settings;
mod storage;
mod web_sessions;
