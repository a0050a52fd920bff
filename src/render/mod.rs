//! Rendering with tera: the embedded default theme, a site's overrides, directives and pages.
//!
//! The default theme (templates and static files under `src/theme/`) is compiled into the
//! binary. A site's `templates/NAME.html` replaces the default template of the same name, file
//! by file; its `static/` files are copied over the theme's. Templates are parsed once per build.

pub mod view;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::content::directive::Directive;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use view::CatalogView;

pub const TEMPLATES_DIR: &str = "templates";

/// The default theme's templates, by name.
pub const THEME_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../theme/templates/base.html")),
    ("page.html", include_str!("../theme/templates/page.html")),
    ("404.html", include_str!("../theme/templates/404.html")),
    (
        "head_extra.html",
        include_str!("../theme/templates/head_extra.html"),
    ),
    ("nav.html", include_str!("../theme/templates/nav.html")),
    (
        "directives/category.html",
        include_str!("../theme/templates/directives/category.html"),
    ),
    (
        "directives/envelope.html",
        include_str!("../theme/templates/directives/envelope.html"),
    ),
    (
        "directives/retry.html",
        include_str!("../theme/templates/directives/retry.html"),
    ),
    (
        "directives/code.html",
        include_str!("../theme/templates/directives/code.html"),
    ),
    (
        "directives/search.html",
        include_str!("../theme/templates/directives/search.html"),
    ),
    (
        "directives/statuses.html",
        include_str!("../theme/templates/directives/statuses.html"),
    ),
    (
        "code_page.html",
        include_str!("../theme/templates/code_page.html"),
    ),
    (
        "redirect.html",
        include_str!("../theme/templates/redirect.html"),
    ),
];

/// The default theme's static files, written at the root of the output.
pub const THEME_STATIC: &[(&str, &[u8])] = &[
    ("errdocs.css", include_bytes!("../theme/static/errdocs.css")),
    ("syntax.css", include_bytes!("../theme/static/syntax.css")),
    ("errdocs.js", include_bytes!("../theme/static/errdocs.js")),
];

/// Loads the theme: defaults plus the site's `templates/` overrides. Reports every template
/// that does not parse, with its line and column.
pub fn load_theme(root: &Path, diags: &mut Diagnostics) -> Option<Tera> {
    let mut templates: BTreeMap<String, (String, Option<std::path::PathBuf>)> = THEME_TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), (text.to_string(), None)))
        .collect();
    let dir = root.join(TEMPLATES_DIR);
    if dir.is_dir() {
        for entry in WalkDir::new(&dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::new(
                        Problem::Io {
                            action: "read the templates directory",
                            message: e.to_string(),
                        },
                        Some(Location::file(&dir)),
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let shown = Path::new(TEMPLATES_DIR).join(rel);
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    templates.insert(name, (text, Some(shown)));
                }
                Err(e) => diags.push(Diagnostic::new(
                    Problem::Io {
                        action: "read a template",
                        message: e.to_string(),
                    },
                    Some(Location::file(&shown)),
                )),
            }
        }
    }
    // Parse each template alone first, so every broken one is reported, not just the first.
    let before = diags.len();
    for (name, (text, path)) in &templates {
        if let Err(e) = tera::Template::new(name, None, text) {
            diags.push(template_error(name, path.as_deref(), Some(text), &e));
        }
    }
    if diags.len() > before {
        return None;
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes `/`, which makes every URL unreadable (`&#x2F;`).
    tera.set_escape_fn(crate::highlight::escape_html);
    if let Err(e) = tera.add_raw_templates(templates.into_iter().map(|(n, (t, _))| (n, t))) {
        // Parsing succeeded above, so this is about inheritance (an unknown parent template).
        diags.push(template_error("(inheritance)", None, None, &e));
        return None;
    }
    Some(tera)
}

/// Turns a tera error into a diagnostic, with `line:col` when tera gives one (parse errors).
/// `text` is the template's source, used to show the offending line.
fn template_error(
    name: &str,
    path: Option<&Path>,
    text: Option<&str>,
    error: &tera::Error,
) -> Diagnostic {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let full = chain.join("\n");
    let shown = path.map_or_else(
        || Path::new("(default theme)").join(name),
        Path::to_path_buf,
    );
    let mut location = Location::file(&shown);
    if let Some(pos) = full.find("--> ") {
        let coords: String = full[pos + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ':')
            .collect();
        if let Some((l, c)) = coords.split_once(':')
            && let (Ok(line), Ok(col)) = (l.parse::<usize>(), c.parse::<usize>())
        {
            location = Location {
                file: shown.clone(),
                line,
                col,
                source_line: text
                    .and_then(|t| t.lines().nth(line.saturating_sub(1)))
                    .map(str::to_string),
                width: 1,
            };
        }
    }
    // Tera's own explanation is the `= ...` line of a parse error, else the innermost message.
    let message = full
        .lines()
        .find(|l| l.trim_start().starts_with("= "))
        .map(|l| l.trim_start().trim_start_matches("= ").to_string())
        .unwrap_or_else(|| chain.last().cloned().unwrap_or_default());
    Diagnostic::new(
        Problem::Template {
            name: name.to_string(),
            message,
        },
        Some(location),
    )
}

/// Renders templates for one build.
pub struct Renderer<'a> {
    pub tera: &'a Tera,
    pub catalog: &'a crate::catalog::Catalog,
    pub views: &'a CatalogView,
}

impl Renderer<'_> {
    fn render(&self, name: &str, context: &Context) -> Result<String, Problem> {
        self.tera
            .render(name, context)
            .map_err(|e| template_error(name, None, None, &e).problem)
    }

    /// Renders one directive to HTML.
    pub fn directive(&self, directive: &Directive) -> Result<String, Problem> {
        match directive {
            Directive::Catalog { level, view } => {
                let parts = crate::parallel::par_map(self.catalog.categories.len(), |i| {
                    self.category(i, true, *level, view)
                });
                parts
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()
                    .map(|p| p.concat())
            }
            Directive::Category {
                category,
                heading,
                level,
                view,
            } => self.category(*category, *heading, *level, view),
            Directive::Envelope {
                envelope,
                fields,
                example,
            } => {
                let mut ctx = Context::new();
                ctx.insert("envelope", &self.views.envelopes[*envelope]);
                ctx.insert("show_fields", fields);
                ctx.insert("show_example", example);
                self.render("directives/envelope.html", &ctx)
            }
            Directive::Retry => {
                let mut ctx = Context::new();
                ctx.insert("rows", &self.views.retry);
                self.render("directives/retry.html", &ctx)
            }
            Directive::Search => self.render("directives/search.html", &Context::new()),
            Directive::Statuses => {
                let mut ctx = Context::new();
                ctx.insert("rows", &self.views.statuses);
                self.render("directives/statuses.html", &ctx)
            }
            Directive::Code { code } => {
                let mut ctx = Context::new();
                let c = &self.views.codes[*code];
                ctx.insert("code", c);
                let cat = self.catalog.find_category(&c.category);
                ctx.insert("category_title", &cat.map(|c| c.title.as_str()));
                self.render("directives/code.html", &ctx)
            }
        }
    }

    fn category(
        &self,
        index: usize,
        heading: bool,
        level: u8,
        view: &crate::content::directive::TableView,
    ) -> Result<String, Problem> {
        let base = &self.views.categories[index];
        let mut ctx = Context::new();
        if view.columns.is_some() {
            let shown = view::with_view(base, view, &self.catalog.categories[index]);
            ctx.insert("category", &shown);
        } else {
            ctx.insert("category", base);
        }
        ctx.insert("heading", &heading);
        ctx.insert("level", &level);
        ctx.insert("list", &view.list);
        self.render("directives/category.html", &ctx)
    }

    /// Renders the navigation once per build (`nav.html`); pages mark their own entry.
    pub fn nav(&self, site: &SiteContext, nav: &[NavItem]) -> Result<String, Problem> {
        let mut ctx = Context::new();
        ctx.insert("site", site);
        ctx.insert("nav", nav);
        self.render("nav.html", &ctx)
    }

    /// Renders a whole page with its template.
    pub fn page(&self, template: &str, context: &impl Serialize) -> Result<String, Problem> {
        let ctx = Context::from_serialize(context).map_err(|e| Problem::Template {
            name: template.to_string(),
            message: e.to_string(),
        })?;
        self.render(template, &ctx)
    }
}

/// Site-wide values every page template sees as `site`.
#[derive(Serialize, Clone)]
pub struct SiteContext {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub base_path: String,
    pub base_url: Option<String>,
    /// The home page's href: `/` when `content/index.md` exists, else the first page.
    pub home: String,
    pub footer: Option<FooterContext>,
}

#[derive(Serialize, Clone)]
pub struct FooterContext {
    pub heading: Option<String>,
    pub html: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct NavItem {
    pub title: String,
    pub href: String,
    pub current: bool,
    pub sections: Vec<NavSection>,
}

#[derive(Serialize, Clone)]
pub struct NavSection {
    pub title: String,
    pub href: String,
}

#[derive(Serialize)]
pub struct PageView {
    pub title: String,
    pub description: Option<String>,
    pub url: String,
    pub permalink: Option<String>,
    pub content: String,
    pub source: String,
}

#[derive(Serialize)]
pub struct PageContext<'a> {
    pub site: &'a SiteContext,
    pub page: PageView,
    /// The navigation, rendered once per build by `nav.html`, this page's link marked current.
    pub nav_html: String,
}

/// What `code_page.html` sees: a page context plus everything about one code.
#[derive(Serialize)]
pub struct CodePageContext<'a> {
    pub site: &'a SiteContext,
    pub page: PageView,
    pub nav_html: String,
    pub code: &'a view::CodeView,
    pub category: view::CategoryLink,
    /// The envelope this code is returned in, filled in with this code (highlighted HTML).
    pub example: Option<view::ExampleView>,
    /// Other codes of its category near it in the catalog.
    pub related: Vec<view::CodeLink>,
    /// Codes that this one replaces.
    pub replaces: Vec<view::CodeLink>,
}

/// What `redirect.html` sees.
#[derive(Serialize)]
pub struct RedirectContext<'a> {
    pub site: &'a SiteContext,
    /// Where to go (an href), its absolute form for the canonical link, and its title.
    pub to: String,
    pub canonical: String,
    pub title: String,
}
