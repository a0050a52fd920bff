//! Past releases kept in the site: `releases/NAME.json`, each an `errors.json` a build wrote.
//!
//! NAME is a date (`2026-05-01`) or a version (`v1.4`, `1.4.0`); a release named by version
//! gives its date in a top-level `"released": "YYYY-MM-DD"` key. They are ordered by date,
//! then by name (versions by their numbers). The `changelog` module renders them.

use std::path::Path;

use serde_json::Value;

use crate::catalog::Versioning;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::diff;

pub(crate) const RELEASES_DIR: &str = "releases";

/// A past release's export.
pub(crate) struct Release {
    /// The file name without `.json`.
    pub(crate) name: String,
    /// `YYYY-MM-DD`.
    pub(crate) date: String,
    pub(crate) export: Value,
}

/// Reads `ROOT/releases/*.json`, oldest first.
pub(crate) fn load(root: &Path, diags: &mut Diagnostics) -> Vec<Release> {
    let dir = root.join(RELEASES_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown = Path::new(RELEASES_DIR).join(path.file_name().unwrap_or_default());
        let export = match diff::read_export(&path) {
            Ok(v) => v,
            Err(mut d) => {
                if let Some(l) = d.location.as_mut() {
                    l.file = shown;
                }
                diags.push(d);
                continue;
            }
        };
        let date = if Versioning::Date.key(&name).is_some() && name.len() == 10 {
            Some(name.clone())
        } else {
            export
                .get("released")
                .and_then(Value::as_str)
                .filter(|d| d.len() == 10 && Versioning::Date.key(d).is_some())
                .map(str::to_string)
        };
        match date {
            Some(date) => out.push(Release { name, date, export }),
            None => diags.push(Diagnostic::at(
                Problem::ReleaseWithoutDate { name },
                Location::file(&shown),
            )),
        }
    }
    let order = |r: &Release| {
        let version = Versioning::Version
            .key(&r.name)
            .or_else(|| Versioning::Date.key(&r.name));
        (r.date.clone(), version, r.name.clone())
    };
    out.sort_by_key(order);
    out
}
