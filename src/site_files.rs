//! The files of a build besides its pages: the exports (`errors.json`, its schema, each
//! code's JSON file, `urls.txt`, the generated modules of `[exports]`), the split catalogs'
//! indexes, the shared navigation, `sitemap.xml`/`robots.txt`, the changelog feed, the theme's
//! and the site's static files. Everything but `urls.txt` is made from the sources and the
//! plan alone, so `build` writes it while the pages render ([`write_unlinked`]); `urls.txt`
//! lists the link registry and is written after the link check ([`write_linked`]).

use crate::codegen;
use crate::diagnostics::{Diagnostic, Problem};
use crate::exports;
use crate::links::Registry;
use crate::output::Staging;
use crate::plan::Plan;
use crate::render::{self, Inputs};
use crate::sources::Sources;
use crate::urls;

/// Writes every file but the pages and `urls.txt`: what depends on the sources and the plan
/// only, so it can be written while the pages render.
pub(crate) fn write_unlinked(inputs: Inputs, staging: &Staging) -> std::io::Result<()> {
    let Inputs {
        sources,
        plan,
        prepared,
    } = inputs;
    // errors.json is the largest file, made a chunk of codes at a time on every core; each
    // code's JSON file is its entry, written as the entry is made. The small files share the
    // other thread.
    let (json, rest) = rayon::join(
        || {
            let files = CodeJsonFiles::new(sources, plan, staging);
            staging.write_with(exports::ERRORS_JSON, |out| {
                let (title, catalog) = (&sources.config.title, &sources.catalog);
                exports::write_errors_json_each(out, title, catalog, plan, &|i, text| {
                    files.write(i, text)
                })
            })?;
            files.finish()
        },
        || -> std::io::Result<()> {
            staging.write(
                exports::SCHEMA_JSON,
                exports::schema().to_string().as_bytes(),
            )?;
            for (rel, text) in generated(sources, plan) {
                staging.write(&rel, text.as_bytes())?;
            }
            for (rel, text) in split_indexes(sources, plan) {
                staging.write(&rel, text.as_bytes())?;
            }
            staging.write(render::NAV_SCRIPT, prepared.nav_script().as_bytes())?;
            staging.write(render::NAV_PAGE, prepared.nav_page.as_bytes())?;
            for (rel, text) in sitemap(sources, plan) {
                staging.write(&rel, text.as_bytes())?;
            }
            if let Some(feed) = changelog_feed(sources, plan) {
                staging.write(crate::changelog::FEED, feed.as_bytes())?;
            }
            for (rel, bytes) in sources.theme_files() {
                staging.write(rel, bytes)?;
            }
            for (rel, path) in &sources.statics {
                staging.copy(rel, path)?;
            }
            Ok(())
        },
    );
    json.and(rest)
}

/// Writes the files made from the link registry: `urls.txt`.
pub(crate) fn write_linked(registry: &Registry, staging: &Staging) -> std::io::Result<()> {
    staging.write(exports::URLS_TXT, exports::urls_txt(registry).as_bytes())
}

/// The number of files besides the pages.
pub(crate) fn count(sources: &Sources, plan: &Plan) -> usize {
    plan.splits.len()
        + usize::from(!sources.releases.is_empty())
        + exports::FILES.len()
        + code_json_paths(sources, plan).count()
        + sources.config.exports.files.len()
        + 2
        + sitemap(sources, plan).len()
        + sources.theme_files().count()
        + sources.statics.len()
}

/// The site paths of every file of the output that is not a page: the theme's static files,
/// the exports and the site's static files.
pub(crate) fn names(sources: &Sources) -> std::collections::BTreeSet<String> {
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

/// The code JSON files a build writes (a site's own static file at that path replaces it):
/// (code, path inside the output).
fn code_json_paths<'a>(
    sources: &'a Sources,
    plan: &Plan,
) -> impl Iterator<Item = (usize, String)> + 'a {
    exports::code_json_paths(&sources.catalog, plan)
        .into_iter()
        .filter(|(_, path)| !sources.has_static(path.trim_start_matches('/')))
        .map(|(i, path)| (i, path.trim_start_matches('/').to_string()))
}

/// Each code's JSON file beside its page (and beside each redirect to it): its `errors.json`
/// entry and a final newline (none without code pages). Written from any core as
/// `errors.json` makes the entries; the first error is kept for [`CodeJsonFiles::finish`].
struct CodeJsonFiles<'a> {
    staging: &'a Staging,
    /// The paths of each code's files, by code.
    paths: Vec<Vec<String>>,
    error: std::sync::Mutex<Option<std::io::Error>>,
}

impl<'a> CodeJsonFiles<'a> {
    fn new(sources: &Sources, plan: &Plan, staging: &'a Staging) -> Self {
        let mut paths = vec![Vec::new(); sources.catalog.codes.len()];
        for (i, rel) in code_json_paths(sources, plan) {
            paths[i].push(rel);
        }
        CodeJsonFiles {
            staging,
            paths,
            error: std::sync::Mutex::new(None),
        }
    }

    /// Writes the files of code `i`, whose entry is `text`.
    fn write(&self, i: usize, text: &str) {
        let Some(paths) = self.paths.get(i).filter(|p| !p.is_empty()) else {
            return;
        };
        let mut content = String::with_capacity(text.len() + 1);
        content.push_str(text);
        content.push('\n');
        for rel in paths {
            if let Err(e) = self.staging.write(rel, content.as_bytes()) {
                let mut first = self.error.lock().unwrap_or_else(|p| p.into_inner());
                first.get_or_insert(e);
            }
        }
    }

    /// The first error of a write, if one failed.
    fn finish(self) -> std::io::Result<()> {
        match self.error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The modules `[exports]` asks for: (path inside the output, content). The Go package name
/// was checked when the site was built.
pub(crate) fn generated(sources: &Sources, plan: &Plan) -> Vec<(String, String)> {
    let files = &sources.config.exports.files;
    if files.is_empty() {
        return Vec::new();
    }
    let Ok(input) = codegen_input(sources, plan, None) else {
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

/// `sitemap.xml` and `robots.txt`, unless the site has its own in `static/`.
fn sitemap(sources: &Sources, plan: &Plan) -> Vec<(String, String)> {
    crate::sitemap::files(plan)
        .into_iter()
        .filter(|(rel, _)| !sources.has_static(rel))
        .collect()
}

/// `changelog.xml`, the Atom feed of the changelog, when the site keeps releases.
pub(crate) fn changelog_feed(sources: &Sources, plan: &Plan) -> Option<String> {
    let config = &sources.config;
    let entries = crate::changelog::entries(&sources.releases, &sources.catalog, plan);
    crate::changelog::feed(&config.title, config.base_url.as_deref(), &entries)
}

/// The shared index of each split catalog: (path inside the output, content).
pub(crate) fn split_indexes(sources: &Sources, plan: &Plan) -> Vec<(String, String)> {
    plan.splits
        .iter()
        .map(|s| {
            let json = crate::split::index_json(s, &sources.catalog, &plan.resolver);
            (plan.output_file(&s.index), json)
        })
        .collect()
}

/// What the generators read: the catalog flattened, with each code's documentation URL.
pub(crate) fn codegen_input(
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
