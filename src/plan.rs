//! Stage 2: the plan of the site, decided before anything is rendered.
//!
//! From the sources it computes every URL: the page of each Markdown file, the home of each
//! category and code (the first page, by path, whose directives show its table), the page of
//! each code and each alias redirect, the 404 page; the navigation; the files the build writes
//! besides pages. Two things claiming one URL are reported here. The plan is plain data.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::catalog::{Alias, Catalog};
use crate::content::{Directives, Page};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::sources::Sources;
use crate::split::{self, Split};
use crate::urls::{Resolver, Target};

/// What a page of the output is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PageKind {
    /// A Markdown page (index into [`Sources::pages`]).
    Content(usize),
    /// The theme's 404 page, when the site has no `content/404.md`.
    NotFound,
    /// The page of a code (index into the catalog's codes).
    Code(usize),
    /// A redirect to the page (or row) of a code, for one of its aliases.
    Redirect(usize),
    /// The page of one category of a split catalog (indexes into [`Plan::splits`] and the
    /// catalog's categories).
    Category { split: usize, category: usize },
}

/// One page the build renders.
#[derive(Clone, Debug)]
pub(crate) struct PlannedPage {
    /// Site path (`/guide/`, `/errors/PG-1003/`, `/404.html`).
    pub(crate) url: String,
    pub(crate) kind: PageKind,
    /// Where it comes from, for messages about it.
    pub(crate) location: Location,
}

/// A link of the navigation.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub(crate) struct NavItem {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) current: bool,
    pub(crate) sections: Vec<NavSection>,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub(crate) struct NavSection {
    pub(crate) title: String,
    pub(crate) href: String,
}

/// Where everything lives.
pub(crate) struct Plan {
    pub(crate) resolver: Resolver,
    /// For each content page: the categories its directives show, in order of appearance.
    pub(crate) shown_on: Vec<Vec<usize>>,
    /// For each category: the site path of the page showing its table, if any.
    pub(crate) category_home: Vec<Option<String>>,
    /// For each code: the site path of the page showing its row, if any.
    pub(crate) code_row: Vec<Option<String>>,
    /// The path prefix of per-code pages (`errors`), `None` when they are off.
    pub(crate) code_pages: Option<String>,
    pub(crate) nav: Vec<NavItem>,
    /// The home page's href: `/` when `content/index.md` exists, else the first page.
    pub(crate) home: String,
    /// Every page to render: content pages, the 404 page, code pages, redirects.
    pub(crate) pages: Vec<PlannedPage>,
    /// Every other file of the output, as site paths (`/errdocs.css`, `/errors.json`).
    pub(crate) files: BTreeSet<String>,
    /// The catalogs split into a page per category (`catalog split=category`).
    pub(crate) splits: Vec<Split>,
}

impl Plan {
    /// Plans the site; reports URLs claimed twice.
    pub(crate) fn new(sources: &Sources, mut files: BTreeSet<String>) -> Result<Plan, Diagnostics> {
        let catalog = &sources.catalog;
        let config = &sources.config;
        // Pages left out of this run still exist for links (`/guide` is `/guide/`).
        let page_urls = sources
            .pages
            .iter()
            .map(|p| p.url.clone())
            .chain(sources.failed.iter().cloned())
            .collect();
        let resolver = Resolver::new(
            config.base_url.as_deref(),
            &config.base_path(),
            page_urls,
            config.trailing_slash,
        );
        let shown_on: Vec<Vec<usize>> = sources
            .directives
            .iter()
            .map(|d| categories_shown(d, catalog))
            .collect();
        let splits = split::of(
            &sources.pages,
            &sources.directives,
            catalog,
            config.trailing_slash,
        );
        files.extend(splits.iter().map(|s| s.index.clone()));
        let mut category_home = vec![None; catalog.categories.len()];
        for (i, (page, shown)) in sources.pages.iter().zip(&shown_on).enumerate() {
            let split = splits.iter().find(|s| s.page == i);
            for &c in shown {
                category_home[c].get_or_insert_with(|| match split {
                    Some(s) => s.pages[c].clone(),
                    None => page.url.clone(),
                });
            }
        }
        let code_row = catalog
            .codes
            .iter()
            .map(|c| category_home[c.category].clone())
            .collect();
        let nav = navigation(&sources.pages, &shown_on, catalog, &resolver, &splits);
        let home = if sources.pages.iter().any(|p| p.url == "/") {
            resolver.base_path().to_string()
        } else {
            nav.first()
                .map_or_else(|| resolver.base_path().to_string(), |n| n.href.clone())
        };
        let mut plan = Plan {
            resolver,
            shown_on,
            category_home,
            code_row,
            code_pages: config.code_pages.clone(),
            nav,
            home,
            pages: Vec::new(),
            files,
            splits,
        };
        let pages = plan.pages_of(sources)?;
        plan.resolver.add_planned(
            pages
                .iter()
                .filter(|p| matches!(p.kind, PageKind::Code(_) | PageKind::Redirect(_)))
                .map(|p| p.url.clone()),
        );
        plan.pages = pages;
        Ok(plan)
    }

    /// Whether two plans put every page, category and code at the same URLs, with the same
    /// navigation (where things come from, their locations, may differ).
    pub(crate) fn same_layout(&self, other: &Plan) -> bool {
        self.shown_on == other.shown_on
            && self.category_home == other.category_home
            && self.code_row == other.code_row
            && self.code_pages == other.code_pages
            && self.nav == other.nav
            && self.home == other.home
            && self.files == other.files
            && self.splits == other.splits
            && self.pages.len() == other.pages.len()
            && self
                .pages
                .iter()
                .zip(&other.pages)
                .all(|(a, b)| a.url == b.url && a.kind == b.kind)
    }

    /// The site path of the JSON file beside the page at `url` (a code's `errors.json` entry).
    pub(crate) fn json_beside(&self, url: &str) -> String {
        crate::urls::json_beside(url, self.resolver.trailing_slash())
    }

    /// The output file of a page at site path `url`, in the shape of `trailing_slash`.
    pub(crate) fn output_file(&self, url: &str) -> String {
        crate::urls::output_file(url, self.resolver.trailing_slash())
    }

    /// The site path of a code's own page, when per-code pages are on: under its category's
    /// `page_path`, else under `[code_pages] path`.
    pub(crate) fn code_page(&self, catalog: &Catalog, code: usize) -> Option<String> {
        self.code_page_prefix(catalog, code).map(|prefix| {
            let path = format!("{prefix}/{}", catalog.codes[code].anchor);
            crate::urls::pretty(&path, self.resolver.trailing_slash())
        })
    }

    /// The path prefix of a code's page (`errors`, or its category's `page_path`).
    fn code_page_prefix<'a>(&'a self, catalog: &'a Catalog, code: usize) -> Option<&'a str> {
        let prefix = self.code_pages.as_deref()?;
        let category = &catalog.categories[catalog.codes[code].category];
        Some(category.page_path.as_deref().unwrap_or(prefix))
    }

    /// The href of a code's own page.
    pub(crate) fn code_page_href(&self, catalog: &Catalog, code: usize) -> Option<String> {
        self.code_page(catalog, code)
            .map(|path| self.resolver.href(&Target::page(path)))
    }

    /// The href of a code's row (its page and anchor), else of its own page.
    pub(crate) fn code_href(&self, catalog: &Catalog, code: usize) -> Option<String> {
        self.code_row[code]
            .as_ref()
            .map(|page| {
                self.resolver.href(&Target::anchor(
                    page.clone(),
                    catalog.codes[code].anchor.clone(),
                ))
            })
            .or_else(|| self.code_page_href(catalog, code))
    }

    /// Where the redirects of a code send readers: its page, else its row.
    pub(crate) fn redirect_target(&self, catalog: &Catalog, code: usize) -> Option<Target> {
        self.code_page(catalog, code).map(Target::page).or_else(|| {
            self.code_row[code]
                .as_ref()
                .map(|p| Target::anchor(p.clone(), catalog.codes[code].anchor.clone()))
        })
    }

    /// Every page of the site, in the order URLs are claimed: the files the build writes
    /// besides pages, content pages, the 404 page, code pages, redirects. Two claims on one
    /// output file (compared without case: case-insensitive file systems and CDNs) are an error
    /// at the second claim.
    fn pages_of(&self, sources: &Sources) -> Result<Vec<PlannedPage>, Diagnostics> {
        let catalog = &sources.catalog;
        let mut claims = Claims {
            slash: self.resolver.trailing_slash(),
            ..Claims::default()
        };
        for file in &self.files {
            let rel = file.trim_start_matches('/');
            let origin = if sources.has_static(rel) {
                Path::new(crate::sources::STATIC_DIR).join(rel)
            } else {
                Path::new("(built in)").join(rel)
            };
            claims.claim_file(file, Location::file(&origin));
        }
        let mut pages = Vec::new();
        for (i, p) in sources.pages.iter().enumerate() {
            let location = Location::file(&p.source.path);
            if claims.claim(&p.url, location.clone()) {
                pages.push(PlannedPage {
                    url: p.url.clone(),
                    kind: PageKind::Content(i),
                    location,
                });
            }
        }
        self.category_pages(sources, &mut claims, &mut pages);
        if !claims.taken("/404.html") {
            let location = Location::file(Path::new("templates/404.html"));
            claims.claim("/404.html", location.clone());
            pages.push(PlannedPage {
                url: "/404.html".into(),
                kind: PageKind::NotFound,
                location,
            });
        }
        for i in 0..catalog.codes.len() {
            if let Some(url) = self.code_page(catalog, i) {
                let location = catalog.source.locate(catalog.codes[i].span.clone());
                if claims.claim(&url, location.clone()) {
                    pages.push(PlannedPage {
                        url,
                        kind: PageKind::Code(i),
                        location,
                    });
                }
            }
        }
        for (i, code) in catalog.codes.iter().enumerate() {
            if self.redirect_target(catalog, i).is_none() {
                continue;
            }
            for alias in &code.aliases {
                let Some(url) = self.alias_url(catalog, i, alias) else {
                    continue;
                };
                let location = catalog.source.locate(alias.span());
                if claims.claim(&url, location.clone()) {
                    pages.push(PlannedPage {
                        url,
                        kind: PageKind::Redirect(i),
                        location,
                    });
                }
            }
        }
        if claims.diags.is_empty() {
            Ok(pages)
        } else {
            Err(claims.diags)
        }
    }
}

impl Plan {
    /// The site path where `alias` of code `i` redirects from, if it has one.
    fn alias_url(&self, catalog: &Catalog, i: usize, alias: &Alias) -> Option<String> {
        match alias {
            Alias::Code { anchor, .. } => self.code_page_prefix(catalog, i).map(|prefix| {
                crate::urls::pretty(
                    &format!("{prefix}/{anchor}"),
                    self.resolver.trailing_slash(),
                )
            }),
            Alias::Url { url, .. } => Some(url.clone()),
        }
    }

    /// After the table of `code` was re-read alone (`watch`, `catalog::reload_code`): the
    /// pages made from the catalog below it come from `by` lines further down (those at line
    /// `from` and after), and those of `code` itself are located again.
    pub(crate) fn move_catalog_locations(
        &mut self,
        catalog: &Catalog,
        code: usize,
        from: usize,
        by: isize,
    ) {
        let source = &catalog.source;
        let aliases = &catalog.codes[code].aliases;
        let mut found = Vec::with_capacity(self.pages.len());
        for planned in &self.pages {
            found.push(match planned.kind {
                PageKind::Code(i) if i == code => {
                    Some(source.locate(catalog.codes[code].span.clone()))
                }
                PageKind::Redirect(i) if i == code => aliases
                    .iter()
                    .find(|a| self.alias_url(catalog, code, a).as_deref() == Some(&planned.url))
                    .map(|a| source.locate(a.span())),
                _ => None,
            });
        }
        for (planned, found) in self.pages.iter_mut().zip(found) {
            let location = &mut planned.location;
            if let Some(found) = found {
                *location = found;
            } else if location.file == source.path && location.line >= from {
                location.line = location.line.saturating_add_signed(by);
            }
        }
    }

    /// Claims the page of each category of each split catalog.
    fn category_pages(&self, sources: &Sources, claims: &mut Claims, pages: &mut Vec<PlannedPage>) {
        for (s, split) in self.splits.iter().enumerate() {
            let location = Location::file(&sources.pages[split.page].source.path);
            for (category, url) in split.pages.iter().enumerate() {
                if claims.claim(url, location.clone()) {
                    pages.push(PlannedPage {
                        url: url.clone(),
                        kind: PageKind::Category { split: s, category },
                        location: location.clone(),
                    });
                }
            }
        }
    }
}

/// The output files claimed so far, by lowercase path, with who claimed them.
#[derive(Default)]
struct Claims {
    taken: HashMap<String, (String, Location)>,
    diags: Diagnostics,
    /// `trailing_slash` (`/guide` is `guide/index.html` or `guide.html`).
    slash: bool,
}

impl Claims {
    fn key(&self, url: &str) -> String {
        crate::urls::output_file(url, self.slash).to_lowercase()
    }

    fn taken(&self, url: &str) -> bool {
        self.taken.contains_key(&self.key(url))
    }

    /// Claims a file the build writes besides pages (its site path is its file).
    fn claim_file(&mut self, file: &str, location: Location) -> bool {
        let key = if self.slash {
            self.key(file)
        } else {
            file.trim_start_matches('/').to_lowercase()
        };
        self.claim_key(key, file, location)
    }

    /// Claims the output file of `url` for `location`; reports and returns false when it is
    /// taken.
    fn claim(&mut self, url: &str, location: Location) -> bool {
        self.claim_key(self.key(url), url, location)
    }

    fn claim_key(&mut self, key: String, url: &str, location: Location) -> bool {
        if let Some((first_url, first)) = self.taken.get(&key) {
            let problem = if first_url == url {
                Problem::Duplicate {
                    kind: "page URL",
                    name: url.to_string(),
                    first: Box::new(first.clone()),
                }
            } else {
                Problem::SameOutputFile {
                    url: url.to_string(),
                    other: first_url.clone(),
                    file: crate::urls::output_file(url, self.slash),
                    first: Box::new(first.clone()),
                }
            };
            self.diags.push(Diagnostic::at(problem, location));
            return false;
        }
        self.taken.insert(key, (url.to_string(), location));
        true
    }
}

/// The categories a page's directives show, in order of first appearance.
pub(crate) fn categories_shown(directives: &Directives, catalog: &Catalog) -> Vec<usize> {
    let mut shown = Vec::new();
    for d in directives.iter().flatten() {
        for c in d.categories(catalog) {
            if !shown.contains(&c) {
                shown.push(c);
            }
        }
    }
    shown
}

/// Pages by weight then URL (the 404 page is not listed); each lists the categories it shows
/// (the category pages of a split catalog).
fn navigation(
    pages: &[Page],
    shown_on: &[Vec<usize>],
    catalog: &Catalog,
    resolver: &Resolver,
    splits: &[Split],
) -> Vec<NavItem> {
    let mut order: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].url != "/404.html")
        .collect();
    order.sort_by(|&a, &b| (pages[a].weight, &pages[a].url).cmp(&(pages[b].weight, &pages[b].url)));
    order
        .into_iter()
        .map(|i| {
            let page = &pages[i];
            let split = splits.iter().find(|s| s.page == i);
            NavItem {
                title: page.title.clone(),
                href: resolver.href(&Target::page(page.url.clone())),
                current: false,
                sections: shown_on[i]
                    .iter()
                    .map(|&c| NavSection {
                        title: catalog.categories[c].title.clone(),
                        href: match split {
                            Some(s) => resolver.href(&Target::page(s.pages[c].clone())),
                            None => resolver.href(&Target::anchor(
                                page.url.clone(),
                                catalog.categories[c].id.clone(),
                            )),
                        },
                    })
                    .collect(),
            }
        })
        .collect()
}
