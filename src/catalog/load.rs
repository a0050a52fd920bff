//! Reading `catalog/errors.toml` into a [`Catalog`], validating as it goes.
//!
//! Every problem is recorded (syntax, unknown keys, missing fields, duplicates, ranges, unknown
//! categories, statuses, retry contradictions, invalid JSON examples) and loading carries on, so
//! one run reports them all. The catalog is returned only when nothing was wrong. The parts of
//! the format with rules of their own are read by sibling modules: declared fields
//! ([`super::fields`]), envelope values ([`super::values`]), the lifecycle
//! ([`super::lifecycle`]), statuses and retry ([`super::retry`]).

use std::collections::HashMap;
use toml::Spanned;
use toml::de::DeValue;

use super::common::{
    CodeIndex, FirstSeen, category_named, check_id, code_name, policy, status, unknown_code,
};
use super::fields::{FIELD_DEF_KEYS, is_url_or_site_path, read_field_def, read_field_values};
use super::lifecycle;
use super::model::{
    Alias, Catalog, Category, Code, CodeKey, Column, Envelope, EnvelopeChoice, EnvelopeField,
    FieldDef, FieldSource, RetryRule, RetryTarget, StatusDef, Versioning,
};
use super::retry::{
    RETRY_KEYS, STATUS_KEYS, check_inherited, check_policy, read_override, read_retry,
    read_status_def, read_statuses,
};
use super::values::{check_category, read_sources, read_values};
use crate::diagnostics::{Choice, Diagnostics, Need, Problem, Source, did_you_mean};
use crate::tomlread::{self, Located, Table};

pub(super) const ROOT_KEYS: &[&str] = &["envelope", "category", "code", "retry", "field", "status"];
const ENVELOPE_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "language",
    "http_status",
    "example",
    "note",
    "field",
    "kind",
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
    "values",
    "from",
    "page_path",
];
pub(super) const CODE_KEYS: &[&str] = &[
    "code",
    "name",
    "category",
    "also_in",
    "parent",
    "label",
    "message",
    "status",
    "fix",
    "meaning",
    "detail",
    "docs",
    "retry",
    "retry_how",
    "retry_override",
    "since",
    "deprecated",
    "replaced_by",
    "anchor",
    "aliases",
    "removed",
    "example",
];

/// Validates a catalog read into `source`; dates and versions follow `versioning`. A catalog
/// with problems gives its source back (its text, to read what it can of it).
pub(crate) fn load(
    source: Source,
    versioning: Versioning,
    diags: &mut Diagnostics,
) -> Result<Catalog, Source> {
    if let Err(d) = source.check_toml_line_endings() {
        diags.push(d);
        return Err(source);
    }
    let before = diags.len();
    let Some(parts) = read(&source, versioning, diags) else {
        return Err(source);
    };
    if diags.len() > before {
        return Err(source);
    }
    let mut by_anchor = HashMap::new();
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_alias = HashMap::new();
    let mut by_category = vec![Vec::new(); parts.categories.len()];
    let mut listed = vec![Vec::new(); parts.categories.len()];
    let mut replaced: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, code) in parts.codes.iter().enumerate() {
        by_category[code.category].push(i);
        listed[code.category].push(i);
        for &c in &code.also_in {
            listed[c].push(i);
        }
        if let Some(r) = code.replaced_by {
            replaced.entry(r).or_default().push(i);
        }
        if let Some(p) = code.parent {
            children.entry(p).or_default().push(i);
        }
        by_anchor.insert(code.anchor.clone(), i);
        by_key.entry(code.key.raw()).or_default().push(i);
        for alias in &code.aliases {
            if let Alias::Code { anchor, .. } = alias {
                by_alias.insert(anchor.clone(), i);
            }
        }
    }
    Ok(Catalog {
        source,
        fields: parts.fields,
        statuses: parts.statuses,
        envelopes: parts.envelopes,
        categories: parts.categories,
        codes: parts.codes,
        retry: parts.retry,
        by_anchor,
        by_key,
        by_alias,
        by_category,
        listed,
        replaced,
        children,
    })
}

struct Parts {
    fields: Vec<FieldDef>,
    statuses: Vec<StatusDef>,
    envelopes: Vec<Envelope>,
    categories: Vec<Category>,
    codes: Vec<Code>,
    retry: Vec<RetryRule>,
}

/// What a `[[code]]` table refers to that is checked once every code is read.
pub(super) struct Pending {
    pub(super) replaced_by: Option<Located<String>>,
    pub(super) parent: Option<Located<String>>,
    pub(super) statuses: Vec<Located<u16>>,
    /// `retry_override`, when the code has no `retry` of its own.
    pub(super) inherited_override: Option<Located<String>>,
}

/// The codes and anchors read so far.
#[derive(Default)]
pub(super) struct Seen {
    pub(super) codes: FirstSeen,
    pub(super) anchors: FirstSeen,
}

/// What reading a code needs to know of the rest of the catalog.
pub(super) struct Context<'a> {
    pub(super) source: &'a Source,
    pub(super) categories: &'a [Category],
    pub(super) envelopes: &'a [Envelope],
    pub(super) fields: &'a [FieldDef],
    /// The statuses `[[status]]` declares.
    pub(super) declared: &'a [u16],
    pub(super) versioning: Versioning,
}

fn read(source: &Source, versioning: Versioning, diags: &mut Diagnostics) -> Option<Parts> {
    // The `[[code]]` tables are most of a catalog: parsed a run of them at a time on every core.
    let mut doc = tomlread::parse_split(source, "code", diags)?;
    // Their trees are most of the document's (100,000 codes: about 140 MB, more than the codes
    // read from them): taken out, to be dropped a run at a time as the codes are read.
    let code_items = tomlread::take_tables(doc.get_mut(), "code", source, diags);
    let root = Table::open(
        doc.get_ref(),
        doc.span(),
        "the catalog",
        ROOT_KEYS,
        source,
        diags,
    );
    let mut seen_fields = FirstSeen::default();
    let fields: Vec<FieldDef> = root
        .tables("field", "[[field]]", FIELD_DEF_KEYS, diags)
        .iter()
        .filter_map(|t| read_field_def(t, CODE_KEYS, &mut seen_fields, diags))
        .collect();
    let mut seen_statuses = FirstSeen::default();
    let statuses: Vec<StatusDef> = root
        .tables("status", "[[status]]", STATUS_KEYS, diags)
        .iter()
        .filter_map(|t| read_status_def(t, &mut seen_statuses, diags))
        .collect();
    let declared: Vec<u16> = statuses.iter().map(|s| s.status).collect();
    let mut ids = FirstSeen::default();
    let envelopes: Vec<Envelope> = root
        .tables("envelope", "[[envelope]]", ENVELOPE_KEYS, diags)
        .iter()
        .filter_map(|t| read_envelope(t, &declared, &mut ids, diags))
        .collect();
    let mut categories: Vec<Category> = root
        .tables("category", "[[category]]", CATEGORY_KEYS, diags)
        .iter()
        .enumerate()
        .filter_map(|(i, t)| read_category(t, i, &envelopes, &fields, &mut ids, diags))
        .collect();
    categories.sort_by_key(|c| c.order);

    let mut code_keys: Vec<&str> = CODE_KEYS.to_vec();
    code_keys.extend(fields.iter().map(|f| f.name.as_str()));
    let context = Context {
        source,
        categories: &categories,
        envelopes: &envelopes,
        fields: &fields,
        declared: &declared,
        versioning,
    };
    let (mut codes, pending) = read_codes(code_items, &code_keys, &context, diags);
    let index = CodeIndex::new(&codes);
    resolve_references(source, &mut codes, &index, &pending, diags);

    let mut retry = Vec::new();
    let mut seen_targets = FirstSeen::default();
    for t in root.tables("retry", "[[retry]]", RETRY_KEYS, diags) {
        if let Some(rule) = read_retry(&t, &codes, &index, &declared, &mut seen_targets, diags) {
            retry.push(rule);
        }
    }
    let parts = Parts {
        fields,
        statuses,
        envelopes,
        categories,
        codes,
        retry,
    };
    check_retry_columns(source, &parts, diags);
    check_inherited_policies(source, &parts, &pending, diags);
    Some(parts)
}

/// Resolves `replaced_by` and `parent` once every code is known; a `parent` chain may not
/// go round in a circle. Linear in the number of codes, however long the chains.
fn resolve_references(
    source: &Source,
    codes: &mut [Code],
    index: &CodeIndex,
    pending: &[Pending],
    diags: &mut Diagnostics,
) {
    let lookup = |codes: &[Code], r: &Option<Located<String>>, diags: &mut Diagnostics| {
        let r = r.as_ref()?;
        let found = index.find(&r.value);
        if found.is_none() {
            unknown_code(source, r, codes, diags);
        }
        found
    };
    for i in 0..codes.len() {
        codes[i].replaced_by = lookup(codes, &pending[i].replaced_by, diags);
        codes[i].parent = lookup(codes, &pending[i].parent, diags);
    }
    for first in parent_cycles(codes) {
        // Reported once, at the first code of the circle in file order, whose parent is
        // dropped: that breaks the circle.
        let mut names = vec![codes[first].key.raw()];
        let mut at = codes[first].parent;
        while let Some(p) = at.filter(|&p| p != first) {
            names.push(codes[p].key.raw());
            at = codes[p].parent;
        }
        names.push(codes[first].key.raw());
        if let Some(span) = pending[first].parent.as_ref().map(|p| p.span.clone()) {
            diags.at(Problem::ParentCycle { chain: names }, source, span);
        }
        codes[first].parent = None;
    }
}

/// The first code (in file order) of each circle of `parent` links, in file order. Each code
/// is walked once: a walk stops at a code an earlier walk finished.
fn parent_cycles(codes: &[Code]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Walk {
        Not,
        Now,
        Done,
    }
    let mut walk = vec![Walk::Not; codes.len()];
    let mut firsts = Vec::new();
    let mut path = Vec::new();
    for start in 0..codes.len() {
        path.clear();
        let mut at = Some(start);
        while let Some(i) = at.filter(|&i| walk[i] == Walk::Not) {
            walk[i] = Walk::Now;
            path.push(i);
            at = codes[i].parent;
        }
        // Back at a code of this walk: the path from there on is a circle.
        if let Some(i) = at.filter(|&i| walk[i] == Walk::Now) {
            let from = path.iter().position(|&p| p == i).unwrap_or(0);
            if let Some(&first) = path[from..].iter().min() {
                firsts.push(first);
            }
        }
        for &i in &path {
            walk[i] = Walk::Done;
        }
    }
    firsts.sort_unstable();
    firsts
}

/// A code that inherits its policy from the rule of its typical status: that policy must
/// suit its other statuses too (or `retry_override` says why not).
fn check_inherited_policies(
    source: &Source,
    parts: &Parts,
    pending: &[Pending],
    diags: &mut Diagnostics,
) {
    for (i, (code, p)) in parts.codes.iter().zip(pending).enumerate() {
        check_inherited_policy(source, &parts.retry, i, code, p, diags);
    }
}

/// [`check_inherited_policies`] for code `i`.
pub(super) fn check_inherited_policy(
    source: &Source,
    retry: &[RetryRule],
    i: usize,
    code: &Code,
    p: &Pending,
    diags: &mut Diagnostics,
) {
    if code.retry.is_some() {
        return;
    }
    let has_code_rule = retry.iter().any(|r| r.target == RetryTarget::Code(i));
    if has_code_rule {
        if let Some(reason) = &p.inherited_override {
            // The code's own rule carries its own override; this one explains nothing.
            check_inherited(None, &p.statuses, Some(reason), source, diags);
        }
        return;
    }
    let policy = code.status().and_then(|typical| {
        retry
            .iter()
            .find(|r| r.target == RetryTarget::Status(typical))
            .map(|r| r.policy)
    });
    let others: Vec<Located<u16>> = p.statuses.iter().skip(1).cloned().collect();
    let statuses = if p.inherited_override.is_some() {
        &p.statuses
    } else {
        &others
    };
    check_inherited(
        policy,
        statuses,
        p.inherited_override.as_ref(),
        source,
        diags,
    );
}

fn read_envelope(
    t: &Table,
    declared: &[u16],
    ids: &mut FirstSeen,
    diags: &mut Diagnostics,
) -> Option<Envelope> {
    let source = t.source();
    let id = t.required_string("id", diags);
    let title = t.required_string("title", diags);
    let example = t.required_string("example", diags);
    let language = t.string("language", diags);
    let problem = envelope_kind(t, diags);
    let (http_status, http) = envelope_status(t, declared, diags);
    let problem_id = problem
        .as_ref()
        .and_then(|_| id.as_ref().map(|i| i.value.clone()));
    let fields = t
        .tables("field", "[[envelope.field]]", FIELD_KEYS, diags)
        .iter()
        .filter_map(|f| read_envelope_field(f, problem_id.as_deref(), diags))
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
    let json = language.as_ref().is_none_or(|l| l.value == "json");
    if json {
        check_json_example(&id.value, &example, source, diags);
    }
    if problem.is_some() {
        check_problem_example(&id.value, &example, language.as_ref(), source, diags);
    }
    Some(Envelope {
        id: id.value,
        title: title?.value,
        description: t.string("description", diags),
        language: language.map_or_else(|| "json".to_string(), |l| l.value),
        http_status,
        http,
        example: example.value,
        note: t.string("note", diags),
        fields,
        problem,
    })
}

/// An envelope's `kind`: `"problem"` for problem details (RFC 9457); returns where it is
/// written.
fn envelope_kind(t: &Table, diags: &mut Diagnostics) -> Option<std::ops::Range<usize>> {
    let kind = t.string("kind", diags)?;
    if kind.value == "problem" {
        return Some(kind.span);
    }
    diags.at(
        Problem::UnknownChoice {
            key: "kind".into(),
            value: kind.value.clone(),
            choice: Choice::EnvelopeKind,
            choices: vec!["problem"],
            suggestion: did_you_mean(&kind.value, ["problem"]),
        },
        t.source(),
        kind.span,
    );
    None
}

/// One `[[envelope.field]]`; `problem` is the envelope's id when it is a problem details
/// envelope, whose RFC 9457 members may not be given another meaning.
fn read_envelope_field(
    f: &Table,
    problem: Option<&str>,
    diags: &mut Diagnostics,
) -> Option<EnvelopeField> {
    let name = f.required_string("name", diags)?;
    let from_text = f.string("from", diags);
    let from = from_text.as_ref().and_then(|from| {
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
    let kind = f.string("type", diags);
    if let Some(envelope) = problem {
        check_problem_member(
            envelope,
            &name.value,
            from_text.as_ref(),
            from,
            kind.as_ref(),
            f,
            diags,
        );
    }
    Some(EnvelopeField {
        name: name.value,
        kind: kind.map(|k| k.value),
        required: f.bool("required", diags).is_none_or(|r| r.value),
        description: f.string("description", diags),
        from,
    })
}

/// Refuses a field of a problem details envelope named like an RFC 9457 member (section
/// 3.1) whose `from` or `type` says something else than what the member is.
fn check_problem_member(
    envelope: &str,
    name: &str,
    from_text: Option<&Located<String>>,
    from: Option<FieldSource>,
    kind: Option<&Located<String>>,
    f: &Table,
    diags: &mut Diagnostics,
) {
    let (allowed, json_type, expected): (Option<FieldSource>, &[&str], &'static str) = match name {
        "type" => (
            None,
            &["string"],
            "a URI reference naming the problem type, which errdocs sets to the code's page",
        ),
        "title" => (
            Some(FieldSource::Message),
            &["string"],
            "a short summary of the problem type, which errdocs sets to the code's message",
        ),
        "status" => (
            Some(FieldSource::Status),
            &["integer", "number"],
            "the HTTP status code as a JSON number, which errdocs sets to the code's status",
        ),
        "detail" => (
            Some(FieldSource::Detail),
            &["string"],
            "a string explaining the problem, which errdocs sets to the code's detail",
        ),
        "instance" => (
            Some(FieldSource::Example),
            &["string"],
            "a URI reference naming one occurrence: given per code (`from = \"example\"`) or not at all",
        ),
        _ => return,
    };
    let mut conflict = |key: &'static str, value: &Located<String>| {
        diags.at(
            Problem::Rfc9457MemberConflict {
                envelope: envelope.to_string(),
                member: name.to_string(),
                key,
                value: value.value.clone(),
                expected,
            },
            f.source(),
            value.span.clone(),
        );
    };
    if let (Some(text), Some(source)) = (from_text, from)
        && Some(source) != allowed
    {
        conflict("from", text);
    }
    if let Some(k) = kind
        && !json_type.contains(&k.value.trim().to_ascii_lowercase().as_str())
    {
        conflict("type", k);
    }
}

/// A problem details envelope's example must be a JSON object (RFC 9457, section 3).
fn check_problem_example(
    envelope: &str,
    example: &Located<String>,
    language: Option<&Located<String>>,
    source: &Source,
    diags: &mut Diagnostics,
) {
    let (found, span) = match language.filter(|l| l.value != "json") {
        Some(l) => (format!("written in `{}`", l.value), l.span.clone()),
        None => match serde_json::from_str::<serde_json::Value>(&example.value) {
            Ok(serde_json::Value::Object(_)) | Err(_) => return,
            Ok(serde_json::Value::Array(_)) => ("an array".to_string(), example.span.clone()),
            Ok(other) => (format!("`{other}`"), example.span.clone()),
        },
    };
    diags.at(
        Problem::Rfc9457NotJsonObject {
            envelope: envelope.to_string(),
            found,
        },
        source,
        span,
    );
}

/// An envelope's `http_status`: a status shown above its example, or `false` for an envelope
/// that is not an HTTP response (no status line on code pages). Returns (status, is HTTP).
fn envelope_status(t: &Table, declared: &[u16], diags: &mut Diagnostics) -> (Option<u16>, bool) {
    match t.get("http_status").map(|v| (v.get_ref(), v.span())) {
        Some((DeValue::Boolean(b), span)) => {
            if *b {
                diags.at(
                    Problem::WrongType {
                        key: "http_status".into(),
                        expected: "an HTTP status, or `false` for an envelope that is not an HTTP response",
                        found: "`true`",
                    },
                    t.source(),
                    span,
                );
            }
            (None, *b)
        }
        _ => (
            status(t, "http_status", declared, diags).map(|s| s.value),
            true,
        ),
    }
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
    fields: &[FieldDef],
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
    let columns = read_columns(t, fields, diags);
    let headings = t
        .string_map("headings", diags)
        .into_iter()
        .filter_map(|(key, heading)| {
            Some((column_named(&key, fields, source, diags)?, heading.value))
        })
        .collect();
    let page_path = page_path(t, diags);
    let id = id?;
    let chosen = envelope_of(envelope, envelopes);
    let values = read_values(t, "values", chosen, &id.value, diags);
    let sources = read_sources(t, chosen, &id.value, diags);
    check_category(t, chosen, &values, &sources, diags);
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
        id_span: id.span,
        id: id.value,
        title: title?.value,
        range: range.map(|r| r.value),
        description: t.string("description", diags),
        order: t.int("order", diags).map_or(index as i64, |o| o.value),
        namespace: namespace.map(|n| n.value),
        columns,
        headings,
        envelope,
        values,
        sources,
        page_path,
    })
}

/// The envelope of a category's choice.
fn envelope_of(choice: EnvelopeChoice, envelopes: &[Envelope]) -> Option<&Envelope> {
    match choice {
        EnvelopeChoice::Default => envelopes.first(),
        EnvelopeChoice::None => None,
        EnvelopeChoice::Envelope(e) => envelopes.get(e),
    }
}

/// A category's `page_path`: a clean path prefix, like `[code_pages] path`.
fn page_path(t: &Table, diags: &mut Diagnostics) -> Option<String> {
    let path = t.string("page_path", diags)?;
    let prefix = path.value.trim_matches('/');
    if is_path_prefix(prefix) {
        Some(prefix.to_string())
    } else {
        diags.at(
            Problem::InvalidPagePath {
                value: path.value.clone(),
            },
            t.source(),
            path.span,
        );
        None
    }
}

/// One or more `/`-separated segments of letters, digits, `.`, `_` and `-` (not `.` or `..`).
fn is_path_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix.split('/').all(|seg| {
            !seg.is_empty() && seg != "." && seg != ".." && crate::slug::is_verbatim_anchor(seg)
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

/// A category's `columns`: known names (standard or declared fields), each once, at least one
/// (default: the usual four, then the declared fields marked `column = true`).
fn read_columns(t: &Table, fields: &[FieldDef], diags: &mut Diagnostics) -> Vec<Column> {
    let source = t.source();
    let Some(names) = t.strings("columns", diags) else {
        if t.get("columns").is_some() {
            // Not a list of strings (reported): the codes are not checked against columns
            // nobody asked for (one mistake, one error).
            return vec![Column::Code];
        }
        let mut columns = Column::DEFAULT.to_vec();
        columns.extend(
            (0..fields.len())
                .filter(|&f| fields[f].column)
                .map(Column::Custom),
        );
        return columns;
    };
    let mut columns = Vec::new();
    let written = names.len();
    for name in names {
        if let Some(column) = column_named(&name, fields, source, diags) {
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
    if written == 0 {
        t.missing("columns", Need::SomeColumn, diags);
    }
    if columns.is_empty() {
        columns.push(Column::Code);
    }
    columns
}

fn column_named(
    name: &Located<String>,
    fields: &[FieldDef],
    source: &Source,
    diags: &mut Diagnostics,
) -> Option<Column> {
    let column = Column::from_name(&name.value).or_else(|| {
        fields
            .iter()
            .position(|f| f.name == name.value)
            .map(Column::Custom)
    });
    if column.is_none() {
        let mut names: Vec<&str> = Column::names().collect();
        names.extend(fields.iter().map(|f| f.name.as_str()));
        diags.at(
            Problem::UnknownChoice {
                key: "columns".into(),
                value: name.value.clone(),
                choice: Choice::Column,
                choices: Column::names().collect(),
                suggestion: did_you_mean(&name.value, names.iter().copied()),
            },
            source,
            name.span.clone(),
        );
    }
    column
}

/// A code's `docs`: a path of this site or an absolute `http(s)` URL. Anything else
/// (`javascript:`, `data:`, `//evil.example`, a relative path) is reported and dropped.
fn docs_url(d: Located<String>, t: &Table, diags: &mut Diagnostics) -> Option<Located<String>> {
    if is_url_or_site_path(d.value.trim()) {
        return Some(d);
    }
    diags.at(
        Problem::InvalidFieldUrl {
            field: "docs".into(),
            value: d.value.clone(),
        },
        t.source(),
        d.span,
    );
    None
}

/// Reads what identifies an entry: `code` (an integer, a `-32000..-32099` range, or a string),
/// or `name` for an error the API sends without a code.
fn code_key(t: &Table, diags: &mut Diagnostics) -> Option<Located<CodeKey>> {
    let name = t.string("name", diags);
    let Some(value) = t.get("code") else {
        let Some(name) = name else {
            t.missing("code", Need::CodeOrName, diags);
            return None;
        };
        let trimmed = name.value.trim();
        if trimmed.is_empty() {
            diags.at(Problem::EmptyValue { key: "name" }, t.source(), name.span);
            return None;
        }
        return Some(Located::new(CodeKey::Name(trimmed.to_string()), name.span));
    };
    if let Some(n) = &name {
        diags.at(
            Problem::ConflictingKeys {
                key: "name",
                value: n.value.clone(),
                other: "code",
            },
            t.source(),
            n.span.clone(),
        );
    }
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

/// Reads the `[[code]]` tables: each one on its own on every core ([`read_code`]), then, in
/// catalog order, what makes a code unique across the catalog (its code, anchor and aliases:
/// the first one wins). The problems come in the order of the tables either way.
fn read_codes(
    items: Vec<Spanned<DeValue<'_>>>,
    keys: &[&str],
    cx: &Context,
    diags: &mut Diagnostics,
) -> (Vec<Code>, Vec<Pending>) {
    use rayon::prelude::*;
    let count = items.len();
    let mut runs: Vec<Vec<Spanned<DeValue<'_>>>> = Vec::with_capacity(count / CODES_PER_RUN + 1);
    let mut items = items.into_iter();
    while items.len() > 0 {
        runs.push(items.by_ref().take(CODES_PER_RUN).collect());
    }
    // Each run's trees are dropped as soon as its codes are read.
    let read: Vec<Vec<(Option<Alone>, Diagnostics)>> = runs
        .into_par_iter()
        .map(|run| {
            run.iter()
                .map(|item| {
                    let mut own = Diagnostics::default();
                    let alone = Table::open_value(item, "[[code]]", keys, cx.source, &mut own)
                        .and_then(|t| read_code(&t, cx, &mut own));
                    (alone, own)
                })
                .collect()
        })
        .collect();
    let mut codes = Vec::with_capacity(count);
    let mut pending = Vec::with_capacity(count);
    let mut seen = Seen::default();
    for (alone, own) in read.into_iter().flatten() {
        diags.extend(own);
        let Some(mut alone) = alone else {
            continue;
        };
        let cat = &cx.categories[alone.code.category];
        let identity = identity(&mut alone, cat, cx, &mut seen, diags);
        if let Some((anchor, aliases)) = identity {
            alone.code.anchor = anchor;
            alone.code.aliases = aliases;
            codes.push(alone.code);
            pending.push(alone.pending);
        }
    }
    (codes, pending)
}

/// How many `[[code]]` tables [`read_codes`] reads at a time on one core.
const CODES_PER_RUN: usize = 256;

/// A `[[code]]` table read on its own: the code without its anchor and aliases, which
/// [`identity`] settles once the codes before it are known.
pub(super) struct Alone {
    pub(super) code: Code,
    pub(super) pending: Pending,
    pub(super) key: Located<CodeKey>,
    /// The code as it is compared with the others (see [`identity`]).
    pub(super) unique: String,
    pub(super) explicit_anchor: Option<Located<String>>,
    pub(super) alias_values: Vec<Located<String>>,
}

// Long: every key of a [[code]] table is read here, in one place, so the table's schema reads
// top to bottom; the checks are in the helpers below and in the sibling modules.
pub(super) fn read_code(t: &Table, cx: &Context, diags: &mut Diagnostics) -> Option<Alone> {
    let source = t.source();
    let key = code_key(t, diags);
    let category_name = t.required_string("category", diags);
    let also_in_names = t.strings("also_in", diags);
    let parent = code_name(t, "parent", diags);
    let label = t.string("label", diags).map(|l| l.value);
    let message = t.string("message", diags).map(|m| m.value);
    let statuses = read_statuses(t, cx.declared, diags);
    let fix = t.string("fix", diags);
    let meaning = t.string("meaning", diags);
    let detail = t.string("detail", diags);
    let docs = t.string("docs", diags).and_then(|d| docs_url(d, t, diags));
    let retry = policy(t, diags, "retry");
    let retry_how = t.string("retry_how", diags);
    let retry_override = read_override(t, diags);
    let replaced_by = code_name(t, "replaced_by", diags);
    let life = lifecycle::read(t, replaced_by, cx.versioning, diags);
    let explicit_anchor = t.string("anchor", diags);
    let alias_values = read_aliases(t, diags);
    let category = category_name
        .as_ref()
        .and_then(|name| category_named(name, cx.categories, source, diags));
    let key = key?;
    let fields = read_field_values(
        t,
        cx.fields,
        &key.value.to_string(),
        key.span.clone(),
        diags,
    );
    let status_values: Vec<u16> = statuses.iter().map(|s| s.value).collect();
    if let Some(retry) = &retry {
        check_policy(
            retry,
            &status_values,
            retry_override.as_ref(),
            source,
            diags,
        );
    }
    let category_index = category?;
    let cat = &cx.categories[category_index];
    let also_in = also_in_names
        .map(|names| read_also_in(names, category_index, cx.categories, source, diags))
        .unwrap_or_default();
    check_in_range(cat, &key, source, diags);
    for &c in std::iter::once(&category_index).chain(&also_in) {
        check_columns_present(t, &cx.categories[c], cx.fields, &key, diags);
    }
    let example = read_values(
        t,
        "example",
        envelope_of(cat.envelope, cx.envelopes),
        &cat.id,
        diags,
    );
    if !check_visible(&key, source, diags) {
        return None;
    }
    // Codes that differ only by case or by Unicode normalization are one code to a reader,
    // and their pages one file on case-insensitive file systems.
    let unique = format!(
        "{}\u{0}{}",
        cat.namespace.as_deref().unwrap_or(""),
        folded(&key.value.raw())
    );
    let inherited_override = if retry.is_some() {
        None
    } else {
        retry_override.clone()
    };
    Some(Alone {
        code: Code {
            key: key.value.clone(),
            anchor: String::new(),
            category: category_index,
            also_in,
            parent: None,
            label,
            message,
            statuses: status_values,
            fix,
            meaning,
            detail,
            docs,
            retry: retry.map(|r| r.value),
            retry_how,
            retry_override: retry_override.map(|r| r.value.trim().to_string()),
            since: life.since.map(|s| s.value),
            deprecated: life.deprecated,
            replaced_by: None,
            removed: life.removed,
            aliases: Vec::new(),
            example,
            fields,
            span: key.span.clone(),
        },
        pending: Pending {
            replaced_by: life.replacement,
            parent,
            statuses,
            inherited_override,
        },
        key,
        unique,
        explicit_anchor,
        alias_values,
    })
}

/// A code's `also_in`: other categories, each once.
fn read_also_in(
    names: Vec<Located<String>>,
    own: usize,
    categories: &[Category],
    source: &Source,
    diags: &mut Diagnostics,
) -> Vec<usize> {
    if names.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<usize> = Vec::new();
    for name in names {
        let Some(c) = category_named(&name, categories, source, diags) else {
            continue;
        };
        let problem = if c == own {
            Problem::AlsoInOwnCategory {
                category: name.value.clone(),
            }
        } else if out.contains(&c) {
            Problem::RepeatedValue {
                key: "also_in",
                value: name.value.clone(),
            }
        } else {
            out.push(c);
            continue;
        };
        diags.at(problem, source, name.span);
    }
    out
}

/// The identity of a code: unique (per namespace, without case; [`read_code`] checked it is
/// visible), with a unique anchor and aliases.
pub(super) fn identity(
    alone: &mut Alone,
    cat: &Category,
    cx: &Context,
    seen: &mut Seen,
    diags: &mut Diagnostics,
) -> Option<(String, Vec<Alias>)> {
    let (source, key) = (cx.source, &alone.key);
    let namespace = cat.namespace.as_deref();
    let kind = match (namespace, key.value.is_code()) {
        (_, false) => "name",
        (Some(_), true) => "code in this namespace",
        (None, true) => "code",
    };
    if !seen.codes.insert(
        kind,
        &alone.unique,
        &key.value.raw(),
        source,
        key.span.clone(),
        diags,
    ) {
        return None;
    }
    let anchor = code_anchor(
        key,
        alone.explicit_anchor.as_ref(),
        namespace,
        cx.categories,
        &mut seen.anchors,
        source,
        diags,
    )?;
    let aliases = code_aliases(
        std::mem::take(&mut alone.alias_values),
        namespace,
        &mut seen.anchors,
        source,
        diags,
    );
    Some((anchor, aliases))
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
    if !key.value.is_code() {
        return;
    }
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
    fields: &[FieldDef],
    key: &Located<CodeKey>,
    diags: &mut Diagnostics,
) {
    let name = |column: Column| match column {
        Column::Custom(f) => fields.get(f).map_or("", |f| f.name.as_str()),
        other => other.name(),
    };
    // A field that is present but invalid was reported already; only absent ones count here.
    // A required declared field that is absent is reported by its own check.
    let present = |column: Column| match column {
        Column::Code | Column::Retry => true,
        Column::Custom(f) if fields.get(f).is_some_and(|f| f.required) => true,
        other => t.get(name(other)).is_some() || t.misspells(name(other)),
    };
    for column in cat.columns.iter().copied().filter(|c| !present(*c)) {
        diags.at(
            Problem::MissingField {
                field: name(column).to_string(),
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

/// A `retry` column needs a policy for each of its codes (own, per-code rule, or its status').
fn check_retry_columns(source: &Source, parts: &Parts, diags: &mut Diagnostics) {
    for (i, code) in parts.codes.iter().enumerate() {
        check_retry_column(source, &parts.categories, &parts.retry, i, code, diags);
    }
}

/// [`check_retry_columns`] for code `i`.
pub(super) fn check_retry_column(
    source: &Source,
    categories: &[Category],
    retry: &[RetryRule],
    i: usize,
    code: &Code,
    diags: &mut Diagnostics,
) {
    let category = &categories[code.category];
    if !category.columns.contains(&Column::Retry) || code.retry.is_some() {
        return;
    }
    let has_rule = retry.iter().any(|r| match r.target {
        RetryTarget::Code(c) => c == i,
        RetryTarget::Status(s) => Some(s) == code.status(),
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
