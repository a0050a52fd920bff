//! Problems found in a site, as data, and the one place they are formatted.
//!
//! Every stage pushes [`Diagnostic`]s into a [`Diagnostics`] list instead of stopping at the
//! first mistake, so a run reports everything at once. A diagnostic is a [`Problem`] (one
//! variant per kind of mistake, carrying the offending values; never a sentence built at the
//! call site), a [`Severity`], an optional [`Location`] (`file:line:col` and a bounded window
//! of the source line) and secondary locations (where a duplicate was first defined). The
//! message and hint of each kind live in [`Problem::message`] and [`Problem::hint`]; the
//! rustc-like layout lives in the `Display` impl of [`Diagnostic`].
//!
//! The layout is written here rather than with annotate-snippets or codespan-reporting: both
//! want the whole source text at format time, while a [`Location`] keeps only a bounded window
//! of its line (so a flood of errors on one long line costs memory linear in the input), and
//! the format is part of the documented interface (README, tests).

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthChar;

/// A source file kept in memory so spans can be turned into `line:col` and a snippet.
pub(crate) struct Source {
    /// Path as shown to the user (relative to the site root when possible).
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    line_starts: Vec<usize>,
    /// For lines longer than [`CHECKPOINT`] bytes: (byte offset, characters since the line's
    /// start) every [`CHECKPOINT`] bytes, so columns on very long lines cost O(1) each.
    checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// Spacing of the column checkpoints of long lines, in bytes.
const CHECKPOINT: usize = 4096;

/// The most diagnostics printed by one run; the rest are counted.
pub(crate) const MAX_SHOWN: usize = 50;

/// Formats diagnostics for the terminal: the first [`MAX_SHOWN`], then how many more there are.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().take(MAX_SHOWN) {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    if diagnostics.len() > MAX_SHOWN {
        let more = diagnostics.len() - MAX_SHOWN;
        out.push_str(&format!(
            "... and {} more (fix the first ones first: they often cause the rest)\n",
            thousands(more)
        ));
    }
    out
}

/// `3812` -> `3,812`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// At most this many display columns of a source line are shown around a span.
const SNIPPET_WIDTH: usize = 100;

impl Source {
    pub(crate) fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            path: path.into(),
            text,
            line_starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// Reads a UTF-8 text file (`shown` is its name in messages); a leading byte order mark is
    /// dropped, so columns on the first line are right.
    pub(crate) fn read(file: &Path, shown: impl Into<PathBuf>) -> Result<Source, Diagnostic> {
        let shown = shown.into();
        let bytes = std::fs::read(file).map_err(|e| {
            Diagnostic::at(
                Problem::Io {
                    action: "read a file",
                    message: e.to_string(),
                },
                Location::file(&shown),
            )
        })?;
        let mut bytes = bytes;
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(shown, text)),
            Err(e) => {
                let good = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                // Locate the bad byte in the valid prefix (the source cannot hold it).
                let prefix = Source::new(shown, String::from_utf8_lossy(&bytes[..good]).into());
                Err(Diagnostic::at(Problem::NotUtf8, prefix.locate(good..good)))
            }
        }
    }

    /// TOML ends lines with LF or CRLF: a carriage return alone (old Mac line endings) is one
    /// error at the first such place, instead of one per line.
    pub(crate) fn check_toml_line_endings(&self) -> Result<(), Diagnostic> {
        let bytes = self.text.as_bytes();
        let bare = bytes
            .iter()
            .enumerate()
            .find(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        match bare {
            Some((i, _)) => Err(Diagnostic::at(
                Problem::BareCarriageReturn,
                self.locate(i..i + 1),
            )),
            None => Ok(()),
        }
    }

    /// The number of characters between the start of the line (at byte `line_start`) and
    /// byte `offset` on it.
    fn column_chars(&self, line_start: usize, offset: usize) -> usize {
        let count = |a: usize, b: usize| {
            self.text.as_bytes()[a..b]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count()
        };
        if offset - line_start <= CHECKPOINT {
            return count(line_start, offset);
        }
        let checkpoints = self
            .checkpoints
            .get_or_init(|| self.long_line_checkpoints());
        let at = checkpoints.partition_point(|&(o, _)| o <= offset);
        match at.checked_sub(1).map(|i| checkpoints[i]) {
            Some((o, chars)) if o >= line_start => chars + count(o, offset),
            _ => count(line_start, offset),
        }
    }

    fn long_line_checkpoints(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let bytes = self.text.as_bytes();
        let mut line_start = 0;
        let mut chars = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                line_start = i + 1;
                chars = 0;
                continue;
            }
            if i > line_start && (i - line_start).is_multiple_of(CHECKPOINT) {
                out.push((i, chars));
            }
            if (b & 0xC0) != 0x80 {
                chars += 1;
            }
        }
        out
    }

    /// The 1-based line containing byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Resolves a byte span to a location: line, column (in characters) and a window of the
    /// line around the span.
    pub(crate) fn locate(&self, span: Range<usize>) -> Location {
        let mut start = span.start.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let line = self.line_of(start);
        let line_start = self.line_starts[line - 1];
        // The next line's start (O(1), whatever the line's length), less its `\n`.
        let line_end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let col = self.column_chars(line_start, start) + 1;
        // A span may start on the `\r` of a CRLF line ending, past the shown text.
        let mut end = span
            .end
            .clamp(start, (line_start + line_text.len()).max(start));
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        Location {
            file: self.path.clone(),
            line,
            col,
            // Within the shown text: a span on the `\r` of a CRLF underlines the line's end.
            snippet: Some(Snippet::new(
                line_text,
                (start - line_start).min(line_text.len()),
                (end.max(start) - line_start).min(line_text.len()),
            )),
        }
    }

    /// A location for a whole 1-based line (used for Markdown events and directives).
    pub(crate) fn locate_line(&self, line: usize) -> Location {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        self.locate(start..start)
    }
}

/// A bounded window of a source line, with the span to underline inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Snippet {
    /// The shown text: tabs as spaces, cut to about [`SNIPPET_WIDTH`] columns.
    text: String,
    /// Display columns before the underline, and its width (at least 1).
    pad: usize,
    width: usize,
}

impl Snippet {
    /// `start..end` are byte offsets of the span inside `line`. A line wider than
    /// [`SNIPPET_WIDTH`] columns is cut around the span's start, marked with `...`.
    fn new(line: &str, start: usize, end: usize) -> Snippet {
        let width = |c: char| if c == '\t' { 1 } else { c.width().unwrap_or(0) };
        let width_of = |s: &str| -> usize { s.chars().map(width).sum() };
        // Every bound below counts characters as well as columns, so the work per snippet
        // stays within the window even on a megabyte line of zero-width characters: a build
        // locates every link, and each location makes a snippet.
        let max_chars = 4 * SNIPPET_WIDTH;
        let wide = line.len() > SNIPPET_WIDTH
            && line
                .chars()
                .take(max_chars + 1)
                .scan(0, |used, c| {
                    *used += width(c);
                    Some(*used)
                })
                .enumerate()
                .any(|(n, used)| used > SNIPPET_WIDTH || n >= max_chars);
        let (mut left, mut right) = (0, line.len());
        if wide {
            // Up to a third of the window before the span, the rest after it.
            let mut used = 0;
            left = start;
            for (n, (i, c)) in line[..start].char_indices().rev().enumerate() {
                used += width(c);
                if used > SNIPPET_WIDTH / 3 || n >= max_chars / 3 {
                    break;
                }
                left = i;
            }
            let mut used = width_of(&line[left..start]);
            right = start;
            for (n, (i, c)) in line[start..].char_indices().enumerate() {
                used += width(c);
                if used > SNIPPET_WIDTH || n >= max_chars {
                    break;
                }
                right = start + i + c.len_utf8();
            }
        }
        let cut_left = left > 0;
        let cut_right = right < line.len();
        let mut text = String::new();
        if cut_left {
            text.push_str("...");
        }
        text.push_str(&line[left..right].replace('\t', " "));
        if cut_right {
            text.push_str("...");
        }
        let pad = width_of(&line[left..start]) + if cut_left { 3 } else { 0 };
        let width = width_of(&line[start..end.clamp(start, right)]).max(1);
        Snippet { text, pad, width }
    }
}

/// Where a problem is: `file:line:col`, and a window of the line for the snippet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Location {
    pub(crate) file: PathBuf,
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) snippet: Option<Snippet>,
}

impl Location {
    /// A location that names only a file (no line is known, e.g. an I/O error).
    pub(crate) fn file(path: &Path) -> Self {
        Location {
            file: path.to_path_buf(),
            line: 0,
            col: 0,
            snippet: None,
        }
    }

    /// A location on line `line` of `file`, whose text is `text`, underlining the byte range
    /// `span` of it.
    pub(crate) fn in_line(file: &Path, line: usize, text: &str, span: Range<usize>) -> Self {
        let start = span.start.min(text.len());
        Location {
            file: file.to_path_buf(),
            line,
            col: text[..start].chars().count() + 1,
            snippet: Some(Snippet::new(text, start, span.end.clamp(start, text.len()))),
        }
    }

    /// A location at `line:col` of `file` showing `line_text` (e.g. a template line).
    pub(crate) fn at_line(file: &Path, line: usize, col: usize, line_text: Option<&str>) -> Self {
        let snippet = line_text.map(|t| {
            let start = t
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(t.len(), |(i, _)| i);
            Snippet::new(t, start, start)
        });
        Location {
            file: file.to_path_buf(),
            line,
            col,
            snippet,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file.display())
        } else {
            write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
        }
    }
}

/// How bad a diagnostic is. Errors fail the run; warnings and notes are printed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A choice among fixed names (for messages and did-you-mean).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Choice {
    RetryPolicy,
    FieldSource,
    Column,
    FieldType,
    Versioning,
    EnvelopeKind,
}

/// Why a required field is required.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// The table always needs it.
    Always,
    /// Category `category` shows a column for it.
    ShownColumn { category: String },
    /// Category `category` shows a `retry` column and no rule covers the code.
    RetryColumn { category: String },
    /// `columns` may not be an empty list.
    SomeColumn,
    /// A retry rule needs a policy (one of `choices`).
    Policy { choices: Vec<&'static str> },
    /// A retry rule is for a status or a code.
    RetryTarget,
    /// An envelope field of category `category`'s envelope takes its value from the category
    /// (`from = "category"`).
    CategoryValue { envelope: String },
    /// The catalog declares the field with `required = true`.
    DeclaredField,
    /// A `[[code]]` entry needs a `code`, or a `name` when the API sends no code.
    CodeOrName,
}

/// What is wrong with a base URL.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum BaseUrlError {
    NotAbsolute,
    QueryOrFragment,
}

/// Everything that can be wrong with a site. Each variant carries the values the message needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    Io {
        action: &'static str,
        message: String,
    },
    TomlSyntax {
        message: String,
    },
    UnknownKey {
        key: String,
        table: String,
        suggestion: Option<String>,
        expected: Vec<String>,
    },
    MissingField {
        field: String,
        table: String,
        need: Need,
    },
    WrongType {
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    /// An id of an envelope, category or namespace with characters outside `[a-z0-9-]`.
    InvalidId {
        key: &'static str,
        value: String,
    },
    /// A value that must be one of a fixed set of names.
    UnknownChoice {
        key: String,
        value: String,
        choice: Choice,
        /// Every valid name.
        choices: Vec<&'static str>,
        suggestion: Option<String>,
    },
    EmptyValue {
        key: &'static str,
    },
    ListedTwice {
        key: &'static str,
        value: String,
    },
    /// Two keys of one table that exclude each other.
    ConflictingKeys {
        key: &'static str,
        value: String,
        other: &'static str,
    },
    InvalidAnchor {
        value: String,
    },
    NoAnchor {
        code: String,
    },
    AnchorIsCategory {
        code: String,
        anchor: String,
    },
    InvalidAliasUrl {
        value: String,
    },
    InvalidPathPrefix {
        value: String,
    },
    InvalidBaseUrl {
        key: &'static str,
        value: String,
        error: BaseUrlError,
    },
    Duplicate {
        kind: &'static str,
        name: String,
        first: Box<Location>,
    },
    CodeOutsideRange {
        code: String,
        category: String,
        range: String,
    },
    UnknownReference {
        kind: &'static str,
        name: String,
        suggestion: Option<String>,
    },
    InvalidStatus {
        status: String,
    },
    RetryContradiction {
        policy: String,
        status: u16,
        reason: &'static str,
    },
    InvalidExample {
        envelope: String,
        message: String,
    },
    BrokenLink {
        target: String,
        missing: MissingTarget,
    },
    UnknownDirective {
        name: String,
        suggestion: Option<String>,
    },
    DirectiveUnclosedQuote {
        directive: String,
    },
    DirectiveUnexpectedArgument {
        directive: String,
        argument: String,
        allowed: &'static [&'static str],
        /// How many more unexpected arguments follow it on the line.
        more: usize,
    },
    DirectiveUnknownOption {
        directive: String,
        option: String,
        suggestion: Option<String>,
        allowed: &'static [&'static str],
    },
    /// `category` or `code` without saying which.
    DirectiveMissingArgument {
        directive: String,
        candidates: Vec<String>,
    },
    DirectiveBadFlag {
        directive: String,
        option: String,
        value: String,
    },
    DirectiveBadLevel {
        directive: String,
        value: String,
    },
    DirectiveBadLayout {
        directive: String,
        value: String,
    },
    DirectiveHeadingsWithoutColumns {
        directive: String,
    },
    DirectiveUnknownColumn {
        directive: String,
        name: String,
        suggestion: Option<String>,
        columns: Vec<&'static str>,
    },
    AmbiguousCode {
        name: String,
        candidates: Vec<String>,
    },
    NoEnvelope {
        directive: String,
    },
    FrontMatterMissing,
    FrontMatterUnclosed,
    Template {
        name: String,
        message: String,
    },
    OutputHoldsSources {
        output: PathBuf,
        source: PathBuf,
    },
    OutputInsideSources {
        output: PathBuf,
        source: PathBuf,
    },
    OutputHoldsGit {
        output: PathBuf,
    },
    OutputNotOurs {
        output: PathBuf,
        marker: &'static str,
    },
    OutputNotADirectory {
        output: PathBuf,
    },
    Unpublished {
        url: String,
        code: Option<String>,
    },
    /// A code whose status or retry policy changed since the previous release (a note).
    Changed {
        code: String,
        what: &'static str,
        from: String,
        to: String,
    },
    PortInUse {
        bind: std::net::IpAddr,
        port: u16,
    },
    InitWouldOverwrite {
        dir: PathBuf,
        files: Vec<String>,
    },
    NotUtf8,
    BareCarriageReturn,
    SymlinkOutsideSite {
        target: PathBuf,
    },
    /// A template of the site that replaces no default template and that nothing uses.
    UnusedTemplate {
        name: String,
        suggestion: Option<String>,
    },
    /// A template uses a variable its context does not have.
    UnknownVariable {
        template: String,
        variable: String,
        suggestion: Option<String>,
        /// Where the template uses it (the error is reported there, not at each page).
        at: Box<Location>,
    },
    /// A code holding a zero-width, bidirectional-control or other invisible character.
    InvisibleCharacter {
        code: String,
        character: String,
    },
    /// Two URLs that are written to the same output file (`/index.html` and `/`; or
    /// `/Guide/` and `/guide/` on a case-insensitive file system).
    SameOutputFile {
        url: String,
        other: String,
        file: String,
        first: Box<Location>,
    },
    /// An include cycle or a recursive macro.
    TemplateRecursion {
        kind: &'static str,
        chain: Vec<String>,
    },
    /// The file given to `check --against` is not a manifest of a previous release.
    NotAManifest {
        why: &'static str,
    },
    /// A link whose scheme is not allowed (`javascript:`, `data:`, ...), as written and as the
    /// browser reads its scheme (see `urls::scheme_allowed`).
    DisallowedScheme {
        href: String,
        scheme: String,
    },
    /// A directive that shows what an earlier directive of the page already shows (`catalog`
    /// twice, or `catalog` and `category auth`): `shown` names the part, `first` is where the
    /// earlier directive is.
    RepeatedDirective {
        directive: String,
        shown: String,
        first: Box<Location>,
    },
    /// A custom heading attribute (`{... name=value}`) whose name HTML cannot hold.
    InvalidHeadingAttribute {
        name: String,
    },
    /// A directive option written another way than `key=value` (spaces around `=`, a TOML
    /// list): `written` as in the page, `suggested` as it is written.
    DirectiveOptionWritten {
        directive: String,
        written: String,
        suggested: String,
    },
    /// `parent` links that lead back to where they started (`a` -> `b` -> `a`).
    ParentCycle {
        chain: Vec<String>,
    },
    /// `also_in` names the code's own category.
    AlsoInOwnCategory {
        category: String,
    },
    /// A list holds the same value twice (`status`, `also_in`, `headers`).
    RepeatedValue {
        key: &'static str,
        value: String,
    },
    /// A list that may not be empty is (`status = []`).
    EmptyList {
        key: &'static str,
    },
    /// A key naming an envelope field that the envelope does not have.
    UnknownEnvelopeField {
        key: &'static str,
        field: String,
        envelope: String,
        suggestion: Option<String>,
    },
    /// Envelope values (`example`, `values`, `from`) for codes returned in no envelope.
    ValuesWithoutEnvelope {
        key: &'static str,
        category: String,
    },
    /// A category gives one envelope field both a value and a source.
    ValueAndSource {
        field: String,
    },
    /// A declared field name that is not made of lowercase letters, digits and `_`.
    InvalidFieldName {
        value: String,
    },
    /// A declared field named like a standard key of `[[code]]`.
    ReservedFieldName {
        name: String,
    },
    /// A `url` field value that is neither an absolute `http(s)` URL nor a site path.
    InvalidFieldUrl {
        field: String,
        value: String,
    },
    /// `retry_override` on a policy that contradicts none of its statuses.
    NeedlessRetryOverride {
        policy: String,
        statuses: Vec<u16>,
    },
    /// A header name that is not an HTTP field name.
    InvalidHeaderName {
        value: String,
    },
    /// A date or version that does not follow the site's `versioning`.
    InvalidVersion {
        key: &'static str,
        value: String,
        versioning: &'static str,
    },
    /// Lifecycle steps in the wrong order (`deprecated.since` before `since`).
    LifecycleOutOfOrder {
        key: &'static str,
        value: String,
        earlier_key: &'static str,
        earlier: String,
    },
    /// A category `page_path` that is not a clean path prefix.
    InvalidPagePath {
        value: String,
    },
    /// A code page published before is now elsewhere (its category's `page_path` changed;
    /// a flipped `trailing_slash` is [`Problem::UrlShapeChanged`]).
    CodePageMoved {
        url: String,
        code: String,
        now: String,
    },
    /// A `[[status]]` outside the HTTP registry without the API's name for it.
    UnnamedStatus {
        status: u16,
    },
    /// `check --source`: the API's source uses a code the catalog does not define.
    UnknownCodeInSource {
        code: String,
        /// The docs link the API would print for it (dead), if code pages are on.
        page: Option<String>,
        suggestion: Option<String>,
    },
    /// `check --source`: a catalog code no scanned source file mentions (a warning unless
    /// `--strict`).
    UnusedCode {
        code: String,
    },
    /// `check --source`: the API's source still uses a code the catalog marks `removed`.
    RemovedCodeInSource {
        code: String,
        since: Option<String>,
        replacement: Option<String>,
    },
    /// `[source] pattern` or an `include`/`exclude` glob that does not compile.
    InvalidSourcePattern {
        key: &'static str,
        value: String,
        error: String,
    },
    /// A file given as an `errors.json` export (to `diff`, or in `releases/`) that is not one.
    InvalidExport {
        message: String,
    },
    /// A release in `releases/` whose date is not known (neither its name nor `released`).
    ReleaseWithoutDate {
        name: String,
    },
    /// `go_package` (or `--package`) is not a Go package name.
    InvalidGoPackage {
        value: String,
    },
    /// A file of `[exports]` would land outside the output directory or on one of its files.
    InvalidExportPath {
        key: String,
        value: String,
    },
    /// A template nesting blocks or brackets deeper than errdocs renders.
    TemplateTooDeep {
        template: String,
        depth: usize,
        limit: usize,
    },
    /// A template larger than errdocs parses (`size` and `limit` in bytes).
    TemplateTooLarge {
        template: String,
        size: usize,
        limit: usize,
    },
    /// The template engine failed inside (an arithmetic overflow in an expression).
    TemplatePanicked {
        template: String,
    },
    /// A catalog id (a category's id, a code's anchor) that the theme already writes on every
    /// page (`<main id="main">`): two elements would share it.
    ThemeIdClash {
        what: &'static str,
        id: String,
    },
    /// `check --openapi`: a document that is neither YAML nor JSON.
    OpenapiSyntax {
        message: String,
    },
    /// `check --openapi`: a document without `openapi: 3.x` (or `swagger: "2.0"`); `found` is
    /// the version it gives, if any.
    NotOpenapi {
        found: Option<String>,
    },
    /// `check --openapi`: a part of the document that is not the kind of value OpenAPI wants
    /// there (`paths` not a mapping).
    OpenapiWrongType {
        path: String,
        expected: &'static str,
    },
    /// `check --openapi`: a key of an operation's `responses` that is not a status, a range
    /// (`4XX`), `default` or an extension.
    InvalidResponseStatus {
        operation: String,
        key: String,
    },
    /// `check --openapi`: a `$ref` inside the document that points at nothing.
    UnresolvedRef {
        reference: String,
    },
    /// `check --openapi`: an operation declares an error status (or range) no catalog code has.
    SpecStatusNotInCatalog {
        operation: String,
        status: String,
        /// For a range (`4XX`): its first and last status.
        range: Option<(u16, u16)>,
    },
    /// `check --openapi`: a status catalog codes have that no operation declares (a warning
    /// unless `--strict`).
    CatalogStatusNotInSpec {
        status: u16,
        codes: Vec<String>,
        specs: Vec<String>,
    },
    /// A `split` option of the `catalog` directive other than `category`.
    DirectiveBadSplit {
        directive: String,
        value: String,
    },
    /// `check --against`: a URL published before is now at its other shape (`/guide/` and
    /// `/guide`) because `trailing_slash` changed.
    UrlShapeChanged {
        url: String,
        now: String,
        /// The `trailing_slash` of this build.
        trailing_slash: bool,
        /// The code whose page it is, if it is a code page.
        code: Option<String>,
    },
    /// A field of a problem details envelope (`kind = "problem"`) named like an RFC 9457
    /// member (`type`, `title`, `status`, `detail`, `instance`) but given another meaning.
    Rfc9457MemberConflict {
        envelope: String,
        member: String,
        /// The key that gives it another meaning (`from`, `type`) and its value.
        key: &'static str,
        value: String,
        /// What RFC 9457 (and errdocs) makes of the member.
        expected: &'static str,
    },
    /// A problem details envelope in a site without `base_url`: its `type` URIs could not be
    /// absolute.
    Rfc9457NeedsBaseUrl {
        envelope: String,
    },
    /// A problem details envelope whose example is not a JSON object (or not JSON at all).
    Rfc9457NotJsonObject {
        envelope: String,
        found: String,
    },
}

/// What a broken link is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MissingTarget {
    /// No page or file is built at this path.
    Page {
        path: String,
        suggestion: Option<String>,
    },
    /// The page exists but has no element with this id.
    Anchor {
        page: String,
        anchor: String,
        suggestion: Option<String>,
    },
}

impl Choice {
    fn noun(self) -> &'static str {
        match self {
            Choice::RetryPolicy => "a retry policy",
            Choice::FieldSource => "an attribute of a code",
            Choice::Column => "a column",
            Choice::FieldType => "a field type",
            Choice::Versioning => "a versioning scheme",
            Choice::EnvelopeKind => "an envelope kind",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Choice::RetryPolicy => "policies",
            Choice::FieldSource => "attributes",
            Choice::Column => "columns",
            Choice::FieldType => "field types",
            Choice::Versioning => "schemes",
            Choice::EnvelopeKind => "kinds",
        }
    }
}

fn or_list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// `402`, `404 and 400`, `404, 400 and 409`.
fn statuses_list(statuses: &[u16]) -> String {
    let all: Vec<String> = statuses.iter().map(u16::to_string).collect();
    match all.split_last() {
        Some((last, [])) => format!("status {last}"),
        Some((last, rest)) => format!("statuses {} and {last}", rest.join(", ")),
        None => "its statuses".into(),
    }
}

fn did_you(suggestion: Option<&String>) -> Option<String> {
    suggestion.map(|s| format!("did you mean `{s}`?"))
}

/// The most characters of one quoted value a message shows.
const QUOTED_MAX_CHARS: usize = 200;

/// `message` with every quoted value (between backticks) over [`QUOTED_MAX_CHARS`] cut to its
/// start and a count of what was left out: a template put a 32 MB href in a broken-link
/// message (found by the long fuzz run).
fn with_short_quotes(message: String) -> String {
    if message.len() <= QUOTED_MAX_CHARS {
        return message;
    }
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        match part.char_indices().nth(QUOTED_MAX_CHARS) {
            Some((cut, _)) if i % 2 == 1 => {
                let left = part[cut..].chars().count();
                out.push_str(&part[..cut]);
                out.push_str(&format!("... ({left} more characters)"));
            }
            _ => out.push_str(part),
        }
    }
    out
}

impl Problem {
    /// The one-line message, shown after `error:`; long quoted values are cut.
    pub(crate) fn message(&self) -> String {
        with_short_quotes(self.full_message())
    }

    // Long: one arm per kind of problem, so every message reads side by side in one place.
    fn full_message(&self) -> String {
        match self {
            Problem::Io { action, message } => format!("could not {action}: {message}"),
            Problem::TomlSyntax { message } => format!("TOML syntax error: {message}"),
            Problem::UnknownKey { key, table, .. } => format!("unknown key `{key}` in {table}"),
            Problem::MissingField { field, table, .. } => {
                format!("missing required field `{field}` in {table}")
            }
            Problem::WrongType {
                key,
                expected,
                found,
            } => format!("`{key}` must be {expected}, found {found}"),
            Problem::InvalidId { key, value } => format!(
                "invalid `{key}` value `{value}`: ids may hold only lowercase letters, digits and `-`"
            ),
            Problem::UnknownChoice {
                key, value, choice, ..
            } => format!("invalid `{key}` value `{value}`: not {}", choice.noun()),
            Problem::EmptyValue { key } => format!("invalid `{key}` value ``: it cannot be empty"),
            Problem::ListedTwice { key, value } => {
                format!("invalid `{key}` value `{value}`: this column is listed twice")
            }
            Problem::ConflictingKeys { key, value, other } => {
                format!("invalid `{key}` value `{value}`: the table also sets `{other}`")
            }
            Problem::InvalidAnchor { value } => format!(
                "invalid `anchor` value `{value}`: anchors may hold only letters, digits, `.`, `_` and `-`"
            ),
            Problem::NoAnchor { code } => {
                format!("invalid `code` value `{code}`: no anchor can be derived from this code")
            }
            Problem::AnchorIsCategory { code, anchor } => format!(
                "invalid `code` value `{code}`: its anchor `{anchor}` is also a category id"
            ),
            Problem::InvalidAliasUrl { value } => {
                format!("invalid `aliases` value `{value}`: an old URL is a clean site path")
            }
            Problem::InvalidPathPrefix { value } => format!(
                "invalid `path` value `{value}`: a path prefix is one or more segments of letters, digits, `.`, `_` and `-`"
            ),
            Problem::InvalidBaseUrl { key, value, error } => match error {
                BaseUrlError::NotAbsolute => format!(
                    "invalid `{key}` value `{value}`: a base URL is absolute: `https://example.com` or `https://example.com/docs/`"
                ),
                BaseUrlError::QueryOrFragment => format!(
                    "invalid `{key}` value `{value}`: a base URL cannot hold a query, a fragment or spaces"
                ),
            },
            Problem::Duplicate { kind, name, .. } => format!("duplicate {kind} `{name}`"),
            Problem::CodeOutsideRange {
                code,
                category,
                range,
            } => format!("code `{code}` is outside the range `{range}` of category `{category}`"),
            Problem::UnknownReference { kind, name, .. } => format!("unknown {kind} `{name}`"),
            Problem::InvalidStatus { status } => format!("`{status}` is not an HTTP status code"),
            Problem::RetryContradiction { policy, status, .. } => {
                format!("retry policy `{policy}` contradicts HTTP status {status}")
            }
            Problem::InvalidExample { envelope, message } => {
                format!("the example of envelope `{envelope}` is not valid JSON: {message}")
            }
            Problem::BrokenLink { target, missing } => match missing {
                MissingTarget::Page { path, .. } => {
                    format!("broken link `{target}`: no page or file `{path}` in this site")
                }
                MissingTarget::Anchor { page, anchor, .. } => {
                    format!("broken link `{target}`: page `{page}` has no anchor `#{anchor}`")
                }
            },
            Problem::UnknownDirective { name, .. } => format!("unknown directive `{name}`"),
            Problem::DirectiveUnclosedQuote { directive } => {
                format!("directive `{directive}`: a quoted value is not closed by `\"`")
            }
            Problem::DirectiveUnexpectedArgument {
                directive,
                argument,
                more,
                ..
            } => match more {
                0 => format!("directive `{directive}`: unexpected argument `{argument}`"),
                n => format!(
                    "directive `{directive}`: unexpected argument `{argument}` (and {n} more after it)"
                ),
            },
            Problem::DirectiveUnknownOption {
                directive, option, ..
            } => format!("directive `{directive}`: unknown option `{option}`"),
            Problem::DirectiveMissingArgument { directive, .. } => match directive.as_str() {
                "category" => "directive `category`: which category? write `category ID`".into(),
                _ => format!("directive `{directive}`: which code? write `code PG-1003`"),
            },
            Problem::DirectiveBadFlag {
                directive,
                option,
                value,
            } => format!(
                "directive `{directive}`: `{option}` must be `true` or `false`, not `{value}`"
            ),
            Problem::DirectiveBadLevel { directive, value } => {
                format!("directive `{directive}`: `level` must be 1 to 6, not `{value}`")
            }
            Problem::DirectiveBadLayout { directive, value } => format!(
                "directive `{directive}`: `layout` must be `table` or `list`, not `{value}`"
            ),
            Problem::DirectiveHeadingsWithoutColumns { directive } => format!(
                "directive `{directive}`: `headings` needs `columns`, with one heading per column"
            ),
            Problem::DirectiveUnknownColumn {
                directive, name, ..
            } => format!("directive `{directive}`: unknown column `{name}`"),
            Problem::AmbiguousCode { name, .. } => {
                format!("directive `code`: `{name}` names several codes")
            }
            Problem::NoEnvelope { directive } => {
                format!("directive `{directive}`: the catalog defines no [[envelope]]")
            }
            Problem::FrontMatterMissing => {
                "front matter: a page starts with TOML front matter between `+++` lines".into()
            }
            Problem::FrontMatterUnclosed => {
                "front matter: the front matter is not closed by a `+++` line".into()
            }
            Problem::Template { name, message } => format!("template `{name}`: {message}"),
            Problem::Unpublished { url, code } => match code {
                Some(code) => {
                    format!("`{url}` (code `{code}`) was published before and no longer resolves")
                }
                None => format!("`{url}` was published before and no longer resolves"),
            },
            Problem::Changed {
                code,
                what,
                from,
                to,
            } => format!("code {code}: {what} changed from {from} to {to}"),
            Problem::OutputHoldsSources { output, source } => format!(
                "refusing to write to `{}`: it is or contains the site's source `{}`",
                output.display(),
                source.display()
            ),
            Problem::OutputInsideSources { output, source } => format!(
                "refusing to write to `{}`: it lies inside the site's source `{}`",
                output.display(),
                source.display()
            ),
            Problem::OutputHoldsGit { output } => format!(
                "refusing to replace `{}`: it holds a `.git` (a repository or worktree)",
                output.display()
            ),
            Problem::OutputNotOurs { output, marker } => format!(
                "refusing to replace `{}`: it is not empty and errdocs did not create it \
                 (it has no `{marker}` marker)",
                output.display(),
            ),
            Problem::OutputNotADirectory { output } => format!(
                "refusing to write to `{}`: it exists and is not a directory",
                output.display()
            ),
            Problem::PortInUse { bind, port } => {
                format!("port {port} on {bind} is already in use")
            }
            Problem::InitWouldOverwrite { dir, files } => format!(
                "{} already holds {}; errdocs init never overwrites files",
                dir.display(),
                files.join(", ")
            ),
            Problem::NotUtf8 => "this file is not valid UTF-8 from here on".into(),
            Problem::BareCarriageReturn => {
                "a carriage return without a line feed (CR line endings)".into()
            }
            Problem::UnusedTemplate { name, .. } => {
                format!("template `{name}` replaces no template of the theme and nothing uses it")
            }
            Problem::UnknownVariable {
                template, variable, ..
            } => format!("template `{template}`: unknown variable `{variable}`"),
            Problem::InvisibleCharacter { code, character } => {
                format!("code `{code}` holds an invisible character ({character})")
            }
            Problem::SameOutputFile {
                url, other, file, ..
            } => format!("`{url}` would be written to `{file}`, the file of `{other}`"),
            Problem::TemplateRecursion { kind, chain } => match *kind {
                "include" => format!("templates include themselves: {}", chain.join(" -> ")),
                "template" => format!(
                    "templates extend, include or import themselves: {}",
                    chain.join(" -> ")
                ),
                "block" => format!(
                    "template `{}` defines block `{}` twice",
                    chain.first().map_or("", String::as_str),
                    chain.get(1).map_or("", String::as_str)
                ),
                _ => format!("a macro calls itself: {}", chain.join(" -> ")),
            },
            Problem::NotAManifest { why } => {
                format!("this is not a manifest of a published site: {why}")
            }
            Problem::SymlinkOutsideSite { target } => format!(
                "this symbolic link leads out of the site, to `{}`",
                target.display()
            ),
            Problem::DisallowedScheme { href, scheme } => {
                format!("link `{href}` uses the scheme `{scheme}:`, which is not allowed")
            }
            Problem::RepeatedDirective {
                directive, shown, ..
            } => format!("directive `{directive}` shows {shown} again"),
            Problem::InvalidHeadingAttribute { name } => {
                format!("heading attribute `{name}` is not a valid attribute name")
            }
            Problem::DirectiveOptionWritten {
                directive, written, ..
            } => format!("directive `{directive}`: option written `{written}`"),
            Problem::ParentCycle { chain } => {
                format!("`parent` goes round in a circle: {}", chain.join(" -> "))
            }
            Problem::AlsoInOwnCategory { category } => {
                format!("invalid `also_in` value `{category}`: it is the code's own category")
            }
            Problem::RepeatedValue { key, value } => {
                format!("invalid `{key}` value `{value}`: it is listed twice")
            }
            Problem::EmptyList { key } => format!("invalid `{key}` value `[]`: the list is empty"),
            Problem::UnknownEnvelopeField {
                key,
                field,
                envelope,
                ..
            } => format!("invalid `{key}` key `{field}`: envelope `{envelope}` has no such field"),
            Problem::ValuesWithoutEnvelope { key, category } => format!(
                "`{key}` fills envelope fields, but category `{category}` is returned in no envelope"
            ),
            Problem::ValueAndSource { field } => format!(
                "envelope field `{field}` has both a value (`values`) and a source (`from`) here"
            ),
            Problem::InvalidFieldName { value } => format!(
                "invalid `name` value `{value}`: a field name holds only lowercase letters, digits and `_`"
            ),
            Problem::ReservedFieldName { name } => {
                format!("invalid `name` value `{name}`: `{name}` is already a key of [[code]]")
            }
            Problem::InvalidFieldUrl { field, value } => format!(
                "invalid `{field}` value `{value}`: not an absolute `http(s)` URL or a site path"
            ),
            Problem::NeedlessRetryOverride { policy, statuses } => format!(
                "`retry_override` overrides nothing: policy `{policy}` contradicts none of {}",
                statuses_list(statuses)
            ),
            Problem::InvalidHeaderName { value } => {
                format!("invalid `headers` value `{value}`: not an HTTP header name")
            }
            Problem::InvalidVersion {
                key,
                value,
                versioning,
            } => format!(
                "invalid `{key}` value `{value}`: not a {versioning} (`versioning = \"{versioning}\"`)"
            ),
            Problem::LifecycleOutOfOrder {
                key,
                value,
                earlier_key,
                earlier,
            } => format!("`{key}` ({value}) comes before `{earlier_key}` ({earlier})"),
            Problem::InvalidPagePath { value } => format!(
                "invalid `page_path` value `{value}`: a path prefix is one or more segments of letters, digits, `.`, `_` and `-`"
            ),
            Problem::CodePageMoved { url, code, .. } => format!(
                "`{url}` (the page of code `{code}`) was published before and no longer resolves"
            ),
            Problem::UnnamedStatus { status } => {
                format!("status {status} is not a registered HTTP status and has no `name`")
            }
            Problem::UnknownCodeInSource { code, .. } => {
                format!("code `{code}` is used in the source but not defined in the catalog")
            }
            Problem::UnusedCode { code } => {
                format!("code `{code}` is in the catalog but no scanned source file mentions it")
            }
            Problem::RemovedCodeInSource { code, since, .. } => format!(
                "code `{code}` is removed from the API{} but the source still uses it",
                since
                    .as_ref()
                    .map(|s| format!(" (since {s})"))
                    .unwrap_or_default()
            ),
            Problem::InvalidSourcePattern { key, value, error } => {
                format!("invalid `[source] {key}` value `{value}`: {error}")
            }
            Problem::InvalidExport { message } => format!("not an errors.json export: {message}"),
            Problem::ReleaseWithoutDate { name } => {
                format!("release `{name}` has no date")
            }
            Problem::InvalidGoPackage { value } => {
                format!("`{value}` is not a Go package name")
            }
            Problem::InvalidExportPath { key, value } => format!(
                "invalid `{key}` value `{value}` in [exports]: an export is a file path inside the output"
            ),
            Problem::TemplateTooDeep {
                template,
                depth,
                limit,
            } => format!(
                "template `{template}` nests {depth} deep; errdocs renders at most {limit} levels"
            ),
            Problem::TemplateTooLarge {
                template,
                size,
                limit,
            } => format!(
                "template `{template}` is {} KiB; errdocs parses templates of at most {} KiB",
                size.div_ceil(1024),
                limit / 1024
            ),
            Problem::TemplatePanicked { template } => {
                format!("template `{template}` failed inside the template engine")
            }
            Problem::ThemeIdClash { what, id } => {
                format!("{what} `{id}` is an id the theme already uses on every page")
            }
            Problem::OpenapiSyntax { message } => {
                format!("the OpenAPI document is not valid YAML or JSON: {message}")
            }
            Problem::NotOpenapi { found } => match found {
                Some(v) => format!("`{v}` is not an OpenAPI version errdocs reads"),
                None => "not an OpenAPI document: it has no `openapi` version".into(),
            },
            Problem::OpenapiWrongType { path, expected } => {
                format!("`{path}` must be {expected}")
            }
            Problem::InvalidResponseStatus { operation, key } => {
                format!("`{key}` in the responses of `{operation}` is not an HTTP status")
            }
            Problem::UnresolvedRef { reference } => {
                format!("`$ref: {reference}` points at nothing in the document")
            }
            Problem::SpecStatusNotInCatalog {
                operation,
                status,
                range,
            } => match range {
                Some((a, b)) => format!(
                    "`{operation}` declares `{status}` but no catalog code has a status from {a} to {b}"
                ),
                None => {
                    format!("`{operation}` declares status {status} but no catalog code has it")
                }
            },
            Problem::CatalogStatusNotInSpec {
                status,
                codes,
                specs,
            } => {
                let mut shown: Vec<String> =
                    codes.iter().take(8).map(|c| format!("`{c}`")).collect();
                if codes.len() > 8 {
                    shown.push(format!("and {} more", codes.len() - 8));
                }
                format!(
                    "status {status} (code{} {}) is declared by no operation of {}",
                    if codes.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    specs.join(", ")
                )
            }
            Problem::DirectiveBadSplit { directive, value } => {
                format!("directive `{directive}`: `split` must be `category`, not `{value}`")
            }
            Problem::UrlShapeChanged {
                url,
                now,
                trailing_slash,
                ..
            } => format!(
                "`{url}` was published before and no longer resolves: it is now `{now}` \
                 (`trailing_slash = {trailing_slash}` changed the shape of page URLs)"
            ),
            Problem::Rfc9457MemberConflict {
                envelope,
                member,
                key,
                value,
                ..
            } => format!(
                "invalid `{key}` value `{value}` for field `{member}`: envelope `{envelope}` is a problem details envelope, where `{member}` is an RFC 9457 member"
            ),
            Problem::Rfc9457NeedsBaseUrl { envelope } => format!(
                "envelope `{envelope}` is a problem details envelope, but the site has no `base_url` for the absolute `type` URIs of its codes"
            ),
            Problem::Rfc9457NotJsonObject { envelope, found } => format!(
                "envelope `{envelope}` is a problem details envelope, but its example is {found}, not a JSON object"
            ),
        }
    }

    /// Advice on how to fix the problem, when there is some.
    // Long: one arm per kind of problem, like `message`.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            Problem::TomlSyntax { .. } => Some("see https://toml.io for the syntax".into()),
            Problem::UnknownKey {
                suggestion,
                expected,
                ..
            } => did_you(suggestion.as_ref())
                .or_else(|| Some(format!("expected one of: {}", expected.join(", ")))),
            Problem::MissingField { field, need, .. } => Some(match need {
                Need::Always => format!("add `{field} = ...` to this table"),
                Need::ShownColumn { category } => format!(
                    "category `{category}` shows a `{field}` column; add `{field} = ...` to this code"
                ),
                Need::RetryColumn { category } => format!(
                    "category `{category}` shows a `retry` column and no [[retry]] rule covers \
                     this code; add `retry = \"...\"` or a [[retry]] rule for its status"
                ),
                Need::SomeColumn => {
                    "list at least one column, e.g. `columns = [\"code\", \"message\"]`".into()
                }
                Need::Policy { choices } => {
                    format!("add `policy = \"...\"`, one of: {}", choices.join(", "))
                }
                Need::RetryTarget => {
                    "add `status = 429` (or `code = ...` for one code's rule)".into()
                }
                Need::CategoryValue { envelope } => format!(
                    "envelope `{envelope}` fills `{field}` from the category \
                     (`from = \"category\"`); add `values = {{ \"{field}\" = ... }}` to this category"
                ),
                Need::DeclaredField => format!(
                    "the catalog declares `{field}` with `required = true` ([[field]]); add \
                     `{field} = ...` to this code"
                ),
                Need::CodeOrName => "add `code = ...`, or `name = \"...\"` for an error the API \
                                     sends without a code"
                    .into(),
            }),
            Problem::InvalidId { value, .. } => {
                Some(format!("try `{}`", crate::slug::slugify(value)))
            }
            Problem::UnknownChoice {
                suggestion,
                choice,
                choices,
                ..
            } => Some(
                did_you(suggestion.as_ref())
                    .unwrap_or_else(|| format!("{} are: {}", choice.plural(), choices.join(", "))),
            ),
            Problem::EmptyValue { key } => match *key {
                "range" => Some("write it like `PG-1xxx`, where `x` stands for one digit".into()),
                _ => None,
            },
            Problem::ConflictingKeys { .. } => Some("keep one of the two".into()),
            Problem::InvalidAnchor { value } => {
                Some(format!("try `{}`", crate::slug::slugify(value)))
            }
            Problem::NoAnchor { .. } => {
                Some("add `anchor = \"...\"` with letters, digits and `-`".into())
            }
            Problem::AnchorIsCategory { .. } => {
                Some("rename the category or set this code's `anchor`".into())
            }
            Problem::InvalidAliasUrl { .. } => Some(
                "e.g. \"/errors/old-name/\": no empty, `.` or `..` segments, no `#`, `?`, `%`, \
                 `\\`, spaces or control characters; old anchors are written as codes"
                    .into(),
            ),
            Problem::InvalidPathPrefix { .. } => Some("e.g. `errors` or `reference/codes`".into()),
            Problem::Duplicate { first, kind, .. } => Some(match *kind {
                "code" | "code in this namespace" | "anchor" => format!(
                    "the first {kind} with this name is at {first}; each must be unique \
                     (compared without case and after Unicode normalization)"
                ),
                _ => format!("the first {kind} with this name is at {first}; each must be unique"),
            }),
            Problem::CodeOutsideRange { range, .. } => Some(format!(
                "codes of this category must match `{range}` (`x` stands for one digit); \
                 move the code to the right category or fix its number"
            )),
            Problem::UnknownReference {
                suggestion, kind, ..
            } => {
                Some(did_you(suggestion.as_ref()).unwrap_or_else(|| {
                    format!("no {kind} with this name is defined in the catalog")
                }))
            }
            Problem::InvalidStatus { .. } => Some(
                "use a registered HTTP status between 100 and 599, such as 400, 404, 429 or 503, \
                 or declare a status of the API with `[[status]]` (`status = 499`, `name = \"...\"`)"
                    .into(),
            ),
            Problem::RetryContradiction { reason, .. } => Some(format!(
                "{reason}; if the API documents this behaviour, keep it and say why: \
                 `retry_override = \"...\"`"
            )),
            Problem::InvalidExample { .. } => {
                Some("fix the JSON, or set `language` to the example's real syntax".to_string())
            }
            Problem::BrokenLink { missing, .. } => match missing {
                MissingTarget::Page { suggestion, .. }
                | MissingTarget::Anchor { suggestion, .. } => did_you(suggestion.as_ref()),
            },
            Problem::UnknownDirective { suggestion, .. } => {
                Some(did_you(suggestion.as_ref()).unwrap_or_else(|| {
                    "directives are: catalog, category, envelope, retry, code, search, statuses"
                        .to_string()
                }))
            }
            Problem::DirectiveUnexpectedArgument { allowed, .. } => Some(format!(
                "options are written `key=value`; allowed: {}",
                or_list(allowed)
            )),
            Problem::DirectiveUnknownOption {
                directive,
                suggestion,
                allowed,
                ..
            } => Some(
                did_you(suggestion.as_ref())
                    .unwrap_or_else(|| format!("options of `{directive}`: {}", or_list(allowed))),
            ),
            Problem::DirectiveMissingArgument { candidates, .. } if !candidates.is_empty() => {
                Some(format!("categories: {}", candidates.join(", ")))
            }
            Problem::DirectiveHeadingsWithoutColumns { .. } => {
                Some("e.g. columns=\"code,meaning\" headings=\"Message,Meaning\"".into())
            }
            Problem::DirectiveUnknownColumn {
                suggestion,
                columns,
                ..
            } => Some(
                did_you(suggestion.as_ref())
                    .unwrap_or_else(|| format!("columns are: {}", columns.join(", "))),
            ),
            Problem::AmbiguousCode { candidates, .. } => {
                Some(format!("use an anchor instead: {}", candidates.join(", ")))
            }
            Problem::OutputHoldsSources { .. } | Problem::OutputInsideSources { .. } => {
                Some("choose an output directory such as `public/` inside the site".into())
            }
            Problem::OutputHoldsGit { .. } => Some(
                "errdocs replaces its output whole; build into another directory and copy it \
                 into the repository, e.g. `errdocs build --output public && cp -r public/. DIR/`"
                    .into(),
            ),
            Problem::OutputNotOurs { .. } => Some(
                "choose a new or empty directory, or pass `--force` to replace this one \
                 (everything in it is deleted)"
                    .into(),
            ),
            Problem::OutputNotADirectory { .. } => {
                Some("choose another output path with `--output`".into())
            }
            Problem::Unpublished { .. } => Some(
                "URLs printed in error responses live for years: keep a removed code as a \
                 tombstone (`removed = { since = \"...\" }`), or list the old code or URL in \
                 `aliases` of the code that replaced it"
                    .into(),
            ),
            Problem::PortInUse { .. } => {
                Some("stop the other server or pick another port with --port".into())
            }
            Problem::NotUtf8 => Some("save the file as UTF-8".into()),
            Problem::UnusedTemplate { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("to replace the theme's `{s}`, name the file `templates/{s}`"),
                None => "a template replaces the theme's template of the same name (README, \
                         \"Theme and templates\"); use it from a page (`template = ...`), \
                         include it, or delete it"
                    .into(),
            }),
            Problem::UnknownVariable { suggestion, .. } => {
                Some(did_you(suggestion.as_ref()).unwrap_or_else(|| {
                    "the README lists what templates see (\"Theme and templates\")".into()
                }))
            }
            Problem::InvisibleCharacter { .. } => Some(
                "codes are printed in API responses and read by people: remove zero-width and \
                 direction-control characters"
                    .into(),
            ),
            Problem::SameOutputFile { first, .. } => Some(format!(
                "`{first}` claims it first; URLs that differ only by case or by `index.html` \
                 are the same file on many hosts"
            )),
            Problem::TemplateRecursion { kind, .. } => Some(match *kind {
                "block" => "a block may appear once per template: rename one (a block nested in \
                            one of the same name calls itself through `super()`)"
                    .into(),
                _ => "rendering would never end; errdocs refuses templates that extend, include \
                      or import themselves and recursive macros"
                    .into(),
            }),
            Problem::NotAManifest { .. } => Some(
                "pass the `urls.txt` or `errors.json` that `errdocs build` wrote for the \
                 previous release"
                    .into(),
            ),
            Problem::SymlinkOutsideSite { .. } => Some(
                "errdocs reads only files inside the site: copy the file in, or link to a \
                 file inside the site"
                    .into(),
            ),
            Problem::BareCarriageReturn => Some(
                "TOML lines end with LF or CRLF: convert the line endings, e.g. \
                 `dos2unix -c mac FILE`"
                    .into(),
            ),
            Problem::ParentCycle { .. } => Some(
                "a sub-code's `parent` is a more general code; one of these is not".into(),
            ),
            Problem::AlsoInOwnCategory { .. } => Some(
                "`also_in` lists the *other* categories that show the code; remove this one"
                    .into(),
            ),
            Problem::RepeatedValue { .. } => Some("remove the second one".into()),
            Problem::EmptyList { key } => Some(match *key {
                "status" => "list at least one status, the typical one first: `status = [404, 400]`".into(),
                _ => format!("remove `{key}`, or list at least one value"),
            }),
            Problem::UnknownEnvelopeField {
                suggestion,
                envelope,
                ..
            } => Some(did_you(suggestion.as_ref()).unwrap_or_else(|| {
                format!("keys are the `name`s of the [[envelope.field]]s of envelope `{envelope}`")
            })),
            Problem::ValuesWithoutEnvelope { .. } => Some(
                "remove it, or set the category's `envelope` to the envelope its codes are returned in"
                    .into(),
            ),
            Problem::ValueAndSource { .. } => Some("keep one of the two".into()),
            Problem::InvalidFieldName { value } => {
                Some(format!("try `{}`", crate::slug::slugify(value).replace('-', "_")))
            }
            Problem::ReservedFieldName { .. } => Some(
                "choose another name; the standard keys of a code are documented in the README"
                    .into(),
            ),
            Problem::InvalidFieldUrl { .. } => Some(
                "write `https://example.com/page` or a path of this site such as `/guide#retries`"
                    .into(),
            ),
            Problem::NeedlessRetryOverride { .. } => Some(
                "`retry_override` explains a policy that the default rules refuse; remove it"
                    .into(),
            ),
            Problem::InvalidHeaderName { .. } => Some(
                "a header name is letters, digits and `-` (and !#$%&'*+.^_`|~), e.g. `Retry-After`"
                    .into(),
            ),
            Problem::InvalidVersion { versioning, .. } => Some(match *versioning {
                "date" => "write a date `YYYY-MM-DD` (or a month `YYYY-MM`), e.g. `2024-06-20`".into(),
                "version" => "write a version such as `1.4` or `v2.0.1`".into(),
                _ => "write the date or version since which it applies".into(),
            }),
            Problem::LifecycleOutOfOrder { .. } => Some(
                "a code is introduced (`since`), then deprecated (`deprecated.since`), then \
                 sunset (`deprecated.sunset`), then removed (`removed.since`)"
                    .into(),
            ),
            Problem::InvalidPagePath { .. } => Some("e.g. `declines` or `errors/payments`".into()),
            Problem::UnnamedStatus { .. } => Some(
                "say what the API calls it: `name = \"Client Closed Request\"`".into(),
            ),
            Problem::CodePageMoved { url, now, .. } => Some(format!(
                "its page is now `{now}`; keep the old URL working with `aliases = [\"{url}\"]` \
                 on the code"
            )),
            Problem::WrongType { key, expected, .. } => wrong_type_hint(key, expected),
            Problem::Io { .. }
            | Problem::ListedTwice { .. }
            | Problem::InvalidBaseUrl { .. }
            | Problem::DirectiveUnclosedQuote { .. }
            | Problem::DirectiveMissingArgument { .. }
            | Problem::DirectiveBadFlag { .. }
            | Problem::DirectiveBadLevel { .. }
            | Problem::DirectiveBadLayout { .. }
            | Problem::NoEnvelope { .. }
            | Problem::FrontMatterMissing
            | Problem::FrontMatterUnclosed
            | Problem::Template { .. }
            | Problem::Changed { .. }
            | Problem::InitWouldOverwrite { .. } => None,
            Problem::DisallowedScheme { scheme, .. } => Some(format!(
                "links may be site paths, relative URLs, `https:`, `http:`, `mailto:` or `tel:`{}",
                match scheme.as_str() {
                    "data" => "; put the file under `static/` and link its path",
                    "javascript" | "vbscript" => {
                        "; scripts belong in a template (`templates/head_extra.html`)"
                    }
                    _ => "",
                }
            )),
            Problem::InvalidHeadingAttribute { .. } => Some(
                "attribute names hold letters, digits, `-`, `_`, `:` and `.`, e.g. \
                 `## Title {#id .class data-level=2}`"
                    .into(),
            ),
            Problem::UnknownCodeInSource {
                page, suggestion, ..
            } => Some(format!(
                "{}add it to the catalog{}",
                suggestion
                    .as_ref()
                    .map(|s| format!("did you mean `{s}`? else "))
                    .unwrap_or_default(),
                page.as_ref()
                    .map(|p| format!(": the docs link `{p}` the API prints for it is dead"))
                    .unwrap_or_default()
            )),
            Problem::UnusedCode { .. } => Some(
                "remove it, mark it `deprecated` or `removed = { since, why }`, or scan the \
                 directory that uses it"
                    .into(),
            ),
            Problem::RemovedCodeInSource { replacement, .. } => Some(match replacement {
                Some(r) => format!("return `{r}` instead, or lift the `removed` tombstone"),
                None => "stop returning it, or lift the `removed` tombstone in the catalog".into(),
            }),
            Problem::InvalidSourcePattern { key, .. } => Some(if *key == "pattern" {
                "a regex (Rust `regex` syntax) matching one code; group 1 or `(?P<code>...)`, \
                 if present, is the code, e.g. `PG-\\d{4}`"
                    .into()
            } else {
                "a glob such as `*.py`, `src/**/*.go` or `vendor/`".into()
            }),
            Problem::InvalidExport { .. } => {
                Some("give the `errors.json` a build wrote, or the built site's directory".into())
            }
            Problem::ReleaseWithoutDate { .. } => Some(
                "name the file by its date (`releases/2026-05-01.json`) or add \
                 `\"released\": \"2026-05-01\"` at the top of the export"
                    .into(),
            ),
            Problem::InvalidGoPackage { .. } => Some(
                "a package name is lowercase letters, digits and `_`, not a Go keyword, e.g. \
                 `apierrors`"
                    .into(),
            ),
            Problem::InvalidExportPath { .. } => Some(
                "a relative path of letters, digits, `.`, `_` and `-` segments, not one of the \
                 files errdocs writes, e.g. `errors.ts` or `sdk/errors.go`"
                    .into(),
            ),
            Problem::TemplateTooDeep { .. } => Some(
                "nest fewer `{% for %}`/`{% if %}` blocks or brackets; move a part into a macro \
                 or an included template"
                    .into(),
            ),
            Problem::TemplateTooLarge { .. } => Some(
                "a template is a layout, rendered for every page: put long text in a page \
                 under `content/`, and scripts, styles and images in `static/`"
                    .into(),
            ),
            Problem::TemplatePanicked { .. } => Some(
                "an expression overflowed (e.g. `-9223372036854775808 % -1`); check the \
                 arithmetic of this template"
                    .into(),
            ),
            Problem::RepeatedDirective { shown, .. } => Some(format!(
                "a page shows {shown} once, so that its anchors stay unique: remove this \
                 line, or link to the first one"
            )),
            Problem::DirectiveOptionWritten { suggested, .. } => Some(format!(
                "write `{suggested}`: an option is `key=value` with no spaces around `=`, and \
                 a list is one value with its items separated by commas"
            )),
            Problem::ThemeIdClash { what, id } => Some(format!(
                "the page templates write `id=\"{id}\"` (e.g. `<main id=\"main\">`), so a link to \
                 `#{id}` could not reach this {what}; {}",
                if *what == "category id" {
                    "choose another id"
                } else {
                    "set the code's `anchor`"
                }
            )),
            Problem::OpenapiSyntax { .. } => Some(
                "fix the document at this place (a YAML or JSON linter shows the same error)"
                    .into(),
            ),
            Problem::NotOpenapi { .. } => Some(
                "give an OpenAPI 3.0 or 3.1 document (`openapi: 3.1.0` at the top) or a \
                 Swagger 2.0 one (`swagger: \"2.0\"`)"
                    .into(),
            ),
            Problem::OpenapiWrongType { .. } => {
                Some("see https://spec.openapis.org/oas/v3.1.0 for its shape".into())
            }
            Problem::InvalidResponseStatus { .. } => Some(
                "a response key is a status (`'404'`), a range (`'4XX'`), `default` or an \
                 extension (`x-...`)"
                    .into(),
            ),
            Problem::UnresolvedRef { .. } => Some(
                "a local reference is a JSON pointer into this document, such as \
                 `'#/components/responses/NotFound'`"
                    .into(),
            ),
            Problem::SpecStatusNotInCatalog { status, range, .. } => Some(match range {
                Some((a, b)) => format!(
                    "give the codes the API returns with {status} a status from {a} to {b} in the \
                     catalog, or remove the response if the API never sends one"
                ),
                None => format!(
                    "add the codes the API returns with {status} to the catalog (`status = \
                     {status}`), or remove the response if the API never sends it"
                ),
            }),
            Problem::CatalogStatusNotInSpec { status, .. } => Some(format!(
                "declare a `'{status}'` response (or a range such as `'{}XX'`) on the operations \
                 that can return it, or fix the codes' status; `--strict` makes this an error",
                status / 100
            )),
            Problem::DirectiveBadSplit { .. } => Some(
                "`split=category` gives each category a page of its own under this page; \
                 leave it out to show every category here"
                    .into(),
            ),
            Problem::UrlShapeChanged {
                url,
                trailing_slash,
                code,
                ..
            } => Some(if *trailing_slash {
                format!(
                    "links published without the slash now depend on the host redirecting them \
                     (GitHub Pages, Netlify and S3 do; not every CDN or proxy does); keep \
                     `trailing_slash = false` in errdocs.toml to keep `{url}` as it was"
                )
            } else {
                let path = url.split('#').next().unwrap_or(url);
                format!(
                    "old published links break: GitHub Pages and S3 answer `{path}` with a 404 \
                     (Netlify and Cloudflare Pages redirect it); keep `trailing_slash = true` \
                     in errdocs.toml{}",
                    code.as_ref()
                        .map(|c| format!(
                            ", or keep the old URL working with `aliases = [\"{url}\"]` on \
                             code `{c}`"
                        ))
                        .unwrap_or_default()
                )
            }),
            Problem::Rfc9457MemberConflict {
                member, expected, ..
            } => Some(format!(
                "in problem details (RFC 9457, section 3.1) `{member}` is {expected}; remove the key, or rename the field if the API sends something else"
            )),
            Problem::Rfc9457NeedsBaseUrl { .. } => Some(
                "set `base_url = \"https://docs.example.com/\"` in errdocs.toml (or pass \
                 `--base-url`): RFC 9457 resolves a relative `type` against the API's request \
                 URL, not the documentation site, so errdocs writes absolute ones"
                    .into(),
            ),
            Problem::Rfc9457NotJsonObject { .. } => Some(
                "a problem details object is a JSON object (RFC 9457, section 3): write the \
                 example as `{ ... }` with `language = \"json\"` (the default)"
                    .into(),
            ),
        }
    }

    /// Places related to the problem, shown as secondary snippets.
    fn related(&self) -> Vec<(Location, &'static str)> {
        match self {
            Problem::Duplicate { first, .. } | Problem::SameOutputFile { first, .. }
                if first.line > 0 =>
            {
                vec![((**first).clone(), "first defined here")]
            }
            Problem::RepeatedDirective { first, .. } if first.line > 0 => {
                vec![((**first).clone(), "first shown here")]
            }
            _ => Vec::new(),
        }
    }

    fn severity(&self) -> Severity {
        match self {
            Problem::Changed { .. } => Severity::Note,
            Problem::UnusedCode { .. } => Severity::Warning,
            Problem::CatalogStatusNotInSpec { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// A problem, how bad it is and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub(crate) severity: Severity,
    /// Boxed: problems carry locations of their own, and a `Result<_, Diagnostic>` stays small.
    pub(crate) problem: Box<Problem>,
    pub(crate) location: Option<Location>,
}

impl Diagnostic {
    /// A diagnostic at `location`, unless the problem knows better where it is (a template
    /// error found while rendering a page is reported in the template, once).
    pub(crate) fn new(problem: Problem, location: Option<Location>) -> Self {
        let location = match &problem {
            Problem::UnknownVariable { at, .. } => Some((**at).clone()),
            _ => location,
        };
        Diagnostic {
            severity: problem.severity(),
            problem: Box::new(problem),
            location,
        }
    }

    pub(crate) fn at(problem: Problem, location: Location) -> Self {
        Self::new(problem, Some(location))
    }

    /// A diagnostic with no location (command-line values, I/O outside the site).
    pub(crate) fn bare(problem: Problem) -> Self {
        Self::new(problem, None)
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The one-line message (after `error:`).
    pub fn message(&self) -> String {
        self.problem.message()
    }

    /// The location as `file:line:col`, if the problem has one.
    pub fn location(&self) -> Option<String> {
        self.location.as_ref().map(ToString::to_string)
    }
}

fn write_snippet(
    f: &mut fmt::Formatter<'_>,
    gutter: usize,
    loc: &Location,
    mark: char,
    label: &str,
) -> fmt::Result {
    let Some(snippet) = &loc.snippet else {
        return Ok(());
    };
    writeln!(f, "{:gutter$} |", "")?;
    writeln!(f, "{:>gutter$} | {}", loc.line, snippet.text)?;
    let marks: String = std::iter::repeat_n(mark, snippet.width).collect();
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    };
    writeln!(
        f,
        "{:gutter$} | {}{marks}{label}",
        "",
        " ".repeat(snippet.pad)
    )
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.severity.label(), self.problem.message())?;
        let related = self.problem.related();
        let gutter = self
            .location
            .iter()
            .chain(related.iter().map(|(l, _)| l))
            .map(|l| l.line.to_string().len())
            .max()
            .unwrap_or(1);
        if let Some(loc) = &self.location {
            writeln!(f, "{:gutter$}--> {loc}", "")?;
            write_snippet(f, gutter, loc, '^', "")?;
        }
        for (loc, label) in &related {
            writeln!(f, "{:gutter$}::: {loc}", "")?;
            write_snippet(f, gutter, loc, '-', label)?;
        }
        if let Some(hint) = self.problem.hint() {
            writeln!(f, "{:gutter$} = hint: {hint}", "")?;
        }
        Ok(())
    }
}

/// The problems collected by one run.
#[derive(Default, Debug)]
pub(crate) struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Records a problem located by a span of a source file.
    pub(crate) fn at(&mut self, problem: Problem, source: &Source, span: Range<usize>) {
        self.push(Diagnostic::at(problem, source.locate(span)));
    }

    /// Whether an error (not a warning or note) was recorded.
    pub(crate) fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    pub(crate) fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    /// The diagnostics in a stable order: by file, line and column, then by message.
    pub(crate) fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line, l.col))
                    .unwrap_or_default()
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| a.problem.message().cmp(&b.problem.message()))
        });
        self.list.dedup();
        self.list
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { list: vec![d] }
    }
}

/// The closest candidate to `word`, if it is close enough to be a likely typo: optimal string
/// alignment distance (a transposition counts as one edit, so `fxi` finds `fix`), ignoring
/// case, at most a third of the word's length (and at least 1). Among equally close
/// candidates, one that differs only by `-` versus `_` wins (`rate-limit` finds `rate_limit`
/// before `rate-limits`).
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let length = word.chars().count();
    let limit = (length / 3).max(1);
    let fold = |s: &str| s.to_lowercase().replace('_', "-");
    let lower = word.to_lowercase();
    let folded = fold(word);
    candidates
        .into_iter()
        .filter_map(|c| {
            // The distance is at least the difference in length: most candidates are ruled
            // out without computing it.
            if c.chars().count().abs_diff(length) > limit {
                return None;
            }
            let d = strsim::osa_distance(&lower, &c.to_lowercase());
            (d <= limit).then(|| (strsim::osa_distance(&folded, &fold(c)), d, c))
        })
        .min()
        .map(|(_, _, c)| c.to_string())
}

/// How to write a value of the type `key` expects, for the usual types.
fn wrong_type_hint(key: &str, expected: &str) -> Option<String> {
    let example = match expected {
        "a string" => format!("`{key} = \"...\"` (in quotes)"),
        "an integer" => format!("`{key} = 404` (a number, without quotes)"),
        "a boolean" => format!("`{key} = true` or `{key} = false` (without quotes)"),
        "an array of strings" => format!("`{key} = [\"...\", \"...\"]`"),
        "a table" => format!("`{key} = {{ ... }}`"),
        "an array of tables" => format!("`[[{key}]]` sections"),
        e if e.starts_with("an HTTP status or an array") => {
            format!("`{key} = 404` or `{key} = [404, 400]`")
        }
        _ => return None,
    };
    Some(format!("write it as {example}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_are_cut() {
        let href = "x".repeat(1_000_000);
        let problem = Problem::BrokenLink {
            target: href.clone(),
            missing: MissingTarget::Page {
                path: href,
                suggestion: None,
            },
        };
        let message = problem.message();
        assert!(message.len() < 1_000, "{}", message.len());
        assert!(message.starts_with(&format!("broken link `{}...", "x".repeat(200))));
        assert!(message.contains("(999800 more characters)`: no page or file `"));
        assert!(message.ends_with("` in this site"), "{message}");
        let short = Problem::TomlSyntax {
            message: "a `short` one".into(),
        };
        assert_eq!(short.message(), "TOML syntax error: a `short` one");
    }

    #[test]
    fn locates_line_and_column_in_characters() {
        let src = Source::new("a.toml", "x = 1\ny = \"→bad\"\n".to_string());
        let off = src.text.find("bad").unwrap();
        let loc = src.locate(off..off + 3);
        assert_eq!((loc.line, loc.col), (2, 7));
        assert_eq!(loc.to_string(), "a.toml:2:7");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("mesage", ["message", "status"]),
            Some("message".into())
        );
        assert_eq!(did_you_mean("fxi", ["fix", "meaning"]), Some("fix".into()));
        assert_eq!(
            did_you_mean("rate-limit", ["rate-limits", "rate_limit"]),
            Some("rate_limit".into())
        );
        assert_eq!(did_you_mean("zzz", ["message", "status"]), None);
    }

    #[test]
    fn formats_like_rustc() {
        let src = Source::new("c.toml", "statu = 401\n".to_string());
        let d = Diagnostic::at(
            Problem::UnknownKey {
                key: "statu".into(),
                table: "[[code]]".into(),
                suggestion: Some("status".into()),
                expected: vec![],
            },
            src.locate(0..5),
        );
        let text = d.to_string();
        assert!(
            text.contains("error: unknown key `statu` in [[code]]"),
            "{text}"
        );
        assert!(text.contains("--> c.toml:1:1"), "{text}");
        assert!(text.contains("1 | statu = 401"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("hint: did you mean `status`?"), "{text}");
    }

    #[test]
    fn a_duplicate_shows_where_it_was_first_defined() {
        let src = Source::new("c.toml", "code = \"A\"\n\ncode = \"A\"\n".to_string());
        let d = Diagnostic::at(
            Problem::Duplicate {
                kind: "code",
                name: "A".into(),
                first: Box::new(src.locate(7..10)),
            },
            src.locate(19..22),
        );
        let text = d.to_string();
        assert!(text.contains("--> c.toml:3:8"), "{text}");
        assert!(text.contains("::: c.toml:1:8"), "{text}");
        assert!(text.contains("--- first defined here"), "{text}");
    }
}
