//! Every user mistake is reported precisely (`file:line:col`, the offending text, a hint), all
//! at once, with exit code 1, and a failed build leaves the previous output untouched.

mod common;
use common::*;
use std::path::Path;

const CONFIG: &str = "title = \"T\"\n";
const PAGES: &str = "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\n```\n";
const GUIDE: &str = "+++\ntitle = \"Guide\"\n+++\n## API keys\n\nText.\n";

const GOOD_CATALOG: &str = r#"[[envelope]]
id = "error"
title = "Envelope"
example = '{"error": {"code": "PG-1001"}}'

[[category]]
id = "auth"
title = "Auth"
range = "PG-1xxx"

[[code]]
code = "PG-1001"
category = "auth"
message = "Missing"
status = 401
fix = "Fix it."
docs = "/guide#api-keys"
"#;

/// One catalog with every mistake the catalog validator knows, one per line below.
const BAD_CATALOG: &str = r#"[[envelope]]
id = "error"
title = "Envelope"
example = '''
{ "error": 1, }
'''

[[category]]
id = "auth"
title = "Auth"
range = "PG-1xxx"

[[code]]
code = "PG-1001"
category = "auth"
message = "Missing"
status = 401
fix = "Fix it."
fixx = "typo"

[[code]]
code = "PG-1001"
category = "auth"
message = "Again"
status = 401
fix = "x"

[[code]]
code = "PG-2001"
category = "auth"
message = "Outside"
status = 400
fix = "x"

[[code]]
code = "PG-1003"
category = "autth"
message = "Unknown category"
status = 401
fix = "x"

[[code]]
code = "PG-1004"
category = "auth"
message = "Bad status"
status = 999
fix = "x"

[[code]]
code = "PG-1005"
category = "auth"
message = "Contradiction"
status = 404
fix = "x"
retry = "backoff"

[[code]]
code = "PG-1006"
category = "auth"
status = 401
fix = "no message"
"#;

fn site(root: &Path, catalog: &str) {
    write_files(
        root,
        &[
            ("errdocs.toml", CONFIG),
            ("catalog/errors.toml", catalog),
            ("content/errors.md", PAGES),
            ("content/guide.md", GUIDE),
        ],
    );
}

fn build(root: &Path) -> (bool, Option<i32>, String) {
    let out = errdocs(&["build", "--root", root.to_str().unwrap()]);
    (out.status.success(), out.status.code(), stderr(&out))
}

/// Asserts that `stderr` holds an error with `message`, located at `location`, whose snippet
/// shows `snippet` and whose hint contains `hint` (an empty `hint`: the error has no hint).
fn assert_reported(stderr: &str, message: &str, location: &str, snippet: &str, hint: &str) {
    let block = stderr
        .split("\nerror: ")
        .map(|b| b.trim_start_matches("error: "))
        .find(|b| b.starts_with(message) && b.contains(&format!("--> {location}\n")))
        .unwrap_or_else(|| panic!("no error `{message}` at {location} in:\n{stderr}"));
    assert!(
        block.contains(snippet),
        "snippet {snippet:?} missing in:\n{block}"
    );
    if hint.is_empty() {
        assert!(!block.contains("= hint:"), "unexpected hint in:\n{block}");
    } else {
        assert!(block.contains(hint), "hint {hint:?} missing in:\n{block}");
    }
}

#[test]
fn every_catalog_mistake_is_reported_at_once_and_the_old_output_survives() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, GOOD_CATALOG);
    let (ok, _, err) = build(root);
    assert!(ok, "{err}");
    let before = snapshot(&root.join("public"));
    assert!(before.contains_key("errors/index.html"));

    site(root, BAD_CATALOG);
    let (ok, code, err) = build(root);
    assert!(!ok);
    assert_eq!(code, Some(1));
    let f = "catalog/errors.toml";
    assert_reported(
        &err,
        "the example of envelope `error` is not valid JSON",
        &format!("{f}:5:15"),
        "{ \"error\": 1, }",
        "fix the JSON",
    );
    assert_reported(
        &err,
        "unknown key `fixx` in [[code]]",
        &format!("{f}:19:1"),
        "fixx = \"typo\"",
        "did you mean `fix`?",
    );
    assert_reported(
        &err,
        "duplicate code `PG-1001`",
        &format!("{f}:22:8"),
        "code = \"PG-1001\"",
        "catalog/errors.toml:14:8",
    );
    assert_reported(
        &err,
        "code `PG-2001` is outside the range `PG-1xxx` of category `auth`",
        &format!("{f}:29:8"),
        "\"PG-2001\"",
        "`x` stands for one digit",
    );
    assert_reported(
        &err,
        "unknown category `autth`",
        &format!("{f}:37:12"),
        "category = \"autth\"",
        "did you mean `auth`?",
    );
    assert_reported(
        &err,
        "`999` is not an HTTP status code",
        &format!("{f}:46:10"),
        "status = 999",
        "registered HTTP status",
    );
    assert_reported(
        &err,
        "retry policy `backoff` contradicts HTTP status 404",
        &format!("{f}:55:9"),
        "retry = \"backoff\"",
        "use `never`",
    );
    assert_reported(
        &err,
        "missing required field `message` in code `PG-1006`",
        &format!("{f}:58:8"),
        "code = \"PG-1006\"",
        "shows a `message` column",
    );
    assert!(err.contains("build failed: 8 errors"), "{err}");

    assert_eq!(
        snapshot(&root.join("public")),
        before,
        "the previous output is untouched"
    );
}

#[test]
fn toml_syntax_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), GOOD_CATALOG);
    assert!(build(dir.path()).0);
    let before = snapshot(&dir.path().join("public"));
    site(dir.path(), "[[category]]\nid = \"auth\ntitle = \"A\"\n");
    let (ok, code, err) = build(dir.path());
    assert_eq!(
        snapshot(&dir.path().join("public")),
        before,
        "the previous output is untouched"
    );
    assert!(!ok);
    assert_eq!(code, Some(1));
    assert!(err.contains("error: TOML syntax error"), "{err}");
    assert!(err.contains("--> catalog/errors.toml:2:"), "{err}");
    assert!(err.contains("2 | id = \"auth"), "{err}");
}

#[test]
fn a_broken_docs_link_names_the_catalog_line_and_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, GOOD_CATALOG);
    assert!(build(root).0);
    let before = snapshot(&root.join("public"));
    site(
        root,
        &GOOD_CATALOG.replace("/guide#api-keys", "/guide#api-kyes"),
    );
    let (ok, code, err) = build(root);
    assert!(!ok);
    assert_eq!(code, Some(1));
    assert_reported(
        &err,
        "broken link `/guide#api-kyes`: page `/guide/` has no anchor `#api-kyes`",
        "catalog/errors.toml:17:8",
        "docs = \"/guide#api-kyes\"",
        "did you mean `/guide/#api-keys`?",
    );
    site(
        root,
        &GOOD_CATALOG.replace("/guide#api-keys", "/guides#api-keys"),
    );
    let (_, _, err) = build(root);
    assert!(
        err.contains("no page or file `/guides` in this site"),
        "{err}"
    );
    assert!(err.contains("did you mean `/guide/`?"), "{err}");
    assert_eq!(snapshot(&root.join("public")), before);
}

#[test]
fn page_mistakes_are_reported_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, GOOD_CATALOG);
    write_files(
        root,
        &[(
            "content/extra.md",
            "+++\ntitle = \"X\"\nweigth = 3\n+++\nSee [missing](/nope) and [anchor](guide.md#nope).\n\n```errdocs\ncatalogue\ncategory nope\ncode PG-1001\n```\n",
        )],
    );
    let (ok, code, err) = build(root);
    assert!(!ok && code == Some(1), "{err}");
    assert_reported(
        &err,
        "unknown key `weigth` in the front matter",
        "content/extra.md:3:1",
        "weigth = 3",
        "did you mean `weight`?",
    );
    // The front matter error stops this page; fix it and the body's problems show.
    write_files(
        root,
        &[(
            "content/extra.md",
            "+++\ntitle = \"X\"\n+++\nSee [missing](/nope) and [anchor](guide.md#nope).\n\n```errdocs\ncatalogue\ncategory nope\ncode PG-1001\n```\n",
        )],
    );
    let (_, _, err) = build(root);
    assert_reported(
        &err,
        "unknown directive `catalogue`",
        "content/extra.md:7:1",
        "catalogue",
        "did you mean `catalog`?",
    );
    assert_reported(
        &err,
        "unknown category `nope`",
        "content/extra.md:8:10",
        "category nope",
        "no category with this name",
    );
    write_files(
        root,
        &[(
            "content/extra.md",
            "+++\ntitle = \"X\"\n+++\nSee [missing](/nope) and [anchor](guide.md#nope).\n\n```errdocs\ncode PG-1001\n```\n",
        )],
    );
    let (_, _, err) = build(root);
    // Neither target is close to anything that exists: no did-you-mean.
    assert_reported(
        &err,
        "broken link `/nope`",
        "content/extra.md:4:5",
        "4 | See [missing](/nope) and [anchor](guide.md#nope).",
        "",
    );
    assert_reported(
        &err,
        "broken link `guide.md#nope`: page `/guide/` has no anchor `#nope`",
        "content/extra.md:4:26",
        "4 | See [missing](/nope) and [anchor](guide.md#nope).",
        "",
    );
}

#[test]
fn a_bad_template_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, GOOD_CATALOG);
    write_files(
        root,
        &[(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock content %}\n",
        )],
    );
    let (ok, code, err) = build(root);
    assert!(!ok && code == Some(1), "{err}");
    assert!(err.contains("error: template `page.html`"), "{err}");
    assert!(err.contains("--> templates/page.html:4:"), "{err}");
}

#[test]
fn check_writes_nothing_and_fails_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, BAD_CATALOG);
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("check failed: 8 errors"),
        "{}",
        stderr(&out)
    );
    site(root, GOOD_CATALOG);
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!root.join("public").exists(), "check writes nothing");
}

/// The errors of a failed run, in order: (message, `file:line:col`), the summary left out.
fn errors_of(stderr: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in stderr.lines() {
        if let Some(message) = line.strip_prefix("error: ") {
            if message.starts_with("check failed") || message.starts_with("build failed") {
                continue;
            }
            out.push((message.to_string(), String::new()));
        } else if let Some(at) = line.trim_start().strip_prefix("--> ")
            && let Some(last) = out.last_mut()
            && last.1.is_empty()
        {
            last.1 = at.to_string();
        }
    }
    out
}

fn check(root: &Path) -> Vec<(String, String)> {
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "check must fail:\n{}",
        stderr(&out)
    );
    errors_of(&stderr(&out))
}

#[test]
fn links_in_catalog_and_config_text_may_not_use_other_schemes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let catalog = r#"[[envelope]]
id = "error"
title = "Envelope"
description = "See [e](javascript:alert(1))."
note = "See [n](data:text/html,x)."
example = '{"error": {"code": "PG-1001"}}'

[[envelope.field]]
name = "error.code"
type = "string"
description = "See [f](vbscript:x)."

[[category]]
id = "auth"
title = "Auth"
range = "PG-1xxx"
description = "See <javascript:alert(2)>."

[[code]]
code = "PG-1001"
category = "auth"
message = "Missing"
status = 401
fix = "Send [it](JAVA&#x09;SCRIPT:alert(3))."
meaning = "[m](data:,x)"
detail = "[d](file:///etc/passwd)"
retry_how = "[r](javascript:x)"
docs = "javascript:alert(4)"

[[code]]
code = "PG-1002"
category = "auth"
message = "Old"
status = 401
fix = "Fine [ok](/guide#api-keys), [mail](mailto:a@example.com), [web](https://example.com)."
docs = "data:text/html,x"
deprecated = { why = "[w](javascript:x)" }

[[code]]
code = "PG-1003"
category = "auth"
message = "Gone"
status = 401
fix = "x"
docs = "//evil.example/x"
removed = { since = "2026-01", why = "[g](javascript:x)" }

[[code]]
code = "PG-1004"
category = "auth"
message = "Relative"
status = 401
fix = "x"
docs = "guide#api-keys"

[[retry]]
status = 401
policy = "never"
how = "[h](javascript:x)"
"#;
    site(root, catalog);
    write_files(
        root,
        &[(
            "errdocs.toml",
            "title = \"T\"\n[footer]\ntext = \"[f](javascript:alert(5)) [ok](/guide)\"\n",
        )],
    );
    let refused = |href: &str, scheme: &str| {
        format!("link `{href}` uses the scheme `{scheme}:`, which is not allowed")
    };
    let docs = |value: &str| {
        format!("invalid `docs` value `{value}`: not an absolute `http(s)` URL or a site path")
    };
    let footer = (
        refused("javascript:alert(5)", "javascript"),
        "errdocs.toml:3:8".to_string(),
    );
    // The `docs` values are refused when the catalog is read; with the catalog invalid, the
    // pages that show it are not rendered, so its Markdown links come in a second run. The
    // footer's link does not depend on the catalog: it is reported in the same run.
    let at = |text: &str, needle: &str| located("catalog/errors.toml", text, needle);
    let expected = vec![
        (
            docs("javascript:alert(4)"),
            at(catalog, "\"javascript:alert(4)"),
        ),
        (docs("data:text/html,x"), at(catalog, "\"data:text/html,x")),
        (docs("//evil.example/x"), at(catalog, "\"//evil")),
        (docs("guide#api-keys"), at(catalog, "\"guide#api-keys")),
        footer.clone(),
    ];
    assert_eq!(check(root), expected);

    let fixed = catalog
        .replace("\"javascript:alert(4)\"", "\"/guide#api-keys\"")
        .replace(
            "docs = \"data:text/html,x\"",
            "docs = \"https://example.com/x\"",
        )
        .replace("\"//evil.example/x\"", "\"/guide\"")
        .replace("\"guide#api-keys\"", "\"/errors/PG-1001/\"");
    write_files(root, &[("catalog/errors.toml", &fixed)]);
    let c = fixed.as_str();
    let expected = vec![
        (
            refused("javascript:alert(1)", "javascript"),
            at(c, "\"See [e]"),
        ),
        (refused("data:text/html,x", "data"), at(c, "\"See [n]")),
        (refused("vbscript:x", "vbscript"), at(c, "\"See [f]")),
        (
            refused("javascript:alert(2)", "javascript"),
            at(c, "\"See <java"),
        ),
        (
            refused("JAVA\tSCRIPT:alert(3)", "javascript"),
            at(c, "\"Send [it]"),
        ),
        (refused("data:,x", "data"), at(c, "\"[m]")),
        (refused("file:///etc/passwd", "file"), at(c, "\"[d]")),
        (refused("javascript:x", "javascript"), at(c, "\"[r]")),
        (refused("javascript:x", "javascript"), at(c, "\"[w]")),
        (refused("javascript:x", "javascript"), at(c, "\"[g]")),
        (refused("javascript:x", "javascript"), at(c, "\"[h]")),
        footer,
    ];
    assert_eq!(check(root), expected);
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("= hint: links may be site paths, relative URLs, `https:`"),
        "{}",
        stderr(&out)
    );
}

/// `FILE:LINE:COL` of the first `needle` in `text` (columns count characters from 1).
fn located(file: &str, text: &str, needle: &str) -> String {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {file}"));
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col = text[start..at].chars().count() + 1;
    format!("{file}:{line}:{col}")
}

fn owned(expected: Vec<(String, &str)>) -> Vec<(String, String)> {
    expected
        .into_iter()
        .map(|(m, l)| (m, l.to_string()))
        .collect()
}

#[test]
fn a_mistake_gives_one_error_at_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // `columns` as a string: one error, not one "missing field" per code of the category; a
    // misspelled key: the typo only.
    let catalog = r#"[[category]]
id = "auth"
title = "Auth"
columns = "code,meaning,fix"

[[category]]
id = "more"
title = "More"

[[code]]
code = "A1"
category = "auth"
meaning = "m"
fix = "f"

[[code]]
code = "A2"
category = "auth"
meaning = "m"
fix = "f"

[[code]]
code = "A3"
category = "auth"
meaning = "m"
fix = "f"

[[code]]
code = "M1"
categroy = "more"
mesage = "Missing"
status = 401
fix = "f"
"#;
    site(root, catalog);
    let at = |needle: &str| located("catalog/errors.toml", catalog, needle);
    assert_eq!(
        check(root),
        owned(vec![
            (
                "`columns` must be an array of strings, found a string".into(),
                &at("\"code,meaning,fix\""),
            ),
            ("unknown key `categroy` in [[code]]".into(), &at("categroy"),),
            ("unknown key `mesage` in [[code]]".into(), &at("mesage")),
        ])
    );

    // In a directive: `columns = "..."` and `columns=[...]` are one error each.
    site(root, GOOD_CATALOG);
    let page = "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog columns = \"code,meaning,fix\"\ncategory auth columns=[\"code\", \"fix\"]\n```\n";
    write_files(root, &[("content/errors.md", page)]);
    let at = |needle: &str| located("content/errors.md", page, needle);
    assert_eq!(
        check(root),
        owned(vec![
            (
                "directive `catalog`: option written `columns = \"code,meaning,fix\"`".into(),
                &at("columns = "),
            ),
            (
                "directive `category`: option written `columns=[\"code\", \"fix\"]`".into(),
                &at("columns=["),
            ),
        ])
    );
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("= hint: write `columns=\"code,meaning,fix\"`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn one_run_reports_every_stage_without_cascades() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let catalog = GOOD_CATALOG.replace("status = 401", "status = 4010");
    site(root, &catalog);
    write_files(root, &[("errdocs.toml", "title = \"T\"\n[code_pages]\n")]);
    // The guide needs nothing of the catalog: its links are checked. Links to the page with
    // directives (skipped), to code pages (unknown while the catalog is broken) and to the
    // page with a bad front matter are not reported: their cause is.
    let guide = "+++\ntitle = \"Guide\"\n+++\n## API keys\n\n[a](/guide#nope) [b](/nowhere) [c](/errors#PG-1001) [d](/errors/PG-1001/) [e](/bad#x) [f](/guide#api-keys)\n";
    let bad = "+++\ntitle = 3\n+++\n[x](/also-nowhere)\n";
    write_files(
        root,
        &[("content/guide.md", guide), ("content/bad.md", bad)],
    );
    let g = |needle: &str| located("content/guide.md", guide, needle);
    assert_eq!(
        check(root),
        owned(vec![
            (
                "`4010` is not an HTTP status code".into(),
                &located("catalog/errors.toml", &catalog, "4010"),
            ),
            (
                "`title` must be a string, found an integer".into(),
                &located("content/bad.md", bad, "3"),
            ),
            (
                "broken link `/guide#nope`: page `/guide/` has no anchor `#nope`".into(),
                &g("[a]"),
            ),
            (
                "broken link `/nowhere`: no page or file `/nowhere` in this site".into(),
                &g("[b]"),
            ),
        ])
    );

    // With the catalog fixed, the page with directives is checked too; the bad page still
    // hides nothing else.
    site(root, GOOD_CATALOG);
    write_files(
        root,
        &[("content/guide.md", guide), ("content/bad.md", bad)],
    );
    let errors = check(root);
    let messages: Vec<&str> = errors.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`title` must be a string, found an integer",
            "broken link `/guide#nope`: page `/guide/` has no anchor `#nope`",
            "broken link `/nowhere`: no page or file `/nowhere` in this site",
        ]
    );
}

#[test]
fn a_template_typo_is_one_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    site(root, GOOD_CATALOG);
    let template = "{% extends \"base.html\" %}\n{% block content %}<article class=\"page\">\n<h1>{{ page.titel }}</h1>\n{{ page.content | safe }}</article>\n{% endblock content %}\n";
    write_files(root, &[("templates/page.html", template)]);
    assert_eq!(
        check(root),
        owned(vec![(
            "template `page.html`: unknown variable `page.titel`".into(),
            "templates/page.html:3:8",
        )])
    );
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    assert!(stderr(&out).contains("= hint: did you mean `page.title`?"));
}

#[test]
fn unknown_codes_and_anchors_get_the_right_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let catalog = r#"[[category]]
id = "stripe"
title = "Stripe"
namespace = "stripe"
columns = ["code", "message"]

[[category]]
id = "adyen"
title = "Adyen"
namespace = "adyen"
columns = ["code", "message"]

[[category]]
id = "limits"
title = "Limits"
columns = ["code", "message"]

[[code]]
code = "expired_card"
category = "stripe"
message = "Card expired"

[[code]]
code = "expired_card"
category = "adyen"
message = "Card expired"

[[code]]
code = "insufficient_funds"
category = "stripe"
message = "No funds"

[[code]]
code = "rate_limit"
category = "limits"
message = "Slow down"
"#;
    site(root, catalog);
    let cards =
        "+++\ntitle = \"Cards\"\n+++\n```errdocs\ncode expired_card\ncode insufficent_funds\n```\n";
    let guide =
        "+++\ntitle = \"Guide\"\n+++\n日本語 😀 [a](/errors#rate-limit) [b](/guide#rate_limit)\n";
    write_files(
        root,
        &[("content/cards.md", cards), ("content/guide.md", guide)],
    );
    let c = |needle: &str| located("content/cards.md", cards, needle);
    let g = |needle: &str| located("content/guide.md", guide, needle);
    assert_eq!(
        check(root),
        owned(vec![
            (
                "directive `code`: `expired_card` names several codes".into(),
                &c("expired_card"),
            ),
            (
                "unknown code `insufficent_funds`".into(),
                &c("insufficent_funds"),
            ),
            (
                "broken link `/errors#rate-limit`: page `/errors/` has no anchor `#rate-limit`"
                    .into(),
                &g("[a]"),
            ),
            (
                "broken link `/guide#rate_limit`: page `/guide/` has no anchor `#rate_limit`"
                    .into(),
                &g("[b]"),
            ),
        ])
    );
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&out);
    for hint in [
        "= hint: use an anchor instead: stripe-expired_card, adyen-expired_card",
        "= hint: did you mean `insufficient_funds`?",
        "= hint: did you mean `/errors/#rate_limit`?",
    ] {
        assert!(err.contains(hint), "{hint:?} missing in:\n{err}");
    }
    // The code lives on another page: the hint names it.
    let (_, last) = err
        .split_once("error: broken link `/guide#rate_limit`")
        .unwrap();
    assert!(
        last.contains("= hint: did you mean `/errors/#rate_limit`?"),
        "{last}"
    );
    // Carets stay under the link after wide characters (CJK and emoji take two columns).
    let snippet = "4 | 日本語 😀 [a](/errors#rate-limit) [b](/guide#rate_limit)\n  |           ^^^^^^^^^^^^^^^^^^^^^^^\n";
    assert!(err.contains(snippet), "{snippet:?} missing in:\n{err}");
    let snippet = "  |                                   ^^^^^^^^^^^^^^^^^^^^^^\n";
    assert!(err.contains(snippet), "{snippet:?} missing in:\n{err}");
}

/// Site paths written literally in a template follow the rules of page links: under a base
/// path they are written with it (so what passes the check works once published), fragments
/// are checked, and a broken one is reported at the template's line, not at a content page.
#[test]
fn template_links_get_the_base_path_and_are_reported_at_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let template = "{% extends \"base.html\" %}\n{% block content %}<article>\n\
                    <a href=\"/guide#api-keys\">keys</a> <a href=\"/guide/\">guide</a>\n\
                    {{ page.content | safe }}</article>\n{% endblock content %}\n";
    write_files(
        &site,
        &[
            (
                "errdocs.toml",
                "title = \"T\"\nbase_url = \"https://example.com/docs/\"\n",
            ),
            ("catalog/errors.toml", GOOD_CATALOG),
            ("content/errors.md", PAGES),
            ("content/guide.md", GUIDE),
            ("templates/page.html", template),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&site, &out);
    let html = read(&out.join("errors/index.html"));
    assert!(
        html.contains("<a href=\"/docs/guide/#api-keys\">keys</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/docs/guide/\">guide</a>"),
        "{html}"
    );
    // A broken fragment: one error, at the template's line and column.
    write_files(
        &site,
        &[(
            "templates/page.html",
            &template.replace("/guide#api-keys", "/guide#api-kyes"),
        )],
    );
    let result = errdocs(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let err = stderr(&result);
    assert!(
        err.contains("page `/guide/` has no anchor `#api-kyes`"),
        "{err}"
    );
    assert!(err.contains("--> templates/page.html:3:10"), "{err}");
    assert_eq!(err.matches("error: broken link").count(), 1, "{err}");
}

/// Regression: a category id the theme writes itself (`<main id="main">`) gave a duplicate
/// anchor on the reference page, and the page was then dropped from the link check, so every
/// link to it was reported broken too. Now: one error, at the category's id.
#[test]
fn a_catalog_id_the_theme_uses_is_one_error_at_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = GOOD_CATALOG
        .replace("id = \"auth\"", "id = \"main\"")
        .replace("category = \"auth\"", "category = \"main\"");
    site(dir.path(), &catalog);
    let errors = check(dir.path());
    assert_eq!(
        errors,
        owned(vec![(
            "category id `main` is an id the theme already uses on every page".into(),
            &located("catalog/errors.toml", &catalog, "\"main\""),
        )]),
    );
    let (ok, code, stderr) = build(dir.path());
    assert!(!ok && code == Some(1), "{stderr}");
    assert!(stderr.contains("choose another id"), "{stderr}");

    // A code whose anchor is the theme's is reported at the code, with the way out.
    let catalog = GOOD_CATALOG
        .replace("code = \"PG-1001\"", "code = \"main\"")
        .replace("range = \"PG-1xxx\"\n", "");
    site(dir.path(), &catalog);
    let errors = check(dir.path());
    assert_eq!(
        errors,
        owned(vec![(
            "code anchor `main` is an id the theme already uses on every page".into(),
            &located("catalog/errors.toml", &catalog, "\"main\"\ncategory"),
        )]),
    );
}

/// Regression: a page with an id written twice was dropped from the link check, so the links
/// to it were reported broken as well (a cascade). Now only the duplicate is reported.
#[test]
fn an_id_written_twice_on_a_page_breaks_no_link_to_it() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), GOOD_CATALOG);
    std::fs::write(
        dir.path().join("content/guide.md"),
        format!("{GUIDE}\n<div id=\"twice\"></div>\n<div id=\"twice\"></div>\n"),
    )
    .unwrap();
    let errors = check(dir.path());
    assert_eq!(
        errors,
        owned(vec![(
            "duplicate anchor on this page `twice`".into(),
            "content/guide.md"
        )]),
    );
}

/// A catalog large enough to be parsed in parts and read 256 codes at a time, with a mistake
/// in codes of different runs (the first, one in the middle, the last): each is reported once,
/// at its line, and nothing else.
#[test]
fn mistakes_in_every_run_of_a_large_catalog_are_each_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut catalog =
        String::from("[[category]]\nid = \"auth\"\ntitle = \"Auth\"\nrange = \"PG-xxxx\"\n");
    let wrong = [0, 300, 1_499, 2_999];
    for i in 0..3_000 {
        let key = if wrong.contains(&i) { "fixx" } else { "fix" };
        catalog.push_str(&format!(
            "\n[[code]]\ncode = \"PG-{i:04}\"\ncategory = \"auth\"\nmessage = \"Code {i} of the \
             large catalog, with a message long enough to make it several parts\"\nstatus = 400\n\
             {key} = \"Send it again with the `field_{i}` value fixed.\"\n"
        ));
    }
    assert!(catalog.len() > 256 * 1024, "{} bytes", catalog.len());
    site(root, &catalog);
    let expected: Vec<(String, String)> = wrong
        .iter()
        .map(|i| {
            let needle = format!("fixx = \"Send it again with the `field_{i}`");
            (
                "unknown key `fixx` in [[code]]".to_string(),
                located("catalog/errors.toml", &catalog, &needle),
            )
        })
        .collect();
    assert_eq!(check(root), expected);
}

/// `code` written as a value instead of `[[code]]` tables: one error at the value, with the
/// way to write it; an array holding something other than tables: one error per such item,
/// and the tables in it are read.
#[test]
fn codes_not_written_as_tables_are_one_error_each() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let catalog = "code = \"PG-1001\"\n\n[[category]]\nid = \"auth\"\ntitle = \"Auth\"\n";
    site(root, catalog);
    let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_reported(
        &stderr(&out),
        "`code` must be an array of tables, found a string",
        &located("catalog/errors.toml", catalog, "\"PG-1001\""),
        "code = \"PG-1001\"",
        "write it as `[[code]]` sections",
    );
    assert_eq!(errors_of(&stderr(&out)).len(), 1, "{}", stderr(&out));

    let catalog = "code = [5, { code = \"PG-1001\", category = \"auth\", message = \"m\", \
                   status = 401, fixx = \"f\" }]\n\n\
                   [[category]]\nid = \"auth\"\ntitle = \"Auth\"\n";
    site(root, catalog);
    let at = |needle: &str| located("catalog/errors.toml", catalog, needle);
    assert_eq!(
        check(root),
        owned(vec![
            (
                "`[[code]]` must be a table, found an integer".into(),
                &at("5,")
            ),
            ("unknown key `fixx` in [[code]]".into(), &at("fixx")),
        ])
    );
}
