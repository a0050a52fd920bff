//! `errdocs check --openapi SPEC...`: the error statuses an OpenAPI document declares against
//! the statuses the catalog's codes have.
//!
//! Each document (OpenAPI 3.0/3.1, or Swagger 2.0; YAML or JSON, read by one YAML 1.2 parser
//! that keeps positions, see `yaml.rs`) is walked: every operation (`paths./x.get`, with local
//! `$ref`s of path items followed) and the keys of its `responses`. Then:
//!
//! - an exact 4xx/5xx status no catalog code has is an error at its key; a range (`4XX`) is
//!   an error when no catalog code has a status inside it; `default` and `x-` keys are
//!   skipped; a key that is none of these is an error; a local `$ref` (`'#/components/...'`)
//!   that points at nothing is an error, the status it sits under counts as declared;
//! - a status of the catalog's codes (removed codes left out) that no operation of any of the
//!   documents declares, exactly or by a range, is a warning at the first such code (an error
//!   with `--strict`), naming every code with that status.
//!
//! A document with no operation at all is a library of components, like the one `errdocs
//! export openapi` writes: its `components.responses` named after a status (`Status404`,
//! `404`, `Status4XX`) declare that status. A document that cannot be read or parsed is an
//! error at its position, and the second check is skipped (what it declares is unknown).

mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use saphyr_parser::Marker;

use crate::build::{Options, Site};
use crate::catalog::Catalog;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem, Severity, Source};
use yaml::Doc;

/// What `check --openapi` was asked to do.
pub struct SpecOptions {
    /// Documents to read (relative to the current directory); when empty, `[check] openapi`
    /// of the config (relative to the site root).
    pub specs: Vec<PathBuf>,
    /// Catalog statuses no operation declares are errors, not warnings.
    pub strict: bool,
}

/// The outcome of `check --openapi`.
pub struct SpecReport {
    /// Errors and warnings, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// The documents, as shown.
    pub specs: Vec<PathBuf>,
    /// Operations read in all documents.
    pub operations: usize,
    /// The distinct statuses of the catalog's codes (removed codes left out).
    pub statuses: usize,
    pub elapsed: Duration,
}

impl SpecReport {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }
}

/// Checks the site (everything `check` does), then the OpenAPI documents against its catalog.
/// `Err` when the site itself has errors.
pub fn check_specs(
    options: &Options,
    spec: &SpecOptions,
) -> Result<(crate::Summary, SpecReport), Vec<Diagnostic>> {
    let started = Instant::now();
    let site = Site::build(options, None)?;
    let summary = site.summary(None, site.plan.pages.len(), started.elapsed());
    let started = Instant::now();
    let config = &site.sources.config;
    let specs: Vec<(PathBuf, Option<Location>)> = if spec.specs.is_empty() {
        config
            .openapi
            .iter()
            .map(|p| {
                let at = config.source.locate(p.span.clone());
                (options.root.join(&p.value), Some(at))
            })
            .collect()
    } else {
        spec.specs.iter().map(|p| (p.clone(), None)).collect()
    };
    let mut report = check_catalog(&site.sources.catalog, &specs, spec.strict);
    report.elapsed = started.elapsed();
    Ok((summary, report))
}

/// Whether `check` should read OpenAPI documents from the config (`[check] openapi` set).
pub fn configured(options: &Options) -> bool {
    let mut ignored = Diagnostics::default();
    crate::config::load(&options.root, &mut ignored).is_some_and(|c| !c.openapi.is_empty())
}

/// A response key: an exact status or a range (`4XX` -> 4).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Status {
    Exact(u16),
    Range(u16),
}

impl Status {
    /// `404`, `4XX` (or `4xx`); `None` for anything else (`default` included).
    fn parse(key: &str) -> Option<Status> {
        let b = key.as_bytes();
        if b.len() != 3 || !(b'1'..=b'5').contains(&b[0]) {
            return None;
        }
        if b[1..].eq_ignore_ascii_case(b"XX") {
            return Some(Status::Range(u16::from(b[0] - b'0')));
        }
        key.parse().ok().map(Status::Exact)
    }

    fn covers(self, status: u16) -> bool {
        match self {
            Status::Exact(s) => s == status,
            Status::Range(class) => status / 100 == class,
        }
    }
}

/// A status some operation (or response component) declares, and where.
struct Declared {
    status: Status,
    /// `GET /pets`, or `components.responses.Status404`.
    by: String,
    span: Range<usize>,
}

/// What one document declares.
#[derive(Default)]
struct Walk {
    declared: Vec<Declared>,
    operations: usize,
    /// Whether the document is an OpenAPI document whose `paths` could be read (otherwise
    /// what it declares is unknown).
    read: bool,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The byte offsets of a document's positions (saphyr counts characters).
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    line_starts: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Offsets {
            text,
            ascii: text.is_ascii(),
            line_starts,
        }
    }

    fn byte(&self, m: &Marker) -> usize {
        if self.ascii {
            return m.index().min(self.text.len());
        }
        let start = self
            .line_starts
            .get(m.line().saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        start
            + line
                .char_indices()
                .nth(m.col())
                .map_or(line.len(), |(i, _)| i)
    }

    fn span(&self, s: &saphyr_parser::Span) -> Range<usize> {
        let start = self.byte(&s.start);
        start..self.byte(&s.end).max(start)
    }
}

/// Reads, parses and walks each document, then compares with the catalog.
fn check_catalog(
    catalog: &Catalog,
    specs: &[(PathBuf, Option<Location>)],
    strict: bool,
) -> SpecReport {
    let mut diags = Diagnostics::default();
    let mut all = Vec::new();
    let mut complete = true;
    let mut operations = 0;
    // Every status the catalog knows, removed codes included.
    let known: BTreeSet<u16> = catalog
        .codes
        .iter()
        .flat_map(|c| c.statuses.iter().copied())
        .collect();
    for (path, from_config) in specs {
        let Some((source, doc)) = load(path, from_config.as_ref(), &mut diags) else {
            complete = false;
            continue;
        };
        let offsets = Offsets::new(&source.text);
        let walk = walk(&doc, &source, &offsets, &mut diags);
        complete &= walk.read;
        operations += walk.operations;
        for d in walk.declared {
            if let Some(problem) = not_in_catalog(&known, &d) {
                diags.at(problem, &source, d.span.clone());
            }
            all.push(d.status);
        }
    }
    let statuses = catalog_statuses(catalog);
    if complete {
        let shown: Vec<String> = specs.iter().map(|(p, _)| p.display().to_string()).collect();
        for (status, codes) in &statuses {
            if all.iter().any(|s| s.covers(*status)) {
                continue;
            }
            let first = &catalog.codes[codes[0]];
            let mut d = Diagnostic::at(
                Problem::CatalogStatusNotInSpec {
                    status: *status,
                    codes: codes.iter().map(|&i| catalog.codes[i].key.raw()).collect(),
                    specs: shown.clone(),
                },
                catalog.source.locate(first.span.clone()),
            );
            if strict {
                d.severity = Severity::Error;
            }
            diags.push(d);
        }
    }
    SpecReport {
        diagnostics: diags.into_sorted(),
        specs: specs.iter().map(|(p, _)| p.clone()).collect(),
        operations,
        statuses: statuses.len(),
        elapsed: Duration::ZERO,
    }
}

/// Reads and parses a document; `None` (and the error) when it cannot be read or parsed.
fn load(
    path: &Path,
    from_config: Option<&Location>,
    diags: &mut Diagnostics,
) -> Option<(Source, Doc)> {
    let source = read(path, from_config, diags)?;
    let offsets = Offsets::new(&source.text);
    let parsed = yaml::parse(&source.text);
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || (parsed.is_err() && source.text.trim_start().starts_with(['{', '[']));
    if let Some((problem, at)) = json.then(|| json_error(&source.text, &offsets)).flatten() {
        diags.at(problem, &source, at..at + 1);
        return None;
    }
    let doc = match parsed {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            diags.at(Problem::NotOpenapi { found: None }, &source, 0..0);
            return None;
        }
        Err(e) => {
            let at = offsets.byte(e.marker());
            let problem = Problem::OpenapiSyntax {
                message: e.info().to_string(),
            };
            diags.at(problem, &source, at..at + 1);
            return None;
        }
    };
    Some((source, doc))
}

/// For a JSON document (named `.json`, or one that starts with `{` or `[` and is no YAML
/// either): its first error as a JSON parser sees it, and where. YAML reads more than JSON
/// (`{"a": }` is a mapping with a null), so the YAML parser finds a mistake later, if at all.
fn json_error(text: &str, offsets: &Offsets) -> Option<(Problem, usize)> {
    let e = serde_json::from_str::<serde::de::IgnoredAny>(text).err()?;
    let message = e.to_string();
    let message = match message.rsplit_once(" at line ") {
        Some((m, _)) => m.to_string(),
        None => message,
    };
    let line_start = offsets
        .line_starts
        .get(e.line().saturating_sub(1))
        .copied()
        .unwrap_or(text.len());
    let at = (line_start + e.column().saturating_sub(1)).min(text.len());
    Some((Problem::OpenapiSyntax { message }, at))
}

/// Reads a document; a missing one is reported where the config names it, if it does.
fn read(path: &Path, from_config: Option<&Location>, diags: &mut Diagnostics) -> Option<Source> {
    if !path.is_file() {
        diags.push(Diagnostic::new(
            Problem::Io {
                action: "read the OpenAPI document",
                message: format!("{}: no such file", path.display()),
            },
            from_config.cloned(),
        ));
        return None;
    }
    match Source::read(path, path) {
        Ok(s) => Some(s),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// The statuses of the catalog's codes (removed codes left out) -> those codes, in order.
fn catalog_statuses(catalog: &Catalog) -> BTreeMap<u16, Vec<usize>> {
    let mut out: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (i, code) in catalog.codes.iter().enumerate() {
        if code.removed.is_some() {
            continue;
        }
        for s in &code.statuses {
            let list = out.entry(*s).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    out
}

/// The problem with a declared error status (4xx, 5xx) that no catalog code has (removed
/// codes count: the catalog still knows them).
fn not_in_catalog(all: &BTreeSet<u16>, d: &Declared) -> Option<Problem> {
    let (status, range) = match d.status {
        Status::Exact(s) if s >= 400 && !all.contains(&s) => (s.to_string(), None),
        Status::Range(c) if c >= 4 && !all.iter().any(|s| s / 100 == c) => {
            (format!("{c}XX"), Some((c * 100, c * 100 + 99)))
        }
        _ => return None,
    };
    Some(Problem::SpecStatusNotInCatalog {
        operation: d.by.clone(),
        status,
        range,
    })
}

/// The version check, then the operations (or, without any, the response components).
fn walk(doc: &Doc, source: &Source, offsets: &Offsets, diags: &mut Diagnostics) -> Walk {
    let mut out = Walk::default();
    let root = doc.root;
    let version = doc
        .get(root, "openapi")
        .or_else(|| doc.get(root, "swagger"));
    let Some(version) = version else {
        let at = offsets.span(&doc.node(root).span).start;
        diags.at(Problem::NotOpenapi { found: None }, source, at..at);
        return out;
    };
    let text = doc.scalar(version.value).unwrap_or("");
    let swagger = version.key == "swagger";
    if !(if swagger {
        text == "2.0"
    } else {
        text.starts_with("3.")
    }) {
        let span = offsets.span(&doc.node(version.value).span);
        let found = Some(format!("{}: {text}", version.key));
        diags.at(Problem::NotOpenapi { found }, source, span);
        return out;
    }
    let wrong = |path: &str, node: usize, expected, diags: &mut Diagnostics| {
        let span = offsets.span(&doc.node(node).span);
        let path = path.to_string();
        diags.at(Problem::OpenapiWrongType { path, expected }, source, span);
    };
    if let Some(paths) = doc.get(root, "paths").filter(|e| !is_null(doc, e.value)) {
        let Some(items) = doc.entries(paths.value) else {
            wrong("paths", paths.value, "a mapping of paths", diags);
            return out;
        };
        for item in items.iter().filter(|e| !e.key.starts_with("x-")) {
            let node = follow(doc, item.value, source, offsets, diags);
            if is_null(doc, node) {
                continue;
            }
            if doc.entries(node).is_none() {
                let at = format!("paths.{}", item.key);
                wrong(&at, node, "a path item (a mapping of operations)", diags);
                continue;
            }
            for method in METHODS {
                let Some(op) = doc.get(node, method) else {
                    continue;
                };
                out.operations += 1;
                let by = format!("{} {}", method.to_ascii_uppercase(), item.key);
                let op = follow(doc, op.value, source, offsets, diags);
                let Some(responses) = doc.get(op, "responses").filter(|e| !is_null(doc, e.value))
                else {
                    continue;
                };
                if doc.entries(responses.value).is_none() {
                    let at = format!("paths.{}.{method}.responses", item.key);
                    wrong(&at, responses.value, "a mapping of statuses", diags);
                    continue;
                }
                responses_of(doc, responses.value, &by, source, offsets, diags, &mut out);
            }
        }
    }
    if out.operations == 0 {
        components(doc, swagger, offsets, &mut out);
    }
    out.read = true;
    out
}

/// The keys of one operation's `responses`.
fn responses_of(
    doc: &Doc,
    responses: usize,
    by: &str,
    source: &Source,
    offsets: &Offsets,
    diags: &mut Diagnostics,
    out: &mut Walk,
) {
    for r in doc.entries(responses).unwrap_or_default() {
        if r.key == "default" || r.key.starts_with("x-") {
            continue;
        }
        let span = offsets.span(&r.key_span);
        let Some(status) = Status::parse(&r.key) else {
            let problem = Problem::InvalidResponseStatus {
                operation: by.to_string(),
                key: r.key.clone(),
            };
            diags.at(problem, source, span);
            continue;
        };
        follow(doc, r.value, source, offsets, diags);
        out.declared.push(Declared {
            status,
            by: by.to_string(),
            span,
        });
    }
}

/// The response components named after a status, for a document without operations.
fn components(doc: &Doc, swagger: bool, offsets: &Offsets, out: &mut Walk) {
    let (pointer, shown) = if swagger {
        ("/responses", "responses")
    } else {
        ("/components/responses", "components.responses")
    };
    let Some(responses) = doc.pointer(pointer) else {
        return;
    };
    for r in doc.entries(responses).unwrap_or_default() {
        let name = r.key.strip_prefix("Status").unwrap_or(&r.key);
        if let Some(status) = Status::parse(name) {
            out.declared.push(Declared {
                status,
                by: format!("{shown}.{}", r.key),
                span: offsets.span(&r.key_span),
            });
        }
    }
}

fn is_null(doc: &Doc, node: usize) -> bool {
    matches!(doc.scalar(node), Some("" | "~" | "null" | "Null" | "NULL"))
}

/// Follows local `$ref`s from `node` (a few hops at most, so a cycle ends); one that points
/// at nothing is reported at its value. External references are left as they are.
fn follow(
    doc: &Doc,
    mut node: usize,
    source: &Source,
    offsets: &Offsets,
    diags: &mut Diagnostics,
) -> usize {
    for _ in 0..16 {
        let Some(r) = doc.get(node, "$ref") else {
            return node;
        };
        let Some(reference) = doc.scalar(r.value) else {
            return node;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return node;
        };
        match doc.pointer(pointer) {
            Some(target) => node = target,
            None => {
                let span = offsets.span(&doc.node(r.value).span);
                let problem = Problem::UnresolvedRef {
                    reference: reference.to_string(),
                };
                diags.at(problem, source, span);
                return node;
            }
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_ranges() {
        assert_eq!(Status::parse("404"), Some(Status::Exact(404)));
        assert_eq!(Status::parse("4XX"), Some(Status::Range(4)));
        assert_eq!(Status::parse("5xx"), Some(Status::Range(5)));
        assert_eq!(Status::parse("default"), None);
        assert_eq!(Status::parse("40"), None);
        assert_eq!(Status::parse("6XX"), None);
        assert_eq!(Status::parse("4X0"), None);
        assert!(Status::Range(4).covers(429));
        assert!(!Status::Range(4).covers(500));
    }

    #[test]
    fn offsets_count_characters_on_non_ascii_lines() {
        let text = "é: 1\n  'ü404': x\n";
        let o = Offsets::new(text);
        assert_eq!(o.byte(&Marker::new(7, 2, 2)), 8);
        assert_eq!(o.byte(&Marker::new(9, 2, 4)), 11);
    }
}
