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

/// Writes the starter site into `dir` (created if needed). Refuses to overwrite anything,
/// including a dangling symbolic link, and to write through a link that leads out of `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let existing: Vec<String> = STARTER
        .iter()
        .filter(|(rel, _)| std::fs::symlink_metadata(dir.join(rel)).is_ok())
        .map(|(rel, _)| rel.to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Diagnostic::bare(Problem::InitWouldOverwrite {
            dir: dir.to_path_buf(),
            files: existing,
        }));
    }
    let io = |path: &Path, e: std::io::Error| {
        Diagnostic::bare(Problem::Io {
            action: "write the starter site",
            message: format!("{}: {e}", path.display()),
        })
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let real_dir = dir.canonicalize().map_err(|e| io(dir, e))?;
    let mut written = Vec::new();
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            let real = parent.canonicalize().map_err(|e| io(parent, e))?;
            if !real.starts_with(&real_dir) {
                return Err(Diagnostic::at(
                    Problem::SymlinkOutsideSite { target: real },
                    crate::diagnostics::Location::file(parent),
                ));
            }
        }
        // `create_new` also refuses a symbolic link created since the check above.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
