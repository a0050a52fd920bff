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
    /// Made as they are written; each one's text is handed to the function as well.
    Made(&'a (dyn Fn(usize, &str) + Sync)),
    /// Written elsewhere ([`JsonParts`]): `codes` and `by_code` are marks in the skeleton.
    Marked,
}

/// `errors.json` in pieces, kept by `watch` to make again only what an edit touched: each
/// code's entry in `codes` and its member of `by_code`, as the document writes them. The
/// document is made from them with the same bytes as [`write_errors_json_each`].
pub(crate) struct JsonParts {
    /// Each code's entry ([`entry_text`]) indented as `codes` writes it.
    written: Vec<String>,
    /// Each code's member of `by_code`, as written.
    by_code: Vec<String>,
}

/// What stands for `codes` and `by_code` in the document's skeleton ([`JsonParts::document`]):
/// strings no catalog writes (they start with a control character), as serde writes them.
const CODES_MARK: &str = "\u{1}errdocs codes";
const BY_CODE_MARK: &str = "\u{1}errdocs by_code";

impl JsonParts {
    /// The pieces of every code (made on every core).
    pub(crate) fn new(catalog: &Catalog, plan: &Plan) -> JsonParts {
        use rayon::prelude::*;
        let (written, by_code) = (0..catalog.codes.len())
            .into_par_iter()
            .map(|i| Self::of(catalog, plan, i))
            .unzip();
        JsonParts { written, by_code }
    }

    fn of(catalog: &Catalog, plan: &Plan, i: usize) -> (String, String) {
        let (key, value) = by_code_member(catalog, plan, i);
        // Serializing strings and a `json!` value cannot fail.
        let key = serde_json::to_string(&key).unwrap_or_default();
        let value = serde_json::to_string_pretty(&value).unwrap_or_default();
        let member = format!("    {key}: {}", value.replace('\n', "\n    "));
        (indented(&entry_text(catalog, plan, i)), member)
    }

    /// Makes code `i`'s pieces again.
    pub(crate) fn update(&mut self, catalog: &Catalog, plan: &Plan, i: usize) {
        if let (Some(written), Some(member)) = (self.written.get_mut(i), self.by_code.get_mut(i)) {
            (*written, *member) = Self::of(catalog, plan, i);
        }
    }

    /// Code `i`'s entry as its JSON file holds it ([`entry_text`]).
    pub(crate) fn entry(&self, i: usize) -> Option<String> {
        let written = self.written.get(i)?;
        let first = written.strip_prefix("    ").unwrap_or(written);
        Some(first.replace("\n    ", "\n"))
    }

    /// The document.
    pub(crate) fn document(&self, title: &str, catalog: &Catalog, plan: &Plan) -> String {
        let doc = ErrorsJson {
            title,
            catalog,
            plan,
            entries: Entries::Marked,
        };
        let skeleton = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let mark = |m: &str| serde_json::to_string(m).unwrap_or_default();
        let (codes, by_code) = (mark(CODES_MARK), mark(BY_CODE_MARK));
        let list = |items: &[String], open: &str, close: &str| -> String {
            if items.is_empty() {
                return format!("{open}{close}");
            }
            let mut out = String::with_capacity(items.iter().map(|t| t.len() + 6).sum());
            out.push_str(open);
            for (n, item) in items.iter().enumerate() {
                out.push_str(if n == 0 { "\n" } else { ",\n" });
                out.push_str(item);
            }
            out.push_str("\n  ");
            out.push_str(close);
            out
        };
        let mut out = String::with_capacity(skeleton.len() + self.size());
        // The marks are the last such strings: catalog text (the title, statuses, fields) is
        // written before `codes`, nothing after `by_code`.
        let Some(at_by_code) = skeleton.rfind(&by_code) else {
            return skeleton;
        };
        let Some(at_codes) = skeleton[..at_by_code].rfind(&codes) else {
            return skeleton;
        };
        out.push_str(&skeleton[..at_codes]);
        out.push_str(&list(&self.written, "[", "]"));
        out.push_str(&skeleton[at_codes + codes.len()..at_by_code]);
        out.push_str(&list(&self.by_code, "{", "}"));
        out.push_str(&skeleton[at_by_code + by_code.len()..]);
        out.push('\n');
        out
    }

    fn size(&self) -> usize {
        let sum = |v: &[String]| v.iter().map(|t| t.len() + 8).sum::<usize>();
        sum(&self.written) + sum(&self.by_code)
    }
}

/// An entry's text as the array `codes` writes it: two levels in, its first line too.
fn indented(text: &str) -> String {
    format!("    {}", text.replace('\n', "\n    "))
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
            Entries::Marked => s.serialize_str(CODES_MARK),
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
        if let Entries::Marked = self.0.entries {
            return s.serialize_str(BY_CODE_MARK);
        }
        s.collect_map((0..catalog.codes.len()).map(|i| by_code_member(catalog, plan, i)))
    }
}

/// Code `i`'s member of `by_code`: code (with its namespace) -> index, anchor and docs URL.
fn by_code_member(catalog: &Catalog, plan: &Plan, i: usize) -> (String, Value) {
    let c = &catalog.codes[i];
    let key = match &catalog.categories[c.category].namespace {
        Some(ns) => format!("{ns}:{}", c.key.raw()),
        None => c.key.raw(),
    };
    let docs = docs_of(catalog, plan, i);
    (key, json!({ "index": i, "anchor": c.anchor, "docs": docs }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_sites::{hostile_site, prepared, repository_sites};

    /// `errors.json` made from its kept pieces (`watch`) has the bytes of the one a build
    /// streams, and each kept entry is the code's JSON file: on every site of the repository
    /// and on a hostile one; also after every code's pieces were made again.
    #[test]
    fn the_kept_pieces_make_the_document_a_build_writes() {
        let hostile = hostile_site();
        let mut sites = repository_sites();
        sites.push(hostile.path().to_path_buf());
        let mut compared = 0;
        for root in sites {
            let Some((sources, plan, _)) = prepared(&root) else {
                continue;
            };
            let (catalog, title) = (&sources.catalog, &sources.config.title);
            let mut streamed = Vec::new();
            write_errors_json_each(&mut streamed, title, catalog, &plan, &|_, _| {})
                .expect("writes to memory");
            let streamed = String::from_utf8(streamed).expect("UTF-8");
            let mut parts = JsonParts::new(catalog, &plan);
            assert_eq!(parts.document(title, catalog, &plan), streamed, "{root:?}");
            for i in 0..catalog.codes.len() {
                assert_eq!(parts.entry(i), Some(entry_text(catalog, &plan, i)));
                parts.update(catalog, &plan, i);
            }
            assert_eq!(parts.document(title, catalog, &plan), streamed, "{root:?}");
            compared += 1;
        }
        assert!(compared >= 8, "{compared} sites compared");
    }

    /// Catalog text that reads like the skeleton's marks (a control character in a status
    /// name) does not take their place.
    #[test]
    fn catalog_text_like_the_marks_stays_text() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
            std::fs::write(path, text).expect("a file");
        };
        write("errdocs.toml", "title = \"\\u0001errdocs codes\"\n");
        write(
            "catalog/errors.toml",
            "[[status]]\nstatus = 400\nname = \"\\u0001errdocs by_code\"\n\n\
             [[category]]\nid = \"a\"\ntitle = \"A\"\n\n\
             [[code]]\ncode = \"A-1\"\ncategory = \"a\"\nmessage = \"m\"\nstatus = 400\nfix = \"f\"\n",
        );
        write(
            "content/index.md",
            "+++\ntitle = \"Home\"\n+++\n```errdocs\ncatalog\n```\n",
        );
        let (sources, plan, _) = prepared(root).expect("the site builds");
        let (catalog, title) = (&sources.catalog, &sources.config.title);
        let mut streamed = Vec::new();
        write_errors_json_each(&mut streamed, title, catalog, &plan, &|_, _| {})
            .expect("writes to memory");
        let kept = JsonParts::new(catalog, &plan).document(title, catalog, &plan);
        assert_eq!(kept, String::from_utf8(streamed).expect("UTF-8"));
    }
}
