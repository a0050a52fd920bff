//! Seeded mutations of the sample sites, for the fuzz harness (`tests/fuzz.rs`, `fuzz/`).
//!
//! A [`Case`] is a whole site (every file, as bytes) derived from one of the sample sites by a
//! few [`Mutator`] operations: byte flips, truncation, deleted, duplicated and moved lines,
//! special Unicode (RTL, zero-width, NUL, case-changing letters, invalid UTF-8), huge numbers,
//! very long lines, other line endings, deep nesting, repeated TOML tables, lines spliced from
//! other sample files, and tokens from per-kind dictionaries (catalog and config keys,
//! directives, links, front matter, hostile template snippets). Templates are written to the
//! site's `templates/`, which overrides the embedded theme.
//!
//! Everything is a pure function of the [`Rng`]: the same seed gives the same case. The `Rng`
//! is either a seeded SplitMix64 (the stable harness) or a byte tape (the libFuzzer target,
//! whose coverage-guided mutations of the tape become mutations of the choices).
//!
//! Only `std` is used, so `fuzz/` can include this file as it is.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// No mutation makes a file larger than this.
pub const MAX_FILE: usize = 2 << 20;

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/// The source of every choice: SplitMix64 from a seed, or a byte tape (then zeros).
pub struct Rng {
    state: u64,
    tape: Option<(Vec<u8>, usize)>,
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng {
            state: seed,
            tape: None,
        }
    }

    /// The generator of iteration `i` of a run seeded with `seed`: each iteration has its own
    /// stream, so a case depends only on (seed, i), not on how the run was split into jobs.
    pub fn for_iteration(seed: u64, i: u64) -> Rng {
        Rng::new(splitmix(seed ^ splitmix(i.wrapping_add(0x5EED))))
    }

    /// Choices read from `tape` (8 bytes each, little-endian), zeros once it is used up.
    pub fn from_tape(tape: &[u8]) -> Rng {
        Rng {
            state: 0,
            tape: Some((tape.to_vec(), 0)),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        match &mut self.tape {
            Some((bytes, pos)) => {
                let mut b = [0u8; 8];
                for slot in &mut b {
                    if let Some(&x) = bytes.get(*pos) {
                        *slot = x;
                        *pos += 1;
                    }
                }
                u64::from_le_bytes(b)
            }
            None => {
                self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                splitmix(self.state)
            }
        }
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An item chosen by weight.
    pub fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T {
        let total: u64 = items.iter().map(|(w, _)| u64::from(*w)).sum();
        let mut r = self.next_u64() % total;
        for (w, item) in items {
            if r < u64::from(*w) {
                return item;
            }
            r -= u64::from(*w);
        }
        &items[items.len() - 1].1
    }
}

// ---------------------------------------------------------------------------------------------
// Sites and cases
// ---------------------------------------------------------------------------------------------

/// A sample site: its name and every file (relative path with `/` -> bytes).
#[derive(Clone, Debug)]
pub struct Site {
    pub name: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// The sample sites: name and directory in the repository.
pub const SITES: &[(&str, &str)] = &[
    ("root", "."),
    ("promptgate", "examples/promptgate"),
    ("fixture", "tests/browser/fixture-site"),
];

/// The sources of a site (what a build reads); the repository root holds much more.
const SOURCES: &[&str] = &["errdocs.toml", "catalog", "content", "templates", "static"];

/// Reads the sample sites from the repository at `repo`.
pub fn load_sites(repo: &Path) -> io::Result<Vec<Site>> {
    SITES
        .iter()
        .map(|(name, dir)| {
            let root = repo.join(dir);
            let mut files = BTreeMap::new();
            for source in SOURCES {
                read_tree(&root, &root.join(source), &mut files)?;
            }
            Ok(Site {
                name: (*name).to_string(),
                files,
            })
        })
        .collect()
}

/// The default theme's templates (`src/theme/templates`), by template name.
pub fn load_theme(repo: &Path) -> io::Result<BTreeMap<String, Vec<u8>>> {
    let dir = repo.join("src/theme/templates");
    let mut files = BTreeMap::new();
    read_tree(&dir, &dir, &mut files)?;
    Ok(files)
}

/// Adds every file under `path` (a file or directory; missing is fine) to `files`, keyed by
/// its path relative to `root`.
pub fn read_tree(
    root: &Path,
    path: &Path,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> io::Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<io::Result<_>>()?;
        entries.sort();
        for entry in entries {
            read_tree(root, &entry, files)?;
        }
    } else {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.insert(key, std::fs::read(path)?);
    }
    Ok(())
}

/// One input: a whole site, and how it was made.
#[derive(Clone, Debug)]
pub struct Case {
    /// The sample site it started from.
    pub base: String,
    pub files: BTreeMap<String, Vec<u8>>,
    /// One line per mutation applied.
    pub log: Vec<String>,
}

impl Case {
    pub fn of(site: &Site) -> Case {
        Case {
            base: site.name.clone(),
            files: site.files.clone(),
            log: Vec::new(),
        }
    }

    /// Writes the site into `dir` (which must not exist or be empty).
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (rel, bytes) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }

    /// Total bytes of all files.
    pub fn size(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    /// The files that differ from `base` (changed or added), and those `base` has and the
    /// case does not.
    pub fn diff<'a>(&'a self, base: &'a Site) -> (Vec<&'a str>, Vec<&'a str>) {
        let changed = self
            .files
            .iter()
            .filter(|(k, v)| base.files.get(*k) != Some(*v))
            .map(|(k, _)| k.as_str())
            .collect();
        let deleted = base
            .files
            .keys()
            .filter(|k| !self.files.contains_key(*k))
            .map(String::as_str)
            .collect();
        (changed, deleted)
    }
}

/// What a file of a site is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Config,
    Catalog,
    Page,
    Template,
    Static,
}

impl Kind {
    pub fn of(path: &str) -> Kind {
        if path == "errdocs.toml" {
            Kind::Config
        } else if path.starts_with("content/") {
            Kind::Page
        } else if path.starts_with("templates/") {
            Kind::Template
        } else if path.starts_with("static/") {
            Kind::Static
        } else {
            Kind::Catalog
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Config => "config",
            Kind::Catalog => "catalog",
            Kind::Page => "page",
            Kind::Template => "template",
            Kind::Static => "static",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The mutator
// ---------------------------------------------------------------------------------------------

/// Makes cases from the sample sites.
pub struct Mutator {
    pub sites: Vec<Site>,
    /// The default theme's templates, by name (`page.html`, `directives/code.html`).
    pub theme: BTreeMap<String, Vec<u8>>,
    /// Lines of every sample file, per kind, for splicing.
    lines: BTreeMap<Kind, Vec<Vec<u8>>>,
}

/// The operations, by weight.
#[derive(Clone, Copy, Debug)]
enum Op {
    BitFlip,
    ByteSet,
    Truncate,
    DeleteLines,
    DuplicateLines,
    MoveLines,
    Unicode,
    HugeNumber,
    LongLine,
    LineEndings,
    Dictionary,
    Splice,
    StringValue,
    Nesting,
    RepeatBlock,
}

const OPS: &[(u32, Op)] = &[
    (6, Op::BitFlip),
    (6, Op::ByteSet),
    (4, Op::Truncate),
    (8, Op::DeleteLines),
    (8, Op::DuplicateLines),
    (4, Op::MoveLines),
    (10, Op::Unicode),
    (8, Op::HugeNumber),
    (4, Op::LongLine),
    (2, Op::LineEndings),
    (18, Op::Dictionary),
    (8, Op::Splice),
    (8, Op::StringValue),
    (2, Op::Nesting),
    (3, Op::RepeatBlock),
];

/// What one mutation works on.
#[derive(Clone, Copy, Debug)]
enum Target {
    Config,
    Catalog,
    Page,
    Template,
    NewFile,
    DeleteFile,
}

const TARGETS: &[(u32, Target)] = &[
    (15, Target::Config),
    (34, Target::Catalog),
    (30, Target::Page),
    (15, Target::Template),
    (4, Target::NewFile),
    (2, Target::DeleteFile),
];

impl Mutator {
    /// A mutator over the sample sites of the repository at `repo`.
    pub fn new(repo: &Path) -> io::Result<Mutator> {
        Ok(Mutator::from_parts(load_sites(repo)?, load_theme(repo)?))
    }

    pub fn from_parts(sites: Vec<Site>, theme: BTreeMap<String, Vec<u8>>) -> Mutator {
        let mut lines: BTreeMap<Kind, Vec<Vec<u8>>> = BTreeMap::new();
        let theme_files = theme.iter().map(|(k, v)| (format!("templates/{k}"), v));
        let site_files = sites
            .iter()
            .flat_map(|s| s.files.iter().map(|(k, v)| (k.clone(), v)));
        for (path, bytes) in site_files.chain(theme_files) {
            let pool = lines.entry(Kind::of(&path)).or_default();
            pool.extend(split_lines(bytes).into_iter().map(|r| bytes[r].to_vec()));
        }
        Mutator {
            sites,
            theme,
            lines,
        }
    }

    pub fn site(&self, name: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.name == name)
    }

    /// A new case: a sample site and 1 to 12 mutations (mostly 1 to 3).
    pub fn generate(&self, rng: &mut Rng) -> Case {
        let site = rng.pick(&self.sites);
        let mut case = Case::of(site);
        let n = if rng.chance(1, 4) {
            rng.range(1, 12)
        } else {
            rng.range(1, 3)
        };
        for _ in 0..n {
            self.mutate(&mut case, rng);
        }
        case
    }

    /// Applies one mutation to `case`.
    pub fn mutate(&self, case: &mut Case, rng: &mut Rng) {
        let target = *rng.weighted(TARGETS);
        let path = match target {
            Target::NewFile => {
                let (path, text) = new_file(rng);
                case.files.insert(path.clone(), text.into_bytes());
                case.log.push(format!("new file {path}"));
                return;
            }
            Target::DeleteFile => {
                let keys: Vec<String> = case.files.keys().cloned().collect();
                if keys.is_empty() {
                    return;
                }
                let path = rng.pick(&keys).clone();
                case.files.remove(&path);
                case.log.push(format!("delete file {path}"));
                return;
            }
            Target::Template => {
                let names: Vec<&String> = self.theme.keys().collect();
                let path = if rng.chance(1, 10) {
                    format!("templates/{}", rng.pick(TEMPLATE_NEW_NAMES))
                } else {
                    format!("templates/{}", rng.pick(&names))
                };
                if !case.files.contains_key(&path) {
                    let name = &path["templates/".len()..];
                    let start = match self.theme.get(name) {
                        Some(text) if !rng.chance(1, 5) => text.clone(),
                        _ => Vec::new(),
                    };
                    case.files.insert(path.clone(), start);
                }
                path
            }
            Target::Config => "errdocs.toml".to_string(),
            Target::Catalog | Target::Page => {
                let want = if matches!(target, Target::Catalog) {
                    Kind::Catalog
                } else {
                    Kind::Page
                };
                let keys: Vec<&String> =
                    case.files.keys().filter(|k| Kind::of(k) == want).collect();
                if keys.is_empty() {
                    "errdocs.toml".to_string()
                } else {
                    rng.pick(&keys).to_string()
                }
            }
        };
        let kind = Kind::of(&path);
        let mut data = case.files.remove(&path).unwrap_or_default();
        let op = *rng.weighted(OPS);
        let name = path.strip_prefix("templates/").unwrap_or(&path);
        let what = self.apply(op, kind, name, &mut data, rng);
        data.truncate(MAX_FILE);
        case.files.insert(path.clone(), data);
        case.log.push(format!("{op:?} {path}: {what}"));
    }

    fn apply(&self, op: Op, kind: Kind, name: &str, data: &mut Vec<u8>, rng: &mut Rng) -> String {
        match op {
            Op::BitFlip => bit_flip(data, rng),
            Op::ByteSet => byte_set(data, rng),
            Op::Truncate => truncate(data, rng),
            Op::DeleteLines => delete_lines(data, rng),
            Op::DuplicateLines => duplicate_lines(data, rng),
            Op::MoveLines => move_lines(data, rng),
            Op::Unicode => unicode(data, rng),
            Op::HugeNumber => huge_number(data, rng),
            Op::LongLine => long_line(kind, data, rng),
            Op::LineEndings => line_endings(data, rng),
            Op::Dictionary => dictionary_in(kind, name, data, rng),
            Op::Splice => self.splice(kind, data, rng),
            Op::StringValue => string_value(kind, data, rng),
            Op::Nesting => nesting(kind, data, rng),
            Op::RepeatBlock => repeat_block(kind, data, rng),
        }
    }

    /// Inserts 1 to 8 consecutive lines of a sample file of the same kind.
    fn splice(&self, kind: Kind, data: &mut Vec<u8>, rng: &mut Rng) -> String {
        let Some(pool) = self.lines.get(&kind).filter(|p| !p.is_empty()) else {
            return "nothing to splice".into();
        };
        let start = rng.below(pool.len());
        let n = rng.range(1, 8).min(pool.len() - start);
        let mut chunk = Vec::new();
        for line in &pool[start..start + n] {
            chunk.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                chunk.push(b'\n');
            }
        }
        let at = line_start(data, rng);
        insert(data, at, &chunk);
        format!("{n} lines at byte {at}")
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The byte ranges of the lines of `data`, each with its `\n`.
pub fn split_lines(data: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < data.len() {
        out.push(start..data.len());
    }
    out
}

fn insert(data: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    let at = at.min(data.len());
    let room = MAX_FILE.saturating_sub(data.len());
    let bytes = &bytes[..bytes.len().min(room)];
    data.splice(at..at, bytes.iter().copied());
}

/// A random byte offset (`0..=len`), on a UTF-8 character boundary but one time in 16.
fn position(data: &[u8], rng: &mut Rng) -> usize {
    let mut at = rng.below(data.len() + 1);
    if !rng.chance(1, 16) {
        while at > 0 && at < data.len() && (data[at] & 0xC0) == 0x80 {
            at -= 1;
        }
    }
    at
}

/// The start of a random line (or the end of the data).
fn line_start(data: &[u8], rng: &mut Rng) -> usize {
    let lines = split_lines(data);
    if lines.is_empty() || rng.chance(1, 10) {
        return data.len();
    }
    lines[rng.below(lines.len())].start
}

/// Where a template snippet may go without breaking a tag: after a `}}`, `%}` or `#}`, at a
/// line start, and sometimes anywhere.
fn template_position(data: &[u8], rng: &mut Rng) -> usize {
    if rng.chance(1, 5) {
        return position(data, rng);
    }
    let ends: Vec<usize> = data
        .windows(2)
        .enumerate()
        .filter(|(_, w)| matches!(w, [b'}' | b'%' | b'#', b'}']))
        .map(|(i, _)| i + 2)
        .collect();
    if ends.is_empty() || rng.chance(1, 3) {
        return line_start(data, rng);
    }
    ends[rng.below(ends.len())]
}

/// A random run of 1 to 8 lines (as a byte range).
fn line_run(data: &[u8], rng: &mut Rng) -> Option<std::ops::Range<usize>> {
    let lines = split_lines(data);
    if lines.is_empty() {
        return None;
    }
    let first = rng.below(lines.len());
    let n = if rng.chance(1, 8) {
        rng.range(1, 64)
    } else {
        rng.range(1, 4)
    };
    let last = (first + n - 1).min(lines.len() - 1);
    Some(lines[first].start..lines[last].end)
}

/// How many times to repeat something: mostly small, sometimes huge.
fn repeat_count(rng: &mut Rng) -> usize {
    *rng.weighted(&[
        (20, 2),
        (10, 10),
        (6, 100),
        (4, 1000),
        (2, 5000),
        (2, 20_000),
        (1, 65_536),
        (1, 70_000),
        (1, 300_000),
    ])
}

fn repeat(unit: &[u8], n: usize) -> Vec<u8> {
    let n = n.min(MAX_FILE / unit.len().max(1));
    unit.repeat(n)
}

// ---------------------------------------------------------------------------------------------
// Byte and line operations
// ---------------------------------------------------------------------------------------------

/// Flips bits; mostly the low 7 bits of an ASCII byte, so the text stays UTF-8 and gets past
/// the reader (one case in eight flips any bit of any byte).
fn bit_flip(data: &mut [u8], rng: &mut Rng) -> String {
    if data.is_empty() {
        return "empty".into();
    }
    let n = rng.range(1, 4);
    let any = rng.chance(1, 8);
    for _ in 0..n {
        let i = rng.below(data.len());
        if any {
            data[i] ^= 1 << rng.below(8);
        } else if data[i].is_ascii() {
            data[i] ^= 1 << rng.below(7);
        }
    }
    format!("{n} bits{}", if any { " (any)" } else { "" })
}

const INTERESTING_ASCII: &[u8] = b"\x00\"'[]{}=\n\r\t#\\`<>|%&*_-+.:,0123456789 x";
const INTERESTING_HIGH: &[u8] = b"\xff\x80\xc3\xe2\xf0";

fn byte_set(data: &mut [u8], rng: &mut Rng) -> String {
    if data.is_empty() {
        return "empty".into();
    }
    let n = rng.range(1, 4);
    for _ in 0..n {
        let i = rng.below(data.len());
        // Replacing part of a multi-byte character breaks UTF-8: only ASCII over ASCII, mostly.
        if rng.chance(1, 10) {
            data[i] = *rng.pick(INTERESTING_HIGH);
        } else if data[i].is_ascii() {
            data[i] = *rng.pick(INTERESTING_ASCII);
        }
    }
    format!("{n} bytes")
}

fn truncate(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let at = position(data, rng);
    data.truncate(at);
    format!("at {at}")
}

fn delete_lines(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    match line_run(data, rng) {
        Some(r) => {
            let what = format!("bytes {r:?}");
            data.drain(r);
            what
        }
        None => "empty".into(),
    }
}

fn duplicate_lines(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let Some(r) = line_run(data, rng) else {
        return "empty".into();
    };
    let mut unit = data[r.clone()].to_vec();
    if !unit.ends_with(b"\n") {
        unit.push(b'\n');
    }
    let n = if rng.chance(1, 3) {
        repeat_count(rng)
    } else {
        1
    };
    let at = if rng.chance(1, 2) {
        r.end
    } else {
        line_start(data, rng)
    };
    insert(data, at, &repeat(&unit, n));
    format!("bytes {r:?} x{n} at {at}")
}

fn move_lines(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let Some(r) = line_run(data, rng) else {
        return "empty".into();
    };
    let unit: Vec<u8> = data.drain(r.clone()).collect();
    let at = line_start(data, rng);
    insert(data, at, &unit);
    format!("bytes {r:?} to {at}")
}

/// Unicode and bytes that break naive text handling.
const UNICODE: &[&str] = &[
    "\u{202E}",         // right-to-left override
    "\u{202B}",         // right-to-left embedding
    "\u{200F}",         // right-to-left mark
    "\u{061C}",         // Arabic letter mark
    "\u{2066}\u{2069}", // isolates
    "שלום",             // Hebrew
    "مرحبا",            // Arabic
    "\u{200B}",         // zero width space
    "\u{200C}\u{200D}", // zero width (non-)joiner
    "\u{2060}",         // word joiner
    "\u{FEFF}",         // byte order mark
    "\u{0}",            // NUL
    "\u{1}\u{7}\u{8}\u{1b}[31m",
    "\u{0301}\u{0301}\u{0301}", // combining accents
    "e\u{0301}",
    "👩\u{200D}👩\u{200D}👧", // ZWJ emoji
    "🇫🇷",
    "界", // wide
    "Ｐ", // fullwidth
    "İ",  // lowercases to two chars
    "ß",  // uppercases to two chars
    "ﬃ",  // ligature, case-folds to three
    "Σ",
    "\u{2028}",   // line separator
    "\u{2029}",   // paragraph separator
    "\u{85}",     // next line
    "\u{b}\u{c}", // vertical tab, form feed
    "\t",
    "\r",
    "\r\n",
    "\u{FFFD}",
    "\u{10FFFF}",
    "\u{E000}",  // private use
    "\u{1D11E}", // outside the BMP
];

/// Invalid UTF-8 sequences.
const BAD_UTF8: &[&[u8]] = &[
    b"\xc0",
    b"\xc0\xaf",         // overlong '/'
    b"\xed\xa0\x80",     // surrogate
    b"\xf4\x90\x80\x80", // above U+10FFFF
    b"\xe2\x80",         // cut short
    b"\xff\xfe",
    b"\xef\xbb",
];

fn unicode(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let token: Vec<u8> = if rng.chance(1, 6) {
        rng.pick(BAD_UTF8).to_vec()
    } else {
        rng.pick(UNICODE).as_bytes().to_vec()
    };
    let n = if rng.chance(1, 5) {
        rng.range(2, 64)
    } else {
        1
    };
    let at = if rng.chance(1, 3) {
        line_start(data, rng)
    } else {
        position(data, rng)
    };
    insert(data, at, &repeat(&token, n));
    format!("{:?} x{n} at {at}", String::from_utf8_lossy(&token))
}

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "99",
    "100",
    "599",
    "600",
    "255",
    "256",
    "65535",
    "65536",
    "70000",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "100000000",
    "1e8",
    "1e308",
    "1e309",
    "-1e308",
    "5e-324",
    "0.1",
    "3.14",
    "nan",
    "inf",
    "-inf",
    "0x7fffffff",
    "0o777",
    "0b1",
    "1_000_000",
    "01",
    "+1",
];

/// Replaces a number of the text (or inserts one) with an extreme one.
fn huge_number(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < data.len() && spans.len() < 4096 {
        if data[i].is_ascii_digit() {
            let mut start = i;
            if start > 0 && data[start - 1] == b'-' {
                start -= 1;
            }
            while i < data.len() && data[i].is_ascii_digit() {
                i += 1;
            }
            spans.push(start..i);
        } else {
            i += 1;
        }
    }
    let number = rng.pick(NUMBERS).as_bytes();
    if spans.is_empty() || rng.chance(1, 8) {
        let at = position(data, rng);
        insert(data, at, number);
        return format!("insert {} at {at}", String::from_utf8_lossy(number));
    }
    let r = spans[rng.below(spans.len())].clone();
    let what = format!("{r:?} -> {}", String::from_utf8_lossy(number));
    data.splice(r, number.iter().copied());
    what
}

/// Units repeated into very long lines, by kind.
fn long_units(kind: Kind) -> &'static [&'static str] {
    const COMMON: &[&str] = &[" ", "a", "-", "\t", "#", "\u{200B}", "é", "界", "\u{202E}"];
    match kind {
        Kind::Page => &[
            " ",
            "a",
            "[x](/nope#a) ",
            "[x](/guide#api-keys) ",
            "[x](#PG-1003) ",
            "[x](#) ",
            "<a href=\"/x\">x</a>",
            "`",
            "*",
            "_",
            "<",
            "&amp;",
            "[",
            "\\",
            "!",
            "|",
            "> ",
            "- ",
            "1. ",
            "[^1]",
            "{#x}",
            "\u{200B}",
            "\u{202E}",
        ],
        Kind::Template => &[
            " ",
            "{{ page.title }}",
            "{% if true %}x{% endif %}",
            "x",
            "{#c#}",
        ],
        _ => COMMON,
    }
}

/// Inserts a very long run (up to 300,000 repetitions) into a line.
fn long_line(kind: Kind, data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let unit = *rng.pick(long_units(kind));
    let n = *rng.weighted(&[
        (4, 1000),
        (2, 65_535),
        (2, 65_536),
        (3, 70_000),
        (2, 100_000),
        (1, 300_000),
        (2, 20_000),
    ]);
    let at = position(data, rng);
    insert(data, at, &repeat(unit.as_bytes(), n));
    // Sometimes follow the run with something that is an error there (`typo = 1`).
    if rng.chance(1, 2) {
        let after = (at + unit.len() * n).min(data.len());
        let tail = *rng.pick(&["typo = 1", "x", "[[", "\"", "]"]);
        insert(data, after, tail.as_bytes());
    }
    format!("{unit:?} x{n} at {at}")
}

fn line_endings(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let which = rng.below(4);
    let mut out = Vec::with_capacity(data.len() + data.len() / 16);
    for &b in data.iter() {
        match (which, b) {
            (0, b'\n') => out.push(b'\r'),
            (1, b'\n') => out.extend_from_slice(b"\r\n"),
            (2, b'\n') if rng.chance(1, 2) => out.push(b'\r'),
            (3, b'\r') => {}
            _ => out.push(b),
        }
    }
    *data = out;
    ["CR only", "CRLF", "mixed CR", "no CR"][which].into()
}

// ---------------------------------------------------------------------------------------------
// Dictionaries
// ---------------------------------------------------------------------------------------------

const CATALOG_DICT: &[&str] = &[
    "typo = 1\n",
    "[[code]]\ncode = \"PG-1003\"\ncategory = \"auth\"\nmessage = \"dup\"\n",
    "[[code]]\ncode = \"X-1\"\ncategory = \"nope\"\n",
    "[[code]]\ncode = -9223372036854775808\ncategory = \"auth\"\n",
    "[[code]]\ncode = \"-32000..-32099\"\ncategory = \"auth\"\n",
    "[[code]]\ncode = \"9..0\"\n",
    "[[code]]\ncode = \"\"\ncategory = \"\"\n",
    "[[code]]\ncode = \"\u{202E}1003-GP\"\ncategory = \"auth\"\n",
    "[[code]]\n",
    "[[code]]\n[[code]]\n[[code]]\n",
    "[[category]]\nid = \"auth\"\ntitle = \"dup\"\n",
    "[[category]]\nid = \"\"\ntitle = \"\"\nrange = \"\"\n",
    "[[category]]\nid = \"x\"\ntitle = \"x\"\nrange = \"xxxxxxxxxxxxxxxxxxxx\"\norder = -9223372036854775808\n",
    "[[category]]\nid = \"y\"\ntitle = \"y\"\ncolumns = []\n",
    "[[category]]\nid = \"z\"\ntitle = \"z\"\ncolumns = [\"code\", \"code\", \"retry\", \"docs\", \"nope\"]\nheadings = { code = \"\", nope = \"x\" }\n",
    "[[category]]\nid = \"n\"\ntitle = \"n\"\nnamespace = \"\"\nenvelope = false\n",
    "[[category]]\nid = \"PG-1003\"\ntitle = \"t\"\nenvelope = \"nope\"\n",
    "[[envelope]]\nid = \"error\"\ntitle = \"dup\"\nexample = '{}'\n",
    "[[envelope]]\nid = \"e2\"\ntitle = \"t\"\nexample = '''{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]}'''\n",
    "[[envelope]]\nid = \"e3\"\ntitle = \"t\"\nexample = 'x'\nlanguage = \"nope\"\nhttp_status = 99999\n",
    "[[envelope.field]]\nname = \"a.b.c.d\"\nfrom = \"nope\"\n",
    "[[envelope.field]]\nname = \"\"\nfrom = \"docs\"\n",
    "[[envelope.field]]\nname = \"error.code\"\nfrom = \"code\"\n",
    "[[retry]]\nstatus = 429\npolicy = \"never\"\n",
    "[[retry]]\ncode = \"PG-1003\"\npolicy = \"after-retry-after\"\n",
    "[[retry]]\nstatus = 65536\npolicy = \"backoff\"\n",
    "[[retry]]\n",
    "status = 99999\n",
    "status = -1\n",
    "status = 0\n",
    "status = 418\n",
    "status = 1e3\n",
    "status = 4294967696\n",
    "http_status = 65936\n",
    "retry = \"bogus\"\n",
    "retry = \"after-retry-after\"\n",
    "deprecated = true\nreplaced_by = \"PG-1003\"\n",
    "replaced_by = \"nope\"\n",
    "anchor = \"\"\n",
    "anchor = \"#\"\n",
    "anchor = \"auth\"\n",
    "anchor = \"a b\"\n",
    "anchor = \"../x\"\n",
    "aliases = [\"/\", \"/errors/\", \"//evil.example\", \"PG-1003\", \"\", \"/../..\"]\n",
    "aliases = [\"/guide/\"]\n",
    "aliases = [\"/errors/x/\", \"/errors/x/\"]\n",
    "aliases = [\"/errors.json\", \"/errdocs.css\", \"/404.html\"]\n",
    "removed = { since = \"\", why = \"\", replacement = \"PG-1003\" }\n",
    "removed = { since = \"2026\", why = \"x\", replacement = \"nope\" }\n",
    "removed = {}\n",
    "docs = \"/guide#nope\"\n",
    "docs = \"javascript:alert(1)\"\n",
    "docs = \"/errors/#PG-1003\"\n",
    "docs = \"#\"\n",
    "docs = \"%zz\"\n",
    "docs = \"/a/../../b\"\n",
    "docs = \"guide.md#api-keys\"\n",
    "fix = \"[x](#PG-1003) <script>alert(1)</script> [y](/nope)\"\n",
    "meaning = \"[a](#nope) ![i](/x.png) [^1]\"\n",
    "description = \"\"\"\n# heading {#auth}\n\n```errdocs\ncatalog\n```\n\"\"\"\n",
    "label = \"\"\n",
    "message = \"\"\n",
    "x = { a = { b = { c = 1 } } }\n",
    "[code_pages]\n",
    "a = 1979-05-27T07:32:00Z\n",
    "s = \"\\u0000\\uFFFF\\U0010FFFF\"\n",
    "s = \"\\uD800\"\n",
    "s = '''\n'''\n",
    "[category]\n",
    "code = 18446744073709551616\n",
    "code = 0x7fffffff\n",
    "code = -0\n",
    "code = 1.5\n",
    "code = nan\n",
    "code = [1, 2]\n",
    "code = true\n",
    "code = \"PG-1003\"\n",
    "code = \"-32700\"\n",
    "category = \"nope\"\n",
    "columns = [\"code\", \"message\", \"status\", \"fix\", \"retry\", \"docs\", \"label\", \"meaning\", \"detail\"]\n",
    "order = 9223372036854775807\n",
    "namespace = \"proxy\"\n",
    "envelope = false\n",
    "language = \"rust\"\n",
    "example = '''\n{\"error\": {\"code\": \"PG-1003\"\n'''\n",
    "\"quoted key\" = 1\n",
    "a.b.c = 1\n",
    "= 1\n",
    "[\n",
    "\"\"\"\n",
];

const CONFIG_DICT: &[&str] = &[
    "typo = 1\n",
    "title = \"\"\n",
    "title = 1\n",
    "description = \"\"\"\n\n\"\"\"\n",
    "base_url = \"\"\n",
    "base_url = \"not a url\"\n",
    "base_url = \"https://example.com/a b/\"\n",
    "base_url = \"https://example.com/docs/../../\"\n",
    "base_url = \"http://[::1\"\n",
    "base_url = \"https://ex.com:99999/\"\n",
    "base_url = \"file:///etc/\"\n",
    "base_url = \"https://example.com/%ZZ/\"\n",
    "base_url = \"https://example.com/?q=1#f\"\n",
    "base_url = \"https://\u{202E}moc.elpmaxe/\"\n",
    "base_url = \"//example.com\"\n",
    "base_url = \"https://example.com/docs\"\n",
    "catalog = \"\"\n",
    "catalog = \"content\"\n",
    "catalog = \"errdocs.toml\"\n",
    "catalog = \"catalog/missing.toml\"\n",
    "catalog = \"../catalog/errors.toml\"\n",
    "catalog = \"content/index.md\"\n",
    "catalog = \"catalog\"\n",
    "catalog = \"templates/page.html\"\n",
    "language = \"\"\n",
    "language = \"\\\" onload=\\\"x\"\n",
    "[footer]\nheading = \"\"\ntext = \"[a](/nope) [b](#nope) <b>x</b>\"\n",
    "[footer]\ntext = \"[x](/guide#api-keys)\"\n",
    "[footer]\n",
    "[code_pages]\nenabled = false\n",
    "[code_pages]\npath = \"\"\n",
    "[code_pages]\npath = \"/\"\n",
    "[code_pages]\npath = \"../..\"\n",
    "[code_pages]\npath = \"guide\"\n",
    "[code_pages]\npath = \"errors/errors\"\n",
    "[code_pages]\npath = \"a b/%20\"\n",
    "[code_pages]\npath = \"errdocs.css\"\n",
    "[code_pages]\npath = \"404.html\"\n",
    "[code_pages]\nenabled = 1\n",
    "enabled = false\n",
    "path = \"\"\n",
    "[typo]\n",
    "[[code_pages]]\n",
];

const PAGE_DICT: &[&str] = &[
    "+++\n",
    "+++\ntitle = \"x\"\n+++\n",
    "title = 1\n",
    "weight = 9223372036854775807\n",
    "weight = -9223372036854775808\n",
    "weight = 99999999999999999999\n",
    "template = \"nope.html\"\n",
    "template = \"base.html\"\n",
    "template = \"../../../etc/passwd\"\n",
    "template = \"nav.html\"\n",
    "template = \"directives/code.html\"\n",
    "template = \"redirect.html\"\n",
    "template = \"code_page.html\"\n",
    "template = \"404.html\"\n",
    "template = \"\"\n",
    "description = \"\\u0000\"\n",
    "---\ntitle: yaml\n---\n",
    "```errdocs\ncatalog\n```\n",
    "```errdocs\ncatalog level=0\n```\n",
    "```errdocs\ncatalog level=7\n```\n",
    "```errdocs\ncatalog level=99999999999999999999\n```\n",
    "```errdocs\ncategory auth\n```\n",
    "```errdocs\ncategory nope\n```\n",
    "```errdocs\ncategory auth heading=false layout=list columns=\"code,retry,docs,detail\" headings=\"a,b,c,d\"\n```\n",
    "```errdocs\ncategory auth columns=\"\" headings=\"\"\n```\n",
    "```errdocs\ncategory auth columns=\"code,code\"\n```\n",
    "```errdocs\ncategory auth layout=nope level=-1\n```\n",
    "```errdocs\nenvelope\nenvelope error fields=false example=false\nenvelope nope\n```\n",
    "```errdocs\nenvelope rest\nenvelope jsonrpc\n```\n",
    "```errdocs\nretry\nstatuses\nsearch\nsearch\n```\n",
    "```errdocs\ncode PG-1003\ncode -32602\ncode 429\ncode nope\n```\n",
    "```errdocs\ncode \"Missing Bearer token.\"\n```\n",
    "```errdocs\ncatalog key=\"unterminated\n```\n",
    "```errdocs\n# comment\n\n   \ncatalog  level=2   \n```\n",
    "```errdocs\ncategory \"a b\" x=\"\\\"\" y= =\n```\n",
    "```errdocs\n```\n",
    "```errdocs\ncatalog",
    "~~~errdocs\ncatalog\n~~~\n",
    "    ```errdocs\n    catalog\n    ```\n",
    "> ```errdocs\n> catalog\n> ```\n",
    "- ```errdocs\n  catalog\n  ```\n",
    "## Heading {#PG-1003}\n",
    "## Heading {#auth}\n",
    "## {#}\n",
    "## {#a #b .c}\n",
    "# \n",
    "## x {#envelope-error}\n",
    "## retry {#retry-429}\n",
    "## x {#status-401}\n",
    "## Section\n## Section\n## Section-1\n",
    "#### ###### #######\n",
    "Setext\n===\n",
    "[a](#)\n",
    "[a](#nope)\n",
    "[a](/errors/#PG-1003)\n",
    "[a](/errors/PG-1003/)\n",
    "[a](/errors/PG-1003/#x)\n",
    "[a](guide.md#api-keys)\n",
    "[a](guide.md)\n",
    "[a](index.md#)\n",
    "[a](../../../../x.md)\n",
    "[a](//evil.example/x)\n",
    "[a](%ZZ)\n",
    "[a](/%ff)\n",
    "[a](/errors/%2e%2e/)\n",
    "[a](mailto:)\n",
    "[a](javascript:alert(1))\n",
    "[a](</a b>)\n",
    "[a](/ \"title\")\n",
    "[a]: /nope\n\n[a]\n",
    "[a](./)\n",
    "[a](.)\n",
    "[a](..)\n",
    "[a](?q=1)\n",
    "[a](/404.html)\n",
    "[a](/errors.json#x)\n",
    "[a](/urls.txt)\n",
    "[a](/errdocs.css#x)\n",
    "[a](https://patchguard.ai/guide#nope)\n",
    "[a](https://docs.promptgate.example/#nope)\n",
    "![img](/nope.png)\n",
    "<a href=\"/nope\">x</a>\n",
    "<a id=\"PG-1003\"></a>\n",
    "<div id=\"auth\">\n",
    "<https://example.com>\n",
    "<script>alert(1)</script>\n",
    "[^1]\n\n[^1]: note\n",
    "[^a]: x\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "- [ ] task\n- [x] done\n",
    "~~strike~~\n",
    "***\n",
    "\\\n",
    "&#0; &#x110000; &#xD800; &nbsp;\n",
    "```json\n{\"a\":\n```\n",
    "```rust\nfn main(){}\n```\n",
    "```nope\nx\n```\n",
    "```\n",
    "~~~\n",
    "<!--\n",
    "<![CDATA[\n",
    "<?php\n",
    "{{ page.title }}\n",
    "{% include \"page.html\" %}\n",
];

/// Template snippets; `SELF` is replaced by the name of the template they are written into.
const TEMPLATE_DICT: &[&str] = &[
    "{% include \"SELF\" %}",
    "{% extends \"SELF\" %}",
    "{% import \"SELF\" as m %}",
    "{% include \"page.html\" %}",
    "{% include \"base.html\" %}",
    "{% include \"nav.html\" %}",
    "{% include \"nope.html\" %}",
    "{% include \"directives/category.html\" %}",
    "{% include \"code_page.html\" %}",
    "{% extends \"page.html\" %}",
    "{% extends \"base.html\" %}",
    "{% extends \"nope.html\" %}",
    "{% extends \"code_page.html\" %}",
    "{% for i in range(end=100000000) %}{{ i }}{% endfor %}",
    "{% for i in range(end=1e8) %}{% endfor %}",
    "{{ range(end=100000000) | length }}",
    "{{ range(start=-9223372036854775808, end=9223372036854775807) | length }}",
    "{% for i in range(start=0, end=10, step_by=0) %}{% endfor %}",
    "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    "{% macro m(n) %}{{ self::m(n=n) }}{% endmacro m %}{{ self::m(n=1) }}",
    "{{ 9223372036854775807 + 1 }}",
    "{{ -9223372036854775808 - 1 }}",
    "{{ 9223372036854775807 * 2 }}",
    "{{ 1 / 0 }}",
    "{{ 1 % 0 }}",
    "{{ -9223372036854775808 / -1 }}",
    "{{ -9223372036854775808 % -1 }}",
    "{{ 1e308 * 10 }}",
    "{{ 18446744073709551616 }}",
    "{{ -9223372036854775808 | abs }}",
    "{{ page.title | truncate(length=18446744073709551615) }}",
    "{{ page.title | truncate(length=0, end=\"\") }}",
    "{{ page.title | replace(from=\"\", to=\"xxxxxxxxxx\") }}",
    "{{ page.content | safe | replace(from=\"\", to=page.content) }}",
    "{{ page.content | indent(prefix=page.content) }}",
    "{{ __tera_context }}",
    "{{ page | json_encode(pretty=true) | safe }}",
    "{{ nope }}",
    "{{ page.nope.nope }}",
    "{{ page.title | nope }}",
    "{% set x = [1,2,3] | slice(start=-100000, end=100000) %}",
    "{{ [1,2] | nth(n=18446744073709551615) }}",
    "{{ \"abc\" | split(pat=\"\") | join(sep=\"-\") }}",
    "{{ \"99999999999999999999\" | int }}",
    "{{ \"x\" | int(base=99) }}",
    "{{ 1.5 | round(precision=-1) }}",
    "{{ 1.5 | round(method=\"nope\") }}",
    "{{ -1 | filesizeformat }}",
    "{{ \"\u{202E}İß\" | slugify | upper | title }}",
    "{{ \"x\" | date }}",
    "{{ get_url(path=\"/\") }}",
    "{{ now() }}",
    "{{ throw(message=\"boom\") }}",
    "{{ get_env(name=\"NOPE\") }}",
    "{% break %}",
    "{% continue %}",
    "{{ super() }}",
    "{% block content %}{{ super() }}{% endblock content %}",
    "{% block content %}{% block content %}{% endblock %}{% endblock %}",
    "{% raw %}{{{% endraw %}",
    "{{",
    "{%",
    "{#",
    "}}",
    "%}",
    "{% if %}",
    "{% endif %}",
    "{% for %}",
    "{% filter upper %}x{% endfilter %}",
    "{{ page.content | safe }}{{ page.content | safe }}",
    "{{ loop.index }}",
    "{% set_global x = 1 %}",
    "{{ \"a\" ~ \"b\" }}",
    "{{ [1] | first | first }}",
    "{{ nav_html | safe }}",
    "<a href=\"/nope\">x</a>",
    "<a href=\"#nope\">x</a>",
    "<a href=\"{{ page.permalink }}#x\">x</a>",
    "<a id=\"main\"></a>",
    "<a href=\"{{ site.base_path }}errors/\">x</a>",
];

/// Names of templates that are not in the theme (written as new files).
const TEMPLATE_NEW_NAMES: &[&str] = &[
    "extra.html",
    "directives/nope.html",
    "x.txt",
    "\u{202E}.html",
];

fn dictionary(kind: Kind, data: &mut Vec<u8>, rng: &mut Rng) -> String {
    dictionary_in(kind, "", data, rng)
}

/// Inserts a token of the kind's dictionary; `name` is the file's template name (for `SELF`).
fn dictionary_in(kind: Kind, name: &str, data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let dict = match kind {
        Kind::Config => CONFIG_DICT,
        Kind::Catalog => CATALOG_DICT,
        Kind::Page => PAGE_DICT,
        Kind::Template => TEMPLATE_DICT,
        Kind::Static => UNICODE,
    };
    let token = *rng.pick(dict);
    let at = if kind == Kind::Template {
        template_position(data, rng)
    } else if rng.chance(1, 8) {
        position(data, rng)
    } else {
        line_start(data, rng)
    };
    let token = token.replace("SELF", name);
    insert(data, at, token.as_bytes());
    format!("{token:?} at {at}")
}

/// New files: pages on URLs that collide with others, static files over exports.
fn new_file(rng: &mut Rng) -> (String, String) {
    const PATHS: &[&str] = &[
        "content/new.md",
        "content/errors/PG-1003.md",
        "content/errors/index.md",
        "content/errors/-32602.md",
        "content/guide/index.md",
        "content/index/index.md",
        "content/404.md",
        "content/a/b/c/d.md",
        "content/errors.json.md",
        "content/errdocs.css.md",
        "content/\u{202E}.md",
        "content/ .md",
        "content/x.markdown",
        "static/errors.json",
        "static/index.html",
        "static/guide/index.html",
        "static/errdocs.css",
        "static/urls.txt",
        "catalog/extra.toml",
    ];
    const TEXTS: &[&str] = &[
        "+++\ntitle = \"New\"\n+++\n[a](/guide#nope)\n",
        "+++\ntitle = \"New\"\nweight = -1\n+++\n```errdocs\ncatalog\n```\n",
        "+++\n+++\n",
        "",
        "+++\ntitle = \"x\"\ntemplate = \"code_page.html\"\n+++\n",
        "x",
    ];
    (rng.pick(PATHS).to_string(), rng.pick(TEXTS).to_string())
}

const STRINGS: &[&str] = &[
    "",
    " ",
    "\\u0000",
    "\\u202E",
    "\\uFEFF",
    "\\t",
    "\\r",
    "\\n\\n# h\\n",
    "PG-1003",
    "auth",
    "error",
    "-32000..-32099",
    "1..0",
    "-9223372036854775809..9223372036854775808",
    "..",
    "/",
    "//",
    "#",
    "#PG-1003",
    "/errors/#PG-1003",
    "../..",
    "%",
    "%00",
    "%ZZ",
    "<script>alert(1)</script>",
    "{{ x }}",
    "{% include \\\"base.html\\\" %}",
    "```errdocs\\ncatalog\\n```",
    "[a](/nope)",
    "İİİ",
    "ß",
    "ﬃ",
    "Σ",
    "\\u0301\\u0301",
    "界界",
    "👩‍👩‍👧",
    "x\\u2028y",
    "a b",
    "A-B_C.D",
    "---",
    "-",
    ".",
    "...",
    "x-",
    "-x",
    "1003",
    "PG-1xxx",
    "xxxx",
    "never",
    "after-retry-after",
    "code,message",
];

/// Replaces the value of a `key = "..."` (or a front matter string) with an odd string.
fn string_value(kind: Kind, data: &mut Vec<u8>, rng: &mut Rng) -> String {
    if kind == Kind::Template {
        return dictionary(kind, data, rng);
    }
    // Every `= "` ... `"` on one line.
    let mut spans = Vec::new();
    for line in split_lines(data) {
        let text = &data[line.clone()];
        if let Some(eq) = text.windows(3).position(|w| w == b"= \"") {
            let start = line.start + eq + 3;
            if let Some(len) = data[start..line.end].iter().position(|&b| b == b'"') {
                spans.push(start..start + len);
            }
        }
    }
    if spans.is_empty() {
        return dictionary(kind, data, rng);
    }
    let r = spans[rng.below(spans.len())].clone();
    let value: Vec<u8> = if rng.chance(1, 12) {
        repeat(b"x", *rng.pick(&[1000, 65_536, 70_000, 300_000]))
    } else {
        rng.pick(STRINGS).as_bytes().to_vec()
    };
    let what = format!("{r:?} -> {:.40?}", String::from_utf8_lossy(&value));
    data.splice(r, value);
    what
}

/// Deeply nested structures.
fn nesting(kind: Kind, data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let depth = *rng.weighted(&[(4, 100), (4, 1000), (3, 10_000), (2, 100_000)]);
    let text = match (kind, rng.below(4)) {
        (Kind::Config | Kind::Catalog, 0) => {
            format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth))
        }
        (Kind::Config | Kind::Catalog, 1) => {
            format!("a = {}1{}\n", "{b = ".repeat(depth), "}".repeat(depth))
        }
        (Kind::Config | Kind::Catalog, 2) => format!("[{}a]\n", "a.".repeat(depth)),
        (Kind::Config | Kind::Catalog, _) => {
            format!("a = [{}]\n", "{},".repeat(depth))
        }
        (Kind::Page, 0) => format!("{} x\n", ">".repeat(depth)),
        (Kind::Page, 1) => format!("{}x{}\n", "[".repeat(depth), "]".repeat(depth)),
        (Kind::Page, 2) => format!("{}x\n", "- ".repeat(depth.min(20_000))),
        (Kind::Page, _) => format!(
            "[a]({}/x{})\n",
            "(".repeat(depth.min(20_000)),
            ")".repeat(depth.min(20_000))
        ),
        (_, 0) => format!(
            "{}x{}",
            "{% if true %}".repeat(depth.min(20_000)),
            "{% endif %}".repeat(depth.min(20_000))
        ),
        (_, 1) => format!("{{{{ {}1{} }}}}", "(".repeat(depth), ")".repeat(depth)),
        (_, 2) => format!("{{{{ {}true }}}}", "not ".repeat(depth)),
        (_, _) => format!(
            "{}x{}",
            "{% for i in [1] %}".repeat(depth.min(20_000)),
            "{% endfor %}".repeat(depth.min(20_000))
        ),
    };
    let at = if kind == Kind::Template {
        template_position(data, rng)
    } else {
        line_start(data, rng)
    };
    insert(data, at, text.as_bytes());
    format!("depth {depth} at {at}: {:.40?}", text)
}

/// Repeats a TOML table (`[[code]]` up to the next header) or, in other files, a block of
/// lines, up to 5,000 times.
fn repeat_block(kind: Kind, data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let lines = split_lines(data);
    let headers: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, r)| data[r.start..].starts_with(b"["))
        .map(|(i, _)| i)
        .collect();
    let block = if matches!(kind, Kind::Catalog | Kind::Config) && !headers.is_empty() {
        let h = headers[rng.below(headers.len())];
        let end = headers
            .iter()
            .find(|&&x| x > h)
            .map_or(data.len(), |&x| lines[x].start);
        lines[h].start..end
    } else {
        match line_run(data, rng) {
            Some(r) => r,
            None => return "empty".into(),
        }
    };
    let n = *rng.weighted(&[(6, 2), (4, 10), (3, 100), (2, 1000), (1, 5000)]);
    let mut unit = data[block.clone()].to_vec();
    if !unit.ends_with(b"\n") {
        unit.push(b'\n');
    }
    let copies = repeat(&unit, n);
    insert(data, block.end, &copies);
    format!("bytes {block:?} x{n}")
}
