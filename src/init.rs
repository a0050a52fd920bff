//! `errdocs init`: writes a small starter site that builds as it is.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Problem};

const STARTER: &[(&str, &str)] = &[
    ("errdocs.toml", include_str!("starter/errdocs.toml")),
    (
        "catalog/errors.toml",
        include_str!("starter/catalog/errors.toml"),
    ),
    ("content/index.md", include_str!("starter/content/index.md")),
    (
        "content/errors.md",
        include_str!("starter/content/errors.md"),
    ),
    ("content/guide.md", include_str!("starter/content/guide.md")),
];

/// Writes the starter site into `dir` (created if needed). Refuses to overwrite any file.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let existing: Vec<String> = STARTER
        .iter()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| rel.to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Diagnostic::bare(Problem::InitWouldOverwrite {
            dir: dir.to_path_buf(),
            files: existing,
        }));
    }
    let mut written = Vec::new();
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        let result = match path.parent() {
            Some(parent) => std::fs::create_dir_all(parent),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = result {
            return Err(Diagnostic::bare(Problem::Io {
                action: "write the starter site",
                message: format!("{}: {e}", path.display()),
            }));
        }
        written.push(path);
    }
    Ok(written)
}
