//! A page per code (`/errors/PG-1003/`) and the redirect pages that keep old URLs working:
//! one for each old code (`/errors/PG-0103/`) and each old URL listed in `aliases`.
//!
//! Redirects work without JavaScript (meta refresh, canonical link, a visible link) and only
//! ever point at codes of the catalog.

use serde::Serialize;

use super::context::{Inputs, PageView, SiteContext, render_template};
use super::example::{ExampleUrls, ExampleView, example_for};
use super::view::{CategoryLink, CodeLink, CodeView};
use crate::diagnostics::Problem;
use crate::urls::Target;

/// How many codes of the same category a code page lists (nearest in catalog order).
const RELATED: usize = 8;

/// What `code_page.html` sees: a page context plus everything about one code.
#[derive(Serialize)]
struct CodePageContext<'a> {
    site: &'a SiteContext,
    page: PageView,
    nav_html: &'a str,
    code: &'a CodeView,
    category: CategoryLink,
    /// The envelope this code is returned in, filled in with this code (highlighted HTML).
    example: Option<ExampleView>,
    /// Other codes of its category near it in the catalog.
    related: Vec<CodeLink>,
    /// Codes that this one replaces.
    replaces: Vec<CodeLink>,
    /// The code it is a sub-code of (its page).
    parent: Option<CodeLink>,
    /// Its sub-codes (their pages).
    children: Vec<CodeLink>,
    /// The `type` URI of its problem details, when its envelope is one (RFC 9457): this page.
    problem_type: Option<String>,
    /// The href of its JSON file (its `errors.json` entry), beside the page.
    json: String,
}

/// What `redirect.html` sees.
#[derive(Serialize)]
struct RedirectContext<'a> {
    site: &'a SiteContext,
    /// Where to go (an href), its absolute form for the canonical link, and its title.
    to: String,
    canonical: String,
    title: String,
}

/// Renders the page of code `i` at site path `path`.
pub(crate) fn code_page(inputs: Inputs, i: usize, path: &str) -> Result<String, Problem> {
    let Inputs {
        sources,
        plan,
        prepared,
    } = inputs;
    let catalog = &sources.catalog;
    let views = &prepared.views;
    let code = &views.codes[i];
    let c = &catalog.codes[i];
    let category = &catalog.categories[c.category];
    let link = |j: usize| CodeLink {
        code: views.codes[j].code.clone(),
        href: views.codes[j]
            .page
            .clone()
            .or_else(|| views.codes[j].href.clone()),
        message: views.codes[j]
            .message
            .clone()
            .or_else(|| views.codes[j].label.clone()),
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
    let title = match &code.message {
        Some(m) => format!("{}: {m}", code.code),
        None => code.code.clone(),
    };
    let description = describe(c);
    let problem_type = catalog
        .envelope_for(i)
        .filter(|e| e.is_problem())
        .map(|_| plan.resolver.absolute(&Target::page(path)));
    let context = CodePageContext {
        site: &prepared.site,
        page: PageView {
            title,
            description,
            url: path.to_string(),
            permalink: prepared
                .site
                .base_url
                .as_ref()
                .map(|b| format!("{b}{path}")),
            content: String::new(),
            source: catalog.source.path.to_string_lossy().into_owned(),
        },
        nav_html: &prepared.nav_html,
        code,
        category: CategoryLink {
            id: category.id.clone(),
            title: category.title.clone(),
            href: plan.category_home[c.category].as_ref().map(|page| {
                plan.resolver
                    .href(&Target::anchor(page.clone(), category.id.clone()))
            }),
        },
        example: example_of(inputs, i, path, problem_type.as_deref()),
        related,
        replaces,
        parent: c.parent.map(link),
        children: catalog.children_of(i).iter().map(|&j| link(j)).collect(),
        json: plan.resolver.href(&Target::page(plan.json_beside(path))),
        problem_type,
    };
    render_template(sources, "code_page.html", &context)
}

/// The example response of code `i`, whose page is at `path`: `from = "docs"` shows its docs
/// link (else this page), and problem details their `type`.
fn example_of(
    inputs: Inputs,
    i: usize,
    path: &str,
    problem_type: Option<&str>,
) -> Option<ExampleView> {
    let (catalog, plan) = (&inputs.sources.catalog, inputs.plan);
    let docs_url = catalog.codes[i]
        .docs
        .as_ref()
        .and_then(|d| plan.resolver.resolve(&d.value, "/", None))
        .unwrap_or_else(|| Target::page(path));
    let docs = plan.resolver.absolute(&docs_url);
    let urls = ExampleUrls {
        docs: Some(&docs),
        problem_type,
    };
    example_for(catalog, i, urls)
}

/// The meta description of a code's page, as plain text: its message (else the code and its
/// label) and how to fix it (else its meaning).
fn describe(c: &crate::catalog::Code) -> Option<String> {
    use crate::catalog::{plain_text, shorten};
    let head = match (&c.message, &c.label) {
        (Some(m), _) => m.clone(),
        (None, Some(l)) => format!("{} {l}", c.key),
        (None, None) => c.key.to_string(),
    };
    let head = head.trim();
    let body = c
        .fix
        .as_ref()
        .or(c.meaning.as_ref())
        .map(|t| plain_text(&t.value))
        .filter(|t| !t.is_empty());
    let text = match body {
        Some(b) if head.ends_with(['.', '!', '?', '\u{2026}']) => format!("{head} {b}"),
        Some(b) => format!("{head}. {b}"),
        None => head.to_string(),
    };
    Some(shorten(&text, 300))
}

/// Renders a redirect to code `i` (its page, else its row).
pub(crate) fn redirect(inputs: Inputs, i: usize) -> Result<String, Problem> {
    let Inputs {
        sources,
        plan,
        prepared,
    } = inputs;
    let code = &prepared.views.codes[i];
    let to = code
        .page
        .clone()
        .or_else(|| code.href.clone())
        .unwrap_or_default();
    let canonical = plan
        .redirect_target(&sources.catalog, i)
        .map_or_else(|| to.clone(), |t| plan.resolver.absolute(&t));
    let context = RedirectContext {
        site: &prepared.site,
        to,
        canonical,
        title: code.code.clone(),
    };
    render_template(sources, "redirect.html", &context)
}
