//! Reading TOML with spans: strict tables that report every mistake at once.
//!
//! The config, the catalog and page front matter are all read through [`Table`], which knows
//! the keys a table may hold, reports unknown ones with a did-you-mean, and hands out typed
//! values with their byte spans ([`Located`]) so later checks can point at them.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

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

/// Documents shorter than this are parsed whole ([`parse_split`]).
const SPLIT_MIN_BYTES: usize = 256 * 1024;
/// About how much text each part of a split document holds.
const PART_BYTES: usize = 64 * 1024;
/// How deep a split part's values may nest (deeper: the document is parsed whole).
const SPLIT_MAX_DEPTH: usize = 64;

/// [`parse`] for a large document made of many `[[NAME]]` tables (the catalog's `[[code]]`):
/// the text is cut at lines that start with the header `[[NAME]]`, the parts are parsed on
/// every core, their spans moved to where each part starts, and the tables put back together
/// as the whole document would have given them. Whenever that may differ from parsing the
/// whole text (a part fails to parse, as one cut inside a multi-line string does; a key other
/// than `NAME` is in two parts; `NAME` is in the text before the first cut; values nest
/// deeper than [`SPLIT_MAX_DEPTH`]), the whole text is parsed instead, so the result and the
/// problems reported are always those of [`parse`].
pub(crate) fn parse_split<'s>(
    source: &'s Source,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<Spanned<DeTable<'s>>> {
    parse_split_with(source, name, SPLIT_MIN_BYTES, PART_BYTES, diags)
}

fn parse_split_with<'s>(
    source: &'s Source,
    name: &str,
    min_bytes: usize,
    part_bytes: usize,
    diags: &mut Diagnostics,
) -> Option<Spanned<DeTable<'s>>> {
    match parse_parts(&source.text, name, min_bytes, part_bytes) {
        // The whole document's span, as toml gives it (an empty one).
        Some(table) => Some(Spanned::new(0..0, table)),
        None => parse(source, diags),
    }
}

/// The split parse of [`parse_split`]; `None` when the text must be parsed whole.
fn parse_parts<'s>(
    text: &'s str,
    name: &str,
    min_bytes: usize,
    part_bytes: usize,
) -> Option<DeTable<'s>> {
    use rayon::prelude::*;
    if text.len() < min_bytes {
        return None;
    }
    let header = format!("[[{name}]]");
    let starts = part_starts(text, &header, part_bytes);
    if starts.len() < 2 {
        return None;
    }
    let parts: Vec<Option<DeTable<'s>>> = starts
        .par_iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            parse_part(text, start..end)
        })
        .collect();
    let first_is_header = text
        .lines()
        .next()
        .is_some_and(|l| is_header_line(l, &header));
    join_parts(parts, name, first_is_header)
}

/// The part `range` of `text` parsed alone, its spans moved to where it starts in `text`;
/// `None` when it does not parse (or nests deeper than a split part may).
pub(crate) fn parse_part(text: &str, range: Range<usize>) -> Option<DeTable<'_>> {
    let start = range.start;
    let (table, errors) = DeTable::parse_recoverable(text.get(range)?);
    if !errors.is_empty() {
        return None;
    }
    shift_table(table.into_inner(), start, 0)
}

/// Where the parts of a split document start: 0, the first line that is `header` (the text
/// before it is a part of its own), then the first such line after every `part_bytes` of text.
fn part_starts(text: &str, header: &str, part_bytes: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let (mut at, mut first) = (0, true);
    for line in text.split_inclusive('\n') {
        if is_header_line(line, header) {
            let last = starts.last().copied().unwrap_or(0);
            if at > 0 && (first || at - last >= part_bytes) {
                starts.push(at);
            }
            first = false;
        }
        at += line.len();
    }
    starts
}

/// A line that is the header `header`, maybe followed by blanks and a comment.
fn is_header_line(line: &str, header: &str) -> bool {
    line.strip_prefix(header).is_some_and(|rest| {
        let rest = rest.trim_start_matches([' ', '\t']);
        rest.is_empty() || rest.starts_with('#') || rest.starts_with('\n') || rest == "\r\n"
    })
}

/// The tables of the parts as one: the arrays `name` appended in order, every other key
/// taken from the one part that has it. `None` when a part failed or the parts overlap. The
/// first part may hold `name` only as tables after a header on its first line (else it
/// could be an inline array, which a later header would conflict with).
fn join_parts<'s>(
    parts: Vec<Option<DeTable<'s>>>,
    name: &str,
    first_is_header: bool,
) -> Option<DeTable<'s>> {
    let mut parts = parts.into_iter();
    let mut root = parts.next()??;
    if root.contains_key(name) && !first_is_header {
        return None;
    }
    for part in parts {
        for (key, value) in part? {
            let span = value.span();
            if key.get_ref() != name {
                if root.contains_key(key.get_ref().as_ref()) {
                    return None;
                }
                root.insert(key, value);
                continue;
            }
            let DeValue::Array(items) = value.into_inner() else {
                return None;
            };
            match root.get_mut(name).map(Spanned::get_mut) {
                Some(DeValue::Array(all)) => items.into_iter().for_each(|item| all.push(item)),
                Some(_) => return None,
                None => {
                    let mut all = DeArray::new();
                    items.into_iter().for_each(|item| all.push(item));
                    root.insert(key, Spanned::new(span, DeValue::Array(all)));
                }
            }
        }
    }
    Some(root)
}

/// `table` with every span moved `by` bytes on; `None` when its values nest deeper than
/// [`SPLIT_MAX_DEPTH`].
fn shift_table(table: DeTable<'_>, by: usize, depth: usize) -> Option<DeTable<'_>> {
    if depth > SPLIT_MAX_DEPTH {
        return None;
    }
    let mut out = DeTable::with_capacity(table.len());
    for (key, value) in table {
        let span = key.span();
        let key = Spanned::new(span.start + by..span.end + by, key.into_inner());
        out.insert(key, shift_value(value, by, depth + 1)?);
    }
    Some(out)
}

fn shift_value(
    value: Spanned<DeValue<'_>>,
    by: usize,
    depth: usize,
) -> Option<Spanned<DeValue<'_>>> {
    if depth > SPLIT_MAX_DEPTH {
        return None;
    }
    let span = value.span();
    let value = match value.into_inner() {
        DeValue::Array(items) => {
            let mut out = DeArray::new();
            for item in items {
                out.push(shift_value(item, by, depth + 1)?);
            }
            DeValue::Array(out)
        }
        DeValue::Table(table) => DeValue::Table(shift_table(table, by, depth + 1)?),
        other => other,
    };
    Some(Spanned::new(span.start + by..span.end + by, value))
}

/// The array of tables `key` taken out of `doc` (so its items can be read, and their trees
/// dropped, a run at a time); a value of another type is reported as [`Table::tables`]
/// reports it, and gives none.
pub(crate) fn take_tables<'s>(
    doc: &mut DeTable<'s>,
    key: &str,
    source: &Source,
    diags: &mut Diagnostics,
) -> Vec<Spanned<DeValue<'s>>> {
    let Some(value) = doc.remove(key) else {
        return Vec::new();
    };
    let span = value.span();
    match value.into_inner() {
        DeValue::Array(items) => items.into_iter().collect(),
        other => {
            diags.at(
                Problem::WrongType {
                    key: key.to_string(),
                    expected: ARRAY_OF_TABLES,
                    found: type_name(&other),
                },
                source,
                span,
            );
            Vec::new()
        }
    }
}

/// What [`Table::tables`] expects.
const ARRAY_OF_TABLES: &str = "an array of tables";

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
            self.wrong_type(key, ARRAY_OF_TABLES, value, diags);
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| Table::open_value(item, name, allowed, self.source, diags))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::path::Path;

    use super::{DeTable, DeValue, Spanned, parse, parse_split_with};
    use crate::diagnostics::{Diagnostics, Source};

    /// The parsed document with every key, value and span, to compare two parses.
    fn dump(value: &Spanned<DeValue<'_>>, out: &mut String) {
        let span = value.span();
        match value.get_ref() {
            DeValue::Table(t) => dump_table(t, out),
            DeValue::Array(items) => {
                out.push('[');
                for item in items {
                    dump(item, out);
                    out.push(',');
                }
                out.push(']');
            }
            other => {
                let _ = write!(out, "{other:?}");
            }
        }
        let _ = write!(out, "@{span:?}");
    }

    fn dump_table(table: &DeTable<'_>, out: &mut String) {
        out.push('{');
        for (key, value) in table {
            let _ = write!(out, "{:?}@{:?}=", key.get_ref(), key.span());
            dump(value, out);
            out.push(';');
        }
        out.push('}');
    }

    /// Parses `text` whole and split at every `[[code]]` header (parts of any size), and
    /// requires the same document, spans and problems.
    fn same_both_ways(text: &str) {
        let source = Source::new(
            Path::new("catalog/errors.toml").to_path_buf(),
            text.to_string(),
        );
        let mut whole_diags = Diagnostics::default();
        let whole = parse(&source, &mut whole_diags);
        let whole_diags = format!("{:?}", whole_diags.into_sorted());
        for part_bytes in [1, 100, 1000] {
            let mut split_diags = Diagnostics::default();
            let split = parse_split_with(&source, "code", 0, part_bytes, &mut split_diags);
            let show = |doc: &Option<Spanned<DeTable<'_>>>| {
                doc.as_ref().map(|d| {
                    let mut out = format!("@{:?}", d.span());
                    dump_table(d.get_ref(), &mut out);
                    out
                })
            };
            assert_eq!(show(&whole), show(&split), "{text}");
            assert_eq!(
                whole_diags,
                format!("{:?}", split_diags.into_sorted()),
                "{text}"
            );
        }
    }

    /// Every catalog of the repository (real APIs' references among them) reads the same
    /// split as whole.
    #[test]
    fn a_split_catalog_parses_as_the_whole_one() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut catalogs, mut cut) = (0, 0);
        for entry in walkdir::WalkDir::new(root)
            .into_iter()
            .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | ".git")))
            .filter_map(Result::ok)
            .filter(|e| e.path().parent().is_some_and(|p| p.ends_with("catalog")))
            .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                same_both_ways(&text);
                catalogs += 1;
                cut += usize::from(super::parse_parts(&text, "code", 0, 1).is_some());
            }
        }
        assert!(catalogs >= 8, "found {catalogs} catalogs");
        assert!(cut >= 8, "only {cut} of {catalogs} catalogs were cut");
    }

    /// What a cut at a header may meet: sub-tables of a code, other tables between and after
    /// the codes, comments after a header, a header inside a multi-line string, an inline
    /// `code` array before the first header, broken TOML in one part, CRLF line ends.
    #[test]
    fn every_kind_of_cut_parses_as_the_whole_document() {
        let code = |i: usize| {
            format!(
                "[[code]]\ncode = \"E{i}\"\nmessage = \"m{i}\"\n[code.example]\na = {i}\n[[code.x]]\ny = [1, 2]\n\n"
            )
        };
        let codes = |r: std::ops::Range<usize>| r.map(code).collect::<String>();
        let prelude = "title = \"T\"\n[[category]]\nid = \"a\"\n\n";
        let cases = [
            format!("{prelude}{}", codes(0..20)),
            format!(
                "{prelude}{}[[retry]]\nstatus = 429\n\n{}",
                codes(0..5),
                codes(5..9)
            ),
            format!(
                "{prelude}{}[[retry]]\nstatus = 429\n[[retry]]\nstatus = 503\n",
                codes(0..9)
            ),
            format!(
                "{prelude}{}[[code]] # the last one\ncode = \"L\"\n",
                codes(0..4)
            ),
            format!(
                "{prelude}{}[[code]]\ncode = \"S\"\nfix = '''\n[[code]]\nstill text\n'''\n{}",
                codes(0..3),
                codes(3..6)
            ),
            format!(
                "{prelude}{}[[code]]\ncode = \"S\"\nfix = \"\"\"\n[[code]]\n\"\"\"\n{}",
                codes(0..3),
                codes(3..6)
            ),
            format!("code = [{{ code = \"X\" }}]\n{}", codes(0..4)),
            format!(
                "{prelude}{}[[code]]\ncode = = 1\n{}",
                codes(0..3),
                codes(3..6)
            ),
            format!(
                "{prelude}{}[retry]\na = 1\n{}[retry]\nb = 2\n",
                codes(0..3),
                codes(3..6)
            ),
            format!("{prelude}{}", codes(0..6)).replace('\n', "\r\n"),
            format!("{}{prelude}", codes(0..6)),
            String::new(),
            "[[code]]\n".to_string(),
        ];
        for case in &cases {
            same_both_ways(case);
        }
        // The cases that are cut (the others are parsed whole, as they must be).
        let cut: Vec<bool> = cases
            .iter()
            .map(|c| super::parse_parts(c, "code", 0, 1).is_some())
            .collect();
        assert_eq!(
            cut,
            [
                true, true, true, true, false, false, false, false, false, true, true, false, false
            ]
        );
    }

    /// A document made of many `[[code]]` tables is cut into parts of about the size asked.
    #[test]
    fn parts_start_at_headers_every_so_many_bytes() {
        let text: String = (0..100)
            .map(|i| format!("[[code]]\ncode = \"E{i:03}\"\n"))
            .collect();
        let starts = super::part_starts(&text, "[[code]]", 100);
        assert!(starts.len() > 10 && starts.len() < 30, "{starts:?}");
        assert!(
            starts[1..]
                .iter()
                .all(|&s| text[s..].starts_with("[[code]]\n")),
            "{starts:?}"
        );
    }
}
