//! What templates see (the site, the page), what every page of a build shares (computed once),
//! and the inputs every renderer reads.

use serde::Serialize;
use tera::Context;

use super::view::{self, CatalogView};
use crate::content::markdown;
use crate::diagnostics::{Diagnostic, Diagnostics, Problem};
use crate::links::{LinkRef, SharedLinks};
use crate::plan::Plan;
use crate::sources::Sources;
use crate::urls::Target;

/// Site-wide values every page template sees as `site`.
#[derive(Serialize, Clone)]
pub(crate) struct SiteContext {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) language: String,
    pub(crate) base_path: String,
    pub(crate) base_url: Option<String>,
    /// The home page's href: `/` when `content/index.md` exists, else the first page.
    pub(crate) home: String,
    pub(crate) footer: Option<FooterContext>,
}

#[derive(Serialize, Clone)]
pub(crate) struct FooterContext {
    pub(crate) heading: Option<String>,
    pub(crate) html: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct PageView {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) url: String,
    pub(crate) permalink: Option<String>,
    pub(crate) content: String,
    pub(crate) source: String,
}

#[derive(Serialize)]
pub(crate) struct PageContext<'a> {
    pub(crate) site: &'a SiteContext,
    pub(crate) page: PageView,
    /// The navigation, rendered once per build by `nav.html`, this page's link marked current.
    pub(crate) nav_html: String,
}

/// The inputs every renderer reads.
#[derive(Clone, Copy)]
pub(crate) struct Inputs<'a> {
    pub(crate) sources: &'a Sources,
    pub(crate) plan: &'a Plan,
    pub(crate) prepared: &'a Prepared,
}

/// Renders a page template with a serializable context.
pub(crate) fn render_template(
    sources: &Sources,
    template: &str,
    context: &impl Serialize,
) -> Result<String, Problem> {
    let ctx = Context::from_serialize(context).map_err(|e| Problem::Template {
        name: template.to_string(),
        message: e.to_string(),
    })?;
    sources.theme.render(template, &ctx)
}

/// What every page of a build shares, computed once.
pub(crate) struct Prepared {
    pub(crate) views: CatalogView,
    pub(crate) site: SiteContext,
    /// The navigation rendered once (`nav.html`).
    pub(crate) nav_html: String,
    /// Links written in the catalog and the config (checked once, where they were written).
    pub(crate) shared: SharedLinks,
}

impl Prepared {
    pub(crate) fn new(sources: &Sources, plan: &Plan) -> Result<Prepared, Diagnostics> {
        let mut links = Vec::new();
        let views = view::build(sources, plan, &mut links);
        let site = site_context(sources, plan, &mut links);
        let mut ctx = Context::new();
        ctx.insert("site", &site);
        ctx.insert("nav", &plan.nav);
        let nav_html = sources
            .theme
            .render("nav.html", &ctx)
            .map_err(|p| Diagnostics::from(Diagnostic::bare(p)))?;
        Ok(Prepared {
            views,
            site,
            nav_html,
            shared: SharedLinks::new(&links, &plan.resolver),
        })
    }

    /// The navigation with the link to the page at `url` marked `aria-current="page"`.
    pub(crate) fn nav_for(&self, plan: &Plan, url: &str) -> String {
        let href = crate::html::escape(&plan.resolver.href(&Target::page(url)));
        let link = format!("<a href=\"{href}\">");
        let current = format!("<a href=\"{href}\" aria-current=\"page\">");
        self.nav_html.replacen(&link, &current, 1)
    }
}

fn site_context(sources: &Sources, plan: &Plan, links: &mut Vec<LinkRef>) -> SiteContext {
    let config = &sources.config;
    let resolver = &plan.resolver;
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
        base_path: resolver.base_path().to_string(),
        base_url: config.base_url.clone(),
        home: plan.home.clone(),
        footer,
    }
}
