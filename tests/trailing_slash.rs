//! `trailing_slash` in errdocs.toml: pages at `/guide/` (`guide/index.html`, the default) or at
//! `/guide` (`guide.html`). Real binary, real files: each setting writes its files, every URL
//! errdocs emits (pages, navigation, redirects, urls.txt, sitemap, errors.json, generated code)
//! is served by a static host without a redirect, the dev server serves the shape over HTTP
//! under a base path, and `check --against` reports a flip.

mod common;
mod live;

use common::*;
use live::{get, init_site, start_serve};
use std::path::{Path, PathBuf};

const BASE: &str = "https://example.com/docs";

/// The starter site (`errdocs init`) under `/docs/`, with `trailing_slash` set if given, an
/// alias, and a page `content/a/b.md` linking the guide, the reference and a code page in
/// every shape an author may write (`up` is its way back to the root: `../../` from `/a/b/`,
/// `../` from `/a/b`).
fn site(dir: &Path, slash: Option<bool>) -> PathBuf {
    let site = init_site(dir);
    let config = read(&site.join("errdocs.toml"));
    let setting = slash.map_or(String::new(), |s| format!("trailing_slash = {s}\n"));
    std::fs::write(
        site.join("errdocs.toml"),
        format!("{setting}base_url = \"{BASE}/\"\n{config}"),
    )
    .unwrap();
    let catalog = read(&site.join("catalog/errors.toml")).replacen(
        "code = \"EX-1002\"\n",
        "code = \"EX-1002\"\naliases = [\"EX-1000\", \"/old/key/\"]\n",
        1,
    );
    std::fs::write(site.join("catalog/errors.toml"), catalog).unwrap();
    let up = if slash == Some(false) {
        "../"
    } else {
        "../../"
    };
    write_files(
        &site,
        &[
            (
                "content/a/index.md",
                "+++\ntitle = \"A\"\n+++\nSee [B](b.md).\n",
            ),
            (
                "content/a/b.md",
                &format!(
                    "+++\ntitle = \"B\"\n+++\n\
                     [g1](/guide/#api-keys) [g2](/guide#api-keys) [g3]({up}guide/) \
                     [g4]({up}guide) [g5]({up}guide/index.html) [g6](../guide.md#api-keys) \
                     [c1](/errors/EX-1001/) [c2](/errors/EX-1001) [row](/errors/#EX-1001) \
                     [old](/errors/EX-1000/) [a](index.md) [home]({up})\n"
                ),
            ),
        ],
    );
    site
}

fn build(site: &Path) -> PathBuf {
    let out = site.join("public");
    build_ok(site, &out);
    out
}

/// The file a static host such as GitHub Pages serves for `path` (under the base path)
/// without redirecting: `x/` is `x/index.html`, `x` is the file `x` or `x.html`.
fn served(out: &Path, path: &str) -> Option<PathBuf> {
    let rel = path.strip_prefix("/docs/")?;
    let file = if rel.is_empty() || rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else if out.join(rel).is_file() {
        out.join(rel)
    } else {
        out.join(format!("{rel}.html"))
    };
    file.is_file().then_some(file)
}

/// Whether a site path with a fragment (`/docs/errors#EX-1001`) is served, with the id.
fn lands(out: &Path, url: &str) -> bool {
    let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
    let path = path.split('?').next().unwrap_or("");
    served(out, path).is_some_and(|file| {
        fragment.is_empty() || read(&file).contains(&format!(" id=\"{fragment}\""))
    })
}

/// `/docs/a/b` + `../guide#k` -> `/docs/guide#k`, as a browser resolves it.
fn join(page: &str, href: &str) -> String {
    if href.starts_with('/') {
        return href.to_string();
    }
    if href.starts_with('#') || href.starts_with('?') {
        let page = page.split(['#', '?']).next().unwrap_or("");
        return format!("{page}{href}");
    }
    let (path, rest) = href.split_at(href.find(['#', '?']).unwrap_or(href.len()));
    let dir = &page[..page.rfind('/').unwrap() + 1];
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            "" if i + 1 < segments.len() => {}
            s => parts.push(s),
        }
    }
    let dir_like = path.is_empty() || path.ends_with('/') || path.ends_with('.');
    let mut out = format!("/{}", parts.join("/"));
    if dir_like && !parts.is_empty() && !out.ends_with('/') {
        out.push('/');
    }
    if path.is_empty() {
        out = page.split(['#', '?']).next().unwrap_or("").to_string();
    }
    format!("{out}{rest}")
}

/// Every internal link of an HTML file: `href`, `src` and meta refresh targets.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "; url="] {
        for part in html.split(attr).skip(1) {
            let link = part.split('"').next().unwrap_or("").replace("&amp;", "&");
            let external = link.contains(':') || link.starts_with("//");
            if !external && !link.is_empty() {
                out.push(link);
            }
        }
    }
    out
}

/// The site path a page file is served at, in the shape of `slash`.
fn page_url(rel: &str, slash: bool) -> String {
    match rel.strip_suffix("index.html") {
        Some(dir) => format!("/docs/{dir}"),
        None if !slash && rel != "404.html" && rel != "errdocs-nav.html" => {
            format!("/docs/{}", rel.strip_suffix(".html").unwrap())
        }
        None => format!("/docs/{rel}"),
    }
}

/// Checks that every URL of the output lands on a file (and id) a static host serves as is.
fn every_url_lands(out: &Path, slash: bool) {
    let mut checked = 0;
    for (rel, bytes) in snapshot(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let page = page_url(&rel, slash);
        for link in links(&String::from_utf8(bytes).unwrap()) {
            let url = join(&page, &link);
            assert!(lands(out, &url), "{rel}: `{link}` ({url}) is not served");
            checked += 1;
        }
    }
    let mut published: Vec<String> = read(&out.join("urls.txt"))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("/docs{l}"))
        .collect();
    let sitemap = read(&out.join("sitemap.xml"));
    published.extend(
        sitemap
            .split("<loc>")
            .skip(1)
            .map(|l| l.split('<').next().unwrap().replace(BASE, "/docs")),
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("errors.json"))).unwrap();
    for code in json["codes"].as_array().unwrap() {
        for key in ["docs", "url", "reference"] {
            published.push(code[key].as_str().unwrap().replace(BASE, "/docs"));
        }
    }
    for url in &published {
        assert!(lands(out, url), "published URL {url} is not served");
    }
    assert!(checked > 100 && published.len() > 20, "{checked}");
}

#[test]
fn each_setting_writes_its_shape_and_every_url_is_served_without_a_redirect() {
    for slash in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let site = site(dir.path(), Some(slash));
        let check = errdocs(&["check", "--root", site.to_str().unwrap()]);
        assert!(check.status.success(), "{}", stderr(&check));
        let out = build(&site);
        let files = [
            "guide/index.html",
            "a/index.html",
            "a/b/index.html",
            "errors/EX-1001/index.html",
        ];
        for file in files {
            let shaped = if slash {
                file.to_string()
            } else {
                file.replace("/index.html", ".html")
            };
            assert!(out.join(&shaped).is_file(), "{slash}: {shaped}");
        }
        assert!(out.join("index.html").is_file() && out.join("404.html").is_file());
        // Aliases: a code's old page has the shape of code pages; an old URL written with a
        // slash stays a directory index.
        let old_code = if slash {
            "errors/EX-1000/index.html"
        } else {
            "errors/EX-1000.html"
        };
        assert!(read(&out.join(old_code)).contains("url=/docs/errors/EX-1002"));
        assert!(out.join("old/key/index.html").is_file());

        let b = read(&out.join(if slash { "a/b/index.html" } else { "a/b.html" }));
        let expected: &[&str] = if slash {
            &[
                "href=\"/docs/guide/#api-keys\"",
                "href=\"../../guide/\"",
                "href=\"../../guide/#api-keys\"",
                "href=\"/docs/errors/EX-1001/\"",
                "href=\"/docs/errors/#EX-1001\"",
                "href=\"../\"",
                "href=\"../../\"",
            ]
        } else {
            &[
                "href=\"/docs/guide#api-keys\"",
                "href=\"../guide\"",
                "href=\"../guide#api-keys\"",
                "href=\"/docs/errors/EX-1001\"",
                "href=\"/docs/errors#EX-1001\"",
                "href=\"../a\"",
                "href=\"../\"",
            ]
        };
        for href in expected {
            assert!(b.contains(href), "{slash}: {href} in\n{b}");
        }
        if !slash {
            // No link of the site names a page with the slash static hosts do not serve.
            for (rel, bytes) in snapshot(&out) {
                let text = String::from_utf8_lossy(&bytes);
                for shape in [
                    "/docs/guide/",
                    "/docs/errors/\"",
                    "/docs/errors/#",
                    "EX-1001/",
                ] {
                    assert!(!text.contains(shape), "{rel} has {shape}");
                }
            }
        }
        every_url_lands(&out, slash);

        // The generated code prints the same docs URLs.
        let ts = errdocs(&["export", "typescript", "--root", site.to_str().unwrap()]);
        assert!(ts.status.success(), "{}", stderr(&ts));
        let ts = String::from_utf8(ts.stdout).unwrap();
        let docs = if slash {
            "docsUrl: \"https://example.com/docs/guide/#api-keys\""
        } else {
            "docsUrl: \"https://example.com/docs/guide#api-keys\""
        };
        assert!(ts.contains(docs), "{ts}");
    }
}

#[test]
fn the_default_is_a_trailing_slash_and_writes_the_same_bytes_as_true() {
    let dir = tempfile::tempdir().unwrap();
    let default = build(&site(&dir.path().join("default"), None));
    let explicit = build(&site(&dir.path().join("true"), Some(true)));
    let (default, explicit) = (snapshot(&default), snapshot(&explicit));
    assert!(default.contains_key("errors/EX-1001/index.html"));
    assert_eq!(
        default.keys().collect::<Vec<_>>(),
        explicit.keys().collect::<Vec<_>>()
    );
    for (rel, bytes) in &default {
        assert!(explicit[rel] == *bytes, "{rel} differs");
    }
}

#[test]
fn a_template_link_in_the_other_shape_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path(), Some(false));
    write_files(
        &site,
        &[(
            "templates/head_extra.html",
            "<link rel=\"help\" href=\"{{ site.base_path }}guide/\">\n",
        )],
    );
    let out = errdocs(&["check", "--root", site.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("/docs/guide/"), "{err}");
    assert!(err.contains("did you mean `/guide`"), "{err}");
    // Written as the page is, it passes.
    write_files(
        &site,
        &[(
            "templates/head_extra.html",
            "<link rel=\"help\" href=\"{{ site.base_path }}guide\">\n",
        )],
    );
    let out = errdocs(&["check", "--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_setting_that_is_not_a_boolean_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let config = read(&site.join("errdocs.toml"));
    std::fs::write(
        site.join("errdocs.toml"),
        format!("trailing_slash = \"no\"\n{config}"),
    )
    .unwrap();
    let out = errdocs(&["check", "--root", site.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("errdocs.toml:1"), "{err}");
    assert!(err.contains("trailing_slash"), "{err}");
}

fn check_against(site: &Path, old: &Path) -> (bool, String) {
    let out = errdocs(&[
        "check",
        "--root",
        site.to_str().unwrap(),
        "--against",
        old.to_str().unwrap(),
    ]);
    (out.status.success(), stderr(&out))
}

fn set_slash(site: &Path, slash: bool) {
    let config = read(&site.join("errdocs.toml"));
    let config = config.replacen(
        &format!("trailing_slash = {}", !slash),
        &format!("trailing_slash = {slash}"),
        1,
    );
    std::fs::write(site.join("errdocs.toml"), config).unwrap();
}

#[test]
fn check_against_reports_every_url_whose_shape_a_flip_changed() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path(), Some(true));
    let v1 = build(&site);
    let releases = dir.path().join("v1");
    std::fs::create_dir(&releases).unwrap();
    for file in ["urls.txt", "errors.json"] {
        std::fs::copy(v1.join(file), releases.join(file)).unwrap();
    }
    // Unchanged, it passes.
    let (ok, err) = check_against(&site, &releases.join("urls.txt"));
    assert!(ok, "{err}");

    // Links in the content of `a/b.md` are written for `/a/b/`; rewrite them for `/a/b`.
    set_slash(&site, false);
    let b = read(&site.join("content/a/b.md")).replace("../../", "../");
    std::fs::write(site.join("content/a/b.md"), b).unwrap();
    let (ok, err) = check_against(&site, &releases.join("urls.txt"));
    assert!(!ok);
    assert!(
        err.contains(
            "error: `/guide/` was published before and no longer resolves: it is now `/guide` \
             (`trailing_slash = false` changed the shape of page URLs)"
        ),
        "{err}"
    );
    assert!(
        err.contains("it is now `/errors#EX-1001`"),
        "anchors too: {err}"
    );
    assert!(
        err.contains("GitHub Pages and S3 answer `/errors/EX-1001/` with a 404"),
        "{err}"
    );
    assert!(
        err.contains(
            "keep the old URL working with `aliases = [\"/errors/EX-1001/\"]` on code `EX-1001`"
        ),
        "{err}"
    );
    assert!(err.contains("urls.txt:"), "at its line: {err}");
    let (ok, err) = check_against(&site, &releases.join("errors.json"));
    assert!(!ok);
    assert!(
        err.contains("`/errors/EX-1001/` was published before and no longer resolves: it is now `/errors/EX-1001`"),
        "{err}"
    );
    assert!(err.contains("errors.json:"), "{err}");

    // The other way: links published without the slash now rely on the host's redirect.
    let v2 = build(&site);
    std::fs::copy(v2.join("urls.txt"), releases.join("urls-v2.txt")).unwrap();
    set_slash(&site, true);
    let b = read(&site.join("content/a/b.md")).replace("../", "../../");
    std::fs::write(site.join("content/a/b.md"), b).unwrap();
    let (ok, err) = check_against(&site, &releases.join("urls-v2.txt"));
    assert!(!ok);
    assert!(
        err.contains("`/errors/EX-1001` was published before and no longer resolves: it is now `/errors/EX-1001/` (`trailing_slash = true`"),
        "{err}"
    );
    assert!(
        err.contains("keep `trailing_slash = false` in errdocs.toml"),
        "{err}"
    );
}

#[test]
fn the_dev_server_serves_each_shape_under_the_base_path() {
    for slash in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let site = site(dir.path(), Some(slash));
        let (_serve, port) = start_serve(&site, &[]);
        let host = format!("localhost:{port}");
        let fetch = |target: &str| get(port, target, Some(&host));
        let out = site.join("public");
        for (rel, bytes) in snapshot(&out) {
            if !rel.ends_with(".html") || rel == "errdocs-nav.html" {
                continue;
            }
            let url = page_url(&rel, slash);
            let r = fetch(&url);
            assert_eq!(r.status, "HTTP/1.1 200 OK", "{slash}: {url}");
            let title = String::from_utf8_lossy(&bytes);
            let title = title.split("<title>").nth(1).unwrap().split('<').next();
            assert!(r.text().contains(title.unwrap()), "{url}");
            assert!(r.text().contains("/__errdocs/livereload.js"), "{url}");
        }
        let page = |p: &str| fetch(p).status;
        if slash {
            assert_eq!(page("/docs/guide/"), "HTTP/1.1 200 OK");
            assert_eq!(page("/docs/errors/EX-1001/"), "HTTP/1.1 200 OK");
        } else {
            assert_eq!(page("/docs/guide"), "HTTP/1.1 200 OK");
            assert_eq!(page("/docs/guide.html"), "HTTP/1.1 200 OK");
            // The other shape leads to the page, so relative links resolve as published.
            for (from, to) in [
                ("/docs/guide/", "/docs/guide"),
                ("/docs/errors/EX-1001/?q=1", "/docs/errors/EX-1001?q=1"),
            ] {
                let r = fetch(from);
                assert_eq!(r.status, "HTTP/1.1 302 Found", "{from}");
                assert_eq!(r.header("Location").as_deref(), Some(to), "{from}");
            }
            assert_eq!(page("/docs/nothing/"), "HTTP/1.1 404 Not Found");
        }
        assert_eq!(page("/docs/no/such/page"), "HTTP/1.1 404 Not Found");
    }
}

#[test]
fn flipping_the_setting_while_serving_rewrites_the_output_in_the_new_shape() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path(), Some(true));
    let (mut serve, port) = start_serve(&site, &[]);
    let host = format!("localhost:{port}");
    let fetch = |target: &str| get(port, target, Some(&host));
    assert_eq!(fetch("/docs/guide/").status, "HTTP/1.1 200 OK");
    let b = read(&site.join("content/a/b.md")).replace("../../", "../");
    live::write_atomic(&site.join("content/a/b.md"), &b);
    let config = read(&site.join("errdocs.toml")).replacen(
        "trailing_slash = true",
        "trailing_slash = false",
        1,
    );
    live::write_atomic(&site.join("errdocs.toml"), &config);
    let deadline = std::time::Instant::now() + live::HANG;
    while fetch("/docs/guide/").status != "HTTP/1.1 302 Found" {
        assert!(
            std::time::Instant::now() < deadline,
            "never switched: {:?}",
            serve.take_available()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = site.join("public");
    assert!(out.join("guide.html").is_file() && !out.join("guide").exists());
    assert!(out.join("errors/EX-1001.html").is_file());
    assert!(!out.join("errors/EX-1001").exists());
    assert_eq!(fetch("/docs/errors/EX-1001").status, "HTTP/1.1 200 OK");
    // What the server wrote is what a build writes.
    let fresh = dir.path().join("fresh");
    build_ok(&site, &fresh);
    assert!(
        snapshot(&out) == snapshot(&fresh),
        "served output differs from a build"
    );
}
