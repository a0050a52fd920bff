//! `errdocs check --source`: drift between the catalog and a fake API source tree written in
//! several languages, on real temp directories with the real binary.

mod common;

use std::path::Path;

use common::{errdocs, stderr, write_files};

const CATALOG: &str = r#"
[[envelope]]
id = "error"
title = "Error envelope"
example = '''
{ "error": { "code": "AC-1001", "message": "Missing API key" } }
'''

[[category]]
id = "auth"
title = "Authentication"
columns = ["code", "message", "status"]
range = "AC-1xxx"

[[category]]
id = "limits"
title = "Limits"
columns = ["code", "message", "status"]

[[category]]
id = "rpc"
title = "JSON-RPC"
columns = ["code", "message", "status"]

[[code]]
code = "AC-1001"
category = "auth"
message = "Missing API key"
status = 401

[[code]]
code = "AC-1002"
category = "auth"
message = "Invalid API key"
status = 401

[[code]]
code = "AC-1003"
category = "auth"
message = "Key expired"
status = 401
removed = { since = "2026-01", why = "Keys no longer expire.", replacement = "AC-1002" }

[[code]]
code = "AC-1004"
category = "auth"
message = "Old key format"
status = 401
deprecated = true

[[code]]
code = "AC-1005"
category = "auth"
message = "Nobody returns this"
status = 403

[[code]]
code = "rate_limit"
category = "limits"
message = "Too many requests"
status = 429

[[code]]
code = "quota_exceeded"
category = "limits"
message = "Quota exceeded"
status = 429

[[code]]
code = -32602
category = "rpc"
message = "Invalid params"
status = 400
"#;

fn site(root: &Path, config_extra: &str) {
    write_files(
        root,
        &[
            ("errdocs.toml", &format!("title = \"Acme\"\n{config_extra}")),
            ("catalog/errors.toml", CATALOG),
            (
                "content/errors.md",
                "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\n```\n",
            ),
        ],
    );
}

/// A fake API: Python, Go, TypeScript and Rust, plus things the scan must skip.
fn api(dir: &Path) {
    write_files(
        dir,
        &[
            (
                "py/auth.py",
                "def missing():\n    return {\"code\": \"AC-1001\"}\n\ndef typo():\n    return {\"code\": \"AC-1099\"}  # not in the catalog\n",
            ),
            (
                "go/limits.go",
                "package limits\n\nconst RateLimit = \"rate_limit\"\n// rate_limit in a comment is not a literal\nvar notACode = \"AC-10011\" + \"XAC-1002\"\n",
            ),
            (
                "ts/rpc.ts",
                "export const INVALID_PARAMS = -32602;\nconst other = 1-32602.5;\nconst old = 'AC-1003';\n",
            ),
            (
                "rs/lib.rs",
                "pub const KEY: &str = \"AC-1002\"; // héllo\npub const Q: &str = \"quota_exceeded\";\n",
            ),
            ("vendor/.keep", ""),
            ("ignored/gen.py", "X = \"AC-7777\"\n"),
            (".gitignore", "ignored/\n"),
            (".hidden/x.py", "X = \"AC-8888\"\n"),
        ],
    );
    std::fs::write(dir.join("blob.bin"), b"AC-9999\0\x01\x02").unwrap();
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

/// The `--> file:line:col` lines and messages, in order.
fn findings(err: &str) -> Vec<String> {
    let lines: Vec<&str> = err.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("error: code") || l.starts_with("warning: code") {
            let at = lines
                .get(i + 1)
                .and_then(|n| n.split("--> ").nth(1))
                .unwrap_or("");
            out.push(format!("{at} {l}"));
        }
    }
    out
}

#[test]
fn reports_unknown_removed_and_unused_codes_at_file_line_col() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, "");
    let src = tmp.path().join("api");
    api(&src);
    let (code, _, err) = check(&root, &["--source", src.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let s = src.display();
    assert_eq!(
        findings(&err),
        vec![
            format!(
                "{s}/py/auth.py:5:22 error: code `AC-1099` is used in the source but not defined in the catalog"
            ),
            format!(
                "{s}/ts/rpc.ts:3:14 error: code `AC-1003` is removed from the API (since 2026-01) but the source still uses it"
            ),
            "catalog/errors.toml:52:8 warning: code `AC-1005` is in the catalog but no scanned source file mentions it".to_string(),
        ],
        "{err}"
    );
    // The offending text is shown and underlined, with the hints.
    assert!(
        err.contains("    return {\"code\": \"AC-1099\"}  # not in the catalog\n  |                      ^^^^^^^\n"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `AC-1009`") || err.contains("the docs link `/errors/AC-1099/`"),
        "{err}"
    );
    assert!(err.contains("return `AC-1002` instead"), "{err}");
    // Ignored, hidden and binary files were skipped; the summary counts text files only.
    for skipped in ["AC-7777", "AC-8888", "AC-9999"] {
        assert!(!err.contains(skipped), "{skipped} scanned:\n{err}");
    }
    assert!(err.contains("Scanned 4 files"), "{err}");
    // Stable: the same output twice.
    let (_, _, again) = check(&root, &["--source", src.to_str().unwrap()]);
    let without_time = |s: &str| {
        s.rsplit_once(" (")
            .map_or(s.to_string(), |(a, _)| a.to_string())
    };
    assert_eq!(without_time(&err), without_time(&again));
}

#[test]
fn unused_codes_warn_and_strict_makes_them_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, "");
    let src = tmp.path().join("api");
    write_files(
        &src,
        &[(
            "app.py",
            "CODES = ['AC-1001', 'AC-1002', \"rate_limit\", `quota_exceeded`]\nRPC = {-32602: 'bad'}\n",
        )],
    );
    let (code, out, err) = check(&root, &["--source", src.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        findings(&err),
        vec![
            "catalog/errors.toml:52:8 warning: code `AC-1005` is in the catalog but no scanned source file mentions it"
        ],
    );
    assert!(out.contains("Scanned 1 file "), "{out}");
    assert!(out.contains("0 errors, 1 warning"), "{out}");
    let (code, _, err) = check(&root, &["--source", src.to_str().unwrap(), "--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: code `AC-1005` is in the catalog"),
        "{err}"
    );
}

#[test]
fn source_table_in_config_with_globs_and_pattern() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(
        &root,
        "[source]\ndirs = [\"../api\"]\ninclude = [\"*.go\", \"*.py\"]\nexclude = [\"py/legacy/\"]\n",
    );
    let src = tmp.path().join("api");
    write_files(
        &src,
        &[
            ("py/new.py", "X = 'AC-1001'\nY = 'AC-1234'\n"),
            ("py/legacy/old.py", "X = 'AC-4321'\n"),
            ("web/app.ts", "const x = 'AC-5555';\n"),
        ],
    );
    // `check` alone scans `[source] dirs`: the Go/Python include and the exclude apply.
    let (code, _, err) = check(&root, &[]);
    assert_eq!(code, 1, "{err}");
    let unknown: Vec<String> = findings(&err)
        .into_iter()
        .filter(|f| f.contains(" error: "))
        .collect();
    assert_eq!(unknown.len(), 1, "{err}");
    assert!(
        unknown[0].contains("py/new.py:2:6 error: code `AC-1234`"),
        "{err}"
    );

    // A pattern replaces the derived shapes: here only `ERR(...)` calls count.
    let root2 = tmp.path().join("site2");
    site(
        &root2,
        "[source]\ndirs = [\"../api2\"]\npattern = 'ERR\\(\"(AC-\\d+)\"\\)'\n",
    );
    write_files(
        &tmp.path().join("api2"),
        &[(
            "h.go",
            "ERR(\"AC-1001\")\nlog(\"AC-4444\")\nERR(\"AC-31\")\n",
        )],
    );
    let (code, _, err) = check(&root2, &[]);
    assert_eq!(code, 1, "{err}");
    let errors: Vec<String> = findings(&err)
        .into_iter()
        .filter(|f| f.contains(" error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains("h.go:3:6 error: code `AC-31`"), "{err}");

    // A pattern that is no regex is an error naming it.
    let root3 = tmp.path().join("site3");
    site(&root3, "[source]\ndirs = [\".\"]\npattern = \"AC-(\"\n");
    let (code, _, err) = check(&root3, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("invalid `[source] pattern` value `AC-(`"),
        "{err}"
    );
}

#[test]
fn the_site_itself_is_not_scanned_and_sample_site_passes_on_its_own_tree() {
    // Scanning a directory holding the site (catalog, pages) does not count the catalog as a
    // use: every code is reported unused, none unknown.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root, "");
    let (code, out, err) = check(&root, &["--source", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Scanned 0 files"), "{out}");
    assert!(!err.contains("error:"), "{err}");
}
