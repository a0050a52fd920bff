//! errdocs: a static site generator for an API's error reference.
//!
//! This library is the engine of the `errdocs` command-line tool. Its public surface is what
//! the binary and the fuzz harness need, and is kept that small on purpose: [`build()`],
//! [`check()`] and [`check_against`] with their [`Options`]; [`watch::run`] and
//! [`serve::start`] for the local preview; [`init()`] for a starter site; every problem is a
//! [`Diagnostic`]. Everything else is private to the crate.
//!
//! The build is a chain of stages handing plain data forward (see `ARCHITECTURE.md`):
//! sources (config, catalog, pages, theme) -> plan (URLs, navigation) -> rendered pages ->
//! link report -> output (staging directory, atomic swap).

#![warn(unreachable_pub)]

mod build;
mod catalog;
mod catalog_edit;
mod changelog;
mod codegen;
mod config;
mod content;
mod diagnostics;
pub mod diff;
pub mod drift;
mod exports;
mod files;
mod highlight;
mod html;
mod http_status;
mod init;
pub mod interrupt;
mod json_highlight;
mod links;
pub mod openapi_check;
mod output;
mod plan;
mod releases;
mod render;
pub mod serve;
mod site_files;
mod sitemap;
mod slug;
mod sources;
mod split;
mod stability;
mod theme;
mod tomlread;
mod urls;
pub mod watch;

pub use build::{Options, Summary, build, check, check_output, export};
pub use diagnostics::{Diagnostic, Severity, render_all};
pub use init::{init, theme as init_theme};
pub use stability::{Report, check_against};
