//! Machine-readable exports written by every build: `errors.json` (every code, with the URL to
//! print in error responses) with its JSON Schema, and `urls.txt` (every published URL and
//! anchor, the manifest `errdocs check --against` compares with).

use serde_json::{Value, json};

use crate::catalog::{Alias, Catalog, CodeKey};
use crate::links::Registry;
use crate::plan::Plan;
use crate::urls::Target;

pub(crate) const ERRORS_JSON: &str = "errors.json";
pub(crate) const SCHEMA_JSON: &str = "errors.schema.json";
pub(crate) const URLS_TXT: &str = "urls.txt";
const SCHEMA: &str = include_str!("errors.schema.json");
/// The exports every build writes (paths inside the output).
pub(crate) const FILES: [&str; 3] = [ERRORS_JSON, SCHEMA_JSON, URLS_TXT];
const URLS_HEADER: &str =
    "# errdocs urls.txt: every published page and anchor (site paths, without the base path)";

/// The value of a code in JSON: integers stay numbers.
fn code_value(key: &CodeKey) -> Value {
    match key {
        CodeKey::Int(i) => json!(i),
        other => json!(other.raw()),
    }
}

/// `errors.json`: every code of the catalog, in catalog order, with its URLs.
pub(crate) fn errors_json(title: &str, catalog: &Catalog, plan: &Plan) -> String {
    let resolver = &plan.resolver;
    let base_url = resolver.base_url();
    let codes: Vec<Value> = catalog
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
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
            let retry = catalog.retry_for(i).map(|(policy, _)| {
                json!({ "policy": policy.name(), "retryable": catalog.retry_wording(i) })
            });
            let aliases: Vec<&str> = c.aliases.iter().map(Alias::written).collect();
            json!({
                "code": code_value(&c.key),
                "anchor": c.anchor,
                "category": catalog.categories[c.category].id,
                "label": c.label,
                "message": c.message,
                "status": c.status,
                "retry": retry,
                "docs": docs,
                "url": page,
                "reference": reference,
                "aliases": aliases,
                "state": c.state(),
                "replaced_by": c.replaced_by.map(|r| code_value(&catalog.codes[r].key)),
                "removed": c.removed.as_ref().map(|r| json!({
                    "since": r.since,
                    "why": r.why.as_ref().map(|w| w.value.clone()),
                })),
            })
        })
        .collect();
    let schema = match base_url {
        Some(b) => format!("{b}/{SCHEMA_JSON}"),
        None => SCHEMA_JSON.to_string(),
    };
    let doc = json!({
        "$schema": schema,
        "title": title,
        "base_url": base_url,
        "codes": codes,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
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
