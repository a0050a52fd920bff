//! The build pipeline: config -> catalog -> content -> render -> links -> output.
//!
//! [`State::load`] runs every stage in memory and keeps what it built (the parsed sources, the
//! rendered pages, the anchor registry), so that `watch` can re-render only what a change needs
//! ([`State::update_page`]). [`build`] writes a state's files (staged and swapped in), [`check`]
//! stops before writing. Rendering runs on every core.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tera::Tera;
use walkdir::WalkDir;

use crate::catalog::{self, Catalog};
use crate::config::{self, Config};
use crate::content::directive::Directive;
use crate::content::{self, Page, markdown};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::links::{LinkRef, Registry, Resolver, Target};
use crate::output;

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
use crate::parallel::par_map;
use crate::render::view::{CatalogView, CodeHomes};
use crate::render::{
    self, FooterContext, NavItem, NavSection, PageContext, PageView, Renderer, SiteContext,
};
use crate::{codepages, export};

pub const STATIC_DIR: &str = "static";
pub const DEFAULT_OUTPUT: &str = "public";

/// What to build.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Output directory; `ROOT/public` by default.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of the config.
    pub base_url: Option<String>,
    /// Replace a non-empty output directory that errdocs did not make (`--force`).
    pub force: bool,
}

impl Options {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join(DEFAULT_OUTPUT))
    }
}

/// What a successful build or check reports.
pub struct Summary {
    pub pages: usize,
    pub codes: usize,
    pub categories: usize,
    pub files: usize,
    pub output: Option<PathBuf>,
    pub elapsed: Duration,
}

/// What `check --against` compares between releases: each code's status and retry policy.
pub struct CodeSummary {
    /// Code as written -> (anchor, status, retry policy name).
    pub codes: std::collections::BTreeMap<String, (String, Option<u16>, Option<&'static str>)>,
}

impl CodeSummary {
    fn of(catalog: &Catalog) -> Self {
        let codes = catalog
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.key.raw(),
                    (
                        c.anchor.clone(),
                        c.status,
                        catalog.retry_for(i).map(|(p, _)| p.name()),
                    ),
                )
            })
            .collect();
        CodeSummary { codes }
    }
}

/// Builds the site and writes it to the output directory.
pub fn build(options: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    check_output(options)?;
    let state = State::load(options)?;
    let files = state.write_all()?;
    Ok(state.summary(Some(options.output_dir()), files, started.elapsed()))
}

/// Runs every check of a build and writes nothing.
pub fn check(options: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    let state = State::load(options)?;
    let files = state.file_count();
    Ok(state.summary(None, files, started.elapsed()))
}

/// Refuses an output directory that errdocs may not replace: one that is, contains or lies in
/// the site's configured sources, holds a `.git`, or is a non-empty directory errdocs did not
/// make (unless forced). Reads the config for the catalog path (the default if it cannot).
pub fn check_output(options: &Options) -> Result<(), Vec<Diagnostic>> {
    let mut ignored = Diagnostics::default();
    let catalog = config::load(&options.root, &mut ignored)
        .map_or_else(|| PathBuf::from(config::DEFAULT_CATALOG), |c| c.catalog);
    check_output_with(options, &catalog)
}

fn check_output_with(options: &Options, catalog: &Path) -> Result<(), Vec<Diagnostic>> {
    let sources = [
        PathBuf::from(config::CONFIG_FILE),
        catalog.to_path_buf(),
        PathBuf::from(content::CONTENT_DIR),
        PathBuf::from(render::TEMPLATES_DIR),
        PathBuf::from(STATIC_DIR),
    ];
    output::check_target(
        &options.root,
        &options.output_dir(),
        &sources,
        options.force,
    )
    .map_err(|p| vec![Diagnostic::new(p, None)])
}

/// A page ready to write, with where it came from and the links to check on it.
struct Output {
    html: std::sync::Arc<str>,
    location: Location,
    checks: Vec<Check>,
    /// Absolute hrefs written by templates (navigation, assets): the same on many pages, so
    /// they are resolved and checked once per build, not once per page.
    template_hrefs: Vec<String>,
    /// For a redirect page: where it sends readers.
    redirect_to: Option<String>,
}

/// An internal link to verify: as written, where it points, where it was written.
struct Check {
    href: String,
    target: Target,
    location: Location,
}

/// Everything a build made, kept so a change can be applied without starting over.
pub struct State {
    options: Options,
    config: Config,
    catalog: Catalog,
    tera: Tera,
    pages: Vec<Page>,
    blocks: Vec<Vec<Vec<Directive>>>,
    shown_on: Vec<Vec<usize>>,
    category_home: HashMap<usize, String>,
    code_home: HashMap<usize, String>,
    resolver: Resolver,
    views: CatalogView,
    site: SiteContext,
    /// The navigation rendered once (`nav.html`).
    nav_html: String,
    statics: Vec<(String, PathBuf)>,
    /// Links written in the catalog and the config, checked once per build.
    shared_checks: Vec<Check>,
    /// Output hrefs those links produce (templates print them on many pages).
    shared_hrefs: HashSet<String>,
    /// Rendered pages by site path.
    outputs: std::collections::BTreeMap<String, Output>,
    registry: Registry,
}

/// Prints how long each stage took when `ERRDOCS_TIMINGS` is set (for profiling builds).
struct Timings {
    on: bool,
    last: Instant,
}

impl Timings {
    fn start() -> Self {
        Timings {
            on: std::env::var_os("ERRDOCS_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &str) {
        if self.on {
            eprintln!(
                "timing: {stage:<28} {:>7.1} ms",
                self.last.elapsed().as_secs_f64() * 1e3
            );
        }
        self.last = Instant::now();
    }
}

impl State {
    /// Runs the whole pipeline in memory: every problem found, or the built state.
    pub fn load(options: &Options) -> Result<State, Vec<Diagnostic>> {
        let mut timings = Timings::start();
        let root = options.root.as_path();
        let mut diags = Diagnostics::default();
        let Some(mut config) = config::load(root, &mut diags) else {
            return Err(diags.into_sorted());
        };
        if let Some(url) = &options.base_url
            && let Err(reason) = config.set_base_url(url)
        {
            diags.push(Diagnostic::new(
                Problem::InvalidValue {
                    key: "--base-url".into(),
                    value: url.clone(),
                    reason,
                    hint: None,
                },
                None,
            ));
        }
        timings.lap("config");
        let catalog = load_catalog(root, &config, &mut diags);
        timings.lap("catalog");
        let pages = content::load_pages(root, &mut diags);
        let tera = render::load_theme(root, &mut diags);
        let statics = static_files(root, &mut diags);
        timings.lap("pages, theme, static");
        let (Some(catalog), Some(tera)) = (catalog, tera) else {
            return Err(diags.into_sorted());
        };
        let blocks: Vec<_> = pages
            .iter()
            .map(|p| markdown::directive_blocks(p, &catalog, &mut diags))
            .collect();
        if !diags.is_empty() {
            return Err(diags.into_sorted());
        }

        let base_path = config.base_path();
        let page_urls: BTreeSet<String> = pages.iter().map(|p| p.url.clone()).collect();
        let resolver = Resolver::new(config.base_url.as_deref(), &base_path, page_urls);

        // Each category's home is the first page (by path) whose directives show it.
        let shown_on: Vec<Vec<usize>> = blocks
            .iter()
            .map(|b| categories_shown(b, &catalog))
            .collect();
        let mut category_home: HashMap<usize, String> = HashMap::new();
        for (page, shown) in pages.iter().zip(&shown_on) {
            for &c in shown {
                category_home.entry(c).or_insert_with(|| page.url.clone());
            }
        }
        let code_home: HashMap<usize, String> = catalog
            .codes
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((i, category_home.get(&c.category)?.clone())))
            .collect();
        let homes = CodeHomes {
            rows: &code_home,
            pages: config.code_pages.as_deref(),
        };
        let mut shared_links: Vec<LinkRef> = Vec::new();
        timings.lap("directives");
        let views = render::view::build(&catalog, &resolver, &homes, &mut shared_links);
        timings.lap("catalog views");
        let nav = navigation(&pages, &shown_on, &catalog, &resolver);
        let home = if pages.iter().any(|p| p.url == "/") {
            base_path.clone()
        } else {
            nav.first()
                .map_or_else(|| base_path.clone(), |n| n.href.clone())
        };
        let site = site_context(&config, &resolver, &base_path, home, &mut shared_links);
        let mut shared_hrefs = HashSet::new();
        let shared_checks = shared_links
            .iter()
            .filter_map(|link| {
                let target =
                    resolver.resolve(&link.href, &link.page, link.source_dir.as_deref())?;
                shared_hrefs.insert(resolver.rewrite(&link.href, &link.page, None));
                Some(Check {
                    href: link.href.clone(),
                    target,
                    location: link.location.clone(),
                })
            })
            .collect();

        let mut state = State {
            options: options.clone(),
            config,
            catalog,
            tera,
            pages,
            blocks,
            shown_on,
            category_home,
            code_home,
            resolver,
            views,
            site,
            nav_html: String::new(),
            statics,
            shared_checks,
            shared_hrefs,
            outputs: Default::default(),
            registry: Registry::default(),
        };
        match state.renderer().nav(&state.site, &nav) {
            Ok(html) => state.nav_html = html,
            Err(problem) => {
                diags.push(Diagnostic::new(problem, None));
                return Err(diags.into_sorted());
            }
        }
        state.render_all(&mut diags, &mut timings);
        if !diags.is_empty() {
            return Err(diags.into_sorted());
        }
        Ok(state)
    }

    fn renderer(&self) -> Renderer<'_> {
        Renderer {
            tera: &self.tera,
            catalog: &self.catalog,
            views: &self.views,
        }
    }

    /// Renders content page `i`: its HTML and the links to check on it.
    fn render_content_page(&self, i: usize) -> (Result<Output, Diagnostic>, Diagnostics) {
        let page = &self.pages[i];
        let renderer = self.renderer();
        let mut diags = Diagnostics::default();
        let body = markdown::render_page(
            page,
            &self.blocks[i],
            &self.resolver,
            &mut |d| renderer.directive(d),
            &mut diags,
        );
        let source_dir = page.rel.rfind('/').map_or("", |j| &page.rel[..j]);
        let links: Vec<LinkRef> = body
            .links
            .into_iter()
            .map(|(href, line)| LinkRef {
                href,
                page: page.url.clone(),
                source_dir: Some(source_dir.to_string()),
                location: page.source.locate_line(line),
            })
            .collect();
        let context = PageContext {
            site: &self.site,
            page: page_view(page, body.html, &self.config),
            nav_html: nav_for(&self.nav_html, &page.url, &self.resolver),
        };
        let location = Location::file(&page.source.path);
        let result = renderer
            .page(&page.template, &context)
            .map(|html| self.output(&page.url, html, location.clone(), &links))
            .map_err(|p| Diagnostic::new(p, Some(location)));
        (result, diags)
    }

    /// An output with its checks: the recorded links, then the other hrefs of the HTML.
    fn output(&self, url: &str, html: String, location: Location, links: &[LinkRef]) -> Output {
        let mut checks = Vec::new();
        let mut written = HashSet::new();
        for link in links {
            if let Some(target) =
                self.resolver
                    .resolve(&link.href, &link.page, link.source_dir.as_deref())
            {
                written.insert(self.resolver.rewrite(
                    &link.href,
                    &link.page,
                    link.source_dir.as_deref(),
                ));
                checks.push(Check {
                    href: link.href.clone(),
                    target,
                    location: link.location.clone(),
                });
            }
        }
        let mut seen = HashSet::new();
        let mut template_hrefs = Vec::new();
        for href in crate::links::hrefs_in(&html) {
            if written.contains(&href)
                || (!href.starts_with('#') && self.shared_hrefs.contains(&href))
                || !seen.insert(href.clone())
            {
                continue;
            }
            if href.starts_with('/') && !href.starts_with("//") {
                template_hrefs.push(href);
            } else if let Some(target) = self.resolver.resolve_output(&href, url) {
                checks.push(Check {
                    href,
                    target,
                    location: location.clone(),
                });
            }
        }
        Output {
            html: html.into(),
            location,
            checks,
            template_hrefs,
            redirect_to: None,
        }
    }

    /// Renders every page (content, 404, per-code pages, redirects) and checks every link.
    fn render_all(&mut self, diags: &mut Diagnostics, timings: &mut Timings) {
        let mut outputs = std::collections::BTreeMap::new();
        let mut taken: HashMap<String, Location> = HashMap::new();
        let results = par_map(self.pages.len(), |i| self.render_content_page(i));
        timings.lap("content pages");
        for (i, (result, page_diags)) in results.into_iter().enumerate() {
            diags.extend(page_diags);
            match result {
                Ok(out) => {
                    taken.insert(self.pages[i].url.clone(), out.location.clone());
                    outputs.insert(self.pages[i].url.clone(), out);
                }
                Err(d) => diags.push(d),
            }
        }
        if !self.pages.iter().any(|p| p.url == "/404.html") {
            let context = PageContext {
                site: &self.site,
                page: PageView {
                    title: "Page not found".into(),
                    description: None,
                    url: "/404.html".into(),
                    permalink: None,
                    content: String::new(),
                    source: String::new(),
                },
                nav_html: self.nav_html.clone(),
            };
            match self.renderer().page("404.html", &context) {
                Ok(html) => {
                    let location = Location::file(Path::new("templates/404.html"));
                    outputs.insert(
                        "/404.html".into(),
                        self.output("/404.html", html, location, &[]),
                    );
                }
                Err(problem) => diags.push(Diagnostic::new(problem, None)),
            }
        }

        // Pages generated from the catalog: one per code, and redirects for aliases.
        let renderer = self.renderer();
        let homes = CodeHomes {
            rows: &self.code_home,
            pages: self.config.code_pages.as_deref(),
        };
        let category_home_of = |c: usize| self.category_home.get(&c).cloned();
        let inputs = codepages::Inputs {
            catalog: &self.catalog,
            renderer: &renderer,
            resolver: &self.resolver,
            site: &self.site,
            nav_html: &self.nav_html,
            homes: &homes,
            category_home: &category_home_of,
        };
        let to_output = |page: codepages::GeneratedPage| {
            let span = self.catalog.codes[page.code].span.clone();
            let mut out = self.output(&page.url, page.html, self.catalog.source.locate(span), &[]);
            out.redirect_to = page.redirect_to;
            (page.url, out)
        };
        let generated = par_map(self.catalog.codes.len(), |i| {
            codepages::code_page(&inputs, i).map(|r| r.map(to_output))
        });
        let redirects = codepages::redirects(&inputs)
            .into_iter()
            .map(|r| Some(r.map(to_output)));
        for result in generated.into_iter().chain(redirects).flatten() {
            match result {
                Ok((url, out)) => {
                    if let Some(first) = taken.get(&url) {
                        diags.push(Diagnostic::at(
                            Problem::Duplicate {
                                kind: "page URL",
                                name: url.clone(),
                                first: first.clone(),
                            },
                            out.location.clone(),
                        ));
                        continue;
                    }
                    taken.insert(url.clone(), out.location.clone());
                    outputs.insert(url, out);
                }
                Err((code, problem)) => diags.push(Diagnostic::new(
                    problem,
                    Some(
                        self.catalog
                            .source
                            .locate(self.catalog.codes[code].span.clone()),
                    ),
                )),
            }
        }

        timings.lap("code pages, redirects");
        let mut registry = Registry::default();
        for (rel, _) in render::THEME_STATIC {
            registry.add_file(format!("/{rel}"));
        }
        for rel in [export::ERRORS_JSON, export::SCHEMA_JSON, export::URLS_TXT] {
            registry.add_file(format!("/{rel}"));
        }
        for (rel, _) in &self.statics {
            registry.add_file(format!("/{rel}"));
        }
        for (url, out) in &outputs {
            registry.add_page(url, &out.html, &out.location, diags);
            if let Some(to) = &out.redirect_to {
                registry.add_redirect(url, to);
            }
        }
        self.outputs = outputs;
        self.registry = registry;
        timings.lap("anchor registry");
        self.check_links(diags);
        timings.lap("link check");
    }

    fn check_links(&self, diags: &mut Diagnostics) {
        let all = self
            .shared_checks
            .iter()
            .chain(self.outputs.values().flat_map(|o| &o.checks));
        for c in all {
            self.registry.check(&c.href, &c.target, &c.location, diags);
        }
        // Absolute template hrefs: each distinct one once, reported on the first page.
        let mut first: HashMap<&str, &Location> = HashMap::new();
        for out in self.outputs.values() {
            for href in &out.template_hrefs {
                first.entry(href.as_str()).or_insert(&out.location);
            }
        }
        let mut unique: Vec<(&str, &Location)> = first.into_iter().collect();
        unique.sort_by(|a, b| a.0.cmp(b.0));
        for (href, location) in unique {
            if let Some(target) = self.resolver.resolve_output(href, "/") {
                self.registry.check(href, &target, location, diags);
            }
        }
    }

    /// Checks the links of one page only.
    fn check_page_links(&self, url: &str, diags: &mut Diagnostics) {
        let Some(out) = self.outputs.get(url) else {
            return;
        };
        for c in &out.checks {
            self.registry.check(&c.href, &c.target, &c.location, diags);
        }
        for href in &out.template_hrefs {
            if let Some(target) = self.resolver.resolve_output(href, "/") {
                self.registry.check(href, &target, &out.location, diags);
            }
        }
    }

    /// Every file of the site, sorted by path.
    pub fn files(&self) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = Vec::with_capacity(self.outputs.len() + 8);
        for (url, out) in &self.outputs {
            files.push(OutputFile {
                path: output_path(url),
                content: Content::Shared(out.html.clone()),
            });
        }
        for (rel, text) in self.exports() {
            files.push(OutputFile {
                path: rel.to_string(),
                content: Content::Bytes(text.into_bytes()),
            });
        }
        for (rel, bytes) in render::THEME_STATIC {
            if !self.statics.iter().any(|(r, _)| r == rel) {
                files.push(OutputFile {
                    path: (*rel).to_string(),
                    content: Content::Bytes(bytes.to_vec()),
                });
            }
        }
        for (rel, path) in &self.statics {
            files.push(OutputFile {
                path: rel.clone(),
                content: Content::Copy(path.clone()),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// How many files [`State::files`] would write.
    pub fn file_count(&self) -> usize {
        let theme = render::THEME_STATIC
            .iter()
            .filter(|(rel, _)| !self.has_static(rel))
            .count();
        self.outputs.len() + 3 + theme + self.statics.len()
    }

    fn exports(&self) -> [(&'static str, String); 3] {
        let homes = CodeHomes {
            rows: &self.code_home,
            pages: self.config.code_pages.as_deref(),
        };
        [
            (
                export::ERRORS_JSON,
                export::errors_json(
                    &self.config.title,
                    self.config.base_url.as_deref(),
                    &self.catalog,
                    &self.views.codes,
                    &homes,
                    &self.resolver,
                ),
            ),
            (export::SCHEMA_JSON, export::SCHEMA.to_string()),
            (export::URLS_TXT, export::urls_txt(&self.registry)),
        ]
    }

    /// Writes the whole site (staged, then swapped in). Returns the number of files.
    pub fn write_all(&self) -> Result<usize, Vec<Diagnostic>> {
        check_output_with(&self.options, &self.config.catalog)?;
        let out = self.options.output_dir();
        let files = self.files();
        let written = output::Staging::begin(&out).and_then(|staging| {
            for file in &files {
                match &file.content {
                    Content::Bytes(b) => staging.write(&file.path, b)?,
                    Content::Shared(text) => staging.write(&file.path, text.as_bytes())?,
                    Content::Copy(from) => staging.copy(&file.path, from)?,
                }
            }
            staging.commit()
        });
        written.map_err(|e| {
            vec![Diagnostic::new(
                Problem::Io {
                    action: "write the site",
                    message: format!("{}: {e}", out.display()),
                },
                None,
            )]
        })?;
        Ok(files.len())
    }

    pub fn summary(&self, output: Option<PathBuf>, files: usize, elapsed: Duration) -> Summary {
        Summary {
            pages: self.pages.len(),
            codes: self.catalog.codes.len(),
            categories: self.catalog.categories.len(),
            files,
            output,
            elapsed,
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn code_summary(&self) -> CodeSummary {
        CodeSummary::of(&self.catalog)
    }

    /// Applies an edit of the existing page `content/REL` by re-rendering that page alone
    /// (plus the link check over the whole site). Returns the output files that changed, or
    /// `Ok(None)` when the edit reaches further (title, weight, template, the categories it
    /// shows) and a full build is needed. On error the state is left as it was.
    pub fn update_page(&mut self, rel: &str) -> Result<Option<Vec<String>>, Vec<Diagnostic>> {
        let Some(i) = self.pages.iter().position(|p| p.rel == rel) else {
            return Ok(None);
        };
        let mut diags = Diagnostics::default();
        let path = self.options.root.join(content::CONTENT_DIR).join(rel);
        let Some(page) = content::load_page(&self.options.root, &path, &mut diags) else {
            return Err(diags.into_sorted());
        };
        let old = &self.pages[i];
        if (&page.url, &page.title, page.weight, &page.template)
            != (&old.url, &old.title, old.weight, &old.template)
        {
            return Ok(None);
        }
        let blocks = markdown::directive_blocks(&page, &self.catalog, &mut diags);
        if !diags.is_empty() {
            return Err(diags.into_sorted());
        }
        if categories_shown(&blocks, &self.catalog) != self.shown_on[i] {
            return Ok(None);
        }
        let url = page.url.clone();
        let old_page = std::mem::replace(&mut self.pages[i], page);
        let old_blocks = std::mem::replace(&mut self.blocks[i], blocks);
        let (result, page_diags) = self.render_content_page(i);
        diags.extend(page_diags);
        let out = match result {
            Ok(out) if diags.is_empty() => out,
            other => {
                if let Err(d) = other {
                    diags.push(d);
                }
                self.pages[i] = old_page;
                self.blocks[i] = old_blocks;
                return Err(diags.into_sorted());
            }
        };
        let old_ids = self.registry.ids(&url).cloned();
        let old_out = self.outputs.insert(url.clone(), out);
        if let Some(out) = self.outputs.get(&url) {
            self.registry
                .add_page(&url, &out.html, &out.location, &mut diags);
        }
        if self.registry.ids(&url) == old_ids.as_ref() {
            // Same anchors as before: only the links on this page can have changed.
            self.check_page_links(&url, &mut diags);
        } else {
            self.check_links(&mut diags);
        }
        if !diags.is_empty() {
            // Put everything back: the state must keep matching what is on disk.
            self.pages[i] = old_page;
            self.blocks[i] = old_blocks;
            if let Some(old) = old_out {
                let mut ignore = Diagnostics::default();
                self.registry
                    .add_page(&url, &old.html, &old.location, &mut ignore);
                self.outputs.insert(url, old);
            }
            return Err(diags.into_sorted());
        }
        Ok(Some(vec![output_path(&url), export::URLS_TXT.to_string()]))
    }

    /// The current content of one output file (a page or an export).
    pub fn file(&self, rel: &str) -> Option<Vec<u8>> {
        if let Some((_, out)) = self.outputs.iter().find(|(url, _)| output_path(url) == rel) {
            return Some(out.html.as_bytes().to_vec());
        }
        match rel {
            export::URLS_TXT => Some(export::urls_txt(&self.registry).into_bytes()),
            _ => self
                .exports()
                .into_iter()
                .find(|(name, _)| *name == rel)
                .map(|(_, text)| text.into_bytes()),
        }
    }

    /// Whether `rel` (relative to `content/`) is a page of this state.
    pub fn has_page(&self, rel: &str) -> bool {
        self.pages.iter().any(|p| p.rel == rel)
    }

    /// The catalog's path relative to the site root.
    pub fn catalog_path(&self) -> PathBuf {
        self.config.catalog.clone()
    }

    /// Whether `rel` (relative to `static/`) is a known static file of this state.
    pub fn has_static(&self, rel: &str) -> bool {
        self.statics.iter().any(|(r, _)| r == rel)
    }
}

/// The categories a page's directives show, in order of first appearance.
fn categories_shown(blocks: &[Vec<Directive>], catalog: &Catalog) -> Vec<usize> {
    let mut shown = Vec::new();
    for d in blocks.iter().flatten() {
        for c in d.categories(catalog) {
            if !shown.contains(&c) {
                shown.push(c);
            }
        }
    }
    shown
}

/// The output file of a site path: `/guide/` -> `guide/index.html`, `/404.html` -> itself.
fn output_path(url: &str) -> String {
    let rel = url.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if rel
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        rel.to_string()
    } else {
        format!("{rel}/index.html")
    }
}

/// The navigation with the link to the page at `url` marked `aria-current="page"`.
fn nav_for(nav_html: &str, url: &str, resolver: &Resolver) -> String {
    let href = resolver.href(&Target {
        path: url.to_string(),
        fragment: None,
    });
    let link = format!("<a href=\"{}\">", crate::highlight::escape_html(&href));
    let current = format!(
        "<a href=\"{}\" aria-current=\"page\">",
        crate::highlight::escape_html(&href)
    );
    nav_html.replacen(&link, &current, 1)
}

fn load_catalog(root: &Path, config: &Config, diags: &mut Diagnostics) -> Option<Catalog> {
    let path = root.join(&config.catalog);
    match std::fs::read_to_string(&path) {
        Ok(text) => catalog::load(&config.catalog, text, diags),
        Err(e) => {
            diags.push(Diagnostic::new(
                Problem::Io {
                    action: "read the catalog",
                    message: format!("{}: {e}", config.catalog.display()),
                },
                Some(Location::file(Path::new(config::CONFIG_FILE))),
            ));
            None
        }
    }
}

/// Every file under `static/`, as (path inside the output, file on disk), sorted.
fn static_files(root: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let dir = root.join(STATIC_DIR);
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e
                    .path()
                    .strip_prefix(&dir)
                    .unwrap_or(e.path())
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, e.into_path()));
            }
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::new(
                Problem::Io {
                    action: "read the static directory",
                    message: e.to_string(),
                },
                Some(Location::file(&dir)),
            )),
        }
    }
    out
}

fn site_context(
    config: &Config,
    resolver: &Resolver,
    base_path: &str,
    home: String,
    links: &mut Vec<LinkRef>,
) -> SiteContext {
    let footer = config.footer.as_ref().map(|f| FooterContext {
        heading: f.heading.clone(),
        html: f.text.as_ref().map(|t| {
            let rewrite = |h: &str| resolver.rewrite(h, "/", None);
            let (html, found) = markdown::render_inline(&t.value, &rewrite);
            let location = config.source.locate(t.span.clone());
            links.extend(found.into_iter().map(|href| LinkRef {
                href,
                page: "/".into(),
                source_dir: None,
                location: location.clone(),
            }));
            html
        }),
    });
    SiteContext {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        base_path: base_path.to_string(),
        base_url: config.base_url.clone(),
        home,
        footer,
    }
}

fn page_view(page: &Page, content: String, config: &Config) -> PageView {
    PageView {
        title: page.title.clone(),
        description: page.description.clone(),
        url: page.url.clone(),
        permalink: config.base_url.as_ref().map(|b| format!("{b}{}", page.url)),
        content,
        source: page.source.path.to_string_lossy().replace('\\', "/"),
    }
}

/// Pages by weight then URL (the 404 page is not listed); each lists the categories it shows.
fn navigation(
    pages: &[Page],
    shown_on: &[Vec<usize>],
    catalog: &Catalog,
    resolver: &Resolver,
) -> Vec<NavItem> {
    let mut order: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].url != "/404.html")
        .collect();
    order.sort_by(|&a, &b| (pages[a].weight, &pages[a].url).cmp(&(pages[b].weight, &pages[b].url)));
    order
        .into_iter()
        .map(|i| {
            let page = &pages[i];
            NavItem {
                title: page.title.clone(),
                href: resolver.href(&Target {
                    path: page.url.clone(),
                    fragment: None,
                }),
                current: false,
                sections: shown_on[i]
                    .iter()
                    .map(|&c| NavSection {
                        title: catalog.categories[c].title.clone(),
                        href: resolver.href(&Target {
                            path: page.url.clone(),
                            fragment: Some(catalog.categories[c].id.clone()),
                        }),
                    })
                    .collect(),
            }
        })
        .collect()
}
