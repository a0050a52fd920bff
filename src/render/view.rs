//! What templates see: the catalog turned into serializable views, built once per build.
//!
//! Text fields are rendered from inline Markdown here (raw HTML escaped), so templates print
//! them with `| safe`; every plain field (codes, messages, titles) is escaped by tera. Links
//! found in catalog text are collected with their catalog location for the link checker.

use serde::Serialize;

use crate::catalog::{Alias, Catalog, Column, RetryTarget, Text};
use crate::content::directive::TableView;
use crate::content::markdown::render_inline;
use crate::highlight::code_block;
use crate::links::LinkRef;
use crate::plan::Plan;

#[derive(Serialize, Clone)]
pub(crate) struct CodeView {
    pub(crate) anchor: String,
    /// As shown: `PG-1003`, `429`, `-32000 to -32099`.
    pub(crate) code: String,
    /// As written in the catalog: `-32000..-32099`.
    pub(crate) raw: String,
    pub(crate) label: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) status_reason: Option<&'static str>,
    /// `4xx` or `5xx` (or `1xx`…), for badge colours.
    pub(crate) status_class: Option<String>,
    pub(crate) fix: Option<String>,
    pub(crate) meaning: Option<String>,
    pub(crate) detail: Option<String>,
    pub(crate) docs: Option<String>,
    pub(crate) retry: Option<String>,
    pub(crate) retry_policy: Option<&'static str>,
    pub(crate) deprecated: bool,
    pub(crate) replaced_by: Option<CodeLink>,
    /// Where the code's row lives (`/errors/#PG-1003`), if some page shows it in a table.
    pub(crate) href: Option<String>,
    /// The code's own page (`/errors/PG-1003/`), when per-code pages are on.
    pub(crate) page: Option<String>,
    pub(crate) category: String,
    /// `active`, `deprecated` or `removed`.
    pub(crate) state: &'static str,
    pub(crate) removed_since: Option<String>,
    pub(crate) removed_why: Option<String>,
    /// Anchors of old codes that must keep landing on this row.
    pub(crate) alias_anchors: Vec<String>,
    /// Old codes and URLs, as written.
    pub(crate) aliases: Vec<String>,
    /// How to retry (the `how` of the rule that applies), as HTML.
    pub(crate) retry_how: Option<String>,
}

#[derive(Serialize, Clone)]
pub(crate) struct CategoryLink {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) href: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ExampleView {
    pub(crate) title: String,
    pub(crate) status_line: Option<String>,
    /// Highlighted HTML.
    pub(crate) html: String,
}

#[derive(Serialize, Clone)]
pub(crate) struct CodeLink {
    pub(crate) code: String,
    pub(crate) href: Option<String>,
}

#[derive(Serialize, Clone)]
pub(crate) struct ColumnView {
    pub(crate) name: &'static str,
    pub(crate) heading: String,
    /// For the `code` column: show the label beside the code (no `label` column is shown).
    pub(crate) with_label: bool,
}

#[derive(Serialize, Clone)]
pub(crate) struct CategoryView {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) range: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) columns: Vec<ColumnView>,
    pub(crate) codes: Vec<CodeView>,
}

#[derive(Serialize)]
pub(crate) struct FieldView {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    pub(crate) required: bool,
    pub(crate) description: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct EnvelopeView {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) language: String,
    pub(crate) status_line: Option<String>,
    pub(crate) example: String,
    pub(crate) note: Option<String>,
    pub(crate) fields: Vec<FieldView>,
}

#[derive(Serialize)]
pub(crate) struct RetryRowView {
    pub(crate) id: String,
    /// The HTTP status of the rule (`None` for a rule about one code).
    pub(crate) status: Option<u16>,
    pub(crate) key: String,
    pub(crate) href: Option<String>,
    pub(crate) reason: Option<&'static str>,
    pub(crate) policy: &'static str,
    pub(crate) retryable: String,
    pub(crate) how: Option<String>,
}

/// One row of the status view: an HTTP status, the codes that use it, its retry guidance.
#[derive(Serialize)]
pub(crate) struct StatusRowView {
    pub(crate) status: u16,
    pub(crate) reason: Option<&'static str>,
    pub(crate) class: String,
    pub(crate) codes: Vec<CodeLink>,
    pub(crate) retryable: Option<String>,
    pub(crate) how: Option<String>,
}

/// The catalog as templates see it.
pub(crate) struct CatalogView {
    pub(crate) codes: Vec<CodeView>,
    pub(crate) categories: Vec<CategoryView>,
    pub(crate) envelopes: Vec<EnvelopeView>,
    pub(crate) retry: Vec<RetryRowView>,
    pub(crate) statuses: Vec<StatusRowView>,
}

/// Builds the views; links found in catalog text are added to `links`.
pub(crate) fn build(catalog: &Catalog, plan: &Plan, links: &mut Vec<LinkRef>) -> CatalogView {
    let mut b = Builder {
        catalog,
        plan,
        links: Vec::new(),
    };
    let retry = b.retry_rows();
    let codes: Vec<CodeView> = (0..catalog.codes.len())
        .map(|i| b.code(i, &retry))
        .collect();
    let categories = catalog
        .categories
        .iter()
        .enumerate()
        .map(|(ci, cat)| CategoryView {
            id: cat.id.clone(),
            title: cat.title.clone(),
            range: cat.range.clone(),
            description: b.text(&cat.description),
            columns: columns(&cat.columns, |c| cat.heading(c).to_string()),
            codes: catalog
                .codes_in(ci)
                .map(|(i, _)| codes[i].clone())
                .collect(),
        })
        .collect();
    let envelopes = (0..catalog.envelopes.len())
        .map(|e| b.envelope(e))
        .collect();
    links.extend(b.links);
    let statuses = status_rows(catalog, &codes, &retry);
    CatalogView {
        codes,
        categories,
        envelopes,
        retry,
        statuses,
    }
}

/// Builds views of one catalog, collecting the links written in its text.
struct Builder<'a> {
    catalog: &'a Catalog,
    plan: &'a Plan,
    links: Vec<LinkRef>,
}

impl Builder<'_> {
    /// Inline Markdown from the catalog as HTML; its links are recorded where they were written.
    /// `[x](#CODE)` links to the page that shows the code.
    fn text(&mut self, t: &Option<Text>) -> Option<String> {
        let (catalog, plan) = (self.catalog, self.plan);
        let t = t.as_ref()?;
        let code_of = |href: &str| {
            href.strip_prefix('#')
                .and_then(|a| catalog.find_code(a).ok())
        };
        let rewrite = |href: &str| match code_of(href) {
            Some(i) => plan
                .code_href(catalog, i)
                .unwrap_or_else(|| href.to_string()),
            None => plan.resolver.rewrite(href, "/", None),
        };
        let (html, found) = render_inline(&t.value, &rewrite);
        let location = catalog.source.locate(t.span.clone());
        for href in found {
            let href = match code_of(&href) {
                Some(i) => plan.code_row[i]
                    .as_ref()
                    .map_or(href.clone(), |p| format!("{p}#{}", catalog.codes[i].anchor)),
                None => href,
            };
            self.links.push(LinkRef {
                href,
                page: "/".into(),
                source_dir: None,
                location: location.clone(),
            });
        }
        Some(html)
    }

    fn retry_rows(&mut self) -> Vec<RetryRowView> {
        let catalog = self.catalog;
        catalog
            .retry
            .iter()
            .map(|r| {
                let (status, id, key, href, reason) = match r.target {
                    RetryTarget::Status(s) => (
                        Some(s),
                        format!("retry-{s}"),
                        s.to_string(),
                        None,
                        crate::http_status::reason(i64::from(s)),
                    ),
                    RetryTarget::Code(i) => (
                        None,
                        format!("retry-{}", catalog.codes[i].anchor),
                        catalog.codes[i].key.to_string(),
                        self.plan.code_href(catalog, i),
                        None,
                    ),
                };
                RetryRowView {
                    id,
                    status,
                    key: r.label.clone().unwrap_or(key),
                    href,
                    reason,
                    policy: r.policy.name(),
                    retryable: r.retryable_text().to_string(),
                    how: self.text(&r.how),
                }
            })
            .collect()
    }

    /// The view of code `i`; `retry` are the views of the retry rules.
    fn code(&mut self, i: usize, retry: &[RetryRowView]) -> CodeView {
        let (catalog, plan) = (self.catalog, self.plan);
        let c = &catalog.codes[i];
        let rule = catalog.retry_for(i);
        let retry_how = rule.and_then(|(_, rule)| rule).and_then(|rule| {
            let index = catalog.retry.iter().position(|r| std::ptr::eq(r, rule))?;
            retry[index].how.clone()
        });
        let docs = c.docs.as_ref().map(|d| {
            self.links.push(LinkRef {
                href: d.value.clone(),
                page: "/".into(),
                source_dir: None,
                location: catalog.source.locate(d.span.clone()),
            });
            plan.resolver.rewrite(&d.value, "/", None)
        });
        let alias_anchors = c
            .aliases
            .iter()
            .filter_map(|a| match a {
                Alias::Code { anchor, .. } => Some(anchor.clone()),
                Alias::Url { .. } => None,
            })
            .collect();
        let aliases = c.aliases.iter().map(|a| a.written().to_string()).collect();
        CodeView {
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
            fix: self.text(&c.fix),
            meaning: self.text(&c.meaning),
            detail: self.text(&c.detail),
            docs,
            retry: catalog.retry_wording(i).map(str::to_string),
            retry_policy: rule.map(|(p, _)| p.name()),
            deprecated: c.deprecated,
            replaced_by: c.replaced_by.map(|r| CodeLink {
                code: catalog.codes[r].key.to_string(),
                href: plan.code_href(catalog, r),
            }),
            href: plan.code_href(catalog, i),
            page: plan.code_page_href(catalog, i),
            category: catalog.categories[c.category].id.clone(),
            state: c.state(),
            removed_since: c.removed.as_ref().and_then(|r| r.since.clone()),
            removed_why: c.removed.as_ref().and_then(|r| self.text(&r.why)),
            alias_anchors,
            aliases,
            retry_how,
        }
    }

    fn envelope(&mut self, index: usize) -> EnvelopeView {
        let e = &self.catalog.envelopes[index];
        EnvelopeView {
            id: e.id.clone(),
            title: e.title.clone(),
            description: self.text(&e.description),
            language: e.language.clone(),
            status_line: e.http_status.map(status_line),
            example: code_block(e.example.trim_end(), &e.language),
            note: self.text(&e.note),
            fields: e
                .fields
                .iter()
                .map(|f| FieldView {
                    name: f.name.clone(),
                    kind: f.kind.clone(),
                    required: f.required,
                    description: self.text(&f.description),
                })
                .collect(),
        }
    }
}

/// `HTTP/1.1 429 Too Many Requests`.
fn status_line(status: u16) -> String {
    format!(
        "HTTP/1.1 {status} {}",
        crate::http_status::reason(i64::from(status)).unwrap_or("")
    )
}

/// One row per HTTP status that codes use, in ascending order.
fn status_rows(
    catalog: &Catalog,
    codes: &[CodeView],
    retry: &[RetryRowView],
) -> Vec<StatusRowView> {
    let mut by_status: std::collections::BTreeMap<u16, Vec<CodeLink>> = Default::default();
    for (i, c) in catalog.codes.iter().enumerate() {
        if let Some(s) = c.status {
            by_status.entry(s).or_default().push(CodeLink {
                code: codes[i].code.clone(),
                href: codes[i].href.clone(),
            });
        }
    }
    by_status
        .into_iter()
        .map(|(status, codes)| {
            let rule = retry.iter().find(|r| r.status == Some(status));
            StatusRowView {
                status,
                reason: crate::http_status::reason(i64::from(status)),
                class: format!("{}xx", status / 100),
                codes,
                retryable: rule.map(|r| r.retryable.clone()),
                how: rule.and_then(|r| r.how.clone()),
            }
        })
        .collect()
}

/// Column views; the code column carries the label when no label column is shown.
pub(crate) fn columns(list: &[Column], heading: impl Fn(Column) -> String) -> Vec<ColumnView> {
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
pub(crate) fn with_view(
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

/// The example of the code's envelope with the fields that name a `from` attribute filled in
/// for this code; `None` when the envelope is not JSON or has no such fields. `message` falls
/// back to the label, then to the code itself when the code is an exact message.
pub(crate) fn example_for(
    catalog: &Catalog,
    code: usize,
    docs_url: Option<&str>,
) -> Option<ExampleView> {
    use crate::catalog::{CodeKey, FieldSource};
    let envelope = catalog.envelope_for(code)?;
    if envelope.language != "json" || envelope.fields.iter().all(|f| f.from.is_none()) {
        return None;
    }
    let mut value: serde_json::Value = serde_json::from_str(&envelope.example).ok()?;
    let c = &catalog.codes[code];
    for field in &envelope.fields {
        let Some(from) = field.from else { continue };
        let filled = match from {
            FieldSource::Code => Some(match &c.key {
                CodeKey::Int(i) => serde_json::Value::from(*i),
                other => serde_json::Value::from(other.raw()),
            }),
            // An exact-message code is its own message; a label is the short message.
            FieldSource::Message => c
                .message
                .clone()
                .or_else(|| c.label.clone())
                .or_else(|| match &c.key {
                    CodeKey::Text(t) => Some(t.clone()),
                    _ => None,
                })
                .map(Into::into),
            FieldSource::Label => c.label.clone().map(Into::into),
            FieldSource::Status => c.status.map(Into::into),
            FieldSource::Detail => c.detail.as_ref().map(|t| t.value.clone().into()),
            FieldSource::Fix => c.fix.as_ref().map(|t| t.value.clone().into()),
            FieldSource::Docs => docs_url.map(Into::into),
        };
        // Without a value, a required field keeps the example's; an optional one is dropped.
        if filled.is_some() || !field.required {
            set_path(&mut value, &field.name, filled);
        }
    }
    let text = serde_json::to_string_pretty(&value).ok()?;
    Some(ExampleView {
        title: envelope.title.clone(),
        status_line: envelope.http_status.map(status_line),
        html: code_block(&text, "json"),
    })
}

/// Sets (or, with `None`, removes) the member at a dotted path such as `error.code`.
fn set_path(value: &mut serde_json::Value, path: &str, new: Option<serde_json::Value>) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut cur = value;
    for p in parts {
        match cur.get_mut(p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        match new {
            Some(v) => {
                obj.insert(last.to_string(), v);
            }
            None => {
                obj.remove(last);
            }
        }
    }
}
