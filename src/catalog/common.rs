//! Reading helpers shared by the parts of the catalog loader: duplicates, statuses, retry
//! policies, references to codes and categories.

use std::collections::HashMap;
use std::ops::Range;

use super::model::{Category, Code, RetryPolicy};
use crate::diagnostics::{Choice, Diagnostics, Problem, Source, did_you_mean};
use crate::tomlread::{self, Located, Table};

/// Finds codes by anchor, else by the code as written (for `replaced_by`, `parent` and retry
/// rules): the first such code, looked up in constant time.
pub(super) struct CodeIndex {
    by_anchor: HashMap<String, usize>,
    by_code: HashMap<String, usize>,
}

impl CodeIndex {
    pub(super) fn new(codes: &[Code]) -> Self {
        let (mut by_anchor, mut by_code) = (HashMap::new(), HashMap::new());
        for (i, c) in codes.iter().enumerate() {
            by_anchor.entry(c.anchor.clone()).or_insert(i);
            by_code.entry(c.key.raw()).or_insert(i);
        }
        CodeIndex { by_anchor, by_code }
    }

    pub(super) fn find(&self, name: &str) -> Option<usize> {
        self.by_anchor
            .get(name)
            .or_else(|| self.by_code.get(name))
            .copied()
    }
}

/// Remembers where each name was first defined (its span in the catalog), to report
/// duplicates with both places. Spans are located only when a duplicate is reported.
#[derive(Default)]
pub(super) struct FirstSeen(HashMap<String, Range<usize>>);

impl FirstSeen {
    /// Records `key`; reports a duplicate `kind` named `shown` if it was seen before.
    /// Returns true if the key is new.
    pub(super) fn insert(
        &mut self,
        kind: &'static str,
        key: &str,
        shown: &str,
        source: &Source,
        span: Range<usize>,
        diags: &mut Diagnostics,
    ) -> bool {
        match self.0.get(key) {
            Some(first) => {
                diags.push(crate::diagnostics::Diagnostic::at(
                    Problem::Duplicate {
                        kind,
                        name: shown.to_string(),
                        first: Box::new(source.locate(first.clone())),
                    },
                    source.locate(span),
                ));
                false
            }
            None => {
                self.0.insert(key.to_string(), span);
                true
            }
        }
    }
}

/// Ids of envelopes, categories and namespaces: lowercase letters, digits and `-`.
pub(super) fn check_id(
    key: &'static str,
    id: &Located<String>,
    source: &Source,
    diags: &mut Diagnostics,
) -> bool {
    let ok = !id.value.is_empty()
        && id
            .value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        diags.at(
            Problem::InvalidId {
                key,
                value: id.value.clone(),
            },
            source,
            id.span.clone(),
        );
    }
    ok
}

/// An HTTP status: a registered one, or one the catalog declares with `[[status]]`
/// (`declared`, such as 499 "Client Closed Request").
pub(super) fn status(
    t: &Table,
    key: &str,
    declared: &[u16],
    diags: &mut Diagnostics,
) -> Option<Located<u16>> {
    let value = t.int(key, diags)?;
    let known = crate::http_status::reason(value.value).is_some()
        || declared.iter().any(|&d| i64::from(d) == value.value);
    if known {
        return Some(Located::new(value.value as u16, value.span));
    }
    diags.at(
        Problem::InvalidStatus {
            status: value.value.to_string(),
        },
        t.source(),
        value.span,
    );
    None
}

pub(super) fn policy(
    t: &Table,
    diags: &mut Diagnostics,
    key: &str,
) -> Option<Located<RetryPolicy>> {
    let name = t.string(key, diags)?;
    match RetryPolicy::from_name(&name.value) {
        Some(p) => Some(Located::new(p, name.span)),
        None => {
            let names = RetryPolicy::ALL.map(RetryPolicy::name);
            diags.at(
                Problem::UnknownChoice {
                    key: key.to_string(),
                    value: name.value.clone(),
                    choice: Choice::RetryPolicy,
                    choices: names.to_vec(),
                    suggestion: did_you_mean(&name.value, names),
                },
                t.source(),
                name.span,
            );
            None
        }
    }
}

/// A reference to a code (`replaced_by`, a retry rule's `code`): a string or an integer.
pub(super) fn code_name(t: &Table, key: &str, diags: &mut Diagnostics) -> Option<Located<String>> {
    let v = t.get(key)?;
    match tomlread::integer(v.get_ref()) {
        Some(i) => Some(Located::new(i.to_string(), v.span())),
        None => t.string(key, diags),
    }
}

pub(super) fn category_named(
    name: &Located<String>,
    categories: &[Category],
    source: &Source,
    diags: &mut Diagnostics,
) -> Option<usize> {
    let found = categories.iter().position(|c| c.id == name.value);
    if found.is_none() {
        diags.at(
            Problem::UnknownReference {
                kind: "category",
                name: name.value.clone(),
                suggestion: did_you_mean(&name.value, categories.iter().map(|c| c.id.as_str())),
            },
            source,
            name.span.clone(),
        );
    }
    found
}

pub(super) fn unknown_code(
    source: &Source,
    name: &Located<String>,
    codes: &[Code],
    diags: &mut Diagnostics,
) {
    let keys: Vec<String> = codes.iter().map(|c| c.key.raw()).collect();
    diags.at(
        Problem::UnknownReference {
            kind: "code",
            name: name.value.clone(),
            suggestion: did_you_mean(&name.value, keys.iter().map(String::as_str)),
        },
        source,
        name.span.clone(),
    );
}
