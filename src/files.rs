//! Walking the site's source directories: sorted for deterministic output, symbolic links
//! followed when they stay inside the site, reported when they lead out of it.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};

/// Every file under `root/dir` (a directory of the site) accepted by `wanted`, sorted by path.
/// A missing directory has no files.
pub(crate) fn walk(
    root: &Path,
    dir: &str,
    wanted: impl Fn(&Path) -> bool,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut out = Vec::new();
    for entry in WalkDir::new(&base).follow_links(true).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().unwrap_or(&base);
                let shown = at.strip_prefix(root).unwrap_or(at);
                diags.push(Diagnostic::at(
                    Problem::Io {
                        action: "read the site's files",
                        message: e.to_string(),
                    },
                    Location::file(shown),
                ));
                continue;
            }
        };
        if entry.path_is_symlink() {
            let target = entry.path().canonicalize().unwrap_or_default();
            if !target.starts_with(&site) {
                let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
                diags.push(Diagnostic::at(
                    Problem::SymlinkOutsideSite { target },
                    Location::file(shown),
                ));
                continue;
            }
        }
        if entry.file_type().is_file() && wanted(entry.path()) {
            out.push(entry.into_path());
        }
    }
    out
}

/// `path` relative to `base`, with `/` separators.
pub(crate) fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
