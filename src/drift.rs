//! `errdocs check --source DIR...`: drift between the catalog and the API's source tree.
//!
//! The source tree is walked in parallel (the `ignore` crate: `.gitignore`, `.ignore` and
//! hidden files are skipped, binary files too) and every mention of a code is found:
//!
//! - **shaped codes** (`PG-1003`, `E0308`): one regex made of the shapes of the catalog's
//!   text codes (each run of digits becomes `[0-9]{n}`) and of its categories' `range`s (an `x`
//!   is one digit), or the site's `[source] pattern`. A match is a code when the bytes around
//!   it are not ASCII letters, digits or `_`; one the catalog does not know is an error;
//! - **free-form codes** (`rate_limit`, `Missing Bearer token.`): exactly, inside `"..."`,
//!   `'...'` or `` `...` `` (a string literal), with aho-corasick;
//! - **integer codes** (`429`, `-32602`): the number as a whole token (not part of a longer
//!   number, identifier or decimal). Integers are only counted as mentions: any number in
//!   source is not a code, so unknown integers are never reported (use `pattern` for that).
//!
//! Then: an unknown code is an error, a use of a `removed` code is an error, and a catalog
//! code that nothing mentions is a warning (an error with `--strict`), unless it is deprecated
//! or removed. Findings are sorted by file, line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aho_corasick::AhoCorasick;
use regex::bytes::Regex;

use crate::build::{Options, Site};
use crate::catalog::{Catalog, CodeKey};
use crate::config::SourceScan;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem, Severity, did_you_mean};
use crate::tomlread::Located;

/// What `check --source` was asked to do.
pub struct DriftOptions {
    /// Directories to scan (relative to the current directory); when empty, `[source] dirs`
    /// of the config (relative to the site root).
    pub dirs: Vec<PathBuf>,
    /// Unused catalog codes are errors, not warnings.
    pub strict: bool,
}

/// The outcome of a drift check.
pub struct DriftReport {
    /// Errors and warnings, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// Files read (text files; binary files are skipped).
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Directories scanned, as shown.
    pub dirs: Vec<PathBuf>,
    pub elapsed: Duration,
}

impl DriftReport {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }
}

/// Checks the site (everything `check` does), then scans the source directories for drift.
/// `Err` when the site itself has errors or the scan cannot be set up.
pub fn check_sources(
    options: &Options,
    drift: &DriftOptions,
) -> Result<(crate::Summary, DriftReport), Vec<Diagnostic>> {
    let started = Instant::now();
    let site = Site::build(options, None)?;
    let files = site.plan.pages.len();
    let summary = site.summary(None, files, started.elapsed());
    let scan = site.sources.config.source_scan.clone().unwrap_or_default();
    let dirs: Vec<PathBuf> = if drift.dirs.is_empty() {
        scan.dirs.iter().map(|d| options.root.join(d)).collect()
    } else {
        drift.dirs.clone()
    };
    let report = scan_dirs(&site, &scan, &dirs, drift.strict)?;
    Ok((summary, report))
}

/// Whether `check` should scan sources: `--source` given or `[source] dirs` set.
pub fn configured(options: &Options) -> bool {
    let mut ignored = Diagnostics::default();
    crate::config::load(&options.root, &mut ignored)
        .and_then(|c| c.source_scan)
        .is_some_and(|s| !s.dirs.is_empty())
}

/// One mention of a code in a source file.
struct Hit {
    file: PathBuf,
    offset: usize,
    len: usize,
    what: HitKind,
}

enum HitKind {
    Unknown(String),
    Removed(usize),
}

/// What a file's scan found: problems, and the catalog codes it mentions.
#[derive(Default)]
struct FileScan {
    hits: Vec<Hit>,
    mentioned: Vec<usize>,
}

/// The compiled matchers.
struct Matcher {
    /// Shaped codes (or the configured pattern), with whether it is the user's pattern.
    shapes: Option<(Regex, bool)>,
    /// Quoted free-form codes and integer codes.
    literals: Option<AhoCorasick>,
    /// For each literal pattern: the code it names and whether it is an integer token.
    literal_codes: Vec<(usize, bool)>,
    /// Every known code and old code (alias) as written -> its code.
    known: HashMap<String, usize>,
    /// Reserved integer ranges (`-32000..-32099`) -> the code.
    ranges: Vec<(i64, i64, usize)>,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `PG-1003` -> `PG-[0-9]{4}`; `None` for a code that is not letters and digits (and `-`, `_`,
/// `.`) with at least one of each.
fn shape_of(code: &str) -> Option<String> {
    let ok = code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && code.bytes().any(|b| b.is_ascii_digit())
        && code.bytes().any(|b| b.is_ascii_alphabetic());
    if !ok {
        return None;
    }
    let mut out = String::new();
    let mut digits = 0;
    for c in code.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits += 1;
            continue;
        }
        if digits > 0 {
            out.push_str(&format!("[0-9]{{{digits}}}"));
            digits = 0;
        }
        if c != '\0' {
            out.push_str(&regex::escape(&c.to_string()));
        }
    }
    Some(out)
}

/// A category range `PG-1xxx` -> `PG-1[0-9]{3}`.
fn shape_of_range(range: &str) -> Option<String> {
    let mut out = String::new();
    let mut xs = 0;
    for c in range.chars().chain(std::iter::once('\0')) {
        if c == 'x' {
            xs += 1;
            continue;
        }
        if xs > 0 {
            out.push_str(&format!("[0-9]{{{xs}}}"));
            xs = 0;
        }
        if c != '\0' {
            out.push_str(&regex::escape(&c.to_string()));
        }
    }
    shape_of(&range.replace('x', "0")).map(|_| out)
}

impl Matcher {
    fn new(catalog: &Catalog, scan: &SourceScan, diags: &mut Diagnostics) -> Matcher {
        let mut known = HashMap::new();
        let mut ranges = Vec::new();
        for (i, code) in catalog.codes.iter().enumerate() {
            match &code.key {
                CodeKey::Range(a, b) => ranges.push(((*a).min(*b), (*a).max(*b), i)),
                CodeKey::Name(_) => continue,
                key => {
                    known.insert(key.raw(), i);
                }
            }
            for alias in &code.aliases {
                if let crate::catalog::Alias::Code { code: old, .. } = alias {
                    known.entry(old.clone()).or_insert(i);
                }
            }
        }
        let user = scan.pattern.as_ref().and_then(|p| compile(p, diags));
        let shapes = match user {
            Some(re) => Some((re, true)),
            None => derived_shapes(catalog).map(|re| (re, false)),
        };
        let user_full = shapes.as_ref().filter(|(_, user)| *user).map(|(re, _)| re);
        let mut patterns = Vec::new();
        let mut literal_codes = Vec::new();
        for (i, code) in catalog.codes.iter().enumerate() {
            match &code.key {
                CodeKey::Int(n) => {
                    patterns.push(n.to_string());
                    literal_codes.push((i, true));
                }
                CodeKey::Text(t) => {
                    let shaped = match user_full {
                        Some(re) => re
                            .find(t.as_bytes())
                            .is_some_and(|m| m.start() == 0 && m.end() == t.len()),
                        None => shape_of(t).is_some(),
                    };
                    if !shaped {
                        for q in ['"', '\'', '`'] {
                            patterns.push(format!("{q}{t}{q}"));
                            literal_codes.push((i, false));
                        }
                    }
                }
                _ => {}
            }
        }
        let literals = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Matcher {
            shapes,
            literals,
            literal_codes,
            known,
            ranges,
        }
    }

    fn lookup(&self, text: &str) -> Option<usize> {
        self.known.get(text).copied().or_else(|| {
            let n: i64 = text.parse().ok()?;
            self.ranges
                .iter()
                .find(|(a, b, _)| (*a..=*b).contains(&n))
                .map(|(_, _, i)| *i)
        })
    }

    fn scan(&self, catalog: &Catalog, file: &Path, bytes: &[u8]) -> FileScan {
        let mut out = FileScan::default();
        let mut found = |code: Option<usize>, text: &str, offset: usize, len: usize| match code {
            Some(i) => {
                out.mentioned.push(i);
                if catalog.codes[i].removed.is_some() {
                    out.hits.push(Hit {
                        file: file.to_path_buf(),
                        offset,
                        len,
                        what: HitKind::Removed(i),
                    });
                }
            }
            None => out.hits.push(Hit {
                file: file.to_path_buf(),
                offset,
                len,
                what: HitKind::Unknown(text.to_string()),
            }),
        };
        if let Some((re, user)) = &self.shapes {
            for caps in re.captures_iter(bytes) {
                let Some(m) = caps
                    .name("code")
                    .or_else(|| caps.get(1))
                    .or_else(|| caps.get(0))
                else {
                    continue;
                };
                let whole = caps.get(0).map_or(m.range(), |w| w.range());
                let bounded = *user
                    || ((whole.start == 0 || !is_word(bytes[whole.start - 1]))
                        && bytes.get(whole.end).is_none_or(|b| !is_word(*b)));
                if !bounded {
                    continue;
                }
                let text = String::from_utf8_lossy(m.as_bytes());
                found(self.lookup(&text), &text, m.start(), m.len());
            }
        }
        if let Some(ac) = &self.literals {
            for m in ac.find_iter(bytes) {
                let (code, int) = self.literal_codes[m.pattern().as_usize()];
                if int && !int_token(bytes, m.start(), m.end()) {
                    continue;
                }
                let (start, end) = if int {
                    (m.start(), m.end())
                } else {
                    (m.start() + 1, m.end() - 1)
                };
                let text = String::from_utf8_lossy(&bytes[start..end]);
                found(Some(code), &text, start, end - start);
            }
        }
        out
    }
}

/// Whether the number at `start..end` stands alone: not inside an identifier, a longer
/// number, a decimal or (for a positive code) after a minus sign.
fn int_token(bytes: &[u8], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(end).copied();
    let starts_negative = bytes[start] == b'-';
    let before_ok =
        before.is_none_or(|b| !(is_word(b) || b == b'.' || (!starts_negative && b == b'-')));
    let after_ok = after.is_none_or(|b| {
        !(is_word(b) || (b == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
    });
    before_ok && after_ok
}

fn compile(pattern: &Located<String>, diags: &mut Diagnostics) -> Option<Regex> {
    match Regex::new(&pattern.value) {
        Ok(re) => Some(re),
        Err(e) => {
            diags.push(Diagnostic::bare(Problem::InvalidSourcePattern {
                key: "pattern",
                value: pattern.value.clone(),
                error: e.to_string().lines().last().unwrap_or_default().to_string(),
            }));
            None
        }
    }
}

/// One regex of every shape of the catalog's text codes and categories' ranges, longest
/// first (so `PG-1003` is not cut to a shorter shape), `None` if there are none.
fn derived_shapes(catalog: &Catalog) -> Option<Regex> {
    let mut shapes: Vec<String> = catalog
        .categories
        .iter()
        .filter_map(|c| c.range.as_deref().and_then(shape_of_range))
        .chain(catalog.codes.iter().filter_map(|c| match &c.key {
            CodeKey::Text(t) => shape_of(t),
            _ => None,
        }))
        .collect();
    shapes.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    shapes.dedup();
    if shapes.is_empty() {
        return None;
    }
    Regex::new(&format!("(?:{})", shapes.join("|"))).ok()
}

/// Globs of `include` / `exclude`: one without `/` matches a name at any depth.
fn globs(
    key: &'static str,
    list: &[Located<String>],
    diags: &mut Diagnostics,
) -> Option<globset::GlobSet> {
    if list.is_empty() {
        return None;
    }
    let mut set = globset::GlobSetBuilder::new();
    for g in list {
        let text = g.value.trim_end_matches('/');
        let text = if text.contains('/') {
            text.trim_start_matches('/').to_string()
        } else {
            format!("**/{text}")
        };
        match globset::GlobBuilder::new(&text)
            .literal_separator(true)
            .build()
        {
            Ok(glob) => {
                set.add(glob);
            }
            Err(e) => diags.push(Diagnostic::bare(Problem::InvalidSourcePattern {
                key,
                value: g.value.clone(),
                error: e.kind().to_string(),
            })),
        }
    }
    set.build().ok()
}

/// Paths of the site itself, never scanned: its catalog, pages, templates, static files and
/// output mention every code.
fn site_paths(site: &Site) -> Vec<PathBuf> {
    let root = &site.options.root;
    [
        root.join(&site.sources.config.catalog),
        root.join(crate::content::CONTENT_DIR),
        root.join(crate::theme::TEMPLATES_DIR),
        root.join(crate::sources::STATIC_DIR),
        site.options.output_dir(),
        root.join(crate::config::CONFIG_FILE),
    ]
    .iter()
    .filter_map(|p| p.canonicalize().ok())
    .collect()
}

/// Walks `dirs` in parallel and reports drift.
// Long: set-up of the matchers and filters, the parallel walk, then the three reports.
fn scan_dirs(
    site: &Site,
    scan: &SourceScan,
    dirs: &[PathBuf],
    strict: bool,
) -> Result<DriftReport, Vec<Diagnostic>> {
    let started = Instant::now();
    let catalog = &site.sources.catalog;
    let mut diags = Diagnostics::default();
    let matcher = Matcher::new(catalog, scan, &mut diags);
    let include = globs("include", &scan.include, &mut diags);
    let exclude = globs("exclude", &scan.exclude, &mut diags);
    for d in dirs {
        if !d.is_dir() {
            diags.push(Diagnostic::bare(Problem::Io {
                action: "scan the source directory",
                message: format!("{}: not a directory", d.display()),
            }));
        }
    }
    if diags.has_errors() {
        return Err(diags.into_sorted());
    }
    let skip = site_paths(site);
    let files = AtomicUsize::new(0);
    let bytes_read = AtomicU64::new(0);
    let results: Mutex<Vec<FileScan>> = Mutex::new(Vec::new());
    for dir in dirs {
        let walker = ignore::WalkBuilder::new(dir)
            .require_git(false)
            .follow_links(false)
            .build_parallel();
        walker.run(|| {
            let (include, exclude, skip) = (&include, &exclude, &skip);
            let (matcher, results, files, bytes_read) = (&matcher, &results, &files, &bytes_read);
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return ignore::WalkState::Continue;
                };
                let path = entry.path();
                let rel = path.strip_prefix(dir).unwrap_or(path);
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                if exclude.as_ref().is_some_and(|x| x.is_match(rel))
                    || (entry.depth() > 0
                        && !skip.is_empty()
                        && path.canonicalize().is_ok_and(|c| skip.contains(&c)))
                {
                    return ignore::WalkState::Skip;
                }
                if is_dir || !entry.file_type().is_some_and(|t| t.is_file()) {
                    return ignore::WalkState::Continue;
                }
                if include.as_ref().is_some_and(|i| !i.is_match(rel)) {
                    return ignore::WalkState::Continue;
                }
                let Ok(bytes) = std::fs::read(path) else {
                    return ignore::WalkState::Continue;
                };
                if bytes[..bytes.len().min(8192)].contains(&0) {
                    return ignore::WalkState::Continue;
                }
                files.fetch_add(1, Ordering::Relaxed);
                bytes_read.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                let found = matcher.scan(catalog, path, &bytes);
                if (!found.hits.is_empty() || !found.mentioned.is_empty())
                    && let Ok(mut r) = results.lock()
                {
                    r.push(found);
                }
                ignore::WalkState::Continue
            })
        });
    }
    let results = results.into_inner().unwrap_or_default();
    let mut mentioned = vec![false; catalog.codes.len()];
    for r in &results {
        for &i in &r.mentioned {
            mentioned[i] = true;
        }
    }
    let mut hits: Vec<Hit> = results.into_iter().flat_map(|r| r.hits).collect();
    hits.sort_by(|a, b| (&a.file, a.offset).cmp(&(&b.file, b.offset)));
    for hit in hits {
        diags.push(diagnose(site, hit));
    }
    for (i, code) in catalog.codes.iter().enumerate() {
        if mentioned[i] || !code.key.is_code() || code.removed.is_some() {
            continue;
        }
        if code.deprecated.is_some() {
            continue;
        }
        let mut d = Diagnostic::at(
            Problem::UnusedCode {
                code: code.key.raw(),
            },
            catalog.source.locate(code.span.clone()),
        );
        if strict {
            d.severity = Severity::Error;
        }
        diags.push(d);
    }
    Ok(DriftReport {
        diagnostics: diags.into_sorted(),
        files: files.into_inner(),
        bytes: bytes_read.into_inner(),
        dirs: dirs.to_vec(),
        elapsed: started.elapsed(),
    })
}

fn diagnose(site: &Site, hit: Hit) -> Diagnostic {
    let catalog = &site.sources.catalog;
    let location = locate(&hit);
    let problem = match hit.what {
        HitKind::Unknown(code) => {
            let names: Vec<String> = catalog.codes.iter().map(|c| c.key.raw()).collect();
            let suggestion = did_you_mean(&code, names.iter().map(String::as_str));
            let page = site.sources.config.code_pages.as_ref().map(|p| {
                let config = &site.sources.config;
                let page = crate::urls::pretty(&format!("{p}/{code}"), config.trailing_slash);
                format!("{}{}", config.base_path(), page.trim_start_matches('/'))
            });
            Problem::UnknownCodeInSource {
                code,
                page,
                suggestion,
            }
        }
        HitKind::Removed(i) => {
            let code = &catalog.codes[i];
            Problem::RemovedCodeInSource {
                code: code.key.raw(),
                since: code.removed.as_ref().and_then(|r| r.since.clone()),
                replacement: code.replaced_by.map(|r| catalog.codes[r].key.raw()),
            }
        }
    };
    Diagnostic::at(problem, location)
}

fn locate(hit: &Hit) -> Location {
    let bytes = std::fs::read(&hit.file).unwrap_or_default();
    let offset = hit.offset.min(bytes.len());
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| offset + i);
    let line = 1 + bytes[..line_start].iter().filter(|&&b| b == b'\n').count();
    let end = (offset + hit.len).min(line_end);
    // Each part decoded alone, so the span falls on character boundaries whatever the bytes.
    let before = String::from_utf8_lossy(&bytes[line_start..offset]);
    let code = String::from_utf8_lossy(&bytes[offset..end]);
    let after = String::from_utf8_lossy(&bytes[end..line_end]);
    let text = format!("{before}{code}{}", after.trim_end_matches('\r'));
    Location::in_line(
        &hit.file,
        line,
        &text,
        before.len()..before.len() + code.len(),
    )
}
