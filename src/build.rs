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

use std::collections::{BTreeMap, BTreeSet};
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
use crate::site_files;
use crate::sources::{STATIC_DIR, Sources};

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
    let (site, files) = build_keeping(options, false)?;
    Ok(site.summary(Some(options.output_dir()), files, started.elapsed()))
}

/// Builds and writes the site; returns the built site (for `watch`) and its number of files.
/// With `keep_tables` (`watch`), the site keeps its rendered category tables for the next
/// edits.
pub(crate) fn build_keeping(
    options: &Options,
    keep_tables: bool,
) -> Result<(Site, usize), Vec<Diagnostic>> {
    check_output(options)?;
    let out = options.output_dir();
    let staging = Staging::begin(&out).map_err(|e| write_error(&out, &e))?;
    let site = Site::build_with(options, Some(&staging), keep_tables)?;
    site_files::write_linked(&site.registry, &staging)
        .and_then(|()| staging.commit())
        .map_err(|e| write_error(&out, &e))?;
    let files = site.plan.pages.len() + site_files::count(&site.sources, &site.plan);
    Ok((site, files))
}

/// Runs every check of a build and writes nothing.
pub fn check(options: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    let site = Site::build(options, None)?;
    let files = site.plan.pages.len() + site_files::count(&site.sources, &site.plan);
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
    let plan =
        Plan::new(&sources, site_files::names(&sources)).map_err(Diagnostics::into_sorted)?;
    let Some(lang) = codegen::Lang::from_name(lang) else {
        return Err(vec![Diagnostic::bare(Problem::Io {
            action: "export",
            message: format!("unknown language `{lang}`"),
        })]);
    };
    let input = site_files::codegen_input(&sources, &plan, package)?;
    Ok(codegen::generate(lang, &input))
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

/// The values of every stage of one build.
pub(crate) struct Site {
    pub(crate) options: Options,
    pub(crate) sources: Sources,
    pub(crate) plan: Plan,
    pub(crate) prepared: Prepared,
    /// What the link checker knows of every page, by site path.
    pub(crate) facts: BTreeMap<String, PageFacts>,
    pub(crate) registry: Registry,
    /// The pieces of `errors.json`, once made (`watch` makes again only those an edit
    /// touches).
    pub(crate) json_parts: Option<exports::JsonParts>,
    /// Where the catalog's `[[code]]` headers are, once read (`watch`).
    pub(crate) catalog_headers: Option<Vec<usize>>,
}

impl Site {
    /// Runs every stage. With `staging`, each page is written there as soon as it is rendered,
    /// and the files that do not depend on the link check (exports, theme and static files)
    /// are written while the pages render. Every problem found, or the built site.
    pub(crate) fn build(
        options: &Options,
        staging: Option<&Staging>,
    ) -> Result<Site, Vec<Diagnostic>> {
        Site::build_with(options, staging, false)
    }

    /// [`Site::build`]; with `keep_tables`, the rendered category tables are kept
    /// ([`render::Tables`]) for `watch` to reuse.
    // Long: the stages in order, each one a call; splitting it would only hide the chain.
    fn build_with(
        options: &Options,
        staging: Option<&Staging>,
        keep_tables: bool,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut timings = Timings::start();
        // Problems of the sources do not stop the build here: what does not depend on the
        // broken sources is still rendered and checked, so one run reports everything.
        let (sources, mut diags) = Sources::load(&options.root, options.base_url.as_deref())
            .map_err(Diagnostics::into_sorted)?;
        timings.lap("sources");
        let plan =
            Plan::new(&sources, site_files::names(&sources)).map_err(|d| all(&mut diags, d))?;
        let mut prepared = Prepared::new(&sources, &plan).map_err(|d| all(&mut diags, d))?;
        if keep_tables {
            prepared.tables = Some(render::Tables::new(sources.catalog.categories.len()));
        }
        timings.lap("plan, catalog views, navigation");
        let inputs = Inputs {
            sources: &sources,
            plan: &plan,
            prepared: &prepared,
        };
        type PageResult = Result<(PageFacts, Diagnostics), (Option<String>, Diagnostics)>;
        let render_pages = || -> Vec<PageResult> {
            plan.pages
                .par_iter()
                .map(|planned| -> PageResult {
                    let rendered = render::render_page(inputs, planned)
                        .map_err(|d| (Some(planned.url.clone()), d))?;
                    let mut diags = Diagnostics::default();
                    if let Some(staging) = staging {
                        let file = plan.output_file(&rendered.url);
                        if let Err(e) = staging.write(&file, rendered.html.as_bytes()) {
                            write_error(&options.output_dir(), &e)
                                .into_iter()
                                .for_each(|d| diags.push(d));
                        }
                    }
                    // Kept with its problems (an id written twice): the links to the page
                    // still resolve, so they are not reported as broken as well.
                    Ok((facts_of(inputs, rendered, keep_tables, &mut diags), diags))
                })
                .collect()
        };
        let write_files = || match staging {
            Some(staging) => site_files::write_unlinked(inputs, staging),
            None => Ok(()),
        };
        let (results, written) = rayon::join(render_pages, write_files);
        if let Err(e) = written {
            write_error(&options.output_dir(), &e)
                .into_iter()
                .for_each(|d| diags.push(d));
        }
        timings.lap("render and write pages, exports");
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
        let nav = PageFacts::of_scan(
            &format!("/{}", render::NAV_PAGE),
            crate::html::ids_and_hrefs(&prepared.nav_page),
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
            json_parts: None,
            catalog_headers: None,
        })
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            sources: &self.sources,
            plan: &self.plan,
            prepared: &self.prepared,
        }
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
    pub(crate) fn update_catalog(&mut self) -> CatalogUpdate {
        let mut timings = Timings::start();
        if let Some(result) = self.update_one_code(&mut timings) {
            return result;
        }
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
        let headers = self
            .catalog_headers
            .get_or_insert_with(|| crate::catalog_edit::code_headers(&old.source.text));
        let Some(edit) = crate::catalog_edit::edited_code(
            &old.source.text,
            headers,
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
        let result = self.apply_catalog(&old, edit.index, &mut timings);
        if matches!(result, Ok(Some(_))) {
            self.edited_headers(&edit);
        } else {
            self.sources.catalog = old;
        }
        result
    }

    /// [`Site::update_catalog`] for an edit inside the table of one code that leaves what ties
    /// the code to the rest of the catalog as it was (`catalog::reload_code`): that code is
    /// read again alone, the directives and the plan stay, and only the views of the codes
    /// that show something of it are built again. `None` for any other edit.
    fn update_one_code(&mut self, timings: &mut Timings) -> Option<CatalogUpdate> {
        let config = &self.sources.config;
        let path = self.options.root.join(&config.catalog);
        let source = crate::diagnostics::Source::read(&path, &config.catalog).ok()?;
        let catalog = &mut self.sources.catalog;
        let old_text = &catalog.source.text;
        let headers = self
            .catalog_headers
            .get_or_insert_with(|| crate::catalog_edit::code_headers(old_text));
        let codes = catalog.codes.len();
        let at = crate::catalog_edit::edited_code(old_text, headers, &source.text, codes)?;
        let index = at.index;
        let (old_range, new_range) = (at.old.clone(), at.new.clone());
        let versioning = config.versioning;
        let edit =
            crate::catalog::reload_code(catalog, source, index, old_range, new_range, versioning)
                .ok()?;
        timings.lap("catalog edit: read the edited code");
        let catalog = &self.sources.catalog;
        let (from, by) = edit.lines(catalog);
        let moved = crate::links::Moved {
            file: catalog.source.path.clone(),
            from,
            by,
        };
        let mut affected: BTreeSet<usize> = [index].into();
        affected.extend(catalog.codes[index].parent);
        affected.extend(catalog.children_of(index));
        affected.extend(catalog.replacing(index));
        // The pages rendered again are located where they now come from.
        let locations: Vec<Location> = self.plan.pages.iter().map(|p| p.location.clone()).collect();
        self.plan.move_catalog_locations(catalog, index, from, by);
        let (mut changed, fresh, undo) =
            self.prepared
                .edit_codes(&self.sources, &self.plan, &affected, &moved);
        timings.lap("catalog edit: views of the codes showing it");
        // The links of the edited codes lead where they led: same hrefs (else a full build
        // checks what they now resolve to).
        let result = if self.prepared.shared.same_hrefs(&undo.shared) {
            changed.insert(index);
            let catalog = &self.sources.catalog;
            let code_pages = crate::catalog_edit::code_pages_showing(&changed, [catalog, catalog]);
            self.finish_catalog_edit(None, None, &changed, &code_pages, Some(&fresh), timings)
        } else {
            Ok(None)
        };
        if matches!(result, Ok(Some(_))) {
            self.edited_headers(&at);
            // Code pages not rendered again (their facts are where they came from before)
            // keep their facts; what is written there moved with them.
            for planned in &self.plan.pages {
                if let Some(f) = self.facts.get_mut(&planned.url)
                    && f.location != planned.location
                {
                    f.move_locations(&moved);
                    f.location = planned.location.clone();
                }
            }
        } else {
            for (planned, location) in self.plan.pages.iter_mut().zip(locations) {
                planned.location = location;
            }
            self.prepared.undo(undo);
            edit.undo(&mut self.sources.catalog);
        }
        Some(result)
    }

    /// The `[[code]]` headers of the catalog moved by `edit`, which succeeded.
    fn edited_headers(&mut self, edit: &crate::catalog_edit::Edit) {
        if let Some(headers) = self.catalog_headers.as_mut() {
            crate::catalog_edit::headers_after(headers, edit);
        }
    }

    /// The rest of [`Site::update_catalog`] once the new catalog, loaded whole, is in
    /// `self.sources`: the site is planned again and every catalog view built again.
    fn apply_catalog(
        &mut self,
        old: &crate::catalog::Catalog,
        edited: usize,
        timings: &mut Timings,
    ) -> CatalogUpdate {
        let plan =
            Plan::new(&self.sources, self.plan.files.clone()).map_err(Diagnostics::into_sorted)?;
        if !plan.same_layout(&self.plan) {
            return Ok(None);
        }
        timings.lap("catalog edit: plan");
        let mut prepared = Prepared::new(&self.sources, &plan).map_err(Diagnostics::into_sorted)?;
        timings.lap("catalog edit: catalog views");
        if !prepared.shared.same_hrefs(&self.prepared.shared) {
            return Ok(None);
        }
        let (new_views, old_views) = (&prepared.views.codes, &self.prepared.views.codes);
        let mut changed: BTreeSet<usize> = (0..new_views.len())
            .filter(|&i| new_views[i] != old_views[i])
            .collect();
        changed.insert(edited);
        // The kept tables of the categories the edit did not reach are reused (a copy: the
        // old ones stay with the old views until everything succeeded).
        prepared.tables = self
            .prepared
            .tables
            .as_ref()
            .map(|t| t.still_true(&self.prepared.views, &prepared.views, &changed));
        let code_pages =
            crate::catalog_edit::code_pages_showing(&changed, [old, &self.sources.catalog]);
        self.finish_catalog_edit(
            Some(plan),
            Some(prepared),
            &changed,
            &code_pages,
            None,
            timings,
        )
    }

    /// Renders again what a catalog edit changed (the pages showing a code of `changed`, the
    /// code pages `code_pages`, `errors.json`), checks it, and on success takes the new values
    /// (`plan` and `prepared` when given; else the site's own, already edited). `fresh`: the
    /// only shared links to check again (all of them if `None`).
    // Long: one recompute-then-swap sequence (pages, checks, swap); split, the steps would
    // have to pass the half-built values between them.
    fn finish_catalog_edit(
        &mut self,
        plan: Option<Plan>,
        prepared: Option<Prepared>,
        changed: &BTreeSet<usize>,
        code_pages: &BTreeSet<usize>,
        fresh: Option<&[std::ops::Range<usize>]>,
        timings: &mut Timings,
    ) -> CatalogUpdate {
        let plan_now = plan.as_ref().unwrap_or(&self.plan);
        let prepared_now = prepared.as_ref().unwrap_or(&self.prepared);
        let inputs = Inputs {
            sources: &self.sources,
            plan: plan_now,
            prepared: prepared_now,
        };
        // errors.json is made while the pages render: the kept entries with those of the
        // codes the edit touched made again (all of them if none are kept). The entries are
        // taken: if the edit fails, the next one makes them all.
        let mut kept = self.json_parts.take();
        let make_json = || {
            let catalog = &self.sources.catalog;
            let parts = match kept.take() {
                Some(mut parts) => {
                    for &i in code_pages {
                        parts.update(catalog, plan_now, i);
                    }
                    parts
                }
                None => exports::JsonParts::new(catalog, plan_now),
            };
            let json = parts.document(&self.sources.config.title, catalog, plan_now);
            (parts, json)
        };
        type Page = (Option<PageFacts>, String, String);
        let render_pages = || -> Vec<Result<Page, Diagnostics>> {
            plan_now
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
                    let scan = crate::html::ids_and_hrefs(&html);
                    let digest = digest_of(&rendered, &scan);
                    // Rendered again the same in all its facts are read from: the kept facts
                    // stand (their links were checked against the same pages).
                    if self.facts.get(&planned.url).map(|f| f.digest) == Some(digest) {
                        return Ok((None, planned.url.clone(), html));
                    }
                    let mut diags = Diagnostics::default();
                    let facts = facts_of_scan(inputs, rendered, scan, digest, &mut diags);
                    if diags.has_errors() {
                        return Err(diags);
                    }
                    Ok((Some(facts), planned.url.clone(), html))
                })
                .collect()
        };
        let (results, (entries, json)) = rayon::join(render_pages, make_json);
        timings.lap("catalog edit: render pages, errors.json");
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
            .filter_map(|(f, _, _)| f.as_ref())
            .any(|f| self.registry.ids(&f.url) != Some(&*f.ids))
        {
            return Ok(None);
        }
        let resolver = &plan_now.resolver;
        let shared = &prepared_now.shared;
        diags.extend(match fresh {
            Some(fresh) => self.registry.check_shared(shared, fresh),
            None => self
                .registry
                .check_all(resolver, shared, std::iter::empty()),
        });
        for (facts, _, _) in &pages {
            if let Some(facts) = facts {
                diags.extend(self.registry.check_page(resolver, facts));
            }
        }
        if diags.has_errors() {
            return Err(diags.into_sorted());
        }
        timings.lap("catalog edit: link check");
        // Everything succeeded: the new values replace the old ones.
        let catalog = &self.sources.catalog;
        let mut files = vec![(exports::ERRORS_JSON.to_string(), json)];
        files.extend(site_files::split_indexes(&self.sources, plan_now));
        // Made from the catalog too: the generated modules (`[exports]`) and the changelog's
        // feed (only the files whose bytes changed are written).
        files.extend(site_files::generated(&self.sources, plan_now));
        if let Some(feed) = site_files::changelog_feed(&self.sources, plan_now) {
            files.push((crate::changelog::FEED.to_string(), feed));
        }
        for (i, path) in exports::code_json_paths(catalog, plan_now) {
            if code_pages.contains(&i)
                && let Some(entry) = entries.entry(i)
            {
                let rel = path.trim_start_matches('/').to_string();
                files.push((rel, exports::code_json(&entry)));
            }
        }
        self.json_parts = Some(entries);
        for (facts, url, html) in pages {
            files.push((plan_now.output_file(&url), html));
            if let Some(facts) = facts {
                self.facts.insert(url, facts);
            }
        }
        if let Some(plan) = plan {
            // Code pages not re-rendered keep their facts; where they come from may have moved.
            for planned in &plan.pages {
                if let Some(f) = self.facts.get_mut(&planned.url) {
                    f.location = planned.location.clone();
                }
            }
            self.plan = plan;
        }
        if let Some(prepared) = prepared {
            self.prepared = prepared;
        }
        timings.lap("catalog edit: code files, facts");
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
        let facts = facts_of(inputs, rendered, true, &mut diags);
        if diags.has_errors() {
            return Err(diags.into_sorted());
        }
        Ok((facts, html))
    }
}

/// What an incremental catalog edit gives: the output files to write (path, content), `None`
/// when a full build is needed, or the problems found.
type CatalogUpdate = Result<Option<Vec<(String, String)>>, Vec<Diagnostic>>;

/// The problems found so far followed by `more`, sorted: a stage that cannot go on reports
/// them with the problems of the stages before it.
fn all(so_far: &mut Diagnostics, more: Diagnostics) -> Vec<Diagnostic> {
    so_far.extend(more);
    std::mem::take(so_far).into_sorted()
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

/// Reduces a rendered page to what the link checker needs; with `digest` (`watch`), notes a
/// digest of what they were read from ([`digest_of`]).
fn facts_of(
    inputs: Inputs,
    mut rendered: Rendered,
    digest: bool,
    diags: &mut Diagnostics,
) -> PageFacts {
    let scan = crate::html::ids_and_hrefs(&rendered.html);
    // Read (and under `build` written): not held while its facts are made (40 MB at 100,000
    // codes).
    rendered.html = String::new();
    let digest = if digest {
        digest_of(&rendered, &scan)
    } else {
        0
    };
    facts_of_scan(inputs, rendered, scan, digest, diags)
}

/// A digest of all [`facts_of`] reads of a rendered page (`scan`: its ids and hrefs): the
/// same digest, the same facts. The theme, the resolver and the shared links' hrefs are
/// read too: `watch` compares digests only while they stay the same.
fn digest_of(rendered: &Rendered, scan: &crate::links::Scan) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let r = rendered;
    (
        &r.url,
        &r.location,
        &r.links,
        &r.redirect_to,
        &*r.chrome,
        &r.based,
        scan,
    )
        .hash(&mut h);
    // Never 0, which stands for "no digest".
    h.finish().max(1)
}

/// [`facts_of`] with the page's ids and hrefs read, and its digest.
fn facts_of_scan(
    inputs: Inputs,
    rendered: Rendered,
    scan: crate::links::Scan,
    digest: u64,
    diags: &mut Diagnostics,
) -> PageFacts {
    let mut facts = PageFacts::of_scan(
        &rendered.url,
        scan,
        rendered.location,
        &rendered.links,
        &inputs.plan.resolver,
        &inputs.prepared.shared,
        diags,
    );
    facts.digest = digest;
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

/// Prints how long each stage took, the CPU time it used on all cores (how parallel it is),
/// and the memory in use after it and at most so far (Linux), when `ERRDOCS_TIMINGS` is set
/// (for profiling builds).
struct Timings {
    on: bool,
    last: Instant,
    last_cpu: std::time::Duration,
}

impl Timings {
    fn start() -> Self {
        Timings {
            on: std::env::var_os("ERRDOCS_TIMINGS").is_some(),
            last: Instant::now(),
            last_cpu: cpu_time(),
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
            let cpu = cpu_time();
            eprintln!(
                "timing: {stage:<34} {:>7.1} ms   cpu {:>7.1} ms   rss {:>8}   peak {:>8}",
                self.last.elapsed().as_secs_f64() * 1e3,
                cpu.saturating_sub(self.last_cpu).as_secs_f64() * 1e3,
                kib("VmRSS:"),
                kib("VmHWM:")
            );
            self.last_cpu = cpu;
        }
        self.last = Instant::now();
    }
}

/// The CPU time (user and system) this process has used so far, on all its threads.
fn cpu_time() -> std::time::Duration {
    // SAFETY: `getrusage` only writes the `rusage` it is given, which is zeroed and ours.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return std::time::Duration::ZERO;
        }
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    std::time::Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = "[[category]]\nid = \"auth\"\ntitle = \"Authentication\"\n\n\
        [[category]]\nid = \"rate\"\ntitle = \"Rate limits\"\n\n\
        [[code]]\ncode = \"EX-1\"\ncategory = \"auth\"\nmessage = \"Missing key\"\nstatus = 401\nfix = \"Send one.\"\n\n\
        [[code]]\ncode = \"EX-2\"\ncategory = \"rate\"\nmessage = \"Too many\"\nstatus = 429\nfix = \"Wait.\"\n";

    /// Writes a site of two categories, a home page and the reference page in `dir/site`;
    /// its options build it into `dir/out`.
    fn site(dir: &std::path::Path) -> Options {
        let root = dir.join("site");
        write(&root.join("errdocs.toml"), "title = \"T\"\n");
        write(&root.join("catalog/errors.toml"), CATALOG);
        write(
            &root.join("content/index.md"),
            "+++\ntitle = \"Home\"\n+++\nHi.\n",
        );
        write(
            &root.join("content/errors.md"),
            "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\n```\n",
        );
        Options {
            root,
            output: Some(dir.join("out")),
            ..Options::default()
        }
    }

    fn write(path: &std::path::Path, text: &str) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create a directory of the test site");
        }
        std::fs::write(path, text).expect("write a file of the test site");
    }

    /// Under watch, a catalog edit re-renders the tables of the categories it reaches and
    /// reuses the others: a marker appended to each kept table shows up in the page only where
    /// the edit did not reach.
    #[test]
    fn a_catalog_edit_renders_only_the_tables_of_the_categories_it_reaches() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let options = site(dir.path());
        let root = options.root.clone();
        let (mut site, _) = build_keeping(&options, true).expect("the site builds");
        let tables = site
            .prepared
            .tables
            .as_ref()
            .expect("watch keeps the tables");
        tables.append(0, "<!-- kept auth -->");
        tables.append(1, "<!-- kept rate -->");
        let edited = CATALOG.replace("Too many", "Slow down");
        write(&root.join("catalog/errors.toml"), &edited);
        let files = site
            .update_catalog()
            .expect("the edit is valid")
            .expect("the edit stays inside one [[code]] table");
        let (_, page) = files
            .iter()
            .find(|(rel, _)| rel == "errors/index.html")
            .expect("the reference page is written again");
        assert!(
            page.contains("<!-- kept auth -->"),
            "the untouched table is reused"
        );
        assert!(
            !page.contains("kept rate"),
            "the edited category is rendered again"
        );
        assert!(page.contains("Slow down"));
        // Without the marker, and errors.json (its entries written on every core), the same
        // bytes as a fresh build of the edited site.
        let fresh = Options {
            output: Some(dir.path().join("fresh")),
            ..options
        };
        build_keeping(&fresh, false).expect("the edited site builds");
        let read = |rel: &str| {
            std::fs::read_to_string(dir.path().join("fresh").join(rel)).expect("a built file")
        };
        assert_eq!(
            page.replace("<!-- kept auth -->", ""),
            read("errors/index.html")
        );
        let (_, json) = files
            .iter()
            .find(|(rel, _)| rel == exports::ERRORS_JSON)
            .expect("errors.json is written again");
        assert_eq!(*json, read(exports::ERRORS_JSON));
    }

    /// Under watch, edits inside one code's table that keep what ties it to the rest of the
    /// catalog (re-read alone, `catalog::reload_code`; views built again only for the codes
    /// showing it) leave the site's values as a fresh build makes them: every code, envelope
    /// and status view, every shared link with where it was written, every page's location and
    /// link facts. The catalog has sub-codes, a replacement, a problem details envelope (its
    /// example shows a code), a code page no edit renders again and links in catalog text;
    /// the edits add and remove lines.
    #[test]
    fn one_code_edits_leave_the_values_of_a_fresh_build() {
        let catalog = |parent_message: &str, fix: &str, child_fix: &str, child_status: u16| {
            format!(
                "[[envelope]]\nid = \"problem\"\ntitle = \"Problem\"\nkind = \"problem\"\n\
                 example = '{{\"type\": \"https://example.com/errors/EX-1\", \"title\": \"T\"}}'\n\n\
                 [[category]]\nid = \"auth\"\ntitle = \"Authentication\"\n\n\
                 [[category]]\nid = \"rate\"\ntitle = \"Rate limits\"\n\n\
                 [[code]]\ncode = \"EX-1\"\ncategory = \"auth\"\nmessage = \"{parent_message}\"\n\
                 status = 401\nfix = \"\"\"\n{fix}\"\"\"\n\n\
                 [[code]]\ncode = \"EX-2\"\ncategory = \"auth\"\nparent = \"EX-1\"\n\
                 message = \"Child\"\nstatus = {child_status}\nfix = \"{child_fix}\"\n\n\
                 [[code]]\ncode = \"EX-3\"\ncategory = \"auth\"\nmessage = \"Old\"\nstatus = 400\n\
                 deprecated = true\nreplaced_by = \"EX-1\"\nfix = \"See [home](/errors/).\"\n\n\
                 [[code]]\ncode = \"EX-9\"\ncategory = \"rate\"\nmessage = \"Slow\"\nstatus = 429\nfix = \"Wait.\"\n\n\
                 [[status]]\nstatus = 401\ndescription = \"See [errors](/errors/).\"\n\n\
                 [[status]]\nstatus = 418\ndescription = \"Unused until [an edit](/errors/).\"\n"
            )
        };
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut options = site(dir.path());
        options.base_url = Some("https://example.com".into());
        let root = options.root.clone();
        write(
            &root.join("errdocs.toml"),
            "title = \"T\"\n\n[code_pages]\nenabled = true\npath = \"errors\"\n",
        );
        write(
            &root.join("content/errors.md"),
            "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\nenvelope problem\nstatuses\n```\n",
        );
        write(
            &root.join("catalog/errors.toml"),
            &catalog("Key", "Send one.\n", "Ask.", 403),
        );
        let (mut site, _) = build_keeping(&options, true).expect("the site builds");
        let long = "Send one.\n\nSee [the errors](/errors/).\n\nOr ask.\n";
        let edits = [
            catalog("Missing key", "Send one.\n", "Ask.", 403),
            catalog("Missing key", long, "Ask.", 403),
            catalog("Missing key", long, "Ask [home](/errors/).", 403),
            catalog("No key", "Short.\n", "Ask [home](/errors/).", 403),
            // A status no code used before (its row, its description and the links in it
            // appear): a full build, as `watch` does after this answer; then back.
            catalog("No key", "Short.\n", "Ask [home](/errors/).", 418),
            catalog("No key", "Short.\n", "Ask.", 403),
        ];
        let full = [4, 5];
        let views = |s: &Site| {
            let v = &s.prepared.views;
            let envelopes = serde_json::to_string(&v.envelopes).expect("views serialize");
            let statuses = serde_json::to_string(&v.statuses).expect("views serialize");
            (v.codes.clone(), envelopes, statuses)
        };
        for (n, text) in edits.iter().enumerate() {
            write(&root.join("catalog/errors.toml"), text);
            let applied = site.update_catalog().expect("the edit is valid");
            assert_eq!(
                applied.is_none(),
                full.contains(&n),
                "edit {n}: incremental or not"
            );
            if applied.is_none() {
                site = build_keeping(&options, true).expect("the site builds").0;
            }
            let fresh_options = Options {
                output: Some(dir.path().join(format!("fresh-{n}"))),
                ..options.clone()
            };
            let (fresh, _) = build_keeping(&fresh_options, true).expect("the edited site builds");
            assert!(views(&site) == views(&fresh), "edit {n}: views differ");
            assert_eq!(
                site.prepared.shared.dump(),
                fresh.prepared.shared.dump(),
                "edit {n}"
            );
            let locations = |s: &Site| {
                let pages: Vec<String> = s.plan.pages.iter().map(|p| format!("{p:?}")).collect();
                // The digest notes what the facts were read from, not what they are.
                let facts: Vec<String> = s
                    .facts
                    .values()
                    .map(|f| {
                        let mut f = f.clone();
                        f.digest = 0;
                        format!("{f:?}")
                    })
                    .collect();
                (pages, facts)
            };
            assert_eq!(locations(&site), locations(&fresh), "edit {n}");
        }
    }

    /// A build keeps no tables: it renders each one once.
    #[test]
    fn a_build_keeps_no_tables() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (site, _) = build_keeping(&site(dir.path()), false).expect("the site builds");
        assert!(site.prepared.tables.is_none());
    }
}
