//! `errdocs diff OLD NEW`: what changed between two exports (`errors.json`) of a catalog.
//!
//! Works on the exported JSON only, so any two releases can be compared without their sources.
//! A code is known by its namespace and code (or its name, for an entry without a code). It is
//! **added** when only NEW has it, **removed** when only OLD has it or NEW marks it `removed`
//! (a tombstone) while OLD did not, and **changed** when one of the compared attributes
//! differs: `status` (all statuses), `retry` (the policy), `message`, `deprecation` (the state
//! and the `deprecated` details), `fields` (the declared fields' values).

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Location, Problem};

/// One code in a diff.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Entry {
    /// The code as written (`PG-1003`, `-32602`), or its name.
    pub code: String,
    pub namespace: Option<String>,
    pub anchor: Option<String>,
    pub message: Option<String>,
    pub status: Option<Value>,
    /// Its page in the newer export (the older one for a code that is gone).
    pub url: Option<String>,
}

/// One attribute of a changed code.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Change {
    /// `status`, `retry`, `message`, `deprecation` or `fields`.
    pub attribute: &'static str,
    pub old: Value,
    pub new: Value,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Changed {
    #[serde(flatten)]
    pub entry: Entry,
    pub changes: Vec<Change>,
}

/// The differences, each list in the newer export's catalog order (removed codes in the older
/// one's).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Diff {
    pub added: Vec<Entry>,
    pub changed: Vec<Changed>,
    pub removed: Vec<Entry>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Reads an export: `errors.json`, or a built site's directory holding one.
pub fn read_export(path: &Path) -> Result<Value, Diagnostic> {
    let file = if path.is_dir() {
        path.join("errors.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Diagnostic::bare(Problem::Io {
            action: "read an export",
            message: format!("{}: {e}", file.display()),
        })
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        let line_text = text.lines().nth(e.line().saturating_sub(1));
        Diagnostic::at(
            Problem::InvalidExport {
                message: e.to_string(),
            },
            Location::at_line(&file, e.line(), e.column(), line_text),
        )
    })?;
    if !value.get("codes").is_some_and(Value::is_array) {
        return Err(Diagnostic::at(
            Problem::InvalidExport {
                message: "no `codes` array: not an errdocs errors.json".into(),
            },
            Location::file(&file),
        ));
    }
    Ok(value)
}

fn codes(export: &Value) -> &[Value] {
    export
        .get("codes")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `namespace:code` (or the name of an entry without a code).
fn key(code: &Value) -> String {
    let id = match code.get("code") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => code
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    };
    match code.get("namespace").and_then(Value::as_str) {
        Some(ns) => format!("{ns}:{id}"),
        None => id,
    }
}

fn entry(code: &Value) -> Entry {
    let text = |k: &str| code.get(k).and_then(Value::as_str).map(str::to_string);
    let shown = match code.get("code") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => text("name").unwrap_or_default(),
    };
    Entry {
        code: shown,
        namespace: text("namespace"),
        anchor: text("anchor"),
        message: text("message"),
        status: code.get("status").filter(|s| !s.is_null()).cloned(),
        url: text("url").or_else(|| text("reference")),
    }
}

fn state(code: &Value) -> &str {
    code.get("state")
        .and_then(Value::as_str)
        .unwrap_or("active")
}

/// The compared attributes of a code, by name.
fn attributes(code: &Value) -> [(&'static str, Value); 5] {
    let get = |k: &str| code.get(k).cloned().unwrap_or(Value::Null);
    let retry = code
        .get("retry")
        .and_then(|r| r.get("policy"))
        .cloned()
        .unwrap_or(Value::Null);
    // `deprecated (since 2026-01, sunset 2026-06)`: the state and the dates that matter.
    let mut deprecation = state(code).to_string();
    if let Some(d) = code.get("deprecated").filter(|d| d.is_object()) {
        let dates: Vec<String> = ["since", "sunset"]
            .iter()
            .filter_map(|k| {
                d.get(*k)
                    .and_then(Value::as_str)
                    .map(|v| format!("{k} {v}"))
            })
            .collect();
        if !dates.is_empty() {
            deprecation.push_str(&format!(" ({})", dates.join(", ")));
        }
    }
    let deprecation = Value::String(deprecation);
    let statuses = match code.get("statuses") {
        Some(Value::Array(a)) if a.len() > 1 => Value::Array(a.clone()),
        _ => get("status"),
    };
    [
        ("status", statuses),
        ("retry", retry),
        ("message", get("message")),
        ("deprecation", deprecation),
        ("fields", get("fields")),
    ]
}

/// Compares two exports.
pub fn diff(old: &Value, new: &Value) -> Diff {
    let old_codes = codes(old);
    let new_codes = codes(new);
    let old_by: std::collections::HashMap<String, &Value> =
        old_codes.iter().map(|c| (key(c), c)).collect();
    let new_keys: std::collections::HashSet<String> = new_codes.iter().map(key).collect();
    let mut out = Diff::default();
    for code in new_codes {
        let Some(before) = old_by.get(&key(code)) else {
            if state(code) != "removed" {
                out.added.push(entry(code));
            }
            continue;
        };
        if state(code) == "removed" && state(before) != "removed" {
            out.removed.push(entry(code));
            continue;
        }
        let changes: Vec<Change> = attributes(before)
            .into_iter()
            .zip(attributes(code))
            .filter(|((_, a), (_, b))| a != b)
            .map(|((attribute, old), (_, new))| Change {
                attribute,
                old,
                new,
            })
            .filter(|c| c.attribute != "deprecation" || state(code) != "removed")
            .collect();
        if !changes.is_empty() {
            out.changed.push(Changed {
                entry: entry(code),
                changes,
            });
        }
    }
    for code in old_codes {
        if !new_keys.contains(&key(code)) && state(code) != "removed" {
            out.removed.push(entry(code));
        }
    }
    out
}

/// A value as shown in the text diff: strings unquoted, `null` as `none`.
pub(crate) fn shown(value: &Value) -> String {
    match value {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn line(sign: char, e: &Entry) -> String {
    let mut out = format!("  {sign} {}", e.code);
    if let Some(m) = &e.message {
        out.push_str(&format!("  {m}"));
    }
    if let Some(s) = &e.status {
        out.push_str(&format!("  ({})", shown(s)));
    }
    out
}

/// The diff as text, one section per kind (empty sections left out).
pub fn text(d: &Diff) -> String {
    if d.is_empty() {
        return "No changes.\n".into();
    }
    let mut out = String::new();
    if !d.added.is_empty() {
        out.push_str(&format!("Added ({}):\n", d.added.len()));
        for e in &d.added {
            out.push_str(&line('+', e));
            out.push('\n');
        }
    }
    if !d.changed.is_empty() {
        out.push_str(&format!("Changed ({}):\n", d.changed.len()));
        for c in &d.changed {
            out.push_str(&line('~', &c.entry));
            out.push('\n');
            for ch in &c.changes {
                out.push_str(&format!(
                    "      {}: {} -> {}\n",
                    ch.attribute,
                    shown(&ch.old),
                    shown(&ch.new)
                ));
            }
        }
    }
    if !d.removed.is_empty() {
        out.push_str(&format!("Removed ({}):\n", d.removed.len()));
        for e in &d.removed {
            out.push_str(&line('-', e));
            out.push('\n');
        }
    }
    out
}

/// The diff as JSON: `{ "added": [...], "changed": [...], "removed": [...] }`.
pub fn json(d: &Diff) -> String {
    let mut out = serde_json::to_string_pretty(d).unwrap_or_default();
    out.push('\n');
    out
}
