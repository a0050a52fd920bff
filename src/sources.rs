//! Stage 1: reading everything a site is made of: the config, the catalog, the Markdown pages
//! (with their directives resolved against the catalog), the theme and the static files.
//!
//! Every source is read even when another one is broken, so one run reports the problems of
//! all of them.

use std::path::{Path, PathBuf};

use crate::catalog::{self, Catalog};
use crate::config::{self, Config};
use crate::content::{self, Directives, Page};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem, Source};
use crate::theme::{THEME_STATIC, Theme};

pub(crate) const STATIC_DIR: &str = "static";

/// The sources of a site, read and validated.
pub(crate) struct Sources {
    pub(crate) config: Config,
    pub(crate) catalog: Catalog,
    /// Every `content/**/*.md`, sorted by path.
    pub(crate) pages: Vec<Page>,
    /// The directive blocks of each page (same order as `pages`).
    pub(crate) directives: Vec<Directives>,
    pub(crate) theme: Theme,
    /// Files under `static/`: (path inside the output, file on disk), sorted.
    pub(crate) statics: Vec<(String, PathBuf)>,
}

impl Sources {
    /// Reads the site at `root`; `base_url` overrides the config's.
    pub(crate) fn load(root: &Path, base_url: Option<&str>) -> Result<Sources, Diagnostics> {
        let mut diags = Diagnostics::default();
        let Some(mut config) = config::load(root, &mut diags) else {
            return Err(diags);
        };
        if let Some(url) = base_url
            && let Err(d) = config.set_base_url(url)
        {
            diags.push(d);
        }
        let catalog = load_catalog(root, &config, &mut diags);
        let pages = content::load_pages(root, &mut diags);
        let theme = Theme::load(root, &mut diags);
        let statics = static_files(root, &mut diags);
        if let Some(theme) = &theme {
            let used = pages.iter().map(|p| p.template.clone()).collect();
            theme.check_unused(&used, &mut diags);
        }
        let (Some(catalog), Some(theme)) = (catalog, theme) else {
            return Err(diags);
        };
        let directives: Vec<Directives> = pages
            .iter()
            .map(|p| content::directive_blocks(p, &catalog, &mut diags))
            .collect();
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(Sources {
            config,
            catalog,
            pages,
            directives,
            theme,
            statics,
        })
    }

    /// Whether `rel` (relative to `static/`) is a static file of the site.
    pub(crate) fn has_static(&self, rel: &str) -> bool {
        self.statics.iter().any(|(r, _)| r == rel)
    }

    /// The theme's static files the site does not replace: (path inside the output, bytes).
    pub(crate) fn theme_files(&self) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
        THEME_STATIC
            .iter()
            .copied()
            .filter(|(rel, _)| !self.has_static(rel))
    }
}

pub(crate) fn load_catalog(
    root: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<Catalog> {
    let path = root.join(&config.catalog);
    if !path.is_file() {
        let why = if path.exists() {
            "not a file"
        } else {
            "no such file"
        };
        diags.push(Diagnostic::at(
            Problem::Io {
                action: "read the catalog",
                message: format!("{}: {why}", config.catalog.display()),
            },
            Location::file(Path::new(config::CONFIG_FILE)),
        ));
        return None;
    }
    match Source::read(&path, &config.catalog) {
        Ok(source) => catalog::load(source, config.versioning, diags),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Every file under `static/`, as (path inside the output, file on disk), sorted.
fn static_files(root: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let dir = root.join(STATIC_DIR);
    crate::files::walk(root, STATIC_DIR, |_| true, diags)
        .into_iter()
        .map(|path| (crate::files::relative(&path, &dir), path))
        .collect()
}
