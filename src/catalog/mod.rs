//! The error catalog: the model every page is rendered from.
//!
//! This module owns the data types (envelopes, categories, codes, retry guidance) and the rules
//! that are part of the published contract: how a code's anchor is derived, what a retry policy
//! means, and which policy a status allows. Reading and validating the TOML file is in
//! [`load`]. The model knows nothing of HTML: text fields hold inline Markdown source.

mod load;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

pub use load::load;

/// Anchors made only of dots would be `.`/`..` path segments of per-code pages.
pub fn anchor_is_safe(anchor: &str) -> bool {
    crate::slug::is_verbatim_anchor(anchor) && !anchor.bytes().all(|b| b == b'.')
}

use crate::diagnostics::Source;
use crate::tomlread::Located;

/// Inline Markdown written in the catalog, with where it was written (for link checks).
pub type Text = Located<String>;

/// A loaded, validated catalog.
pub struct Catalog {
    pub source: Source,
    pub envelopes: Vec<Envelope>,
    /// Sorted by `order`, then file order.
    pub categories: Vec<Category>,
    /// In file order.
    pub codes: Vec<Code>,
    pub retry: Vec<RetryRule>,
    by_anchor: HashMap<String, usize>,
    by_key: HashMap<String, Vec<usize>>,
    by_alias: HashMap<String, usize>,
    /// The codes of each category, in catalog order.
    by_category: Vec<Vec<usize>>,
    /// For each code that others name as `replaced_by`, those others.
    replaced: HashMap<usize, Vec<usize>>,
}

pub struct Envelope {
    pub id: String,
    pub title: String,
    pub description: Option<Text>,
    pub language: String,
    pub http_status: Option<u16>,
    pub example: String,
    pub note: Option<Text>,
    pub fields: Vec<EnvelopeField>,
}

pub struct EnvelopeField {
    pub name: String,
    pub kind: Option<String>,
    pub required: bool,
    pub description: Option<Text>,
    /// Which attribute of a code fills this field when the example is shown for one code.
    pub from: Option<FieldSource>,
}

/// A code attribute an envelope field carries (`from = "message"`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FieldSource {
    Code,
    Message,
    Label,
    Status,
    Detail,
    Fix,
    Docs,
}

impl FieldSource {
    pub const ALL: [FieldSource; 7] = [
        FieldSource::Code,
        FieldSource::Message,
        FieldSource::Label,
        FieldSource::Status,
        FieldSource::Detail,
        FieldSource::Fix,
        FieldSource::Docs,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FieldSource::Code => "code",
            FieldSource::Message => "message",
            FieldSource::Label => "label",
            FieldSource::Status => "status",
            FieldSource::Detail => "detail",
            FieldSource::Fix => "fix",
            FieldSource::Docs => "docs",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

pub struct Category {
    pub id: String,
    pub title: String,
    pub range: Option<String>,
    pub description: Option<Text>,
    pub order: i64,
    pub namespace: Option<String>,
    pub columns: Vec<Column>,
    headings: Vec<(Column, String)>,
    /// The envelope its codes are returned in.
    pub envelope: EnvelopeChoice,
}

/// A category's `envelope`: unset (the first envelope), `false` (none), or an envelope's id.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EnvelopeChoice {
    Default,
    None,
    /// Index into [`Catalog::envelopes`].
    Envelope(usize),
}

impl Category {
    /// The heading of a column in this category's tables (its own or the default).
    pub fn heading(&self, column: Column) -> &str {
        self.headings
            .iter()
            .find(|(c, _)| *c == column)
            .map_or(column.default_heading(), |(_, h)| h.as_str())
    }
}

/// A column of a code table.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Code,
    Label,
    Message,
    Status,
    Fix,
    Meaning,
    Detail,
    Retry,
    Docs,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::Code,
        Column::Label,
        Column::Message,
        Column::Status,
        Column::Fix,
        Column::Meaning,
        Column::Detail,
        Column::Retry,
        Column::Docs,
    ];
    pub const DEFAULT: [Column; 4] = [Column::Code, Column::Message, Column::Status, Column::Fix];

    pub fn name(self) -> &'static str {
        match self {
            Column::Code => "code",
            Column::Label => "label",
            Column::Message => "message",
            Column::Status => "status",
            Column::Fix => "fix",
            Column::Meaning => "meaning",
            Column::Detail => "detail",
            Column::Retry => "retry",
            Column::Docs => "docs",
        }
    }

    pub fn default_heading(self) -> &'static str {
        match self {
            Column::Code => "Code",
            Column::Label => "Name",
            Column::Message => "Message",
            Column::Status => "Status",
            Column::Fix => "How to Fix",
            Column::Meaning => "Meaning",
            Column::Detail => "Detail",
            Column::Retry => "Retry",
            Column::Docs => "Docs",
        }
    }

    pub fn from_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        Column::ALL.into_iter().map(Column::name)
    }
}

/// The identifier of a code as written in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeKey {
    /// `"PG-1003"` or an exact message such as `"Missing Bearer token."`.
    Text(String),
    /// `429`, `-32602`.
    Int(i64),
    /// `"-32000..-32099"`: a reserved range of numeric codes (first, last as written).
    Range(i64, i64),
}

impl CodeKey {
    /// The key as the catalog writes it, used for lookups and exports (`-32000..-32099`).
    pub fn raw(&self) -> String {
        match self {
            CodeKey::Text(s) => s.clone(),
            CodeKey::Int(i) => i.to_string(),
            CodeKey::Range(a, b) => format!("{a}..{b}"),
        }
    }

    /// Derives the anchor (HTML id and URL fragment) of a code; see the README's anchor rule.
    /// Returns `None` when nothing usable is left (the code needs an explicit `anchor`).
    pub fn anchor(&self, namespace: Option<&str>) -> Option<String> {
        let raw = self.raw();
        let base = if anchor_is_safe(&raw) {
            raw
        } else {
            crate::slug::slugify(&raw)
        };
        if base.is_empty() {
            return None;
        }
        Some(match namespace {
            Some(ns) => format!("{ns}-{base}"),
            None => base,
        })
    }
}

/// Shown to readers: `PG-1003`, `429`, `-32000 to -32099`.
impl fmt::Display for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeKey::Text(s) => f.write_str(s),
            CodeKey::Int(i) => write!(f, "{i}"),
            CodeKey::Range(a, b) => write!(f, "{a} to {b}"),
        }
    }
}

pub struct Code {
    pub key: CodeKey,
    pub anchor: String,
    /// Index into [`Catalog::categories`].
    pub category: usize,
    pub label: Option<String>,
    pub message: Option<String>,
    pub status: Option<u16>,
    pub fix: Option<Text>,
    pub meaning: Option<Text>,
    pub detail: Option<Text>,
    pub docs: Option<Located<String>>,
    /// The code's own policy; [`Catalog::retry_for`] also falls back to its status.
    pub retry: Option<RetryPolicy>,
    pub deprecated: bool,
    /// Index into [`Catalog::codes`].
    pub replaced_by: Option<usize>,
    /// Set when the code is no longer returned; it keeps its anchor and page (a tombstone).
    pub removed: Option<Removed>,
    /// Old codes (their anchors keep landing on this code) and old URLs (site paths that
    /// redirect to this code's page).
    pub aliases: Vec<Alias>,
    /// Span of the code's value in the catalog.
    pub span: Range<usize>,
}

impl Code {
    /// `active`, `deprecated` or `removed`.
    pub fn state(&self) -> &'static str {
        if self.removed.is_some() {
            "removed"
        } else if self.deprecated {
            "deprecated"
        } else {
            "active"
        }
    }
}

pub struct Removed {
    pub since: Option<String>,
    pub why: Option<Text>,
}

/// A former name of a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alias {
    /// An old code; `anchor` is the anchor it had.
    Code { code: String, anchor: String },
    /// An old URL, as a site path (`/errors/old-name/`).
    Url(String),
}

/// How a client should retry.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RetryPolicy {
    Never,
    AfterRetryAfter,
    Backoff,
    Once,
    Conditional,
}

impl RetryPolicy {
    pub const ALL: [RetryPolicy; 5] = [
        RetryPolicy::Never,
        RetryPolicy::AfterRetryAfter,
        RetryPolicy::Backoff,
        RetryPolicy::Once,
        RetryPolicy::Conditional,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RetryPolicy::Never => "never",
            RetryPolicy::AfterRetryAfter => "after-retry-after",
            RetryPolicy::Backoff => "backoff",
            RetryPolicy::Once => "once",
            RetryPolicy::Conditional => "conditional",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The default wording of the "Retryable?" column.
    pub fn wording(self) -> &'static str {
        match self {
            RetryPolicy::Never => "No",
            RetryPolicy::AfterRetryAfter => "Yes, after Retry-After seconds",
            RetryPolicy::Backoff => "Yes, with exponential backoff",
            RetryPolicy::Once => "Once, after a delay",
            RetryPolicy::Conditional => "Sometimes",
        }
    }

    /// Why this policy cannot go with `status`, if it cannot.
    pub fn contradiction(self, status: u16) -> Option<&'static str> {
        let retryable_4xx = matches!(status, 408 | 409 | 423 | 425 | 429);
        match self {
            RetryPolicy::AfterRetryAfter if !matches!(status, 429 | 503) => Some(
                "servers send `Retry-After` with 429 and 503 responses; use `backoff` or `once` for other statuses",
            ),
            RetryPolicy::AfterRetryAfter | RetryPolicy::Backoff | RetryPolicy::Once
                if (400..500).contains(&status) && !retryable_4xx =>
            {
                Some(
                    "a 4xx status means the request itself is wrong and repeating it gets the same answer; use `never`, or `conditional` if a later retry can succeed",
                )
            }
            _ => None,
        }
    }
}

/// What a retry rule is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryTarget {
    Status(u16),
    /// Index into [`Catalog::codes`].
    Code(usize),
}

pub struct RetryRule {
    pub target: RetryTarget,
    pub policy: RetryPolicy,
    pub retryable: Option<String>,
    pub how: Option<Text>,
    pub label: Option<String>,
}

impl RetryRule {
    /// The "Retryable?" text: the rule's own wording or the policy's.
    pub fn retryable_text(&self) -> &str {
        self.retryable
            .as_deref()
            .unwrap_or_else(|| self.policy.wording())
    }
}

impl Catalog {
    /// Looks a code up by anchor (`PG-1003`, `proxy-upstream-unreachable`), by an alias's
    /// anchor, or, when that is unambiguous, by the code as written (`-32602`).
    pub fn find_code(&self, name: &str) -> Result<usize, Vec<usize>> {
        if let Some(&i) = self.by_anchor.get(name) {
            return Ok(i);
        }
        if let Some(&i) = self.by_alias.get(name) {
            return Ok(i);
        }
        match self.by_key.get(name).map(Vec::as_slice) {
            Some([i]) => Ok(*i),
            Some(many) => Err(many.to_vec()),
            None => Err(Vec::new()),
        }
    }

    pub fn find_category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The codes of a category, in catalog order.
    pub fn codes_in(&self, category: usize) -> impl Iterator<Item = (usize, &Code)> {
        self.category_codes(category)
            .iter()
            .map(move |&i| (i, &self.codes[i]))
    }

    /// The indexes of a category's codes, in catalog order.
    pub fn category_codes(&self, category: usize) -> &[usize] {
        self.by_category.get(category).map_or(&[], Vec::as_slice)
    }

    /// The codes whose `replaced_by` is `code`.
    pub fn replacing(&self, code: usize) -> &[usize] {
        self.replaced.get(&code).map_or(&[], Vec::as_slice)
    }

    /// The retry rule that applies to a code: one written for the code, else its own policy,
    /// else the rule of its HTTP status.
    pub fn retry_for(&self, code: usize) -> Option<(RetryPolicy, Option<&RetryRule>)> {
        if let Some(rule) = self
            .retry
            .iter()
            .find(|r| r.target == RetryTarget::Code(code))
        {
            return Some((rule.policy, Some(rule)));
        }
        let c = &self.codes[code];
        let status_rule = c.status.and_then(|s| {
            self.retry
                .iter()
                .find(|r| r.target == RetryTarget::Status(s))
        });
        match (c.retry, status_rule) {
            (Some(p), _) => Some((p, None)),
            (None, Some(r)) => Some((r.policy, Some(r))),
            (None, None) => None,
        }
    }

    /// The envelope a code is returned in: its category's, else the first one.
    pub fn envelope_for(&self, code: usize) -> Option<&Envelope> {
        match self.categories[self.codes[code].category].envelope {
            EnvelopeChoice::Default => self.envelopes.first(),
            EnvelopeChoice::None => None,
            EnvelopeChoice::Envelope(e) => self.envelopes.get(e),
        }
    }
}
