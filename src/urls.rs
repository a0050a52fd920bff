//! Site URLs: the one rule mapping sources to URLs and URLs to output files, and the resolver
//! that turns what authors write into targets of this site and into hrefs for the output.
//!
//! Authors write site paths without the base path (`/guide#api-keys`), links to source files
//! (`guide.md#api-keys`, relative to the page), relative URLs (`../errors/#PG-1003`) or bare
//! fragments (`#PG-1003`). A full URL that starts with the site's `base_url` counts as internal.
//! Everything else with a scheme (`https:`, `mailto:`) is external and is not fetched.

use std::collections::BTreeSet;

/// The site path of a page whose source is `rel` (relative to `content/`): pretty URLs,
/// `index.md` is its directory, `404.md` is `/404.html`.
pub(crate) fn page_url(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    if stem == "404" {
        return "/404.html".into();
    }
    let stem = stem
        .strip_suffix("/index")
        .or_else(|| (stem == "index").then_some(""))
        .unwrap_or(stem);
    if stem.is_empty() {
        "/".into()
    } else {
        format!("/{stem}/")
    }
}

/// The output file of a site path: `/guide/` -> `guide/index.html`, `/404.html` -> itself.
pub(crate) fn output_file(url: &str) -> String {
    let rel = url.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
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

/// Resolves links against the site's pages.
#[derive(Clone)]
pub(crate) struct Resolver {
    base_url: Option<String>,
    base_path: String,
    page_urls: BTreeSet<String>,
}

impl Resolver {
    pub(crate) fn new(
        base_url: Option<&str>,
        base_path: &str,
        page_urls: BTreeSet<String>,
    ) -> Self {
        Resolver {
            base_url: base_url.map(str::to_string),
            base_path: base_path.to_string(),
            page_urls,
        }
    }

    /// The internal target of `href` written on page `page`, or `None` for an external link.
    /// `source_dir` is the directory of the page's source under `content/` (for `*.md` links).
    pub(crate) fn resolve(
        &self,
        href: &str,
        page: &str,
        source_dir: Option<&str>,
    ) -> Option<Target> {
        let href = href.trim();
        let local = match &self.base_url {
            Some(base) if href.starts_with(base.as_str()) => {
                let rest = &href[base.len()..];
                if rest.is_empty() || rest.starts_with(['/', '#', '?']) {
                    Some(if rest.starts_with('/') {
                        rest.to_string()
                    } else {
                        format!("/{rest}")
                    })
                } else {
                    None
                }
            }
            _ => None,
        };
        let href = match &local {
            Some(l) => l.as_str(),
            None if has_scheme(href) || href.starts_with("//") => return None,
            None => href,
        };
        let (before_fragment, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(percent_decode(f))),
            None => (href, None),
        };
        let path = before_fragment
            .split_once('?')
            .map_or(before_fragment, |(p, _)| p);
        let path = if path.is_empty() {
            page.to_string()
        } else if let Some(md) = path.strip_suffix(".md") {
            let rel = if let Some(abs) = md.strip_prefix('/') {
                abs.to_string()
            } else {
                normalize(&format!("/{}/{md}", source_dir.unwrap_or("")))
                    .trim_start_matches('/')
                    .to_string()
            };
            page_url(&format!("{rel}.md"))
        } else if path.starts_with('/') {
            normalize(&percent_decode(path))
        } else {
            let dir = &page[..page.rfind('/').map_or(0, |i| i + 1)];
            normalize(&format!("{dir}{}", percent_decode(path)))
        };
        Some(Target {
            path: self.canonical(path),
            fragment: fragment.filter(|f| !f.is_empty()),
        })
    }

    /// The target of an href as written in the output (base path included), for links that
    /// templates write. `None` for external links.
    pub(crate) fn resolve_output(&self, href: &str, page: &str) -> Option<Target> {
        if href.starts_with('#') || has_scheme(href) || href.starts_with("//") {
            return self.resolve(href, page, None);
        }
        match href.strip_prefix(self.base_path.as_str()) {
            Some(rest) => self.resolve(&format!("/{rest}"), page, None),
            None if href.starts_with('/') => Some(Target::page(href)),
            None => self.resolve(href, page, None),
        }
    }

    /// `/guide` and `/guide/index.html` are the page `/guide/`.
    fn canonical(&self, path: String) -> String {
        if self.page_urls.contains(&path) {
            return path;
        }
        if let Some(dir) = path.strip_suffix("index.html")
            && self.page_urls.contains(dir)
        {
            return dir.to_string();
        }
        let with_slash = format!("{path}/");
        if self.page_urls.contains(&with_slash) {
            return with_slash;
        }
        path
    }

    /// The href to write in the output for a link written as `href` on page `page`.
    pub(crate) fn rewrite(&self, href: &str, page: &str, source_dir: Option<&str>) -> String {
        if href.starts_with('#') {
            return href.to_string();
        }
        match self.resolve(href, page, source_dir) {
            None => href.to_string(),
            Some(t) => self.href(&t),
        }
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
        Resolver::new(base, path, pages)
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
            assert_eq!(page_url(rel), url);
            assert_eq!(output_file(url), file);
        }
    }
}
