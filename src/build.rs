//! The build: the stages chained, nothing else.
//!
//! ```text
//! sources ──> plan ──> prepared ──> rendered pages ──> page facts ──> link report ──> output
//! (Sources)   (Plan)   (Prepared)   (HTML, streamed    (PageFacts)    (Registry,      (staging,
//!                                    to the writer)                    diagnostics)     swap)
//! ```
//!
//! Each stage reads the values of the stages before it and returns a new value; none changes
//! an earlier one. Pages are rendered on every core and handed to the writer as soon as they
//! are rendered, so a build keeps only each page's facts (ids and links), never all the HTML.
//! [`Site`] holds the values of one build, which `watch` keeps to apply the next change.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::codegen;
use crate::config;
use crate::content::{self, Directives, Page};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::exports;
use crate::links::{PageFacts, Registry};
use crate::output::{self, Staging};
use crate::plan::{self, Plan};
use crate::render::{self, Inputs, Prepared, Rendered};
use crate::sources::{STATIC_DIR, Sources};
use crate::urls;

/// The default output directory, inside the site root.
pub(crate) const DEFAULT_OUTPUT: &str = "public";

/// What to build.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The site directory (holding `errdocs.toml`).
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

/// Builds the site and writes it to the output directory (staged, then swapped in).
pub fn build(options: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    let (site, files) = build_keeping(options)?;
    Ok(site.summary(Some(options.output_dir()), files, started.elapsed()))
}

/// Builds and writes the site; returns the built site (for `watch`) and its number of files.
pub(crate) fn build_keeping(options: &Options) -> Result<(Site, usize), Vec<Diagnostic>> {
    check_output(options)?;
    let out = options.output_dir();
    let staging = Staging::begin(&out).map_err(|e| write_error(&out, &e))?;
    let site = Site::build(options, &|file, html| staging.write(file, html.as_bytes()))?;
    let files = site
        .write_rest(&staging)
        .and_then(|n| staging.commit().map(|()| n))
        .map_err(|e| write_error(&out, &e))?;
    Ok((site, files))
}

/// Runs every check of a build and writes nothing.
pub fn check(options: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    let site = Site::build(options, &|_, _| Ok(()))?;
    let files = site.plan.pages.len() + site.rest_count();
    Ok(site.summary(None, files, started.elapsed()))
}

/// Generates the module of every code in `lang` (`rust`, `typescript`, `go`, `python`) from
/// the site at `options.root` (`errdocs export`); `package` names the Go package.
pub fn export(
    options: &Options,
    lang: &str,
    package: Option<&str>,
) -> Result<String, Vec<Diagnostic>> {
    let (sources, problems) = Sources::load(&options.root, options.base_url.as_deref())
        .map_err(Diagnostics::into_sorted)?;
    if problems.has_errors() {
        return Err(problems.into_sorted());
    }
    let plan = Plan::new(&sources, other_files(&sources)).map_err(Diagnostics::into_sorted)?;
    let Some(lang) = codegen::Lang::from_name(lang) else {
        return Err(vec![Diagnostic::bare(Problem::Io {
            action: "export",
            message: format!("unknown language `{lang}`"),
        })]);
    };
    let input = codegen_input(&sources, &plan, package)?;
    Ok(codegen::generate(lang, &input))
}

/// What the generators read: the catalog flattened, with each code's documentation URL.
fn codegen_input(
    sources: &Sources,
    plan: &Plan,
    package: Option<&str>,
) -> Result<codegen::Input, Vec<Diagnostic>> {
    let config = &sources.config;
    let package = package
        .or(config.exports.go_package.as_deref())
        .unwrap_or(codegen::DEFAULT_GO_PACKAGE);
    if !codegen::valid_go_package(package) {
        return Err(vec![Diagnostic::bare(Problem::InvalidGoPackage {
            value: package.to_string(),
        })]);
    }
    let catalog = &sources.catalog;
    let docs = exports::docs_urls(catalog, plan);
    let examples = (0..catalog.codes.len())
        .map(|i| {
            let problem_type = catalog
                .envelope_for(i)
                .filter(|e| e.is_problem())
                .and_then(|_| exports::problem_type(catalog, plan, i));
            let urls = render::example::ExampleUrls {
                docs: Some(&docs[i]),
                problem_type: problem_type.as_deref(),
            };
            render::example::example_value(catalog, i, urls).map(|(v, _)| v)
        })
        .collect();
    let mut input = codegen::Input::new(
        config.catalog.display().to_string(),
        catalog,
        &docs,
        examples,
        package.to_string(),
    );
    input.title = config.title.clone();
    input.home = plan.resolver.absolute(&urls::Target::page("/".to_string()));
    Ok(input)
}

/// Refuses an output directory that errdocs may not replace: one that is, contains or lies in
/// the site's configured sources, holds a `.git`, or is a non-empty directory errdocs did not
/// make (unless forced). Reads the config for the catalog path (the default if it cannot).
pub fn check_output(options: &Options) -> Result<(), Vec<Diagnostic>> {
    let mut ignored = Diagnostics::default();
    let catalog = config::load(&options.root, &mut ignored)
        .map_or_else(|| PathBuf::from(config::DEFAULT_CATALOG), |c| c.catalog);
    let sources = [
        PathBuf::from(config::CONFIG_FILE),
        catalog,
        PathBuf::from(content::CONTENT_DIR),
        PathBuf::from(crate::theme::TEMPLATES_DIR),
        PathBuf::from(STATIC_DIR),
    ];
    output::check_target(
        &options.root,
        &options.output_dir(),
        &sources,
        options.force,
    )
    .map_err(|p| vec![Diagnostic::bare(p)])
}

pub(crate) fn write_error(out: &std::path::Path, e: &std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::bare(Problem::Io {
        action: "write the site",
        message: format!("{}: {e}", out.display()),
    })]
}

/// Receives each rendered page: its output file (`guide/index.html`) and its HTML.
pub(crate) type PageWriter<'a> = dyn Fn(&str, &str) -> std::io::Result<()> + Sync + 'a;

/// The values of every stage of one build.
pub(crate) struct Site {
    pub(crate) options: Options,
    pub(crate) sources: Sources,
    pub(crate) plan: Plan,
    pub(crate) prepared: Prepared,
    /// What the link checker knows of every page, by site path.
    pub(crate) facts: BTreeMap<String, PageFacts>,
    pub(crate) registry: Registry,
    /// The code entries of `errors.json`, once computed (`watch` redoes only those an edit
    /// touches).
    pub(crate) code_entries: std::sync::OnceLock<Vec<serde_json::Value>>,
}

impl Site {
    /// Runs every stage; each rendered page is handed to `write`. Every problem found, or the
    /// built site.
    pub(crate) fn build(options: &Options, write: &PageWriter) -> Result<Site, Vec<Diagnostic>> {
        let mut timings = Timings::start();
        // Problems of the sources do not stop the build here: what does not depend on the
        // broken sources is still rendered and checked, so one run reports everything.
        let (sources, mut diags) = Sources::load(&options.root, options.base_url.as_deref())
            .map_err(Diagnostics::into_sorted)?;
        timings.lap("sources");
        let plan = Plan::new(&sources, other_files(&sources)).map_err(|d| all(&mut diags, d))?;
        let prepared = Prepared::new(&sources, &plan).map_err(|d| all(&mut diags, d))?;
        timings.lap("plan, catalog views, navigation");
        let inputs = Inputs {
            sources: &sources,
            plan: &plan,
            prepared: &prepared,
        };
        type PageResult = Result<(PageFacts, Diagnostics), (Option<String>, Diagnostics)>;
        let results: Vec<PageResult> = plan
            .pages
            .par_iter()
            .map(|planned| -> PageResult {
                let rendered = render::render_page(inputs, planned)
                    .map_err(|d| (Some(planned.url.clone()), d))?;
                let written = write(&plan.output_file(&rendered.url), &rendered.html);
                let mut diags = Diagnostics::default();
                if let Err(e) = written {
                    for d in write_error(&options.output_dir(), &e) {
                        diags.push(d);
                    }
                }
                // Kept with its problems (an id written twice): the links to the page
                // still resolve, so they are not reported as broken as well.
                Ok((facts_of(inputs, rendered, &mut diags), diags))
            })
            .collect();
        timings.lap("render and write pages");
        let mut facts = BTreeMap::new();
        let mut failed = sources.failed.clone();
        for result in results {
            match result {
                Ok((f, d)) => {
                    facts.insert(f.url.clone(), f);
                    diags.extend(d);
                }
                Err((url, d)) => {
                    failed.extend(url);
                    diags.extend(d);
                }
            }
        }
        let registry = registry_of(&sources, &plan, &facts, failed);
        // The shared navigation is a file, not a page, but its links are checked like a page's.
        let nav = PageFacts::of(
            &format!("/{}", render::NAV_PAGE),
            &prepared.nav_page,
            Location::file(&sources.theme.shown_path("nav.html")),
            &[],
            &plan.resolver,
            &prepared.shared,
            &mut diags,
        );
        let pages = facts.values().chain(std::iter::once(&nav));
        diags.extend(registry.check_all(&plan.resolver, &prepared.shared, pages));
        timings.lap("link check");
        if diags.has_errors() {
            return Err(diags.into_sorted());
        }
        Ok(Site {
            options: options.clone(),
            sources,
            plan,
            prepared,
            facts,
            registry,
            code_entries: std::sync::OnceLock::new(),
        })
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            sources: &self.sources,
            plan: &self.plan,
            prepared: &self.prepared,
        }
    }

    /// The small exports of this build: (path inside the output, content). `errors.json` is
    /// written by `write_rest` as it is made.
    pub(crate) fn exports(&self) -> [(&'static str, String); 2] {
        [
            (exports::SCHEMA_JSON, exports::schema().to_string()),
            (exports::URLS_TXT, exports::urls_txt(&self.registry)),
        ]
    }

    /// The modules `[exports]` asks for: (path inside the output, content). The Go package
    /// name was checked when the site was built.
    pub(crate) fn generated(&self) -> Vec<(String, String)> {
        let files = &self.sources.config.exports.files;
        if files.is_empty() {
            return Vec::new();
        }
        let Ok(input) = codegen_input(&self.sources, &self.plan, None) else {
            return Vec::new();
        };
        files
            .iter()
            .filter_map(|(lang, rel)| {
                let lang = codegen::Lang::from_name(lang)?;
                Some((rel.clone(), codegen::generate(lang, &input)))
            })
            .collect()
    }

    /// Writes everything but the pages (exports, theme files, static files); returns the number
    /// of files of the whole site.
    fn write_rest(&self, staging: &Staging) -> std::io::Result<usize> {
        staging.write_with(exports::ERRORS_JSON, |out| {
            let (title, catalog) = (&self.sources.config.title, &self.sources.catalog);
            exports::write_errors_json(out, title, catalog, &self.plan)
        })?;
        for (rel, text) in self.exports() {
            staging.write(rel, text.as_bytes())?;
        }
        self.write_code_json(staging)?;
        for (rel, text) in self.generated() {
            staging.write(&rel, text.as_bytes())?;
        }
        for (rel, text) in self.split_indexes(&self.plan) {
            staging.write(&rel, text.as_bytes())?;
        }
        staging.write(render::NAV_SCRIPT, self.prepared.nav_script().as_bytes())?;
        staging.write(render::NAV_PAGE, self.prepared.nav_page.as_bytes())?;
        for (rel, text) in self.sitemap() {
            staging.write(&rel, text.as_bytes())?;
        }
        if let Some(feed) = self.changelog_feed() {
            staging.write(crate::changelog::FEED, feed.as_bytes())?;
        }
        for (rel, bytes) in self.sources.theme_files() {
            staging.write(rel, bytes)?;
        }
        for (rel, path) in &self.sources.statics {
            staging.copy(rel, path)?;
        }
        Ok(self.plan.pages.len() + self.rest_count())
    }

    /// Each code's JSON file beside its page: its `errors.json` entry (none without code
    /// pages; a site's own static file at that path replaces it, like `robots.txt`). Made and
    /// written in parallel, one code at a time.
    fn write_code_json(&self, staging: &Staging) -> std::io::Result<()> {
        let catalog = &self.sources.catalog;
        exports::code_json_paths(catalog, &self.plan)
            .par_iter()
            .filter(|(_, path)| !self.sources.has_static(path.trim_start_matches('/')))
            .try_for_each(|(i, path)| {
                let entry = match self.code_entries.get() {
                    Some(entries) => entries[*i].clone(),
                    None => exports::code_entry(catalog, &self.plan, *i),
                };
                let text = exports::code_json(&entry);
                staging.write(path.trim_start_matches('/'), text.as_bytes())
            })
    }

    /// `sitemap.xml` and `robots.txt`, unless the site has its own in `static/`.
    fn sitemap(&self) -> Vec<(String, String)> {
        crate::sitemap::files(&self.plan)
            .into_iter()
            .filter(|(rel, _)| !self.sources.has_static(rel))
            .collect()
    }

    /// `changelog.xml`, the Atom feed of the changelog, when the site keeps releases.
    fn changelog_feed(&self) -> Option<String> {
        let config = &self.sources.config;
        let entries =
            crate::changelog::entries(&self.sources.releases, &self.sources.catalog, &self.plan);
        crate::changelog::feed(&config.title, config.base_url.as_deref(), &entries)
    }

    /// The shared index of each split catalog: (path inside the output, content).
    fn split_indexes(&self, plan: &Plan) -> Vec<(String, String)> {
        plan.splits
            .iter()
            .map(|s| {
                let json = crate::split::index_json(s, &self.sources.catalog, &plan.resolver);
                (plan.output_file(&s.index), json)
            })
            .collect()
    }

    fn rest_count(&self) -> usize {
        self.plan.splits.len()
            + usize::from(!self.sources.releases.is_empty())
            + exports::FILES.len()
            + exports::code_json_paths(&self.sources.catalog, &self.plan)
                .iter()
                .filter(|(_, p)| !self.sources.has_static(p.trim_start_matches('/')))
                .count()
            + self.sources.config.exports.files.len()
            + 2
            + self.sitemap().len()
            + self.sources.theme_files().count()
            + self.sources.statics.len()
    }

    pub(crate) fn summary(
        &self,
        output: Option<PathBuf>,
        files: usize,
        elapsed: Duration,
    ) -> Summary {
        Summary {
            pages: self.sources.pages.len(),
            codes: self.sources.catalog.codes.len(),
            categories: self.sources.catalog.categories.len(),
            files,
            output,
            elapsed,
        }
    }

    /// Applies an edit of the existing page `content/REL` by re-rendering that page alone
    /// (plus the link check). Returns the output files to write (path, content), or `Ok(None)`
    /// when the edit reaches further (title, weight, template, the categories it shows) and a
    /// full build is needed. The site changes only when everything succeeded.
    pub(crate) fn update_page(
        &mut self,
        rel: &str,
    ) -> Result<Option<Vec<(String, String)>>, Vec<Diagnostic>> {
        let Some(i) = self.sources.pages.iter().position(|p| p.rel == rel) else {
            return Ok(None);
        };
        let mut diags = Diagnostics::default();
        let path = self.options.root.join(content::CONTENT_DIR).join(rel);
        let Some(page) = content::load_page(
            &self.options.root,
            self.sources.config.trailing_slash,
            &path,
            &mut diags,
        ) else {
            return Err(diags.into_sorted());
        };
        let old = &self.sources.pages[i];
        if (&page.url, &page.title, page.weight, &page.template)
            != (&old.url, &old.title, old.weight, &old.template)
        {
            return Ok(None);
        }
        let blocks = content::directive_blocks(&page, &self.sources.catalog, &mut diags);
        if !diags.is_empty() {
            return Err(diags.into_sorted());
        }
        if plan::categories_shown(&blocks, &self.sources.catalog) != self.plan.shown_on[i] {
            return Ok(None);
        }
        // A split catalog's options reach its category pages too: a full build renders them.
        let splits = |b: &Directives| b.iter().flatten().any(|d| d.splits());
        if splits(&blocks) || splits(&self.sources.directives[i]) {
            return Ok(None);
        }
        let (facts, html) = self.render_edited(&page, &blocks)?;
        let mut registry = self.registry.clone();
        registry.add_page(&facts);
        let same_ids = self.registry.ids(&facts.url) == Some(&*facts.ids);
        let url = facts.url.clone();
        let link_diags = if same_ids {
            // Same anchors as before: only the links on this page can have changed.
            registry.check_page(&self.plan.resolver, &facts)
        } else {
            let all = self
                .facts
                .iter()
                .map(|(u, f)| if *u == url { &facts } else { f });
            registry.check_all(&self.plan.resolver, &self.prepared.shared, all)
        };
        if link_diags.has_errors() {
            return Err(link_diags.into_sorted());
        }
        // Everything succeeded: the new values replace the old ones.
        self.sources.pages[i] = page;
        self.sources.directives[i] = blocks;
        self.facts.insert(url.clone(), facts);
        self.registry = registry;
        Ok(Some(vec![
            (self.plan.output_file(&url), html),
            (
                exports::URLS_TXT.to_string(),
                exports::urls_txt(&self.registry),
            ),
        ]))
    }

    /// Applies an edit of the catalog that stays inside one `[[code]]` table (see
    /// `catalog_edit`): re-reads the catalog, re-plans and rebuilds the catalog views (cheap),
    /// then re-renders only the pages that show a code whose view changed: the pages with
    /// directives, the code pages listing it, its redirects; and `errors.json`. Returns the
    /// output files to write, or `Ok(None)` when the edit reaches further (another table, a
    /// URL, an anchor, a link written in the catalog) and a full build is needed. The site
    /// changes only when everything succeeded.
    pub(crate) fn update_catalog(
        &mut self,
    ) -> Result<Option<Vec<(String, String)>>, Vec<Diagnostic>> {
        let mut timings = Timings::start();
        let mut diags = Diagnostics::default();
        let root = &self.options.root;
        let Some(catalog) = crate::sources::load_catalog(root, &self.sources.config, &mut diags).0
        else {
            return Err(diags.into_sorted());
        };
        if !diags.is_empty() {
            return Err(diags.into_sorted());
        }
        let old = &self.sources.catalog;
        timings.lap("catalog edit: load the catalog");
        if catalog.codes.len() != old.codes.len() {
            return Ok(None);
        }
        let Some(edited) = crate::catalog_edit::edited_code(
            &old.source.text,
            &catalog.source.text,
            old.codes.len(),
        ) else {
            return Ok(None);
        };
        // Directives name categories, codes and envelopes: they must read the same.
        for (page, blocks) in self.sources.pages.iter().zip(&self.sources.directives) {
            if !blocks.is_empty()
                && content::directive_blocks(page, &catalog, &mut diags) != *blocks
            {
                return Ok(None);
            }
        }
        if !diags.is_empty() {
            return Ok(None);
        }
        timings.lap("catalog edit: compare, directives");
        let old = std::mem::replace(&mut self.sources.catalog, catalog);
        let result = self.apply_catalog(&old, edited, &mut timings);
        if !matches!(result, Ok(Some(_))) {
            self.sources.catalog = old;
        }
        result
    }

    /// The rest of [`Site::update_catalog`], with the new catalog in `self.sources`.
    // Long: one recompute-then-swap sequence (plan, views, pages, checks, swap); split, the
    // steps would have to pass the half-built values between them.
    fn apply_catalog(
        &mut self,
        old: &crate::catalog::Catalog,
        edited: usize,
        timings: &mut Timings,
    ) -> Result<Option<Vec<(String, String)>>, Vec<Diagnostic>> {
        let plan =
            Plan::new(&self.sources, self.plan.files.clone()).map_err(Diagnostics::into_sorted)?;
        if !plan.same_layout(&self.plan) {
            return Ok(None);
        }
        timings.lap("catalog edit: plan");
        let prepared = Prepared::new(&self.sources, &plan).map_err(Diagnostics::into_sorted)?;
        timings.lap("catalog edit: catalog views");
        if !prepared.shared.same_hrefs(&self.prepared.shared) {
            return Ok(None);
        }
        let (new_views, old_views) = (&prepared.views.codes, &self.prepared.views.codes);
        let mut changed: std::collections::BTreeSet<usize> = (0..new_views.len())
            .filter(|&i| new_views[i] != old_views[i])
            .collect();
        changed.insert(edited);
        let code_pages =
            crate::catalog_edit::code_pages_showing(&changed, [old, &self.sources.catalog]);
        let inputs = Inputs {
            sources: &self.sources,
            plan: &plan,
            prepared: &prepared,
        };
        let results: Vec<Result<(PageFacts, String), Diagnostics>> = plan
            .pages
            .par_iter()
            .filter(|planned| match planned.kind {
                plan::PageKind::Content(i) => !self.sources.directives[i].is_empty(),
                plan::PageKind::NotFound => false,
                plan::PageKind::Code(i) => code_pages.contains(&i),
                plan::PageKind::Redirect(i) => changed.contains(&i),
                plan::PageKind::Category { category, .. } => {
                    let listed = self.sources.catalog.listed_in(category);
                    changed.iter().any(|c| listed.binary_search(c).is_ok())
                }
            })
            .map(|planned| {
                let rendered = render::render_page(inputs, planned)?;
                let html = rendered.html.clone();
                let mut diags = Diagnostics::default();
                let facts = facts_of(inputs, rendered, &mut diags);
                if diags.has_errors() {
                    return Err(diags);
                }
                Ok((facts, html))
            })
            .collect();
        timings.lap("catalog edit: render pages");
        let mut diags = Diagnostics::default();
        let mut pages = Vec::new();
        for result in results {
            match result {
                Ok(page) => pages.push(page),
                Err(d) => diags.extend(d),
            }
        }
        if !diags.is_empty() {
            return Err(diags.into_sorted());
        }
        // New anchors would change what links elsewhere resolve to: a full build checks them.
        if pages
            .iter()
            .any(|(f, _)| self.registry.ids(&f.url) != Some(&*f.ids))
        {
            return Ok(None);
        }
        let resolver = &plan.resolver;
        diags.extend(
            self.registry
                .check_all(resolver, &prepared.shared, std::iter::empty()),
        );
        for (facts, _) in &pages {
            diags.extend(self.registry.check_page(resolver, facts));
        }
        if diags.has_errors() {
            return Err(diags.into_sorted());
        }
        timings.lap("catalog edit: link check");
        // Everything succeeded: the new values replace the old ones.
        let catalog = &self.sources.catalog;
        let entries = match self.code_entries.take() {
            Some(mut entries) => {
                for &i in &code_pages {
                    entries[i] = exports::code_entry(catalog, &plan, i);
                }
                entries
            }
            None => exports::code_entries(catalog, &plan),
        };
        let json =
            exports::errors_json_with(&self.sources.config.title, catalog, &plan, entries.clone());
        self.code_entries = std::sync::OnceLock::from(entries);
        let mut files = vec![(exports::ERRORS_JSON.to_string(), json)];
        files.extend(self.split_indexes(&plan));
        if let Some(entries) = self.code_entries.get() {
            for (i, path) in exports::code_json_paths(catalog, &plan) {
                if code_pages.contains(&i) {
                    let rel = path.trim_start_matches('/').to_string();
                    files.push((rel, exports::code_json(&entries[i])));
                }
            }
        }
        for (facts, html) in pages {
            files.push((plan.output_file(&facts.url), html));
            self.facts.insert(facts.url.clone(), facts);
        }
        // Code pages not re-rendered keep their facts; where they come from may have moved.
        for planned in &plan.pages {
            if let Some(f) = self.facts.get_mut(&planned.url) {
                f.location = planned.location.clone();
            }
        }
        timings.lap("catalog edit: errors.json, facts");
        self.plan = plan;
        self.prepared = prepared;
        Ok(Some(files))
    }

    /// Renders an edited page and reads its facts.
    fn render_edited(
        &self,
        page: &Page,
        blocks: &Directives,
    ) -> Result<(PageFacts, String), Vec<Diagnostic>> {
        let inputs = self.inputs();
        let rendered =
            render::render_content(inputs, page, blocks).map_err(Diagnostics::into_sorted)?;
        let rendered = render::with_base_path(rendered, &self.plan.resolver);
        let html = rendered.html.clone();
        let mut diags = Diagnostics::default();
        let facts = facts_of(inputs, rendered, &mut diags);
        if diags.has_errors() {
            return Err(diags.into_sorted());
        }
        Ok((facts, html))
    }
}

/// The problems found so far followed by `more`, sorted: a stage that cannot go on reports
/// them with the problems of the stages before it.
fn all(so_far: &mut Diagnostics, more: Diagnostics) -> Vec<Diagnostic> {
    so_far.extend(more);
    std::mem::take(so_far).into_sorted()
}

/// The site paths of every file of the output that is not a page: the theme's static files,
/// the exports and the site's static files.
fn other_files(sources: &Sources) -> std::collections::BTreeSet<String> {
    let config = &sources.config;
    let pages = sources.pages.len()
        + config
            .code_pages
            .as_ref()
            .map_or(0, |_| sources.catalog.codes.len());
    let sitemap = crate::sitemap::names(config.base_url.as_deref(), pages);
    crate::theme::THEME_STATIC
        .iter()
        .map(|(rel, _)| *rel)
        .chain(exports::FILES)
        .chain(config.exports.files.iter().map(|(_, rel)| rel.as_str()))
        .chain([render::NAV_SCRIPT, render::NAV_PAGE])
        .chain(sitemap.iter().map(String::as_str))
        .chain(sources.statics.iter().map(|(rel, _)| rel.as_str()))
        .chain((!sources.releases.is_empty()).then_some(crate::changelog::FEED))
        .map(|rel| format!("/{rel}"))
        .collect()
}

/// The registry of a build: its files and pages, the pages that failed, where a broken source
/// would have made pages, the anchors that moved (split catalogs), and each code's JSON file
/// (published like a page).
fn registry_of(
    sources: &Sources,
    plan: &Plan,
    facts: &BTreeMap<String, PageFacts>,
    failed: std::collections::BTreeSet<String>,
) -> Registry {
    Registry::new(plan.files.iter().cloned(), facts.values(), failed)
        .with_unplanned(sources.unplanned.clone())
        .with_moved(crate::split::moved_anchors(&plan.splits, &sources.catalog))
        .with_published_files(
            exports::code_json_paths(&sources.catalog, plan)
                .into_iter()
                .map(|(_, path)| path),
        )
}

/// Reduces a rendered page to what the link checker needs.
fn facts_of(inputs: Inputs, rendered: Rendered, diags: &mut Diagnostics) -> PageFacts {
    let mut facts = PageFacts::of(
        &rendered.url,
        &rendered.html,
        rendered.location,
        &rendered.links,
        &inputs.plan.resolver,
        &inputs.prepared.shared,
        diags,
    );
    facts.redirect_to = rendered.redirect_to;
    facts.chrome = rendered.chrome;
    let theme = &inputs.sources.theme;
    let based = &rendered.based;
    facts.locate_template_hrefs(|href| {
        let written = based
            .iter()
            .find(|(now, _)| now == href)
            .map_or(href, |(_, written)| written.as_str());
        theme.literal_path(written)
    });
    facts
}

/// Prints how long each stage took, and the memory in use after it and at most so far (Linux),
/// when `ERRDOCS_TIMINGS` is set (for profiling builds).
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
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let kib = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    .map_or_else(|| "?".to_string(), |k| format!("{} MB", k / 1024))
            };
            eprintln!(
                "timing: {stage:<34} {:>7.1} ms   rss {:>8}   peak {:>8}",
                self.last.elapsed().as_secs_f64() * 1e3,
                kib("VmRSS:"),
                kib("VmHWM:")
            );
        }
        self.last = Instant::now();
    }
}
