//! errdocs: a static site generator for an API's error reference.
//!
//! One error catalog (TOML) and some Markdown pages become a static site. The build is one
//! pipeline, one module per stage: [`config`] -> [`catalog`] (load + validate) -> [`content`]
//! (Markdown, headings, directives) -> [`render`] (tera, embedded theme) -> [`links`] (anchor
//! registry + checker) -> [`output`] (staging directory, swap). [`site`] runs the stages;
//! every problem is a [`diagnostics::Diagnostic`].

pub mod catalog;
pub mod codepages;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod export;
pub mod highlight;
pub mod http_status;
pub mod init;
pub mod interrupt;
pub mod links;
pub mod output;
pub mod parallel;
pub mod render;
pub mod serve;
pub mod site;
pub mod slug;
pub mod stability;
pub mod tomlread;
pub mod watch;
