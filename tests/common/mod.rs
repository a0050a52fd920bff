//! Helpers shared by the integration tests: running the real binary on real directories, and
//! reading the HTML it writes.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seed(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/seeds").join(name)).unwrap()
}

/// Runs `errdocs ARGS` and returns its output.
pub fn errdocs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errdocs"))
        .args(args)
        .output()
        .expect("run errdocs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Builds the site at `root` into `output`, panicking with the diagnostics on failure.
pub fn build_ok(root: &Path, output: &Path) {
    let out = errdocs(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, relative path -> bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Writes `files` (relative path, text) under `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Decodes the HTML character references our output uses.
pub fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').unwrap_or(0);
        let entity = &rest[1..end.max(1)];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes the `#` self-link anchors, which are chrome, not content.
pub fn without_self_links(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<a class=\"self-link\"") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find("</a>").map_or(rest.len(), |e| e + 4);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The text of an HTML fragment: tags removed, references decoded.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// Text with all white space removed, for comparing prose across line and tag breaks.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The value of attribute `name` in an opening tag, if present.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every element `<tag ...>...</tag>` (not nested in itself): (id, inner HTML).
pub fn elements(html: &str, tag: &str) -> Vec<(Option<String>, String)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i..];
        let after = rest.as_bytes().get(open.len()).copied();
        if !matches!(after, Some(b' ') | Some(b'>')) {
            rest = &rest[open.len()..];
            continue;
        }
        let tag_end = rest.find('>').unwrap() + 1;
        let id = attr(&rest[..tag_end], "id");
        let end = rest.find(&close).unwrap();
        out.push((id, rest[tag_end..end].to_string()));
        rest = &rest[end + close.len()..];
    }
    out
}

/// Every table row: (id, text of each cell).
pub fn rows(html: &str) -> Vec<(Option<String>, Vec<String>)> {
    elements(html, "tr")
        .into_iter()
        .map(|(id, inner)| {
            let mut cells: Vec<String> = elements(&inner, "td")
                .into_iter()
                .map(|(_, c)| text(&without_self_links(&c)).trim().to_string())
                .collect();
            if cells.is_empty() {
                cells = elements(&inner, "th")
                    .into_iter()
                    .map(|(_, c)| text(&c).trim().to_string())
                    .collect();
            }
            (id, cells)
        })
        .collect()
}

/// The text of `<main>`, without self-links.
pub fn main_text(html: &str) -> String {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap();
    text(&without_self_links(&html[start..end]))
}
