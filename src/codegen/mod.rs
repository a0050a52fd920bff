//! Source code generated from the catalog (`errdocs export LANG`, and `[exports]` in a build):
//! a module per language with every code as a typed constant, and an OpenAPI document.
//!
//! Each generator reads `model::Entry`s, a plain flattening of the catalog model (plus each code's
//! documentation URL, decided by the plan), and returns text formatted the way the language's
//! own formatter would (rustfmt, prettier, gofmt, black). Identifiers are derived from codes by
//! [`names`]: safe in every language, and unique in catalog order.

mod go;
mod model;
mod names;
mod openapi;
mod python;
mod rust;
mod typescript;

pub(crate) use model::{DEFAULT_GO_PACKAGE, Input};

/// A language (or document) `errdocs export` generates.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    Rust,
    TypeScript,
    Go,
    Python,
    OpenApi,
}

impl Lang {
    pub(crate) const ALL: [Lang; 5] = [
        Lang::Rust,
        Lang::TypeScript,
        Lang::Go,
        Lang::Python,
        Lang::OpenApi,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::TypeScript => "typescript",
            Lang::Go => "go",
            Lang::Python => "python",
            Lang::OpenApi => "openapi",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// Generates the module of `lang`.
pub(crate) fn generate(lang: Lang, input: &Input) -> String {
    match lang {
        Lang::Rust => rust::generate(input),
        Lang::TypeScript => typescript::generate(input),
        Lang::Go => go::generate(input),
        Lang::Python => python::generate(input),
        Lang::OpenApi => openapi::generate(input),
    }
}

pub(crate) use go::valid_package as valid_go_package;
