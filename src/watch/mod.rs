//! `errdocs watch`: build once, then rebuild on every change of the site's sources.
//!
//! File-system events (notify) are debounced (module `debounce`). A rebuild does no more than the
//! change needs: an edited static file is copied alone, an edited page is re-rendered alone
//! (plus the link check, see `Site::update_page`); the catalog, a template, the config, or a
//! page created, deleted or renamed rebuild everything, staged and swapped in. A rebuild
//! computes new values and keeps the old ones on failure: a failed rebuild prints the same
//! errors as `build` and leaves the last good output in place; the next good save recovers.
//!
//! Events are classified by what is on disk when the batch is applied, read without following
//! symlinks, as the build reads the sources: a directory created, moved in, moved out or
//! removed (`content/`, `static/`, the catalog's directory, or one inside them) rebuilds
//! everything, and so does a page or static file that became a symlink (which a build skips).
//! If the kernel's event queue overflowed, everything is rebuilt too. Whatever the sequence of
//! file operations, the output is then what a fresh build of the same sources writes.

mod debounce;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::build::{self, Options, Site};
use crate::diagnostics::{Diagnostic, Problem};
use crate::output;
use crate::sources::STATIC_DIR;

/// What a rebuild did, for the one line printed about it and for live reload.
pub enum Outcome {
    /// The output changed: `what` describes the change and the work done. `base_path` is the
    /// path the site is published under (`/`, or `/docs/` for `https://example.com/docs/`).
    Rebuilt {
        what: String,
        elapsed: Duration,
        base_path: String,
    },
    /// The sources have errors; the output was left as it was.
    Failed {
        diagnostics: Vec<Diagnostic>,
        elapsed: Duration,
    },
}

impl Outcome {
    /// The one line (or the errors) to print for this rebuild.
    pub fn report(&self) -> String {
        match self {
            Outcome::Rebuilt { what, elapsed, .. } => {
                format!("rebuilt: {what} in {} ms", elapsed.as_millis())
            }
            Outcome::Failed {
                diagnostics,
                elapsed,
            } => {
                let mut s = crate::diagnostics::render_all(diagnostics);
                s.push_str(&format!(
                    "error: rebuild failed: {} error{} ({} ms); the last good output is unchanged",
                    diagnostics.len(),
                    if diagnostics.len() == 1 { "" } else { "s" },
                    elapsed.as_millis()
                ));
                s
            }
        }
    }
}

/// The site being watched: its last good build (if the last build succeeded).
struct Session {
    options: Options,
    site: Option<Site>,
    /// The catalog's path (relative to the root) as the config says, known even while the
    /// build fails.
    catalog: PathBuf,
}

/// What is at a path now, symlinks not followed (as the build reads the sources).
#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    File,
    Dir,
    /// A symlink, a pipe, ...: never a source.
    Other,
    Missing,
}

impl Kind {
    fn of(path: &Path) -> Kind {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => Kind::File,
            Ok(m) if m.is_dir() => Kind::Dir,
            Ok(_) => Kind::Other,
            Err(_) => Kind::Missing,
        }
    }
}

/// A relevant change, classified by what it touches.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
enum Change {
    /// A Markdown page under `content/` (path relative to it) that exists now.
    Page(String),
    /// A file under `static/` (relative to it) that exists now.
    Static(String),
    /// The catalog file (its path), which exists now.
    Catalog(PathBuf),
    /// Anything else that matters: catalog, templates, config, releases, deletions, renames.
    Other(PathBuf),
}

impl Session {
    fn new(options: Options) -> Self {
        let mut session = Session {
            options,
            site: None,
            catalog: PathBuf::from(crate::config::DEFAULT_CATALOG),
        };
        session.read_catalog_path();
        session
    }

    /// Reads the catalog's path from the config (kept as it was if the config is broken).
    fn read_catalog_path(&mut self) {
        let mut ignored = crate::diagnostics::Diagnostics::default();
        if let Some(config) = crate::config::load(&self.options.root, &mut ignored) {
            let catalog = if config.catalog.is_absolute() {
                let root = output::absolute(&self.options.root);
                config
                    .catalog
                    .strip_prefix(&root)
                    .map(Path::to_path_buf)
                    .ok()
            } else {
                Some(config.catalog)
            };
            if let Some(catalog) = catalog {
                self.catalog = catalog
                    .components()
                    .filter(|c| !matches!(c, std::path::Component::CurDir))
                    .collect();
            }
        }
    }

    /// A full build, staged and swapped in.
    fn full_build(&mut self, what: &str) -> Outcome {
        let started = Instant::now();
        self.read_catalog_path();
        match build::build_keeping(&self.options, true) {
            Ok((site, files)) => {
                let summary = site.summary(None, files, Duration::ZERO);
                let what = format!(
                    "{what} (full build: {} pages, {} codes, {files} files)",
                    summary.pages, summary.codes
                );
                let base_path = site.plan.resolver.base_path().to_string();
                self.site = Some(site);
                Outcome::Rebuilt {
                    what,
                    elapsed: started.elapsed(),
                    base_path,
                }
            }
            Err(diagnostics) => {
                // The sources no longer match the kept build: the next change rebuilds fully.
                self.site = None;
                Outcome::Failed {
                    diagnostics,
                    elapsed: started.elapsed(),
                }
            }
        }
    }

    /// Applies a set of changed paths (absolute) with the least work that is correct.
    fn apply(&mut self, paths: &BTreeSet<PathBuf>) -> Option<Outcome> {
        let changes: BTreeSet<Change> = paths.iter().filter_map(|p| self.classify(p)).collect();
        if changes.is_empty() {
            return None;
        }
        let what = describe(&changes, &self.options.root);
        let started = Instant::now();
        let Some(site) = self.site.as_mut() else {
            return Some(self.full_build(&what));
        };
        let incremental = changes.iter().all(|c| match c {
            Change::Page(rel) => site.sources.pages.iter().any(|p| p.rel == *rel),
            Change::Static(rel) => site.sources.has_static(rel),
            Change::Catalog(_) => true,
            Change::Other(_) => false,
        });
        if !incremental {
            return Some(self.full_build(&what));
        }
        let out_dir = self.options.output_dir();
        let mut written = 0;
        for change in &changes {
            let result = match change {
                Change::Static(rel) => {
                    let from = self.options.root.join(STATIC_DIR).join(rel);
                    std::fs::read(&from)
                        .and_then(|bytes| output::write_file(&out_dir, rel, &bytes))
                        .map(|()| Some(1))
                        .map_err(|e| io_error(&from, e))
                }
                Change::Page(_) | Change::Catalog(_) => match match change {
                    Change::Page(rel) => site.update_page(rel),
                    _ => site.update_catalog(),
                } {
                    Ok(Some(files)) => write_changed(&out_dir, &files).map(Some),
                    Ok(None) => Ok(None),
                    Err(d) => Err(d),
                },
                Change::Other(_) => Ok(None),
            };
            match result {
                Ok(Some(n)) => written += n,
                Ok(None) => return Some(self.full_build(&what)),
                Err(diagnostics) => {
                    return Some(Outcome::Failed {
                        diagnostics,
                        elapsed: started.elapsed(),
                    });
                }
            }
        }
        Some(Outcome::Rebuilt {
            what: format!("{what} ({written} files written)"),
            elapsed: started.elapsed(),
            base_path: site.plan.resolver.base_path().to_string(),
        })
    }

    /// Sorts a path into what it touches, or `None` if it does not matter (the output, editor
    /// swap files, other files in the site directory). The site root itself (a rescan after
    /// the event queue overflowed) touches everything.
    fn classify(&self, path: &Path) -> Option<Change> {
        let root = output::absolute(&self.options.root);
        // Symlinks resolved in the directories only: the path itself may be one.
        let path = match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) => output::absolute(dir).join(name),
            _ => output::absolute(path),
        };
        if self.in_output(&path) {
            return None;
        }
        let rel = path.strip_prefix(&root).ok()?;
        // The config, the catalog, or a directory holding the catalog.
        if rel == self.catalog && Kind::of(&path) == Kind::File {
            return Some(Change::Catalog(path));
        }
        if rel.as_os_str().is_empty()
            || rel == Path::new(crate::config::CONFIG_FILE)
            || self.catalog.starts_with(rel)
        {
            return Some(Change::Other(path));
        }
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next()?.into_owned();
        let name = parts.collect::<Vec<_>>().join("/");
        let kind = Kind::of(&path);
        match first.as_str() {
            crate::content::CONTENT_DIR if name.ends_with(".md") => match kind {
                Kind::File => Some(Change::Page(name)),
                Kind::Dir => Some(Change::Other(path)),
                // Gone, or a symlink now: a change only if it was a page.
                Kind::Other | Kind::Missing => self.was_page(&name).then_some(Change::Other(path)),
            },
            crate::content::CONTENT_DIR => match kind {
                Kind::Dir => Some(Change::Other(path)),
                _ => (name.is_empty() || self.held_pages(&name)).then_some(Change::Other(path)),
            },
            STATIC_DIR | crate::theme::TEMPLATES_DIR if is_editor_temp(&name) => None,
            STATIC_DIR => match kind {
                Kind::File if !name.is_empty() => Some(Change::Static(name)),
                Kind::File | Kind::Dir => Some(Change::Other(path)),
                Kind::Other | Kind::Missing => {
                    (name.is_empty() || self.held_statics(&name)).then_some(Change::Other(path))
                }
            },
            crate::theme::TEMPLATES_DIR => Some(Change::Other(path)),
            // Past releases' exports: the changelog and its feed are made from them.
            crate::releases::RELEASES_DIR
                if name.is_empty() || name.ends_with(".json") || kind == Kind::Dir =>
            {
                Some(Change::Other(path))
            }
            _ => None,
        }
    }

    /// Whether `path` is in the output directory or one of the staging and old directories of
    /// its swap, which sit beside it.
    fn in_output(&self, path: &Path) -> bool {
        let out = output::absolute(&self.options.output_dir());
        if path.starts_with(&out) {
            return true;
        }
        let (Some(name), Some(parent)) = (out.file_name(), out.parent()) else {
            return false;
        };
        let prefix = format!(".{}.errdocs-", name.to_string_lossy());
        path.strip_prefix(parent).is_ok_and(|rest| {
            rest.components()
                .next()
                .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with(&prefix))
        })
    }

    /// Whether `content/REL` was a page of the last build (always, if there is none).
    fn was_page(&self, rel: &str) -> bool {
        self.site
            .as_ref()
            .is_none_or(|s| s.sources.pages.iter().any(|p| p.rel == rel))
    }

    /// Whether the directory `content/DIR` held pages of the last build (always, if none).
    fn held_pages(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.site
            .as_ref()
            .is_none_or(|s| s.sources.pages.iter().any(|p| p.rel.starts_with(&prefix)))
    }

    /// Whether `static/NAME` was, or held, a static file of the last build (always, if none).
    fn held_statics(&self, name: &str) -> bool {
        let prefix = format!("{name}/");
        self.site.as_ref().is_none_or(|s| {
            s.sources
                .statics
                .iter()
                .any(|(r, _)| r == name || r.starts_with(&prefix))
        })
    }
}

/// Files up to this size are compared with what the output holds before they are written
/// (a code page near an edited code often comes out the same); larger ones (the reference
/// page, `errors.json`) are written without reading them first.
const COMPARED_BYTES: usize = 256 * 1024;

/// Writes each file (path in the output, content) unless it is a small one the output already
/// holds as it is, on every core; returns how many were written.
fn write_changed(out_dir: &Path, files: &[(String, String)]) -> Result<usize, Vec<Diagnostic>> {
    use rayon::prelude::*;
    let written: Result<Vec<bool>, Vec<Diagnostic>> = files
        .par_iter()
        .map(|(file, text)| {
            let path = out_dir.join(file);
            let same_size = text.len() <= COMPARED_BYTES
                && std::fs::metadata(&path).is_ok_and(|m| m.len() == text.len() as u64);
            if same_size && std::fs::read(&path).is_ok_and(|now| now == text.as_bytes()) {
                return Ok(false);
            }
            output::write_file(out_dir, file, text.as_bytes())
                .map(|()| true)
                .map_err(|e| io_error(&path, e))
        })
        .collect();
    Ok(written?.into_iter().filter(|&w| w).count())
}

fn io_error(path: &Path, e: std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::bare(Problem::Io {
        action: "write the change",
        message: format!("{}: {e}", path.display()),
    })]
}

/// Swap and backup files editors write next to the real one.
fn is_editor_temp(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.ends_with('~')
        || base.ends_with(".swp")
        || base.ends_with(".swx")
        || base.starts_with(".#")
        || base.starts_with("#")
        || base.ends_with(".tmp")
}

/// `content/guide.md`, or `3 files` for a burst.
fn describe(changes: &BTreeSet<Change>, _root: &Path) -> String {
    let names: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::Page(rel) => format!("content/{rel}"),
            Change::Static(rel) => format!("static/{rel}"),
            Change::Catalog(p) | Change::Other(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        })
        .collect();
    match names.as_slice() {
        [one] => one.clone(),
        many if many.len() <= 3 => many.join(", "),
        many => format!("{} and {} more", many[..2].join(", "), many.len() - 2),
    }
}

/// Watches the site and calls `on_outcome` after the first build and after every rebuild.
/// Returns only on a watcher error.
pub fn run(
    options: Options,
    debounce: Duration,
    mut on_outcome: impl FnMut(&Outcome),
) -> Result<(), Diagnostic> {
    let watch_error = |e: &dyn std::fmt::Display| {
        Diagnostic::bare(Problem::Io {
            action: "watch the site's files",
            message: e.to_string(),
        })
    };
    let mut session = Session::new(options);
    // Watch before the first build, so that no save made after it is missed.
    let (tx, rx) = mpsc::channel();
    let root = session.options.root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return;
        };
        if event.need_rescan() {
            // Events were lost: the root stands for "everything".
            let _ = tx.send(vec![root.clone()]);
        } else if !matches!(event.kind, notify::EventKind::Access(_)) {
            // Reads (our own builds open every source) are not changes.
            let _ = tx.send(event.paths);
        }
    })
    .map_err(|e| watch_error(&e))?;
    watcher
        .watch(&session.options.root, RecursiveMode::Recursive)
        .map_err(|e| watch_error(&format!("{}: {e}", session.options.root.display())))?;
    let first = session.full_build("initial build");
    on_outcome(&first);

    let mut debouncer = debounce::Debouncer::new(debounce);
    loop {
        let received = match debouncer.deadline() {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(deadline) => rx.recv_timeout(deadline.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(paths) => debouncer.event(Instant::now(), paths),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(watch_error(&"the file watcher stopped"));
            }
        }
        if let Some(paths) = debouncer.due(Instant::now())
            && let Some(outcome) = session.apply(&paths)
        {
            on_outcome(&outcome);
            debouncer.rebuilt(Instant::now());
        }
    }
}
