//! Published URLs keep working: a page per code, aliases and tombstones, errors.json (valid
//! against its schema) and urls.txt, and `check --against` catching what a release broke.

mod common;
use common::*;
use std::path::Path;

/// Resolves a site path with optional fragment inside a built output directory.
fn resolves(out: &Path, url: &str) -> bool {
    let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
    let rel = path.trim_start_matches('/');
    let file = if rel.is_empty() || rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else if rel.contains('.') {
        out.join(rel)
    } else {
        out.join(rel).join("index.html")
    };
    let Ok(html) = std::fs::read_to_string(&file) else {
        return false;
    };
    fragment.is_empty() || html.contains(&format!(" id=\"{fragment}\""))
}

#[test]
fn both_samples_have_a_page_per_code_and_every_docs_link_and_export_url_resolves() {
    for (site, base) in [
        (repo(), "https://patchguard.ai"),
        (
            repo().join("examples/promptgate"),
            "https://docs.promptgate.example",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build_ok(&site, &out);
        let json: serde_json::Value =
            serde_json::from_str(&read(&out.join("errors.json"))).unwrap();
        let codes = json["codes"].as_array().unwrap();
        assert!(codes.len() >= 47);
        for code in codes {
            let anchor = code["anchor"].as_str().unwrap();
            let page = out.join("errors").join(anchor).join("index.html");
            assert!(page.is_file(), "no page for {anchor}");
            for key in ["docs", "url", "reference"] {
                let url = code[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{anchor}: {key}"));
                let path = url
                    .strip_prefix(base)
                    .unwrap_or_else(|| panic!("{url} is absolute"));
                assert!(
                    resolves(&out, path),
                    "{anchor}: {key} {url} does not resolve"
                );
            }
        }
        // Every docs link written in the catalog.
        for line in read(&site.join("catalog/errors.toml")).lines() {
            if let Some(link) = line
                .strip_prefix("docs = \"")
                .and_then(|l| l.strip_suffix('"'))
            {
                let link = link.replace("/guide#", "/guide/#");
                assert!(resolves(&out, &link), "docs link {link}");
            }
        }
        // urls.txt lists only what resolves.
        let urls = read(&out.join("urls.txt"));
        for url in urls.lines().filter(|l| !l.starts_with('#')) {
            assert!(resolves(&out, url), "urls.txt lists {url}");
        }
    }
}

#[test]
fn errors_json_validates_against_its_schema_and_lists_every_code() {
    let sites = [
        (repo(), 47),
        (repo().join("examples/promptgate"), 48),
        (repo().join("examples/grpc"), 17),
        (repo().join("examples/twilio"), 73),
    ];
    for (site, count) in sites {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build_ok(&site, &out);
        let schema: serde_json::Value =
            serde_json::from_str(&read(&out.join("errors.schema.json"))).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&read(&out.join("errors.json"))).unwrap();
        let validator =
            jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(doc["codes"].as_array().unwrap().len(), count);
        // And the schema is not vacuous: a broken document fails.
        let mut broken = doc.clone();
        broken["codes"][0]["state"] = "gone".into();
        assert!(!validator.is_valid(&broken));
    }
    // Integer codes stay integers.
    let dir = tempfile::tempdir().unwrap();
    build_ok(&repo().join("examples/promptgate"), &dir.path().join("p"));
    let doc: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("p/errors.json"))).unwrap();
    let codes = doc["codes"].as_array().unwrap();
    assert!(codes.iter().any(|c| c["code"] == serde_json::json!(-32602)));
    assert!(
        codes
            .iter()
            .any(|c| c["code"] == serde_json::json!("-32000..-32099"))
    );
}

const CONFIG: &str = "title = \"T\"\nbase_url = \"https://api.example.com\"\n";
const PAGE: &str = "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\nstatuses\n```\n";

fn catalog(codes: &str) -> String {
    format!(
        r#"[[envelope]]
id = "error"
title = "Envelope"
example = '{{"error": {{"code": "X-1001", "message": "m"}}}}'

[[envelope.field]]
name = "error.code"
from = "code"

[[envelope.field]]
name = "error.message"
from = "message"

[[category]]
id = "auth"
title = "Auth"
range = "X-1xxx"

{codes}"#
    )
}

const KEPT: &str = "[[code]]\ncode = \"X-1001\"\ncategory = \"auth\"\nmessage = \"Kept\"\nstatus = 401\nfix = \"f\"\n";
const OLD: &str = "[[code]]\ncode = \"X-1002\"\ncategory = \"auth\"\nmessage = \"Old name\"\nstatus = 403\nfix = \"f\"\n";

fn release(root: &Path, codes: &str, out: &Path) {
    write_files(
        root,
        &[
            ("errdocs.toml", CONFIG),
            ("catalog/errors.toml", &catalog(codes)),
            ("content/errors.md", PAGE),
        ],
    );
    build_ok(root, out);
}

fn check_against(root: &Path, old: &Path) -> (bool, String, String) {
    let out = errdocs(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--against",
        old.to_str().unwrap(),
    ]);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

#[test]
fn renaming_a_code_with_an_alias_keeps_the_old_url_and_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let v1 = dir.path().join("v1");
    release(&root, &format!("{KEPT}\n{OLD}"), &v1);
    assert!(resolves(&v1, "/errors/X-1002/"));

    let renamed = "[[code]]\ncode = \"X-1009\"\ncategory = \"auth\"\nmessage = \"New name\"\nstatus = 403\nfix = \"f\"\naliases = [\"X-1002\", \"/old/forbidden/\"]\n";
    let v2 = dir.path().join("v2");
    release(&root, &format!("{KEPT}\n{renamed}"), &v2);
    // The old code page redirects without JavaScript, with a canonical link and a visible link.
    let redirect = read(&v2.join("errors/X-1002/index.html"));
    assert!(
        redirect.contains("<meta http-equiv=\"refresh\" content=\"0; url=/errors/X-1009/\">"),
        "{redirect}"
    );
    assert!(
        redirect
            .contains("<link rel=\"canonical\" href=\"https://api.example.com/errors/X-1009/\">")
    );
    assert!(redirect.contains("<a href=\"/errors/X-1009/\">"));
    assert!(!redirect.contains("<script"));
    // An old URL too.
    assert!(read(&v2.join("old/forbidden/index.html")).contains("url=/errors/X-1009/"));
    // The old anchor on the reference page lands on the new row.
    let reference = read(&v2.join("errors/index.html"));
    assert!(resolves(&v2, "/errors/#X-1002"), "old anchor kept");
    let row = reference.find("<tr id=\"X-1009\"").unwrap();
    let old_anchor = reference.find(" id=\"X-1002\"").unwrap();
    let row_end = row + reference[row..].find("</tr>").unwrap();
    assert!(
        old_anchor > row && old_anchor < row_end,
        "the old anchor is inside the new row"
    );
    // The stability check agrees, against both manifests.
    for manifest in ["urls.txt", "errors.json"] {
        let (ok, stdout, err) = check_against(&root, &v1.join(manifest));
        assert!(ok, "{manifest}: {stdout}{err}");
    }
    // The code's page shows the envelope filled in with it.
    let page = read(&v2.join("errors/X-1009/index.html"));
    assert!(
        text(&page).contains("\"code\": \"X-1009\""),
        "{}",
        text(&page)
    );
    assert!(text(&page).contains("\"message\": \"New name\""));
    assert!(text(&page).contains("X-1002"), "it lists its former code");
}

#[test]
fn deleting_a_code_without_a_tombstone_fails_the_stability_check_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let v1 = dir.path().join("v1");
    release(&root, &format!("{KEPT}\n{OLD}"), &v1);
    release(&root, KEPT, &dir.path().join("v2"));
    let (ok, _, err) = check_against(&root, &v1.join("urls.txt"));
    assert!(!ok);
    assert!(
        err.contains("`/errors/#X-1002` was published before and no longer resolves"),
        "{err}"
    );
    assert!(
        err.contains("`/errors/X-1002/` was published before"),
        "{err}"
    );
    assert!(err.contains("--> "), "{err}");
    assert!(
        err.contains("urls.txt:"),
        "located in the old manifest: {err}"
    );
    let (ok, _, err) = check_against(&root, &v1.join("errors.json"));
    assert!(!ok);
    assert!(
        err.contains("(code `X-1002`) was published before"),
        "{err}"
    );

    // A tombstone keeps its page and anchor, marked removed, and satisfies the check.
    let tomb = format!(
        "{OLD}removed = {{ since = \"2026-11\", why = \"Merged into X-1001.\", replacement = \"X-1001\" }}\n"
    );
    let v3 = dir.path().join("v3");
    release(&root, &format!("{KEPT}\n{tomb}"), &v3);
    let (ok, stdout, err) = check_against(&root, &v1.join("urls.txt"));
    assert!(ok, "{stdout}{err}");
    let page = read(&v3.join("errors/X-1002/index.html"));
    assert!(page.contains("Removed"), "{page}");
    assert!(page.contains("2026-11"));
    let json: serde_json::Value = serde_json::from_str(&read(&v3.join("errors.json"))).unwrap();
    let old = json["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "X-1002")
        .unwrap();
    assert_eq!(old["state"], "removed");
    assert_eq!(old["replaced_by"], "X-1001");
}

#[test]
fn status_and_retry_changes_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let v1 = dir.path().join("v1");
    release(&root, &format!("{KEPT}\n{OLD}"), &v1);
    release(
        &root,
        &format!("{KEPT}\n{}", OLD.replace("403", "429")),
        &dir.path().join("v2"),
    );
    let (ok, stdout, err) = check_against(&root, &v1.join("errors.json"));
    assert!(ok, "{err}");
    assert!(
        stdout.contains("note: code X-1002: HTTP status changed from 403 to 429"),
        "{stdout}"
    );
}

#[test]
fn the_status_view_lists_codes_per_status() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    release(&root, &format!("{KEPT}\n{OLD}"), &out);
    let html = read(&out.join("errors/index.html"));
    let rows = rows(&html);
    let (_, cells) = rows
        .iter()
        .find(|(id, _)| id.as_deref() == Some("status-401"))
        .unwrap();
    assert_eq!(cells[0], "401 Unauthorized");
    assert_eq!(cells[1], "X-1001");
    assert!(
        rows.iter()
            .any(|(id, _)| id.as_deref() == Some("status-403"))
    );
}
