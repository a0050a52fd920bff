//! CommonMark and GFM conformance of rendered pages.
//!
//! Every example of the CommonMark spec 0.31.2 (`tests/fixtures/commonmark/spec.txt`, 652
//! examples) and every *extension* example of the GFM spec 0.29-gfm
//! (`tests/fixtures/gfm/extensions.json`, 28 examples: tables, task list items,
//! strikethrough, extended autolinks, disallowed raw HTML) becomes one page of a real errdocs
//! site, `content/N/index.md` (URL `/N/`; `content/404.md` would be the 404 page) holding
//!
//! ```text
//! +++
//! title = "ex N"
//! +++
//! <the example's Markdown>
//! ```
//!
//! The site (one per suite and per Markdown setting, see [`SETTINGS`]) is built by the real
//! binary, and the page body, what the default theme's `page.html` prints as
//! `{{ page.content }}` between `<h1>ex N</h1>` and `</article>`, is compared with the spec's
//! HTML after the normalization below.
//!
//! # Links
//!
//! errdocs fails a build on a broken internal link, and the spec's links (`/url`, `foo`,
//! `#fragment`) point nowhere. The test does not change what is rendered to make them resolve;
//! it adds *targets* to the site. (errdocs writes relative links as written and site paths with
//! the base path, here `/`, so the spec's hrefs are compared as they are; README, "Links".) It builds, reads the broken-link errors, and
//! for each one adds what was missing, then builds again (a few rounds at most):
//!
//! * no page or file `/P` (no trailing slash): an empty file `static/P`, so the link resolves
//!   to a static file and its href is not changed by the resolver (a page `/P/` would make errdocs
//!   rewrite `/P` to `/P/`);
//! * no page or file `/P/`: a page `content/P/index.md`;
//! * page `/N/` has no anchor `#a`: the page gets a template of its own
//!   (`templates/anchors-N.html`, `{% extends "page.html" %}`) that appends
//!   `<div hidden><span id="a"></span></div>` *after* the default `content` block, outside
//!   the page body that is compared.
//!
//! Any other build error attributed to `content/N/index.md` takes example `N` out of the site; it
//! then counts as a failure (with the error as its diff) unless it is explained.
//!
//! # Normalization (the exact rules)
//!
//! On errdocs' side only, two documented features of its rendering are undone:
//!
//! 1. **Heading ids and self-links** (README, "Heading ids"): in
//!    `<hN id="X"…>…<a class="self-link" href="#X" aria-label="Link to this section">#</a></hN>`
//!    the self-link is removed and the ` id="X"` attribute of that same heading is removed.
//!    Nothing else is touched: a heading without the self-link keeps its attributes.
//! 2. **Code blocks** (README, fenced code is highlighted by syntect):
//!    `<pre class="code"><code…>` becomes `<pre><code…>`, and between it and the next
//!    `</code></pre>` every `<span class="…">` and `</span>` tag (syntect's highlighting) is
//!    removed. What remains is the text of the block, compared character for character
//!    (after rule 3). The `class="language-x"` of `<code>` is kept and compared.
//!
//! On both sides:
//!
//! 3. **Quotes**: `&#34;` and `&#x22;` are written `&quot;`, and so is a `"` in text (outside
//!    tags; pulldown-cmark does not escape it, the spec does); `&#39;` and `&#x27;` are written
//!    `'` (errdocs escapes `'` in code blocks). In HTML text these are the same character, and
//!    in an attribute value quoted with `"` a literal `"` cannot occur. No other character
//!    reference is decoded or re-encoded.
//! 4. **White space between block tags**: a text node made only of spaces, tabs and newlines
//!    that lies between two tags (`>…<`) is removed when one of the two tags opens or closes
//!    a block element (`p`, `li`, `ul`, `ol`, `blockquote`, `pre`, `h1`–`h6`, `hr`, `table`,
//!    `thead`, `tbody`, `tr`, `th`, `td`, `div`, … see [`BLOCK_TAGS`]). Browsers do not render
//!    such white space. The spec puts a newline after each block tag; pulldown-cmark writes
//!    tables without them, and errdocs' own headings and code blocks (raw HTML events) lose
//!    the newline pulldown-cmark puts before a block in a list item (`<li><pre>` for
//!    `<li>\n<pre>`). White space inside text, inside inline elements and inside
//!    `<pre><code>…</code></pre>` (between `<code>` and `</code>`, both inline) is compared.
//!
//! No other normalization is applied: attribute order, self-closing slashes (`<hr />`),
//! character references and all other white space are compared as written.
//!
//! # Explained differences
//!
//! Every example that still differs must be listed in [`COMMONMARK_EXPLAINED`] or
//! [`GFM_EXPLAINED`] with its [`Reason`]s: a deliberate difference of errdocs, a markup choice
//! of pulldown-cmark, or an extension pulldown-cmark does not implement. Reasons that can be
//! checked are checked: for such an entry the test applies that reason's inverse
//! ([`Reason::undo`]) and requires the page to match then, and requires each listed checkable
//! reason to be needed; a build error is explained only by a reason that explains it
//! ([`Reason::explains_build_error`]: a refused scheme, checked against the errors, or an
//! unimplemented extension). The test fails on
//!
//! * an unexplained failure,
//! * a stale entry: a listed example that now matches (remove it from the table),
//! * an explanation that does not explain: after undoing its reasons the page still differs.
//!
//! It prints `passed / explained / failed` counts per suite and setting (always, on stderr)
//! and, with `--nocapture`, the whole classification, the passing examples each normalization
//! rule is needed by, and the link targets the harness added.
//!
//! Data: `tests/fixtures/commonmark/README.md` and `tests/fixtures/gfm/README.md` (sources,
//! versions, licenses).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/// A Markdown configuration of errdocs under which both suites are run.
struct Setting {
    name: &'static str,
    /// Appended to `errdocs.toml`.
    config: &'static str,
    /// Whether smart punctuation is on: entries with [`Reason::SmartPunctuation`] only apply
    /// when it is.
    smart_punctuation: bool,
}

/// The settings both suites run under: `[markdown] smart_punctuation` off (the default) and on.
/// Entries with [`Reason::SmartPunctuation`] apply to the second only; the first must pass them.
const SETTINGS: &[Setting] = &[
    Setting {
        name: "default: smart punctuation off",
        config: "",
        smart_punctuation: false,
    },
    Setting {
        name: "smart punctuation on",
        config: "[markdown]\nsmart_punctuation = true\n",
        smart_punctuation: true,
    },
];

// ---------------------------------------------------------------------------------------------
// Reasons and the tables of explained differences
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    /// Smart punctuation is on (`[markdown] smart_punctuation = true`, pulldown-cmark
    /// `ENABLE_SMART_PUNCTUATION`): `'` and `"` become curly quotes, `--` and `---` dashes,
    /// `...` an ellipsis. Check: in errdocs' output `‘` `’` become `'`, `“` `”` become
    /// `&quot;`, `–` becomes `--`, `—` `---` and `…` `...`.
    SmartPunctuation,
    /// Deliberate: a link whose scheme is not `https`, `http`, `mailto` or `tel` is refused
    /// (README, "Links"; `urls::scheme_allowed`), so the page fails the build. Check: every
    /// error of the example is `link `…` uses the scheme `…:`, which is not allowed`.
    RefusedScheme,
    /// pulldown-cmark writes a table column's alignment as `style="text-align: X"` where the
    /// spec writes `align="X"`. Check: the first becomes the second in errdocs' output.
    TableAlignStyle,
    /// pulldown-cmark writes an empty `<tbody></tbody>` for a table without body rows, where
    /// the spec writes none. Check: `<tbody></tbody>` is removed from errdocs' output.
    EmptyTableBody,
    /// pulldown-cmark writes a task list checkbox as `<input disabled="" type="checkbox"/>`
    /// (`checked=""` last) and a newline, where the spec writes `<input disabled=""
    /// type="checkbox">` (`checked=""` first) and a space: the same element, attributes
    /// reordered. Check: errdocs' form becomes the spec's.
    TaskListMarkup,
    /// Not implemented by pulldown-cmark or not enabled by errdocs. Not checked.
    NotImplemented(&'static str),
}

impl Reason {
    fn describe(self) -> String {
        match self {
            Reason::SmartPunctuation => "smart punctuation is on".into(),
            Reason::RefusedScheme => "link scheme refused (deliberate)".into(),
            Reason::TableAlignStyle => "pulldown-cmark: alignment as style=text-align".into(),
            Reason::EmptyTableBody => "pulldown-cmark: empty <tbody></tbody>".into(),
            Reason::TaskListMarkup => "pulldown-cmark: checkbox attribute order".into(),
            Reason::NotImplemented(what) => format!("not implemented: {what}"),
        }
    }

    /// Whether [`Reason::undo`] checks this reason on a rendered page.
    fn checkable(self) -> bool {
        !matches!(self, Reason::NotImplemented(_) | Reason::RefusedScheme)
    }

    /// Whether this reason explains a build error: an unchecked reason explains any; a refused
    /// scheme explains errors that are all refused schemes.
    fn explains_build_error(self, error: &str) -> bool {
        match self {
            Reason::NotImplemented(_) => true,
            Reason::RefusedScheme => {
                let errors: Vec<&str> =
                    error.lines().filter(|l| l.starts_with("error: ")).collect();
                !errors.is_empty()
                    && errors.iter().all(|e| {
                        e.starts_with("error: link `") && e.ends_with(":`, which is not allowed")
                    })
            }
            _ => false,
        }
    }

    /// Undoes this difference on (errdocs' body, the spec's body).
    fn undo(self, actual: &str, expected: &str) -> (String, String) {
        let (a, e) = (actual.to_string(), expected.to_string());
        match self {
            Reason::SmartPunctuation => (
                a.replace(['‘', '’'], "'")
                    .replace(['“', '”'], "&quot;")
                    .replace('–', "--")
                    .replace('—', "---")
                    .replace('…', "..."),
                e,
            ),
            Reason::TableAlignStyle => (
                ["left", "center", "right"].iter().fold(a, |a, x| {
                    a.replace(
                        &format!(" style=\"text-align: {x}\""),
                        &format!(" align=\"{x}\""),
                    )
                }),
                e,
            ),
            Reason::EmptyTableBody => (a.replace("<tbody></tbody>", ""), e),
            Reason::TaskListMarkup => (
                a.replace(
                    "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n",
                    "<input checked=\"\" disabled=\"\" type=\"checkbox\"> ",
                )
                .replace(
                    "<input disabled=\"\" type=\"checkbox\"/>\n",
                    "<input disabled=\"\" type=\"checkbox\"> ",
                ),
                e,
            ),
            Reason::NotImplemented(_) | Reason::RefusedScheme => (a, e),
        }
    }
}

use Reason::*;

const AUTOLINK_EXT: Reason = NotImplemented("GFM extended autolinks (pulldown-cmark has none)");
const TAGFILTER: Reason =
    NotImplemented("GFM disallowed raw HTML (pulldown-cmark has no tagfilter)");

/// CommonMark 0.31.2 examples that differ, with why. Sorted by example number.
const COMMONMARK_EXPLAINED: &[(u32, &[Reason])] = &[
    (14, &[SmartPunctuation]),
    (46, &[SmartPunctuation]),
    (55, &[SmartPunctuation]),
    (87, &[SmartPunctuation]),
    (91, &[SmartPunctuation]),
    (106, &[SmartPunctuation]),
    (197, &[SmartPunctuation]),
    (209, &[SmartPunctuation]),
    (210, &[SmartPunctuation]),
    (343, &[SmartPunctuation]),
    (352, &[SmartPunctuation]),
    (359, &[SmartPunctuation]),
    (363, &[SmartPunctuation]),
    (380, &[SmartPunctuation]),
    (385, &[SmartPunctuation]),
    (395, &[SmartPunctuation]),
    (508, &[SmartPunctuation]),
    (590, &[SmartPunctuation]),
    (596, &[RefusedScheme]),
    (598, &[RefusedScheme]),
    (599, &[RefusedScheme]),
    (601, &[RefusedScheme]),
    (619, &[SmartPunctuation]),
    (620, &[SmartPunctuation]),
    (622, &[SmartPunctuation]),
    (624, &[SmartPunctuation]),
    (626, &[SmartPunctuation]),
    (632, &[SmartPunctuation]),
    (650, &[SmartPunctuation]),
];

/// GFM 0.29-gfm extension examples that differ, with why. Sorted by example number.
const GFM_EXPLAINED: &[(u32, &[Reason])] = &[
    (199, &[TableAlignStyle]),
    (203, &[SmartPunctuation]),
    (205, &[EmptyTableBody]),
    (279, &[TaskListMarkup]),
    (280, &[TaskListMarkup]),
    (622, &[AUTOLINK_EXT]),
    (623, &[AUTOLINK_EXT]),
    (624, &[AUTOLINK_EXT]),
    (625, &[AUTOLINK_EXT]),
    (626, &[AUTOLINK_EXT]),
    (627, &[AUTOLINK_EXT]),
    (628, &[AUTOLINK_EXT]),
    (629, &[AUTOLINK_EXT]),
    (630, &[AUTOLINK_EXT]),
    (631, &[AUTOLINK_EXT, SmartPunctuation]),
    (632, &[AUTOLINK_EXT]),
    (633, &[AUTOLINK_EXT]),
    (634, &[AUTOLINK_EXT]),
    (635, &[AUTOLINK_EXT]),
    (657, &[TAGFILTER]),
];

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn commonmark_0_31_2_examples_render_as_the_spec_says() {
    let examples = commonmark_examples();
    assert_eq!(examples.len(), 652, "CommonMark 0.31.2 has 652 examples");
    run_suite("commonmark 0.31.2", &examples, COMMONMARK_EXPLAINED);
}

#[test]
fn gfm_extension_examples_render_as_the_spec_says() {
    let examples = gfm_examples();
    assert_eq!(examples.len(), 28, "GFM 0.29-gfm has 28 extension examples");
    run_suite("gfm 0.29-gfm extensions", &examples, GFM_EXPLAINED);
}

/// The judging itself: a stale entry, an unneeded or insufficient reason and an unexplained
/// difference all fail; a build error is explained only by a reason that explains it.
#[test]
fn judging_catches_stale_unneeded_and_unexplained_entries() {
    let ex = |html: &str| Example {
        number: 7,
        section: "s".into(),
        markdown: String::new(),
        html: html.into(),
    };
    let page = |body: &str| Ok(body.to_string());
    let spec = ex("<p>&quot;a&quot; <a href=\"b\">c</a></p>\n");
    let same = page("<p>\"a\" <a href=\"b\">c</a></p>\n");
    let smart = page("<p>“a” <a href=\"b\">c</a></p>\n");
    let smart_tbody = page("<tbody></tbody><p>“a” <a href=\"b\">c</a></p>\n");
    let failed = |v: Verdict, what: &str| match v {
        Verdict::Failed(why) => assert!(why.contains(what), "{why}"),
        v => panic!("{v:?}"),
    };
    assert_eq!(judge(&spec, &same, &[]), Verdict::Passed);
    failed(judge(&spec, &same, &[SmartPunctuation]), "STALE");
    failed(judge(&spec, &smart, &[]), "--- spec:");
    assert_eq!(
        judge(&spec, &smart, &[SmartPunctuation]),
        Verdict::Explained
    );
    failed(
        judge(&spec, &smart, &[SmartPunctuation, EmptyTableBody]),
        "not needed",
    );
    failed(
        judge(&spec, &smart_tbody, &[SmartPunctuation]),
        "do not explain",
    );
    assert_eq!(
        judge(&spec, &smart_tbody, &[SmartPunctuation, EmptyTableBody]),
        Verdict::Explained
    );
    let build_error = Err("error: x".to_string());
    failed(
        judge(&spec, &build_error, &[EmptyTableBody]),
        "the build fails",
    );
    failed(
        judge(&spec, &build_error, &[RefusedScheme]),
        "the build fails",
    );
    assert_eq!(
        judge(&spec, &build_error, &[AUTOLINK_EXT]),
        Verdict::Explained
    );
    let refused = Err(
        "error: link `irc://x` uses the scheme `irc:`, which is not allowed\n  --> content/7/index.md:4:1\n"
            .to_string(),
    );
    assert_eq!(judge(&spec, &refused, &[RefusedScheme]), Verdict::Explained);
    failed(judge(&spec, &refused, &[]), "the build fails");
    failed(judge(&spec, &same, &[RefusedScheme]), "the page builds");
    // Heading ids and self-links, highlighted code blocks.
    let heading =
        ex("<h2>A b</h2>\n<pre><code class=\"language-json\">{&quot;a&quot;: 1}\n</code></pre>\n");
    let errdocs = page(
        "<h2 id=\"a-b\">A b<a class=\"self-link\" href=\"#a-b\" aria-label=\"Link to this section\">#</a></h2>\n\
         <pre class=\"code\"><code class=\"language-json\"><span class=\"hl-source hl-json\">{&quot;a&quot;: 1}\n</span></code></pre>\n",
    );
    assert_eq!(judge(&heading, &errdocs, &[]), Verdict::Passed);
    let other_id = page(
        "<h2 id=\"x\">A b</h2>\n<pre><code class=\"language-json\">{&quot;a&quot;: 1}\n</code></pre>\n",
    );
    failed(judge(&heading, &other_id, &[]), "--- spec:");
}

// ---------------------------------------------------------------------------------------------
// Spec data
// ---------------------------------------------------------------------------------------------

struct Example {
    number: u32,
    section: String,
    markdown: String,
    html: String,
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The examples of spec.txt, extracted as the `commonmark-spec` package's `index.js` does: an
/// example is the lines between a fence of 32 backticks followed by ` example` and a fence of
/// 32 backticks, Markdown and HTML separated by a line `.`; the section is the last ATX heading
/// line before it; `→` stands for a tab; everything after `<!-- END TESTS -->` is ignored.
fn commonmark_examples() -> Vec<Example> {
    let text = std::fs::read_to_string(fixtures().join("commonmark/spec.txt")).unwrap();
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = match text.find("\n<!-- END TESTS -->") {
        Some(i) => &text[..i + 1],
        None => &text[..],
    };
    let fence = "`".repeat(32);
    let open = format!("{fence} example");
    let mut examples = Vec::new();
    let mut section = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == open {
            let mut markdown = String::new();
            let mut html = String::new();
            let mut in_html = false;
            for line in lines.by_ref() {
                if line == fence {
                    break;
                } else if line == "." && !in_html {
                    in_html = true;
                } else if in_html {
                    html.push_str(line);
                    html.push('\n');
                } else {
                    markdown.push_str(line);
                    markdown.push('\n');
                }
            }
            examples.push(Example {
                number: examples.len() as u32 + 1,
                section: section.clone(),
                markdown: markdown.replace('→', "\t"),
                html: html.replace('→', "\t"),
            });
        } else if line.starts_with('#') {
            let hashes = line.len() - line.trim_start_matches('#').len();
            if hashes <= 6 {
                section = line[hashes..].trim_start_matches(' ').to_string();
            } else {
                section = line[6..].trim_start_matches(' ').to_string();
            }
        }
    }
    examples
}

fn gfm_examples() -> Vec<Example> {
    let text = std::fs::read_to_string(fixtures().join("gfm/extensions.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Example {
            number: e["example"].as_u64().unwrap() as u32,
            section: e["section"].as_str().unwrap().to_string(),
            markdown: e["markdown"].as_str().unwrap().to_string(),
            html: e["html"].as_str().unwrap().to_string(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Running a suite
// ---------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Passed,
    Explained,
    Failed(String),
}

fn run_suite(suite: &str, examples: &[Example], explained: &[(u32, &[Reason])]) {
    let numbers: BTreeSet<u32> = examples.iter().map(|e| e.number).collect();
    for w in explained.windows(2) {
        assert!(w[0].0 < w[1].0, "{suite}: table not sorted at {}", w[1].0);
    }
    for (n, reasons) in explained {
        assert!(numbers.contains(n), "{suite}: no example {n}");
        assert!(!reasons.is_empty(), "{suite}: example {n} has no reason");
    }
    let mut problems = Vec::new();
    for setting in SETTINGS {
        let (bodies, targets) = render(examples, setting);
        let mut counts = [0usize; 3];
        let mut rules_needed: BTreeMap<u8, Vec<u32>> = BTreeMap::new();
        let mut report = String::new();
        for ex in examples {
            let reasons: Vec<Reason> = explained
                .iter()
                .find(|(n, _)| *n == ex.number)
                .map(|(_, r)| r.to_vec())
                .unwrap_or_default()
                .into_iter()
                .filter(|r| setting.smart_punctuation || *r != Reason::SmartPunctuation)
                .collect();
            let verdict = judge(ex, &bodies[&ex.number], &reasons);
            if let (Ok(body), Verdict::Passed) = (&bodies[&ex.number], &verdict) {
                for rule in 1..=4 {
                    if normalize_actual(body, Some(rule))
                        != normalize_expected(&ex.html, Some(rule))
                    {
                        rules_needed.entry(rule).or_default().push(ex.number);
                    }
                }
            }
            match &verdict {
                Verdict::Passed => counts[0] += 1,
                Verdict::Explained => {
                    counts[1] += 1;
                    let why: Vec<String> = reasons.iter().map(|r| r.describe()).collect();
                    report.push_str(&format!(
                        "  explained {:>4} [{}] {}\n",
                        ex.number,
                        ex.section,
                        why.join("; ")
                    ));
                }
                Verdict::Failed(why) => {
                    counts[2] += 1;
                    report.push_str(&format!(
                        "  FAILED    {:>4} [{}] {}\n",
                        ex.number,
                        ex.section,
                        why.lines().next().unwrap_or("")
                    ));
                    problems.push(format!(
                        "{suite} ({}), example {} [{}]:\n{why}\n--- markdown:\n{}",
                        setting.name, ex.number, ex.section, ex.markdown
                    ));
                }
            }
        }
        let summary = format!(
            "{suite} ({}): {} passed / {} explained / {} failed",
            setting.name, counts[0], counts[1], counts[2]
        );
        for (rule, needed) in &rules_needed {
            report.push_str(&format!(
                "  normalization rule {rule} is needed by {} passing example(s): {needed:?}\n",
                needed.len()
            ));
        }
        report.push_str(&format!(
            "  link targets the harness added: {} file(s), {} page(s) {:?}, anchors on {} page(s)\n",
            targets.files.len(),
            targets.pages.len(),
            targets.pages,
            targets.anchors.len()
        ));
        println!("{summary}\n{report}");
        let _ = writeln!(std::io::stderr(), "{summary}");
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Judges one example: its rendered body (or the build error that kept it out of the site)
/// against the spec, with the reasons listed for it.
fn judge(ex: &Example, body: &Result<String, String>, reasons: &[Reason]) -> Verdict {
    let expected = normalize_expected(&ex.html, None);
    let actual = match body {
        Ok(_) if reasons.contains(&Reason::RefusedScheme) => {
            return Verdict::Failed(format!(
                "reason `{}` is listed but the page builds",
                Reason::RefusedScheme.describe()
            ));
        }
        Ok(body) => normalize_actual(body, None),
        Err(build_error) => {
            return if reasons.iter().any(|r| r.explains_build_error(build_error)) {
                Verdict::Explained
            } else {
                Verdict::Failed(format!("the build fails:\n{build_error}"))
            };
        }
    };
    if actual == expected {
        return if reasons.is_empty() {
            Verdict::Passed
        } else {
            Verdict::Failed("STALE entry: the example passes now; remove it from the table".into())
        };
    }
    if reasons.is_empty() {
        return Verdict::Failed(diff(&expected, &actual));
    }
    // Only checkable reasons listed: undoing them must make the page match, and each must be
    // needed.
    if reasons.iter().all(|r| r.checkable()) {
        let undo_all = |skip: Option<Reason>| {
            reasons
                .iter()
                .filter(|r| Some(**r) != skip)
                .fold((actual.clone(), expected.clone()), |(a, e), r| {
                    r.undo(&a, &e)
                })
        };
        let (a, e) = undo_all(None);
        if a != e {
            return Verdict::Failed(format!(
                "the listed reasons do not explain the difference; after undoing them:\n{}",
                diff(&e, &a)
            ));
        }
        for r in reasons {
            let (a, e) = undo_all(Some(*r));
            if a == e {
                return Verdict::Failed(format!(
                    "reason `{}` is listed but not needed",
                    r.describe()
                ));
            }
        }
    }
    Verdict::Explained
}

fn diff(expected: &str, actual: &str) -> String {
    format!("--- spec:\n{expected}\n--- errdocs:\n{actual}")
}

// ---------------------------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------------------------

/// errdocs' body after rules 1 to 4, skipping rule `skip` (to find which rules a page needs).
fn normalize_actual(html: &str, skip: Option<u8>) -> String {
    let mut html = html.to_string();
    if skip != Some(1) {
        html = without_heading_self_links(&html);
    }
    if skip != Some(2) {
        html = plain_code_blocks(&html);
    }
    canonical(&html, skip)
}

/// The spec's body after rules 3 and 4, skipping rule `skip`.
fn normalize_expected(html: &str, skip: Option<u8>) -> String {
    canonical(html, skip)
}

/// Rule 1: removes the self-link of each heading and the id of that heading.
fn without_heading_self_links(html: &str) -> String {
    let mut html = html.to_string();
    let link_start = "<a class=\"self-link\" href=\"#";
    let link_mid = "\" aria-label=\"Link to this section\">#</a></h";
    while let Some(start) = html.rfind(link_start) {
        let id_start = start + link_start.len();
        let Some(mid) = html[id_start..].find(link_mid).map(|m| id_start + m) else {
            break;
        };
        let id = html[id_start..mid].to_string();
        let level = &html[mid + link_mid.len()..][..1];
        let open = format!("<h{level} id=\"{id}\"");
        let Some(open_at) = html[..start].rfind(&open) else {
            break;
        };
        html.replace_range(start..mid + link_mid.len() - 3, "");
        html.replace_range(open_at + 3..open_at + open.len(), "");
    }
    html
}

/// Rule 2: `<pre class="code">` becomes `<pre>`, highlighting spans inside it are removed.
fn plain_code_blocks(html: &str) -> String {
    let pre = "<pre class=\"code\"><code";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(pre) {
        out.push_str(&rest[..i]);
        out.push_str("<pre><code");
        rest = &rest[i + pre.len()..];
        let end = rest.find("</code></pre>").unwrap_or(rest.len());
        let mut block = &rest[..end];
        while !block.is_empty() {
            if block.starts_with("<span class=\"") {
                let close = block.find('>').map_or(block.len(), |c| c + 1);
                block = &block[close..];
            } else if let Some(b) = block.strip_prefix("</span>") {
                block = b;
            } else {
                let c = block.chars().next().unwrap();
                out.push(c);
                block = &block[c.len_utf8()..];
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Rules 3 and 4, on both sides, skipping rule `skip`.
fn canonical(html: &str, skip: Option<u8>) -> String {
    let mut html = html.to_string();
    if skip != Some(3) {
        html = quotes_in_text(
            &html
                .replace("&#34;", "&quot;")
                .replace("&#x22;", "&quot;")
                .replace("&#39;", "'")
                .replace("&#x27;", "'"),
        );
    }
    if skip != Some(4) {
        html = without_block_whitespace(&html);
    }
    html
}

/// Rule 3 for `"` itself: written `&quot;` in text. Inside a tag (from `<` followed by a
/// letter, `/`, `!` or `?` to the next `>` outside a quoted attribute value) nothing changes.
fn quotes_in_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        let opens_tag = c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        if opens_tag {
            out.push(c);
            let mut quote = None;
            for c in chars.by_ref() {
                out.push(c);
                match (quote, c) {
                    (None, '>') => break,
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    _ => {}
                }
            }
        } else if c == '"' {
            out.push_str("&quot;");
        } else {
            out.push(c);
        }
    }
    out
}

/// Elements around which white space is not rendered (outside `<pre>`).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Rule 4: removes white space that is all a text node between two tags when one of the two
/// tags opens or closes a block element of [`BLOCK_TAGS`].
fn without_block_whitespace(html: &str) -> String {
    let tag_name = |tag: &str| -> String {
        tag.trim_start_matches('<')
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let is_block = |name: &str| BLOCK_TAGS.contains(&name);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(gt) = rest.find('>') {
        out.push_str(&rest[..=gt]);
        rest = &rest[gt + 1..];
        let ws = rest.len() - rest.trim_start_matches([' ', '\t', '\n']).len();
        if ws == 0 || !rest[ws..].starts_with('<') {
            continue;
        }
        let before = out
            .rfind('<')
            .map_or(String::new(), |lt| tag_name(&out[lt..]));
        let after = tag_name(&rest[ws..]);
        if is_block(&before) || is_block(&after) {
            rest = &rest[ws..];
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Building the site
// ---------------------------------------------------------------------------------------------

/// What a build round added so that the spec's links resolve.
#[derive(Default)]
struct Targets {
    files: BTreeSet<String>,
    pages: BTreeSet<String>,
    anchors: BTreeMap<String, BTreeSet<String>>,
    /// Examples taken out of the site, with the build errors they caused.
    excluded: BTreeMap<u32, String>,
}

/// Renders every example as a page of one site; the body of each page, or the build error
/// that kept it out.
fn render(
    examples: &[Example],
    setting: &Setting,
) -> (BTreeMap<u32, Result<String, String>>, Targets) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut targets = Targets::default();
    for round in 1.. {
        assert!(round <= 8, "the site still does not build after 8 rounds");
        let root = dir.path().join(format!("site-{round}"));
        write_site(&root, examples, setting, &targets);
        let run = Command::new(env!("CARGO_BIN_EXE_errdocs"))
            .args(["build", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&out)
            .output()
            .expect("run errdocs");
        if run.status.success() {
            break;
        }
        let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
        let progress = add_targets(&stderr, &mut targets);
        assert!(progress, "no progress in round {round}:\n{stderr}");
        std::fs::remove_dir_all(&root).unwrap();
    }
    let bodies = examples
        .iter()
        .map(|ex| {
            let body = match targets.excluded.get(&ex.number) {
                Some(error) => Err(error.clone()),
                None => Ok(page_body(&out, ex.number)),
            };
            (ex.number, body)
        })
        .collect();
    (bodies, targets)
}

fn write_site(root: &Path, examples: &[Example], setting: &Setting, targets: &Targets) {
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "errdocs.toml",
        &format!("title = \"conformance\"\n{}", setting.config),
    );
    write("catalog/errors.toml", "");
    let template = |url: &str| {
        targets.anchors.get(url).map(|_| {
            format!(
                "anchors{}.html",
                url.trim_end_matches('/').replace('/', "-")
            )
        })
    };
    for (url, ids) in &targets.anchors {
        let spans: String = ids
            .iter()
            .map(|id| format!("<span id=\"{}\"></span>", attr(id)))
            .collect();
        write(
            &format!("templates/{}", template(url).unwrap()),
            &format!(
                "{{% extends \"page.html\" %}}{{% block content %}}{{{{ super() }}}}\
                 <div hidden>{spans}</div>{{% endblock content %}}"
            ),
        );
    }
    let front = |title: &str, url: &str| {
        let template = template(url)
            .map(|t| format!("template = \"{t}\"\n"))
            .unwrap_or_default();
        format!("+++\ntitle = \"{title}\"\n{template}+++\n")
    };
    for ex in examples {
        if targets.excluded.contains_key(&ex.number) {
            continue;
        }
        let url = format!("/{}/", ex.number);
        write(
            &format!("content/{}/index.md", ex.number),
            &format!(
                "{}{}",
                front(&format!("ex {}", ex.number), &url),
                ex.markdown
            ),
        );
    }
    for url in &targets.pages {
        write(
            &format!("content/{}index.md", &url[1..]),
            &front("link target", url),
        );
    }
    for path in &targets.files {
        write(&format!("static{path}"), "");
    }
}

/// Escapes an id for an attribute inside a Tera template (so `{` cannot open a tag).
fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('{', "&#123;")
        .replace('}', "&#125;")
}

/// Reads the build's errors and adds the missing link targets; examples with other errors are
/// excluded. Returns whether anything changed.
fn add_targets(stderr: &str, targets: &mut Targets) -> bool {
    let mut progress = false;
    let (files, pages, anchors) = (
        targets.files.clone(),
        targets.pages.clone(),
        targets.anchors.clone(),
    );
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(first) = line.strip_prefix("error: ") else {
            continue;
        };
        if first.starts_with("build failed") {
            continue;
        }
        // The message runs to the location line (an href may hold line breaks).
        let mut message = first.to_string();
        let mut location = None;
        while let Some(next) = lines.peek() {
            if next.starts_with("error: ") {
                break;
            }
            if let Some(loc) = next.trim_start().strip_prefix("--> ") {
                location.get_or_insert(loc.to_string());
            } else if location.is_none() {
                message.push('\n');
                message.push_str(next);
            }
            lines.next();
        }
        let message = message.trim_end_matches('\n');
        let example = location
            .as_deref()
            .and_then(|l| l.strip_prefix("content/"))
            .and_then(|l| {
                l.strip_suffix("/index.md")
                    .or(l.split_once("/index.md:").map(|x| x.0))
            })
            .and_then(|n| n.parse::<u32>().ok());
        let missing = message
            .rsplit_once("no page or file `")
            .and_then(|(_, p)| p.strip_suffix("` in this site"))
            .filter(|_| message.starts_with("broken link `"));
        let anchor = message
            .rsplit_once("` has no anchor `#")
            .and_then(|(before, a)| {
                let page = before.rsplit_once("`: page `")?.1;
                Some((page.to_string(), a.strip_suffix('`')?.to_string()))
            })
            .filter(|_| message.starts_with("broken link `"));
        // A target added in an earlier round that still does not resolve is not a missing
        // target: the example's link is broken in another way.
        let added = match (missing, anchor) {
            (Some(path), _) => {
                let (earlier, now) = if path.ends_with('/') {
                    (&pages, &mut targets.pages)
                } else {
                    (&files, &mut targets.files)
                };
                now.insert(path.to_string());
                !earlier.contains(path)
            }
            (None, Some((page, anchor))) => {
                let earlier = anchors.get(&page).is_some_and(|a| a.contains(&anchor));
                targets.anchors.entry(page).or_default().insert(anchor);
                !earlier
            }
            (None, None) => false,
        };
        if added {
            progress = true;
            continue;
        }
        let Some(n) = example else {
            panic!("a build error not attributable to an example:\n{stderr}");
        };
        targets
            .excluded
            .entry(n)
            .or_default()
            .push_str(&format!("error: {message}\n"));
        progress = true;
    }
    progress
}

/// The page body: what `page.html` prints between `<h1>ex N</h1>` and `</article>`.
fn page_body(out: &Path, n: u32) -> String {
    let path = out.join(n.to_string()).join("index.html");
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let start_tag = format!("<article class=\"page\">\n<h1>ex {n}</h1>\n");
    let start = html.find(&start_tag).expect("the page's <h1>") + start_tag.len();
    let end = html.rfind("</article>").expect("the page's </article>");
    html[start..end].to_string()
}
