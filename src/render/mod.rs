//! Stage 3: rendering each planned page to HTML with the theme.
//!
//! [`Prepared::new`] computes once per build what every page shares: the catalog turned into
//! template views ([`view`]), the site context, and the navigation rendered once by
//! `nav.html`. [`render_page`] then renders one planned page at a time (Markdown pages with
//! their directives, the 404 page, code pages and alias redirects, [`codepages`]) and returns
//! its HTML with the links written on it, for the link checker.

pub(crate) mod codepages;
pub(crate) mod theme;
pub(crate) mod view;

use serde::Serialize;
use tera::Context;

use crate::content::directive::{Directive, TableView};
use crate::content::{Directives, Page, markdown};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::links::{LinkRef, SharedLinks};
use crate::plan::{PageKind, Plan, PlannedPage};
use crate::sources::Sources;
use crate::urls::Target;
use view::CatalogView;

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
struct PageContext<'a> {
    site: &'a SiteContext,
    page: PageView,
    /// The navigation, rendered once per build by `nav.html`, this page's link marked current.
    nav_html: String,
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
        let views = view::build(&sources.catalog, plan, &mut links);
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
    fn nav_for(&self, plan: &Plan, url: &str) -> String {
        let href = crate::html::escape(&plan.resolver.href(&Target::page(url)));
        let link = format!("<a href=\"{href}\">");
        let current = format!("<a href=\"{href}\" aria-current=\"page\">");
        self.nav_html.replacen(&link, &current, 1)
    }
}

/// The inputs every renderer reads.
#[derive(Clone, Copy)]
pub(crate) struct Inputs<'a> {
    pub(crate) sources: &'a Sources,
    pub(crate) plan: &'a Plan,
    pub(crate) prepared: &'a Prepared,
}

/// A rendered page: its HTML and the links recorded while rendering it.
pub(crate) struct Rendered {
    pub(crate) url: String,
    pub(crate) html: String,
    pub(crate) location: Location,
    pub(crate) links: Vec<LinkRef>,
    /// For a redirect page: the site path it sends readers to.
    pub(crate) redirect_to: Option<String>,
}

/// Renders one planned page.
pub(crate) fn render_page(inputs: Inputs, planned: &PlannedPage) -> Result<Rendered, Diagnostics> {
    let Inputs {
        sources,
        plan,
        prepared,
    } = inputs;
    match planned.kind {
        PageKind::Content(i) => render_content(inputs, &sources.pages[i], &sources.directives[i]),
        PageKind::NotFound => {
            let context = PageContext {
                site: &prepared.site,
                page: PageView {
                    title: "Page not found".into(),
                    description: None,
                    url: planned.url.clone(),
                    permalink: None,
                    content: String::new(),
                    source: String::new(),
                },
                nav_html: prepared.nav_html.clone(),
            };
            let html = render_template(sources, "404.html", &context)
                .map_err(|p| Diagnostics::from(Diagnostic::bare(p)))?;
            Ok(Rendered {
                url: planned.url.clone(),
                html,
                location: planned.location.clone(),
                links: Vec::new(),
                redirect_to: None,
            })
        }
        PageKind::Code(code) => codepages::code_page(inputs, code, &planned.url)
            .map(|html| Rendered {
                url: planned.url.clone(),
                html,
                location: planned.location.clone(),
                links: Vec::new(),
                redirect_to: None,
            })
            .map_err(|p| Diagnostics::from(Diagnostic::at(p, planned.location.clone()))),
        PageKind::Redirect(code) => {
            let target = plan.redirect_target(&sources.catalog, code);
            codepages::redirect(inputs, code)
                .map(|html| Rendered {
                    url: planned.url.clone(),
                    html,
                    location: planned.location.clone(),
                    links: Vec::new(),
                    redirect_to: target.map(|t| t.path),
                })
                .map_err(|p| Diagnostics::from(Diagnostic::at(p, planned.location.clone())))
        }
    }
}

/// Renders a Markdown page (given explicitly, so `watch` can render an edited page before it
/// replaces the old one).
pub(crate) fn render_content(
    inputs: Inputs,
    page: &Page,
    directives: &Directives,
) -> Result<Rendered, Diagnostics> {
    let Inputs {
        sources,
        plan,
        prepared,
    } = inputs;
    let mut diags = Diagnostics::default();
    let body = markdown::render_page(
        page,
        directives,
        &plan.resolver,
        &mut |d| render_directive(inputs, d),
        &mut diags,
    );
    let source_dir = page.rel.rfind('/').map_or("", |j| &page.rel[..j]);
    let links: Vec<LinkRef> = body
        .links
        .into_iter()
        .map(|(href, line)| LinkRef {
            href,
            page: page.url.clone(),
            source_dir: Some(source_dir.to_string()),
            location: page.source.locate_line(line),
        })
        .collect();
    let config = &sources.config;
    let context = PageContext {
        site: &prepared.site,
        page: PageView {
            title: page.title.clone(),
            description: page.description.clone(),
            url: page.url.clone(),
            permalink: config.base_url.as_ref().map(|b| format!("{b}{}", page.url)),
            content: body.html,
            source: page.source.path.to_string_lossy().replace('\\', "/"),
        },
        nav_html: prepared.nav_for(plan, &page.url),
    };
    let location = Location::file(&page.source.path);
    match render_template(sources, &page.template, &context) {
        Ok(html) if diags.is_empty() => Ok(Rendered {
            url: page.url.clone(),
            html,
            location,
            links,
            redirect_to: None,
        }),
        Ok(_) => Err(diags),
        Err(problem) => {
            diags.push(Diagnostic::at(problem, location));
            Err(diags)
        }
    }
}

/// Renders a page template with a serializable context.
fn render_template(
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

/// Renders one directive to HTML (the theme's `directives/*.html`).
fn render_directive(inputs: Inputs, directive: &Directive) -> Result<String, Problem> {
    let catalog = &inputs.sources.catalog;
    let views = &inputs.prepared.views;
    let theme = &inputs.sources.theme;
    let mut ctx = Context::new();
    match directive {
        Directive::Catalog { level, view } => {
            use rayon::prelude::*;
            let parts: Result<Vec<String>, Problem> = (0..catalog.categories.len())
                .into_par_iter()
                .map(|i| render_category(inputs, i, true, *level, view))
                .collect();
            parts.map(|p| p.concat())
        }
        Directive::Category {
            category,
            heading,
            level,
            view,
        } => render_category(inputs, *category, *heading, *level, view),
        Directive::Envelope {
            envelope,
            fields,
            example,
        } => {
            ctx.insert("envelope", &views.envelopes[*envelope]);
            ctx.insert("show_fields", fields);
            ctx.insert("show_example", example);
            theme.render("directives/envelope.html", &ctx)
        }
        Directive::Retry => {
            ctx.insert("rows", &views.retry);
            theme.render("directives/retry.html", &ctx)
        }
        Directive::Search => theme.render("directives/search.html", &ctx),
        Directive::Statuses => {
            ctx.insert("rows", &views.statuses);
            theme.render("directives/statuses.html", &ctx)
        }
        Directive::Code { code } => {
            let c = &views.codes[*code];
            ctx.insert("code", c);
            let cat = catalog.find_category(&c.category);
            ctx.insert("category_title", &cat.map(|c| c.title.as_str()));
            theme.render("directives/code.html", &ctx)
        }
    }
}

fn render_category(
    inputs: Inputs,
    index: usize,
    heading: bool,
    level: u8,
    view: &TableView,
) -> Result<String, Problem> {
    let base = &inputs.prepared.views.categories[index];
    let mut ctx = Context::new();
    if view.columns.is_some() {
        let shown = view::with_view(base, view, &inputs.sources.catalog.categories[index]);
        ctx.insert("category", &shown);
    } else {
        ctx.insert("category", base);
    }
    ctx.insert("heading", &heading);
    ctx.insert("level", &level);
    ctx.insert("list", &view.list);
    inputs
        .sources
        .theme
        .render("directives/category.html", &ctx)
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
