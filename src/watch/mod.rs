//! `errdocs watch`: build once, then rebuild on every change of the site's sources.
//!
//! File-system events (notify) are debounced (module `debounce`). A rebuild does no more than the
//! change needs: an edited static file is copied alone, an edited page is re-rendered alone
//! (plus the link check, see `Site::update_page`); the catalog, a template, the config, or a
//! page created, deleted or renamed rebuild everything, staged and swapped in. A rebuild
//! computes new values and keeps the old ones on failure: a failed rebuild prints the same
//! errors as `build` and leaves the last good output in place; the next good save recovers.

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
    /// The output changed: `what` describes the change and the work done.
    Rebuilt { what: String, elapsed: Duration },
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
            Outcome::Rebuilt { what, elapsed } => {
                format!("rebuilt: {what} in {} ms", elapsed.as_millis())
            }
            Outcome::Failed {
                diagnostics,
                elapsed,
            } => {
                let mut s: String = diagnostics.iter().map(|d| format!("{d}\n")).collect();
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
}

/// A relevant change, classified by what it touches.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
enum Change {
    /// A Markdown page under `content/` (path relative to it) that exists now.
    Page(String),
    /// A file under `static/` (relative to it) that exists now.
    Static(String),
    /// Anything else that matters: catalog, templates, config, deletions, renames.
    Other(PathBuf),
}

impl Session {
    fn new(options: Options) -> Self {
        Session {
            options,
            site: None,
        }
    }

    /// A full build, staged and swapped in.
    fn full_build(&mut self, what: &str) -> Outcome {
        let started = Instant::now();
        match build::build_keeping(&self.options) {
            Ok((site, files)) => {
                let summary = site.summary(None, files, Duration::ZERO);
                let what = format!(
                    "{what} (full build: {} pages, {} codes, {files} files)",
                    summary.pages, summary.codes
                );
                self.site = Some(site);
                Outcome::Rebuilt {
                    what,
                    elapsed: started.elapsed(),
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
                Change::Page(rel) => match site.update_page(rel) {
                    Ok(Some(files)) => files
                        .iter()
                        .try_for_each(|(file, text)| {
                            output::write_file(&out_dir, file, text.as_bytes())
                                .map_err(|e| io_error(&out_dir.join(file), e))
                        })
                        .map(|()| Some(files.len())),
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
        })
    }

    /// Sorts a path into what it touches, or `None` if it does not matter (the output, editor
    /// swap files, other files in the site directory).
    fn classify(&self, path: &Path) -> Option<Change> {
        let root = output::absolute(&self.options.root);
        let out = output::absolute(&self.options.output_dir());
        let path = output::absolute(path);
        let out_name = out.file_name().map(|n| n.to_string_lossy().into_owned());
        if path.starts_with(&out) {
            return None;
        }
        // Staging and old directories of the output swap sit beside it.
        if let (Some(name), Some(parent)) = (&out_name, out.parent())
            && let Ok(rest) = path.strip_prefix(parent)
            && rest.components().next().is_some_and(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .starts_with(&format!(".{name}.errdocs-"))
            })
        {
            return None;
        }
        let rel = path.strip_prefix(&root).ok()?;
        let first = rel
            .components()
            .next()?
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        let rest = || {
            rel.components()
                .skip(1)
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        let catalog = self.site.as_ref().map_or_else(
            || PathBuf::from(crate::config::DEFAULT_CATALOG),
            |s| s.sources.config.catalog.clone(),
        );
        match first.as_str() {
            crate::content::CONTENT_DIR => {
                let name = rest();
                if !name.ends_with(".md") {
                    return None;
                }
                Some(if path.is_file() {
                    Change::Page(name)
                } else {
                    Change::Other(path)
                })
            }
            STATIC_DIR => {
                let name = rest();
                if name.is_empty() || is_editor_temp(&name) {
                    return None;
                }
                Some(if path.is_file() {
                    Change::Static(name)
                } else {
                    Change::Other(path)
                })
            }
            crate::theme::TEMPLATES_DIR => {
                (!is_editor_temp(&rest())).then_some(Change::Other(path))
            }
            _ if rel == Path::new(crate::config::CONFIG_FILE) || rel == catalog => {
                Some(Change::Other(path))
            }
            _ => None,
        }
    }
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
            Change::Other(p) => p.file_name().map_or_else(
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
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reads (our own builds open every source) are not changes.
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
        {
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
