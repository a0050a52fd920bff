//! End-to-end tests of the default theme in a real browser: builds the four sample sites (and
//! `tests/browser/fixture-site`, which uses every directive and column) with the real binary,
//! then runs the Node tests of `tests/browser/` (playwright-core driving Debian's headless
//! Chromium, axe-core, the Nu HTML Checker) against them, served on 127.0.0.1.
//!
//! Needs `/usr/bin/chromium` (or `$CHROMIUM`), `java`, `node` and, the first time, `npm` (to
//! install `tests/browser/node_modules`). Without them the test is skipped with a message,
//! except under CI (`CI` set), where it fails: `.ci/run` installs them.
//! Screenshots are written to `target/browser-screenshots/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Whether `program args` runs and exits successfully.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// What is missing to run the browser tests, if anything.
fn missing_tools(browser_dir: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !chromium().is_file() {
        missing.push(format!("Chromium ({})", chromium().display()));
    }
    if !runs("java", &["-version"]) {
        missing.push("java (for the Nu HTML Checker)".to_string());
    }
    if !runs("node", &["--version"]) {
        missing.push("node".to_string());
    }
    if !browser_dir.join("node_modules").is_dir() && !runs("npm", &["--version"]) {
        missing.push("npm (to install tests/browser/node_modules)".to_string());
    }
    missing
}

fn show(output: &Output) -> String {
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Builds the site at `root` into `out` with the real binary: no error, no warning, no note.
fn build(root: &Path, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_errdocs"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .expect("run errdocs");
    assert!(
        output.status.success(),
        "errdocs build --root {} failed\n{}",
        root.display(),
        show(&output)
    );
    assert!(
        output.stderr.is_empty(),
        "errdocs build --root {} printed diagnostics\n{}",
        root.display(),
        show(&output)
    );
}

#[test]
fn default_theme_in_headless_chromium_axe_and_nu_html_checker() {
    let browser_dir = repo().join("tests").join("browser");
    let missing = missing_tools(&browser_dir);
    if !missing.is_empty() {
        let what = missing.join(", ");
        if std::env::var_os("CI").is_some() {
            panic!("browser tests cannot run under CI: missing {what} (.ci/run installs them)");
        }
        eprintln!(
            "SKIPPED browser tests: missing {what}. Install Debian's chromium and a JDK \
             (CI installs them and never skips)."
        );
        return;
    }

    if !browser_dir.join("node_modules").is_dir() {
        let output = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&browser_dir)
            .output()
            .expect("run npm ci");
        assert!(
            output.status.success(),
            "npm ci in tests/browser failed\n{}",
            show(&output)
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let patchops = dir.path().join("patchops");
    let promptgate = dir.path().join("promptgate");
    let grpc = dir.path().join("grpc");
    let twilio = dir.path().join("twilio");
    let fixture = dir.path().join("fixture");
    build(&repo(), &patchops);
    build(&repo().join("examples").join("promptgate"), &promptgate);
    build(&repo().join("examples").join("grpc"), &grpc);
    build(&repo().join("examples").join("twilio"), &twilio);
    build(&browser_dir.join("fixture-site"), &fixture);

    // target/browser-screenshots (CARGO_TARGET_TMPDIR is target/tmp).
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| repo().join("target"), Path::to_path_buf)
        .join("browser-screenshots");

    let output = Command::new("node")
        .args([
            "--test",
            "--test-concurrency=1",
            "theme.test.js",
            "a11y.test.js",
            "vnu.test.js",
            "livereload.test.js",
            "lookup.test.js",
        ])
        .current_dir(&browser_dir)
        .env("ERRDOCS_SITE_PATCHOPS", &patchops)
        .env("ERRDOCS_SITE_PROMPTGATE", &promptgate)
        .env("ERRDOCS_SITE_GRPC", &grpc)
        .env("ERRDOCS_SITE_TWILIO", &twilio)
        .env("ERRDOCS_SITE_FIXTURE", &fixture)
        .env("ERRDOCS_SCREENSHOTS", &screenshots)
        .env("CHROMIUM", chromium())
        .env("ERRDOCS_BIN", env!("CARGO_BIN_EXE_errdocs"))
        .output()
        .expect("run node --test");
    assert!(
        output.status.success(),
        "browser tests failed\n{}",
        show(&output)
    );
    println!("{}", show(&output));
    println!("screenshots: {}", screenshots.display());
}
