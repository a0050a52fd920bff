//! The site config, `errdocs.toml` at the site root.

use std::path::{Path, PathBuf};

use crate::catalog::Versioning;
use crate::diagnostics::{
    BaseUrlError, Choice, Diagnostic, Diagnostics, Problem, Source, did_you_mean,
};
use crate::tomlread::{self, Located, Table};

pub(crate) const CONFIG_FILE: &str = "errdocs.toml";
/// Where the catalog is unless `catalog = "..."` says otherwise.
pub(crate) const DEFAULT_CATALOG: &str = "catalog/errors.toml";
const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "catalog",
    "language",
    "footer",
    "code_pages",
    "markdown",
    "versioning",
    "source",
    "exports",
    "check",
    "trailing_slash",
];
/// `[exports]`: a file per generated language, and the Go package name.
const EXPORTS_KEYS: &[&str] = &[
    "rust",
    "typescript",
    "go",
    "python",
    "openapi",
    "go_package",
];
/// Keys of `[source]`: the API's source tree that `check` scans for codes (see `drift`).
const SOURCE_KEYS: &[&str] = &["dirs", "include", "exclude", "pattern"];
/// Keys of `[check]`: what `errdocs check` compares with the catalog (see `openapi_check`).
const CHECK_KEYS: &[&str] = &["openapi"];
const FOOTER_KEYS: &[&str] = &["heading", "text"];
const CODE_PAGES_KEYS: &[&str] = &["enabled", "path"];
const MARKDOWN_KEYS: &[&str] = &["smart_punctuation", "default_code_language"];

pub(crate) struct Config {
    pub(crate) source: Source,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    /// The absolute URL of the site, without a trailing slash (`https://x.com/docs`), if set.
    pub(crate) base_url: Option<String>,
    /// Catalog path relative to the site root.
    pub(crate) catalog: PathBuf,
    pub(crate) language: String,
    pub(crate) footer: Option<Footer>,
    /// The path prefix of per-code pages (`errors` -> `/errors/PG-1003/`), `None` when off.
    pub(crate) code_pages: Option<String>,
    /// `[markdown]`: how pages are rendered.
    pub(crate) markdown: MarkdownConfig,
    /// How the catalog writes dates and versions (`since`, `removed.since`, ...).
    pub(crate) versioning: Versioning,
    /// `[source]`: where the API's code is, for `check`'s drift check.
    pub(crate) source_scan: Option<SourceScan>,
    /// `[exports]`: the generated modules a build writes into the output.
    pub(crate) exports: Exports,
    /// `[check] openapi`: OpenAPI documents (relative to the site root) `check` compares with
    /// the catalog, with where each is written in the config.
    pub(crate) openapi: Vec<Located<String>>,
    /// `trailing_slash`: pages at `/guide/` from `guide/index.html` (true, the default) or at
    /// `/guide` from `guide.html` (false).
    pub(crate) trailing_slash: bool,
}

/// `[exports]`: (language, path inside the output) in file order, and the Go package name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Exports {
    pub(crate) files: Vec<(String, String)>,
    pub(crate) go_package: Option<String>,
}

/// The `[source]` table: the API source tree `errdocs check` compares with the catalog.
#[derive(Clone, Debug, Default)]
pub(crate) struct SourceScan {
    /// Directories to scan, relative to the site root.
    pub(crate) dirs: Vec<PathBuf>,
    /// Only files matching one of these globs are scanned (all when empty).
    pub(crate) include: Vec<Located<String>>,
    /// Files and directories matching one of these globs are skipped.
    pub(crate) exclude: Vec<Located<String>>,
    /// A regex replacing the code pattern derived from the catalog.
    pub(crate) pattern: Option<Located<String>>,
}

/// The `[markdown]` table: options of the Markdown of pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MarkdownConfig {
    /// Curly quotes, dashes and ellipses for `"`, `'`, `--`, `---`, `...` (default off).
    pub(crate) smart_punctuation: bool,
    /// The language of code blocks that name none (default: none, shown plain).
    pub(crate) default_code_language: Option<String>,
}

pub(crate) struct Footer {
    pub(crate) heading: Option<String>,
    /// Inline Markdown, with where it was written.
    pub(crate) text: Option<Located<String>>,
}

impl Config {
    /// The path prefix every internal URL starts with: `/` or `/docs/`.
    pub(crate) fn base_path(&self) -> String {
        base_path_of(self.base_url.as_deref())
    }

    /// Replaces the base URL (the `--base-url` flag), validating it like the config value.
    pub(crate) fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        let normalized = normalize_base_url(url).map_err(|error| {
            Diagnostic::bare(Problem::InvalidBaseUrl {
                key: "--base-url",
                value: url.to_string(),
                error,
            })
        })?;
        self.base_url = Some(normalized);
        Ok(())
    }
}

/// `https://x.com/docs/` -> `/docs/`; no base URL -> `/`.
fn base_path_of(base_url: Option<&str>) -> String {
    let Some(url) = base_url else {
        return "/".into();
    };
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.trim_end_matches('/');
    format!("{path}/")
}

fn normalize_base_url(url: &str) -> Result<String, BaseUrlError> {
    let url = url.trim();
    let ok_scheme = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split_once("://").map_or("", |(_, r)| r);
    if !ok_scheme || host.is_empty() || host.starts_with('/') {
        return Err(BaseUrlError::NotAbsolute);
    }
    if url.contains(['?', '#', ' ']) {
        return Err(BaseUrlError::QueryOrFragment);
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Reads `errdocs.toml` from `root`.
pub(crate) fn load(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        diags.push(Diagnostic::bare(Problem::Io {
            action: "read the site config",
            message: format!("{}: no such file", path.display()),
        }));
        return None;
    }
    let source = match Source::read(&path, CONFIG_FILE) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if let Err(d) = source.check_toml_line_endings() {
        diags.push(d);
        return None;
    }
    let before = diags.len();
    let config = parse(source, diags);
    if diags.len() > before {
        return None;
    }
    config
}

/// Reads `[check]`: `openapi`, a list of paths.
fn check_table(t: &Table, diags: &mut Diagnostics) -> Vec<Located<String>> {
    t.table("check", CHECK_KEYS, diags)
        .and_then(|c| c.strings("openapi", diags))
        .unwrap_or_default()
}

/// Reads `[exports]`: each path must be a plain relative path that no other output file has.
fn exports(t: &Table, diags: &mut Diagnostics) -> Exports {
    let source = t.source();
    let Some(e) = t.table("exports", EXPORTS_KEYS, diags) else {
        return Exports::default();
    };
    let mut out = Exports::default();
    for key in EXPORTS_KEYS {
        let Some(value) = e.string(key, diags) else {
            continue;
        };
        if *key == "go_package" {
            if crate::codegen::valid_go_package(&value.value) {
                out.go_package = Some(value.value);
            } else {
                diags.at(
                    Problem::InvalidGoPackage {
                        value: value.value.clone(),
                    },
                    source,
                    value.span.clone(),
                );
            }
            continue;
        }
        let path = value.value.as_str();
        // The files every build writes itself.
        let reserved = [
            "errors.json",
            "errors.schema.json",
            "urls.txt",
            "sitemap.xml",
            "robots.txt",
        ];
        let taken = reserved.contains(&path) || path.ends_with(".html") || path.starts_with('.');
        let valid = !taken
            && path.split('/').all(|seg| {
                !seg.is_empty()
                    && seg != "."
                    && seg != ".."
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            });
        if valid {
            out.files.push(((*key).to_string(), value.value));
        } else {
            diags.at(
                Problem::InvalidExportPath {
                    key: (*key).to_string(),
                    value: value.value.clone(),
                },
                source,
                value.span.clone(),
            );
        }
    }
    out
}

/// The config in `source`; `None` when it cannot be read (its problems are in `diags`).
fn parse(source: Source, diags: &mut Diagnostics) -> Option<Config> {
    let doc = tomlread::parse(&source, diags)?;
    let t = Table::open(doc.get_ref(), doc.span(), CONFIG_FILE, KEYS, &source, diags);
    let title = t.required_string("title", diags);
    let base_url = base_url(&t, diags);
    let code_pages = code_pages(&t, diags);
    let footer = t.table("footer", FOOTER_KEYS, diags).map(|f| Footer {
        heading: f.string("heading", diags).map(|h| h.value),
        text: f.string("text", diags),
    });
    let markdown = markdown(&t, diags);
    let description = t.string("description", diags).map(|d| d.value);
    let catalog = t.string("catalog", diags).map_or_else(
        || PathBuf::from(DEFAULT_CATALOG),
        |c| PathBuf::from(c.value),
    );
    let language = t
        .string("language", diags)
        .map_or_else(|| "en".to_string(), |l| l.value);
    let versioning = versioning(&t, diags);
    let source_scan = source_scan(&t, diags);
    let trailing_slash = t.bool("trailing_slash", diags).is_none_or(|b| b.value);
    let exports = exports(&t, diags);
    let openapi = check_table(&t, diags);
    let title = title?.value;
    drop(doc);
    Some(Config {
        source,
        title,
        description,
        base_url,
        catalog,
        language,
        footer,
        code_pages,
        markdown,
        versioning,
        source_scan,
        exports,
        openapi,
        trailing_slash,
    })
}

/// `base_url`, normalized (no trailing slash); `None` when unset or invalid (reported).
fn base_url(t: &Table, diags: &mut Diagnostics) -> Option<String> {
    t.string("base_url", diags)
        .and_then(|u| match normalize_base_url(&u.value) {
            Ok(url) => Some(url),
            Err(error) => {
                diags.at(
                    Problem::InvalidBaseUrl {
                        key: "base_url",
                        value: u.value.clone(),
                        error,
                    },
                    t.source(),
                    u.span.clone(),
                );
                None
            }
        })
}

/// `[code_pages]`: the path prefix of code pages (default `errors`), `None` when off.
fn code_pages(t: &Table, diags: &mut Diagnostics) -> Option<String> {
    match t.table("code_pages", CODE_PAGES_KEYS, diags) {
        None => Some("errors".to_string()),
        Some(c) => {
            let enabled = c.bool("enabled", diags).is_none_or(|e| e.value);
            let path = c.string("path", diags);
            let prefix = path
                .as_ref()
                .map_or("errors", |p| p.value.trim_matches('/'));
            let valid = !prefix.is_empty()
                && prefix.split('/').all(|seg| {
                    !seg.is_empty()
                        && seg != "."
                        && seg != ".."
                        && crate::slug::is_verbatim_anchor(seg)
                });
            if !valid && let Some(p) = &path {
                diags.at(
                    Problem::InvalidPathPrefix {
                        value: p.value.clone(),
                    },
                    t.source(),
                    p.span.clone(),
                );
            }
            enabled.then(|| prefix.to_string())
        }
    }
}

/// `[markdown]`: the options of pages' Markdown.
fn markdown(t: &Table, diags: &mut Diagnostics) -> MarkdownConfig {
    t.table("markdown", MARKDOWN_KEYS, diags)
        .map_or_else(MarkdownConfig::default, |m| MarkdownConfig {
            smart_punctuation: m.bool("smart_punctuation", diags).is_some_and(|b| b.value),
            default_code_language: m
                .string("default_code_language", diags)
                .map(|l| l.value.trim().to_string())
                .filter(|l| !l.is_empty()),
        })
}

/// `[source]`: `dirs`, `include`, `exclude`, `pattern` (checked when the scan is built).
fn source_scan(t: &Table, diags: &mut Diagnostics) -> Option<SourceScan> {
    let s = t.table("source", SOURCE_KEYS, diags)?;
    Some(SourceScan {
        dirs: s
            .strings("dirs", diags)
            .unwrap_or_default()
            .into_iter()
            .map(|d| PathBuf::from(d.value))
            .collect(),
        include: s.strings("include", diags).unwrap_or_default(),
        exclude: s.strings("exclude", diags).unwrap_or_default(),
        pattern: s.string("pattern", diags),
    })
}

/// `versioning = "date"`: how the catalog writes dates and versions (default: free text).
fn versioning(t: &Table, diags: &mut Diagnostics) -> Versioning {
    let Some(v) = t.string("versioning", diags) else {
        return Versioning::default();
    };
    Versioning::from_name(&v.value).unwrap_or_else(|| {
        let names = Versioning::ALL.map(Versioning::name);
        diags.at(
            Problem::UnknownChoice {
                key: "versioning".into(),
                value: v.value.clone(),
                choice: Choice::Versioning,
                choices: names.to_vec(),
                suggestion: did_you_mean(&v.value, names),
            },
            t.source(),
            v.span.clone(),
        );
        Versioning::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path_of(None), "/");
        assert_eq!(base_path_of(Some("https://x.com")), "/");
        assert_eq!(base_path_of(Some("https://x.com/docs")), "/docs/");
        assert_eq!(
            normalize_base_url("https://x.com/docs/").unwrap(),
            "https://x.com/docs"
        );
        assert!(normalize_base_url("x.com").is_err());
    }
}
