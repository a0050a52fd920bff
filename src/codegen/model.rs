//! The plain input of the generators: the catalog flattened to one [`Entry`] per code.

use crate::catalog::{Catalog, CodeKey, EnvelopeChoice, FieldSource, plain_text};

/// What a generator needs to know of one code.
pub(crate) struct Entry {
    /// The key a lookup takes: the code as written, `NAMESPACE:CODE` in a namespaced category
    /// (the keys of `by_code` in `errors.json`). Unique.
    pub(crate) key: String,
    /// The code as the API sends it (`PG-1003`, `-32602`), or the entry's name.
    pub(crate) code: String,
    /// Whether the code is an integer (`429`, `-32602`).
    pub(crate) numeric: bool,
    /// False for an entry known only by its name (the API sends no code).
    pub(crate) has_code: bool,
    pub(crate) statuses: Vec<u16>,
    pub(crate) message: Option<String>,
    pub(crate) category: String,
    /// The retry policy's name (`never`, `backoff`, ...), if the catalog gives one.
    pub(crate) retry: Option<&'static str>,
    /// The URL of its documentation: absolute when the site has a `base_url`.
    pub(crate) docs_url: String,
    /// `active`, `deprecated` or `removed`.
    pub(crate) state: &'static str,
    /// Index into [`Input::envelopes`] of the envelope it is returned in.
    pub(crate) envelope: Option<usize>,
    /// Its example response (the envelope filled in for it), when the envelope is JSON.
    pub(crate) example: Option<serde_json::Value>,
}

/// An envelope, for the OpenAPI document.
pub(crate) struct EnvelopeInfo {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    /// (dotted path, JSON type, required, description).
    pub(crate) fields: Vec<(String, Option<String>, bool, Option<String>)>,
    /// The field that carries the code (`from = "code"`), if any.
    pub(crate) code_field: Option<String>,
    /// The envelope's own example, when it is JSON.
    pub(crate) example: Option<serde_json::Value>,
    /// Problem details (RFC 9457): served as `application/problem+json`.
    pub(crate) problem: bool,
}

/// The input of every generator.
pub(crate) struct Input {
    /// The catalog file, as the site config names it (shown in the header).
    pub(crate) source: String,
    /// Every code in catalog order, keys unique (a later duplicate key is left out).
    pub(crate) entries: Vec<Entry>,
    /// The Go package name.
    pub(crate) package: String,
    /// The site's title.
    pub(crate) title: String,
    /// The site's home page: its `base_url`, else `/`.
    pub(crate) home: String,
    pub(crate) envelopes: Vec<EnvelopeInfo>,
}

/// The Go package name used when none is given.
pub(crate) const DEFAULT_GO_PACKAGE: &str = "errdocs";

/// The retry policy names, in the order generated types list them.
pub(crate) const RETRY_POLICIES: [&str; 5] = [
    "never",
    "after-retry-after",
    "backoff",
    "once",
    "conditional",
];

impl Input {
    /// Flattens the catalog; `docs[i]` is the documentation URL of code `i`, `examples[i]` its
    /// example response.
    pub(crate) fn new(
        source: String,
        catalog: &Catalog,
        docs: &[String],
        examples: Vec<Option<serde_json::Value>>,
        package: String,
    ) -> Self {
        let mut examples = examples.into_iter();
        let mut seen = std::collections::HashSet::new();
        let mut entries = Vec::with_capacity(catalog.codes.len());
        for (i, c) in catalog.codes.iter().enumerate() {
            let category = &catalog.categories[c.category];
            let key = match &category.namespace {
                Some(ns) => format!("{ns}:{}", c.key.raw()),
                None => c.key.raw(),
            };
            let example = examples.next().flatten();
            if !seen.insert(key.clone()) {
                continue;
            }
            let envelope = match category.envelope {
                EnvelopeChoice::Default => (!catalog.envelopes.is_empty()).then_some(0),
                EnvelopeChoice::None => None,
                EnvelopeChoice::Envelope(e) => Some(e),
            };
            entries.push(Entry {
                key,
                code: c.key.raw(),
                numeric: matches!(c.key, CodeKey::Int(_)),
                has_code: c.key.is_code(),
                statuses: c.statuses.clone(),
                message: c.message.clone(),
                category: category.id.clone(),
                retry: catalog.retry_for(i).map(|(p, _)| p.name()),
                docs_url: docs.get(i).cloned().unwrap_or_default(),
                state: c.state(),
                envelope,
                example,
            });
        }
        let envelopes = catalog
            .envelopes
            .iter()
            .map(|e| EnvelopeInfo {
                id: e.id.clone(),
                title: e.title.clone(),
                description: e.description.as_ref().map(|d| plain_text(&d.value)),
                fields: e
                    .fields
                    .iter()
                    .map(|f| {
                        (
                            f.name.clone(),
                            f.kind.clone(),
                            f.required,
                            f.description.as_ref().map(|d| plain_text(&d.value)),
                        )
                    })
                    .collect(),
                code_field: e
                    .fields
                    .iter()
                    .find(|f| f.from == Some(FieldSource::Code))
                    .map(|f| f.name.clone()),
                example: (e.language == "json")
                    .then(|| serde_json::from_str(&e.example).ok())
                    .flatten(),
                problem: e.is_problem(),
            })
            .collect();
        Input {
            source,
            entries,
            package,
            title: String::new(),
            home: "/".to_string(),
            envelopes,
        }
    }

    /// The first line of every generated file (without the comment marker).
    pub(crate) fn header(&self) -> String {
        format!(
            "generated by errdocs from {}; do not edit",
            one_line(&self.source)
        )
    }
}

/// Text safe inside a one-line comment: control characters become spaces.
pub(crate) fn one_line(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    out.truncate(out.trim_end().len());
    out
}

/// A string literal in the JSON syntax, which is also valid in TypeScript, Go and Python (for
/// text without `\u2028`/`\u2029` concerns: JSON escapes control characters only).
pub(crate) fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| String::from("\"\""))
}
