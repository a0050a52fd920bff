//! A Markdown page of the site: finding pages under `content/`, reading their front matter,
//! and the URL each one gets.

use std::path::Path;

use crate::diagnostics::{Diagnostics, Problem, Source};
use crate::tomlread::{self, Table};
use crate::urls;

/// Where pages live, under the site root.
pub(crate) const CONTENT_DIR: &str = "content";

const FRONT_MATTER_KEYS: &[&str] = &["title", "description", "weight", "template"];

/// A Markdown page of the site.
pub(crate) struct Page {
    /// The whole file, named relative to the site root (`content/guide.md`).
    pub(crate) source: Source,
    /// Path relative to `content/` with `/` separators (`guide.md`).
    pub(crate) rel: String,
    /// Site path of the page (`/guide/`, `/` for `index.md`, `/404.html` for `404.md`).
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) weight: i64,
    /// Template name, `page.html` unless the front matter says otherwise.
    pub(crate) template: String,
    /// Byte offset in `source.text` where the Markdown body starts.
    pub(crate) body_start: usize,
}

impl Page {
    pub(crate) fn body(&self) -> &str {
        &self.source.text[self.body_start..]
    }
}

/// Finds and reads every `*.md` under `root/content`, sorted by path for deterministic output.
/// The site paths of the pages that could not be read are added to `failed`.
pub(crate) fn load_pages(
    root: &Path,
    slash: bool,
    diags: &mut Diagnostics,
    failed: &mut std::collections::BTreeSet<String>,
) -> Vec<Page> {
    let is_page = |p: &Path| p.extension().is_some_and(|x| x == "md");
    let files = crate::files::walk(root, CONTENT_DIR, is_page, diags);
    let mut pages = Vec::new();
    for path in files {
        match load_page(root, slash, &path, diags) {
            Some(page) => pages.push(page),
            None => {
                let rel = crate::files::relative(&path, &root.join(CONTENT_DIR));
                failed.insert(urls::page_url(&rel, slash));
            }
        }
    }
    pages
}

/// Reads one page file (`path` is under `root/content`); `slash` is `trailing_slash`.
pub(crate) fn load_page(
    root: &Path,
    slash: bool,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<Page> {
    let rel_to_root = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let rel = crate::files::relative(path, &root.join(CONTENT_DIR));
    match Source::read(path, rel_to_root) {
        Ok(source) => read_page(source, rel, slash, diags),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn read_page(source: Source, rel: String, slash: bool, diags: &mut Diagnostics) -> Option<Page> {
    let text = &source.text;
    let Some(after_open) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        diags.at(Problem::FrontMatterMissing, &source, 0..0);
        return None;
    };
    let open_len = text.len() - after_open.len();
    let close = after_open
        .match_indices("+++")
        .find(|(i, _)| *i == 0 || after_open.as_bytes()[i - 1] == b'\n')
        .map(|(i, _)| i);
    let Some(close) = close else {
        diags.at(Problem::FrontMatterUnclosed, &source, 0..3);
        return None;
    };
    let fm_start = open_len;
    let fm_end = open_len + close;
    let mut body_start = fm_end + 3;
    let rest = &text[body_start..];
    body_start += rest.len() - rest.trim_start_matches(['\r', '\n']).len();
    // Parse the front matter on its own, with spans shifted back into the whole file.
    let fm_text = text[..fm_start].replace(|c: char| c != '\n', " ") + &text[fm_start..fm_end];
    let fm_source = Source::new(source.path.clone(), fm_text);
    if let Err(d) = fm_source.check_toml_line_endings() {
        diags.push(d);
        return None;
    }
    let before = diags.len();
    let doc = tomlread::parse(&fm_source, diags)?;
    let t = Table::open(
        doc.get_ref(),
        doc.span(),
        "the front matter",
        FRONT_MATTER_KEYS,
        &fm_source,
        diags,
    );
    let title = t.required_string("title", diags);
    let description = t.string("description", diags).map(|d| d.value);
    let weight = t.int("weight", diags).map_or(0, |w| w.value);
    let template = t
        .string("template", diags)
        .map_or_else(|| "page.html".to_string(), |w| w.value);
    if diags.len() > before {
        return None;
    }
    let url = urls::page_url(&rel, slash);
    Some(Page {
        source,
        rel,
        url,
        title: title?.value,
        description,
        weight,
        template,
        body_start,
    })
}
