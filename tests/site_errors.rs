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
