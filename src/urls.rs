//! Site URLs: the one rule mapping sources to URLs and URLs to output files, and the resolver
//! that turns what authors write into targets of this site and into hrefs for the output.
//!
//! Authors write site paths without the base path (`/guide#api-keys`), links to source files
//! (`guide.md#api-keys`, relative to the page), relative URLs (`../errors/#PG-1003`) or bare
//! fragments (`#PG-1003`). A full URL that starts with the site's `base_url` counts as internal.
//! Everything else with a scheme (`https:`, `mailto:`) is external and is not fetched.

use std::collections::BTreeSet;

/// The site path of a page whose source is `rel` (relative to `content/`): pretty URLs,
/// `index.md` is its directory, `404.md` is `/404.html`. With `slash` (`trailing_slash`, the
/// default) `/guide/`, else `/guide`.
pub(crate) fn page_url(rel: &str, slash: bool) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    if stem == "404" {
        return NOT_FOUND_URL.into();
    }
    let stem = stem
        .strip_suffix("/index")
        .or_else(|| (stem == "index").then_some(""))
        .unwrap_or(stem);
    pretty(stem, slash)
}

/// The site path of the page at `path` (`errors/PG-1003`, no slashes around it):
/// `/errors/PG-1003/` with `slash`, else `/errors/PG-1003`; `/` when `path` is empty.
pub(crate) fn pretty(path: &str, slash: bool) -> String {
    if path.is_empty() {
        "/".into()
    } else if slash {
        format!("/{path}/")
    } else {
        format!("/{path}")
    }
}

/// The output file of a site path: `/guide/` -> `guide/index.html`, `/404.html` -> itself.
/// A path without a trailing slash is a file when its last segment has a dot, else
/// `guide/index.html` with `slash` (`trailing_slash = true`, the default) and `guide.html`
/// without: what static hosts serve at `/guide` (see the README's `trailing_slash`).
pub(crate) fn output_file(url: &str, slash: bool) -> String {
    let rel = url.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else if !slash {
        if rel.ends_with(".html") {
            rel.to_string()
        } else {
            format!("{rel}.html")
        }
    } else if rel
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        rel.to_string()
    } else {
        format!("{rel}/index.html")
    }
}

/// The site path of the JSON file beside the page at site path `url`: its output file with
/// `.json` for `.html` (`/errors/PG-1003/` -> `/errors/PG-1003/index.json`; with `slash`
/// false, `/errors/PG-1003` -> `/errors/PG-1003.json`).
pub(crate) fn json_beside(url: &str, slash: bool) -> String {
    let file = output_file(url, slash);
    let stem = file.strip_suffix(".html").unwrap_or(&file);
    format!("/{stem}.json")
}

/// Where an internal link points: a site path (`/guide/`, `/favicon.svg`) and a fragment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub(crate) path: String,
    pub(crate) fragment: Option<String>,
}

impl Target {
    pub(crate) fn page(path: impl Into<String>) -> Self {
        Target {
            path: path.into(),
            fragment: None,
        }
    }

    pub(crate) fn anchor(path: impl Into<String>, fragment: impl Into<String>) -> Self {
        Target {
            path: path.into(),
            fragment: Some(fragment.into()),
        }
    }
}

/// The site path of the 404 page: it is served at whatever URL was not found, so links on it
/// are written site-absolute.
pub(crate) const NOT_FOUND_URL: &str = "/404.html";

/// The schemes a link may use. Everything else (`javascript:`, `vbscript:`, `data:`,
/// `file:`, ...) is refused by [`scheme_allowed`].
pub(crate) const ALLOWED_SCHEMES: &[&str] = &["https", "http", "mailto", "tel"];

/// Whether a link may be written in a page or the catalog: `Ok(())` for a site path
/// (`/guide`), a relative URL (`../errors/`, `?q=x`), a bare fragment, a protocol-relative URL
/// (`//cdn.example/x.js`) and the schemes of [`ALLOWED_SCHEMES`]; `Err(scheme)` with the
/// scheme as a browser reads it (lowercased) for any other.
///
/// `href` is the URL as the browser gets it: character references of an HTML attribute
/// already decoded (see [`crate::html::decode_attribute`]). The scheme is read the way the
/// URL standard does, so obfuscations do not pass: leading and trailing spaces and control
/// characters are ignored, and tabs and line breaks anywhere are removed (`java\tscript:`
/// is `javascript:`).
pub(crate) fn scheme_allowed(href: &str) -> Result<(), String> {
    match scheme_of(href) {
        Some(scheme) if !ALLOWED_SCHEMES.contains(&scheme.as_str()) => Err(scheme),
        _ => Ok(()),
    }
}

/// The scheme of a URL as a browser parses it, lowercased; `None` for a relative URL.
fn scheme_of(href: &str) -> Option<String> {
    let trimmed = href.trim_matches(|c: char| c <= ' ');
    let mut scheme = String::new();
    for c in trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')) {
        match c {
            ':' if !scheme.is_empty() => return Some(scheme),
            c if c.is_ascii_alphabetic() => scheme.push(c.to_ascii_lowercase()),
            c if !scheme.is_empty() && (c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) => {
                scheme.push(c)
            }
            _ => return None,
        }
    }
    None
}

/// An internal link, resolved: where it points and how it was written.
struct Resolved {
    target: Target,
    /// The path the href names before `/guide` became the page `/guide/`.
    named: String,
    /// Written relative to the page (no scheme, not starting with `/`).
    relative: bool,
    /// A link to the Markdown source of a page (`guide.md`).
    source_link: bool,
}

/// Resolves links against the site's pages.
#[derive(Clone)]
pub(crate) struct Resolver {
    base_url: Option<String>,
    base_path: String,
    page_urls: BTreeSet<String>,
    /// `trailing_slash`: pages are at `/guide/` (true) or `/guide` (false).
    slash: bool,
    /// The other pages of the plan (code pages, redirects): links may name them in either
    /// shape too (see [`Resolver::canonical`]).
    planned: BTreeSet<String>,
}

impl Resolver {
    pub(crate) fn new(
        base_url: Option<&str>,
        base_path: &str,
        page_urls: BTreeSet<String>,
        slash: bool,
    ) -> Self {
        Resolver {
            base_url: base_url.map(str::to_string),
            base_path: base_path.to_string(),
            page_urls,
            slash,
            planned: BTreeSet::new(),
        }
    }

    /// Adds the pages the plan made besides Markdown pages (code pages, redirects).
    pub(crate) fn add_planned(&mut self, urls: impl IntoIterator<Item = String>) {
        self.planned.extend(urls);
    }

    fn is_page(&self, path: &str) -> bool {
        self.page_urls.contains(path) || self.planned.contains(path)
    }

    /// Whether pages are at `/guide/` (`trailing_slash = true`) or `/guide`.
    pub(crate) fn trailing_slash(&self) -> bool {
        self.slash
    }

    /// The internal target of `href` written on page `page`, or `None` for an external link.
    /// `source_dir` is the directory of the page's source under `content/` (for `*.md` links).
    pub(crate) fn resolve(
        &self,
        href: &str,
        page: &str,
        source_dir: Option<&str>,
    ) -> Option<Target> {
        self.resolve_parts(href, page, source_dir, false)
            .map(|r| r.target)
    }

    /// The path part of an href that points into this site (`/guide#k` for
    /// `https://x.com/docs/guide#k` when that is the base URL), and whether it was a full URL.
    fn local_part<'h>(&self, href: &'h str) -> Option<(&'h str, bool)> {
        if let Some(base) = &self.base_url
            && let Some(rest) = href.strip_prefix(base.as_str())
        {
            return if rest.is_empty() || rest.starts_with(['/', '#', '?']) {
                Some((rest, true))
            } else {
                None
            };
        }
        if has_scheme(href) || href.starts_with("//") {
            None
        } else {
            Some((href, false))
        }
    }

    /// `as_served`: the href is written in the output as it is (templates), so with
    /// `trailing_slash = false` a page is not found at `/guide/` or `/guide/index.html`,
    /// which static hosts do not serve (see [`Resolver::canonical`]).
    fn resolve_parts(
        &self,
        href: &str,
        page: &str,
        source_dir: Option<&str>,
        as_served: bool,
    ) -> Option<Resolved> {
        let href = href.trim();
        let (local, full_url) = self.local_part(href)?;
        let (path, _, fragment) = split_href(local);
        let fragment =
            Some(percent_decode(fragment.trim_start_matches('#'))).filter(|f| !f.is_empty());
        let relative = !full_url && !path.starts_with('/');
        let page_dir = &page[..page.rfind('/').map_or(0, |i| i + 1)];
        let (named, source_link) = if path.is_empty() {
            (
                if full_url {
                    "/".to_string()
                } else {
                    page.to_string()
                },
                false,
            )
        } else if let Some(url) = self.source_page(path, source_dir) {
            (url, true)
        } else if relative {
            (
                normalize(&format!("{page_dir}{}", percent_decode(path))),
                false,
            )
        } else {
            (normalize(&percent_decode(path)), false)
        };
        Some(Resolved {
            target: Target {
                path: self.canonical(named.clone(), as_served),
                fragment,
            },
            named,
            relative,
            source_link,
        })
    }

    /// The page whose Markdown source a `*.md` path names (relative to `source_dir`, or to
    /// `content/` when it starts with `/`); `None` when no page has that source.
    fn source_page(&self, path: &str, source_dir: Option<&str>) -> Option<String> {
        let md = percent_decode(path.strip_suffix(".md")?);
        let rel = match md.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => normalize(&format!("/{}/{md}", source_dir.unwrap_or("")))
                .trim_start_matches('/')
                .to_string(),
        };
        let url = page_url(&format!("{rel}.md"), self.slash);
        self.page_urls.contains(&url).then_some(url)
    }

    /// The target of an href as written in the output (base path included), for links that
    /// templates write. `None` for external links.
    pub(crate) fn resolve_output(&self, href: &str, page: &str) -> Option<Target> {
        let resolve = |h: &str| self.resolve_parts(h, page, None, true).map(|r| r.target);
        if href.starts_with('#') || has_scheme(href) || href.starts_with("//") {
            return resolve(href);
        }
        match href.strip_prefix(self.base_path.as_str()) {
            Some(rest) => resolve(&format!("/{rest}")),
            None if href.starts_with('/') => Some(Target::page(href)),
            None => resolve(href),
        }
    }

    /// The page a path names in either shape: with `trailing_slash = true`, `/guide` and
    /// `/guide/index.html` are the page `/guide/`; with `false`, `/guide/`,
    /// `/guide/index.html` and `/guide.html` are the page `/guide`. Links written in pages
    /// and the catalog are rewritten to the page's own shape; an href written in the output
    /// as it is (`as_served`, templates) keeps its shape, so with `false` a `/guide/` that
    /// static hosts answer with a 404 is a broken link, not the page.
    fn canonical(&self, path: String, as_served: bool) -> String {
        if self.is_page(&path) {
            return path;
        }
        if !self.slash {
            if let Some(page) = path.strip_suffix(".html")
                && self.is_page(page)
            {
                return page.to_string();
            }
            if as_served {
                return path;
            }
            let page = path
                .strip_suffix("index.html")
                .unwrap_or(&path)
                .trim_end_matches('/');
            let page = if page.is_empty() { "/" } else { page };
            if self.is_page(page) {
                return page.to_string();
            }
            return path;
        }
        if let Some(dir) = path.strip_suffix("index.html")
            && self.is_page(dir)
        {
            return dir.to_string();
        }
        let with_slash = format!("{path}/");
        if self.is_page(&with_slash) {
            return with_slash;
        }
        path
    }

    /// The href to write in the output for a link written as `href` on page `page`,
    /// percent-encoded as pulldown-cmark writes hrefs (so the link checker finds it as
    /// written). Query and fragment are kept as written.
    ///
    /// Links written in a Markdown page (`source_dir` is `Some`) keep their form: a relative
    /// link stays relative (with a `/` added when it names a page without one), a link to a
    /// page's source (`guide.md`) becomes the relative URL of the page; on the 404 page,
    /// which is served at any URL, they become site-absolute. Site paths, full URLs into the
    /// site and every link written outside pages (catalog, config) become site-absolute with
    /// the base path. External links are left as written.
    pub(crate) fn rewrite(&self, href: &str, page: &str, source_dir: Option<&str>) -> String {
        let written = href.trim();
        if written.starts_with('#') {
            return percent_escape(written);
        }
        let Some(r) = self.resolve_parts(written, page, source_dir, false) else {
            return percent_escape(written);
        };
        let (path, query, fragment) = split_href(written);
        let keep_relative = r.relative && source_dir.is_some() && page != NOT_FOUND_URL;
        let out = if !keep_relative {
            format!(
                "{}{}{query}{fragment}",
                self.base_path,
                r.target.path.trim_start_matches('/')
            )
        } else if r.source_link {
            format!("{}{query}{fragment}", relative_url(page, &r.target.path))
        } else if !path.is_empty()
            && !path.ends_with('/')
            && r.target.path == format!("{}/", r.named)
        {
            format!("{path}/{query}{fragment}")
        } else if let Some(unslashed) = self.unslashed(path, page, &r) {
            format!("{unslashed}{query}{fragment}")
        } else {
            written.to_string()
        };
        percent_escape(&out)
    }

    /// With `trailing_slash = false`, the relative path `path` that names a page as `x/` or
    /// `x/index.html` (which static hosts do not serve), written as the page's URL: `x`, or
    /// the relative URL of the page when nothing would be left of the path (`./` -> `../a`).
    fn unslashed(&self, path: &str, page: &str, r: &Resolved) -> Option<String> {
        if self.slash || path.is_empty() {
            return None;
        }
        let suffix = r.named.strip_prefix(r.target.path.as_str())?;
        if !matches!(suffix, "/" | "/index.html") || !path.ends_with(suffix) {
            return None;
        }
        let kept = &path[..path.len() - suffix.len()];
        let last = kept.rsplit('/').next().unwrap_or("");
        Some(if matches!(last, "" | "." | "..") {
            relative_url(page, &r.target.path)
        } else {
            kept.to_string()
        })
    }

    /// The absolute URL of a target (`base_url` + path), or its href when no base URL is set.
    pub(crate) fn absolute(&self, target: &Target) -> String {
        let mut out = match &self.base_url {
            Some(base) => format!("{base}{}", target.path),
            None => self.href(&Target::page(target.path.clone())),
        };
        if let Some(f) = &target.fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }

    /// The output href of a target: base path + site path + fragment.
    pub(crate) fn href(&self, target: &Target) -> String {
        let mut out = format!("{}{}", self.base_path, target.path.trim_start_matches('/'));
        if let Some(f) = &target.fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }

    /// The base path every internal href starts with: `/` or `/docs/`.
    pub(crate) fn base_path(&self) -> &str {
        &self.base_path
    }

    pub(crate) fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }
}

/// An href split into path, query (from `?`) and fragment (from `#`).
fn split_href(href: &str) -> (&str, &str, &str) {
    let (before, fragment) = href.split_at(href.find('#').unwrap_or(href.len()));
    let (path, query) = before.split_at(before.find('?').unwrap_or(before.len()));
    (path, query, fragment)
}

/// The URL of site path `to` relative to the page at site path `from` (`/a/b/` to `/guide/`
/// is `../../guide/`).
fn relative_url(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from[..from.rfind('/').map_or(0, |i| i + 1)]
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let to_parts: Vec<&str> = to.trim_start_matches('/').split('/').collect();
    let to_dirs = &to_parts[..to_parts.len().saturating_sub(1)];
    let common = from_dirs
        .iter()
        .zip(to_dirs)
        .take_while(|(a, b)| a == b)
        .count();
    let url = format!(
        "{}{}",
        "../".repeat(from_dirs.len() - common),
        to_parts[common..].join("/")
    );
    if url.is_empty() { "./".into() } else { url }
}

fn has_scheme(href: &str) -> bool {
    let Some(colon) = href.find(':') else {
        return false;
    };
    let scheme = &href[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-encodes what pulldown-cmark percent-encodes when it writes an href (every byte
/// outside its safe set but `&` and `'`, which it writes as character references), so that
/// the href written in the output, once its character references are decoded, is this string.
/// Existing `%XX` escapes are kept.
pub(crate) fn percent_escape(href: &str) -> String {
    const SAFE: &[u8] = b"!#$%&'()*+,-./:;=?@^_~";
    if href
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || SAFE.contains(&b))
    {
        return href.to_string();
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(href.len() + 8);
    for b in href.bytes() {
        if b.is_ascii_alphanumeric() || SAFE.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// Resolves `.` and `..` segments of an absolute path (never above `/`).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = format!("/{}", parts.join("/"));
    if trailing && !parts.is_empty() {
        out.push('/');
    }
    out
}

/// Decodes `%XX` escapes; invalid sequences are kept as written, invalid UTF-8 is replaced.
pub(crate) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(base: Option<&str>, path: &str) -> Resolver {
        let pages = ["/", "/guide/", "/errors/", "/a/b/"]
            .into_iter()
            .map(String::from)
            .collect();
        Resolver::new(base, path, pages, true)
    }

    #[test]
    fn resolves_the_forms_authors_write() {
        let r = resolver(Some("https://x.com/docs"), "/docs/");
        let t = |h: &str| r.resolve(h, "/a/b/", Some("a"));
        let target = |p: &str, f: Option<&str>| {
            Some(Target {
                path: p.into(),
                fragment: f.map(String::from),
            })
        };
        assert_eq!(t("/guide#api-keys"), target("/guide/", Some("api-keys")));
        assert_eq!(t("/guide/index.html"), target("/guide/", None));
        assert_eq!(t("#PG-1003"), target("/a/b/", Some("PG-1003")));
        assert_eq!(
            t("../../errors/#PG-1003"),
            target("/errors/", Some("PG-1003"))
        );
        assert_eq!(t("../guide.md#x"), target("/guide/", Some("x")));
        assert_eq!(t("b.md"), target("/a/b/", None));
        assert_eq!(
            t("https://x.com/docs/guide#k"),
            target("/guide/", Some("k"))
        );
        assert_eq!(t("https://x.com/docsy"), None);
        assert_eq!(t("mailto:a@b.c"), None);
        assert_eq!(t("//cdn.example/x.js"), None);
        assert_eq!(r.rewrite("/guide#k", "/", None), "/docs/guide/#k");
        assert_eq!(r.rewrite("#k", "/", None), "#k");
    }

    #[test]
    fn page_links_keep_their_form() {
        let r = resolver(Some("https://x.com/docs"), "/docs/");
        let w = |h: &str, page: &str| r.rewrite(h, page, Some("a"));
        assert_eq!(w("../../guide#k", "/a/b/"), "../../guide/#k");
        assert_eq!(w("../../guide/?q=1", "/a/b/"), "../../guide/?q=1");
        assert_eq!(w("../guide.md?x#k", "/a/b/"), "../../guide/?x#k");
        assert_eq!(w("b.md", "/a/b/"), "./");
        assert_eq!(w("notes.md", "/a/b/"), "notes.md");
        assert_eq!(w("?page=2", "/a/b/"), "?page=2");
        assert_eq!(w("/guide?q=retry#top", "/a/b/"), "/docs/guide/?q=retry#top");
        assert_eq!(
            w("https://x.com/docs/guide?q#k", "/a/b/"),
            "/docs/guide/?q#k"
        );
        assert_eq!(w("../../guide", NOT_FOUND_URL), "/docs/guide/");
        assert_eq!(w("/gu ide#caf\u{e9}", "/"), "/docs/gu%20ide#caf%C3%A9");
        assert_eq!(w("https://x.org/a\"b", "/"), "https://x.org/a%22b");
        // Outside pages (catalog, config) every internal link is site-absolute.
        assert_eq!(r.rewrite("guide#k", "/", None), "/docs/guide/#k");
    }

    #[test]
    fn relative_urls_between_site_paths() {
        assert_eq!(relative_url("/a/b/", "/guide/"), "../../guide/");
        assert_eq!(relative_url("/", "/guide/"), "guide/");
        assert_eq!(relative_url("/a/", "/a/b/"), "b/");
        assert_eq!(relative_url("/a/b/", "/a/b/"), "./");
        assert_eq!(relative_url("/a/b/", "/"), "../../");
        assert_eq!(relative_url("/a/b/", "/a/c.svg"), "../c.svg");
    }

    #[test]
    fn only_allowed_schemes_pass() {
        for ok in [
            "",
            "/x",
            "x/y",
            "?a=b:c",
            "#x:y",
            "1a:x",
            "//x.org",
            "https://x",
            "HTTP://x",
            "mailto:a@b",
            "tel:+1",
            "./a:b",
        ] {
            assert_eq!(scheme_allowed(ok), Ok(()), "{ok}");
        }
        for (bad, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:x", "javascript"),
            (" \tjava\nscript:x", "javascript"),
            ("\u{1}vbscript:x", "vbscript"),
            ("data:image/png;base64,AA", "data"),
            ("file:///etc", "file"),
            ("a:b", "a"),
        ] {
            assert_eq!(scheme_allowed(bad), Err(scheme.to_string()), "{bad}");
        }
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b%zz"), "a b%zz");
    }

    #[test]
    fn pretty_urls_and_their_files() {
        for (rel, url, file) in [
            ("index.md", "/", "index.html"),
            ("guide.md", "/guide/", "guide/index.html"),
            ("a/index.md", "/a/", "a/index.html"),
            ("a/b.md", "/a/b/", "a/b/index.html"),
            ("404.md", "/404.html", "404.html"),
        ] {
            assert_eq!(page_url(rel, true), url);
            assert_eq!(output_file(url, true), file);
        }
        for (rel, url, file) in [
            ("index.md", "/", "index.html"),
            ("guide.md", "/guide", "guide.html"),
            ("a/index.md", "/a", "a.html"),
            ("a/b.md", "/a/b", "a/b.html"),
            ("404.md", "/404.html", "404.html"),
        ] {
            assert_eq!(page_url(rel, false), url);
            assert_eq!(output_file(url, false), file);
        }
        // An alias written with its slash stays a directory index in both shapes.
        assert_eq!(output_file("/old/", false), "old/index.html");
    }

    #[test]
    fn without_trailing_slash_links_name_pages_without_it() {
        let pages = ["/", "/guide", "/errors", "/a", "/a/b"]
            .into_iter()
            .map(String::from)
            .collect();
        let r = Resolver::new(Some("https://x.com/docs"), "/docs/", pages, false);
        let t = |h: &str| r.resolve(h, "/a/b", Some("a")).map(|t| t.path);
        for href in [
            "/guide",
            "/guide/",
            "/guide/index.html",
            "/guide.html",
            "../guide/",
        ] {
            assert_eq!(t(href).as_deref(), Some("/guide"), "{href}");
        }
        assert_eq!(t("b.md").as_deref(), Some("/a/b"));
        assert_eq!(t("./").as_deref(), Some("/a"));
        let w = |h: &str| r.rewrite(h, "/a/b", Some("a"));
        assert_eq!(w("../guide/#k"), "../guide#k");
        assert_eq!(w("../guide/index.html?q"), "../guide?q");
        assert_eq!(w("../guide"), "../guide");
        assert_eq!(w("./"), "../a");
        assert_eq!(w("../"), "../");
        assert_eq!(w("../guide.md#k"), "../guide#k");
        assert_eq!(w("b.md"), "b");
        assert_eq!(w("/errors/#E1"), "/docs/errors#E1");
        // Written in the output as it is (templates): the shape must be the served one.
        assert_eq!(
            r.resolve_output("/docs/guide/", "/")
                .map(|t| t.path)
                .as_deref(),
            Some("/guide/")
        );
        assert_eq!(
            r.resolve_output("/docs/guide", "/")
                .map(|t| t.path)
                .as_deref(),
            Some("/guide")
        );
        assert_eq!(relative_url("/a/b", "/guide"), "../guide");
    }
}
