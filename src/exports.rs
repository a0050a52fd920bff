//! Machine-readable exports written by every build: `errors.json` (every code, with the URL to
//! print in error responses) with its JSON Schema, and `urls.txt` (every published URL and
//! anchor, the manifest `errdocs check --against` compares with).

use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::catalog::{Alias, Catalog, CodeKey, FieldValue, plain_text};
use crate::links::Registry;
use crate::plan::{PageKind, Plan};
use crate::urls::Target;

pub(crate) const ERRORS_JSON: &str = "errors.json";
pub(crate) const SCHEMA_JSON: &str = "errors.schema.json";
pub(crate) const URLS_TXT: &str = "urls.txt";
const SCHEMA: &str = include_str!("errors.schema.json");
/// The exports every build writes (paths inside the output).
pub(crate) const FILES: [&str; 3] = [ERRORS_JSON, SCHEMA_JSON, URLS_TXT];
const URLS_HEADER: &str =
    "# errdocs urls.txt: every published page and anchor (site paths, without the base path)";

/// The value of a code in JSON: integers stay numbers; an entry without a code is `null`.
fn code_value(key: &CodeKey) -> Value {
    match key {
        CodeKey::Int(i) => json!(i),
        CodeKey::Name(_) => Value::Null,
        other => json!(other.raw()),
    }
}

/// A reference to another code: its code, or its name when it has none.
fn code_ref(key: &CodeKey) -> Value {
    match key {
        CodeKey::Name(n) => json!(n),
        other => code_value(other),
    }
}

/// Catalog Markdown as its source and its plain text.
fn markdown(text: &str) -> Value {
    // Serializing borrowed strings cannot fail.
    serde_json::to_value(Markdown::of(text)).unwrap_or_default()
}

/// The entries of `errors.json`'s `codes`, one per code, in catalog order, each as
/// [`entry_text`] gives it (made on every core).
pub(crate) fn code_entries(catalog: &Catalog, plan: &Plan) -> Vec<String> {
    use rayon::prelude::*;
    (0..catalog.codes.len())
        .into_par_iter()
        .map(|i| entry_text(catalog, plan, i))
        .collect()
}

/// `errors.json`: every code of the catalog, in catalog order, with its URLs, and an index of
/// the codes by code (`by_code`) for lookups. Written as it is made, a chunk of codes at a
/// time (each chunk's entries made on every core), so a build never holds the whole document
/// (150 MB for 100,000 codes) in memory. `each(i, text)` gets the text of each code's entry
/// as it is made ([`entry_text`]: what the code's JSON file holds), on any core.
pub(crate) fn write_errors_json_each(
    out: &mut dyn std::io::Write,
    title: &str,
    catalog: &Catalog,
    plan: &Plan,
    each: &(dyn Fn(usize, &str) + Sync),
) -> std::io::Result<()> {
    let doc = ErrorsJson {
        title,
        catalog,
        plan,
        entries: Entries::Made(each),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// The document `errors.json`, serialized member by member in this order.
struct ErrorsJson<'a> {
    title: &'a str,
    catalog: &'a Catalog,
    plan: &'a Plan,
    entries: Entries<'a>,
}

/// Where the entries of `codes` come from.
#[derive(Clone, Copy)]
enum Entries<'a> {
    /// Already made ([`code_entries`], kept by `watch`), as written.
    Kept(&'a [Box<RawValue>]),
    /// Made as they are written; each one's text is handed to the function as well.
    Made(&'a (dyn Fn(usize, &str) + Sync)),
}

/// `errors.json` made from its code entries ([`code_entries`], kept by `watch` to redo only
/// the entries of the codes an edit touched); the same bytes as [`write_errors_json_each`].
pub(crate) fn errors_json_with(
    title: &str,
    catalog: &Catalog,
    plan: &Plan,
    codes: &[String],
) -> String {
    use rayon::prelude::*;
    // Each entry's text is indented on every core, then written as it is.
    let written: Vec<Box<RawValue>> = codes.par_iter().map(|text| as_written(text)).collect();
    let doc = ErrorsJson {
        title,
        catalog,
        plan,
        entries: Entries::Kept(&written),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

impl serde::Serialize for ErrorsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (catalog, plan) = (self.catalog, self.plan);
        let base_url = plan.resolver.base_url();
        let schema = match base_url {
            Some(b) => format!("{b}/{SCHEMA_JSON}"),
            None => SCHEMA_JSON.to_string(),
        };
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("$schema", &schema)?;
        m.serialize_entry("title", self.title)?;
        m.serialize_entry("base_url", &base_url)?;
        m.serialize_entry("statuses", &statuses(catalog))?;
        m.serialize_entry("fields", &declared_fields(catalog))?;
        let codes = Codes {
            catalog,
            plan,
            entries: self.entries,
        };
        m.serialize_entry("codes", &codes)?;
        m.serialize_entry("by_code", &ByCode(codes))?;
        m.end()
    }
}

/// The `codes` array: the entries `watch` keeps, or each entry made when it is written.
#[derive(Clone, Copy)]
struct Codes<'a> {
    catalog: &'a Catalog,
    plan: &'a Plan,
    entries: Entries<'a>,
}

/// How many code entries are made at a time, on every core, before they are written.
const ENTRY_CHUNK: usize = 256;

/// A pretty-printed entry ([`entry_text`]) as `errors.json` writes it in `codes`: two levels
/// in (JSON strings hold no line breaks, so indenting every line indents the entry).
fn as_written(text: &str) -> Box<RawValue> {
    // The text is JSON, so this cannot fail; `null` would stand for the entry if it did.
    RawValue::from_string(text.replace('\n', "\n    ")).unwrap_or_default()
}

impl serde::Serialize for Codes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (catalog, plan) = (self.catalog, self.plan);
        match self.entries {
            Entries::Kept(entries) => s.collect_seq(entries),
            Entries::Made(each) => {
                use rayon::prelude::*;
                let n = catalog.codes.len();
                let chunks = (0..n).step_by(ENTRY_CHUNK).map(|start| {
                    (start..n.min(start + ENTRY_CHUNK))
                        .into_par_iter()
                        .map(|i| {
                            let text = entry_text(catalog, plan, i);
                            each(i, &text);
                            as_written(&text)
                        })
                        .collect::<Vec<_>>()
                });
                s.collect_seq(chunks.flatten())
            }
        }
    }
}

/// The `by_code` index: code (with its namespace) -> index, anchor and documentation URL.
struct ByCode<'a>(Codes<'a>);

impl serde::Serialize for ByCode<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (catalog, plan) = (self.0.catalog, self.0.plan);
        s.collect_map(catalog.codes.iter().enumerate().map(|(i, c)| {
            let key = match &catalog.categories[c.category].namespace {
                Some(ns) => format!("{ns}:{}", c.key.raw()),
                None => c.key.raw(),
            };
            let docs = docs_of(catalog, plan, i);
            (key, json!({ "index": i, "anchor": c.anchor, "docs": docs }))
        }))
    }
}

/// The statuses the catalog names, by number.
fn statuses(catalog: &Catalog) -> serde_json::Map<String, Value> {
    catalog
        .statuses
        .iter()
        .map(|s| {
            let description = s.description.as_ref().map(|d| markdown(&d.value));
            (
                s.status.to_string(),
                json!({ "name": s.name, "description": description }),
            )
        })
        .collect()
}

/// The declared fields that are exported.
fn declared_fields(catalog: &Catalog) -> Vec<Value> {
    catalog
        .fields
        .iter()
        .filter(|f| f.export)
        .map(|f| {
            json!({
                "name": f.name,
                "title": f.title,
                "type": f.kind.name(),
                "required": f.required,
                "description": f.description.as_ref().map(|d| markdown(&d.value)),
            })
        })
        .collect()
}

/// The URL to print in error responses for code `i`: its `docs`, else its page, else its row.
pub(crate) fn docs_of(catalog: &Catalog, plan: &Plan, i: usize) -> String {
    urls_of(catalog, plan, i).2
}

/// The page URL, the table-row URL and the documentation URL of code `i` (absolute when the
/// site has a `base_url`, site paths otherwise).
fn urls_of(catalog: &Catalog, plan: &Plan, i: usize) -> (Option<String>, Option<String>, String) {
    let resolver = &plan.resolver;
    let c = &catalog.codes[i];
    let page = plan
        .code_page(catalog, i)
        .map(|path| resolver.absolute(&Target::page(path)));
    let reference = plan.code_row[i]
        .as_ref()
        .map(|p| resolver.absolute(&Target::anchor(p.clone(), c.anchor.clone())));
    let docs = c
        .docs
        .as_ref()
        .and_then(|d| resolver.resolve(&d.value, "/", None))
        .map(|t| resolver.absolute(&t))
        .or_else(|| page.clone())
        .or_else(|| reference.clone())
        .unwrap_or_default();
    (page, reference, docs)
}

/// The documentation URL of every code, in catalog order (what `errors.json` calls `docs`).
pub(crate) fn docs_urls(catalog: &Catalog, plan: &Plan) -> Vec<String> {
    (0..catalog.codes.len())
        .map(|i| urls_of(catalog, plan, i).2)
        .collect()
}

/// The entry of code `i` in `errors.json`, as a JSON value (what `watch` keeps).
/// Code `i`'s entry, pretty-printed on its own: its JSON file without the final newline.
pub(crate) fn entry_text(catalog: &Catalog, plan: &Plan, i: usize) -> String {
    // Serializing borrowed catalog data cannot fail.
    serde_json::to_string_pretty(&CodeEntry::new(catalog, plan, i)).unwrap_or_default()
}

/// The entry of a code in `errors.json`, serialized member by member in this order (the
/// schema's order); it borrows the catalog, so writing it builds no intermediate value.
#[derive(serde::Serialize)]
struct CodeEntry<'a> {
    code: Value,
    name: Option<String>,
    anchor: &'a str,
    namespace: Option<&'a str>,
    category: &'a str,
    category_title: &'a str,
    categories: Vec<CategoryRef<'a>>,
    envelope: Option<&'a str>,
    parent: Option<Value>,
    children: Vec<Value>,
    label: Option<&'a str>,
    message: Option<&'a str>,
    status: Option<u16>,
    statuses: &'a [u16],
    meaning: Option<Markdown<'a>>,
    detail: Option<Markdown<'a>>,
    fix: Option<Markdown<'a>>,
    retry: Value,
    docs: String,
    url: Option<String>,
    reference: Option<String>,
    aliases: Vec<&'a str>,
    state: &'static str,
    since: Option<&'a str>,
    deprecated: Option<DeprecatedEntry<'a>>,
    replaced_by: Option<Value>,
    removed: Option<RemovedEntry<'a>>,
    fields: Value,
}

#[derive(serde::Serialize)]
struct CategoryRef<'a> {
    id: &'a str,
    title: &'a str,
}

/// Catalog Markdown as its source and its plain text (see [`markdown`]).
#[derive(serde::Serialize)]
struct Markdown<'a> {
    markdown: &'a str,
    text: String,
}

impl<'a> Markdown<'a> {
    fn of(text: &'a str) -> Self {
        Markdown {
            markdown: text,
            text: plain_text(text),
        }
    }
}

#[derive(serde::Serialize)]
struct DeprecatedEntry<'a> {
    since: Option<&'a str>,
    why: Option<Markdown<'a>>,
    sunset: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct RemovedEntry<'a> {
    since: Option<&'a str>,
    why: Option<&'a str>,
}

impl<'a> CodeEntry<'a> {
    fn new(catalog: &'a Catalog, plan: &Plan, i: usize) -> Self {
        let c = &catalog.codes[i];
        let (page, reference, docs) = urls_of(catalog, plan, i);
        let category = &catalog.categories[c.category];
        let text = |t: &'a Option<crate::catalog::Text>| t.as_ref().map(|t| Markdown::of(&t.value));
        CodeEntry {
            code: code_value(&c.key),
            name: (!c.key.is_code()).then(|| c.key.raw()),
            anchor: &c.anchor,
            namespace: category.namespace.as_deref(),
            category: &category.id,
            category_title: &category.title,
            categories: std::iter::once(c.category)
                .chain(c.also_in.iter().copied())
                .map(|k| CategoryRef {
                    id: &catalog.categories[k].id,
                    title: &catalog.categories[k].title,
                })
                .collect(),
            envelope: catalog.envelope_for(i).map(|e| e.id.as_str()),
            parent: c.parent.map(|p| code_ref(&catalog.codes[p].key)),
            children: catalog
                .children_of(i)
                .iter()
                .map(|&j| code_ref(&catalog.codes[j].key))
                .collect(),
            label: c.label.as_deref(),
            message: c.message.as_deref(),
            status: c.status(),
            statuses: &c.statuses,
            meaning: text(&c.meaning),
            detail: text(&c.detail),
            fix: text(&c.fix),
            retry: retry(catalog, i),
            docs,
            url: page,
            reference,
            aliases: c.aliases.iter().map(Alias::written).collect(),
            state: c.state(),
            since: c.since.as_deref(),
            deprecated: c.deprecated.as_ref().map(|d| DeprecatedEntry {
                since: d.since.as_deref(),
                why: text(&d.why),
                sunset: d.sunset.as_deref(),
            }),
            replaced_by: c.replaced_by.map(|r| code_ref(&catalog.codes[r].key)),
            removed: c.removed.as_ref().map(|r| RemovedEntry {
                since: r.since.as_deref(),
                why: r.why.as_ref().map(|w| w.value.as_str()),
            }),
            fields: fields(catalog, plan, i),
        }
    }
}

/// Every code's JSON file, in the order of the plan: (code index, site path). Beside its page
/// and beside each redirect to it (an old code or URL in `aliases`), so that a published JSON
/// URL keeps working when its code is renamed. None without code pages.
pub(crate) fn code_json_paths(catalog: &Catalog, plan: &Plan) -> Vec<(usize, String)> {
    plan.pages
        .iter()
        .filter_map(|page| match page.kind {
            PageKind::Code(i) => Some((i, plan.json_beside(&page.url))),
            PageKind::Redirect(i) if plan.code_page(catalog, i).is_some() => {
                Some((i, plan.json_beside(&page.url)))
            }
            _ => None,
        })
        .collect()
}

/// The content of a code's JSON file: its `errors.json` entry ([`entry_text`]), with a final
/// newline.
pub(crate) fn code_json(entry: &str) -> String {
    format!("{entry}\n")
}

/// The `type` of code `i`'s problem details (RFC 9457): the absolute URL of its page, else of
/// its row.
pub(crate) fn problem_type(catalog: &Catalog, plan: &Plan, i: usize) -> Option<String> {
    let (page, reference, _) = urls_of(catalog, plan, i);
    page.or(reference)
}

/// The retry guidance of code `i`: policy, wording, advice, headers, and the reason it
/// departs from the default of its status, if it does.
fn retry(catalog: &Catalog, i: usize) -> Value {
    let c = &catalog.codes[i];
    let Some((policy, rule)) = catalog.retry_for(i) else {
        return Value::Null;
    };
    let how = c.retry_how.as_ref().or(rule.and_then(|r| r.how.as_ref()));
    let reason = c.retry_override.clone().or_else(|| {
        rule.filter(|r| r.policy == policy)
            .and_then(|r| r.override_reason.clone())
    });
    json!({
        "policy": policy.name(),
        "retryable": catalog.retry_wording(i),
        "how": how.map(|h| markdown(&h.value)),
        "headers": rule.map(|r| r.headers.clone()).unwrap_or_default(),
        "override": reason,
    })
}

/// The declared fields of code `i` that are exported, by name.
fn fields(catalog: &Catalog, plan: &Plan, i: usize) -> Value {
    let mut out = serde_json::Map::new();
    for (f, def) in catalog.fields.iter().enumerate().filter(|(_, d)| d.export) {
        let Some(value) = catalog.codes[i].field(f) else {
            continue;
        };
        let value = match value {
            FieldValue::Text(t) => json!(t),
            FieldValue::Markdown(t) => markdown(&t.value),
            FieldValue::List(items) => items.iter().map(|t| markdown(&t.value)).collect(),
            FieldValue::Url(u) => match plan.resolver.resolve(&u.value, "/", None) {
                Some(t) => json!(plan.resolver.absolute(&t)),
                None => json!(u.value),
            },
        };
        out.insert(def.name.clone(), value);
    }
    Value::Object(out)
}

/// The JSON Schema of `errors.json`.
pub(crate) fn schema() -> &'static str {
    SCHEMA
}

/// `urls.txt`: every page and every anchor on it, sorted.
pub(crate) fn urls_txt(registry: &Registry) -> String {
    let mut out = String::from(URLS_HEADER);
    out.push('\n');
    for url in registry.published() {
        out.push_str(&url);
        out.push('\n');
    }
    out
}
