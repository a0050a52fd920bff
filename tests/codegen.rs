//! `errdocs export LANG`: the generated modules of both sample sites, examples/grpc and a site
//! of awkward codes compile with the real toolchains (cargo, tsc --strict, go vet, mypy
//! --strict), are formatted as each ecosystem's formatter formats them (rustfmt, prettier,
//! gofmt, black), and look every code up to the same status, retry policy and documentation
//! URL as `errors.json` gives.
//!
//! The toolchains are cargo, rustfmt, go, node with `tests/codegen/node_modules` (`npm ci`
//! there) and python3 with mypy and black (`pip install mypy black`). A missing one makes a
//! test print why it is skipped, except under CI (`CI` set), where it fails: `.ci/run`
//! installs them.

mod common;
use common::*;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// A catalog of codes that are hard to turn into identifiers: punctuation, a leading minus,
/// dots, names equal after sanitizing, a keyword, the same code in two namespaces, quotes and
/// backslashes in messages, an entry without a code. No `base_url`: docs URLs are site paths.
const AWKWARD_CATALOG: &str = r#"
[[category]]
id = "general"
title = "General"
columns = ["code", "message"]

[[category]]
id = "proxy"
title = "Proxy"
namespace = "proxy"
columns = ["code", "message"]

[[code]]
code = "PG-1003"
category = "general"
message = "Invalid \"JSON\" body"
status = [400, 422]
retry = "never"

[[code]]
code = "PG_1003"
category = "general"
message = "It's the same identifier after sanitizing"
status = 400

[[code]]
code = "rate_limit"
category = "general"
message = "Too many requests"
status = 429
retry = "after-retry-after"

[[code]]
code = -32602
category = "general"
message = "Invalid params"

[[code]]
code = "card_declined.insufficient_funds"
category = "general"
message = "Insufficient funds"
status = 402

[[code]]
code = "Self"
category = "general"
message = "A keyword in Rust"
status = 500
retry = "backoff"

[[code]]
code = 429
category = "general"
message = "Back\\slash and tab\there"

[[code]]
code = "PG-1003"
category = "proxy"
message = "Upstream said PG-1003"
status = 502

[[code]]
name = "api_error"
category = "general"
message = "Something went wrong"
status = 500
"#;

/// The sites whose modules are checked: (name, site root). The temporary directory holds the
/// awkward site.
fn sites() -> (tempfile::TempDir, Vec<(&'static str, PathBuf)>) {
    let dir = tempfile::tempdir().unwrap();
    let awkward = dir.path().join("awkward");
    write_files(
        &awkward,
        &[
            ("errdocs.toml", "title = \"Awkward API\"\n"),
            ("catalog/errors.toml", AWKWARD_CATALOG),
            (
                "content/index.md",
                "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\n```\n",
            ),
        ],
    );
    let sites = vec![
        ("patchguard", repo()),
        ("promptgate", repo().join("examples/promptgate")),
        ("grpc", repo().join("examples/grpc")),
        ("awkward", awkward),
    ];
    (dir, sites)
}

/// The lookup keys to feed a program (every code's, then an unknown one) and the lines it must
/// print: `KEY\tCODE\tSTATUS\tRETRY\tDOCS`, or `KEY\tunknown`. Read from `errors.json`.
fn expected(root: &Path) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(root, &out);
    let json: Value = serde_json::from_str(&read(&out.join("errors.json"))).unwrap();
    let mut keys = String::new();
    let mut lines = String::new();
    for (key, index) in json["by_code"].as_object().unwrap() {
        let entry = &json["codes"][index["index"].as_u64().unwrap() as usize];
        let code = match &entry["code"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => entry["name"].as_str().unwrap().to_string(),
        };
        let status = entry["status"]
            .as_u64()
            .map_or(String::new(), |s| s.to_string());
        let retry = entry["retry"]["policy"].as_str().unwrap_or("");
        let docs = entry["docs"].as_str().unwrap();
        keys.push_str(&format!("{key}\n"));
        lines.push_str(&format!("{key}\t{code}\t{status}\t{retry}\t{docs}\n"));
    }
    assert!(json["by_code"].as_object().unwrap().len() >= 9, "{root:?}");
    keys.push_str("no-such-code\n");
    lines.push_str("no-such-code\tunknown\n");
    (keys, lines)
}

/// `errdocs export LANG --root ROOT [EXTRA...]` into `file`.
fn export(lang: &str, root: &Path, file: &Path, extra: &[&str]) {
    let mut args = vec![
        "export",
        lang,
        "--root",
        root.to_str().unwrap(),
        "--output",
        file.to_str().unwrap(),
    ];
    args.extend(extra);
    let out = errdocs(&args);
    assert!(out.status.success(), "export {lang}:\n{}", stderr(&out));
}

/// Runs a command to success (with `stdin` as its input) and returns its standard output.
fn run(cmd: &mut Command, stdin: &str) -> String {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{shown}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{shown} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether every tool runs (`program args` exits 0). When one does not: fails under CI,
/// else prints why the test is skipped.
fn have(tools: &[(&str, &[&str])]) -> bool {
    let missing: Vec<String> = tools
        .iter()
        .filter(|(program, args)| {
            !Command::new(program)
                .args(*args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(|(program, args)| format!("{program} {}", args.join(" ")))
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("missing toolchain under CI: {missing:?} (.ci/run installs them)");
    }
    eprintln!("skipped: missing {missing:?} (CI installs them and never skips)");
    false
}

fn node_bin(name: &str) -> String {
    repo()
        .join("tests/codegen/node_modules/.bin")
        .join(name)
        .display()
        .to_string()
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

const RUST_MAIN: &str = r#"use std::io::BufRead;

use errcheck::errors::ErrorCode;

fn main() {
    for line in std::io::stdin().lock().lines() {
        let key = line.unwrap();
        match key.parse::<ErrorCode>() {
            Ok(code) => {
                assert_eq!(code.to_string(), code.code());
                assert_eq!(code.key(), key);
                assert!(ErrorCode::ALL.contains(&code));
                let status = code.status().map_or(String::new(), |s| s.to_string());
                let retry = code.retry().map_or("", |r| r.name());
                println!("{key}\t{code}\t{status}\t{retry}\t{}", code.docs_url());
            }
            Err(e) => {
                assert_eq!(e.to_string(), "unknown error code");
                println!("{key}\tunknown");
            }
        }
    }
}
"#;

#[test]
fn rust_modules_compile_and_look_codes_up() {
    if !have(&[(&cargo(), &["--version"]), ("rustfmt", &["--version"])]) {
        return;
    }
    let (_dir, sites) = sites();
    for (name, root) in sites {
        let (keys, lines) = expected(&root);
        // The module is in a library (as in an SDK), so no generated item is dead code.
        let krate = tempfile::tempdir().unwrap();
        let src = krate.path().join("src");
        write_files(
            krate.path(),
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"errcheck\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                     [workspace]\n",
                ),
                ("src/lib.rs", "pub mod errors;\n"),
                ("src/main.rs", RUST_MAIN),
            ],
        );
        export("rust", &root, &src.join("errors.rs"), &[]);
        let module = read(&src.join("errors.rs"));
        assert!(
            module.starts_with("// generated by errdocs from catalog/errors.toml; do not edit\n")
        );
        run(
            Command::new("rustfmt")
                .args(["--edition", "2021", "--check"])
                .arg(src.join("errors.rs")),
            "",
        );
        let target = krate.path().join("target");
        for sub in ["check", "run"] {
            let out = run(
                Command::new(cargo())
                    .args([sub, "--offline", "--quiet"])
                    .env("CARGO_TARGET_DIR", &target)
                    .env("RUSTFLAGS", "-D warnings")
                    .current_dir(krate.path()),
                &keys,
            );
            if sub == "run" {
                assert_eq!(out, lines, "{name}");
            }
        }
    }
}

const TS_MAIN: &str = r#"import { ERRORS, isErrorCode, lookup } from "./errors";

const keys: string[] = KEYS;
if (!Object.isFrozen(ERRORS)) throw new Error("ERRORS is not frozen");
for (const key of keys) {
  const info = lookup(key);
  if (info === undefined) {
    console.log(key + "\tunknown");
    continue;
  }
  if (!isErrorCode(key) || ERRORS[key] !== info || !Object.isFrozen(info)) {
    throw new Error("bad entry " + key);
  }
  const status = info.statuses.length > 0 ? String(info.statuses[0]) : "";
  const retry = info.retry === null ? "" : info.retry;
  console.log([key, String(info.code), status, retry, info.docsUrl].join("\t"));
}
"#;

#[test]
fn typescript_modules_pass_tsc_strict_and_look_codes_up() {
    let tsc = node_bin("tsc");
    let prettier = node_bin("prettier");
    if !have(&[
        ("node", &["--version"]),
        (&tsc, &["--version"]),
        (&prettier, &["--version"]),
    ]) {
        return;
    }
    let (_dir, sites) = sites();
    for (name, root) in sites {
        let (keys, lines) = expected(&root);
        let dir = tempfile::tempdir().unwrap();
        let list: Vec<&str> = keys.lines().collect();
        let main = TS_MAIN.replace("KEYS", &serde_json::to_string(&list).unwrap());
        write_files(dir.path(), &[("main.ts", &main)]);
        export("typescript", &root, &dir.path().join("errors.ts"), &[]);
        run(
            Command::new(&prettier)
                .arg("--check")
                .arg("errors.ts")
                .current_dir(dir.path()),
            "",
        );
        run(
            Command::new(&tsc)
                .args(["--strict", "--noEmit", "errors.ts", "main.ts"])
                .current_dir(dir.path()),
            "",
        );
        run(
            Command::new(&tsc)
                .args([
                    "--strict",
                    "--target",
                    "es2020",
                    "--module",
                    "commonjs",
                    "--outDir",
                    "js",
                    "errors.ts",
                    "main.ts",
                ])
                .current_dir(dir.path()),
            "",
        );
        let out = run(
            Command::new("node")
                .arg("js/main.js")
                .current_dir(dir.path()),
            "",
        );
        assert_eq!(out, lines, "{name}");
    }
}

const GO_MAIN: &str = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"errcheck/PACKAGE"
)

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		key := scanner.Text()
		info, ok := PACKAGE.Lookup(key)
		if !ok {
			fmt.Printf("%s\tunknown\n", key)
			continue
		}
		code := PACKAGE.Code(key)
		if code.DocsURL() != info.DocsURL || code.Info().Key != code {
			panic(key)
		}
		status := ""
		if code.Status() != 0 {
			status = fmt.Sprint(code.Status())
		}
		fmt.Println(strings.Join([]string{key, info.Code, status, string(info.Retry), info.DocsURL}, "\t"))
	}
}
"#;

#[test]
fn go_packages_pass_go_vet_and_look_codes_up() {
    if !have(&[
        ("go", &["version"]),
        ("sh", &["-c", "echo 'package p' | gofmt -l"]),
    ]) {
        return;
    }
    let (_dir, sites) = sites();
    for (name, root) in sites {
        let (keys, lines) = expected(&root);
        // One site names its package; the others take the default.
        let package = if name == "grpc" {
            "grpccodes"
        } else {
            "errdocs"
        };
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &[
                ("go.mod", "module errcheck\n\ngo 1.19\n"),
                ("main.go", &GO_MAIN.replace("PACKAGE", package)),
            ],
        );
        let file = dir.path().join(package).join("errors.go");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let extra: &[&str] = if name == "grpc" {
            &["--package", "grpccodes"]
        } else {
            &[]
        };
        export("go", &root, &file, extra);
        assert!(read(&file).contains(&format!("\npackage {package}\n")));
        let unformatted = run(Command::new("gofmt").arg("-l").arg(&file), "");
        assert_eq!(unformatted, "", "{name}: gofmt would change it");
        let go = |args: &[&str]| {
            let mut cmd = Command::new("go");
            cmd.args(args)
                .current_dir(dir.path())
                .env("GOFLAGS", "-mod=mod")
                .env("GOPROXY", "off")
                .env("GO111MODULE", "on");
            cmd
        };
        run(&mut go(&["vet", "./..."]), "");
        let out = run(&mut go(&["run", "."]), &keys);
        assert_eq!(out, lines, "{name}");
    }
}

const PY_MAIN: &str = r#"import sys

from errors import ErrorCode

for line in sys.stdin:
    key = line.rstrip("\n")
    code = ErrorCode.lookup(key)
    if code is None:
        print(f"{key}\tunknown")
        continue
    assert code is ErrorCode(key) and code.info.key == key
    status = "" if code.status is None else str(code.status)
    print("\t".join([key, code.code, status, code.retry or "", code.docs_url]))
"#;

#[test]
fn python_modules_pass_mypy_strict_and_look_codes_up() {
    if !have(&[
        ("python3", &["-m", "mypy", "--version"]),
        ("python3", &["-m", "black", "--version"]),
    ]) {
        return;
    }
    let (_dir, sites) = sites();
    for (name, root) in sites {
        let (keys, lines) = expected(&root);
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &[("main.py", PY_MAIN)]);
        export("python", &root, &dir.path().join("errors.py"), &[]);
        let py = |args: &[&str]| {
            let mut cmd = Command::new("python3");
            cmd.args(args).current_dir(dir.path());
            cmd
        };
        run(&mut py(&["-m", "py_compile", "errors.py"]), "");
        run(&mut py(&["-m", "black", "--check", "-q", "errors.py"]), "");
        run(
            &mut py(&[
                "-m",
                "mypy",
                "--strict",
                "--cache-dir",
                ".mypy_cache",
                "errors.py",
                "main.py",
            ]),
            "",
        );
        let out = run(&mut py(&["main.py"]), &keys);
        assert_eq!(out, lines, "{name}");
    }
}

#[test]
fn exports_are_deterministic_and_identifiers_unique() {
    let (_dir, sites) = sites();
    let root = &sites[3].1;
    let tmp = tempfile::tempdir().unwrap();
    for lang in ["rust", "typescript", "go", "python"] {
        let a = errdocs(&["export", lang, "--root", root.to_str().unwrap()]);
        let b = errdocs(&["export", lang, "--root", root.to_str().unwrap()]);
        assert!(a.status.success(), "{}", stderr(&a));
        assert_eq!(a.stdout, b.stdout, "{lang}");
        export(lang, root, &tmp.path().join(lang), &[]);
        assert_eq!(std::fs::read(tmp.path().join(lang)).unwrap(), a.stdout);
    }
    let rust =
        String::from_utf8(errdocs(&["export", "rust", "--root", root.to_str().unwrap()]).stdout)
            .unwrap();
    for variant in [
        "    Pg1003,",
        "    Pg10032,",
        "    RateLimit,",
        "    Minus32602,",
        "    CardDeclinedInsufficientFunds,",
        "    Self_,",
        "    E429,",
        "    ProxyPg1003,",
        "    ApiError,",
    ] {
        assert!(rust.contains(&format!("\n{variant}\n")), "{variant}");
    }
    let python =
        String::from_utf8(errdocs(&["export", "python", "--root", root.to_str().unwrap()]).stdout)
            .unwrap();
    assert!(python.contains("\n    PG_1003_2 = \"PG_1003\"\n"));
    assert!(python.contains("\n    PROXY_PG_1003 = \"proxy:PG-1003\"\n"));
    // Without a base_url, documentation URLs are site paths.
    assert!(python.contains("docs_url=\"/errors/PG-1003/\""), "{python}");
}

#[test]
fn a_build_writes_the_exports_table() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    write_files(
        &site,
        &[
            (
                "errdocs.toml",
                "title = \"Awkward API\"\n\n[exports]\nrust = \"sdk/errors.rs\"\n\
                 typescript = \"errors.ts\"\ngo = \"errors.go\"\npython = \"errors.py\"\n\
                 go_package = \"apierrors\"\n",
            ),
            ("catalog/errors.toml", AWKWARD_CATALOG),
            (
                "content/index.md",
                "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncatalog\n```\n",
            ),
        ],
    );
    let out = dir.path().join("public");
    build_ok(&site, &out);
    for (lang, file) in [
        ("rust", "sdk/errors.rs"),
        ("typescript", "errors.ts"),
        ("go", "errors.go"),
        ("python", "errors.py"),
    ] {
        let exported = errdocs(&["export", lang, "--root", site.to_str().unwrap()]);
        assert_eq!(read(&out.join(file)).as_bytes(), exported.stdout, "{lang}");
    }
    assert!(read(&out.join("errors.go")).contains("\npackage apierrors\n"));

    // A path outside the output, and a package name Go refuses, are errors with their place.
    write_files(
        &site,
        &[(
            "errdocs.toml",
            "title = \"Awkward API\"\n\n[exports]\nrust = \"../errors.rs\"\ngo_package = \"func\"\n",
        )],
    );
    let failed = errdocs(&["check", "--root", site.to_str().unwrap()]);
    assert!(!failed.status.success());
    let err = stderr(&failed);
    assert!(
        err.contains("invalid `rust` value `../errors.rs` in [exports]"),
        "{err}"
    );
    assert!(err.contains("errdocs.toml:4:8"), "{err}");
    assert!(err.contains("`func` is not a Go package name"), "{err}");
    let bad = errdocs(&[
        "export",
        "go",
        "--root",
        repo().to_str().unwrap(),
        "--package",
        "Bad-Name",
    ]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("`Bad-Name` is not a Go package name"));
}

#[test]
fn openapi_documents_validate_and_link_every_code() {
    if !have(&[("python3", &["-c", "import openapi_spec_validator"])]) {
        return;
    }
    let (_dir, sites) = sites();
    for (name, root) in sites {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("openapi.json");
        export("openapi", &root, &file, &[]);
        run(
            Command::new("python3")
                .args(["-m", "openapi_spec_validator"])
                .arg(&file),
            "",
        );
        let doc: Value = serde_json::from_str(&read(&file)).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let built = tempfile::tempdir().unwrap();
        build_ok(&root, &built.path().join("public"));
        let errors: Value =
            serde_json::from_str(&read(&built.path().join("public/errors.json"))).unwrap();
        let all = doc["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap();
        for (key, index) in errors["by_code"].as_object().unwrap() {
            let entry = &errors["codes"][index["index"].as_u64().unwrap() as usize];
            if !entry["code"].is_null() {
                assert!(
                    all.contains(&entry["code"]),
                    "{name}: {key} not in ErrorCode"
                );
            }
            for status in entry["statuses"].as_array().unwrap() {
                // Under `application/json`, or `application/problem+json` for problem details.
                let content = doc["components"]["responses"][format!("Status{status}")]["content"]
                    .as_object()
                    .unwrap();
                let example = content
                    .values()
                    .map(|media| &media["examples"][key])
                    .find(|e| !e.is_null())
                    .unwrap_or(&Value::Null);
                assert_eq!(example["x-docs-url"], entry["docs"], "{name}: {key}");
                let category = format!("ErrorCode.{}", entry["category"].as_str().unwrap());
                let per_status = format!("ErrorCode.{status}");
                for schema in [category, per_status] {
                    let list = doc["components"]["schemas"][&schema]["enum"].as_array();
                    if !entry["code"].is_null() {
                        assert!(list.unwrap().contains(&entry["code"]), "{name}: {schema}");
                    }
                }
            }
        }
    }
}
