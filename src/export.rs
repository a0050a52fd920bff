//! Machine-readable exports written by every build: `errors.json` (every code, with the URL to
//! print in error responses) with its JSON Schema, and `urls.txt` (every published URL and
//! anchor, the manifest `errdocs check --against` compares with).

use serde_json::{Value, json};

use crate::catalog::{Catalog, CodeKey};
use crate::links::{Registry, Resolver, Target};
use crate::render::view::{CodeHomes, CodeView};

pub const ERRORS_JSON: &str = "errors.json";
pub const SCHEMA_JSON: &str = "errors.schema.json";
pub const URLS_TXT: &str = "urls.txt";
pub const SCHEMA: &str = include_str!("errors.schema.json");
const URLS_HEADER: &str =
    "# errdocs urls.txt: every published page and anchor (site paths, without the base path)";

/// The value of a code in JSON: integers stay numbers.
fn code_value(key: &CodeKey) -> Value {
    match key {
        CodeKey::Int(i) => json!(i),
        other => json!(other.raw()),
    }
}

/// `errors.json`: every code of the catalog, in catalog order.
pub fn errors_json(
    title: &str,
    base_url: Option<&str>,
    catalog: &Catalog,
    views: &[CodeView],
    homes: &CodeHomes,
    resolver: &Resolver,
) -> String {
    let codes: Vec<Value> = catalog
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let page = homes.page_path(catalog, i).map(|path| {
                resolver.absolute(&Target {
                    path,
                    fragment: None,
                })
            });
            let reference = homes.rows.get(&i).map(|p| {
                resolver.absolute(&Target {
                    path: p.clone(),
                    fragment: Some(c.anchor.clone()),
                })
            });
            let docs = c
                .docs
                .as_ref()
                .and_then(|d| resolver.resolve(&d.value, "/", None))
                .map(|t| resolver.absolute(&t))
                .or_else(|| page.clone())
                .or_else(|| reference.clone())
                .unwrap_or_default();
            let retry = catalog.retry_for(i).map(|(policy, _)| {
                json!({ "policy": policy.name(), "retryable": views[i].retry.clone() })
            });
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
                "aliases": views[i].aliases,
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

/// `urls.txt`: every page and every anchor on it, sorted.
pub fn urls_txt(registry: &Registry) -> String {
    let mut out = String::from(URLS_HEADER);
    out.push('\n');
    for url in registry.published() {
        out.push_str(&url);
        out.push('\n');
    }
    out
}
