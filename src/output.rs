//! Writing the built site: into a staging directory beside the output, swapped in only when the
//! whole site was written, so a failed build never damages the previous output.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Problem;

/// One file of the built site.
pub struct OutputFile {
    /// Path inside the output directory, with `/` separators.
    pub path: String,
    pub content: Content,
}

pub enum Content {
    Bytes(Vec<u8>),
    /// Text shared with the in-memory build (rendered pages), not copied.
    Shared(std::sync::Arc<str>),
    /// Copied from this file (static files), without loading it into memory.
    Copy(PathBuf),
}

/// An absolute, lexically normalized path (the output may not exist yet, so no canonicalize).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks of the part that exists, so `/tmp/link/..` style aliases compare equal.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Refuses an output directory that is the site root, contains it, or lies inside a source
/// directory (`content/`, `catalog/`, `templates/`, `static/`).
pub fn check_output_dir(root: &Path, output: &Path, source_dirs: &[&str]) -> Result<(), Problem> {
    let root = absolute(root);
    let out = absolute(output);
    let overlaps = root.starts_with(&out)
        || source_dirs
            .iter()
            .map(|d| root.join(d))
            .any(|d| out.starts_with(&d));
    if overlaps {
        return Err(Problem::OutputOverlapsSources {
            output: out,
            sources: root,
        });
    }
    Ok(())
}

/// Writes `files` as the new content of `output`: staged first, then swapped in.
pub fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    let output = absolute(output);
    let parent = output
        .parent()
        .ok_or_else(|| io::Error::other("the output directory has no parent"))?;
    let name = output
        .file_name()
        .ok_or_else(|| io::Error::other("the output directory has no name"))?
        .to_string_lossy()
        .into_owned();
    std::fs::create_dir_all(parent)?;
    if output.exists() && !output.is_dir() {
        return Err(io::Error::other(format!(
            "{} exists and is not a directory",
            output.display()
        )));
    }
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.errdocs-staging-{pid}"));
    let old = parent.join(format!(".{name}.errdocs-old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let written = write_all(&staging, files);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if output.exists() {
        let _ = std::fs::remove_dir_all(&old);
        if let Err(e) = std::fs::rename(&output, &old) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    }
    if let Err(e) = std::fs::rename(&staging, &output) {
        // Put the previous output back.
        let _ = std::fs::rename(&old, &output);
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Replaces one file of an existing output atomically (written beside it, then renamed), for
/// incremental rebuilds.
pub fn write_file(output: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = output.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("no file name"))?
        .to_string_lossy()
        .into_owned();
    let tmp = path.with_file_name(format!(".{name}.errdocs-tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for file in files {
        let path = dir.join(&file.path);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        match &file.content {
            Content::Bytes(b) => std::fs::write(&path, b)?,
            Content::Shared(text) => std::fs::write(&path, text.as_bytes())?,
            Content::Copy(from) => {
                std::fs::copy(from, &path)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_outputs_overlapping_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let dirs = ["content", "static"];
        assert!(check_output_dir(root, &root.join("public"), &dirs).is_ok());
        assert!(check_output_dir(root, root, &dirs).is_err());
        assert!(check_output_dir(root, &root.join(".."), &dirs).is_err());
        assert!(check_output_dir(root, &root.join("content"), &dirs).is_err());
        assert!(check_output_dir(root, &root.join("static/out"), &dirs).is_err());
    }
}
