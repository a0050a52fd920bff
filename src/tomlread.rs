//! Reading TOML with spans: strict tables that report every mistake at once.
//!
//! The config, the catalog and page front matter are all read through [`Table`], which knows
//! the keys a table may hold, reports unknown ones with a did-you-mean, and hands out typed
//! values with their byte spans ([`Located`]) so later checks can point at them.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostics, Need, Problem, Source, did_you_mean};

/// A value with the byte span it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located<T> {
    pub(crate) value: T,
    pub(crate) span: Range<usize>,
}

impl<T> Located<T> {
    pub(crate) fn new(value: T, span: Range<usize>) -> Self {
        Located { value, span }
    }
}

/// Parses a TOML document, reporting the first syntax error of each line (the parser recovers
/// character by character, so one mistake in a long line would otherwise be thousands of
/// errors). Returns `None` when there were any.
pub(crate) fn parse<'s>(
    source: &'s Source,
    diags: &mut Diagnostics,
) -> Option<Spanned<DeTable<'s>>> {
    let (table, errors) = DeTable::parse_recoverable(&source.text);
    if errors.is_empty() {
        return Some(table);
    }
    let mut errors: Vec<_> = errors
        .into_iter()
        .map(|e| (e.span().unwrap_or(0..0), e))
        .collect();
    errors.sort_by_key(|(span, _)| span.start);
    // Where the line of the last error reported ends.
    let mut line_end = 0;
    for (span, error) in errors {
        if span.start < line_end {
            continue;
        }
        let bytes = source.text.as_bytes();
        line_end = bytes[span.start.min(bytes.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(usize::MAX, |i| span.start + i + 1);
        diags.at(
            Problem::TomlSyntax {
                message: error.message().trim().to_string(),
            },
            source,
            span,
        );
    }
    None
}

/// A TOML table being read: every key must be one of `allowed`.
pub(crate) struct Table<'a, 's> {
    table: &'a DeTable<'s>,
    span: Range<usize>,
    name: String,
    source: &'s Source,
    /// Allowed keys that an unknown key of this table looks like (already reported).
    misspelled: Vec<String>,
}

/// Names the TOML type of a value for messages.
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Reads a TOML integer (any radix) as i64.
pub(crate) fn integer(value: &DeValue<'_>) -> Option<i64> {
    match value {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

impl<'a, 's> Table<'a, 's> {
    /// Opens `table` (named `name` in messages, e.g. `[[code]]`) and reports unknown keys.
    pub(crate) fn open(
        table: &'a DeTable<'s>,
        span: Range<usize>,
        name: impl Into<String>,
        allowed: &[&str],
        source: &'s Source,
        diags: &mut Diagnostics,
    ) -> Self {
        let name = name.into();
        let mut misspelled = Vec::new();
        for key in table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let suggestion = did_you_mean(key.get_ref(), allowed.iter().copied());
                misspelled.extend(suggestion.clone());
                diags.at(
                    Problem::UnknownKey {
                        key: key.get_ref().to_string(),
                        table: name.clone(),
                        suggestion,
                        expected: allowed.iter().map(|a| a.to_string()).collect(),
                    },
                    source,
                    key.span(),
                );
            }
        }
        Table {
            table,
            span,
            name,
            source,
            misspelled,
        }
    }

    /// Opens a value that must be a table; reports a type error otherwise.
    pub(crate) fn open_value(
        value: &'a Spanned<DeValue<'s>>,
        name: impl Into<String>,
        allowed: &[&str],
        source: &'s Source,
        diags: &mut Diagnostics,
    ) -> Option<Self> {
        let name = name.into();
        match value.get_ref() {
            DeValue::Table(t) => Some(Self::open(t, value.span(), name, allowed, source, diags)),
            other => {
                diags.at(
                    Problem::WrongType {
                        key: name,
                        expected: "a table",
                        found: type_name(other),
                    },
                    source,
                    value.span(),
                );
                None
            }
        }
    }

    pub(crate) fn source(&self) -> &'s Source {
        self.source
    }

    /// The raw value of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'s>>> {
        self.table.get(key)
    }

    fn wrong_type(
        &self,
        key: &str,
        expected: &'static str,
        value: &Spanned<DeValue<'_>>,
        diags: &mut Diagnostics,
    ) {
        diags.at(
            Problem::WrongType {
                key: key.to_string(),
                expected,
                found: type_name(value.get_ref()),
            },
            self.source,
            value.span(),
        );
    }

    /// Whether an unknown key of this table was reported as a misspelling of `key`.
    pub(crate) fn misspells(&self, key: &str) -> bool {
        self.misspelled.iter().any(|m| m == key)
    }

    /// Reports that `key` is required here, unless an unknown key of the table was reported as
    /// its misspelling (the typo is the cause; one mistake, one error).
    pub(crate) fn missing(&self, key: &str, need: Need, diags: &mut Diagnostics) {
        if self.misspells(key) {
            return;
        }
        diags.at(
            Problem::MissingField {
                field: key.to_string(),
                table: self.name.clone(),
                need,
            },
            self.source,
            self.span.clone(),
        );
    }

    pub(crate) fn string(&self, key: &str, diags: &mut Diagnostics) -> Option<Located<String>> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Located::new(s.to_string(), value.span())),
            _ => {
                self.wrong_type(key, "a string", value, diags);
                None
            }
        }
    }

    pub(crate) fn required_string(
        &self,
        key: &str,
        diags: &mut Diagnostics,
    ) -> Option<Located<String>> {
        if self.get(key).is_none() {
            self.missing(key, Need::Always, diags);
        }
        self.string(key, diags)
    }

    pub(crate) fn int(&self, key: &str, diags: &mut Diagnostics) -> Option<Located<i64>> {
        let value = self.get(key)?;
        match integer(value.get_ref()) {
            Some(i) => Some(Located::new(i, value.span())),
            None => {
                self.wrong_type(key, "an integer", value, diags);
                None
            }
        }
    }

    pub(crate) fn bool(&self, key: &str, diags: &mut Diagnostics) -> Option<Located<bool>> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Located::new(*b, value.span())),
            _ => {
                self.wrong_type(key, "a boolean", value, diags);
                None
            }
        }
    }

    /// An array of strings (each element located).
    pub(crate) fn strings(
        &self,
        key: &str,
        diags: &mut Diagnostics,
    ) -> Option<Vec<Located<String>>> {
        let value = self.get(key)?;
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, "an array of strings", value, diags);
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Located::new(s.to_string(), item.span())),
                _ => self.wrong_type(key, "an array of strings", item, diags),
            }
        }
        Some(out)
    }

    /// A sub-table (`[footer]`, inline `{ a = 1 }`), opened with its allowed keys.
    pub(crate) fn table(
        &self,
        key: &str,
        allowed: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<Table<'a, 's>> {
        let value = self.get(key)?;
        Table::open_value(value, format!("`{key}`"), allowed, self.source, diags)
    }

    /// The entries of a sub-table whose keys are free-form (e.g. `headings = { fix = "..." }`).
    pub(crate) fn string_map(
        &self,
        key: &str,
        diags: &mut Diagnostics,
    ) -> Vec<(Located<String>, Located<String>)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Table(t) = value.get_ref() else {
            self.wrong_type(key, "a table", value, diags);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in t.iter() {
            match v.get_ref() {
                DeValue::String(s) => out.push((
                    Located::new(k.get_ref().to_string(), k.span()),
                    Located::new(s.to_string(), v.span()),
                )),
                _ => self.wrong_type(k.get_ref(), "a string", v, diags),
            }
        }
        out
    }

    /// The entries of a sub-table whose keys are free-form and values of any type (e.g.
    /// `example = { param = "exp_month" }`), each key located.
    pub(crate) fn entries(
        &self,
        key: &str,
        diags: &mut Diagnostics,
    ) -> Vec<(Located<String>, &'a Spanned<DeValue<'s>>)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Table(t) = value.get_ref() else {
            self.wrong_type(key, "a table", value, diags);
            return Vec::new();
        };
        t.iter()
            .map(|(k, v)| (Located::new(k.get_ref().to_string(), k.span()), v))
            .collect()
    }

    /// The tables of an array of tables (`[[code]]`), each opened with its allowed keys.
    pub(crate) fn tables(
        &self,
        key: &str,
        name: &str,
        allowed: &[&str],
        diags: &mut Diagnostics,
    ) -> Vec<Table<'a, 's>> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, "an array of tables", value, diags);
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| Table::open_value(item, name, allowed, self.source, diags))
            .collect()
    }
}
