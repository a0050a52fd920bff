//! Writing the built site without ever destroying what is not ours.
//!
//! - **Ownership.** errdocs only replaces a directory it made: every output holds a small marker
//!   file, [`MARKER`]. A non-empty directory without it is refused unless the user passes
//!   `--force`; a directory holding a `.git`, or that is, contains or lies inside one of the
//!   site's configured sources, is refused always ([`check_target`]).
//! - **Atomicity.** A build is written into a staging directory beside the output
//!   ([`Staging`]) and swapped in only when complete: on Linux with one atomic
//!   `renameat2(RENAME_EXCHANGE)`, so there is no instant without an output, elsewhere with two
//!   renames. A failed or interrupted build leaves the previous output as it was.
//! - **No litter.** Staging and old directories are named `.NAME.errdocs-staging-*` beside the
//!   output. While writing, errdocs holds a lock on the output's parent directory; whatever
//!   such directories it finds under that lock were left by a killed build and are removed.

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Problem;

/// The file that marks a directory as errdocs output (written at its root by every build).
pub(crate) const MARKER: &str = ".errdocs-output";
const MARKER_TEXT: &str = "This directory is the output of errdocs. `errdocs build` replaces it \
whole on every build.\nDelete this file to keep errdocs from ever replacing the directory.\n";

/// An absolute, lexically normalized path whose existing part has its symlinks resolved (the
/// output may not exist yet, so it cannot simply be canonicalized).
pub(crate) fn absolute(path: &Path) -> PathBuf {
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

/// Whether `output` may be (re)written by a build. `root` is the site root and `sources` the
/// site's configured source paths (config, catalog, content, templates, static), relative to
/// the root or absolute.
pub(crate) fn check_target(
    root: &Path,
    output: &Path,
    sources: &[PathBuf],
    force: bool,
) -> Result<(), Problem> {
    let out = absolute(output);
    let root = absolute(root);
    // Equal to or containing the site root means containing every source.
    if root.starts_with(&out) {
        return Err(Problem::OutputHoldsSources {
            output: out,
            source: root,
        });
    }
    for source in sources {
        let source = absolute(&root.join(source));
        if source.starts_with(&out) {
            return Err(Problem::OutputHoldsSources {
                output: out,
                source,
            });
        }
        if source.is_dir() && out.starts_with(&source) {
            return Err(Problem::OutputInsideSources {
                output: out,
                source,
            });
        }
    }
    let meta = match std::fs::symlink_metadata(&out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Problem::Io {
                action: "inspect the output directory",
                message: format!("{}: {e}", out.display()),
            });
        }
    };
    if !meta.is_dir() {
        return Err(Problem::OutputNotADirectory { output: out });
    }
    if out.join(".git").exists() {
        return Err(Problem::OutputHoldsGit { output: out });
    }
    if out.join(MARKER).is_file() || force {
        return Ok(());
    }
    let empty = std::fs::read_dir(&out)
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(false);
    if empty {
        Ok(())
    } else {
        Err(Problem::OutputNotOurs {
            output: out,
            marker: MARKER,
        })
    }
}

/// A build being written: a staging directory beside the output, swapped in by
/// [`Staging::commit`]. Dropped without a commit, it removes itself and the output is untouched.
pub(crate) struct Staging {
    dir: Option<tempfile::TempDir>,
    output: PathBuf,
    /// Held while writing: serializes builds into the same parent and proves that staging
    /// directories found beside the output belong to no running build.
    _lock: Option<File>,
    /// Dropped last: a Ctrl-C waits until the staging directory is gone.
    _busy: crate::interrupt::Busy,
}

impl Staging {
    /// Locks the output's parent, removes what killed builds left beside the output, and creates
    /// an empty staging directory holding the output marker.
    pub(crate) fn begin(output: &Path) -> io::Result<Staging> {
        let busy = crate::interrupt::Busy::new();
        // After registering as busy: a signal either sees this work or this sees the signal.
        crate::interrupt::check()?;
        let output = absolute(output);
        let (parent, name) = parent_and_name(&output)?;
        std::fs::create_dir_all(&parent)?;
        let lock = lock_dir(&parent);
        remove_leftovers(&parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.errdocs-staging-"))
            .tempdir_in(&parent)?;
        std::fs::write(dir.path().join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            dir: Some(dir),
            output,
            _lock: lock,
            _busy: busy,
        })
    }

    fn path(&self) -> io::Result<&Path> {
        self.dir
            .as_ref()
            .map(tempfile::TempDir::path)
            .ok_or_else(|| io::Error::other("the staging directory is gone"))
    }

    /// Writes one file (`rel` uses `/` separators) into the staging directory.
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        crate::interrupt::check()?;
        let path = self.path()?.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&path, bytes)
    }

    /// Copies the file `from` into the staging directory as `rel`.
    /// Writes the file `rel` of the output with `fill`, through a buffer (for files too big to
    /// hold in memory first).
    pub(crate) fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        crate::interrupt::check()?;
        let path = self.path()?.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        let mut out = io::BufWriter::new(File::create(&path)?);
        fill(&mut out)?;
        io::Write::flush(&mut out)
    }

    pub(crate) fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        crate::interrupt::check()?;
        let path = self.path()?.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::copy(from, &path).map(drop)
    }

    /// Swaps the staging directory in as the output. The previous output is removed afterwards;
    /// on any failure before the swap the previous output is left exactly as it was.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        crate::interrupt::check()?;
        let Some(dir) = self.dir.take() else {
            return Err(io::Error::other("the staging directory is gone"));
        };
        let staging = dir.keep();
        let result = swap_in(&staging, &self.output);
        if result.is_err() {
            remove_tree(&staging);
        }
        result
    }
}

/// Puts `staging` at `output`; afterwards `staging` no longer exists.
fn swap_in(staging: &Path, output: &Path) -> io::Result<()> {
    let exists = std::fs::symlink_metadata(output).is_ok();
    if !exists {
        return std::fs::rename(staging, output);
    }
    if exchange(staging, output)? {
        // `staging` now holds the previous output.
        remove_tree(staging);
        return Ok(());
    }
    // No atomic exchange on this system: two renames, putting the old output back on failure.
    let (parent, name) = parent_and_name(output)?;
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.errdocs-old-"))
        .tempdir_in(&parent)?
        .keep();
    std::fs::remove_dir(&old)?;
    std::fs::rename(output, &old)?;
    if let Err(e) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(&old, output);
        return Err(e);
    }
    remove_tree(&old);
    Ok(())
}

/// Atomically exchanges two directories. `Ok(false)` when the system cannot (then nothing
/// happened).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

fn parent_and_name(output: &Path) -> io::Result<(PathBuf, String)> {
    let parent = output
        .parent()
        .ok_or_else(|| io::Error::other("the output directory has no parent"))?;
    let name = output
        .file_name()
        .ok_or_else(|| io::Error::other("the output directory has no name"))?
        .to_string_lossy()
        .into_owned();
    Ok((parent.to_path_buf(), name))
}

/// An exclusive lock on a directory (released when the process ends, however it ends).
fn lock_dir(dir: &Path) -> Option<File> {
    let file = File::open(dir).ok()?;
    file.lock().ok()?;
    Some(file)
}

/// Removes staging and old directories of `name` left by killed builds (the caller holds the
/// lock, so none of them belongs to a running build).
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.errdocs-staging-"),
        format!(".{name}.errdocs-old-"),
    ];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            remove_tree(&entry.path());
        }
    }
}

/// Removes a directory tree that errdocs made, making read-only directories in it writable if
/// that is what stands in the way. Best effort: what cannot be removed now is removed by the
/// next build.
fn remove_tree(path: &Path) {
    if std::fs::remove_dir_all(path).is_ok() || !path.exists() {
        return;
    }
    for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
        if entry.file_type().is_dir()
            && let Ok(meta) = entry.metadata()
        {
            let mut perms = meta.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            let _ = std::fs::set_permissions(entry.path(), perms);
        }
    }
    let _ = std::fs::remove_dir_all(path);
}

/// Replaces one file of an existing output atomically (written beside it, then renamed), for
/// incremental rebuilds.
pub(crate) fn write_file(output: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = output.join(rel);
    let parent = path
        .parent()
        .ok_or_else(|| io::Error::other("no parent directory"))?;
    std::fs::create_dir_all(parent)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".errdocs-tmp-")
        .tempfile_in(parent)?;
    io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<PathBuf> {
        ["errdocs.toml", "catalog/errors.toml", "content", "static"]
            .into_iter()
            .map(PathBuf::from)
            .collect()
    }

    #[test]
    fn refuses_outputs_overlapping_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("static")).unwrap();
        let ok = |out: &Path| check_target(root, out, &sources(), false);
        assert!(ok(&root.join("public")).is_ok());
        assert!(ok(root).is_err());
        assert!(ok(&root.join("..")).is_err());
        assert!(ok(&root.join("content")).is_err());
        assert!(ok(&root.join("static/out")).is_err());
        assert!(ok(&root.join("catalog")).is_err(), "holds the catalog");
        assert!(
            check_target(root, root, &sources(), true).is_err(),
            "even forced"
        );
    }

    #[test]
    fn replaces_only_its_own_or_empty_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        assert!(check_target(&root, &out, &[], false).is_ok(), "empty");
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        assert_eq!(
            check_target(&root, &out, &[], false),
            Err(Problem::OutputNotOurs {
                output: absolute(&out),
                marker: MARKER,
            })
        );
        assert!(check_target(&root, &out, &[], true).is_ok(), "forced");
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check_target(&root, &out, &[], false).is_ok(), "marked");
        std::fs::create_dir(out.join(".git")).unwrap();
        assert!(check_target(&root, &out, &[], true).is_err(), ".git");
    }

    #[test]
    fn a_commit_swaps_and_leaves_nothing_beside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for round in 0..3 {
            let staging = Staging::begin(&out).unwrap();
            staging
                .write("a/index.html", round.to_string().as_bytes())
                .unwrap();
            staging.commit().unwrap();
            assert_eq!(
                std::fs::read_to_string(out.join("a/index.html")).unwrap(),
                round.to_string()
            );
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn a_dropped_staging_directory_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::begin(&out).unwrap();
        s.write("x.html", b"one").unwrap();
        s.commit().unwrap();
        let s = Staging::begin(&out).unwrap();
        s.write("x.html", b"two").unwrap();
        drop(s);
        assert_eq!(std::fs::read_to_string(out.join("x.html")).unwrap(), "one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for leftover in [".public.errdocs-staging-123", ".public.errdocs-old-9abc"] {
            std::fs::create_dir_all(dir.path().join(leftover).join("deep")).unwrap();
        }
        std::fs::create_dir_all(dir.path().join(".other.errdocs-staging-1")).unwrap();
        Staging::begin(&out).unwrap().commit().unwrap();
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec![".other.errdocs-staging-1", "public"]);
    }
}
