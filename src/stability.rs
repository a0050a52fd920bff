//! `errdocs check --against OLD`: published URLs must keep resolving.
//!
//! OLD is the `urls.txt` or `errors.json` of a previous release. Every URL and anchor listed
//! there must resolve in the new build (an alias redirect or a `removed` tombstone counts);
//! each one that does not is an error at its line of OLD. Codes whose HTTP status or retry
//! policy changed are reported as notes: not errors, but API clients may care.

use std::path::Path;

use serde_json::Value;

use crate::build::{Options, Site};
use crate::diagnostics::{Diagnostic, Location, Problem, Source};
use crate::links::Registry;
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
    let built = Site::build(options, &|_, _| Ok(()))?;
    against(old, &built)
}

/// What `check --against` compares between releases: each code's status and retry policy.
struct CodeSummary {
    /// Code as written -> (status, retry policy name).
    codes: std::collections::BTreeMap<String, (Option<u16>, Option<&'static str>)>,
}

impl CodeSummary {
    fn of(site: &Site) -> Self {
        let catalog = &site.sources.catalog;
        let codes = catalog
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.key.raw(),
                    (c.status, catalog.retry_for(i).map(|(p, _)| p.name())),
                )
            })
            .collect();
        CodeSummary { codes }
    }
}

fn against(old: &Path, built: &Site) -> Result<Report, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(old).map_err(|e| {
        vec![Diagnostic::bare(Problem::Io {
            action: "read the previous release's manifest",
            message: format!("{}: {e}", old.display()),
        })]
    })?;
    let source = Source::new(old, text);
    if source.text.trim_start().starts_with('{') {
        against_errors_json(&source, built)
    } else {
        Ok(against_urls(&source, &built.registry))
    }
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

fn against_urls(source: &Source, registry: &Registry) -> Report {
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
        checked += 1;
        if !registry.resolves(&target_of(entry)) {
            errors.push(unpublished(
                entry,
                None,
                source.locate(start..start + entry.len()),
            ));
        }
    }
    Report {
        errors,
        changes: Vec::new(),
        checked,
    }
}

fn against_errors_json(source: &Source, built: &Site) -> Result<Report, Vec<Diagnostic>> {
    let doc: Value = serde_json::from_str(&source.text).map_err(|e| {
        vec![Diagnostic::new(
            Problem::Io {
                action: "read the previous release's errors.json",
                message: e.to_string(),
            },
            Some(Location::file(&source.path)),
        )]
    })?;
    let old_base = doc.get("base_url").and_then(Value::as_str).unwrap_or("");
    let codes = doc
        .get("codes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let summary = CodeSummary::of(built);
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    let mut checked = 0;
    for entry in &codes {
        let raw = match entry.get("code") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        let anchor = entry.get("anchor").and_then(Value::as_str).unwrap_or("");
        let needle = format!("\"anchor\": {}", Value::from(anchor));
        let location = source.text.find(&needle).map_or_else(
            || Location::file(&source.path),
            |i| source.locate(i..i + needle.len()),
        );
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
            checked += 1;
            if !built.registry.resolves(&target_of(&path)) {
                errors.push(unpublished(&path, Some(raw.clone()), location.clone()));
            }
        }
        let Some((status, policy)) = summary.codes.get(&raw) else {
            continue;
        };
        let old_status = entry.get("status").and_then(Value::as_u64);
        if old_status != status.map(u64::from) {
            changes.push(Diagnostic::at(
                Problem::Changed {
                    code: raw.clone(),
                    what: "HTTP status",
                    from: old_status.map_or("none".into(), |s| s.to_string()),
                    to: status.map_or("none".into(), |s| s.to_string()),
                },
                location.clone(),
            ));
        }
        let old_policy = entry
            .get("retry")
            .and_then(|r| r.get("policy"))
            .and_then(Value::as_str);
        if old_policy != *policy {
            changes.push(Diagnostic::at(
                Problem::Changed {
                    code: raw.clone(),
                    what: "retry policy",
                    from: old_policy.unwrap_or("none").to_string(),
                    to: policy.unwrap_or("none").to_string(),
                },
                location.clone(),
            ));
        }
    }
    Ok(Report {
        errors,
        changes,
        checked,
    })
}
