//! A real corpus nobody here wrote: the explanation of every rustc error code, rendered as
//! the pages of one errdocs site by the real binary.
//!
//! # Where the corpus comes from
//!
//! The installed toolchain holds it twice, and neither copy alone is the Markdown:
//!
//! * `rustc --explain EXXXX` prints the explanation with the info strings of its code blocks
//!   and its hidden `# ` lines removed (that is what rustc does when it prints to a pipe);
//! * the compiler library (`lib/librustc_driver-*.so`) holds the Markdown files themselves,
//!   compiled in with `include_str!` (`compiler/rustc_error_codes/src/error_codes/EXXXX.md`),
//!   one after the other, with nothing between them.
//!
//! The codes are the pages of the error index of the `rust-docs` component
//! (`share/doc/rust/html/error_codes/EXXXX.html`). For each code the test finds, in the
//! library, the text that `rustc --explain` printed once its info strings and hidden lines are
//! put back: it must match line for line, every other line exactly. The number of code blocks
//! of each explanation is checked against the `<pre>` blocks of its page in the installed
//! error index. Nothing is skipped: a code that cannot be read fails the test.
//!
//! # The site
//!
//! `content/EXXXX.md` per code (URL `/EXXXX/`), holding the explanation as it is, under a
//! title. One documented import step: the explanations link each other by mdBook's page names
//! (`[E0072](E0072.html)`), which errdocs writes as links to the page's source
//! (`E0072.md`). They also link the Rust books installed beside the error index
//! (`../std/ops/trait.Drop.html`): from `/E0308/` such a link lands where it lands from the
//! error index (`/std/ops/trait.Drop.html`), and the site gets those very files from the
//! installed docs as static files. `[markdown] default_code_language = "rust"`: in rustdoc's
//! convention (and rustc's), a code block that names no language is Rust.
//!
//! # What is asserted
//!
//! The build succeeds with no error and no warning; every Rust code block (rustdoc's rule: its
//! info string is empty or holds only rustdoc attributes and `rust`) is rendered as
//! `language-rust` with syntect's Rust highlighting; its text is the block's with the hidden
//! lines left out and `##` shown as `#` (README, "Code blocks"); every other block keeps its
//! text. The figures are printed.
//!
//! Without the `rust-docs` component the test cannot run: it fails under CI (`CI` set) and
//! says so elsewhere.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

#[test]
fn every_rustc_error_explanation_renders_as_an_errdocs_page() {
    let Some(docs) = error_index() else {
        return;
    };
    let codes = codes(&docs);
    assert!(codes.len() > 400, "only {} codes in {docs:?}", codes.len());
    let corpus = read_corpus(&codes, &docs);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let imported = write_site(&root, &corpus);
    let copied = build_with_installed_targets(&root, &docs);
    let mut figures = Figures::default();
    for (code, markdown) in &corpus {
        let html = read(&root.join(format!("public/{code}/index.html")));
        check_page(code, markdown, &html, &mut figures);
    }
    let summary = format!(
        "rustc corpus: {} pages, {} code blocks, {} Rust blocks, {} highlighted as Rust, \
         {} hidden lines left out, {} `##` lines shown as `#`, {} other blocks; \
         {} links between codes imported, {} files of the installed Rust docs linked",
        corpus.len(),
        figures.blocks,
        figures.rust,
        figures.highlighted,
        figures.hidden,
        figures.escaped,
        figures.blocks - figures.rust,
        imported,
        copied,
    );
    println!("{summary}");
    eprintln!("{summary}");
    assert_eq!(figures.highlighted, figures.rust, "{summary}");
    assert!(figures.hidden > 0, "the corpus has hidden lines: {summary}");
}

// ---------------------------------------------------------------------------------------------
// Reading the corpus
// ---------------------------------------------------------------------------------------------

fn sysroot() -> PathBuf {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .expect("run rustc --print sysroot");
    assert!(out.status.success(), "rustc --print sysroot failed");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The installed error index (`share/doc/rust/html/error_codes`), or `None` (after saying so)
/// outside CI when it is missing; under CI a missing index fails the test.
fn error_index() -> Option<PathBuf> {
    let docs = sysroot().join("share/doc/rust/html/error_codes");
    if docs.join("E0308.html").is_file() {
        return Some(docs);
    }
    let why = format!(
        "rustc's error index is not installed ({} has no E0308.html): this test reads the \
         codes from it; install it with `rustup component add rust-docs`",
        docs.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("rustc corpus NOT RUN: {why}");
    None
}

/// The codes of the error index, sorted.
fn codes(docs: &Path) -> Vec<String> {
    let mut codes: Vec<String> = std::fs::read_dir(docs)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let code = name.strip_suffix(".html")?;
            let is_code = code.len() == 5
                && code.starts_with('E')
                && code[1..].bytes().all(|b| b.is_ascii_digit());
            is_code.then(|| code.to_string())
        })
        .collect();
    codes.sort();
    codes
}

/// The Markdown of every code's explanation (see the module comment).
fn read_corpus(codes: &[String], docs: &Path) -> BTreeMap<String, String> {
    let sysroot = sysroot();
    let printed = explain_all(&sysroot, codes);
    let library = driver_library(&sysroot);
    let bytes = std::fs::read(&library).unwrap();
    let mut corpus = BTreeMap::new();
    let mut cursor = 0;
    for code in codes {
        let text = &printed[code];
        let (start, end) = find_source(&bytes, text, cursor).unwrap_or_else(|| {
            panic!(
                "the explanation of {code} (`rustc --explain {code}`) is not in {}",
                library.display()
            )
        });
        cursor = end;
        let markdown = String::from_utf8(bytes[start..end].to_vec()).unwrap();
        let blocks = code_blocks_of(&markdown).len();
        let page = read(&docs.join(format!("{code}.html")));
        assert_eq!(
            blocks,
            page.matches("<pre").count(),
            "{code}: code blocks of the Markdown vs <pre> of the installed error index"
        );
        corpus.insert(code.clone(), markdown);
    }
    corpus
}

/// `rustc --explain CODE` for every code (the compiler itself, not the rustup proxy; eight at
/// a time: each spends its time starting up).
fn explain_all(sysroot: &Path, codes: &[String]) -> BTreeMap<String, String> {
    let rustc = sysroot.join("bin/rustc");
    let next = AtomicUsize::new(0);
    let mut out = BTreeMap::new();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(code) = codes.get(i) else {
                            return mine;
                        };
                        let run = Command::new(&rustc).args(["--explain", code]).output();
                        let run = run.expect("run rustc --explain");
                        assert!(run.status.success(), "rustc --explain {code} failed");
                        mine.push((code.clone(), String::from_utf8(run.stdout).unwrap()));
                    }
                })
            })
            .collect();
        for w in workers {
            out.extend(w.join().unwrap());
        }
    });
    out
}

fn driver_library(sysroot: &Path) -> PathBuf {
    ["lib", "bin"]
        .iter()
        .filter_map(|d| std::fs::read_dir(sysroot.join(d)).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("librustc_driver-") || name.starts_with("rustc_driver-")
        })
        .unwrap_or_else(|| panic!("no rustc_driver library in {}", sysroot.display()))
}

/// Where the source of `printed` lies in `bytes`: first at `cursor` (the explanations follow
/// each other), else near it, else anywhere.
fn find_source(bytes: &[u8], printed: &str, cursor: usize) -> Option<(usize, usize)> {
    let first = printed.split_inclusive('\n').next()?.as_bytes();
    let near = cursor.saturating_sub(1 << 16)..(cursor + (1 << 16)).min(bytes.len());
    for range in [near, 0..bytes.len()] {
        let mut from = range.start;
        while let Some(at) = find(&bytes[from..range.end], first) {
            let start = from + at;
            if let Some(end) = align(bytes, start, printed) {
                return Some((start, end));
            }
            from = start + 1;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&head, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = haystack[from..].iter().position(|&b| b == head) {
        let at = from + i;
        if haystack[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Whether the text at `start` is `printed` with info strings and hidden lines put back:
/// every printed line matches a source line, exactly, except that an opening or closing fence
/// (```` ``` ````) may carry an info string and that source lines `# ...` inside a code block
/// are not printed. Returns where the source ends.
fn align(bytes: &[u8], start: usize, printed: &str) -> Option<usize> {
    let mut at = start;
    let mut in_code = false;
    for want in printed.lines() {
        loop {
            let end = at + bytes[at..].iter().position(|&b| b == b'\n')?;
            let line = std::str::from_utf8(&bytes[at..end]).ok()?;
            at = end + 1;
            let indent = line.len() - line.trim_start().len();
            let dedented = &line[indent..];
            if dedented.starts_with("```") {
                if want != &line[..indent + 3] {
                    return None;
                }
                in_code = !in_code;
                break;
            }
            if in_code && dedented.starts_with("# ") {
                continue;
            }
            if line != want {
                return None;
            }
            break;
        }
    }
    Some(at)
}

// ---------------------------------------------------------------------------------------------
// The site
// ---------------------------------------------------------------------------------------------

/// Writes the site; returns how many links between codes were imported (`E0072.html` ->
/// `E0072.md`).
fn write_site(root: &Path, corpus: &BTreeMap<String, String>) -> usize {
    write_files(
        root,
        &[
            (
                "errdocs.toml",
                "title = \"rustc error codes\"\n[markdown]\ndefault_code_language = \"rust\"\n",
            ),
            ("catalog/errors.toml", ""),
        ],
    );
    let mut imported = 0;
    for (code, markdown) in corpus {
        let (markdown, n) = import_links(markdown);
        imported += n;
        let page = format!("+++\ntitle = \"{code}\"\n+++\n{markdown}");
        write_files(root, &[(&format!("content/{code}.md"), &page)]);
    }
    imported
}

/// Link destinations `EXXXX.html` (inline `](` or reference `]: `) become `EXXXX.md`.
fn import_links(markdown: &str) -> (String, usize) {
    let mut out = String::with_capacity(markdown.len());
    let mut n = 0;
    let mut rest = markdown;
    while let Some(i) = rest.find(".html") {
        let before = &rest[..i];
        let start = before.len().saturating_sub(5);
        let code = &before[start..];
        let is_code = code.len() == 5
            && code.starts_with('E')
            && code[1..].bytes().all(|b| b.is_ascii_digit())
            && (before[..start].ends_with("](") || before[..start].ends_with("]: "));
        out.push_str(before);
        out.push_str(if is_code { ".md" } else { ".html" });
        n += usize::from(is_code);
        rest = &rest[i + 5..];
    }
    out.push_str(rest);
    (out, n)
}

/// Builds; the links into the installed Rust books that the build reports missing get their
/// files from the installed docs, and the site is built again. Any other error fails.
/// Returns how many files were copied.
fn build_with_installed_targets(root: &Path, docs: &Path) -> usize {
    let books = docs.parent().unwrap();
    let mut copied = 0;
    for round in 1..=3 {
        let out = errdocs(&["build", "--root", root.to_str().unwrap()]);
        let err = stderr(&out);
        if out.status.success() {
            assert!(!err.contains("warning:"), "{err}");
            return copied;
        }
        let mut progress = false;
        for line in err.lines().filter(|l| l.starts_with("error: ")) {
            if line.starts_with("error: build failed") {
                continue;
            }
            let missing = line
                .rsplit_once("no page or file `/")
                .and_then(|(_, p)| p.strip_suffix("` in this site"))
                .filter(|_| line.starts_with("error: broken link `../"));
            let file = missing.map(|p| books.join(p)).filter(|f| f.is_file());
            let Some(file) = file else {
                panic!("an unexplained error (round {round}):\n{line}\n\n{err}");
            };
            let target = root.join("static").join(missing.unwrap_or_default());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&file, &target).unwrap();
            copied += 1;
            progress = true;
        }
        assert!(progress, "no progress:\n{err}");
    }
    panic!("the site does not build after 3 rounds");
}

// ---------------------------------------------------------------------------------------------
// Checking the pages
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Figures {
    blocks: usize,
    rust: usize,
    highlighted: usize,
    hidden: usize,
    escaped: usize,
}

/// The code blocks of Markdown: (info string, text); an indented block has no info string.
fn code_blocks_of(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                open = Some((info, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, text)) = open.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// The code blocks of a rendered page: (class of `<code>`, inner HTML).
fn rendered_blocks(html: &str) -> Vec<(String, String)> {
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

/// rustdoc's rule: a block is Rust when its info string (parenthesized text left out) holds
/// only `rust` and rustdoc attributes; an empty one is Rust.
fn is_rust_block(info: &str) -> bool {
    let mut plain = String::new();
    let mut depth = 0;
    for c in info.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .all(|t| {
            matches!(
                t,
                "rust" | "ignore" | "should_panic" | "no_run" | "compile_fail" | "test_harness"
            ) || t.starts_with("edition")
                || t.starts_with("ignore-")
                || (t.len() == 5
                    && t.starts_with('E')
                    && t[1..].bytes().all(|b| b.is_ascii_digit()))
        })
}

/// The text of a Rust block as readers see it (rustdoc's rule for hidden lines), and the
/// number of hidden and of `##` lines.
fn visible(code: &str) -> (String, usize, usize) {
    let (mut out, mut hidden, mut escaped) = (String::new(), 0, 0);
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed == "#" || trimmed.starts_with("# ") {
            hidden += 1;
        } else if trimmed.starts_with("##") {
            escaped += 1;
            out.push_str(&line.replacen("##", "#", 1));
        } else {
            out.push_str(line);
        }
    }
    (out, hidden, escaped)
}

fn check_page(code: &str, markdown: &str, html: &str, figures: &mut Figures) {
    let source = code_blocks_of(markdown);
    let rendered = rendered_blocks(html);
    assert_eq!(
        source.len(),
        rendered.len(),
        "{code}: number of code blocks"
    );
    for (i, ((info, text), (class, inner))) in source.iter().zip(&rendered).enumerate() {
        figures.blocks += 1;
        let shown = unescape(&strip_tags(inner));
        if is_rust_block(info) {
            figures.rust += 1;
            let (want, hidden, escaped) = visible(text);
            figures.hidden += hidden;
            figures.escaped += escaped;
            assert_eq!(class, "language-rust", "{code} block {i} ({info:?})");
            assert_eq!(shown, want, "{code} block {i} ({info:?}): visible text");
            if inner.contains("<span class=\"hl-source hl-rust\">") {
                figures.highlighted += 1;
            } else {
                panic!("{code} block {i} ({info:?}) is not highlighted as Rust:\n{inner}");
            }
        } else {
            assert_eq!(&shown, text, "{code} block {i} ({info:?}): text");
        }
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn import_rewrites_only_links_to_codes() {
    let (md, n) = import_links(
        "See [E0072](E0072.html) and [d](../std/x.html), E0001.html.\n\n[r]: E0308.html#x\n",
    );
    assert_eq!(n, 2);
    assert_eq!(
        md,
        "See [E0072](E0072.md) and [d](../std/x.html), E0001.html.\n\n[r]: E0308.md#x\n"
    );
}

#[test]
fn alignment_puts_back_info_strings_and_hidden_lines() {
    let source =
        b"xxText.\n```compile_fail,E0001\n# fn main() {\nlet x;\n# }\n```\nEnd.\nNext code";
    let printed = "Text.\n```\nlet x;\n```\nEnd.\n";
    let (start, end) = find_source(source, printed, 0).unwrap();
    assert_eq!(
        &source[start..end],
        b"Text.\n```compile_fail,E0001\n# fn main() {\nlet x;\n# }\n```\nEnd.\n"
    );
    assert_eq!(find_source(source, "Text.\n```\nlet y;\n```\n", 0), None);
}
