//! The Markdown dialect of pages, through the real binary on real sites: links (email
//! autolinks, queries, relative and `.md` links, raw HTML, comments, schemes), heading ids and
//! attributes, footnotes, code blocks in rustdoc style, smart punctuation, and where mistakes
//! are reported. Each test names the defect of issue 12 it covers.

mod common;
use common::*;
use std::path::PathBuf;

const CATALOG: &str = r#"[[category]]
id = "auth"
title = "Auth"

[[code]]
code = "PG-1001"
category = "auth"
message = "Missing key"
status = 401
fix = "Send a key."
"#;

/// A site in a temporary directory: config (title plus `config`), a small catalog, `pages`.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new(config: &str, pages: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        write_files(
            &root,
            &[
                ("errdocs.toml", &format!("title = \"T\"\n{config}")),
                ("catalog/errors.toml", CATALOG),
            ],
        );
        let pages: Vec<(String, String)> = pages
            .iter()
            .map(|(rel, text)| (rel.to_string(), text.to_string()))
            .collect();
        for (rel, text) in &pages {
            write_files(&root, &[(rel.as_str(), text.as_str())]);
        }
        Site { _dir: dir, root }
    }

    fn write(&self, rel: &str, text: &str) {
        write_files(&self.root, &[(rel, text)]);
    }

    /// Builds; `Ok(())` or `Err(stderr)`.
    fn build(&self) -> Result<(), String> {
        let out = errdocs(&["build", "--root", self.root.to_str().unwrap()]);
        if out.status.success() {
            Ok(())
        } else {
            Err(stderr(&out))
        }
    }

    fn build_ok(&self) {
        if let Err(e) = self.build() {
            panic!("build failed:\n{e}");
        }
    }

    fn build_err(&self) -> String {
        match self.build() {
            Ok(()) => panic!("the build succeeded"),
            Err(e) => e,
        }
    }

    /// The `<article>` of an output page (the rendered Markdown and the page title).
    fn article(&self, rel: &str) -> String {
        let html = read(&self.root.join("public").join(rel));
        let start = html.find("<article").expect("an <article>");
        let end = html.rfind("</article>").expect("an </article>");
        html[start..end].to_string()
    }
}

/// A page file: front matter with `title`, then `body`.
fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}")
}

/// The error blocks of stderr, each from its `error:` line to the next.
fn errors(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("error: ") {
            out.push(String::new());
        }
        if let Some(last) = out.last_mut() {
            last.push_str(line);
            last.push('\n');
        }
    }
    out.retain(|b| !b.starts_with("error: build failed"));
    out
}

/// The error blocks located in a page (a page that fails to render is left out of the link
/// check, so links to it elsewhere break too: those errors are not about the page).
fn page_errors(stderr: &str) -> Vec<String> {
    errors(stderr)
        .into_iter()
        .filter(|b| b.contains("--> content/"))
        .collect()
}

/// The one error block starting with `message` located at `location`, checked to show
/// `snippet`, an underline of `width` carets, and a hint containing `hint` ("" = no hint).
fn assert_error(stderr: &str, message: &str, location: &str, width: usize, hint: &str) {
    let found: Vec<String> = errors(stderr)
        .into_iter()
        .filter(|b| b.starts_with(&format!("error: {message}")))
        .collect();
    let block = found
        .iter()
        .find(|b| b.contains(&format!("--> {location}\n")))
        .unwrap_or_else(|| panic!("no error `{message}` at {location} in:\n{stderr}"));
    let carets = "^".repeat(width);
    assert!(
        block.contains(&format!(" {carets}\n")) || block.contains(&format!(" {carets} ")),
        "expected an underline of {width} in:\n{block}"
    );
    if hint.is_empty() {
        assert!(!block.contains("= hint:"), "unexpected hint in:\n{block}");
    } else {
        assert!(block.contains(hint), "hint {hint:?} missing in:\n{block}");
    }
}

/// Every `href="..."` of an HTML fragment, decoded.
fn hrefs(html: &str) -> Vec<String> {
    html.split(" href=\"")
        .skip(1)
        .map(|s| unescape(&s[..s.find('"').unwrap()]))
        .filter(|h| !h.starts_with("#") || !h.is_empty())
        .collect()
}

/// The hrefs of the page's content links (self-links of headings left out).
fn content_hrefs(article: &str) -> Vec<String> {
    hrefs(&without_self_links(article))
}

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

/// Defect: `<support@example.com>` was treated as a site path (a broken-link error, or
/// `mailto:/p/support@...` when a file was there).
#[test]
fn an_email_autolink_is_a_mailto_link() {
    let site = Site::new(
        "",
        &[(
            "content/help.md",
            &page("Help", "Write to <support@example.com>.\n"),
        )],
    );
    site.build_ok();
    let html = site.article("help/index.html");
    assert_eq!(content_hrefs(&html), vec!["mailto:support@example.com"]);
}

/// Defect: query strings were dropped from internal links (`/p?q=retry#top` became
/// `/p/#top`, `?page=2` became `/p/`).
#[test]
fn query_strings_of_internal_links_are_kept() {
    let site = Site::new(
        "",
        &[
            ("content/p.md", &page("P", "## Top\n\nText.\n")),
            (
                "content/q.md",
                &page("Q", "[s](/p?q=retry#top) [2](?page=2) [3](p.md?x=1#top)\n"),
            ),
        ],
    );
    site.build_ok();
    let html = site.article("q/index.html");
    assert_eq!(
        content_hrefs(&html),
        vec!["/p/?q=retry#top", "?page=2", "../p/?x=1#top"]
    );
    // A query does not hide a broken anchor.
    site.write("content/q.md", &page("Q", "[s](/p?q=retry#bottom)\n"));
    let err = site.build_err();
    assert_error(
        &err,
        "broken link `/p?q=retry#bottom`: page `/p/` has no anchor `#bottom`",
        "content/q.md:4:1",
        22,
        "",
    );
}

/// Decision (README, "Links"): relative links stay relative, `.md` links to pages become
/// relative links to the page, site paths get the base path; the 404 page, served at any
/// URL, gets site-absolute links.
#[test]
fn relative_links_stay_relative_and_site_paths_get_the_base_path() {
    let site = Site::new(
        "base_url = \"https://example.com/docs/\"\n",
        &[
            ("content/guide.md", &page("Guide", "## Keys\n\nText.\n")),
            (
                "content/a/b.md",
                &page(
                    "B",
                    "[1](../../guide#keys) [2](../../guide/) [3](../guide.md#keys) \
                     [4](/guide#keys) [5](#local) [6](https://example.com/docs/guide#keys) \
                     [7](../../logo.svg)\n\n## Local\n",
                ),
            ),
            (
                "content/404.md",
                &page("Not found", "[home](index.md) [guide](guide) [b](a/b.md)\n"),
            ),
            ("content/index.md", &page("Home", "Hi.\n")),
        ],
    );
    site.write("static/logo.svg", "<svg/>");
    site.build_ok();
    assert_eq!(
        content_hrefs(&site.article("a/b/index.html")),
        vec![
            "../../guide/#keys",
            "../../guide/",
            "../../guide/#keys",
            "/docs/guide/#keys",
            "#local",
            "/docs/guide/#keys",
            "../../logo.svg",
        ]
    );
    assert_eq!(
        content_hrefs(&site.article("404.html")),
        vec!["/docs/", "/docs/guide/", "/docs/a/b/"]
    );
}

/// Defect: a link ending in `.md` was always taken for a page, so a Markdown file that is not
/// a page (a static `notes/changes.md`) could not be linked.
#[test]
fn a_md_link_that_is_not_a_page_links_the_file() {
    let site = Site::new(
        "",
        &[
            ("content/guide.md", &page("Guide", "Text.\n")),
            (
                "content/index.md",
                &page(
                    "Home",
                    "[g](guide.md) [c](notes/changes.md) [d](/notes/changes.md)\n",
                ),
            ),
        ],
    );
    site.write("static/notes/changes.md", "# Changes\n");
    site.build_ok();
    assert_eq!(
        content_hrefs(&site.article("index.html")),
        vec!["guide/", "notes/changes.md", "/notes/changes.md"]
    );
    site.write("content/index.md", &page("Home", "[x](gone.md)\n"));
    let err = site.build_err();
    assert_error(
        &err,
        "broken link `gone.md`: no page or file `/gone.md` in this site",
        "content/index.md:4:1",
        12,
        "",
    );
}

/// Defect: links inside HTML comments were checked and failed the build.
#[test]
fn links_inside_html_comments_are_not_links() {
    let body = "<!-- <a href=\"/old\">x</a> -->\n\n\
                Text <!-- [y](/gone) <a href=\"/older\">y</a> --> more.\n\n\
                <!--\n<img src=\"/nope.png\">\n-->\n\n\
                <div>\n<!-- <a href=\"/also-gone\"> --><a href=\"/guide/\">g</a>\n</div>\n";
    let site = Site::new(
        "",
        &[
            ("content/guide.md", &page("Guide", "Text.\n")),
            ("content/index.md", &page("Home", body)),
        ],
    );
    site.build_ok();
    let html = site.article("index.html");
    assert!(html.contains("<!-- <a href=\"/old\">x</a> -->"), "{html}");
}

/// Defect: a broken link whose URL gets percent-encoded was reported twice (once without a
/// line).
#[test]
fn a_broken_percent_encoded_link_is_reported_once_at_its_line() {
    let site = Site::new(
        "",
        &[(
            "content/index.md",
            &page("Home", "Intro.\n\nSee [x](/guïde#a) or [y](</no such>).\n"),
        )],
    );
    let err = site.build_err();
    let broken: Vec<String> = errors(&err)
        .into_iter()
        .filter(|b| b.starts_with("error: broken link"))
        .collect();
    assert_eq!(broken.len(), 2, "{err}");
    assert_error(
        &err,
        "broken link `/guïde#a`: no page or file `/guïde` in this site",
        "content/index.md:6:5",
        13,
        "",
    );
    assert_error(
        &err,
        "broken link `/no such`: no page or file `/no such` in this site",
        "content/index.md:6:22",
        15,
        "",
    );
}

/// Defect: link errors always pointed at column 1.
#[test]
fn a_broken_link_is_reported_at_its_column() {
    let site = Site::new(
        "",
        &[
            ("content/guide.md", &page("Guide", "## Keys\n")),
            (
                "content/index.md",
                &page(
                    "Home",
                    "Para.\n\n- item [a](/nope) and ![i](/img.png \"t\")\n\n\
                     > quoted [r][ref] text\n\n[ref]: guide.md#kyes\n",
                ),
            ),
        ],
    );
    let err = site.build_err();
    assert_error(&err, "broken link `/nope`", "content/index.md:6:8", 10, "");
    assert_error(
        &err,
        "broken link `/img.png`",
        "content/index.md:6:23",
        18,
        "",
    );
    assert_error(
        &err,
        "broken link `guide.md#kyes`: page `/guide/` has no anchor `#kyes`",
        "content/index.md:8:10",
        8,
        "did you mean `/guide/#keys`?",
    );
}

/// Links in raw HTML follow the rules of Markdown links: checked at their line and column,
/// site paths get the base path.
#[test]
fn links_in_raw_html_are_checked_and_rewritten_like_markdown_links() {
    let site = Site::new(
        "base_url = \"https://example.com/docs\"\n",
        &[
            ("content/guide.md", &page("Guide", "## Keys\n")),
            (
                "content/index.md",
                &page(
                    "Home",
                    "<p>See <a class=\"x\" href=\"/guide#keys\">g</a> \
                     <img src='logo.svg' alt=''></p>\n",
                ),
            ),
        ],
    );
    site.write("static/logo.svg", "<svg/>");
    site.build_ok();
    let html = site.article("index.html");
    assert!(
        html.contains(
            "<a class=\"x\" href=\"/docs/guide/#keys\">g</a> <img src='logo.svg' alt=''>"
        ),
        "{html}"
    );
    site.write(
        "content/index.md",
        &page(
            "Home",
            "Text.\n\n<div><a href=\"/guide#kyes\">g</a></div>\n",
        ),
    );
    let err = site.build_err();
    assert_error(
        &err,
        "broken link `/guide#kyes`: page `/guide/` has no anchor `#kyes`",
        "content/index.md:6:15",
        11,
        "did you mean `/guide/#keys`?",
    );
    assert_eq!(errors(&err).len(), 1, "{err}");
}

/// Security: links may use only site paths, relative URLs, `https:`, `http:`, `mailto:` and
/// `tel:`; any other scheme is an error at its line and column, with a hint.
#[test]
fn links_with_other_schemes_are_errors_at_their_column() {
    let body = "[ok](https://x.org) [m](mailto:a@b.org) [t](tel:+15551234) [h](HTTP://x.org)\n\n\
                [a](javascript:alert(1)) <javascript:alert(2)>\n\n\
                ![i](data:image/png;base64,AAAA)\n\n\
                <a href=\"vbscript:msgbox\">v</a> <a href=\"&#106;avascript:x\">e</a>\n\n\
                <img src=\"java&#9;script:x\"> <a href=\"  JavaScript:x\">w</a>\n\n\
                [f](file:///etc/passwd)\n";
    let site = Site::new("", &[("content/index.md", &page("Home", body))]);
    let err = site.build_err();
    let hint = "links may be site paths, relative URLs, `https:`, `http:`, `mailto:` or `tel:`";
    for (href, scheme, location, width) in [
        (
            "javascript:alert(1)",
            "javascript",
            "content/index.md:6:1",
            24,
        ),
        (
            "javascript:alert(2)",
            "javascript",
            "content/index.md:6:26",
            21,
        ),
        (
            "data:image/png;base64,AAAA",
            "data",
            "content/index.md:8:1",
            32,
        ),
        ("vbscript:msgbox", "vbscript", "content/index.md:10:10", 15),
        (
            "&#106;avascript:x",
            "javascript",
            "content/index.md:10:42",
            17,
        ),
        (
            "java&#9;script:x",
            "javascript",
            "content/index.md:12:11",
            16,
        ),
        ("  JavaScript:x", "javascript", "content/index.md:12:39", 14),
        ("file:///etc/passwd", "file", "content/index.md:14:1", 23),
    ] {
        assert_error(
            &err,
            &format!("link `{href}` uses the scheme `{scheme}:`, which is not allowed"),
            location,
            width,
            hint,
        );
    }
    assert_eq!(page_errors(&err).len(), 8, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Heading ids, attributes, footnotes
// ---------------------------------------------------------------------------------------------

/// The id attribute of each `<hN>` of a fragment, in order.
fn heading_ids(html: &str) -> Vec<String> {
    (1..=6)
        .flat_map(|n| elements(html, &format!("h{n}")))
        .filter_map(|(id, _)| id)
        .collect()
}

/// Defect: an explicit heading id was silently renamed (`## Intro` then
/// `## Overview {#intro}` gave the second `intro-1`), and `[x](#intro)` landed on the wrong
/// heading. An explicit id never changes; the generated one yields.
#[test]
fn an_explicit_heading_id_is_never_renamed() {
    let site = Site::new(
        "",
        &[(
            "content/index.md",
            &page(
                "Home",
                "## Intro\n\n## Overview {#intro}\n\n## Intro\n\n[x](#intro)\n",
            ),
        )],
    );
    site.build_ok();
    let html = site.article("index.html");
    assert!(
        html.contains("<h2 id=\"intro\">Overview"),
        "the explicit id stays: {html}"
    );
    let ids = heading_ids(&html);
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&"intro-1".to_string()) && ids.contains(&"intro-2".to_string()));
}

/// Two equal explicit ids on a page are an error at their lines; so is an explicit id that a
/// directive already writes (a category's section).
#[test]
fn equal_explicit_ids_are_an_error_at_their_lines() {
    let site = Site::new(
        "",
        &[(
            "content/index.md",
            &page(
                "Home",
                "## One {#same}\n\n## Two {#same}\n\n```errdocs\ncategory auth\n```\n\n\
                 ## Three {#auth}\n",
            ),
        )],
    );
    let err = site.build_err();
    assert_error(
        &err,
        "duplicate heading id `same`",
        "content/index.md:6:1",
        14,
        "content/index.md:4:1",
    );
    assert!(err.contains("::: content/index.md:4:1"), "{err}");
    assert_error(
        &err,
        "duplicate anchor on this page `auth`",
        "content/index.md:12:1",
        16,
        "content/index.md:8:1",
    );
    assert_eq!(page_errors(&err).len(), 2, "{err}");
}

/// Defect: a footnote label equal to a heading slug (`## Notes` and `[^notes]`) failed the
/// build with no line.
#[test]
fn a_footnote_label_equal_to_a_heading_slug_builds() {
    let site = Site::new(
        "",
        &[(
            "content/index.md",
            &page(
                "Home",
                "## Notes\n\nText[^notes] and[^2].\n\n[^notes]: The note.\n\n[^2]: Two.\n\n\
                 [n](#notes) [f](#fn-notes)\n",
            ),
        )],
    );
    site.build_ok();
    let html = site.article("index.html");
    assert!(html.contains("<h2 id=\"notes\">Notes"), "{html}");
    assert!(
        html.contains("<sup class=\"footnote-reference\"><a href=\"#fn-notes\">1</a></sup>"),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"footnote-definition\" id=\"fn-notes\">"),
        "{html}"
    );
    assert!(html.contains("id=\"fn-2\""), "{html}");
}

/// Defect: custom heading attributes lost everything but the id and classes.
#[test]
fn custom_heading_attributes_are_kept() {
    let site = Site::new(
        "",
        &[(
            "content/index.md",
            &page(
                "Home",
                "## Title {#t .wide data-level=2 data-flag}\n\n## Other {.a .b}\n",
            ),
        )],
    );
    site.build_ok();
    let html = site.article("index.html");
    assert!(
        html.contains("<h2 id=\"t\" class=\"wide\" data-level=\"2\" data-flag=\"\">Title"),
        "{html}"
    );
    assert!(
        html.contains("<h2 id=\"other\" class=\"a b\">Other"),
        "{html}"
    );
}

// ---------------------------------------------------------------------------------------------
// Code blocks
// ---------------------------------------------------------------------------------------------

/// The `<code ...>` elements of `<pre class="code">` blocks: (class, inner HTML).
fn code_blocks(html: &str) -> Vec<(String, String)> {
    html.split("<pre class=\"code\"><code")
        .skip(1)
        .map(|rest| {
            let open_end = rest.find('>').unwrap();
            let class = rest[..open_end]
                .split("class=\"")
                .nth(1)
                .map(|c| c[..c.find('"').unwrap()].to_string())
                .unwrap_or_default();
            let inner = &rest[open_end + 1..rest.find("</code></pre>").unwrap()];
            (class, inner.to_string())
        })
        .collect()
}

/// Defect: rustdoc-style info strings (`rust,ignore`, `compile_fail,E0308`, `should_panic`)
/// were not highlighted: the language was the whole first word.
#[test]
fn rustdoc_info_strings_are_highlighted_as_rust() {
    let fence = |info: &str| format!("```{info}\nfn main() {{ let x: i32 = 1; }}\n```\n\n");
    let body: String = [
        "rust,ignore",
        "compile_fail,E0308",
        "should_panic",
        "no_run",
        "edition2021",
        "ignore (needs a network)",
        "rust",
        "python,hl_lines=1",
        "",
    ]
    .iter()
    .map(|i| fence(i))
    .collect();
    let site = Site::new("", &[("content/index.md", &page("Home", &body))]);
    site.build_ok();
    let blocks = code_blocks(&site.article("index.html"));
    assert_eq!(blocks.len(), 9);
    for (class, inner) in &blocks[..7] {
        assert_eq!(class, "language-rust");
        assert!(inner.contains("hl-source hl-rust"), "{inner}");
        assert!(inner.contains("hl-storage hl-type hl-function"), "{inner}");
    }
    assert_eq!(blocks[7].0, "language-python");
    assert!(blocks[7].1.contains("hl-source hl-python"));
    assert_eq!(blocks[8].0, "");
    assert!(!blocks[8].1.contains("hl-"), "no language: plain");
}

/// Hidden lines of Rust blocks, as mdBook and rustdoc: a line `# ...` or `#` (after
/// indentation) is left out, `##` shows as `#`; `#[attr]` and `#!` stay. Other languages keep
/// their `#` lines.
#[test]
fn hidden_lines_of_rust_blocks_are_left_out() {
    let code = "# #![allow(unused)]\n#[derive(Debug)]\nstruct A;\n#\n    # fn hidden() {}\n\
                ##[not_hidden]\n#![feature(x)]\n#notspace\nfn main() {}\n";
    let body = format!(
        "```compile_fail,E0308\n{code}```\n\n```python\n# a comment\nx = 1\n```\n\n\
         ```\n# plain\n```\n"
    );
    let site = Site::new("", &[("content/index.md", &page("Home", &body))]);
    site.build_ok();
    let blocks = code_blocks(&site.article("index.html"));
    assert_eq!(
        text(&blocks[0].1),
        "#[derive(Debug)]\nstruct A;\n#[not_hidden]\n#![feature(x)]\n#notspace\nfn main() {}\n"
    );
    assert_eq!(text(&blocks[1].1), "# a comment\nx = 1\n");
    assert_eq!(text(&blocks[2].1), "# plain\n");
}

/// `[markdown] default_code_language`: the language of blocks that name none (rustdoc's
/// convention is Rust); hidden lines follow that language.
#[test]
fn blocks_without_a_language_take_the_default_code_language() {
    let body = "```\n# fn main() {\nlet x = 1;\n# }\n```\n\n    let y = 2;\n\n```text\n# t\n```\n";
    let site = Site::new(
        "[markdown]\ndefault_code_language = \"rust\"\n",
        &[("content/index.md", &page("Home", body))],
    );
    site.build_ok();
    let blocks = code_blocks(&site.article("index.html"));
    assert_eq!(blocks[0].0, "language-rust");
    assert_eq!(text(&blocks[0].1), "let x = 1;\n");
    assert!(blocks[0].1.contains("hl-source hl-rust"));
    assert_eq!(blocks[1].0, "language-rust");
    assert_eq!(blocks[2].0, "language-text");
    assert_eq!(text(&blocks[2].1), "# t\n");
}

// ---------------------------------------------------------------------------------------------
// Smart punctuation and the [markdown] table
// ---------------------------------------------------------------------------------------------

/// Defect: smart punctuation was on and undocumented. It is a site option, off by default.
#[test]
fn smart_punctuation_is_an_option_off_by_default() {
    let body = "He said \"use --force\" -- it's done...\n";
    let site = Site::new("", &[("content/index.md", &page("Home", body))]);
    site.build_ok();
    let html = site.article("index.html");
    assert!(
        html.contains("<p>He said \"use --force\" -- it's done...</p>"),
        "{html}"
    );
    site.write(
        "errdocs.toml",
        "title = \"T\"\n[markdown]\nsmart_punctuation = true\n",
    );
    site.build_ok();
    let html = site.article("index.html");
    assert!(
        html.contains("<p>He said “use –force” – it’s done…</p>"),
        "{html}"
    );
    site.write(
        "errdocs.toml",
        "title = \"T\"\n[markdown]\nsmart_punctuaton = true\n",
    );
    let err = site.build_err();
    assert_error(
        &err,
        "unknown key `smart_punctuaton` in `markdown`",
        "errdocs.toml:3:1",
        16,
        "did you mean `smart_punctuation`?",
    );
}

// ---------------------------------------------------------------------------------------------
// Directives
// ---------------------------------------------------------------------------------------------

/// Defect: directive errors pointed at column 1 and only the first bad option of a line was
/// reported.
#[test]
fn every_bad_option_of_a_directive_is_reported_at_its_column() {
    let body = "Intro.\n\n- list\n\n  ```errdocs\n  category auth levl=2 heading=maybe level=9 headng=false\n  category nope\n  envelope x extra\n  ```\n";
    let site = Site::new("", &[("content/index.md", &page("Home", body))]);
    let err = site.build_err();
    assert_error(
        &err,
        "directive `category`: unknown option `levl`",
        "content/index.md:9:17",
        6,
        "did you mean `level`?",
    );
    assert_error(
        &err,
        "directive `category`: `heading` must be `true` or `false`, not `maybe`",
        "content/index.md:9:24",
        13,
        "",
    );
    assert_error(
        &err,
        "directive `category`: `level` must be 1 to 6, not `9`",
        "content/index.md:9:38",
        7,
        "",
    );
    assert_error(
        &err,
        "directive `category`: unknown option `headng`",
        "content/index.md:9:46",
        12,
        "did you mean `heading`?",
    );
    assert_error(
        &err,
        "unknown category `nope`",
        "content/index.md:10:12",
        4,
        "no category with this name",
    );
    assert_error(
        &err,
        "directive `envelope`: unexpected argument `extra`",
        "content/index.md:11:14",
        5,
        "options are written `key=value`",
    );
    assert_error(
        &err,
        "unknown envelope `x`",
        "content/index.md:11:12",
        1,
        "no envelope with this name",
    );
    assert_eq!(errors(&err).len(), 7, "{err}");
}

/// A link with a refused scheme in catalog text is an error where it was written (the
/// renderer would show it as its text only, never as a link: unit test in
/// `content::markdown`); `mailto:` is allowed.
#[test]
fn catalog_text_never_links_a_refused_scheme() {
    let site = Site::new(
        "",
        &[(
            "content/index.md",
            &page("Home", "```errdocs\ncategory auth\n```\n"),
        )],
    );
    site.write(
        "catalog/errors.toml",
        &CATALOG.replace(
            "fix = \"Send a key.\"",
            "fix = \"Send [a key](javascript:alert(1)) or mail <help@example.com>.\"",
        ),
    );
    let err = site.build_err();
    assert_eq!(errors(&err).len(), 1, "{err}");
    assert!(
        err.contains(
            "error: link `javascript:alert(1)` uses the scheme `javascript:`, which is not allowed"
        ),
        "{err}"
    );
    site.write(
        "catalog/errors.toml",
        &CATALOG.replace(
            "fix = \"Send a key.\"",
            "fix = \"Send a key or mail <help@example.com>.\"",
        ),
    );
    site.build_ok();
    let html = site.article("index.html");
    assert!(html.contains("href=\"mailto:help@example.com\""), "{html}");
}
