//! The error catalog: the model every page is rendered from.
//!
//! This module owns the data types (envelopes, categories, codes, retry guidance) and the rules
//! that are part of the published contract: how a code's anchor is derived, what a retry policy
//! means, and which policy a status allows. Reading and validating the TOML file is in
//! [`load()`]. The model knows nothing of HTML: text fields hold inline Markdown source.

mod common;
mod fields;
mod lifecycle;
mod load;
mod model;
mod reload;
mod retry;
mod shift;
mod text;
mod values;

pub(crate) use load::load;
pub(crate) use model::*;
pub(crate) use reload::reload_code;
pub(crate) use text::{plain_text, shorten};
