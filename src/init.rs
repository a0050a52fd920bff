//! `errdocs init`: writes a small starter site that builds as it is.

use std::io;
use std::path::{Path, PathBuf};

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
pub fn init(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let existing: Vec<String> = STARTER
        .iter()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| rel.to_string())
        .collect();
    if !existing.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already holds {}; errdocs init never overwrites files",
                dir.display(),
                existing.join(", ")
            ),
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
