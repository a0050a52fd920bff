//! A page per code (`/errors/PG-1003/`) and the redirect pages that keep old URLs working:
//! one for each old code (`/errors/PG-0103/`) and each old URL listed in `aliases`.
//!
//! Redirects work without JavaScript (meta refresh, canonical link, a visible link) and only
//! ever point at codes of the catalog.

use crate::catalog::{Alias, Catalog};
use crate::links::{Resolver, Target};
use crate::render::view::{self, CategoryLink, CodeHomes, CodeLink};
use crate::render::{CodePageContext, PageView, RedirectContext, Renderer, SiteContext};

/// How many codes of the same category a code page lists (nearest in catalog order).
const RELATED: usize = 8;

/// A page produced from the catalog rather than from Markdown.
pub struct GeneratedPage {
    /// Site path (`/errors/PG-1003/`).
    pub url: String,
    pub html: String,
    /// Index of the code it is about (for messages).
    pub code: usize,
    /// For a redirect: the site path it sends readers to.
    pub redirect_to: Option<String>,
}

pub struct Inputs<'a> {
    pub catalog: &'a Catalog,
    pub renderer: &'a Renderer<'a>,
    pub resolver: &'a Resolver,
    pub site: &'a SiteContext,
    /// The rendered navigation (no page of it is current on a code page).
    pub nav_html: &'a str,
    pub homes: &'a CodeHomes<'a>,
    /// Site path of the page showing each category (its table), if any.
    pub category_home: &'a (dyn Fn(usize) -> Option<String> + Sync),
}

/// Renders the page of code `i` (`None` when per-code pages are off). Errors are template
/// problems, with the code they were about.
pub fn code_page(
    inputs: &Inputs,
    i: usize,
) -> Option<Result<GeneratedPage, (usize, crate::diagnostics::Problem)>> {
    let path = inputs.homes.page_path(inputs.catalog, i)?;
    Some(render_code_page(inputs, i, path).map_err(|p| (i, p)))
}

fn render_code_page(
    inputs: &Inputs,
    i: usize,
    path: String,
) -> Result<GeneratedPage, crate::diagnostics::Problem> {
    let catalog = inputs.catalog;
    let views = inputs.renderer.views;
    let code = &views.codes[i];
    let c = &catalog.codes[i];
    let category = &catalog.categories[c.category];
    let link = |j: usize| CodeLink {
        code: views.codes[j].code.clone(),
        href: views.codes[j]
            .page
            .clone()
            .or_else(|| views.codes[j].href.clone()),
    };
    let siblings = catalog.category_codes(c.category);
    // Catalog order within a category is ascending, so the position is a binary search.
    let at = siblings.binary_search(&i).unwrap_or(0);
    let start = at.saturating_sub(RELATED / 2);
    let related = siblings
        .iter()
        .skip(start)
        .filter(|&&j| j != i)
        .take(RELATED)
        .map(|&j| link(j))
        .collect();
    let replaces = catalog.replacing(i).iter().map(|&j| link(j)).collect();
    let absolute = |target: &Target| inputs.resolver.absolute(target);
    let docs_url = c
        .docs
        .as_ref()
        .and_then(|d| inputs.resolver.resolve(&d.value, "/", None))
        .or_else(|| {
            Some(Target {
                path: path.clone(),
                fragment: None,
            })
        })
        .map(|t| absolute(&t));
    let title = match &code.message {
        Some(m) => format!("{}: {m}", code.code),
        None => code.code.clone(),
    };
    let context = CodePageContext {
        site: inputs.site,
        page: PageView {
            title,
            description: code.message.clone(),
            url: path.clone(),
            permalink: inputs.site.base_url.as_ref().map(|b| format!("{b}{path}")),
            content: String::new(),
            source: inputs.catalog.source.path.to_string_lossy().into_owned(),
        },
        nav_html: inputs.nav_html.to_string(),
        code,
        category: CategoryLink {
            id: category.id.clone(),
            title: category.title.clone(),
            href: (inputs.category_home)(c.category).map(|page| {
                inputs.resolver.href(&Target {
                    path: page,
                    fragment: Some(category.id.clone()),
                })
            }),
        },
        example: view::example_for(catalog, i, docs_url.as_deref()),
        related,
        replaces,
    };
    let html = inputs.renderer.page("code_page.html", &context)?;
    Ok(GeneratedPage {
        redirect_to: None,
        url: path,
        html,
        code: i,
    })
}

/// Redirect pages for old codes (under the code page prefix) and old URLs.
pub fn redirects(
    inputs: &Inputs,
) -> Vec<Result<GeneratedPage, (usize, crate::diagnostics::Problem)>> {
    let catalog = inputs.catalog;
    let views = inputs.renderer.views;
    let mut out = Vec::new();
    for (i, c) in catalog.codes.iter().enumerate() {
        let code = &views.codes[i];
        let Some(to) = code.page.clone().or_else(|| code.href.clone()) else {
            continue;
        };
        let to_path = inputs
            .homes
            .page_path(catalog, i)
            .map(|path| Target {
                path,
                fragment: None,
            })
            .or_else(|| inputs.resolver.resolve_output(&to, "/"));
        let canonical = to_path
            .as_ref()
            .map_or_else(|| to.clone(), |t| inputs.resolver.absolute(t));
        for alias in &c.aliases {
            let from = match alias {
                Alias::Code { anchor, .. } => match inputs.homes.pages {
                    Some(prefix) => format!("/{prefix}/{anchor}/"),
                    None => continue,
                },
                Alias::Url(url) => url.clone(),
            };
            let context = RedirectContext {
                site: inputs.site,
                to: to.clone(),
                canonical: canonical.clone(),
                title: code.code.clone(),
            };
            out.push(
                inputs
                    .renderer
                    .page("redirect.html", &context)
                    .map(|html| GeneratedPage {
                        url: from,
                        html,
                        code: i,
                        redirect_to: to_path.as_ref().map(|t| t.path.clone()),
                    })
                    .map_err(|p| (i, p)),
            );
        }
    }
    out
}
