//! Syntax highlighting with syntect, as CSS classes (`hl-*`) styled by the theme's CSS.
//!
//! The syntax set is loaded once per process, on first use, so a site without code blocks
//! never pays for it. The light and dark colour schemes are generated from syntect's themes
//! into the embedded `syntax.css` (see `theme_css` and the test that keeps it in sync).

use std::collections::HashMap;
use std::sync::OnceLock;

use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The language of a fenced code block's info string: its first token that is not a rustdoc
/// attribute, tokens being separated by white space and `,`, with parenthesized text (rustdoc's
/// `ignore (reason)`) left out. `rust,ignore` and `python hl_lines=1` name `rust` and `python`.
/// An info string made only of rustdoc attributes (`compile_fail,E0308`, `should_panic`,
/// `ignore`) is Rust, as rustdoc and rustc's error index take it. `None` when it names none.
pub(crate) fn language_of(info: &str) -> Option<String> {
    let mut plain = String::with_capacity(info.len());
    let mut depth = 0usize;
    for c in info.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut tokens = plain
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .peekable();
    tokens.peek()?;
    let mut tokens = tokens.skip_while(|t| is_rustdoc_attribute(t));
    Some(tokens.next().unwrap_or("rust").to_string())
}

/// The attributes rustdoc (and mdBook) read in the info string of a Rust block.
fn is_rustdoc_attribute(token: &str) -> bool {
    let error_code = token.len() == 5
        && token.starts_with('E')
        && token[1..].bytes().all(|b| b.is_ascii_digit());
    error_code
        || token.starts_with("edition")
        || token.starts_with("ignore-")
        || token.starts_with("hidelines=")
        || matches!(
            token,
            "ignore"
                | "should_panic"
                | "no_run"
                | "compile_fail"
                | "test_harness"
                | "standalone_crate"
                | "allow_fail"
                | "editable"
                | "noplayground"
                | "noplaypen"
                | "mdbook-runnable"
        )
}

/// Whether `lang` (as given by [`language_of`]) is Rust, whose hidden lines are left out.
pub(crate) fn is_rust(lang: &str) -> bool {
    token_for(lang) == "rust"
}

/// The lines of a Rust block a reader sees, by rustdoc's and mdBook's rule: a line that is `#`,
/// or starts with `# ` (after indentation), is hidden (it makes the example compile); a line
/// starting with `##` shows with one `#` less (`##[x]` shows `#[x]`); `#[attr]`, `#!` and every
/// other line show as written.
pub(crate) fn visible_rust(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        let rest = &body[indent..];
        if rest == "#" || rest.starts_with("# ") {
            continue;
        }
        if rest.starts_with("##") {
            out.push_str(&line[..indent]);
            out.push_str(&line[indent + 1..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Maps common fence names that syntect knows under another token.
fn token_for(lang: &str) -> &str {
    match lang {
        "sh" | "shell" | "console" | "zsh" => "bash",
        "jsonc" | "json5" => "json",
        "py" => "python",
        "rs" => "rust",
        "yml" => "yaml",
        "js" | "javascript" | "ts" | "typescript" => "js",
        other => other,
    }
}

/// The longest line (in bytes) a block highlighted by syntect may have; a block with a longer
/// one is shown unhighlighted (JSON has its own linear highlighter and no limit).
pub(crate) const MAX_HIGHLIGHTED_LINE: usize = 10_000;

/// How much code (in bytes) one page may give syntect: about 1 s of CPU at its slowest
/// (15,000 lines of Python a second). Blocks past it are shown unhighlighted (a page with a
/// 20 MB Python block took 86 s and 1.7 GB; found by the long fuzz run). JSON, highlighted in
/// linear time, does not count.
pub(crate) const PAGE_HIGHLIGHT_BUDGET: usize = 1 << 20;

/// Renders a code block: `<pre class="code"><code class="language-x">…</code></pre>`, with
/// highlighting classes when the language is known to syntect, escaped plain text otherwise.
/// The hidden lines of a Rust block are left out ([`visible_rust`]).
pub(crate) fn code_block(code: &str, lang: &str) -> String {
    let mut budget = PAGE_HIGHLIGHT_BUDGET;
    code_block_within(code, lang, &mut budget)
}

/// [`code_block`], drawing what syntect highlights from `budget` (bytes left for the page):
/// a block larger than what is left is shown unhighlighted.
pub(crate) fn code_block_within(code: &str, lang: &str, budget: &mut usize) -> String {
    let lang = lang.trim();
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", crate::html::escape(lang))
    };
    let visible;
    let code = if is_rust(lang) {
        visible = visible_rust(code);
        visible.as_str()
    } else {
        code
    };
    let body = highlight(code, lang, budget).unwrap_or_else(|| crate::html::escape(code));
    format!("<pre class=\"code\"><code{class}>{body}</code></pre>\n")
}

fn highlight(code: &str, lang: &str, budget: &mut usize) -> Option<String> {
    if lang.is_empty() || matches!(lang, "text" | "plain" | "txt") {
        return None;
    }
    if token_for(lang) == "json"
        && let Some(html) = crate::json_highlight::highlight(code)
    {
        return Some(html);
    }
    // syntect's grammars are regular expressions run per line, superlinear on very long lines
    // (a 100,000-character line took minutes): such a block is shown as plain text.
    if code.len() > *budget || code.lines().any(|l| l.len() > MAX_HIGHLIGHTED_LINE) {
        return None;
    }
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(token_for(lang))?;
    *budget -= code.len();
    classed_html(code, syntax, set)
}

/// What syntect's `ClassedHTMLGenerator` makes of `code`, line by line, except that a line
/// met before in the same state (the grammar's position and the open scopes) takes what it
/// gave then: code blocks repeat lines (`}`, `use` lines, a call in every example), and
/// syntect runs its grammar's regular expressions on each one. The output is the same: the
/// result of a line depends only on the line and the state it starts in.
fn classed_html(code: &str, syntax: &SyntaxReference, set: &SyntaxSet) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut open_spans: isize = 0;
    let mut html = String::with_capacity(code.len() * 2);
    LINES.with(|lines| {
        let mut lines = lines.borrow_mut();
        for line in LinesWithEndings::from(code) {
            // A long line, or one that starts deep in nested scopes (whose state is as large
            // as the nesting), is not worth remembering: it is highlighted as it comes.
            let remember = line.len() <= MAX_REMEMBERED_LINE
                && scopes.as_slice().len() <= MAX_REMEMBERED_DEPTH;
            let key = if remember { line_key(line, &scopes) } else { 0 };
            let seen = remember
                .then(|| lines.find(key, line, &state, &scopes))
                .flatten();
            if let Some(seen) = seen {
                html.push_str(&seen.html);
                open_spans += seen.delta;
                state.clone_from(&seen.state_after);
                scopes.clone_from(&seen.scopes_after);
                continue;
            }
            let before = remember.then(|| (state.clone(), scopes.clone()));
            let ops = state.parse_line(line, set).ok()?;
            let (out, delta) =
                line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut scopes).ok()?;
            html.push_str(&out);
            open_spans += delta;
            if let Some((state_before, scopes_before)) = before {
                lines.remember(
                    key,
                    SeenLine {
                        line: line.to_string(),
                        state: state_before,
                        scopes: scopes_before,
                        html: out,
                        delta,
                        state_after: state.clone(),
                        scopes_after: scopes.clone(),
                    },
                );
            }
        }
        Some(())
    })?;
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

/// A highlighted line: what it started in, and what it gave.
struct SeenLine {
    line: String,
    state: ParseState,
    scopes: ScopeStack,
    html: String,
    delta: isize,
    state_after: ParseState,
    scopes_after: ScopeStack,
}

/// The lines a thread has highlighted, by [`line_key`]; forgotten all at once when they reach
/// [`MAX_REMEMBERED_LINES`] lines or [`MAX_REMEMBERED_BYTES`] of text and HTML.
#[derive(Default)]
struct SeenLines {
    by_key: HashMap<u64, Vec<SeenLine>>,
    lines: usize,
    bytes: usize,
}

impl SeenLines {
    fn find(
        &self,
        key: u64,
        line: &str,
        state: &ParseState,
        scopes: &ScopeStack,
    ) -> Option<&SeenLine> {
        self.by_key
            .get(&key)?
            .iter()
            .find(|e| e.line == line && e.state == *state && e.scopes == *scopes)
    }

    fn remember(&mut self, key: u64, seen: SeenLine) {
        let bytes = seen.line.len() + seen.html.len();
        if self.lines >= MAX_REMEMBERED_LINES || self.bytes + bytes > MAX_REMEMBERED_BYTES {
            *self = SeenLines::default();
        }
        self.lines += 1;
        self.bytes += bytes;
        self.by_key.entry(key).or_default().push(seen);
    }
}

/// How many lines a thread remembers.
const MAX_REMEMBERED_LINES: usize = 8192;
/// How much text and HTML a thread remembers.
const MAX_REMEMBERED_BYTES: usize = 4 << 20;
/// Longer lines are not remembered.
const MAX_REMEMBERED_LINE: usize = 256;
/// Lines that start in more open scopes than this are not remembered.
const MAX_REMEMBERED_DEPTH: usize = 16;

thread_local! {
    static LINES: std::cell::RefCell<SeenLines> = Default::default();
}

/// A hash of a line and the scopes open where it starts (the full state is compared on a
/// hit).
fn line_key(line: &str, scopes: &ScopeStack) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut h);
    scopes.as_slice().hash(&mut h);
    h.finish()
}

/// The CSS for the light scheme and, under `prefers-color-scheme: dark`, the dark one.
#[cfg(test)]
fn theme_css() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    let dark = css("base16-ocean.dark")
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "/* Generated by errdocs from syntect's InspiredGitHub (light) and base16-ocean.dark themes. */\n{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css("InspiredGitHub").trim_end(),
        dark.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::html::ClassedHTMLGenerator;

    /// Found by the long fuzz run: a shell block with a 100,000-character line took minutes
    /// in syntect. Blocks with a line over the limit are plain; JSON keeps its highlighter.
    #[test]
    fn a_block_with_a_very_long_line_is_not_given_to_syntect() {
        let short = format!("curl \"{}\"\n", "*".repeat(100));
        assert!(code_block(&short, "sh").contains("hl-"));
        let long = format!("curl -H \"Author{}\"\n", "*".repeat(MAX_HIGHLIGHTED_LINE));
        let html = code_block(&long, "sh");
        assert!(!html.contains("hl-"), "plain");
        assert!(
            html.contains(&"*".repeat(MAX_HIGHLIGHTED_LINE)),
            "kept whole"
        );
        let json = format!("{{\"a\": \"{}\"}}\n", "x".repeat(MAX_HIGHLIGHTED_LINE));
        assert_ne!(
            code_block(&json, "json"),
            format!(
                "<pre class=\"code\"><code class=\"language-json\">{}</code></pre>\n",
                crate::html::escape(&json)
            )
        );
    }

    /// A page gives syntect at most PAGE_HIGHLIGHT_BUDGET bytes: a larger block, and blocks
    /// past the budget, are plain; JSON does not count.
    #[test]
    fn a_page_gives_syntect_a_bounded_amount_of_code() {
        let line = "x = compute(\"value\")\n";
        let big = line.repeat(PAGE_HIGHLIGHT_BUDGET / line.len() + 1);
        assert!(
            !code_block(&big, "python").contains("hl-"),
            "over the budget"
        );
        let half = line.repeat(PAGE_HIGHLIGHT_BUDGET / line.len() / 2);
        let mut budget = PAGE_HIGHLIGHT_BUDGET;
        assert!(code_block_within(&half, "python", &mut budget).contains("hl-"));
        assert!(code_block_within("{\"a\": 1}", "json", &mut budget).contains("hl-"));
        let rest = line.repeat(budget / line.len());
        assert!(code_block_within(&rest, "python", &mut budget).contains("hl-"));
        let after = code_block_within(line, "python", &mut budget);
        assert!(!after.contains("hl-"), "budget spent: {after}");
        assert!(after.contains("compute(&quot;value&quot;)"), "{after}");
        assert!(code_block_within("{\"a\": 1}", "json", &mut budget).contains("hl-"));
    }

    #[test]
    fn the_language_is_the_first_token_and_rustdoc_attributes_are_rust() {
        for (info, lang) in [
            ("rust", Some("rust")),
            ("rust,ignore", Some("rust")),
            ("compile_fail,E0308", Some("rust")),
            ("should_panic", Some("rust")),
            ("ignore (needs network)", Some("rust")),
            ("ignore(pseudo code)", Some("rust")),
            ("edition2021,no_run", Some("rust")),
            ("ignore,text", Some("text")),
            ("python hl_lines=1", Some("python")),
            ("ruby startline=3 $%@#$", Some("ruby")),
            ("foo+bar", Some("foo+bar")),
            (";", Some(";")),
            ("  ", None),
            ("", None),
        ] {
            assert_eq!(language_of(info).as_deref(), lang, "{info}");
        }
    }

    #[test]
    fn hidden_rust_lines_follow_rustdoc() {
        assert_eq!(
            visible_rust("# use x;\n#\n  # fn f() {}\n##[a]\n  ## b\n#[derive(A)]\n#![x]\n#y\nz"),
            "#[a]\n  # b\n#[derive(A)]\n#![x]\n#y\nz"
        );
    }

    /// The fenced code blocks of `markdown` (the info string's first word, the text).
    fn fenced_blocks(markdown: &str, default: &str) -> Vec<(String, String)> {
        let mut blocks = Vec::new();
        let mut open: Option<(String, String)> = None;
        for line in markdown.lines() {
            match open.as_mut() {
                Some((_, text)) if line.trim_start() != "```" => {
                    text.push_str(line);
                    text.push('\n');
                }
                Some(_) => blocks.extend(open.take()),
                None => {
                    if let Some(info) = line.trim_start().strip_prefix("```") {
                        let lang = info.split([' ', ',']).next().unwrap_or("");
                        let lang = if lang.is_empty() { default } else { lang };
                        open = Some((lang.to_string(), String::new()));
                    }
                }
            }
        }
        blocks
    }

    /// Remembered lines give what syntect's own generator gives, on code nobody here wrote
    /// (rustc's explanations of its errors) and on the repository's Markdown, each block
    /// highlighted after all the others (so most of its lines are remembered) and mixed
    /// languages in between.
    #[test]
    fn remembered_lines_give_what_syntect_gives() {
        let mut markdown = Vec::new();
        let codes = "E0308 E0382 E0499 E0502 E0277 E0106 E0425 E0599 E0038 E0072 E0204 E0373 \
            E0432 E0507 E0515 E0597 E0621 E0716";
        for code in codes.split_whitespace() {
            let out = std::process::Command::new("rustc")
                .args(["--explain", code])
                .output()
                .expect("rustc runs");
            assert!(out.status.success(), "rustc --explain {code}");
            markdown.push((String::from_utf8(out.stdout).unwrap(), "rust"));
        }
        for file in [
            "README.md",
            "content/errors.md",
            "examples/grpc/content/index.md",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            markdown.push((std::fs::read_to_string(&path).unwrap(), ""));
        }
        let set = syntaxes();
        let mut blocks: Vec<(String, String)> = markdown
            .iter()
            .flat_map(|(text, default)| fenced_blocks(text, default))
            .filter(|(lang, _)| !lang.is_empty() && set.find_syntax_by_token(lang).is_some())
            .collect();
        // The same line, in the same scopes, in two states: it ends the first raw string and
        // not the second (the grammar remembers the number of `#`).
        for hashes in ["#", "##"] {
            let code = format!("let s = r{hashes}\"\nx\n\"#;\nfn f() {{}}\n\"{hashes};\n");
            blocks.push(("rust".to_string(), code));
        }
        // Nesting deeper than what is remembered, and lines longer than what is remembered.
        let deep = format!("fn f() {}{}\n", "{\n".repeat(100), "}\n".repeat(100));
        let long = format!("let s = \"{}\";\nlet t = 1;\n", "x".repeat(1000));
        for code in [deep, long] {
            blocks.push(("rust".to_string(), code.clone()));
            blocks.push(("rust".to_string(), code));
        }
        assert!(blocks.len() > 40, "{} blocks", blocks.len());
        let rust = blocks.iter().filter(|(l, _)| l == "rust").count();
        assert!(rust > 20, "{rust} Rust blocks");
        let again = blocks.clone();
        blocks.extend(again.into_iter().rev());
        for (lang, code) in &blocks {
            let syntax = set.find_syntax_by_token(lang).unwrap();
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
            for line in LinesWithEndings::from(code) {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .unwrap();
            }
            assert_eq!(
                classed_html(code, syntax, set).as_deref(),
                Some(generator.finalize().as_str()),
                "{lang}:\n{code}"
            );
        }
    }

    #[test]
    fn highlights_known_languages_and_escapes_others() {
        let html = code_block("{\"a\": \"<b>\"}\n", "json");
        assert!(html.contains("hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        let plain = code_block("<script>\n", "nosuchlang");
        assert!(plain.contains("&lt;script&gt;"), "{plain}");
    }

    /// The embedded syntax.css is generated; this keeps it in sync with syntect.
    /// Regenerate with `ERRDOCS_BLESS=1 cargo test`.
    #[test]
    fn embedded_syntax_css_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/theme/static/syntax.css");
        let want = theme_css();
        if std::env::var_os("ERRDOCS_BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "src/theme/static/syntax.css is stale: run ERRDOCS_BLESS=1 cargo test"
        );
    }
}
