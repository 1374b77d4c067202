//! The pslog server: database set-up, the HTTP application, demo data and background tasks.
//! The binary (`main.rs`) is only its command line.

pub mod api;
pub mod application;
pub mod assets;
pub mod auth;
pub mod copy;
pub mod database;
pub mod demo;
pub mod follow;
pub mod forward;
pub mod front;
pub mod import;
pub mod ingest;
pub mod openapi;
pub mod partitions;
pub mod progress;
pub mod reconcile;
pub mod retention;
pub mod tasks;
pub mod web;
