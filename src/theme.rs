//! The theme: the embedded default templates and static files, and a site's overrides.
//!
//! The default theme (templates and static files under `src/theme/`) is compiled into the
//! binary. A site's `templates/NAME.html` replaces the default template of the same name, file
//! by file; its `static/` files are copied over the theme's. Templates are parsed once per
//! build, and every template that does not parse is reported with its line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use tera::{Context, Tera};

pub(crate) mod content_slot;
mod limits;
mod recursion;

pub(crate) const TEMPLATES_DIR: &str = "templates";

/// Where the default theme's templates are shown to be (`(default theme)/page.html`).
const DEFAULT_THEME: &str = "(default theme)";

/// The default theme's templates, by name.
pub(crate) const THEME_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("theme/templates/base.html")),
    ("page.html", include_str!("theme/templates/page.html")),
    ("404.html", include_str!("theme/templates/404.html")),
    (
        "head_extra.html",
        include_str!("theme/templates/head_extra.html"),
    ),
    ("nav.html", include_str!("theme/templates/nav.html")),
    (
        "nav_page.html",
        include_str!("theme/templates/nav_page.html"),
    ),
    (
        "directives/category.html",
        include_str!("theme/templates/directives/category.html"),
    ),
    (
        "directives/envelope.html",
        include_str!("theme/templates/directives/envelope.html"),
    ),
    (
        "directives/retry.html",
        include_str!("theme/templates/directives/retry.html"),
    ),
    (
        "directives/code.html",
        include_str!("theme/templates/directives/code.html"),
    ),
    (
        "directives/search.html",
        include_str!("theme/templates/directives/search.html"),
    ),
    (
        "directives/statuses.html",
        include_str!("theme/templates/directives/statuses.html"),
    ),
    (
        "directives/changelog.html",
        include_str!("theme/templates/directives/changelog.html"),
    ),
    (
        "directives/lookup.html",
        include_str!("theme/templates/directives/lookup.html"),
    ),
    (
        "directives/split_index.html",
        include_str!("theme/templates/directives/split_index.html"),
    ),
    (
        "directives/split_category.html",
        include_str!("theme/templates/directives/split_category.html"),
    ),
    (
        "code_page.html",
        include_str!("theme/templates/code_page.html"),
    ),
    (
        "redirect.html",
        include_str!("theme/templates/redirect.html"),
    ),
];

/// The default theme's static files, written at the root of the output.
pub(crate) const THEME_STATIC: &[(&str, &[u8])] = &[
    ("errdocs.css", include_bytes!("theme/static/errdocs.css")),
    ("syntax.css", include_bytes!("theme/static/syntax.css")),
    ("errdocs.js", include_bytes!("theme/static/errdocs.js")),
    (
        "errdocs-lookup.js",
        include_bytes!("theme/static/errdocs-lookup.js"),
    ),
];

/// The parsed templates of a build.
pub(crate) struct Theme {
    tera: Tera,
    /// The site's own templates that replace no default one and that no template refers to:
    /// (name, path as shown). Pages may still use them (`template = ...`).
    unreferenced: Vec<(String, PathBuf)>,
    /// For each template: the ids it and the templates it uses write literally (chrome such
    /// as `main`, `example`), which `urls.txt` does not publish.
    chrome: BTreeMap<String, std::sync::Arc<BTreeSet<String>>>,
    /// Each template's text and path as shown (`templates/page.html`, or under
    /// `(default theme)/`), to locate errors found while rendering.
    sources: BTreeMap<String, (String, PathBuf)>,
    /// Site paths templates write literally in `href`/`src` (`/guide#api-keys`) and where
    /// (first occurrence), so a broken one is reported at its template's line.
    literal_paths: BTreeMap<String, Location>,
    /// Whether the templates print `page.content` only as is, so a large page's content may be
    /// spliced in after rendering ([`content_slot`]).
    pub(crate) content_slot: bool,
}

impl Theme {
    /// Loads the defaults plus the site's `templates/` overrides.
    pub(crate) fn load(root: &Path, diags: &mut Diagnostics) -> Option<Theme> {
        let mut templates: BTreeMap<String, (String, Option<PathBuf>)> = THEME_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), (text.to_string(), None)))
            .collect();
        for (name, text, shown) in site_templates(root, diags) {
            templates.insert(name, (text, Some(shown)));
        }
        let before = diags.len();
        let asts = parse_each(&templates, diags)?;
        let referenced = recursion::referenced(&asts);
        let content_slot = content_slot::templates_print_content_plainly(&asts);
        let chrome = recursion::uses(&asts)
            .into_iter()
            .map(|(name, used)| {
                let ids = used
                    .iter()
                    .filter_map(|u| templates.get(u))
                    .flat_map(|(text, _)| recursion::literal_ids(text))
                    .collect();
                (name, std::sync::Arc::new(ids))
            })
            .collect();
        let unreferenced = templates
            .iter()
            .filter(|(name, (_, path))| {
                path.is_some()
                    && !THEME_TEMPLATES.iter().any(|(n, _)| n == name)
                    && !referenced.contains(*name)
            })
            .filter_map(|(name, (_, path))| Some((name.clone(), path.clone()?)))
            .collect();
        for cycle in recursion::cycles(&asts) {
            let (text, path) = &templates[&cycle.template];
            diags.push(recursion_error(&cycle, text, path.as_deref()));
        }
        if diags.len() > before {
            return None;
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's default also escapes `/`, which makes every URL unreadable (`&#x2F;`).
        tera.set_escape_fn(crate::html::escape);
        tera.register_function("range", limits::range);
        tera.register_filter("replace", limits::replace);
        tera.register_filter("indent", limits::indent);
        tera.register_filter("join", limits::join());
        let sources: BTreeMap<String, (String, PathBuf)> = templates
            .iter()
            .map(|(name, (text, path))| {
                let shown = path
                    .clone()
                    .unwrap_or_else(|| Path::new(DEFAULT_THEME).join(name));
                (name.clone(), (text.clone(), shown))
            })
            .collect();
        if let Err(e) = tera.add_raw_templates(templates.into_iter().map(|(n, (t, _))| (n, t))) {
            // Parsing succeeded above, so this is about inheritance (an unknown parent template).
            diags.push(template_error("(inheritance)", None, None, &e));
            return None;
        }
        let literal_paths = literal_paths(&sources);
        Some(Theme {
            tera,
            unreferenced,
            chrome,
            sources,
            literal_paths,
            content_slot,
        })
    }

    /// Renders template `name`; a failure is a [`Problem::Template`]. One render may produce
    /// at most [`limits::RANGE_BUDGET`] `range` items in all.
    /// A panic inside tera (`{{ -9223372036854775808 % -1 }}` overflows in its arithmetic) is
    /// reported as an error of the template, never a crash.
    pub(crate) fn render(&self, name: &str, context: &Context) -> Result<String, Problem> {
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            limits::with_budget(|| self.tera.render(name, context))
        }));
        let Ok(rendered) = rendered else {
            return Err(Problem::TemplatePanicked {
                template: name.to_string(),
            });
        };
        // tera's buffer grows by doubling: give back the slack of a large page before it is
        // held with the others (a 40 MB page in an 80 MB buffer).
        let rendered = rendered.map(|mut html| {
            if html.capacity() - html.len() > 1 << 20 {
                html.shrink_to_fit();
            }
            html
        });
        rendered.map_err(|e| {
            self.unknown_variable(&e, context)
                .unwrap_or_else(|| *template_error(name, None, None, &e).problem)
        })
    }

    /// Whether template `name` is the default theme's (the site does not override it).
    pub(crate) fn is_default(&self, name: &str) -> bool {
        self.sources
            .get(name)
            .is_some_and(|(_, shown)| shown.starts_with(DEFAULT_THEME))
    }

    /// Where a template writes the site path `href` literally, if one does.
    pub(crate) fn literal_path(&self, href: &str) -> Option<Location> {
        self.literal_paths.get(href).cloned()
    }

    /// Reports each site template that replaces no default template and that neither a
    /// template nor a page (`pages_use`) uses: a misnamed override is silently ignored
    /// otherwise.
    pub(crate) fn check_unused(&self, pages_use: &BTreeSet<String>, diags: &mut Diagnostics) {
        for (name, shown) in &self.unreferenced {
            if pages_use.contains(name) {
                continue;
            }
            diags.push(Diagnostic::at(
                Problem::UnusedTemplate {
                    name: name.clone(),
                    suggestion: crate::diagnostics::did_you_mean(
                        name,
                        THEME_TEMPLATES.iter().map(|(n, _)| *n),
                    ),
                },
                Location::file(shown),
            ));
        }
    }

    /// The ids that the templates `names` (and what they use) write literally.
    pub(crate) fn chrome_ids(&self, names: &[&str]) -> std::sync::Arc<BTreeSet<String>> {
        match names {
            [one] => self.chrome.get(*one).cloned().unwrap_or_default(),
            many => std::sync::Arc::new(
                many.iter()
                    .filter_map(|n| self.chrome.get(*n))
                    .flat_map(|ids| ids.iter().cloned())
                    .collect(),
            ),
        }
    }

    /// The path of template `name` as shown in messages (`templates/nav.html`, or under
    /// `(default theme)/`).
    pub(crate) fn shown_path(&self, name: &str) -> PathBuf {
        self.sources.get(name).map_or_else(
            || Path::new(DEFAULT_THEME).join(name),
            |(_, shown)| shown.clone(),
        )
    }

    /// A render error about a variable the context does not have, located at its first use
    /// in the template, with the closest variable that exists.
    fn unknown_variable(&self, error: &tera::Error, context: &Context) -> Option<Problem> {
        let mut chain = vec![error.to_string()];
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            chain.push(s.to_string());
            source = s.source();
        }
        let message = chain.iter().find(|m| m.starts_with("Variable `"))?;
        let variable = message.strip_prefix("Variable `")?.split('`').next()?;
        let template = message
            .split("while rendering '")
            .nth(1)?
            .split('\'')
            .next()?;
        let (text, shown) = self.sources.get(template)?;
        let at = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(variable).map(|c| (i, c, l)))
            .map_or_else(
                || Location::file(shown),
                |(i, c, l)| Location::in_line(shown, i + 1, l, c..c + variable.len()),
            );
        let known = context_paths(&context.clone().into_json());
        Some(Problem::UnknownVariable {
            template: template.to_string(),
            variable: variable.to_string(),
            suggestion: crate::diagnostics::did_you_mean(
                variable,
                known.iter().map(String::as_str),
            ),
            at: Box::new(at),
        })
    }
}

/// The dotted paths of a template context (`page.title`, `site.footer.html`), three levels deep.
fn context_paths(value: &tera::Value) -> Vec<String> {
    fn walk(prefix: &str, value: &tera::Value, depth: usize, out: &mut Vec<String>) {
        let tera::Value::Object(map) = value else {
            return;
        };
        for (k, v) in map {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if depth < 3 {
                walk(&path, v, depth + 1, out);
            }
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk("", value, 1, &mut out);
    out
}

/// A template that would recurse forever, at the line that starts the recursion.
fn recursion_error(cycle: &recursion::Cycle, text: &str, path: Option<&Path>) -> Diagnostic {
    let shown = path.map_or_else(
        || Path::new(DEFAULT_THEME).join(&cycle.template),
        Path::to_path_buf,
    );
    let location = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(&cycle.needle))
        .map_or_else(
            || Location::file(&shown),
            |(i, l)| {
                let at = l.find(&cycle.needle).unwrap_or(0);
                Location::in_line(&shown, i + 1, l, at..at + cycle.needle.len())
            },
        );
    Diagnostic::at(
        Problem::TemplateRecursion {
            kind: cycle.kind,
            chain: cycle.chain.clone(),
        },
        location,
    )
}

/// The site's own templates: (name, text, path as shown), sorted by name.
fn site_templates(root: &Path, diags: &mut Diagnostics) -> Vec<(String, String, PathBuf)> {
    let dir = root.join(TEMPLATES_DIR);
    let mut out = Vec::new();
    for path in crate::files::walk(root, TEMPLATES_DIR, |_| true, diags) {
        let name = crate::files::relative(&path, &dir);
        let shown = Path::new(TEMPLATES_DIR).join(&name);
        match crate::diagnostics::Source::read(&path, shown.clone()) {
            Ok(source) => out.push((name, source.text, shown)),
            Err(d) => diags.push(d),
        }
    }
    out
}

/// Turns a tera error into a diagnostic, with `line:col` when tera gives one (parse errors).
/// `text` is the template's source, used to show the offending line.
/// Parses each template alone, so every broken one is reported, not just the first; `None`
/// when one is. A template nesting too deep is refused before tera parses it.
fn parse_each(
    templates: &BTreeMap<String, (String, Option<PathBuf>)>,
    diags: &mut Diagnostics,
) -> Option<BTreeMap<String, Vec<tera::ast::Node>>> {
    let before = diags.len();
    let mut asts = BTreeMap::new();
    for (name, (text, path)) in templates {
        if text.len() > limits::MAX_TEMPLATE_BYTES {
            diags.push(too_large_error(name, path.as_deref(), text));
            continue;
        }
        if let Some((at, depth)) = limits::too_deep(text) {
            diags.push(too_deep_error(name, path.as_deref(), text, at, depth));
            continue;
        }
        match tera::Template::new(name, None, text) {
            Ok(t) => {
                asts.insert(name.clone(), t.ast);
            }
            Err(e) => diags.push(template_error(name, path.as_deref(), Some(text), &e)),
        }
    }
    (diags.len() == before).then_some(asts)
}

/// The site paths templates write literally in `href` and `src` attributes (no `{{` in the
/// value), each with where it is first written; the site's templates before the default ones.
fn literal_paths(sources: &BTreeMap<String, (String, PathBuf)>) -> BTreeMap<String, Location> {
    let mut out = BTreeMap::new();
    let mut ordered: Vec<&(String, PathBuf)> = sources.values().collect();
    ordered.sort_by_key(|(_, shown)| shown.starts_with(DEFAULT_THEME));
    for (text, shown) in ordered {
        let mut found = Vec::new();
        crate::html::Scanner::default().scan(text, &mut |a| {
            let is_url = a.name.eq_ignore_ascii_case("href") || a.name.eq_ignore_ascii_case("src");
            if is_url && a.raw.starts_with('/') && !a.raw.starts_with("//") && !a.raw.contains("{{")
            {
                found.push((crate::html::decode_attribute(a.raw), a.range.clone()));
            }
        });
        if found.is_empty() {
            continue;
        }
        let source = crate::diagnostics::Source::new(shown.clone(), text.clone());
        for (href, range) in found {
            for key in [crate::urls::percent_escape(&href), href] {
                out.entry(key)
                    .or_insert_with(|| source.locate(range.clone()));
            }
        }
    }
    out
}

/// The source of template `name` as diagnostics show it.
fn template_source(name: &str, path: Option<&Path>, text: &str) -> crate::diagnostics::Source {
    let shown = path.map_or_else(|| Path::new(DEFAULT_THEME).join(name), Path::to_path_buf);
    crate::diagnostics::Source::new(shown, text.to_string())
}

/// A template over [`limits::MAX_TEMPLATE_BYTES`], located where it passes the limit.
fn too_large_error(name: &str, path: Option<&Path>, text: &str) -> Diagnostic {
    let mut at = limits::MAX_TEMPLATE_BYTES;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let source = template_source(name, path, text);
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    Diagnostic::at(
        Problem::TemplateTooLarge {
            template: name.to_string(),
            size: text.len(),
            limit: limits::MAX_TEMPLATE_BYTES,
        },
        source.locate(at..end),
    )
}

/// A template that nests deeper than [`limits::MAX_NESTING`], located where it does.
fn too_deep_error(
    name: &str,
    path: Option<&Path>,
    text: &str,
    at: usize,
    depth: usize,
) -> Diagnostic {
    let source = template_source(name, path, text);
    Diagnostic::at(
        Problem::TemplateTooDeep {
            template: name.to_string(),
            depth,
            limit: limits::MAX_NESTING,
        },
        source.locate(at..at + 2),
    )
}

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
    let shown = path.map_or_else(|| Path::new(DEFAULT_THEME).join(name), Path::to_path_buf);
    let mut location = Location::file(&shown);
    if let Some(pos) = full.find("--> ") {
        let coords: String = full[pos + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ':')
            .collect();
        if let Some((l, c)) = coords.split_once(':')
            && let (Ok(line), Ok(col)) = (l.parse::<usize>(), c.parse::<usize>())
        {
            let line_text = text.and_then(|t| t.lines().nth(line.saturating_sub(1)));
            location = Location::at_line(&shown, line, col, line_text);
        }
    }
    // Tera's own explanation is the `= ...` line of a parse error, else the innermost message.
    let message = full
        .lines()
        .find(|l| l.trim_start().starts_with("= "))
        .map(|l| l.trim_start().trim_start_matches("= ").to_string())
        .unwrap_or_else(|| chain.last().cloned().unwrap_or_default());
    Diagnostic::at(
        Problem::Template {
            name: name.to_string(),
            message,
        },
        location,
    )
}
