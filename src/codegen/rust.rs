//! The Rust module: an `ErrorCode` enum with `code()`, `status()`, `docs_url()`, `FromStr` and
//! `Display`, its data in one `const` table, laid out as rustfmt lays it out.

use std::fmt::Write;

use super::model::{Input, RETRY_POLICIES, one_line};
use super::names::{Style, unique};

const RETRY_VARIANTS: [(&str, &str); 5] = [
    ("Never", "Do not retry: the request itself is wrong."),
    (
        "AfterRetryAfter",
        "Retry after the seconds of the `Retry-After` header.",
    ),
    ("Backoff", "Retry with exponential backoff."),
    ("Once", "Retry once, after a delay."),
    (
        "Conditional",
        "Retry only when the documentation's conditions hold.",
    ),
];

const PRELUDE: &str = r#"
use std::fmt;
use std::str::FromStr;

/// How a client should retry a request that failed with a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retry {
"#;

const RETRY_IMPL: &str = r#"}

impl Retry {
    /// The policy's name in the catalog (`after-retry-after`).
    pub const fn name(self) -> &'static str {
        match self {
"#;

const INFO: &str = r#"        }
    }
}

/// What the catalog says of a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    /// The code as the API sends it (`PG-1003`, `-32602`).
    pub code: &'static str,
    /// The key `ErrorCode::from_str` takes: the code, or `NAMESPACE:CODE`.
    pub key: &'static str,
    /// Its HTTP statuses, the typical one first.
    pub statuses: &'static [u16],
    /// The message the API sends with it (empty when the catalog gives none).
    pub message: &'static str,
    /// The id of its category.
    pub category: &'static str,
    /// How to retry, if the catalog says.
    pub retry: Option<Retry>,
    /// The URL of its documentation.
    pub docs_url: &'static str,
    /// `active`, `deprecated` or `removed`.
    pub state: &'static str,
}

/// Every code of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
"#;

const METHODS: &str = r#"
    /// What the catalog says of this code.
    pub const fn info(self) -> &'static Info {
        &INFO[self as usize]
    }

    /// The code as the API sends it (`PG-1003`, `-32602`).
    pub const fn code(self) -> &'static str {
        self.info().code
    }

    /// The key `from_str` takes: the code, or `NAMESPACE:CODE` in a namespaced category.
    pub const fn key(self) -> &'static str {
        self.info().key
    }

    /// Its typical HTTP status, if it has one.
    pub const fn status(self) -> Option<u16> {
        match self.info().statuses {
            [first, ..] => Some(*first),
            [] => None,
        }
    }

    /// All its HTTP statuses, the typical one first.
    pub const fn statuses(self) -> &'static [u16] {
        self.info().statuses
    }

    /// The message the API sends with it.
    pub const fn message(self) -> Option<&'static str> {
        let message = self.info().message;
        if message.is_empty() {
            None
        } else {
            Some(message)
        }
    }

    /// The id of its category.
    pub const fn category(self) -> &'static str {
        self.info().category
    }

    /// How to retry, if the catalog says.
    pub const fn retry(self) -> Option<Retry> {
        self.info().retry
    }

    /// The URL of its documentation page.
    pub const fn docs_url(self) -> &'static str {
        self.info().docs_url
    }
}

/// The error of `ErrorCode::from_str`: no code has this key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownCode;

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown error code")
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for ErrorCode {
    type Err = UnknownCode;

    /// Looks a code up by its key: the code as written, or `NAMESPACE:CODE`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.key() == s)
            .ok_or(UnknownCode)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
"#;

/// A Rust string literal.
fn lit(text: &str) -> String {
    format!("{text:?}")
}

/// The module for `input`.
pub(crate) fn generate(input: &Input) -> String {
    let keys: Vec<&str> = input.entries.iter().map(|e| e.key.as_str()).collect();
    let idents = unique(&keys, Style::Pascal, &[]);
    let n = input.entries.len();
    let mut out = format!("// {}\n", input.header());
    out.push_str(PRELUDE);
    for (name, doc) in RETRY_VARIANTS {
        let _ = writeln!(out, "    /// {doc}\n    {name},");
    }
    out.push_str(RETRY_IMPL);
    for ((name, _), policy) in RETRY_VARIANTS.iter().zip(RETRY_POLICIES) {
        let _ = writeln!(out, "            Retry::{name} => {policy:?},");
    }
    out.push_str(INFO);
    for (e, id) in input.entries.iter().zip(&idents) {
        let doc = match &e.message {
            Some(m) => format!("`{}`: {}", one_line(&e.code), one_line(m)),
            None => format!("`{}`", one_line(&e.code)),
        };
        let _ = writeln!(out, "    /// {}\n    {id},", doc.trim_end());
    }
    out.push_str("}\n\nimpl ErrorCode {\n    /// Every code, in catalog order.\n");
    let items: Vec<String> = idents.iter().map(|i| format!("ErrorCode::{i}")).collect();
    let head = format!("    pub const ALL: [ErrorCode; {n}] = ");
    let one_line_array = format!("[{}];", items.join(", "));
    if one_line_array.len() - 1 <= 60 && head.len() + one_line_array.len() <= 100 {
        let _ = writeln!(out, "{head}{one_line_array}");
    } else {
        let _ = writeln!(out, "{head}[");
        for item in &items {
            let _ = writeln!(out, "        {item},");
        }
        out.push_str("    ];\n");
    }
    out.push_str(METHODS);
    let _ = writeln!(out, "\nconst INFO: [Info; {n}] = [");
    for e in &input.entries {
        let statuses: Vec<String> = e.statuses.iter().map(u16::to_string).collect();
        let retry = match e
            .retry
            .and_then(|r| RETRY_POLICIES.iter().position(|p| *p == r))
        {
            Some(i) => format!("Some(Retry::{})", RETRY_VARIANTS[i].0),
            None => "None".to_string(),
        };
        let _ = write!(
            out,
            "    Info {{\n        code: {},\n        key: {},\n        statuses: &[{}],\n        \
             message: {},\n        category: {},\n        retry: {retry},\n        \
             docs_url: {},\n        state: {},\n    }},\n",
            lit(&e.code),
            lit(&e.key),
            statuses.join(", "),
            lit(e.message.as_deref().unwrap_or("")),
            lit(&e.category),
            lit(&e.docs_url),
            lit(e.state),
        );
    }
    out.push_str("];\n");
    out
}
