//! The build pipeline: config -> catalog -> content -> render -> links -> output.
//!
//! [`build_site`] runs every stage in memory and returns the files of the site, or every
//! problem found; [`build`] then writes them (staged and swapped in) and [`check`] stops there.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use walkdir::WalkDir;

use crate::catalog::{self, Catalog};
use crate::config::{self, Config};
use crate::content::{self, Page, markdown};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::links::{LinkRef, Registry, Resolver, Target};
use crate::output::{self, Content, OutputFile};
use crate::render::view::CodeHomes;
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
}

impl Options {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join(DEFAULT_OUTPUT))
    }
}

/// A site built in memory.
pub struct Built {
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub codes: usize,
    pub categories: usize,
    /// Every page, anchor and file of the build.
    pub registry: Registry,
    pub resolver: Resolver,
    pub summary: CodeSummary,
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

/// What a successful build or check reports.
pub struct Summary {
    pub pages: usize,
    pub codes: usize,
    pub categories: usize,
    pub files: usize,
    pub output: Option<PathBuf>,
    pub elapsed: Duration,
}

/// Builds the site and writes it to the output directory.
pub fn build(options: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    let out = options.output_dir();
    output::check_output_dir(&options.root, &out, &source_dirs())
        .map_err(|p| vec![Diagnostic::new(p, None)])?;
    let built = build_site(options)?;
    output::write_site(&out, &built.files).map_err(|e| {
        vec![Diagnostic::new(
            Problem::Io {
                action: "write the site",
                message: format!("{}: {e}", out.display()),
            },
            None,
        )]
    })?;
    Ok(Summary {
        pages: built.pages,
        codes: built.codes,
        categories: built.categories,
        files: built.files.len(),
        output: Some(out),
        elapsed: started.elapsed(),
    })
}

/// Runs every check of a build and writes nothing.
pub fn check(options: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    let built = build_site(options)?;
    Ok(Summary {
        pages: built.pages,
        codes: built.codes,
        categories: built.categories,
        files: built.files.len(),
        output: None,
        elapsed: started.elapsed(),
    })
}

fn source_dirs() -> [&'static str; 4] {
    [
        content::CONTENT_DIR,
        "catalog",
        render::TEMPLATES_DIR,
        STATIC_DIR,
    ]
}

/// Runs the whole pipeline in memory.
pub fn build_site(options: &Options) -> Result<Built, Vec<Diagnostic>> {
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
    let catalog = load_catalog(root, &config, &mut diags);
    let pages = content::load_pages(root, &mut diags);
    let tera = render::load_theme(root, &mut diags);
    let statics = static_files(root, &mut diags);
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
    let mut shown_on: Vec<Vec<usize>> = Vec::with_capacity(pages.len());
    let mut category_home: HashMap<usize, String> = HashMap::new();
    for (page, page_blocks) in pages.iter().zip(&blocks) {
        let mut shown = Vec::new();
        for d in page_blocks.iter().flatten() {
            for c in d.categories(&catalog) {
                category_home.entry(c).or_insert_with(|| page.url.clone());
                if !shown.contains(&c) {
                    shown.push(c);
                }
            }
        }
        shown_on.push(shown);
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
    let mut links: Vec<LinkRef> = Vec::new();
    let views = render::view::build(&catalog, &resolver, &homes, &mut links);
    let nav = navigation(&pages, &shown_on, &catalog, &resolver);
    let home = if pages.iter().any(|p| p.url == "/") {
        base_path.clone()
    } else {
        nav.first()
            .map_or_else(|| base_path.clone(), |n| n.href.clone())
    };
    let site = site_context(&config, &resolver, &base_path, home, &mut links);
    let renderer = Renderer {
        tera: &tera,
        catalog: &catalog,
        views: &views,
    };

    let mut rendered: Vec<RenderedPage> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let body = markdown::render_page(
            page,
            &blocks[i],
            &resolver,
            &mut |d| renderer.directive(d),
            &mut diags,
        );
        let source_dir = page
            .rel
            .rfind('/')
            .map_or("", |j| &page.rel[..j])
            .to_string();
        for (href, line) in body.links {
            links.push(LinkRef {
                href,
                page: page.url.clone(),
                source_dir: Some(source_dir.clone()),
                location: page.source.locate_line(line),
            });
        }
        let context = PageContext {
            site: &site,
            page: page_view(page, body.html, &config),
            nav: nav_for(&nav, &page.url, &resolver),
        };
        match renderer.page(&page.template, &context) {
            Ok(html) => rendered.push(RenderedPage {
                url: page.url.clone(),
                html,
                location: Location::file(&page.source.path),
            }),
            Err(problem) => diags.push(Diagnostic::new(
                problem,
                Some(Location::file(&page.source.path)),
            )),
        }
    }
    if !pages.iter().any(|p| p.url == "/404.html") {
        let context = PageContext {
            site: &site,
            page: PageView {
                title: "Page not found".into(),
                description: None,
                url: "/404.html".into(),
                permalink: None,
                content: String::new(),
                source: String::new(),
            },
            nav: nav.clone(),
        };
        match renderer.page("404.html", &context) {
            Ok(html) => rendered.push(RenderedPage {
                url: "/404.html".into(),
                html,
                location: Location::file(Path::new("templates/404.html")),
            }),
            Err(problem) => diags.push(Diagnostic::new(problem, None)),
        }
    }

    // Pages generated from the catalog: one per code, and redirects for aliases.
    let category_home_of = |c: usize| category_home.get(&c).cloned();
    let inputs = codepages::Inputs {
        catalog: &catalog,
        renderer: &renderer,
        resolver: &resolver,
        site: &site,
        nav: &nav,
        homes: &homes,
        category_home: &category_home_of,
    };
    let mut taken: HashMap<String, Location> = rendered
        .iter()
        .map(|r| (r.url.clone(), r.location.clone()))
        .collect();
    for result in codepages::code_pages(&inputs)
        .into_iter()
        .chain(codepages::redirects(&inputs))
    {
        match result {
            Ok(page) => {
                let location = catalog.source.locate(catalog.codes[page.code].span.clone());
                if let Some(first) = taken.get(&page.url) {
                    diags.push(Diagnostic::at(
                        Problem::Duplicate {
                            kind: "page URL",
                            name: page.url.clone(),
                            first: first.clone(),
                        },
                        location,
                    ));
                    continue;
                }
                taken.insert(page.url.clone(), location.clone());
                rendered.push(RenderedPage {
                    url: page.url,
                    html: page.html,
                    location,
                });
            }
            Err((code, problem)) => diags.push(Diagnostic::new(
                problem,
                Some(catalog.source.locate(catalog.codes[code].span.clone())),
            )),
        }
    }

    let mut registry = Registry::default();
    for (rel, _) in render::THEME_STATIC {
        registry.add_file(format!("/{rel}"));
    }
    for rel in [export::ERRORS_JSON, export::SCHEMA_JSON, export::URLS_TXT] {
        registry.add_file(format!("/{rel}"));
    }
    for (rel, _) in &statics {
        registry.add_file(format!("/{rel}"));
    }
    for page in &rendered {
        registry.add_page(&page.url, &page.html, &page.location, &mut diags);
    }
    check_links(&resolver, &registry, &links, &rendered, &mut diags);
    if !diags.is_empty() {
        return Err(diags.into_sorted());
    }

    let mut files: Vec<OutputFile> = Vec::new();
    for page in rendered {
        files.push(OutputFile {
            path: output_path(&page.url),
            content: Content::Bytes(page.html.into_bytes()),
        });
    }
    let exports = [
        (
            export::ERRORS_JSON,
            export::errors_json(
                &config.title,
                config.base_url.as_deref(),
                &catalog,
                &views.codes,
                &homes,
                &resolver,
            ),
        ),
        (export::SCHEMA_JSON, export::SCHEMA.to_string()),
        (export::URLS_TXT, export::urls_txt(&registry)),
    ];
    for (rel, text) in exports {
        files.push(OutputFile {
            path: rel.to_string(),
            content: Content::Bytes(text.into_bytes()),
        });
    }
    for (rel, bytes) in render::THEME_STATIC {
        if !statics.iter().any(|(r, _)| r == rel) {
            files.push(OutputFile {
                path: (*rel).to_string(),
                content: Content::Bytes(bytes.to_vec()),
            });
        }
    }
    for (rel, path) in statics {
        files.push(OutputFile {
            path: rel,
            content: Content::Copy(path),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let summary = CodeSummary::of(&catalog);
    Ok(Built {
        files,
        pages: pages.len(),
        codes: catalog.codes.len(),
        categories: catalog.categories.len(),
        registry,
        resolver,
        summary,
    })
}

/// A page ready to write, with where it came from (for messages).
struct RenderedPage {
    url: String,
    html: String,
    location: Location,
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

/// The navigation with the entry of the page at `url` marked current.
fn nav_for(nav: &[NavItem], url: &str, resolver: &Resolver) -> Vec<NavItem> {
    let href = resolver.href(&Target {
        path: url.to_string(),
        fragment: None,
    });
    nav.iter()
        .map(|item| NavItem {
            current: item.href == href,
            ..item.clone()
        })
        .collect()
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

/// Checks every recorded link (reported where it was written), then every other internal
/// href of the rendered pages (links that templates write), reported against the page.
fn check_links(
    resolver: &Resolver,
    registry: &Registry,
    links: &[LinkRef],
    pages: &[RenderedPage],
    diags: &mut Diagnostics,
) {
    let mut written: HashSet<(String, String)> = HashSet::new();
    for link in links {
        let Some(target) = resolver.resolve(&link.href, &link.page, link.source_dir.as_deref())
        else {
            continue;
        };
        registry.check(&link.href, &target, &link.location, diags);
        let out = resolver.rewrite(&link.href, &link.page, link.source_dir.as_deref());
        written.insert((link.page.clone(), out));
    }
    let all_pages_hrefs: HashSet<&String> = written.iter().map(|(_, h)| h).collect();
    for RenderedPage {
        url,
        html,
        location,
    } in pages
    {
        let mut seen = HashSet::new();
        for href in crate::links::hrefs_in(html) {
            if !seen.insert(href.clone())
                || written.contains(&(url.clone(), href.clone()))
                || (!href.starts_with('#') && all_pages_hrefs.contains(&href))
            {
                continue;
            }
            if let Some(target) = resolver.resolve_output(&href, url) {
                registry.check(&href, &target, location, diags);
            }
        }
    }
}
