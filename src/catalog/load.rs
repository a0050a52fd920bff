//! Reading `catalog/errors.toml` into a [`Catalog`], validating as it goes.
//!
//! Every problem is recorded (syntax, unknown keys, missing fields, duplicates, ranges, unknown
//! categories, statuses, retry contradictions, invalid JSON examples) and loading carries on, so
//! one run reports them all. The catalog is returned only when nothing was wrong.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::DeValue;

use super::model::{
    Alias, Catalog, Category, Code, CodeKey, Column, Envelope, EnvelopeChoice, EnvelopeField,
    FieldSource, Removed, RetryPolicy, RetryRule, RetryTarget,
};
use crate::diagnostics::{Choice, Diagnostics, Location, Need, Problem, Source, did_you_mean};
use crate::tomlread::{self, Located, Table};

const ROOT_KEYS: &[&str] = &["envelope", "category", "code", "retry"];
const ENVELOPE_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "language",
    "http_status",
    "example",
    "note",
    "field",
];
const FIELD_KEYS: &[&str] = &["name", "type", "required", "description", "from"];
const CATEGORY_KEYS: &[&str] = &[
    "id",
    "title",
    "range",
    "description",
    "order",
    "namespace",
    "columns",
    "headings",
    "envelope",
];
const CODE_KEYS: &[&str] = &[
    "code",
    "category",
    "label",
    "message",
    "status",
    "fix",
    "meaning",
    "detail",
    "docs",
    "retry",
    "deprecated",
    "replaced_by",
    "anchor",
    "aliases",
    "removed",
];
const REMOVED_KEYS: &[&str] = &["since", "why", "replacement"];
const RETRY_KEYS: &[&str] = &["status", "code", "policy", "retryable", "how", "label"];

/// Validates a catalog read into `source`.
pub(crate) fn load(source: Source, diags: &mut Diagnostics) -> Option<Catalog> {
    if let Err(d) = source.check_toml_line_endings() {
        diags.push(d);
        return None;
    }
    let before = diags.len();
    let parts = read(&source, diags)?;
    if diags.len() > before {
        return None;
    }
    let mut by_anchor = HashMap::new();
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_alias = HashMap::new();
    let mut by_category = vec![Vec::new(); parts.categories.len()];
    let mut replaced: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, code) in parts.codes.iter().enumerate() {
        by_category[code.category].push(i);
        if let Some(r) = code.replaced_by {
            replaced.entry(r).or_default().push(i);
        }
        by_anchor.insert(code.anchor.clone(), i);
        by_key.entry(code.key.raw()).or_default().push(i);
        for alias in &code.aliases {
            if let Alias::Code { anchor, .. } = alias {
                by_alias.insert(anchor.clone(), i);
            }
        }
    }
    Some(Catalog {
        source,
        envelopes: parts.envelopes,
        categories: parts.categories,
        codes: parts.codes,
        retry: parts.retry,
        by_anchor,
        by_key,
        by_alias,
        by_category,
        replaced,
    })
}

struct Parts {
    envelopes: Vec<Envelope>,
    categories: Vec<Category>,
    codes: Vec<Code>,
    retry: Vec<RetryRule>,
}

fn read(source: &Source, diags: &mut Diagnostics) -> Option<Parts> {
    let doc = tomlread::parse(source, diags)?;
    let root = Table::open(
        doc.get_ref(),
        doc.span(),
        "the catalog",
        ROOT_KEYS,
        source,
        diags,
    );
    let mut ids = FirstSeen::default();
    let envelopes: Vec<Envelope> = root
        .tables("envelope", "[[envelope]]", ENVELOPE_KEYS, diags)
        .iter()
        .filter_map(|t| read_envelope(t, &mut ids, diags))
        .collect();
    let mut categories: Vec<Category> = root
        .tables("category", "[[category]]", CATEGORY_KEYS, diags)
        .iter()
        .enumerate()
        .filter_map(|(i, t)| read_category(t, i, &envelopes, &mut ids, diags))
        .collect();
    categories.sort_by_key(|c| c.order);

    let code_tables = root.tables("code", "[[code]]", CODE_KEYS, diags);
    let mut codes = Vec::new();
    let mut replaced_by = Vec::new();
    let mut seen_codes = FirstSeen::default();
    let mut seen_anchors = FirstSeen::default();
    for t in &code_tables {
        if let Some((code, replacement)) =
            read_code(t, &categories, &mut seen_codes, &mut seen_anchors, diags)
        {
            codes.push(code);
            replaced_by.push(replacement);
        }
    }
    let resolved: Vec<Option<usize>> = replaced_by
        .iter()
        .map(|r| {
            let r = r.as_ref()?;
            let found = find_code(&codes, &r.value);
            if found.is_none() {
                unknown_code(source, r, &codes, diags);
            }
            found
        })
        .collect();
    for (code, r) in codes.iter_mut().zip(resolved) {
        code.replaced_by = r;
    }

    let mut retry = Vec::new();
    let mut seen_targets = FirstSeen::default();
    for t in root.tables("retry", "[[retry]]", RETRY_KEYS, diags) {
        if let Some(rule) = read_retry(&t, &codes, &mut seen_targets, diags) {
            retry.push(rule);
        }
    }
    let parts = Parts {
        envelopes,
        categories,
        codes,
        retry,
    };
    check_retry_columns(source, &parts, diags);
    Some(parts)
}

/// A code by anchor, else by the code as written (for `replaced_by` and retry rules).
fn find_code(codes: &[Code], name: &str) -> Option<usize> {
    codes
        .iter()
        .position(|c| c.anchor == name)
        .or_else(|| codes.iter().position(|c| c.key.raw() == name))
}

/// Remembers where each name was first defined, to report duplicates with both places.
#[derive(Default)]
struct FirstSeen(HashMap<String, Location>);

impl FirstSeen {
    /// Records `key`; reports a duplicate `kind` named `shown` if it was seen before.
    /// Returns true if the key is new.
    fn insert(
        &mut self,
        kind: &'static str,
        key: &str,
        shown: &str,
        source: &Source,
        span: Range<usize>,
        diags: &mut Diagnostics,
    ) -> bool {
        let here = source.locate(span);
        match self.0.get(key) {
            Some(first) => {
                diags.push(crate::diagnostics::Diagnostic::at(
                    Problem::Duplicate {
                        kind,
                        name: shown.to_string(),
                        first: Box::new(first.clone()),
                    },
                    here,
                ));
                false
            }
            None => {
                self.0.insert(key.to_string(), here);
                true
            }
        }
    }
}

/// Ids of envelopes, categories and namespaces: lowercase letters, digits and `-`.
fn check_id(
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

fn status(t: &Table, key: &str, diags: &mut Diagnostics) -> Option<Located<u16>> {
    let value = t.int(key, diags)?;
    match crate::http_status::reason(value.value) {
        Some(_) => Some(Located::new(value.value as u16, value.span)),
        None => {
            diags.at(
                Problem::InvalidStatus {
                    status: value.value.to_string(),
                },
                t.source(),
                value.span,
            );
            None
        }
    }
}

fn policy(t: &Table, diags: &mut Diagnostics, key: &str) -> Option<Located<RetryPolicy>> {
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

fn check_contradiction(
    policy: &Located<RetryPolicy>,
    status: u16,
    source: &Source,
    diags: &mut Diagnostics,
) {
    if let Some(reason) = policy.value.contradiction(status) {
        diags.at(
            Problem::RetryContradiction {
                policy: policy.value.name().to_string(),
                status,
                reason,
            },
            source,
            policy.span.clone(),
        );
    }
}

fn read_envelope(t: &Table, ids: &mut FirstSeen, diags: &mut Diagnostics) -> Option<Envelope> {
    let source = t.source();
    let id = t.required_string("id", diags);
    let title = t.required_string("title", diags);
    let example = t.required_string("example", diags);
    let language = t
        .string("language", diags)
        .map_or_else(|| "json".to_string(), |l| l.value);
    let http_status = status(t, "http_status", diags).map(|s| s.value);
    let fields = t
        .tables("field", "[[envelope.field]]", FIELD_KEYS, diags)
        .iter()
        .filter_map(|f| {
            let name = f.required_string("name", diags)?;
            let from = f.string("from", diags).and_then(|from| {
                let found = FieldSource::from_name(&from.value);
                if found.is_none() {
                    let names = FieldSource::ALL.map(FieldSource::name);
                    diags.at(
                        Problem::UnknownChoice {
                            key: "from".into(),
                            value: from.value.clone(),
                            choice: Choice::FieldSource,
                            choices: names.to_vec(),
                            suggestion: did_you_mean(&from.value, names),
                        },
                        f.source(),
                        from.span.clone(),
                    );
                }
                found
            });
            Some(EnvelopeField {
                name: name.value,
                kind: f.string("type", diags).map(|k| k.value),
                required: f.bool("required", diags).is_none_or(|r| r.value),
                description: f.string("description", diags),
                from,
            })
        })
        .collect();
    let id = id?;
    if check_id("id", &id, source, diags) {
        ids.insert(
            "envelope id",
            &format!("envelope {}", id.value),
            &id.value,
            source,
            id.span.clone(),
            diags,
        );
    }
    let example = example?;
    if language == "json" {
        check_json_example(&id.value, &example, source, diags);
    }
    Some(Envelope {
        id: id.value,
        title: title?.value,
        description: t.string("description", diags),
        language,
        http_status,
        example: example.value,
        note: t.string("note", diags),
        fields,
    })
}

/// Reports invalid JSON in an example at the line and column inside the TOML file.
fn check_json_example(
    envelope: &str,
    example: &Located<String>,
    source: &Source,
    diags: &mut Diagnostics,
) {
    let Err(err) = serde_json::from_str::<serde_json::Value>(&example.value) else {
        return;
    };
    // Where the string's content starts: after `'''`/`"""` (and a newline right after it) or
    // after a single quote. Exact for literal strings, which examples nearly always are.
    let raw = &source.text[example.span.clone()];
    let mut start = example.span.start;
    if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        start += 3;
        let rest = &source.text[start..];
        if rest.starts_with("\r\n") {
            start += 2;
        } else if rest.starts_with('\n') {
            start += 1;
        }
    } else {
        start += 1;
    }
    let line_offset: usize = example
        .value
        .split_inclusive('\n')
        .take(err.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let line_text = example.value[line_offset..].lines().next().unwrap_or("");
    let col_offset: usize = line_text
        .chars()
        .take(err.column().saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    let at = (start + line_offset + col_offset).min(example.span.end);
    let message = err.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    diags.at(
        Problem::InvalidExample {
            envelope: envelope.to_string(),
            message,
        },
        source,
        at..at + 1,
    );
}

fn read_category(
    t: &Table,
    index: usize,
    envelopes: &[Envelope],
    ids: &mut FirstSeen,
    diags: &mut Diagnostics,
) -> Option<Category> {
    let source = t.source();
    let envelope = envelope_choice(t, envelopes, diags);
    let id = t.required_string("id", diags);
    let title = t.required_string("title", diags);
    let namespace = t.string("namespace", diags);
    if let Some(ns) = &namespace {
        check_id("namespace", ns, source, diags);
    }
    let range = t.string("range", diags);
    if let Some(r) = &range
        && r.value.trim().is_empty()
    {
        diags.at(Problem::EmptyValue { key: "range" }, source, r.span.clone());
    }
    let columns = read_columns(t, diags);
    let headings = t
        .string_map("headings", diags)
        .into_iter()
        .filter_map(|(key, heading)| Some((column_named(&key, source, diags)?, heading.value)))
        .collect();
    let id = id?;
    if check_id("id", &id, source, diags) {
        ids.insert(
            "category id",
            &id.value,
            &id.value,
            source,
            id.span.clone(),
            diags,
        );
    }
    Some(Category {
        id: id.value,
        title: title?.value,
        range: range.map(|r| r.value),
        description: t.string("description", diags),
        order: t.int("order", diags).map_or(index as i64, |o| o.value),
        namespace: namespace.map(|n| n.value),
        columns,
        headings,
        envelope,
    })
}

/// A category's `envelope`: unset (the first envelope), `false` (none), or an envelope's id.
fn envelope_choice(t: &Table, envelopes: &[Envelope], diags: &mut Diagnostics) -> EnvelopeChoice {
    match t.get("envelope").map(|v| v.get_ref()) {
        None => EnvelopeChoice::Default,
        Some(DeValue::Boolean(false)) => EnvelopeChoice::None,
        Some(_) => match t.string("envelope", diags) {
            None => EnvelopeChoice::Default,
            Some(e) => match envelopes.iter().position(|x| x.id == e.value) {
                Some(i) => EnvelopeChoice::Envelope(i),
                None => {
                    diags.at(
                        Problem::UnknownReference {
                            kind: "envelope",
                            name: e.value.clone(),
                            suggestion: did_you_mean(
                                &e.value,
                                envelopes.iter().map(|x| x.id.as_str()),
                            ),
                        },
                        t.source(),
                        e.span.clone(),
                    );
                    EnvelopeChoice::Default
                }
            },
        },
    }
}

/// A category's `columns`: known names, each once, at least one (default: the usual four).
fn read_columns(t: &Table, diags: &mut Diagnostics) -> Vec<Column> {
    let source = t.source();
    let Some(names) = t.strings("columns", diags) else {
        return Column::DEFAULT.to_vec();
    };
    let mut columns = Vec::new();
    for name in names {
        if let Some(column) = column_named(&name, source, diags) {
            if columns.contains(&column) {
                diags.at(
                    Problem::ListedTwice {
                        key: "columns",
                        value: name.value.clone(),
                    },
                    source,
                    name.span.clone(),
                );
            }
            columns.push(column);
        }
    }
    if columns.is_empty() {
        t.missing("columns", Need::SomeColumn, diags);
    }
    columns
}

fn column_named(
    name: &Located<String>,
    source: &Source,
    diags: &mut Diagnostics,
) -> Option<Column> {
    let column = Column::from_name(&name.value);
    if column.is_none() {
        diags.at(
            Problem::UnknownChoice {
                key: "columns".into(),
                value: name.value.clone(),
                choice: Choice::Column,
                choices: Column::names().collect(),
                suggestion: did_you_mean(&name.value, Column::names()),
            },
            source,
            name.span.clone(),
        );
    }
    column
}

/// Reads the `code` value: an integer, a `-32000..-32099` range, or a string.
fn code_key(t: &Table, diags: &mut Diagnostics) -> Option<Located<CodeKey>> {
    let Some(value) = t.get("code") else {
        t.missing("code", Need::Always, diags);
        return None;
    };
    let key = match value.get_ref() {
        DeValue::String(s) => {
            let s = s.trim();
            match parse_range(s) {
                Some((a, b)) => CodeKey::Range(a, b),
                None if !s.is_empty() => CodeKey::Text(s.to_string()),
                None => {
                    diags.at(
                        Problem::EmptyValue { key: "code" },
                        t.source(),
                        value.span(),
                    );
                    return None;
                }
            }
        }
        other => match tomlread::integer(other) {
            Some(i) => CodeKey::Int(i),
            None => {
                // Reuse the typed reader for the standard wrong-type message.
                t.string("code", diags);
                return None;
            }
        },
    };
    Some(Located::new(key, value.span()))
}

/// The `aliases` array: strings or integers, each located.
fn read_aliases(t: &Table, diags: &mut Diagnostics) -> Vec<Located<String>> {
    let Some(value) = t.get("aliases") else {
        return Vec::new();
    };
    let DeValue::Array(items) = value.get_ref() else {
        t.strings("aliases", diags);
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push(Located::new(s.to_string(), item.span())),
            other => match tomlread::integer(other) {
                Some(i) => out.push(Located::new(i.to_string(), item.span())),
                None => diags.at(
                    Problem::WrongType {
                        key: "aliases".into(),
                        expected: "an array of codes (strings or integers) and site paths",
                        found: "another type",
                    },
                    t.source(),
                    item.span(),
                ),
            },
        }
    }
    out
}

fn parse_range(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.split_once("..")?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// `PG-1xxx` matches `PG-1003`: same length, a lowercase `x` matches one ASCII digit, every
/// other character itself.
fn matches_range(pattern: &str, code: &str) -> bool {
    pattern.chars().count() == code.chars().count()
        && pattern.chars().zip(code.chars()).all(
            |(p, c)| {
                if p == 'x' { c.is_ascii_digit() } else { p == c }
            },
        )
}

// Long: every key of a [[code]] table is read here, in one place, so the table's schema reads
// top to bottom; the checks are in the helpers below.
fn read_code(
    t: &Table,
    categories: &[Category],
    seen_codes: &mut FirstSeen,
    seen_anchors: &mut FirstSeen,
    diags: &mut Diagnostics,
) -> Option<(Code, Option<Located<String>>)> {
    let source = t.source();
    let key = code_key(t, diags);
    let category_name = t.required_string("category", diags);
    let label = t.string("label", diags).map(|l| l.value);
    let message = t.string("message", diags).map(|m| m.value);
    let status = status(t, "status", diags);
    let fix = t.string("fix", diags);
    let meaning = t.string("meaning", diags);
    let detail = t.string("detail", diags);
    let docs = t.string("docs", diags);
    let retry = policy(t, diags, "retry");
    let deprecated = t.bool("deprecated", diags).is_some_and(|d| d.value);
    let replaced_by = code_name(t, "replaced_by", diags);
    let explicit_anchor = t.string("anchor", diags);
    let alias_values = read_aliases(t, diags);
    let (removed, replacement) = read_removed(t, replaced_by.as_ref(), diags);
    let replaced_by = replaced_by.or(replacement);
    let category = category_name
        .as_ref()
        .and_then(|name| category_named(name, categories, source, diags));
    let key = key?;
    if let (Some(status), Some(retry)) = (&status, &retry) {
        check_contradiction(retry, status.value, source, diags);
    }
    let category_index = category?;
    let cat = &categories[category_index];
    check_in_range(cat, &key, source, diags);
    check_columns_present(t, cat, &key, diags);

    let namespace = cat.namespace.as_deref();
    if !check_visible(&key, source, diags) {
        return None;
    }
    // Codes that differ only by case or by Unicode normalization are one code to a reader,
    // and their pages one file on case-insensitive file systems.
    let unique = format!(
        "{}\u{0}{}",
        namespace.unwrap_or(""),
        folded(&key.value.raw())
    );
    let kind = match namespace {
        Some(_) => "code in this namespace",
        None => "code",
    };
    if !seen_codes.insert(
        kind,
        &unique,
        &key.value.raw(),
        source,
        key.span.clone(),
        diags,
    ) {
        return None;
    }
    let anchor = code_anchor(
        &key,
        explicit_anchor.as_ref(),
        namespace,
        categories,
        seen_anchors,
        source,
        diags,
    )?;
    let aliases = code_aliases(alias_values, namespace, seen_anchors, source, diags);
    Some((
        Code {
            key: key.value,
            anchor,
            category: category_index,
            label,
            message,
            status: status.map(|s| s.value),
            fix,
            meaning,
            detail,
            docs,
            retry: retry.map(|r| r.value),
            deprecated,
            replaced_by: None,
            removed,
            aliases,
            span: key.span,
        },
        replaced_by,
    ))
}

/// A code's comparison key: NFC-normalized and lowercased.
fn folded(code: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    code.nfc().collect::<String>().to_lowercase()
}

/// Zero-width and bidirectional-control characters: invisible, they make codes that look the
/// same but are not.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    ) || c.is_control()
}

/// Refuses a code holding an invisible character; returns whether it is visible.
fn check_visible(key: &Located<CodeKey>, source: &Source, diags: &mut Diagnostics) -> bool {
    let raw = key.value.raw();
    match raw.chars().find(|&c| invisible(c)) {
        Some(c) => {
            diags.at(
                Problem::InvisibleCharacter {
                    code: raw.escape_debug().to_string(),
                    character: format!("U+{:04X}", u32::from(c)),
                },
                source,
                key.span.clone(),
            );
            false
        }
        None => true,
    }
}

/// An old URL is a clean site path: `/`-separated segments of printable characters, none empty
/// (but the last), `.` or `..`, and no `#`, `?`, `%`, `\\`, spaces or control characters.
fn is_clean_site_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    !rest.is_empty()
        && segments
            .iter()
            .enumerate()
            .all(|(i, seg)| (i == last || !seg.is_empty()) && *seg != "." && *seg != "..")
        && !path.contains(|c: char| {
            c.is_whitespace() || c.is_control() || matches!(c, '#' | '?' | '%' | '\\')
        })
}

/// A reference to a code (`replaced_by`, a retry rule's `code`): a string or an integer.
fn code_name(t: &Table, key: &str, diags: &mut Diagnostics) -> Option<Located<String>> {
    let v = t.get(key)?;
    match tomlread::integer(v.get_ref()) {
        Some(i) => Some(Located::new(i.to_string(), v.span())),
        None => t.string(key, diags),
    }
}

/// `removed = { since, why, replacement }`: the tombstone and its replacement, if any.
fn read_removed(
    t: &Table,
    replaced_by: Option<&Located<String>>,
    diags: &mut Diagnostics,
) -> (Option<Removed>, Option<Located<String>>) {
    let Some(r) = t.table("removed", REMOVED_KEYS, diags) else {
        return (None, None);
    };
    let replacement = r.string("replacement", diags);
    if let (Some(rep), Some(_)) = (&replacement, replaced_by) {
        diags.at(
            Problem::ConflictingKeys {
                key: "replacement",
                value: rep.value.clone(),
                other: "replaced_by",
            },
            t.source(),
            rep.span.clone(),
        );
    }
    let removed = Removed {
        since: r.string("since", diags).map(|s| s.value),
        why: r.string("why", diags),
    };
    (Some(removed), replacement)
}

fn category_named(
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

/// A code must match its category's `range`.
fn check_in_range(
    cat: &Category,
    key: &Located<CodeKey>,
    source: &Source,
    diags: &mut Diagnostics,
) {
    let Some(range) = &cat.range else {
        return;
    };
    let inside = match &key.value {
        CodeKey::Range(a, b) => {
            matches_range(range, &a.to_string()) && matches_range(range, &b.to_string())
        }
        other => matches_range(range, &other.raw()),
    };
    if !inside {
        diags.at(
            Problem::CodeOutsideRange {
                code: key.value.to_string(),
                category: cat.id.clone(),
                range: range.clone(),
            },
            source,
            key.span.clone(),
        );
    }
}

/// Every column its category shows is a required field of a code.
fn check_columns_present(
    t: &Table,
    cat: &Category,
    key: &Located<CodeKey>,
    diags: &mut Diagnostics,
) {
    // A field that is present but invalid was reported already; only absent ones count here.
    let present = |column: Column| {
        matches!(column, Column::Code | Column::Retry)
            || t.get(column.name()).is_some()
            || t.misspells(column.name())
    };
    for column in cat.columns.iter().copied().filter(|c| !present(*c)) {
        diags.at(
            Problem::MissingField {
                field: column.name().to_string(),
                table: format!("code `{}`", key.value),
                need: Need::ShownColumn {
                    category: cat.id.clone(),
                },
            },
            t.source(),
            key.span.clone(),
        );
    }
}

/// The anchor of a code (explicit, else derived), checked to be usable and unique.
fn code_anchor(
    key: &Located<CodeKey>,
    explicit: Option<&Located<String>>,
    namespace: Option<&str>,
    categories: &[Category],
    seen_anchors: &mut FirstSeen,
    source: &Source,
    diags: &mut Diagnostics,
) -> Option<String> {
    let anchor = match explicit {
        Some(a) if super::model::anchor_is_safe(&a.value) => a.value.clone(),
        Some(a) => {
            diags.at(
                Problem::InvalidAnchor {
                    value: a.value.clone(),
                },
                source,
                a.span.clone(),
            );
            return None;
        }
        None => match key.value.anchor(namespace) {
            Some(a) => a,
            None => {
                diags.at(
                    Problem::NoAnchor {
                        code: key.value.to_string(),
                    },
                    source,
                    key.span.clone(),
                );
                return None;
            }
        },
    };
    let span = explicit.map_or(key.span.clone(), |a| a.span.clone());
    if categories.iter().any(|c| c.id == anchor) {
        diags.at(
            Problem::AnchorIsCategory {
                code: key.value.to_string(),
                anchor: anchor.clone(),
            },
            source,
            span.clone(),
        );
    }
    // Compared without case: per-code pages are files, named by their anchors.
    seen_anchors
        .insert(
            "anchor",
            &anchor.to_lowercase(),
            &anchor,
            source,
            span,
            diags,
        )
        .then_some(anchor)
}

/// A code's `aliases`: old codes (their anchors must stay unique) and old URLs.
fn code_aliases(
    values: Vec<Located<String>>,
    namespace: Option<&str>,
    seen_anchors: &mut FirstSeen,
    source: &Source,
    diags: &mut Diagnostics,
) -> Vec<Alias> {
    let mut aliases = Vec::new();
    for alias in values {
        let value = alias.value.trim();
        let span = alias.span.clone();
        if value.starts_with('/') {
            if !is_clean_site_path(value) {
                diags.at(
                    Problem::InvalidAliasUrl {
                        value: value.to_string(),
                    },
                    source,
                    span,
                );
                continue;
            }
            let key = format!("url {value}");
            if seen_anchors.insert("alias", &key, value, source, span.clone(), diags) {
                aliases.push(Alias::Url {
                    url: value.to_string(),
                    span,
                });
            }
            continue;
        }
        let Some(old_anchor) = CodeKey::Text(value.to_string()).anchor(namespace) else {
            continue;
        };
        let key = old_anchor.to_lowercase();
        if seen_anchors.insert("anchor", &key, &old_anchor, source, span.clone(), diags) {
            aliases.push(Alias::Code {
                code: value.to_string(),
                anchor: old_anchor,
                span,
            });
        }
    }
    aliases
}

fn unknown_code(source: &Source, name: &Located<String>, codes: &[Code], diags: &mut Diagnostics) {
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

fn read_retry(
    t: &Table,
    codes: &[Code],
    seen: &mut FirstSeen,
    diags: &mut Diagnostics,
) -> Option<RetryRule> {
    let source = t.source();
    let policy_value = policy(t, diags, "policy");
    if t.get("policy").is_none() {
        let choices = RetryPolicy::ALL.map(RetryPolicy::name).to_vec();
        t.missing("policy", Need::Policy { choices }, diags);
    }
    let code_name = code_name(t, "code", diags);
    let status_value = status(t, "status", diags);
    let (target, target_span, status_of_target) = match (&status_value, &code_name) {
        (Some(s), None) => (RetryTarget::Status(s.value), s.span.clone(), Some(s.value)),
        (None, Some(name)) => {
            let Some(i) = find_code(codes, &name.value) else {
                unknown_code(source, name, codes, diags);
                return None;
            };
            (RetryTarget::Code(i), name.span.clone(), codes[i].status)
        }
        (Some(_), Some(name)) => {
            diags.at(
                Problem::ConflictingKeys {
                    key: "code",
                    value: name.value.clone(),
                    other: "status",
                },
                source,
                name.span.clone(),
            );
            return None;
        }
        (None, None) => {
            if t.get("status").is_none() {
                t.missing("status", Need::RetryTarget, diags);
            }
            return None;
        }
    };
    let policy_value = policy_value?;
    if let Some(status) = status_of_target {
        check_contradiction(&policy_value, status, source, diags);
    }
    let target_name = match &target {
        RetryTarget::Status(s) => format!("status {s}"),
        RetryTarget::Code(i) => format!("code {}", codes[*i].key.raw()),
    };
    seen.insert(
        "retry rule for",
        &target_name,
        &target_name,
        source,
        target_span,
        diags,
    );
    Some(RetryRule {
        target,
        policy: policy_value.value,
        retryable: t.string("retryable", diags).map(|r| r.value),
        how: t.string("how", diags),
        label: t.string("label", diags).map(|l| l.value),
    })
}

/// A `retry` column needs a policy for each of its codes (own, per-code rule, or its status').
fn check_retry_columns(source: &Source, parts: &Parts, diags: &mut Diagnostics) {
    for (i, code) in parts.codes.iter().enumerate() {
        let category = &parts.categories[code.category];
        if !category.columns.contains(&Column::Retry) || code.retry.is_some() {
            continue;
        }
        let has_rule = parts.retry.iter().any(|r| match r.target {
            RetryTarget::Code(c) => c == i,
            RetryTarget::Status(s) => Some(s) == code.status,
        });
        if !has_rule {
            diags.at(
                Problem::MissingField {
                    field: "retry".into(),
                    table: format!("code `{}`", code.key),
                    need: Need::RetryColumn {
                        category: category.id.clone(),
                    },
                },
                source,
                code.span.clone(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_patterns() {
        assert!(matches_range("PG-1xxx", "PG-1003"));
        assert!(!matches_range("PG-1xxx", "PG-2003"));
        assert!(!matches_range("PG-1xxx", "PG-10030"));
        assert!(matches_range("-32xxx", "-32602"));
        assert!(
            matches_range("EX-1xxx", "EX-1001"),
            "only a lowercase x is a wildcard"
        );
    }
}
