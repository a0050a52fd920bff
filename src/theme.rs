//! The theme: the embedded default templates and static files, and a site's overrides.
//!
//! The default theme (templates and static files under `src/theme/`) is compiled into the
//! binary. A site's `templates/NAME.html` replaces the default template of the same name, file
//! by file; its `static/` files are copied over the theme's. Templates are parsed once per
//! build, and every template that does not parse is reported with its line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};

pub(crate) const TEMPLATES_DIR: &str = "templates";

/// The default theme's templates, by name.
const THEME_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("theme/templates/base.html")),
    ("page.html", include_str!("theme/templates/page.html")),
    ("404.html", include_str!("theme/templates/404.html")),
    (
        "head_extra.html",
        include_str!("theme/templates/head_extra.html"),
    ),
    ("nav.html", include_str!("theme/templates/nav.html")),
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
];

/// The parsed templates of a build.
pub(crate) struct Theme {
    tera: Tera,
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
        tera.set_escape_fn(crate::html::escape);
        if let Err(e) = tera.add_raw_templates(templates.into_iter().map(|(n, (t, _))| (n, t))) {
            // Parsing succeeded above, so this is about inheritance (an unknown parent template).
            diags.push(template_error("(inheritance)", None, None, &e));
            return None;
        }
        Some(Theme { tera })
    }

    /// Renders template `name`; a failure is a [`Problem::Template`].
    pub(crate) fn render(&self, name: &str, context: &Context) -> Result<String, Problem> {
        self.tera
            .render(name, context)
            .map_err(|e| *template_error(name, None, None, &e).problem)
    }
}

/// The site's own templates: (name, text, path as shown), sorted by name.
fn site_templates(root: &Path, diags: &mut Diagnostics) -> Vec<(String, String, PathBuf)> {
    let dir = root.join(TEMPLATES_DIR);
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in WalkDir::new(&dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::at(
                    Problem::Io {
                        action: "read the templates directory",
                        message: e.to_string(),
                    },
                    Location::file(&dir),
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
            Ok(text) => out.push((name, text, shown)),
            Err(e) => diags.push(Diagnostic::at(
                Problem::Io {
                    action: "read a template",
                    message: e.to_string(),
                },
                Location::file(&shown),
            )),
        }
    }
    out
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
