//! What templates see: the catalog turned into serializable views, built once per build.
//!
//! Text fields are rendered from inline Markdown here (raw HTML escaped), so templates print
//! them with `| safe`; every plain field (codes, messages, titles) is escaped by tera. Links
//! found in catalog text are collected with their catalog location for the link checker.

use std::collections::HashMap;

use serde::Serialize;

use crate::catalog::{Catalog, Column, RetryTarget, Text};
use crate::content::directive::TableView;
use crate::content::markdown::render_inline;
use crate::diagnostics::Location;
use crate::highlight::code_block;
use crate::links::{LinkRef, Resolver, Target};

#[derive(Serialize, Clone)]
pub struct CodeView {
    pub anchor: String,
    /// As shown: `PG-1003`, `429`, `-32000 to -32099`.
    pub code: String,
    /// As written in the catalog: `-32000..-32099`.
    pub raw: String,
    pub label: Option<String>,
    pub message: Option<String>,
    pub status: Option<u16>,
    pub status_reason: Option<&'static str>,
    /// `4xx` or `5xx` (or `1xx`…), for badge colours.
    pub status_class: Option<String>,
    pub fix: Option<String>,
    pub meaning: Option<String>,
    pub detail: Option<String>,
    pub docs: Option<String>,
    pub retry: Option<String>,
    pub retry_policy: Option<&'static str>,
    pub deprecated: bool,
    pub replaced_by: Option<CodeLink>,
    /// Where the code's row lives (`/errors/#PG-1003`), if some page shows it in a table.
    pub href: Option<String>,
    pub category: String,
}

#[derive(Serialize, Clone)]
pub struct CodeLink {
    pub code: String,
    pub href: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct ColumnView {
    pub name: &'static str,
    pub heading: String,
    /// For the `code` column: show the label beside the code (no `label` column is shown).
    pub with_label: bool,
}

#[derive(Serialize, Clone)]
pub struct CategoryView {
    pub id: String,
    pub title: String,
    pub range: Option<String>,
    pub description: Option<String>,
    pub columns: Vec<ColumnView>,
    pub codes: Vec<CodeView>,
}

#[derive(Serialize)]
pub struct FieldView {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub required: bool,
    pub description: Option<String>,
}

#[derive(Serialize)]
pub struct EnvelopeView {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub status_line: Option<String>,
    pub example: String,
    pub note: Option<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Serialize)]
pub struct RetryRowView {
    pub id: String,
    pub key: String,
    pub href: Option<String>,
    pub reason: Option<&'static str>,
    pub policy: &'static str,
    pub retryable: String,
    pub how: Option<String>,
}

/// The catalog as templates see it.
pub struct CatalogView {
    pub codes: Vec<CodeView>,
    pub categories: Vec<CategoryView>,
    pub envelopes: Vec<EnvelopeView>,
    pub retry: Vec<RetryRowView>,
}

/// Builds the views. `code_home` maps a code index to the page that shows it in a table.
pub fn build(
    catalog: &Catalog,
    resolver: &Resolver,
    code_home: &HashMap<usize, String>,
    links: &mut Vec<LinkRef>,
) -> CatalogView {
    let code_href = |i: usize| {
        code_home.get(&i).map(|page| {
            resolver.href(&Target {
                path: page.clone(),
                fragment: Some(catalog.codes[i].anchor.clone()),
            })
        })
    };
    let mut text = |t: &Option<Text>| -> Option<String> {
        let t = t.as_ref()?;
        let rewrite = |href: &str| match href
            .strip_prefix('#')
            .and_then(|a| catalog.find_code(a).ok())
        {
            Some(i) => code_href(i).unwrap_or_else(|| href.to_string()),
            None => resolver.rewrite(href, "/", None),
        };
        let (html, found) = render_inline(&t.value, &rewrite);
        let location = catalog.source.locate(t.span.clone());
        for href in found {
            let href = match href
                .strip_prefix('#')
                .and_then(|a| catalog.find_code(a).ok())
            {
                Some(i) => code_home
                    .get(&i)
                    .map_or(href.clone(), |p| format!("{p}#{}", catalog.codes[i].anchor)),
                None => href,
            };
            links.push(LinkRef {
                href,
                page: "/".into(),
                source_dir: None,
                location: location.clone(),
            });
        }
        Some(html)
    };

    let mut docs_links = Vec::new();
    let mut codes = Vec::with_capacity(catalog.codes.len());
    for (i, c) in catalog.codes.iter().enumerate() {
        let retry = catalog.retry_for(i);
        let docs = c.docs.as_ref().map(|d| {
            docs_links.push(LinkRef {
                href: d.value.clone(),
                page: "/".into(),
                source_dir: None,
                location: catalog.source.locate(d.span.clone()),
            });
            resolver.rewrite(&d.value, "/", None)
        });
        codes.push(CodeView {
            anchor: c.anchor.clone(),
            code: c.key.to_string(),
            raw: c.key.raw(),
            label: c.label.clone(),
            message: c.message.clone(),
            status: c.status,
            status_reason: c
                .status
                .and_then(|s| crate::http_status::reason(i64::from(s))),
            status_class: c.status.map(|s| format!("{}xx", s / 100)),
            fix: text(&c.fix),
            meaning: text(&c.meaning),
            detail: text(&c.detail),
            docs,
            retry: retry.map(|(p, rule)| {
                rule.map_or(p.wording(), |r| {
                    if r.policy == p {
                        r.retryable_text()
                    } else {
                        p.wording()
                    }
                })
                .to_string()
            }),
            retry_policy: retry.map(|(p, _)| p.name()),
            deprecated: c.deprecated,
            replaced_by: c.replaced_by.map(|r| CodeLink {
                code: catalog.codes[r].key.to_string(),
                href: code_href(r),
            }),
            href: code_href(i),
            category: catalog.categories[c.category].id.clone(),
        });
    }

    let categories = catalog
        .categories
        .iter()
        .enumerate()
        .map(|(ci, cat)| CategoryView {
            id: cat.id.clone(),
            title: cat.title.clone(),
            range: cat.range.clone(),
            description: text(&cat.description),
            columns: columns(&cat.columns, |c| cat.heading(c).to_string()),
            codes: catalog
                .codes_in(ci)
                .map(|(i, _)| codes[i].clone())
                .collect(),
        })
        .collect();

    let envelopes = catalog
        .envelopes
        .iter()
        .map(|e| EnvelopeView {
            id: e.id.clone(),
            title: e.title.clone(),
            description: text(&e.description),
            language: e.language.clone(),
            status_line: e.http_status.map(|s| {
                format!(
                    "HTTP/1.1 {s} {}",
                    crate::http_status::reason(i64::from(s)).unwrap_or("")
                )
            }),
            example: code_block(e.example.trim_end(), &e.language),
            note: text(&e.note),
            fields: e
                .fields
                .iter()
                .map(|f| FieldView {
                    name: f.name.clone(),
                    kind: f.kind.clone(),
                    required: f.required,
                    description: text(&f.description),
                })
                .collect(),
        })
        .collect();

    let retry = catalog
        .retry
        .iter()
        .map(|r| {
            let (id, key, href, reason) = match r.target {
                RetryTarget::Status(s) => (
                    format!("retry-{s}"),
                    s.to_string(),
                    None,
                    crate::http_status::reason(i64::from(s)),
                ),
                RetryTarget::Code(i) => (
                    format!("retry-{}", catalog.codes[i].anchor),
                    catalog.codes[i].key.to_string(),
                    code_href(i),
                    None,
                ),
            };
            RetryRowView {
                id,
                key: r.label.clone().unwrap_or(key),
                href,
                reason,
                policy: r.policy.name(),
                retryable: r.retryable_text().to_string(),
                how: text(&r.how),
            }
        })
        .collect();

    links.extend(docs_links);
    CatalogView {
        codes,
        categories,
        envelopes,
        retry,
    }
}

/// Column views; the code column carries the label when no label column is shown.
pub fn columns(list: &[Column], heading: impl Fn(Column) -> String) -> Vec<ColumnView> {
    let has_label = list.contains(&Column::Label);
    list.iter()
        .map(|&c| ColumnView {
            name: c.name(),
            heading: heading(c),
            with_label: c == Column::Code && !has_label,
        })
        .collect()
}

/// A category as a directive asks to show it (other columns or headings).
pub fn with_view(
    category: &CategoryView,
    view: &TableView,
    defaults: &crate::catalog::Category,
) -> CategoryView {
    let mut out = category.clone();
    if let Some(cols) = &view.columns {
        out.columns = columns(cols, |c| {
            let i = cols.iter().position(|x| *x == c).unwrap_or(0);
            view.headings
                .as_ref()
                .and_then(|h| h.get(i).cloned())
                .unwrap_or_else(|| defaults.heading(c).to_string())
        });
    }
    out
}

/// Where a code is shown: `location` names the catalog entry for messages.
pub fn code_location(catalog: &Catalog, code: usize) -> Location {
    catalog.source.locate(catalog.codes[code].span.clone())
}
