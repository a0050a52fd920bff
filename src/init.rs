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

/// Copies the embedded default theme into the site at `dir` for editing: every template into
/// `templates/` and the stylesheets and script into `static/`. A copied file replaces the
/// embedded one of the same name; files that already exist are never overwritten.
pub fn theme(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let files: Vec<(String, &[u8])> = crate::theme::THEME_TEMPLATES
        .iter()
        .map(|(name, text)| (format!("templates/{name}"), text.as_bytes()))
        .chain(
            crate::theme::THEME_STATIC
                .iter()
                .map(|(name, bytes)| (format!("static/{name}"), *bytes)),
        )
        .collect();
    write_new(dir, &files)
}

/// Writes the starter site into `dir` (created if needed). Refuses to overwrite anything,
/// including a dangling symbolic link, and to write through a link that leads out of `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let files: Vec<(String, &[u8])> = STARTER
        .iter()
        .map(|(rel, text)| (rel.to_string(), text.as_bytes()))
        .collect();
    write_new(dir, &files)
}

/// Writes `files` (path relative to `dir`, content) into `dir`, refusing to overwrite anything.
fn write_new(dir: &Path, files: &[(String, &[u8])]) -> Result<Vec<PathBuf>, Diagnostic> {
    let existing: Vec<String> = files
        .iter()
        .filter(|(rel, _)| std::fs::symlink_metadata(dir.join(rel)).is_ok())
        .map(|(rel, _)| rel.clone())
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
    for (rel, bytes) in files {
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
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .map_err(|e| io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
