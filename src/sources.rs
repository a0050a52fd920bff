//! Stage 1: reading everything a site is made of: the config, the catalog, the Markdown pages
//! (with their directives resolved against the catalog), the theme and the static files.
//!
//! Every source is read even when another one is broken, so one run reports the problems of
//! all of them.

use std::collections::BTreeSet;
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
    /// The catalog; empty when it failed to load (see `unplanned`).
    pub(crate) catalog: Catalog,
    /// Every `content/**/*.md` that was read without error, sorted by path.
    pub(crate) pages: Vec<Page>,
    /// The directive blocks of each page (same order as `pages`).
    pub(crate) directives: Vec<Directives>,
    pub(crate) theme: Theme,
    /// Files under `static/`: (path inside the output, file on disk), sorted.
    pub(crate) statics: Vec<(String, PathBuf)>,
    /// Past releases' exports (`releases/*.json`), oldest first.
    pub(crate) releases: Vec<crate::releases::Release>,
    /// Site paths of the pages left out of this run because of an error already reported (a
    /// bad front matter, a bad directive, directives while the catalog is broken): links to
    /// them are not reported (one mistake, one error).
    pub(crate) failed: BTreeSet<String>,
    /// While the catalog is broken: path prefixes under which it would make pages (code pages,
    /// categories' `page_path`, aliases, the category pages of a split catalog left out). Links
    /// there are not reported either.
    pub(crate) unplanned: Vec<String>,
}

impl Sources {
    /// Reads the site at `root`; `base_url` overrides the config's. Returns the sources with
    /// the problems found in them, so the later stages can still check what does not depend
    /// on a broken source (pages without directives when the catalog is broken, the pages
    /// next to one with a bad front matter); `Err` when nothing can be checked further (the
    /// config or the theme is broken).
    pub(crate) fn load(
        root: &Path,
        base_url: Option<&str>,
    ) -> Result<(Sources, Diagnostics), Diagnostics> {
        let mut diags = Diagnostics::default();
        let Some(mut config) = config::load(root, &mut diags) else {
            return Err(diags);
        };
        if let Some(url) = base_url
            && let Err(d) = config.set_base_url(url)
        {
            diags.push(d);
        }
        let mut failed = BTreeSet::new();
        let (catalog, catalog_text, pages, theme) =
            load_catalog_and_pages(root, &config, &mut diags, &mut failed);
        let (catalog, catalog_text) = match catalog {
            Some(c) if fits_site(&c, &config, theme.as_ref(), &mut diags) => {
                (Some(c), catalog_text)
            }
            Some(c) => (None, c.source.text),
            None => (None, catalog_text),
        };
        let statics = static_files(root, &mut diags);
        let releases = crate::releases::load(root, &mut diags);
        if let Some(theme) = &theme {
            let used = pages.iter().map(|p| p.template.clone()).collect();
            theme.check_unused(&used, &mut diags);
        }
        let mut unplanned = match &catalog {
            Some(_) => Vec::new(),
            None => unplanned_prefixes(&config, &catalog_text),
        };
        let catalog_ok = catalog.is_some();
        let catalog = catalog
            .unwrap_or_else(|| Catalog::empty(Source::new(config.catalog.clone(), String::new())));
        let mut kept = Vec::new();
        let mut directives: Vec<Directives> = Vec::new();
        for page in pages {
            let mut own = Diagnostics::default();
            let blocks = content::directive_blocks(&page, &catalog, &mut own);
            // Without the catalog, a page with directives cannot be checked: it is skipped.
            let skip = if catalog_ok {
                !own.is_empty()
            } else {
                !blocks.is_empty()
            };
            if catalog_ok {
                diags.extend(own);
            }
            if skip {
                // A split catalog left out would have made its category pages under it.
                if blocks.iter().flatten().any(|d| d.splits()) {
                    unplanned.push(crate::split::directory(&page.url));
                }
                failed.insert(page.url.clone());
            } else {
                kept.push(page);
                directives.push(blocks);
            }
        }
        let Some(theme) = theme else {
            return Err(diags);
        };
        let sources = Sources {
            config,
            catalog,
            pages: kept,
            directives,
            theme,
            statics,
            releases,
            failed,
            unplanned,
        };
        Ok((sources, diags))
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

/// A problem details envelope's `type` URIs are the absolute URLs of its codes' pages: without
/// a `base_url` there are none, which is an error at its `kind`.
fn problems_need_base_url(catalog: &Catalog, diags: &mut Diagnostics) {
    for e in &catalog.envelopes {
        if let Some(span) = &e.problem {
            diags.at(
                crate::diagnostics::Problem::Rfc9457NeedsBaseUrl {
                    envelope: e.id.clone(),
                },
                &catalog.source,
                span.clone(),
            );
        }
    }
}

/// The catalog (`None` when it has errors) and its text (empty when it cannot be read).
/// Checks what the catalog needs of the rest of the site: a `base_url` for problem details
/// envelopes, ids the theme does not write itself. False when the catalog cannot be used
/// (its ids clash with the theme's: rendering would only report the clash again per page).
fn fits_site(
    catalog: &Catalog,
    config: &Config,
    theme: Option<&Theme>,
    diags: &mut Diagnostics,
) -> bool {
    if config.base_url.is_none() {
        problems_need_base_url(catalog, diags);
    }
    theme.is_none_or(|theme| check_theme_ids(catalog, theme, diags))
}

/// Reports catalog ids (category ids, code anchors and old anchors) that the theme's page
/// template writes itself on every page; false when there is one.
fn check_theme_ids(catalog: &Catalog, theme: &Theme, diags: &mut Diagnostics) -> bool {
    let chrome = theme.chrome_ids(&["page.html"]);
    if chrome.is_empty() {
        return true;
    }
    let before = diags.len();
    let source = &catalog.source;
    for c in &catalog.categories {
        if chrome.contains(&c.id) {
            diags.at(
                Problem::ThemeIdClash {
                    what: "category id",
                    id: c.id.clone(),
                },
                source,
                c.id_span.clone(),
            );
        }
    }
    for code in &catalog.codes {
        let old = code.aliases.iter().filter_map(|a| match a {
            crate::catalog::Alias::Code { anchor, .. } => Some(anchor),
            _ => None,
        });
        for (what, anchor) in std::iter::once(("code anchor", &code.anchor))
            .chain(old.map(|a| ("old code anchor", a)))
        {
            if chrome.contains(anchor) {
                diags.at(
                    Problem::ThemeIdClash {
                        what,
                        id: anchor.clone(),
                    },
                    source,
                    code.span.clone(),
                );
            }
        }
    }
    diags.len() == before
}

/// The catalog (or, if it has problems, its text), the pages and the theme: the catalog (the
/// largest source) is read on one core, the pages and the theme on the other.
fn load_catalog_and_pages(
    root: &Path,
    config: &Config,
    diags: &mut Diagnostics,
    failed: &mut BTreeSet<String>,
) -> (Option<Catalog>, String, Vec<Page>, Option<Theme>) {
    let ((catalog, text, catalog_diags), (pages, theme, page_diags)) = rayon::join(
        || {
            let mut own = Diagnostics::default();
            let (catalog, text) = load_catalog(root, config, &mut own);
            (catalog, text, own)
        },
        || {
            let mut own = Diagnostics::default();
            let pages = content::load_pages(root, config.trailing_slash, &mut own, failed);
            let theme = Theme::load(root, &mut own);
            (pages, theme, own)
        },
    );
    diags.extend(catalog_diags);
    diags.extend(page_diags);
    (catalog, text, pages, theme)
}

/// The catalog; if it cannot be read or has problems, `None` and its text (empty if it could
/// not be read). The text of a good catalog is in its `source` only (20 MB at 100,000 codes).
pub(crate) fn load_catalog(
    root: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> (Option<Catalog>, String) {
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
        return (None, String::new());
    }
    match Source::read(&path, &config.catalog) {
        Ok(source) => match catalog::load(source, config.versioning, diags) {
            Ok(catalog) => (Some(catalog), String::new()),
            Err(source) => (None, source.text),
        },
        Err(d) => {
            diags.push(d);
            (None, String::new())
        }
    }
}

/// Where a catalog that failed to load would have made pages: under `[code_pages] path`, and
/// at the paths its lines of `page_path` and `aliases` name (read from the raw text, as the
/// catalog could not be read as a whole).
fn unplanned_prefixes(config: &Config, text: &str) -> Vec<String> {
    let mut prefixes: Vec<String> = config
        .code_pages
        .iter()
        .map(|p| format!("/{}/", p.trim_matches('/')))
        .collect();
    for line in text.lines().map(str::trim_start) {
        if !(line.starts_with("page_path") || line.starts_with("aliases")) {
            continue;
        }
        let quoted = line.split('"').skip(1).step_by(2);
        prefixes.extend(
            quoted
                .filter(|v| !v.trim_matches('/').is_empty())
                .map(|v| format!("/{}", v.trim_matches('/'))),
        );
    }
    prefixes
}

/// Every file under `static/`, as (path inside the output, file on disk), sorted.
fn static_files(root: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let dir = root.join(STATIC_DIR);
    crate::files::walk(root, STATIC_DIR, |_| true, diags)
        .into_iter()
        .map(|path| (crate::files::relative(&path, &dir), path))
        .collect()
}
