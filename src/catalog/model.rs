//! The catalog model: envelopes, categories, codes, retry guidance, and the rules that are part
//! of the published contract (how a code's anchor is derived, what a retry policy means, which
//! policy a status allows). Plain data: text fields hold inline Markdown source, never HTML.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// Anchors made only of dots would be `.`/`..` path segments of per-code pages.
pub(crate) fn anchor_is_safe(anchor: &str) -> bool {
    crate::slug::is_verbatim_anchor(anchor) && !anchor.bytes().all(|b| b == b'.')
}

use crate::diagnostics::Source;
use crate::tomlread::Located;

/// Inline Markdown written in the catalog, with where it was written (for link checks).
pub(crate) type Text = Located<String>;

/// A loaded, validated catalog.
pub(crate) struct Catalog {
    pub(crate) source: Source,
    /// The extra per-code fields the catalog declares (`[[field]]`), in file order.
    pub(crate) fields: Vec<FieldDef>,
    /// The API's own names of HTTP statuses (`[[status]]`), in file order.
    pub(crate) statuses: Vec<StatusDef>,
    pub(crate) envelopes: Vec<Envelope>,
    /// Sorted by `order`, then file order.
    pub(crate) categories: Vec<Category>,
    /// In file order.
    pub(crate) codes: Vec<Code>,
    pub(crate) retry: Vec<RetryRule>,
    pub(super) by_anchor: HashMap<String, usize>,
    pub(super) by_key: HashMap<String, Vec<usize>>,
    pub(super) by_alias: HashMap<String, usize>,
    /// The codes of each category, in catalog order.
    pub(super) by_category: Vec<Vec<usize>>,
    /// The codes each category lists: its own and those naming it in `also_in`, in catalog
    /// order.
    pub(super) listed: Vec<Vec<usize>>,
    /// For each code that others name as `parent`, those others, in catalog order.
    pub(super) children: HashMap<usize, Vec<usize>>,
    /// For each code that others name as `replaced_by`, those others.
    pub(super) replaced: HashMap<usize, Vec<usize>>,
}

pub(crate) struct Envelope {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: Option<Text>,
    pub(crate) language: String,
    pub(crate) http_status: Option<u16>,
    /// False for an envelope that is not an HTTP response (`http_status = false`): code pages
    /// show no status line above its example.
    pub(crate) http: bool,
    pub(crate) example: String,
    pub(crate) note: Option<Text>,
    pub(crate) fields: Vec<EnvelopeField>,
    /// For a problem details envelope (`kind = "problem"`, RFC 9457): where `kind` is written
    /// (byte range in the catalog). Its examples get the members `type`, `title`, `status`
    /// and `detail` of each code, and its media type is `application/problem+json`.
    pub(crate) problem: Option<Range<usize>>,
}

/// The media type of problem details (RFC 9457, section 3).
pub(crate) const PROBLEM_MEDIA_TYPE: &str = "application/problem+json";

impl Envelope {
    /// Whether this is a problem details envelope (RFC 9457).
    pub(crate) fn is_problem(&self) -> bool {
        self.problem.is_some()
    }

    /// The media type of its responses, when it is not plain JSON.
    pub(crate) fn media_type(&self) -> Option<&'static str> {
        self.is_problem().then_some(PROBLEM_MEDIA_TYPE)
    }
}

pub(crate) struct EnvelopeField {
    pub(crate) name: String,
    pub(crate) kind: Option<String>,
    pub(crate) required: bool,
    pub(crate) description: Option<Text>,
    /// Which attribute of a code fills this field when the example is shown for one code.
    pub(crate) from: Option<FieldSource>,
}

/// A code attribute an envelope field carries (`from = "message"`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum FieldSource {
    Code,
    Message,
    Label,
    Status,
    Detail,
    Fix,
    Docs,
    /// The code of the code's `parent` (a decline code's `card_declined`).
    Parent,
    /// The value its category gives the field (`values = { "error.type" = "card_error" }`).
    Category,
    /// Only a value given for the code (`example = { ... }`) or its category (`values`): the
    /// envelope example's value belongs to the code the example is about.
    Example,
}

impl FieldSource {
    pub(crate) const ALL: [FieldSource; 10] = [
        FieldSource::Code,
        FieldSource::Message,
        FieldSource::Label,
        FieldSource::Status,
        FieldSource::Detail,
        FieldSource::Fix,
        FieldSource::Docs,
        FieldSource::Parent,
        FieldSource::Category,
        FieldSource::Example,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            FieldSource::Code => "code",
            FieldSource::Message => "message",
            FieldSource::Label => "label",
            FieldSource::Status => "status",
            FieldSource::Detail => "detail",
            FieldSource::Fix => "fix",
            FieldSource::Docs => "docs",
            FieldSource::Parent => "parent",
            FieldSource::Category => "category",
            FieldSource::Example => "example",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

pub(crate) struct Category {
    pub(crate) id: String,
    /// Span of `id`'s value in the catalog.
    pub(crate) id_span: Range<usize>,
    pub(crate) title: String,
    pub(crate) range: Option<String>,
    pub(crate) description: Option<Text>,
    pub(crate) order: i64,
    pub(crate) namespace: Option<String>,
    pub(crate) columns: Vec<Column>,
    pub(super) headings: Vec<(Column, String)>,
    /// The envelope its codes are returned in.
    pub(crate) envelope: EnvelopeChoice,
    /// Values of envelope fields for every code of the category (`values`), by field name.
    pub(crate) values: Vec<(String, serde_json::Value)>,
    /// Code attributes that fill envelope fields for the category's codes (`from`), by field
    /// name; they take the place of the field's own `from`.
    pub(crate) sources: Vec<(String, FieldSource)>,
    /// The path prefix of its codes' pages (`declines` -> `/declines/ANCHOR/`), when it is not
    /// the site's `[code_pages] path`.
    pub(crate) page_path: Option<String>,
}

/// A category's `envelope`: unset (the first envelope), `false` (none), or an envelope's id.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum EnvelopeChoice {
    Default,
    None,
    /// Index into [`Catalog::envelopes`].
    Envelope(usize),
}

impl Category {
    /// The heading this category gives a column (`headings = { fix = "..." }`), if any.
    pub(crate) fn own_heading(&self, column: Column) -> Option<&str> {
        self.headings
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, h)| h.as_str())
    }
}

/// A column of a code table.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Column {
    Code,
    Label,
    Message,
    Status,
    Fix,
    Meaning,
    Detail,
    Retry,
    Docs,
    /// A field declared with `[[field]]` (index into [`Catalog::fields`]).
    Custom(usize),
}

impl Column {
    pub(crate) const ALL: [Column; 9] = [
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
    pub(crate) const DEFAULT: [Column; 4] =
        [Column::Code, Column::Message, Column::Status, Column::Fix];

    pub(crate) fn name(self) -> &'static str {
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
            Column::Custom(_) => "field",
        }
    }

    pub(crate) fn default_heading(self) -> &'static str {
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
            Column::Custom(_) => "",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    pub(crate) fn names() -> impl Iterator<Item = &'static str> {
        Column::ALL.into_iter().map(Column::name)
    }
}

/// The identifier of a code as written in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CodeKey {
    /// `"PG-1003"` or an exact message such as `"Missing Bearer token."`.
    Text(String),
    /// `429`, `-32602`.
    Int(i64),
    /// `"-32000..-32099"`: a reserved range of numeric codes (first, last as written).
    Range(i64, i64),
    /// `name = "api_error"`: an error the API sends without a code, known by a stable name.
    Name(String),
}

impl CodeKey {
    /// The key as the catalog writes it, used for lookups and exports (`-32000..-32099`).
    pub(crate) fn raw(&self) -> String {
        match self {
            CodeKey::Text(s) | CodeKey::Name(s) => s.clone(),
            CodeKey::Int(i) => i.to_string(),
            CodeKey::Range(a, b) => format!("{a}..{b}"),
        }
    }

    /// Whether the API sends this as a code (false for an entry known only by its name).
    pub(crate) fn is_code(&self) -> bool {
        !matches!(self, CodeKey::Name(_))
    }

    /// Derives the anchor (HTML id and URL fragment) of a code; see the README's anchor rule.
    /// Returns `None` when nothing usable is left (the code needs an explicit `anchor`).
    pub(crate) fn anchor(&self, namespace: Option<&str>) -> Option<String> {
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
            CodeKey::Text(s) | CodeKey::Name(s) => f.write_str(s),
            CodeKey::Int(i) => write!(f, "{i}"),
            CodeKey::Range(a, b) => write!(f, "{a} to {b}"),
        }
    }
}

pub(crate) struct Code {
    pub(crate) key: CodeKey,
    pub(crate) anchor: String,
    /// Index into [`Catalog::categories`].
    pub(crate) category: usize,
    /// Other categories that list it too (`also_in`), indexes into [`Catalog::categories`].
    pub(crate) also_in: Vec<usize>,
    /// The code it is a sub-code of (`parent`), index into [`Catalog::codes`].
    pub(crate) parent: Option<usize>,
    pub(crate) label: Option<String>,
    pub(crate) message: Option<String>,
    /// Its HTTP statuses, the typical one first (`status = [404, 400]`).
    pub(crate) statuses: Vec<u16>,
    pub(crate) fix: Option<Text>,
    pub(crate) meaning: Option<Text>,
    pub(crate) detail: Option<Text>,
    pub(crate) docs: Option<Located<String>>,
    /// The code's own policy; [`Catalog::retry_for`] also falls back to its status.
    pub(crate) retry: Option<RetryPolicy>,
    /// The code's own retry advice (`retry_how`), inline Markdown.
    pub(crate) retry_how: Option<Text>,
    /// Why the code's policy departs from the default of its status (`retry_override`).
    pub(crate) retry_override: Option<String>,
    /// Since when (a date or an API version) the API returns it.
    pub(crate) since: Option<String>,
    /// Set when the code is deprecated (`deprecated = true` or a table).
    pub(crate) deprecated: Option<Deprecation>,
    /// Example values of envelope fields for this code (`example = { param = "exp_month" }`),
    /// by field name.
    pub(crate) example: Vec<(String, serde_json::Value)>,
    /// Values of the catalog's declared fields, by index into [`Catalog::fields`].
    pub(crate) fields: Vec<(usize, FieldValue)>,
    /// Index into [`Catalog::codes`].
    pub(crate) replaced_by: Option<usize>,
    /// Set when the code is no longer returned; it keeps its anchor and page (a tombstone).
    pub(crate) removed: Option<Removed>,
    /// Old codes (their anchors keep landing on this code) and old URLs (site paths that
    /// redirect to this code's page).
    pub(crate) aliases: Vec<Alias>,
    /// Span of the code's value in the catalog.
    pub(crate) span: Range<usize>,
}

impl Code {
    /// `active`, `deprecated` or `removed`.
    pub(crate) fn state(&self) -> &'static str {
        if self.removed.is_some() {
            "removed"
        } else if self.deprecated.is_some() {
            "deprecated"
        } else {
            "active"
        }
    }

    /// The typical HTTP status (the first one listed).
    pub(crate) fn status(&self) -> Option<u16> {
        self.statuses.first().copied()
    }

    /// The value of declared field `field`, if the code sets it.
    pub(crate) fn field(&self, field: usize) -> Option<&FieldValue> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v)
    }
}

pub(crate) struct Removed {
    pub(crate) since: Option<String>,
    pub(crate) why: Option<Text>,
}

/// `deprecated = { since, why, sunset, replacement }` (`deprecated = true` sets none of them).
#[derive(Default)]
pub(crate) struct Deprecation {
    pub(crate) since: Option<String>,
    pub(crate) why: Option<Text>,
    /// When the API stops returning it.
    pub(crate) sunset: Option<String>,
}

/// How `since`, `deprecated.since`, `deprecated.sunset` and `removed.since` are written, set
/// site-wide by `versioning` in `errdocs.toml`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Versioning {
    /// Any non-empty text, compared as written (the default).
    #[default]
    Text,
    /// A calendar date `YYYY-MM-DD` (or a month, `YYYY-MM`), as APIs versioned by date write
    /// them (`2024-06-20`).
    Date,
    /// A dotted version number, `1.4` or `v2.0.1`.
    Version,
}

impl Versioning {
    pub(crate) const ALL: [Versioning; 3] =
        [Versioning::Text, Versioning::Date, Versioning::Version];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Versioning::Text => "text",
            Versioning::Date => "date",
            Versioning::Version => "version",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The sort key of a well-formed value: dates and versions compare by their numbers.
    /// `None` when the value does not follow the scheme (or the scheme is free text).
    pub(crate) fn key(self, value: &str) -> Option<Vec<u64>> {
        match self {
            Versioning::Text => None,
            Versioning::Date => {
                let parts: Vec<&str> = value.split('-').collect();
                let ok_len = matches!(parts.as_slice(), [y, m] | [y, m, _] if y.len() == 4 && m.len() == 2)
                    && parts.get(2).is_none_or(|d| d.len() == 2);
                let nums: Option<Vec<u64>> = parts.iter().map(|p| digits(p)).collect();
                let nums = nums.filter(|_| ok_len)?;
                let month_ok = (1..=12).contains(&nums[1]);
                let day_ok = nums
                    .get(2)
                    .is_none_or(|d| (1..=days_in(nums[0], nums[1])).contains(d));
                (month_ok && day_ok).then_some(nums)
            }
            Versioning::Version => {
                let v = value.strip_prefix('v').unwrap_or(value);
                let nums: Option<Vec<u64>> = v.split('.').map(digits).collect();
                nums.filter(|n| !n.is_empty() && n.len() <= 4)
            }
        }
    }
}

/// A run of ASCII digits as a number.
fn digits(s: &str) -> Option<u64> {
    (!s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A field of codes the catalog declares (`[[field]]`): possible causes, severity, ...
pub(crate) struct FieldDef {
    /// The key codes set it with (`possible_causes`).
    pub(crate) name: String,
    /// Shown as its heading (`Possible causes`).
    pub(crate) title: String,
    pub(crate) kind: FieldType,
    pub(crate) required: bool,
    /// Shown as a column of categories that do not choose their `columns`.
    pub(crate) column: bool,
    /// Shown on code pages.
    pub(crate) page: bool,
    /// Written to `errors.json`.
    pub(crate) export: bool,
    pub(crate) description: Option<Text>,
}

/// What a declared field holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum FieldType {
    /// Plain text.
    Text,
    /// Markdown: paragraphs, lists, emphasis, code and links.
    Markdown,
    /// A list of inline Markdown items.
    List,
    /// An absolute `http(s)` URL or a path of this site.
    Url,
}

impl FieldType {
    pub(crate) const ALL: [FieldType; 4] = [
        FieldType::Text,
        FieldType::Markdown,
        FieldType::List,
        FieldType::Url,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Markdown => "markdown",
            FieldType::List => "list",
            FieldType::Url => "url",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The value a code gives a declared field.
pub(crate) enum FieldValue {
    Text(String),
    Markdown(Text),
    List(Vec<Text>),
    Url(Located<String>),
}

/// The API's own description of an HTTP status (`[[status]]`).
pub(crate) struct StatusDef {
    pub(crate) status: u16,
    /// The API's name for it (Stripe's 402 "Request Failed"), shown instead of the standard
    /// reason phrase.
    pub(crate) name: Option<String>,
    pub(crate) description: Option<Text>,
}

/// A former name of a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Alias {
    /// An old code; `anchor` is the anchor it had.
    Code {
        code: String,
        anchor: String,
        span: Range<usize>,
    },
    /// An old URL, as a site path (`/errors/old-name/`).
    Url { url: String, span: Range<usize> },
}

impl Alias {
    /// The alias as written.
    pub(crate) fn written(&self) -> &str {
        match self {
            Alias::Code { code, .. } => code,
            Alias::Url { url, .. } => url,
        }
    }

    /// Where the alias is written in the catalog.
    pub(crate) fn span(&self) -> Range<usize> {
        match self {
            Alias::Code { span, .. } | Alias::Url { span, .. } => span.clone(),
        }
    }
}

/// How a client should retry.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum RetryPolicy {
    Never,
    AfterRetryAfter,
    Backoff,
    Once,
    Conditional,
}

impl RetryPolicy {
    pub(crate) const ALL: [RetryPolicy; 5] = [
        RetryPolicy::Never,
        RetryPolicy::AfterRetryAfter,
        RetryPolicy::Backoff,
        RetryPolicy::Once,
        RetryPolicy::Conditional,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            RetryPolicy::Never => "never",
            RetryPolicy::AfterRetryAfter => "after-retry-after",
            RetryPolicy::Backoff => "backoff",
            RetryPolicy::Once => "once",
            RetryPolicy::Conditional => "conditional",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The default wording of the "Retryable?" column.
    pub(crate) fn wording(self) -> &'static str {
        match self {
            RetryPolicy::Never => "No",
            RetryPolicy::AfterRetryAfter => "Yes, after Retry-After seconds",
            RetryPolicy::Backoff => "Yes, with exponential backoff",
            RetryPolicy::Once => "Once, after a delay",
            RetryPolicy::Conditional => "Sometimes",
        }
    }

    /// Why this policy cannot go with `status`, if it cannot.
    pub(crate) fn contradiction(self, status: u16) -> Option<&'static str> {
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
pub(crate) enum RetryTarget {
    Status(u16),
    /// Index into [`Catalog::codes`].
    Code(usize),
}

pub(crate) struct RetryRule {
    pub(crate) target: RetryTarget,
    pub(crate) policy: RetryPolicy,
    pub(crate) retryable: Option<String>,
    pub(crate) how: Option<Text>,
    pub(crate) label: Option<String>,
    /// Response headers that control retries (`Retry-After`, `Stripe-Should-Retry`).
    pub(crate) headers: Vec<String>,
    /// Why the policy departs from the default of its status (`retry_override`).
    pub(crate) override_reason: Option<String>,
}

impl RetryRule {
    /// The "Retryable?" text: the rule's own wording or the policy's.
    pub(crate) fn retryable_text(&self) -> &str {
        self.retryable
            .as_deref()
            .unwrap_or_else(|| self.policy.wording())
    }
}

impl Catalog {
    /// A catalog with nothing in it, standing in for one that failed to load so the pages
    /// that do not need it are still checked.
    pub(crate) fn empty(source: Source) -> Catalog {
        Catalog {
            source,
            fields: Vec::new(),
            statuses: Vec::new(),
            envelopes: Vec::new(),
            categories: Vec::new(),
            codes: Vec::new(),
            retry: Vec::new(),
            by_anchor: HashMap::new(),
            by_key: HashMap::new(),
            by_alias: HashMap::new(),
            by_category: Vec::new(),
            listed: Vec::new(),
            children: HashMap::new(),
            replaced: HashMap::new(),
        }
    }

    /// Looks a code up by the code as written (`-32602`, `PG-1003`), else by anchor
    /// (`proxy-upstream-unreachable`) or an alias's anchor. `#ANCHOR` looks up by anchor only.
    /// A code written the same in several namespaces is ambiguous: `Err` with all of them.
    pub(crate) fn find_code(&self, name: &str) -> Result<usize, Vec<usize>> {
        let by_anchor = |a: &str| {
            self.by_anchor
                .get(a)
                .or_else(|| self.by_alias.get(a))
                .copied()
                .ok_or_else(Vec::new)
        };
        if let Some(anchor) = name.strip_prefix('#') {
            return by_anchor(anchor);
        }
        match self.by_key.get(name).map(Vec::as_slice) {
            Some([i]) => Ok(*i),
            Some(many) => Err(many.to_vec()),
            None => by_anchor(name),
        }
    }

    pub(crate) fn find_category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The indexes of a category's codes, in catalog order.
    pub(crate) fn category_codes(&self, category: usize) -> &[usize] {
        self.by_category.get(category).map_or(&[], Vec::as_slice)
    }

    /// The codes whose `replaced_by` is `code`.
    pub(crate) fn replacing(&self, code: usize) -> &[usize] {
        self.replaced.get(&code).map_or(&[], Vec::as_slice)
    }

    /// The codes a category's tables list: its own and those naming it in `also_in`, in
    /// catalog order.
    pub(crate) fn listed_in(&self, category: usize) -> &[usize] {
        self.listed.get(category).map_or(&[], Vec::as_slice)
    }

    /// The sub-codes of `code` (those naming it as `parent`), in catalog order.
    pub(crate) fn children_of(&self, code: usize) -> &[usize] {
        self.children.get(&code).map_or(&[], Vec::as_slice)
    }

    /// The API's own description of an HTTP status, if the catalog gives one.
    pub(crate) fn status_def(&self, status: u16) -> Option<&StatusDef> {
        self.statuses.iter().find(|s| s.status == status)
    }

    /// The name of an HTTP status as the API calls it: its `[[status]]` name, else the
    /// standard reason phrase.
    pub(crate) fn status_name(&self, status: u16) -> Option<&str> {
        self.status_def(status)
            .and_then(|s| s.name.as_deref())
            .or_else(|| crate::http_status::reason(i64::from(status)))
    }

    /// The name of a column (`fix`, or a declared field's name).
    pub(crate) fn column_name(&self, column: Column) -> &str {
        match column {
            Column::Custom(f) => self.fields.get(f).map_or("", |f| f.name.as_str()),
            other => other.name(),
        }
    }

    /// The default heading of a column (a declared field's title).
    pub(crate) fn column_heading(&self, column: Column) -> &str {
        match column {
            Column::Custom(f) => self.fields.get(f).map_or("", |f| f.title.as_str()),
            other => other.default_heading(),
        }
    }

    /// The heading of a column in a category's tables: the category's own, else the default.
    pub(crate) fn heading(&self, category: usize, column: Column) -> &str {
        self.categories[category]
            .own_heading(column)
            .unwrap_or_else(|| self.column_heading(column))
    }

    /// The retry rule that applies to a code: one written for the code, else its own policy,
    /// else the rule of its HTTP status.
    pub(crate) fn retry_for(&self, code: usize) -> Option<(RetryPolicy, Option<&RetryRule>)> {
        if let Some(rule) = self
            .retry
            .iter()
            .find(|r| r.target == RetryTarget::Code(code))
        {
            return Some((rule.policy, Some(rule)));
        }
        let c = &self.codes[code];
        let status_rule = c.status().and_then(|s| {
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

    /// The "Retryable?" wording for a code: the wording of the rule that applies if the rule's
    /// policy is the code's, else the policy's default wording.
    pub(crate) fn retry_wording(&self, code: usize) -> Option<&str> {
        let (policy, rule) = self.retry_for(code)?;
        Some(match rule {
            Some(r) if r.policy == policy => r.retryable_text(),
            _ => policy.wording(),
        })
    }

    /// The envelope a code is returned in: its category's, else the first one.
    pub(crate) fn envelope_for(&self, code: usize) -> Option<&Envelope> {
        match self.categories[self.codes[code].category].envelope {
            EnvelopeChoice::Default => self.envelopes.first(),
            EnvelopeChoice::None => None,
            EnvelopeChoice::Envelope(e) => self.envelopes.get(e),
        }
    }
}
