//! Internal links: resolving what authors write, rewriting it for the output, and checking that
//! every link lands on a page and anchor this build produces.
//!
//! Authors write site paths without the base path (`/guide#api-keys`), links to source files
//! (`guide.md#api-keys`, relative to the page), relative URLs (`../errors/#PG-1003`) or bare
//! fragments (`#PG-1003`). A full URL that starts with the site's `base_url` counts as internal.
//! Everything else with a scheme (`https:`, `mailto:`) is external and is not fetched.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{Diagnostic, Diagnostics, Location, MissingTarget, Problem, did_you_mean};

/// A link found in a page, the catalog or the config, with where it was written.
pub struct LinkRef {
    pub href: String,
    /// Site path of the page the link appears on (relative links resolve against it).
    pub page: String,
    /// Directory of the page's source under `content/` (for `*.md` links); `None` outside pages.
    pub source_dir: Option<String>,
    pub location: Location,
}

/// Where an internal link points: a site path (`/guide/`, `/favicon.svg`) and a fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub fragment: Option<String>,
}

/// Resolves links against the site's pages.
pub struct Resolver {
    base_url: Option<String>,
    base_path: String,
    page_urls: BTreeSet<String>,
}

impl Resolver {
    pub fn new(base_url: Option<&str>, base_path: &str, page_urls: BTreeSet<String>) -> Self {
        Resolver {
            base_url: base_url.map(str::to_string),
            base_path: base_path.to_string(),
            page_urls,
        }
    }

    /// The internal target of `href` written on page `page`, or `None` for an external link.
    pub fn resolve(&self, href: &str, page: &str, source_dir: Option<&str>) -> Option<Target> {
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
            crate::content::url_for(&format!("{rel}.md")).0
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
    pub fn resolve_output(&self, href: &str, page: &str) -> Option<Target> {
        if href.starts_with('#') || has_scheme(href) || href.starts_with("//") {
            return self.resolve(href, page, None);
        }
        match href.strip_prefix(self.base_path.as_str()) {
            Some(rest) => self.resolve(&format!("/{rest}"), page, None),
            None if href.starts_with('/') => Some(Target {
                path: href.to_string(),
                fragment: None,
            }),
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
    pub fn rewrite(&self, href: &str, page: &str, source_dir: Option<&str>) -> String {
        if href.starts_with('#') {
            return href.to_string();
        }
        match self.resolve(href, page, source_dir) {
            None => href.to_string(),
            Some(t) => self.href(&t),
        }
    }

    /// The absolute URL of a target (`base_url` + path), or its href when no base URL is set.
    pub fn absolute(&self, target: &Target) -> String {
        let mut out = match &self.base_url {
            Some(base) => format!("{base}{}", target.path),
            None => self.href(&Target {
                path: target.path.clone(),
                fragment: None,
            }),
        };
        if let Some(f) = &target.fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }

    /// The output href of a target: base path + site path + fragment.
    pub fn href(&self, target: &Target) -> String {
        let mut out = format!("{}{}", self.base_path, target.path.trim_start_matches('/'));
        if let Some(f) = &target.fragment {
            out.push('#');
            out.push_str(f);
        }
        out
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

/// Decodes `%XX` escapes; invalid sequences are kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every page and file this build writes, with the ids each page defines.
#[derive(Default)]
pub struct Registry {
    pages: BTreeMap<String, BTreeSet<String>>,
    files: BTreeSet<String>,
    /// Redirect pages: site path -> the site path they send readers to.
    redirects: BTreeMap<String, String>,
}

impl Registry {
    /// Records a page and the ids found in its HTML; reports ids defined twice on it.
    pub fn add_page(&mut self, url: &str, html: &str, source: &Location, diags: &mut Diagnostics) {
        let mut ids = BTreeSet::new();
        for id in ids_in(html) {
            if !ids.insert(id.clone()) {
                diags.push(Diagnostic::at(
                    Problem::Duplicate {
                        kind: "anchor on this page",
                        name: id,
                        first: source.clone(),
                    },
                    source.clone(),
                ));
            }
        }
        self.pages.insert(url.to_string(), ids);
    }

    pub fn add_file(&mut self, path: String) {
        self.files.insert(path);
    }

    /// Records that the page at `from` redirects to `to`: an anchor on `from` resolves when
    /// it exists on `to`.
    pub fn add_redirect(&mut self, from: &str, to: &str) {
        self.redirects.insert(from.to_string(), to.to_string());
    }

    /// Follows a redirect (one hop) for a target with a fragment.
    fn through_redirect<'t>(&self, target: &'t Target) -> std::borrow::Cow<'t, Target> {
        match (self.redirects.get(&target.path), &target.fragment) {
            (Some(to), Some(_)) => std::borrow::Cow::Owned(Target {
                path: to.clone(),
                fragment: target.fragment.clone(),
            }),
            _ => std::borrow::Cow::Borrowed(target),
        }
    }

    /// The ids defined on a page.
    pub fn ids(&self, url: &str) -> Option<&BTreeSet<String>> {
        self.pages.get(url)
    }

    /// Every page and every `page#id`, sorted.
    pub fn published(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (url, ids) in &self.pages {
            out.push(url.clone());
            out.extend(ids.iter().map(|id| format!("{url}#{id}")));
        }
        out
    }

    /// Whether a target resolves in this build (a page or file, and the anchor if any).
    pub fn resolves(&self, target: &Target) -> bool {
        let target = self.through_redirect(target);
        if self.files.contains(&target.path) {
            return true;
        }
        match (self.pages.get(&target.path), &target.fragment) {
            (Some(ids), Some(f)) => ids.contains(f),
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Checks one resolved link, reporting it at `location` if it is broken.
    pub fn check(&self, href: &str, target: &Target, location: &Location, diags: &mut Diagnostics) {
        let target = self.through_redirect(target);
        if self.files.contains(&target.path) {
            return;
        }
        let missing = match self.pages.get(&target.path) {
            Some(ids) => match &target.fragment {
                Some(f) if !ids.contains(f) => MissingTarget::Anchor {
                    page: target.path.clone(),
                    anchor: f.clone(),
                    suggestion: did_you_mean(f, ids.iter().map(String::as_str))
                        .map(|s| format!("{}#{s}", target.path)),
                },
                _ => return,
            },
            None => MissingTarget::Page {
                path: target.path.clone(),
                suggestion: did_you_mean(
                    &target.path,
                    self.pages.keys().chain(&self.files).map(String::as_str),
                ),
            },
        };
        diags.push(Diagnostic::at(
            Problem::BrokenLink {
                target: href.to_string(),
                missing,
            },
            location.clone(),
        ));
    }
}

/// The values of every `id="..."` attribute in rendered HTML, decoded.
pub fn ids_in(html: &str) -> Vec<String> {
    attribute_values(html, " id=\"")
}

/// The values of every `href="..."` attribute in rendered HTML, decoded.
pub fn hrefs_in(html: &str) -> Vec<String> {
    attribute_values(html, " href=\"")
}

fn attribute_values(html: &str, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(unescape_attr(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Decodes the character references an attribute value can hold (named ones we emit and any
/// numeric `&#..;` / `&#x..;`).
fn unescape_attr(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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
    fn scans_ids_and_hrefs() {
        let html = r#"<h2 id="a&amp;b&#x2F;&#47;">x</h2><a href="/g#x">y</a><p>id="fake"</p>"#;
        assert_eq!(ids_in(html), vec!["a&b//"]);
        assert_eq!(hrefs_in(html), vec!["/g#x"]);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b%zz"), "a b%zz");
    }
}
