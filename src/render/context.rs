//! What templates see (the site, the page), what every page of a build shares (computed once),
//! and the inputs every renderer reads.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Serialize;
use tera::Context;

use super::view::{self, CatalogView};
use crate::content::markdown;
use crate::diagnostics::{Diagnostic, Diagnostics, Problem};
use crate::links::{LinkRef, Moved, SharedLinks};
use crate::plan::Plan;
use crate::sources::Sources;

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

/// Renders a page template with a serializable context. The context is taken by value and
/// dropped once tera has its copy, so a page's HTML is not held twice while the template
/// renders (at 100,000 codes the reference page alone is 40 MB).
pub(crate) fn render_template(
    sources: &Sources,
    template: &str,
    context: impl Serialize,
) -> Result<String, Problem> {
    let ctx = Context::from_serialize(&context).map_err(|e| Problem::Template {
        name: template.to_string(),
        message: e.to_string(),
    })?;
    drop(context);
    sources.theme.render(template, &ctx)
}

/// What every page of a build shares, computed once.
pub(crate) struct Prepared {
    pub(crate) views: CatalogView,
    pub(crate) site: SiteContext,
    /// What every page shows where the navigation goes: a script that inserts the shared
    /// navigation ([`NAV_SCRIPT`]) and, without JavaScript, a frame showing [`NAV_PAGE`].
    pub(crate) nav_html: String,
    /// The navigation, rendered once by `nav.html`.
    pub(crate) nav: String,
    /// The standalone navigation page, rendered once by `nav_page.html`.
    pub(crate) nav_page: String,
    /// Links written in the catalog and the config (checked once, where they were written).
    pub(crate) shared: SharedLinks,
    /// The rendered category tables `watch` keeps between edits (none in a build).
    pub(crate) tables: Option<super::tables::Tables>,
}

impl Prepared {
    pub(crate) fn new(sources: &Sources, plan: &Plan) -> Result<Prepared, Diagnostics> {
        let mut links = Vec::new();
        let (views, code_links) = view::build(sources, plan, &mut links);
        let site = site_context(sources, plan, &mut links);
        let mut ctx = Context::new();
        ctx.insert("site", &site);
        ctx.insert("nav", &plan.nav);
        let render = |name: &str, ctx: &Context| {
            sources
                .theme
                .render(name, ctx)
                .map_err(|p| Diagnostics::from(Diagnostic::bare(p)))
        };
        let nav = render("nav.html", &ctx)?;
        let mut ctx = Context::new();
        ctx.insert("site", &site);
        ctx.insert("nav_html", &nav);
        let nav_page = render("nav_page.html", &ctx)?;
        let nav_html = nav_slot(plan.resolver.base_path());
        Ok(Prepared {
            views,
            site,
            nav_html,
            nav,
            nav_page,
            shared: SharedLinks::new(&links, code_links, &plan.resolver),
            tables: None,
        })
    }

    /// After an edit of one code that left what ties it to the rest of the catalog as it was
    /// (`watch`, `catalog::reload_code`): the views of `affected` (the codes that may show
    /// something of it) and those made from every code are built again, their links replace
    /// theirs, the other links move by `moved`, and the kept tables of the categories listing
    /// a code whose view changed are dropped. Returns the codes whose views changed, where the
    /// new links are (the only ones to check again) and what to put back if the edit fails.
    pub(crate) fn edit_codes(
        &mut self,
        sources: &Sources,
        plan: &Plan,
        affected: &BTreeSet<usize>,
        moved: &Moved,
    ) -> (BTreeSet<usize>, Vec<Range<usize>>, PreparedUndo) {
        let rebuilt = view::rebuild_codes(sources, plan, &self.views, affected);
        let mut links = Vec::with_capacity(rebuilt.codes.len());
        let mut changed = BTreeSet::new();
        let mut codes = Vec::with_capacity(rebuilt.codes.len());
        for (i, view, own) in rebuilt.codes {
            links.push((i, own));
            let old = std::mem::replace(&mut self.views.codes[i], view);
            if old != self.views.codes[i] {
                changed.insert(i);
            }
            codes.push((i, old));
        }
        let (shared, fresh) = self.shared.with_codes(links, moved, &plan.resolver);
        let tables = self
            .tables
            .as_ref()
            .map(|t| t.still_true(&self.views, &self.views, &changed));
        let undo = PreparedUndo {
            codes,
            envelopes: std::mem::replace(&mut self.views.envelopes, rebuilt.envelopes),
            statuses: std::mem::replace(&mut self.views.statuses, rebuilt.statuses),
            shared: std::mem::replace(&mut self.shared, shared),
            tables: std::mem::replace(&mut self.tables, tables),
        };
        (changed, fresh, undo)
    }

    /// Puts back what [`Prepared::edit_codes`] replaced.
    pub(crate) fn undo(&mut self, undo: PreparedUndo) {
        for (i, view) in undo.codes {
            self.views.codes[i] = view;
        }
        self.views.envelopes = undo.envelopes;
        self.views.statuses = undo.statuses;
        self.shared = undo.shared;
        self.tables = undo.tables;
    }

    /// The navigation script: inserts the navigation where it runs and marks the link to the
    /// current page (`aria-current="page"`). Written once per build, cached by browsers, so a
    /// page's size does not grow with the number of pages.
    pub(crate) fn nav_script(&self) -> String {
        let html = serde_json::to_string(&self.nav).unwrap_or_default();
        // `</` cannot end the script when the code is inlined somewhere: escape it.
        let html = html.replace("</", "<\\/");
        format!(
            "// Generated by errdocs: the site navigation, shared by every page.\n\
             (function () {{\n\
             \x20 var here = document.currentScript;\n\
             \x20 here.insertAdjacentHTML(\"beforebegin\", {html});\n\
             \x20 var nav = here.previousElementSibling;\n\
             \x20 var path = location.pathname.replace(/index\\.html$/, \"\");\n\
             \x20 var links = nav.querySelectorAll(\"a[href]\");\n\
             \x20 for (var i = 0; i < links.length; i++) {{\n\
             \x20   var a = links[i];\n\
             \x20   if (!a.hash && a.pathname.replace(/index\\.html$/, \"\") === path) {{\n\
             \x20     a.setAttribute(\"aria-current\", \"page\");\n\
             \x20     break;\n\
             \x20   }}\n\
             \x20 }}\n\
             }})();\n"
        )
    }
}

/// What [`Prepared::edit_codes`] replaced.
pub(crate) struct PreparedUndo {
    codes: Vec<(usize, view::CodeView)>,
    envelopes: Vec<view::EnvelopeView>,
    statuses: Vec<view::StatusRowView>,
    /// The shared links before the edit.
    pub(crate) shared: SharedLinks,
    tables: Option<super::tables::Tables>,
}

/// The file holding the navigation script, at the root of the output.
pub(crate) const NAV_SCRIPT: &str = "errdocs-nav.js";
/// The standalone navigation page, shown in a frame when JavaScript is off.
pub(crate) const NAV_PAGE: &str = "errdocs-nav.html";

/// What pages show where the navigation goes.
fn nav_slot(base_path: &str) -> String {
    format!(
        "<script src=\"{base}{NAV_SCRIPT}\"></script>\n<noscript><nav class=\"site-nav site-nav-frame\" aria-label=\"Site\"><iframe src=\"{base}{NAV_PAGE}\" title=\"Site navigation\"></iframe></nav></noscript>",
        base = crate::html::escape(base_path)
    )
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
