//! `errdocs check --against OLD`: published URLs must keep resolving.
//!
//! OLD is the `urls.txt` or `errors.json` of a previous release. Every URL and anchor listed
//! there must resolve in the new build (an alias redirect or a `removed` tombstone counts);
//! each one that does not is an error at its line of OLD (naming the new URL when it was the
//! page of a code that moved). Codes whose HTTP statuses, retry policy or state (deprecated,
//! removed) changed are reported as notes: not errors, but API clients may care.

use std::path::Path;

use serde_json::Value;

use crate::build::{Options, Site};
use crate::diagnostics::{Diagnostic, Location, Problem, Source};
use crate::urls::Target;

/// The outcome: broken promises (errors) and behaviour changes (notes).
pub struct Report {
    /// Published URLs that no longer resolve.
    pub errors: Vec<Diagnostic>,
    /// Codes whose status or retry policy changed (notes).
    pub changes: Vec<Diagnostic>,
    /// How many published URLs and anchors were checked.
    pub checked: usize,
}

/// Builds the site in memory (writing nothing) and checks it against the manifest at `old`.
/// `Err` when the site has errors or `old` cannot be read.
pub fn check_against(options: &Options, old: &Path) -> Result<Report, Vec<Diagnostic>> {
    let built = Site::build(options, None)?;
    against(old, &built)
}

/// What `check --against` compares between releases about one code.
struct Now {
    status: Option<u16>,
    statuses: Vec<u16>,
    policy: Option<&'static str>,
    state: &'static str,
}

/// What `check --against` compares between releases: each code's statuses, retry policy and
/// state.
struct CodeSummary {
    /// Code as written -> what it is now.
    codes: std::collections::BTreeMap<String, Now>,
}

impl CodeSummary {
    fn of(site: &Site) -> Self {
        let catalog = &site.sources.catalog;
        let codes = catalog
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let now = Now {
                    status: c.status(),
                    statuses: c.statuses.clone(),
                    policy: catalog.retry_for(i).map(|(p, _)| p.name()),
                    state: c.state(),
                };
                (c.key.raw(), now)
            })
            .collect();
        CodeSummary { codes }
    }
}

/// When `path` (not published any more) was the page of a code whose page is now elsewhere:
/// that code and its page now.
fn moved_page(site: &Site, path: &str) -> Option<(String, String)> {
    let catalog = &site.sources.catalog;
    let anchor = path.trim_end_matches('/').rsplit('/').next()?;
    let anchor = anchor.strip_suffix(".html").unwrap_or(anchor);
    let code = catalog.find_code(&format!("#{anchor}")).ok()?;
    let now = site.plan.code_page(catalog, code)?;
    (now != path).then(|| (catalog.codes[code].key.raw(), now))
}

/// When `url` (not published any more) resolves in its other shape (`/guide/` and `/guide`,
/// `trailing_slash` flipped): the error naming its URL now.
fn shape_changed(site: &Site, url: &str, location: &Location) -> Option<Diagnostic> {
    let target = target_of(url);
    let path = target.path.as_str();
    let other = if path == "/" || path.ends_with(".html") {
        return None;
    } else if let Some(unslashed) = path.strip_suffix('/') {
        unslashed.to_string()
    } else {
        format!("{path}/")
    };
    let now = Target {
        path: other.clone(),
        fragment: target.fragment.clone(),
    };
    if !site.registry.resolves(&now) {
        return None;
    }
    let catalog = &site.sources.catalog;
    let anchor = other.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let code = catalog
        .find_code(&format!("#{anchor}"))
        .ok()
        .filter(|&i| site.plan.code_page(catalog, i).as_deref() == Some(other.as_str()))
        .map(|i| catalog.codes[i].key.raw());
    let now = match &now.fragment {
        Some(f) => format!("{other}#{f}"),
        None => other,
    };
    Some(Diagnostic::at(
        Problem::UrlShapeChanged {
            url: url.to_string(),
            now,
            trailing_slash: site.sources.config.trailing_slash,
            code: code.filter(|_| target.fragment.is_none()),
        },
        location.clone(),
    ))
}

/// The error for a published URL that no longer resolves.
fn broken(site: &Site, url: &str, code: Option<String>, location: Location) -> Diagnostic {
    if let Some(d) = shape_changed(site, url, &location) {
        return d;
    }
    match moved_page(site, url) {
        Some((moved, now)) => Diagnostic::at(
            Problem::CodePageMoved {
                url: url.to_string(),
                code: moved,
                now,
            },
            location,
        ),
        None => unpublished(url, code, location),
    }
}

fn against(old: &Path, built: &Site) -> Result<Report, Vec<Diagnostic>> {
    let source = Source::read(old, old).map_err(|d| vec![d])?;
    let report = if source.text.trim_start().starts_with(['{', '[']) {
        against_errors_json(&source, built)?
    } else {
        against_urls(&source, built)?
    };
    if report.checked == 0 {
        return Err(vec![Diagnostic::at(
            Problem::NotAManifest {
                why: "it lists no published URL",
            },
            Location::file(old),
        )]);
    }
    Ok(report)
}

/// `/errors/#PG-1003` -> target.
fn target_of(entry: &str) -> Target {
    match entry.split_once('#') {
        Some((p, f)) => Target {
            path: p.to_string(),
            fragment: Some(f.to_string()),
        },
        None => Target {
            path: entry.to_string(),
            fragment: None,
        },
    }
}

fn unpublished(url: &str, code: Option<String>, location: Location) -> Diagnostic {
    Diagnostic::at(
        Problem::Unpublished {
            url: url.to_string(),
            code,
        },
        location,
    )
}

fn against_urls(source: &Source, built: &Site) -> Result<Report, Vec<Diagnostic>> {
    let registry = &built.registry;
    let mut errors = Vec::new();
    let mut checked = 0;
    let mut offset = 0;
    for line in source.text.split_inclusive('\n') {
        let entry = line.trim();
        let start = offset + (line.len() - line.trim_start().len());
        offset += line.len();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        if !entry.starts_with('/') {
            // Not a urls.txt at all: one error, at the first line that is not a site path.
            return Err(vec![Diagnostic::at(
                Problem::NotAManifest {
                    why: "a urls.txt line is a site path starting with `/`",
                },
                source.locate(start..start + entry.len()),
            )]);
        }
        checked += 1;
        if !registry.resolves(&target_of(entry)) {
            errors.push(broken(
                built,
                entry,
                None,
                source.locate(start..start + entry.len()),
            ));
        }
    }
    Ok(Report {
        errors,
        changes: Vec::new(),
        checked,
    })
}

fn against_errors_json(source: &Source, built: &Site) -> Result<Report, Vec<Diagnostic>> {
    let doc: Value = serde_json::from_str(&source.text).map_err(|e| {
        vec![Diagnostic::at(
            Problem::Io {
                action: "read the previous release's errors.json",
                message: e.to_string(),
            },
            Location::file(&source.path),
        )]
    })?;
    let old_base = doc.get("base_url").and_then(Value::as_str).unwrap_or("");
    let Some(codes) = doc.get("codes").and_then(Value::as_array) else {
        return Err(vec![Diagnostic::at(
            Problem::NotAManifest {
                why: "an errors.json is an object with a `codes` array",
            },
            source.locate(0..1),
        )]);
    };
    let summary = CodeSummary::of(built);
    let lines = anchor_lines(source);
    let mut report = Report {
        errors: Vec::new(),
        changes: Vec::new(),
        checked: 0,
    };
    for entry in codes {
        let raw = match entry.get("code") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        let anchor = entry.get("anchor").and_then(Value::as_str).unwrap_or("");
        let location = lines
            .get(anchor)
            .cloned()
            .unwrap_or_else(|| Location::file(&source.path));
        for key in ["reference", "url"] {
            let Some(url) = entry.get(key).and_then(Value::as_str) else {
                continue;
            };
            let path = url.strip_prefix(old_base).unwrap_or(url);
            let path = if path.starts_with('/') {
                path.to_string()
            } else {
                format!("/{path}")
            };
            report.checked += 1;
            if !built.registry.resolves(&target_of(&path)) {
                let d = if key == "url" {
                    broken(built, &path, Some(raw.clone()), location.clone())
                } else {
                    shape_changed(built, &path, &location)
                        .unwrap_or_else(|| unpublished(&path, Some(raw.clone()), location.clone()))
                };
                report.errors.push(d);
            }
        }
        if let Some(now) = summary.codes.get(&raw) {
            report.changes.extend(changes(&raw, entry, now, &location));
        }
    }
    Ok(report)
}

/// Where each code's `"anchor": "..."` member is in an errors.json (the first of each),
/// found in one pass.
fn anchor_lines(source: &Source) -> std::collections::HashMap<String, Location> {
    let needle = "\"anchor\": ";
    let mut out = std::collections::HashMap::new();
    for (i, _) in source.text.match_indices(needle) {
        let rest = &source.text[i + needle.len()..];
        let Some(end) = rest.find(['\n', ',']) else {
            continue;
        };
        if let Ok(anchor) = serde_json::from_str::<String>(rest[..end].trim()) {
            let len = needle.len() + end;
            out.entry(anchor)
                .or_insert_with(|| source.locate(i..i + len));
        }
    }
    out
}

/// The behaviour changes of one code: its statuses, retry policy and state then and now.
fn changes(raw: &str, entry: &Value, now: &Now, location: &Location) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut note = |what: &'static str, from: String, to: String| {
        out.push(Diagnostic::at(
            Problem::Changed {
                code: raw.to_string(),
                what,
                from,
                to,
            },
            location.clone(),
        ));
    };
    let list = |s: &[u64]| match s {
        [] => "none".to_string(),
        _ => s.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
    };
    let old_status = entry.get("status").and_then(Value::as_u64);
    let now_statuses: Vec<u64> = now.statuses.iter().map(|&s| u64::from(s)).collect();
    if old_status != now.status.map(u64::from) {
        note(
            "HTTP status",
            old_status.map_or("none".into(), |s| s.to_string()),
            now.status.map_or("none".into(), |s| s.to_string()),
        );
    } else if let Some(old) = entry.get("statuses").and_then(Value::as_array) {
        let old: Vec<u64> = old.iter().filter_map(Value::as_u64).collect();
        if old != now_statuses {
            note("HTTP statuses", list(&old), list(&now_statuses));
        }
    }
    let old_policy = entry
        .get("retry")
        .and_then(|r| r.get("policy"))
        .and_then(Value::as_str);
    if old_policy != now.policy {
        note(
            "retry policy",
            old_policy.unwrap_or("none").to_string(),
            now.policy.unwrap_or("none").to_string(),
        );
    }
    let old_state = entry.get("state").and_then(Value::as_str);
    if let Some(old) = old_state
        && old != now.state
    {
        note("state", old.to_string(), now.state.to_string());
    }
    out
}
