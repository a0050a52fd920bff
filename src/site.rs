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
use crate::render::{
    self, FooterContext, NavItem, NavSection, PageContext, PageView, Renderer, SiteContext,
};

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

    let mut links: Vec<LinkRef> = Vec::new();
    let views = render::view::build(&catalog, &resolver, &code_home, &mut links);
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

    let mut registry = Registry::default();
    let mut rendered_pages: Vec<(String, String, Location)> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let rendered = markdown::render_page(
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
        for (href, line) in rendered.links {
            links.push(LinkRef {
                href,
                page: page.url.clone(),
                source_dir: Some(source_dir.clone()),
                location: page.source.locate_line(line),
            });
        }
        let context = PageContext {
            site: &site,
            page: page_view(page, rendered.html, &config),
            nav: nav
                .iter()
                .map(|item| NavItem {
                    current: item.href
                        == resolver.href(&Target {
                            path: page.url.clone(),
                            fragment: None,
                        }),
                    ..item.clone()
                })
                .collect(),
        };
        match renderer.page(&page.template, &context) {
            Ok(html) => {
                rendered_pages.push((page.url.clone(), html, Location::file(&page.source.path)));
            }
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
            Ok(html) => rendered_pages.push((
                "/404.html".into(),
                html,
                Location::file(Path::new("templates/404.html")),
            )),
            Err(problem) => diags.push(Diagnostic::new(problem, None)),
        }
    }

    let mut output_files: Vec<OutputFile> = Vec::new();
    for (rel, _) in render::THEME_STATIC {
        if !statics.iter().any(|(r, _)| r == rel) {
            registry.add_file(format!("/{rel}"));
        }
    }
    for (rel, _) in &statics {
        registry.add_file(format!("/{rel}"));
    }
    for (url, html, location) in &rendered_pages {
        registry.add_page(url, html, location, &mut diags);
    }
    check_links(&resolver, &registry, &links, &rendered_pages, &mut diags);
    if !diags.is_empty() {
        return Err(diags.into_sorted());
    }

    for (url, html, _) in rendered_pages {
        let path = match url.as_str() {
            "/404.html" => "404.html".to_string(),
            u => format!("{}index.html", u.trim_start_matches('/')),
        };
        output_files.push(OutputFile {
            path,
            content: Content::Bytes(html.into_bytes()),
        });
    }
    for (rel, bytes) in render::THEME_STATIC {
        if !statics.iter().any(|(r, _)| r == rel) {
            output_files.push(OutputFile {
                path: (*rel).to_string(),
                content: Content::Bytes(bytes.to_vec()),
            });
        }
    }
    for (rel, path) in statics {
        output_files.push(OutputFile {
            path: rel,
            content: Content::Copy(path),
        });
    }
    output_files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Built {
        files: output_files,
        pages: pages.len(),
        codes: catalog.codes.len(),
        categories: catalog.categories.len(),
    })
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
    pages: &[(String, String, Location)],
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
    for (url, html, location) in pages {
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
