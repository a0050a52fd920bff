//! Stage 3: rendering each planned page to HTML with the theme.
//!
//! [`Prepared::new`] computes once per build what every page shares: the catalog turned into
//! template views ([`view`]), the site context, and the navigation rendered once by
//! `nav.html`. [`render_page`] then renders one planned page at a time (Markdown pages with
//! their directives, the 404 page, code pages and alias redirects, [`codepages`]) and returns
//! its HTML with the links written on it, for the link checker.

mod code_page_html;
pub(crate) mod codepages;
mod context;
pub(crate) mod example;
mod markup;
mod split;
mod table_html;
mod tables;
pub(crate) mod test_sites;
pub(crate) mod view;

pub(crate) use context::{Inputs, NAV_PAGE, NAV_SCRIPT, Prepared};
use context::{PageContext, PageView, render_template};
use tables::Shown;
pub(crate) use tables::Tables;

use tera::Context;

use crate::content::directive::{Directive, TableView};
use crate::content::{Directives, Page, markdown};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::links::LinkRef;
use crate::plan::{PageKind, PlannedPage};

/// A rendered page: its HTML and the links recorded while rendering it.
pub(crate) struct Rendered {
    pub(crate) url: String,
    pub(crate) html: String,
    pub(crate) location: Location,
    pub(crate) links: Vec<LinkRef>,
    /// For a redirect page: the site path it sends readers to.
    pub(crate) redirect_to: Option<String>,
    /// The ids its templates write literally (theme chrome: not published in `urls.txt`).
    pub(crate) chrome: std::sync::Arc<std::collections::BTreeSet<String>>,
    /// Template site paths given the base path: (as written in the HTML now, as the template
    /// wrote it), so a broken one is reported at the template's line.
    pub(crate) based: Vec<(String, String)>,
}

/// Renders one planned page.
pub(crate) fn render_page(inputs: Inputs, planned: &PlannedPage) -> Result<Rendered, Diagnostics> {
    render_kind(inputs, planned).map(|r| with_base_path(r, &inputs.plan.resolver))
}

/// Site paths written literally in templates (`<a href="/guide#api-keys">`) follow the rule of
/// page links: under a base path they get it (`/docs/guide/#api-keys`), so a link that passes
/// the check also works once published. Links from Markdown already have it; so do the theme's
/// own (`{{ site.base_path }}`).
pub(crate) fn with_base_path(mut rendered: Rendered, resolver: &crate::urls::Resolver) -> Rendered {
    let base = resolver.base_path();
    if base == "/" {
        return rendered;
    }
    let html = &rendered.html;
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut based = Vec::new();
    crate::html::Scanner::default().scan(html, &mut |a| {
        let is_url = a.name.eq_ignore_ascii_case("href") || a.name.eq_ignore_ascii_case("src");
        let value = a.raw.trim();
        if is_url && value.starts_with('/') && !value.starts_with("//") && !value.starts_with(base)
        {
            let decoded = crate::html::decode_attribute(value);
            let out = resolver.rewrite(&decoded, &rendered.url, None);
            edits.push((a.range.clone(), crate::html::escape(&out)));
            based.push((crate::urls::percent_escape(&out), decoded));
        }
    });
    if edits.is_empty() {
        return rendered;
    }
    let mut out = String::with_capacity(html.len() + 16 * edits.len());
    let mut at = 0;
    for (range, text) in edits {
        out.push_str(&html[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&html[at..]);
    rendered.html = out;
    rendered.based = based;
    rendered
}

fn render_kind(inputs: Inputs, planned: &PlannedPage) -> Result<Rendered, Diagnostics> {
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
                chrome: sources.theme.chrome_ids(&["404.html"]),
                based: Vec::new(),
            })
        }
        PageKind::Code(code) => codepages::code_page(inputs, code, &planned.url)
            .map(|html| Rendered {
                url: planned.url.clone(),
                html,
                location: planned.location.clone(),
                links: Vec::new(),
                redirect_to: None,
                chrome: sources.theme.chrome_ids(&["code_page.html"]),
                based: Vec::new(),
            })
            .map_err(|p| Diagnostics::from(Diagnostic::at(p, planned.location.clone()))),
        PageKind::Category { split, category } => {
            let home = &sources.pages[plan.splits[split].page].template;
            let mut templates: Vec<&str> = split::CATEGORY_TEMPLATES.to_vec();
            templates.push(home);
            let s = &plan.splits[split];
            render_category(inputs, category, false, 2, &s.view)
                .and_then(|table| split::category_page(inputs, s, category, table))
                .map(|html| Rendered {
                    url: planned.url.clone(),
                    html,
                    location: planned.location.clone(),
                    links: Vec::new(),
                    redirect_to: None,
                    chrome: sources.theme.chrome_ids(&templates),
                    based: Vec::new(),
                })
                .map_err(|p| Diagnostics::from(Diagnostic::at(p, planned.location.clone())))
        }
        PageKind::Redirect(code) => {
            let target = plan.redirect_target(&sources.catalog, code);
            codepages::redirect(inputs, code)
                .map(|html| Rendered {
                    url: planned.url.clone(),
                    html,
                    location: planned.location.clone(),
                    links: Vec::new(),
                    redirect_to: target.map(|t| t.path),
                    chrome: sources.theme.chrome_ids(&["redirect.html"]),
                    based: Vec::new(),
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
        &sources.config.markdown,
        &mut |d| render_directive(inputs, d, &page.url),
        &mut diags,
    );
    let source_dir = page.rel.rfind('/').map_or("", |j| &page.rel[..j]);
    let links: Vec<LinkRef> = body
        .links
        .into_iter()
        .map(|(href, span)| LinkRef {
            href,
            page: page.url.clone(),
            source_dir: Some(source_dir.to_string()),
            location: page.source.locate(span),
        })
        .collect();
    let config = &sources.config;
    let context = |content: String| PageContext {
        site: &prepared.site,
        page: PageView {
            title: page.title.clone(),
            description: page.description.clone(),
            url: page.url.clone(),
            permalink: config.base_url.as_ref().map(|b| format!("{b}{}", page.url)),
            content,
            source: page.source.path.to_string_lossy().replace('\\', "/"),
        },
        nav_html: prepared.nav_html.clone(),
    };
    let location = Location::file(&page.source.path);
    let rendered = render_with_content(inputs, page, body.html, context);
    match rendered {
        Ok(html) if diags.is_empty() => {
            let mut templates: Vec<&str> = vec![&page.template];
            for d in directives.iter().flatten() {
                templates.push(directive_template(d));
            }
            templates.sort_unstable();
            templates.dedup();
            Ok(Rendered {
                url: page.url.clone(),
                html,
                location,
                links,
                redirect_to: None,
                chrome: sources.theme.chrome_ids(&templates),
                based: Vec::new(),
            })
        }
        Ok(_) => Err(diags),
        Err(problem) => {
            diags.push(Diagnostic::at(problem, location));
            Err(diags)
        }
    }
}

/// Renders the template of `page` with `context(content)`; a large page through the content
/// slot, its content written into the result once instead of copied through tera.
fn render_with_content<'a>(
    inputs: Inputs<'a>,
    page: &Page,
    content: String,
    context: impl Fn(String) -> PageContext<'a>,
) -> Result<String, Problem> {
    use crate::theme::content_slot::{SLOT, splice};
    let sources = inputs.sources;
    if !slot_fits(inputs, page, &content) {
        return render_template(sources, &page.template, context(content));
    }
    let html = render_template(sources, &page.template, context(SLOT.to_string()))?;
    match splice(&html, content) {
        Ok(spliced) => Ok(spliced),
        Err(content) => render_template(sources, &page.template, context(content)),
    }
}

/// Whether page `page`, whose content is `content`, is rendered with the content slot
/// ([`crate::theme::content_slot`]): a large page, templates that print the content as is, and
/// no field that holds the slot itself.
fn slot_fits(inputs: Inputs, page: &Page, content: &str) -> bool {
    use crate::theme::content_slot::{MIN_BYTES, SLOT};
    inputs.sources.theme.content_slot
        && content.len() >= MIN_BYTES
        && !content.contains(SLOT)
        && !page.title.contains(SLOT)
        && !page.description.as_deref().unwrap_or("").contains(SLOT)
}

/// The template that renders a directive.
fn directive_template(directive: &Directive) -> &'static str {
    match directive {
        Directive::Catalog { split: true, .. } => "directives/split_index.html",
        Directive::Catalog { .. } | Directive::Category { .. } => "directives/category.html",
        Directive::Envelope { .. } => "directives/envelope.html",
        Directive::Retry => "directives/retry.html",
        Directive::Search => "directives/search.html",
        Directive::Statuses => "directives/statuses.html",
        Directive::Code { .. } => "directives/code.html",
        Directive::Changelog => "directives/changelog.html",
        Directive::Lookup => "directives/lookup.html",
    }
}

/// Renders one directive of the page at `url` to HTML (the theme's `directives/*.html`), in
/// pieces written one after the other: the whole catalog as a piece per category, which the
/// page takes in and drops one at a time (at 100,000 codes the 40 MB of tables were held
/// twice when joined first).
fn render_directive(
    inputs: Inputs,
    directive: &Directive,
    url: &str,
) -> Result<Vec<String>, Problem> {
    let catalog = &inputs.sources.catalog;
    let views = &inputs.prepared.views;
    let theme = &inputs.sources.theme;
    let mut ctx = Context::new();
    let one = match directive {
        Directive::Catalog { split: true, .. } => split_index(inputs, url),
        Directive::Catalog { level, view, .. } => {
            use rayon::prelude::*;
            return (0..catalog.categories.len())
                .into_par_iter()
                .map(|i| render_category(inputs, i, true, *level, view))
                .collect();
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
        Directive::Changelog => {
            let sources = inputs.sources;
            let entries = crate::changelog::entries(&sources.releases, catalog, inputs.plan);
            ctx.insert("entries", &entries);
            let feed = (!entries.is_empty()).then(|| {
                inputs
                    .plan
                    .resolver
                    .href(&crate::urls::Target::page(format!(
                        "/{}",
                        crate::changelog::FEED
                    )))
            });
            ctx.insert("feed", &feed);
            theme.render("directives/changelog.html", &ctx)
        }
        Directive::Lookup => {
            let href = |path: &str| {
                inputs
                    .plan
                    .resolver
                    .href(&crate::urls::Target::page(path.to_string()))
            };
            ctx.insert("index", &href("/errors.json"));
            ctx.insert("script", &href("/errdocs-lookup.js"));
            theme.render("directives/lookup.html", &ctx)
        }
    };
    one.map(|html| vec![html])
}

/// The index of the split catalog of the page at `url` (nothing when none was planned there).
fn split_index(inputs: Inputs, url: &str) -> Result<String, Problem> {
    match inputs.plan.splits.iter().find(|s| s.url == url) {
        Some(s) => split::index(inputs, s),
        None => Ok(String::new()),
    }
}

fn render_category(
    inputs: Inputs,
    index: usize,
    heading: bool,
    level: u8,
    view: &TableView,
) -> Result<String, Problem> {
    let views = &inputs.prepared.views;
    // Under watch, a table rendered the same way before is reused (see `tables`).
    let kept = inputs.prepared.tables.as_ref().map(|tables| {
        let shown = Shown {
            heading,
            level,
            view: view.clone(),
        };
        (tables, shown)
    });
    if let Some(html) = kept.as_ref().and_then(|(t, shown)| t.get(index, shown)) {
        return Ok(html);
    }
    let base = &views.categories[index];
    let with_view;
    let category = if view.columns.is_some() {
        with_view = view::with_view(base, view, &inputs.sources.catalog.categories[index]);
        &with_view
    } else {
        base
    };
    let options = table_html::Options {
        heading,
        level,
        list: view.list,
    };
    let theme = &inputs.sources.theme;
    let native = theme
        .is_default(table_html::TEMPLATE)
        .then(|| table_html::category(category, &views.codes, &options))
        .flatten();
    let html = match native {
        Some(html) => html,
        None => category_by_template(theme, category, &views.codes, &options)?,
    };
    if let Some((tables, shown)) = kept {
        tables.insert(index, shown, &html);
    }
    Ok(html)
}

/// A category's table rendered by the theme's `directives/category.html` (the site's own, or
/// the default one where [`table_html`] does not cover the table).
fn category_by_template(
    theme: &crate::theme::Theme,
    category: &view::CategoryView,
    codes: &[view::CodeView],
    options: &table_html::Options,
) -> Result<String, Problem> {
    let mut ctx = Context::new();
    ctx.insert("category", &category.shown(codes));
    ctx.insert("heading", &options.heading);
    ctx.insert("level", &options.level);
    ctx.insert("list", &options.list);
    theme.render(table_html::TEMPLATE, &ctx)
}
