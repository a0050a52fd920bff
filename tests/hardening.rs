//! Hostile and unlucky input: every case here once crashed, hung, used memory out of proportion
//! to the input, or silently published something wrong. Real binary, real files.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn init(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    assert!(errdocs(&["init", site.to_str().unwrap()]).status.success());
    site
}

fn check(site: &Path) -> (Option<i32>, String) {
    let out = errdocs(&["check", "--root", site.to_str().unwrap()]);
    (out.status.code(), stderr(&out))
}

/// Runs `errdocs ARGS` under prlimit: its address space limited to `mib` MiB (RLIMIT_AS), so
/// memory out of proportion to the input fails instead of passing unnoticed, and its CPU time
/// to `cpu` seconds (RLIMIT_CPU), so a hang is killed instead of stalling the test run.
fn errdocs_limited(mib: u64, cpu: Option<u64>, args: &[&str]) -> std::process::Output {
    let mut command = Command::new("prlimit");
    command.arg(format!("--as={}", mib * 1024 * 1024));
    if let Some(cpu) = cpu {
        command.arg(format!("--cpu={cpu}"));
    }
    command
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_errdocs"))
        .args(args)
        .output()
        .expect("prlimit (util-linux) runs errdocs")
}

#[test]
fn a_column_above_65535_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let config = format!("title = \"t\"{}typo = 1\n", " ".repeat(70_000));
    std::fs::write(site.join("errdocs.toml"), config).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    // A key after a value on the same line: a syntax error, located past column 65535.
    assert!(err.contains("TOML syntax error"), "{err}");
    assert!(err.contains("--> errdocs.toml:1:70012"), "{err}");
    // The snippet is a window around the column, not the 70,000-character line.
    assert!(err.lines().all(|l| l.chars().count() < 200), "{err}");
    assert!(err.contains("1 | ...") && err.contains("typo = 1"), "{err}");
}

#[test]
fn cr_only_line_endings_are_one_error_not_a_flood() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let catalog = read(&site.join("catalog/errors.toml"));
    let mut cr = catalog.replace('\n', "\r");
    while cr.len() < 64 * 1024 {
        cr.push_str("# padding comment line\r");
    }
    std::fs::write(site.join("catalog/errors.toml"), cr).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("a carriage return without a line feed"),
        "{err}"
    );
    assert!(err.contains("check failed: 1 error"), "{err}");
    assert!(err.len() < 2_000, "{} bytes of errors", err.len());
}

#[test]
fn a_flood_of_errors_is_summarized() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let mut catalog = read(&site.join("catalog/errors.toml"));
    catalog.push_str(
        "\n[[code]]\ncode = \"EX-1999\"\ncategory = \"auth\"\nmessage = \"m\"\nstatus = 401\nfix = \"f\"\n",
    );
    for i in 0..4000 {
        catalog.push_str(&format!("typo{i} = 1\n"));
    }
    std::fs::write(site.join("catalog/errors.toml"), catalog).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, Some(1));
    assert_eq!(err.matches("unknown key `typo").count(), 50, "{err}");
    assert!(err.contains("... and 3,95"), "{err}");
    assert!(err.contains("more (fix the first ones first"), "{err}");
}

#[test]
fn twenty_thousand_links_on_one_long_line_stay_within_memory() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let links: String = (0..20_000).map(|_| "[guide](/guide/) ").collect();
    assert!(links.len() > 300_000);
    std::fs::write(
        site.join("content/links.md"),
        format!("+++\ntitle = \"Links\"\n+++\n{links}\n"),
    )
    .unwrap();
    // 7.9 GB before; a build of this site needs well under 1 GiB of address space.
    let out = errdocs_limited(1024, None, &["check", "--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // And with every link broken: 20,000 errors, located, summarized, still bounded.
    let broken = links.replace("/guide/", "/nope/");
    std::fs::write(
        site.join("content/links.md"),
        format!("+++\ntitle = \"Links\"\n+++\n{broken}\n"),
    )
    .unwrap();
    let out = errdocs_limited(1024, None, &["check", "--root", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("broken link `/nope/`"), "{err}");
    assert!(err.len() < 100_000, "{} bytes", err.len());
}

fn with_template(site: &Path, name: &str, text: &str) {
    write_files(site, &[(&format!("templates/{name}"), text)]);
}

#[test]
fn a_template_that_includes_itself_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    with_template(
        &site,
        "page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% include \"page.html\" %}\n{% endblock content %}\n",
    );
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("templates include themselves: page.html -> page.html"),
        "{err}"
    );
    assert!(err.contains("--> templates/page.html:3:13"), "{err}");
    // Through another template, and a macro calling itself.
    with_template(&site, "page.html", "{% include \"head_extra.html\" %}");
    with_template(&site, "head_extra.html", "{% include \"page.html\" %}");
    let (_, err) = check(&site);
    assert!(
        err.contains("head_extra.html -> page.html -> head_extra.html"),
        "{err}"
    );
    std::fs::remove_file(site.join("templates/head_extra.html")).unwrap();
    with_template(
        &site,
        "page.html",
        "{% macro walk(n) %}{{ self::walk(n=n) }}{% endmacro walk %}{{ self::walk(n=1) }}",
    );
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("a macro calls itself: page.html::walk -> page.html::walk"),
        "{err}"
    );
}

#[test]
fn a_huge_range_in_a_template_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    for range in ["range(end=100000000)", "range(end=1e8)"] {
        with_template(
            &site,
            "page.html",
            &format!(
                "{{% extends \"base.html\" %}}{{% block content %}}{{% for i in {range} %}}x{{% endfor %}}{{% endblock content %}}"
            ),
        );
        let out = errdocs_limited(1024, None, &["check", "--root", site.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("range"), "{}", stderr(&out));
    }
    // Nested ranges share one budget per render.
    with_template(
        &site,
        "page.html",
        "{% extends \"base.html\" %}{% block content %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}x{% endfor %}{% endfor %}{% endblock content %}",
    );
    let out = errdocs_limited(1024, None, &["check", "--root", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("one render may produce at most 1000000 range items"),
        "{}",
        stderr(&out)
    );
}

/// Adds `aliases = [...]` to code EX-1001 of the starter catalog.
fn alias_site(dir: &Path, aliases: &str) -> PathBuf {
    let site = init(dir);
    let path = site.join("catalog/errors.toml");
    let catalog = read(&path).replacen(
        "code = \"EX-1001\"\n",
        &format!("code = \"EX-1001\"\naliases = [{aliases}]\n"),
        1,
    );
    std::fs::write(&path, catalog).unwrap();
    site
}

#[test]
fn an_alias_never_replaces_a_page_or_a_file() {
    for (alias, message) in [
        (
            "/index.html",
            "would be written to `index.html`, the file of `/`",
        ),
        ("/404.html", "duplicate page URL `/404.html`"),
        ("/guide/index.html", "the file of `/guide/`"),
        ("/Guide/", "the file of `/guide/`"),
        ("/errors/EX-1002/", "duplicate page URL `/errors/EX-1002/`"),
        ("/errors.json", "duplicate page URL `/errors.json`"),
        ("//", "an old URL is a clean site path"),
        ("/a//b/", "an old URL is a clean site path"),
        ("/a/%2e%2e/", "an old URL is a clean site path"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let site = alias_site(dir.path(), &format!("\"{alias}\""));
        let (code, err) = check(&site);
        assert_eq!(code, Some(1), "{alias}: {err}");
        assert!(err.contains(message), "{alias}: {err}");
        assert!(err.contains("--> catalog/errors.toml:"), "{alias}: {err}");
    }
    // Two aliases claiming one URL.
    let dir = tempfile::tempdir().unwrap();
    let site = alias_site(dir.path(), "\"/old/\", \"/OLD/\"");
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("`/OLD/` would be written to"), "{err}");
}

#[test]
fn codes_that_only_look_different_are_refused() {
    for (second, message) in [
        ("ex-1001", "duplicate code `ex-1001`"),
        ("EX\u{2011}1001", ""), // a different character (non-breaking hyphen): a real code
        ("EX-1001\u{200B}", "holds an invisible character (U+200B)"),
        ("\u{202E}EX-1001", "holds an invisible character (U+202E)"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let site = init(dir.path());
        let path = site.join("catalog/errors.toml");
        let mut catalog = read(&path);
        catalog.push_str(&format!(
            "\n[[code]]\ncode = \"{second}\"\ncategory = \"auth\"\nmessage = \"m\"\nstatus = 401\nfix = \"f\"\nanchor = \"other-{}\"\n",
            second.len()
        ));
        std::fs::write(&path, catalog).unwrap();
        let (code, err) = check(&site);
        if message.is_empty() {
            assert!(!err.contains("duplicate code"), "{second:?}: {err}");
            continue;
        }
        assert_eq!(code, Some(1), "{second:?}: {err}");
        assert!(err.contains(message), "{second:?}: {err}");
    }
    // NFC and NFD spellings of one code.
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let path = site.join("catalog/errors.toml");
    let catalog = read(&path)
        .replace("range = \"EX-1xxx\"\n", "")
        .replace(
            "code = \"EX-1001\"",
            "code = \"caf\u{e9}\"\nanchor = \"a1\"",
        )
        .replace(
            "code = \"EX-1002\"",
            "code = \"cafe\u{301}\"\nanchor = \"a2\"",
        );
    std::fs::write(&path, catalog).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("duplicate code `cafe\u{301}`"), "{err}");
    assert!(
        err.contains("::: catalog/errors.toml:"),
        "both places are shown: {err}"
    );
    // Anchors that differ only by case: two page files on a case-insensitive disk.
    let catalog = read(&path).replace(
        "code = \"cafe\u{301}\"\nanchor = \"a2\"",
        "code = \"X\"\nanchor = \"A1\"",
    );
    std::fs::write(&path, catalog).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("duplicate anchor `A1`"), "{err}");
}

#[test]
fn check_against_refuses_what_is_not_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    for (name, text) in [
        ("empty.txt", ""),
        ("comments.txt", "# errdocs urls.txt\n# nothing else\n"),
        ("object.json", "{}"),
        ("codes.json", "{\"codes\": 5}"),
        ("none.json", "{\"codes\": []}"),
        ("prose.txt", "hello world\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = errdocs(&[
            "check",
            "--root",
            site.to_str().unwrap(),
            "--against",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("this is not a manifest of a published site"),
            "{name}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn byte_order_marks_are_accepted_with_correct_columns() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let bom = "\u{feff}";
    for file in ["content/guide.md", "errdocs.toml", "catalog/errors.toml"] {
        let path = site.join(file);
        let text = read(&path);
        std::fs::write(&path, format!("{bom}{text}")).unwrap();
    }
    let (code, err) = check(&site);
    assert_eq!(code, Some(0), "{err}");
    // Columns on the first line do not count the mark.
    let path = site.join("catalog/errors.toml");
    let text = read(&path);
    std::fs::write(&path, format!("{bom}typo = 1\n{}", &text[3..])).unwrap();
    let (_, err) = check(&site);
    assert!(err.contains("--> catalog/errors.toml:1:1"), "{err}");
}

#[test]
fn symlinks_are_followed_inside_the_site_and_reported_outside() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    std::fs::create_dir(site.join("shared")).unwrap();
    std::fs::write(
        site.join("shared/faq.md"),
        "+++\ntitle = \"FAQ\"\n+++\nAnswers.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(site.join("shared/faq.md"), site.join("content/faq.md")).unwrap();
    let out_dir = dir.path().join("out");
    build_ok(&site, &out_dir);
    assert!(read(&out_dir.join("faq/index.html")).contains("Answers."));
    let outside = dir.path().join("outside.md");
    std::fs::write(&outside, "+++\ntitle = \"O\"\n+++\nx\n").unwrap();
    std::os::unix::fs::symlink(&outside, site.join("content/outside.md")).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("this symbolic link leads out of the site"),
        "{err}"
    );
    assert!(err.contains("--> content/outside.md"), "{err}");
}

#[test]
fn init_never_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    let target = dir.path().join("elsewhere.md");
    // A dangling link where init would write a page.
    std::os::unix::fs::symlink(&target, site.join("content/index.md")).unwrap();
    let out = errdocs(&["init", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!target.exists(), "nothing written outside the site");
    // A linked directory leading out of the site.
    let site2 = dir.path().join("site2");
    let away = dir.path().join("away");
    std::fs::create_dir_all(&away).unwrap();
    std::fs::create_dir_all(&site2).unwrap();
    std::os::unix::fs::symlink(&away, site2.join("catalog")).unwrap();
    let out = errdocs(&["init", site2.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("leads out of the site"),
        "{}",
        stderr(&out)
    );
    assert!(!away.join("errors.toml").exists());
}

/// Found by the fuzzer: 70,000 links on one line (and a right-to-left mark) took 146 s, each
/// link's location cutting its snippet from the whole line. Now each snippet costs its window.
/// Run under a CPU-time limit, so a return of the quadratic cost fails instead of hanging.
#[test]
fn seventy_thousand_links_on_one_line_are_checked_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let links: String = (0..70_000).map(|_| "[x](/guide/#api-keys) ").collect();
    std::fs::write(
        site.join("content/links.md"),
        format!("+++\ntitle = \"Links\"\n+++\n\u{200f}{links}\n"),
    )
    .unwrap();
    // 60 s of CPU: about 100 times what the linear scan takes in a debug build here.
    let out = errdocs_limited(2048, Some(60), &["check", "--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{:?} {}", out.status, stderr(&out));
}

/// Found by the third long fuzz run (iteration 44043): a Python block of 300,000 copies of four
/// lines (20 MB) took 86 s of CPU and 1.7 GB in syntect (about 15,000 lines a second). A page
/// now gives syntect at most 1 MiB of code; the rest is shown unhighlighted.
#[test]
fn a_huge_code_block_is_shown_plain_not_highlighted_for_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let lines = "title = \"Guide\"\nweight = 20\n+++\nHow to call the fixture API.[^1]\n";
    std::fs::write(
        site.join("content/huge.md"),
        format!(
            "+++\ntitle = \"Huge\"\n+++\n```python\nclass Client:\n{}```\n\n```python\nx = 1\n```\n",
            lines.repeat(100_000)
        ),
    )
    .unwrap();
    // 60 s of CPU (26 s in a release build before the fix, far more in debug).
    let out = errdocs_limited(2048, Some(60), &["build", "--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{:?} {}", out.status, stderr(&out));
    let html = std::fs::read_to_string(site.join("public/huge/index.html")).unwrap();
    let blocks: Vec<&str> = html.split("<pre class=\"code\">").skip(1).collect();
    assert_eq!(blocks.len(), 2);
    assert!(!blocks[0].contains("hl-"), "the huge block is plain");
    assert!(blocks[0].contains("How to call the fixture API.[^1]"));
    assert!(blocks[1].contains("hl-"), "the small one is highlighted");
}

/// Found by the 100,000-input fuzz run: 300,000 copies of one broken link on a line took 15 s
/// of CPU (a did-you-mean search over the site's pages for every copy). The same broken target
/// is now looked up once, and candidates too different in length are skipped unmeasured.
#[test]
fn a_broken_link_repeated_a_hundred_thousand_times_is_looked_up_once() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let links: String = (0..100_000).map(|_| "[x](/guidex#api-keys) ").collect();
    std::fs::write(
        site.join("content/links.md"),
        format!("+++\ntitle = \"Links\"\n+++\n{links}\n"),
    )
    .unwrap();
    // 60 s of CPU: over 10 times what it takes in a debug build here.
    let out = errdocs_limited(2048, Some(60), &["check", "--root", site.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{:?} {err}", out.status);
    assert!(
        err.contains(
            "error: broken link `/guidex#api-keys`: no page or file `/guidex` in this site"
        ),
        "{err}"
    );
    assert!(err.contains("= hint: did you mean `/guide/`?"), "{err}");
    assert!(err.contains("... and 99,950 more"), "{err}");
}

/// Found by the third long fuzz run (iteration 82041): a page repeating its `catalog` and
/// `retry` directives 5,000 times rendered the whole catalog 5,000 times (12 s of CPU, 420 MB)
/// before reporting duplicate anchors. A directive that shows what the page already shows is
/// now reported at its line, with the first one, and not rendered.
#[test]
fn a_directive_that_repeats_what_the_page_shows_is_reported_not_rendered_again() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let page = "+++\ntitle = \"Twice\"\n+++\n```errdocs\ncatalog\nenvelope error\n```\n\nText.\n\n```errdocs\ncategory auth heading=false\nenvelope error fields=false\nsearch\nsearch\ncode EX-1001\ncode EX-1002\ncode EX-1001\n```\n";
    std::fs::write(site.join("content/twice.md"), page).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    for (message, at, first) in [
        (
            "`category auth heading=false` shows category `auth` again",
            ":12:1",
            ":5:1",
        ),
        (
            "`envelope error fields=false` shows envelope `error` again",
            ":13:1",
            ":6:1",
        ),
        ("`search` shows the search box again", ":15:1", ":14:1"),
        (
            "`code EX-1001` shows code `EX-1001` again",
            ":18:1",
            ":16:1",
        ),
    ] {
        let found = err
            .split("\n\n")
            .find(|d| d.contains(message))
            .unwrap_or_else(|| panic!("no {message:?} in {err}"));
        assert!(
            found.contains(&format!("--> content/twice.md{at}")),
            "{found}"
        );
        assert!(
            found.contains(&format!("::: content/twice.md{first}")),
            "{found}"
        );
        assert!(found.contains("first shown here"), "{found}");
    }
    // The cause, not its consequences: no duplicate anchors.
    assert!(!err.contains("duplicate anchor"), "{err}");
    assert!(err.contains("check failed: 4 errors"), "{err}");

    // Repeated 20,000 times: 19,999 errors, each found without rendering the catalog again.
    let repeated = "```errdocs\ncatalog\nretry\n```\n".repeat(10_000);
    std::fs::write(
        site.join("content/twice.md"),
        format!("+++\ntitle = \"Twice\"\n+++\n{repeated}"),
    )
    .unwrap();
    let out = errdocs_limited(1024, Some(60), &["check", "--root", site.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{:?} {err}", out.status);
    assert!(err.contains("check failed: 19998 errors"), "{err}");
    assert!(!err.contains("duplicate anchor"), "{err}");
}

/// Found by the third long fuzz run (iteration 95140): a 1.6 MB `base.html` of 100,000
/// `{{ page.title }}` took 7 s for a three-page site (tera parses about a megabyte in 2 s, and
/// the layout renders for every page). A template over 512 KiB is refused at the byte where
/// it passes the limit.
#[test]
fn a_template_too_large_to_be_a_layout_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let body = "{{ page.title }}".repeat(40_000);
    with_template(&site, "base.html", &format!("<title>\n{body}\n"));
    let out = errdocs_limited(1024, Some(60), &["check", "--root", site.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{:?} {err}", out.status);
    assert!(
        err.contains(
            "error: template `base.html` is 626 KiB; errdocs parses templates of at most 512 KiB"
        ),
        "{err}"
    );
    assert!(err.contains("--> templates/base.html:2:524281"), "{err}");
    assert!(err.contains("check failed: 1 error;"), "{err}");
}

/// A page of over 1 MiB is rendered with a slot where its content goes, the content written
/// into the result once (not copied through tera): the same bytes as rendering it the usual
/// way, which a template that also tests `page.content is defined` forces.
#[test]
fn a_large_page_renders_the_same_through_the_content_slot() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let big: String = (0..40_000)
        .map(|i| format!("Paragraph {i} with [a link](/guide/) and `code`.\n\n"))
        .collect();
    std::fs::write(
        site.join("content/big.md"),
        format!("+++\ntitle = \"Big\"\n+++\n{big}"),
    )
    .unwrap();
    let build = |out: &str| {
        let out = site.join(out);
        let done = errdocs(
            &["build", "--root", site.to_str().unwrap(), "--output"]
                .into_iter()
                .chain([out.to_str().unwrap()])
                .collect::<Vec<_>>(),
        );
        assert!(done.status.success(), "{}", stderr(&done));
        std::fs::read(out.join("big/index.html")).unwrap()
    };
    let slotted = build("slotted");
    assert!(slotted.len() > 2 << 20, "{}", slotted.len());
    let default = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/theme/templates/page.html"),
    )
    .unwrap();
    with_template(
        &site,
        "page.html",
        &default.replace(
            "</article>",
            "</article>{% if page.content is defined %}{% endif %}",
        ),
    );
    let usual = build("usual");
    assert!(
        slotted == usual,
        "the slotted page differs from the usual render"
    );
    assert!(!String::from_utf8_lossy(&slotted).contains('\0'));
}

/// Found by the fuzzer: a template nesting 1,000 `{% if %}`s overflowed the stack (tera parses
/// and renders by recursion), and `{{ -9223372036854775808 % -1 }}` panicked inside tera.
#[test]
fn deep_templates_and_overflowing_expressions_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let deep = format!(
        "{}x{}",
        "{% if true %}".repeat(1000),
        "{% endif %}".repeat(1000)
    );
    with_template(
        &site,
        "page.html",
        &format!("{{% extends \"base.html\" %}}\n{deep}\n"),
    );
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("template `page.html` nests 65 deep; errdocs renders at most 64 levels"),
        "{err}"
    );
    assert!(err.contains("--> templates/page.html:2:833"), "{err}");
    with_template(
        &site,
        "page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ -9223372036854775808 % -1 }}{% endblock content %}\n",
    );
    let (code, err) = check(&site);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("template `page.html` failed inside the template engine"),
        "{err}"
    );
}

/// The reader's side of the default theme: the reference table links each code to its page
/// and keeps the row's anchor, code pages describe and name what they link to, deprecated
/// codes are struck through like removed ones, long codes keep their copy button whole.
#[test]
fn the_reference_table_and_code_pages_point_readers_at_the_right_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let long = "A_VERY_LONG_ERROR_CODE_NAME_THAT_WRAPS";
    let catalog = format!(
        r#"[[envelope]]
id = "error"
title = "Envelope"
example = '{{"error": {{"code": "C1", "message": "x"}}}}'

[[envelope.field]]
name = "error.code"
type = "string"
from = "code"

[[envelope.field]]
name = "error.message"
type = "string"
required = false
from = "message"

[[category]]
id = "auth"
title = "Auth"
columns = ["code", "fix"]

[[code]]
code = "C1"
category = "auth"
message = "Key missing"
fix = "Send the key."
docs = "/guide#api-keys"

[[code]]
code = "C2"
category = "auth"
message = "Old key"
fix = "Use C1."
deprecated = true
replaced_by = "C1"

[[code]]
code = "C3"
category = "auth"
message = "Gone"
fix = "Nothing."
removed = {{ since = "2026-01" }}

[[code]]
code = "C4"
category = "auth"
fix = "No message here."

[[code]]
code = "{long}"
category = "auth"
message = "Long"
fix = "x"
"#
    );
    write_files(
        &root,
        &[
            ("errdocs.toml", "title = \"T\"\n"),
            ("catalog/errors.toml", &catalog),
            (
                "content/errors.md",
                "+++\ntitle = \"Errors\"\n+++\n```errdocs\ncategory auth\n```\n",
            ),
            (
                "content/list.md",
                "+++\ntitle = \"List\"\n+++\n```errdocs\ncategory auth heading=false layout=list\n```\n",
            ),
            (
                "content/guide.md",
                "+++\ntitle = \"Guide\"\n+++\n## API keys\n\nText.\n",
            ),
        ],
    );
    let out = dir.path().join("public");
    build_ok(&root, &out);
    let table = read(&out.join("errors/index.html"));
    // Each code links to its own page; its row keeps its anchor and a `#` link to it.
    assert!(table.contains(
        "<tr id=\"C1\"><td class=\"col-code\"><a class=\"code\" href=\"/errors/C1/\">C1</a><a class=\"self-link\" href=\"#C1\" aria-label=\"Link to this row\">#</a>"
    ), "{table}");
    // Deprecated and removed rows are marked (and struck through by the CSS below); a long
    // code gets the wide column.
    assert!(table.contains("<tr id=\"C2\" class=\"deprecated\">"));
    assert!(table.contains("<tr id=\"C3\" class=\"removed\">"));
    assert!(table.contains("<td class=\"col-code col-code-long\"><a class=\"code\""));
    let list = read(&out.join("list/index.html"));
    assert!(
        list.contains("<li id=\"C2\" class=\"deprecated\">"),
        "{list}"
    );
    assert!(list.contains("<li id=\"C3\" class=\"removed\">"), "{list}");

    let c1 = read(&out.join("errors/C1/index.html"));
    assert!(c1.contains("<meta name=\"description\" content=\"Key missing. Send the key.\">"));
    // Docs: the title of the page and of the section, not the raw path.
    assert!(
        c1.contains("<dt>Docs</dt><dd><a href=\"/guide/#api-keys\">Guide › API keys</a></dd>"),
        "{c1}"
    );
    // Related codes show their messages.
    assert!(
        c1.contains("<a class=\"code\" href=\"/errors/C2/\">C2</a> Old key</li>"),
        "{c1}"
    );
    // A code without a message: its example leaves the message out, never shows the code.
    let c4 = text(&read(&out.join("errors/C4/index.html")));
    assert!(
        squash(&c4).contains("{\"error\":{\"code\":\"C4\"}}"),
        "{c4}"
    );

    let css = read(&out.join("errdocs.css"));
    for rule in [
        "tr.deprecated .col-message, tr.deprecated .col-code .code,\ntr.removed .col-message, tr.removed .col-code .code,\n.code-list li.deprecated, .code-list li.removed { text-decoration: line-through;",
        ".col-code .copy-link { flex: none; min-width: 1.75rem; white-space: nowrap; }",
        ".col-code-long > a.code { overflow-wrap: anywhere; }",
        // On phones the navigation goes above the content, the current page's entry first.
        "@media (max-width: 52rem) {\n  .layout { display: block; }",
        ".site-nav li:has(> a[aria-current=\"page\"]) { flex: 1 1 100%; order: -1; }",
    ] {
        assert!(css.contains(rule), "{rule:?} missing in errdocs.css");
    }
}

/// Found by the 100,000-input fuzz run: a template that extends or imports itself, and a block
/// nested (inside an `if`) in a block of the same name calling `super()`, overflowed the stack
/// and aborted; `replace(from="", to=page.content)` asked for 1.2 GB (the content squared), and
/// `indent(prefix=page.content)` for 46 GB.
/// Each is now one diagnostic at its template, under a 1 GiB address-space limit.
#[test]
fn templates_using_themselves_and_squaring_replaces_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let site = init(dir.path());
    let default_404 = "{% extends \"base.html\" %}\n{% block content %}<p>{% if page.content %}{% block content %}{{ super() }}{% endblock content %}{% endif %}</p>\n{% endblock content %}\n";
    // A page of 4,000 lines: indented by itself it would be 1.6 GB (found by the fuzz run).
    std::fs::write(
        site.join("content/lines.md"),
        format!(
            "+++\ntitle = \"Lines\"\n+++\n{}",
            "A line of text.\n\n".repeat(4_000)
        ),
    )
    .unwrap();
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "base.html",
            "{% extends \"base.html\" %}\n",
            "error: templates extend, include or import themselves: base.html -> base.html",
            "--> templates/base.html:1:13",
        ),
        (
            "head_extra.html",
            "{% import \"head_extra.html\" as m %}\n",
            "error: templates extend, include or import themselves: head_extra.html -> head_extra.html",
            "--> templates/head_extra.html:1:12",
        ),
        (
            "404.html",
            default_404,
            "error: template `404.html` defines block `content` twice",
            "--> templates/404.html:2:4",
        ),
        (
            "head_extra.html",
            "{{ page.content | safe | replace(from=\"\", to=page.content) }}",
            "`replace`: `from` cannot be empty",
            "",
        ),
        (
            "head_extra.html",
            "{{ page.content | indent(prefix=page.content) }}",
            "`indent` would make a string of",
            "",
        ),
        (
            "head_extra.html",
            "{{ page.content | split(pat=\"\") | join(sep=page.content) }}",
            "`join` would make a string of",
            "",
        ),
    ];
    for (name, text, message, at) in cases {
        with_template(&site, name, text);
        let out = errdocs_limited(1024, None, &["check", "--root", site.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert!(err.contains(at), "{name}: {err}");
        std::fs::remove_file(site.join("templates").join(name)).unwrap();
    }
}

/// Found by review: a catalog whose `parent` links form one long chain took time growing as the
/// cube of its length (each code walked the whole chain above it, searching the chain so far
/// at every step; 8,000 codes: 25 s), and every `replaced_by`, `parent` and `[[retry]] code`
/// was found by a scan of all codes. Both are linear now; the circles are reported as before.
#[test]
fn a_long_chain_of_sub_codes_is_read_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("catalog")).unwrap();
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(
        site.join("errdocs.toml"),
        "title = \"T\"\ncatalog = \"catalog/errors.toml\"\n\n[code_pages]\nenabled = false\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/index.md"),
        "+++\ntitle = \"Home\"\n+++\n\n```errdocs\ncatalog\n```\n",
    )
    .unwrap();
    let n = 6000;
    let mut catalog = String::from(
        "[[category]]\nid = \"a\"\ntitle = \"A\"\ncolumns = [\"code\", \"message\"]\n\n",
    );
    for i in 0..n {
        catalog += &format!("[[code]]\ncode = \"E{i:05}\"\ncategory = \"a\"\nmessage = \"m\"\n");
        if i > 0 {
            catalog += &format!("parent = \"E{:05}\"\n", i - 1);
        }
        if i % 2 == 0 && i + 1 < n {
            catalog += &format!("replaced_by = \"E{:05}\"\n", n - 1);
        }
        catalog += "\n";
    }
    for i in (0..n).step_by(10) {
        catalog += &format!("[[retry]]\ncode = \"E{i:05}\"\npolicy = \"never\"\n\n");
    }
    // And one circle, reported once at its first code.
    catalog += "[[code]]\ncode = \"C1\"\ncategory = \"a\"\nmessage = \"m\"\nparent = \"C2\"\n\n";
    catalog += "[[code]]\ncode = \"C2\"\ncategory = \"a\"\nmessage = \"m\"\nparent = \"C1\"\n";
    std::fs::write(site.join("catalog/errors.toml"), catalog).unwrap();
    // 60 s of CPU: several times what the linear reading takes in a debug build here; the old
    // reading needed minutes.
    let out = errdocs_limited(4096, Some(60), &["check", "--root", site.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{:?} {err}", out.status);
    assert_eq!(err.matches("goes round in a circle").count(), 1, "{err}");
    assert!(err.contains("C1 -> C2 -> C1"), "{err}");
    assert!(err.contains("1 error"), "{err}");
}
