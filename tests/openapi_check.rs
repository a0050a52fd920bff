//! `errdocs check --openapi`: the error statuses of OpenAPI documents (YAML and JSON, written
//! here and real ones from public repositories) against the catalog's, with the real binary on
//! real temp directories.

mod common;

use std::path::Path;

use common::{errdocs, repo, stderr, write_files};

/// Active statuses: 400, 401, 404, 429 (two codes), 500. A removed code has 410.
const CATALOG: &str = r#"
[[envelope]]
id = "error"
title = "Error envelope"
example = '''
{ "error": { "code": "bad_request", "message": "Bad request" } }
'''

[[category]]
id = "all"
title = "All"
columns = ["code", "message", "status"]

[[code]]
code = "bad_request"
category = "all"
message = "Bad request"
status = 400

[[code]]
code = "unauthorized"
category = "all"
message = "Missing API key"
status = 401

[[code]]
code = "not_found"
category = "all"
message = "No such pet"
status = 404

[[code]]
code = "gone"
category = "all"
message = "Pet adopted"
status = 410
removed = { since = "2026-01", why = "Adopted pets are kept." }

[[code]]
code = "rate_limit"
category = "all"
message = "Too many requests"
status = 429

[[code]]
code = "quota_exceeded"
category = "all"
message = "Quota exceeded"
status = 429

[[code]]
code = "internal"
category = "all"
message = "Internal error"
status = 500
"#;

/// A spec (YAML) declaring 400, 404 (by `$ref`), 409, 410, 418, `5XX`, and a bad `$ref`.
const SPEC: &str = r#"openapi: 3.1.0
info:
  title: Pets
  version: "1"
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
        '404':
          $ref: '#/components/responses/NotFound'
        '409':
          description: conflict
        default:
          description: anything else
    post:
      responses:
        "400": {description: bad}
        '410': {description: gone}
        418:
          $ref: '#/components/responses/Teapot'
        5XX:
          description: server
        x-internal: {}
components:
  responses:
    NotFound:
      description: not found
"#;

/// The same document as JSON, indented with tabs.
const SPEC_JSON: &str = "{\n\t\"openapi\": \"3.0.3\",\n\t\"info\": {\"title\": \"Pets\", \"version\": \"1\"},\n\t\"paths\": {\n\t\t\"/pets\": {\n\t\t\t\"get\": {\n\t\t\t\t\"responses\": {\n\t\t\t\t\t\"200\": {\"description\": \"ok \\ud83d\\udc36\"},\n\t\t\t\t\t\"404\": {\"$ref\": \"#/components/responses/NotFound\"},\n\t\t\t\t\t\"409\": {\"description\": \"conflict\"},\n\t\t\t\t\t\"default\": {\"description\": \"anything else\"}\n\t\t\t\t}\n\t\t\t},\n\t\t\t\"post\": {\n\t\t\t\t\"responses\": {\n\t\t\t\t\t\"400\": {\"description\": \"bad\"},\n\t\t\t\t\t\"410\": {\"description\": \"gone\"},\n\t\t\t\t\t\"418\": {\"$ref\": \"#/components/responses/Teapot\"},\n\t\t\t\t\t\"5XX\": {\"description\": \"server\"}\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t},\n\t\"components\": {\"responses\": {\"NotFound\": {\"description\": \"not found\"}}}\n}\n";

fn site(root: &Path, catalog: &str, config_extra: &str) {
    write_files(
        root,
        &[
            ("errdocs.toml", &format!("title = \"Pets\"\n{config_extra}")),
            ("catalog/errors.toml", catalog),
            (
                "content/errors.md",
                "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\n```\n",
            ),
        ],
    );
}

fn check(root: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["check", "--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = errdocs(&all);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

/// `file:line:col severity: message` for each diagnostic, in order.
fn findings(err: &str) -> Vec<String> {
    let lines: Vec<&str> = err.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if (l.starts_with("error: ") || l.starts_with("warning: "))
            && !l.starts_with("error: check failed")
        {
            let at = lines
                .get(i + 1)
                .and_then(|n| n.split("--> ").nth(1))
                .unwrap_or("");
            out.push(format!("{at} {l}"));
        }
    }
    out
}

fn without_time(s: &str) -> String {
    s.lines()
        .map(|l| l.rsplit_once(" (").map_or(l, |(a, _)| a))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The findings on `SPEC` (sorted by file: the spec's path is absolute, so it comes first).
fn expected(spec: &str, lines: [&str; 3]) -> Vec<String> {
    vec![
        format!("{spec}:{} error: `GET /pets` declares status 409 but no catalog code has it", lines[0]),
        format!("{spec}:{} error: `POST /pets` declares status 418 but no catalog code has it", lines[1]),
        format!("{spec}:{} error: `$ref: #/components/responses/Teapot` points at nothing in the document", lines[2]),
        "catalog/errors.toml:21:8 warning: status 401 (code `unauthorized`) is declared by no operation of SPEC".replace("SPEC", spec),
        "catalog/errors.toml:40:8 warning: status 429 (codes `rate_limit`, `quota_exceeded`) is declared by no operation of SPEC".replace("SPEC", spec),
    ]
}

#[test]
fn yaml_findings_each_at_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, CATALOG, "");
    let spec = tmp.path().join("openapi.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let s = spec.to_str().unwrap();
    let (code, out, err) = check(&root, &["--openapi", s]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        findings(&err),
        expected(s, ["13:9", "21:9", "22:17"]),
        "{err}"
    );
    // The offending text is shown and underlined, with a hint.
    assert!(
        err.contains("13 |         '409':\n   |         ^^^^^\n"),
        "{err}"
    );
    assert!(
        err.contains("add the codes the API returns with 409"),
        "{err}"
    );
    assert!(err.contains("declare a `'429'` response"), "{err}");
    // The warnings point at the first code with the status, in the catalog.
    assert!(err.contains("40 | code = \"rate_limit\""), "{err}");
    assert!(
        err.contains(
            "error: check failed: Checked 2 operations of {s} against 7 codes (5 statuses): 3 errors, 2 warnings"
                .replace("{s}", s)
                .as_str()
        ),
        "{err}"
    );
    // Deterministic: the same output again.
    let (_, _, again) = check(&root, &["--openapi", s]);
    assert_eq!(without_time(&err), without_time(&again));
}

#[test]
fn json_gives_the_same_findings_at_its_own_positions() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, CATALOG, "");
    let spec = tmp.path().join("openapi.json");
    std::fs::write(&spec, SPEC_JSON).unwrap();
    let s = spec.to_str().unwrap();
    let (code, _, err) = check(&root, &["--openapi", s]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        findings(&err),
        expected(s, ["10:6", "18:6", "18:22"]),
        "{err}"
    );
}

#[test]
fn warnings_alone_exit_zero_and_strict_makes_them_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, CATALOG, "");
    let spec = tmp.path().join("api.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '400': {description: x}\n        '404': {description: x}\n        '5XX': {description: x}\n",
    )
    .unwrap();
    let s = spec.to_str().unwrap();
    let (code, out, err) = check(&root, &["--openapi", s]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(findings(&err).len(), 2, "{err}");
    assert!(out.contains("0 errors, 2 warnings"), "{out}");
    let (code, _, err) = check(&root, &["--openapi", s, "--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: status 401 (code `unauthorized`) is declared by no operation"),
        "{err}"
    );
    // A range declares every status in it: `4XX` covers 401 and 429.
    std::fs::write(
        &spec,
        "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        4XX: {description: x}\n        5XX: {description: x}\n",
    )
    .unwrap();
    let (code, out, err) = check(&root, &["--openapi", s, "--strict"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
}

#[test]
fn a_range_no_catalog_status_falls_in_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let only_4xx = CATALOG
        .replace("status = 500", "status = 404")
        .replace("status = 429", "status = 404");
    site(&root, &only_4xx, "");
    let spec = tmp.path().join("api.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        '2XX': {description: x}\n        4XX: {description: x}\n        5xx: {description: x}\n        teapot: {description: x}\n",
    )
    .unwrap();
    let s = spec.to_str().unwrap();
    let (code, _, err) = check(&root, &["--openapi", s]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        findings(&err),
        vec![
            format!(
                "{s}:8:9 error: `GET /a` declares `5XX` but no catalog code has a status from 500 to 599"
            ),
            format!("{s}:9:9 error: `teapot` in the responses of `GET /a` is not an HTTP status"),
        ],
        "{err}"
    );
}

#[test]
fn an_unparsable_or_foreign_document_is_an_error_at_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, CATALOG, "");
    let cases: [(&str, &str, &str); 5] = [
        (
            "broken.yaml",
            "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses: {'404': [1, 2}\n",
            "5:31 error: the OpenAPI document is not valid YAML or JSON: while parsing a flow sequence, expected ',' or ']'",
        ),
        (
            "broken.json",
            "{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {\"/a\": {\"get\": }\n}\n",
            "3:27 error: the OpenAPI document is not valid YAML or JSON",
        ),
        (
            "swagger12.yaml",
            "swagger: '1.2'\npaths: {}\n",
            "1:10 error: `swagger: 1.2` is not an OpenAPI version errdocs reads",
        ),
        (
            "empty.yaml",
            "",
            "1:1 error: not an OpenAPI document: it has no `openapi` version",
        ),
        (
            "paths.yaml",
            "openapi: 3.0.0\npaths: [a, b]\n",
            "2:8 error: `paths` must be a mapping of paths",
        ),
    ];
    for (name, text, want) in cases {
        let spec = tmp.path().join(name);
        std::fs::write(&spec, text).unwrap();
        let s = spec.to_str().unwrap();
        let (code, _, err) = check(&root, &["--openapi", s]);
        assert_eq!(code, 1, "{name}: {err}");
        let found = findings(&err);
        // One error, and no status warnings: what the document declares is unknown.
        assert_eq!(found.len(), 1, "{name}: {err}");
        assert!(
            found[0].starts_with(&format!("{s}:{want}")),
            "{name}: {}\n{err}",
            found[0]
        );
    }
    // A missing document named on the command line.
    let missing = tmp.path().join("nope.yaml");
    let (code, _, err) = check(&root, &["--openapi", missing.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("could not read the OpenAPI document") && err.contains("nope.yaml"),
        "{err}"
    );
}

#[test]
fn check_table_in_config_relative_to_the_site_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(
        &root,
        CATALOG,
        "[check]\nopenapi = [\"api/openapi.yaml\", \"api/missing.yaml\"]\n",
    );
    write_files(&root, &[("api/openapi.yaml", SPEC)]);
    let (code, _, err) = check(&root, &[]);
    assert_eq!(code, 1, "{err}");
    let found = findings(&err);
    // The missing file is reported where errdocs.toml names it.
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("errdocs.toml:3:32 error: could not read the OpenAPI document")),
        "{err}"
    );
    let spec = root.join("api/openapi.yaml");
    assert!(
        found.iter().any(|f| f.starts_with(&format!(
            "{}:13:9 error: `GET /pets` declares status 409",
            spec.display()
        ))),
        "{err}"
    );
    // An unknown key of [check] is an error of the config.
    let root2 = tmp.path().join("site2");
    site(&root2, CATALOG, "[check]\nopenapi = []\nopenap = 1\n");
    let (code, _, err) = check(&root2, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("openap"), "{err}");
}

#[test]
fn check_without_the_flag_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, CATALOG, "");
    let (code, out, err) = check(&root, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(
        out.starts_with("Checked 1 pages, 7 codes in 1 categories in "),
        "{out}"
    );
    assert!(!out.contains("operations"), "{out}");
}

/// Real documents nobody here wrote: Redocly's Museum API (3.1, errors by `$ref` to
/// `components.responses`) and the USPTO Data Set API as YAML and JSON.
#[test]
fn real_public_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    // Without 401 in the catalog: the Museum API's `'401'` is an error at its key.
    site(&root, &CATALOG.replace("status = 401", "status = 400"), "");
    let fixtures = repo().join("tests/fixtures/openapi");
    let museum = fixtures.join("museum.yaml");
    let m = museum.to_str().unwrap();
    let (code, _, err) = check(&root, &["--openapi", m]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        findings(&err),
        vec![
            format!("{m}:163:9 error: `DELETE /special-events/{{eventId}}` declares status 401 but no catalog code has it"),
            "catalog/errors.toml:40:8 warning: status 429 (codes `rate_limit`, `quota_exceeded`) is declared by no operation of M".replace("M", m),
            "catalog/errors.toml:52:8 warning: status 500 (code `internal`) is declared by no operation of M".replace("M", m),
        ],
        "{err}"
    );
    assert!(err.contains("Checked 8 operations"), "{err}");
    // The USPTO API declares only 404: the same findings from its YAML and its JSON.
    let mut outputs = Vec::new();
    for name in ["uspto.yaml", "uspto.json"] {
        let spec = fixtures.join(name);
        let (code, out, err) = check(&root, &["--openapi", spec.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Checked 3 operations"), "{out}");
        outputs.push(findings(&err.replace(name, "SPEC")));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0].len(), 3, "{:?}", outputs[0]);
}

/// `errdocs export openapi` declares a response per catalog status: checked against the
/// catalog it came from (the four sample sites, and a temp one), no findings, even `--strict`; once the catalog changes, both directions show.
#[test]
fn the_export_round_trips() {
    let samples = [
        "",
        "examples/grpc",
        "examples/twilio",
        "examples/promptgate",
    ];
    for site_root in samples.map(|s| repo().join(s)) {
        let tmp = tempfile::tempdir().unwrap();
        let spec = tmp.path().join("errors.openapi.json");
        let r = site_root.to_str().unwrap();
        let out = errdocs(&[
            "export",
            "openapi",
            "--root",
            r,
            "-o",
            spec.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let (code, out, err) = check(
            &site_root,
            &["--openapi", spec.to_str().unwrap(), "--strict"],
        );
        assert_eq!(code, 0, "{r}: {err}");
        assert!(findings(&err).is_empty(), "{r}: {err}");
        assert!(out.contains("0 errors, 0 warnings"), "{r}: {out}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, CATALOG, "");
    let spec = tmp.path().join("errors.openapi.json");
    let r = root.to_str().unwrap();
    let out = errdocs(&[
        "export",
        "openapi",
        "--root",
        r,
        "-o",
        spec.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (code, _, err) = check(&root, &["--openapi", spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(findings(&err).is_empty(), "{err}");
    // The catalog moves on: 429 becomes 503, the export is stale.
    site(&root, &CATALOG.replace("status = 429", "status = 503"), "");
    let (code, _, err) = check(&root, &["--openapi", spec.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let found = findings(&err);
    assert_eq!(found.len(), 2, "{err}");
    assert!(
        found[0]
            .contains(".json:186:7 error: `components.responses.Status429` declares status 429"),
        "{err}"
    );
    assert!(
        found[1].starts_with("catalog/errors.toml:40:8 warning: status 503"),
        "{err}"
    );
}

/// Hostile or odd input ends in a located error or a normal result, never a crash or a hang:
/// nesting 200,000 deep, aliases of aliases (a billion-laughs document), bytes that are not
/// UTF-8, CRLF line endings.
#[test]
fn hostile_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, CATALOG, "");
    let mut lol = String::from("openapi: 3.1.0\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let items = vec![format!("*a{}", i - 1); 9].join(", ");
        lol.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    lol.push_str("paths:\n  /x:\n    get:\n      responses:\n        '400':\n          $ref: '#/a11/8/8/8/9'\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "deep.yaml",
            format!("openapi: 3.1.0\npaths: {}{}\n", "[".repeat(200_000), "]".repeat(200_000))
                .into_bytes(),
            ":2:",
        ),
        ("lol.yaml", lol.into_bytes(), ":19:17 error: `$ref: #/a11/8/8/8/9` points at nothing"),
        ("bin.yaml", b"openapi: 3.1.0\n\xff\xfe\x00".to_vec(), ":2:1 error: this file is not valid UTF-8"),
        (
            "crlf.yaml",
            b"openapi: 3.1.0\r\npaths:\r\n  /a:\r\n    get:\r\n      responses:\r\n        '499': {}\r\n"
                .to_vec(),
            ":6:9 error: `GET /a` declares status 499",
        ),
    ];
    for (name, bytes, want) in cases {
        let spec = tmp.path().join(name);
        std::fs::write(&spec, bytes).unwrap();
        let s = spec.to_str().unwrap();
        let (code, _, err) = check(&root, &["--openapi", s]);
        assert_eq!(code, 1, "{name}: {err}");
        let found = findings(&err);
        assert!(
            found
                .first()
                .is_some_and(|f| f.starts_with(&format!("{s}{want}"))),
            "{name}: {err}"
        );
    }
}
