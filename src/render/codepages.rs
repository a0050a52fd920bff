//! A page per code (`/errors/PG-1003/`) and the redirect pages that keep old URLs working:
//! one for each old code (`/errors/PG-0103/`) and each old URL listed in `aliases`.
//!
//! Redirects work without JavaScript (meta refresh, canonical link, a visible link) and only
//! ever point at codes of the catalog.

use serde::Serialize;

use super::code_page_html::CodePageContext;
use super::context::{Inputs, PageView, SiteContext, render_template};
use super::example::{ExampleUrls, ExampleView, example_for};
use super::view::{CategoryLink, CodeLink};
use crate::diagnostics::Problem;
use crate::urls::Target;

/// How many codes of the same category a code page lists (nearest in catalog order).
const RELATED: usize = 8;

/// What `redirect.html` sees.
#[derive(Serialize)]
struct RedirectContext<'a> {
    site: &'a SiteContext,
    /// Where to go (an href), its absolute form for the canonical link, and its title.
    to: String,
    canonical: String,
    title: String,
}

/// Renders the page of code `i` at site path `path`: written natively when the site
/// overrides none of its templates ([`super::code_page_html`]), else by `code_page.html`.
pub(crate) fn code_page(inputs: Inputs, i: usize, path: &str) -> Result<String, Problem> {
    let context = code_page_context(inputs, i, path);
    let theme = &inputs.sources.theme;
    if super::code_page_html::TEMPLATES
        .iter()
        .all(|t| theme.is_default(t))
    {
        return Ok(super::code_page_html::code_page(&context));
    }
    render_template(inputs.sources, "code_page.html", &context)
}

/// What `code_page.html` sees for the page of code `i` at site path `path`.
pub(super) fn code_page_context<'a>(
    inputs: Inputs<'a>,
    i: usize,
    path: &str,
) -> CodePageContext<'a> {
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
            .or_else(|| views.codes[j].more.label.clone()),
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
    CodePageContext {
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
    }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::code_page_html::code_page;
    use super::super::test_sites::{default_theme, hostile_site, prepared, repository_sites};
    use super::code_page_context;
    use crate::plan::PageKind;
    use crate::render::Inputs;
    use crate::theme::Theme;

    /// How many code pages of `root`'s site were compared (0 when the site does not build).
    fn compare_site(root: &Path, theme: &Theme) -> usize {
        let Some((sources, plan, prepared)) = prepared(root) else {
            return 0;
        };
        let inputs = Inputs {
            sources: &sources,
            plan: &plan,
            prepared: &prepared,
        };
        let mut compared = 0;
        for planned in &plan.pages {
            let PageKind::Code(i) = planned.kind else {
                continue;
            };
            let context = code_page_context(inputs, i, &planned.url);
            let native = code_page(&context);
            let ctx = tera::Context::from_serialize(&context).expect("the context serializes");
            let by_template = theme
                .render("code_page.html", &ctx)
                .map_err(|p| format!("{p:?}"))
                .expect("the default template renders the page");
            assert_eq!(native, by_template, "{}: {}", root.display(), planned.url);
            compared += 1;
        }
        compared
    }

    /// The native code page and the default templates give the same bytes, on every site of
    /// the repository (the samples are real APIs' references) and on a site that uses every
    /// part of a code page with text that must be escaped.
    #[test]
    fn the_native_code_page_is_the_default_template_byte_for_byte() {
        let theme = default_theme();
        let compared: usize = repository_sites()
            .iter()
            .map(|site| compare_site(site, &theme))
            .sum();
        let hostile = hostile_site();
        assert_eq!(compare_site(hostile.path(), &theme), 6);
        assert!(compared > 100, "only {compared} code pages compared");
    }
}
