//! What templates see: the catalog turned into serializable views, built once per build.
//!
//! Text fields are rendered from inline Markdown here (raw HTML escaped), so templates print
//! them with `| safe`; every plain field (codes, messages, titles) is escaped by tera. Links
//! found in catalog text are collected with their catalog location for the link checker.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use serde::Serialize;

use super::markup::{headings, render_block};
use crate::catalog::{Alias, Catalog, Column, FieldValue, RetryTarget, Text};
use crate::content::directive::TableView;
use crate::content::markdown::render_inline;
use crate::links::LinkRef;
use crate::plan::Plan;
use crate::sources::Sources;
use crate::urls::Target;

/// A code as templates see it (serialized by hand below, so its fields keep their order with
/// those of [`CodeMore`] among them).
#[derive(Clone, PartialEq)]
pub(crate) struct CodeView {
    pub(crate) anchor: String,
    /// As shown: `PG-1003`, `429`, `-32000 to -32099` (or the name of an entry without code).
    pub(crate) code: String,
    /// As written in the catalog: `-32000..-32099`.
    pub(crate) raw: String,
    /// An entry the API sends without a code, known by its `name`.
    pub(crate) is_name: bool,
    pub(crate) message: Option<String>,
    /// The typical HTTP status.
    pub(crate) status: Option<u16>,
    /// Its name as the API calls it (`[[status]]`), else the standard reason phrase.
    pub(crate) status_reason: Option<String>,
    /// `4xx` or `5xx` (or `1xx`…), for badge colours.
    pub(crate) status_class: Option<String>,
    /// Every HTTP status of the code, the typical one first.
    pub(crate) statuses: Vec<StatusView>,
    pub(crate) fix: Option<String>,
    pub(crate) docs: Option<String>,
    /// What the docs link points at: the page's title, and the section's heading.
    pub(crate) docs_title: Option<String>,
    pub(crate) retry: Option<String>,
    pub(crate) retry_policy: Option<&'static str>,
    pub(crate) deprecated: bool,
    /// Where the code's row lives (`/errors/#PG-1003`), if some page shows it in a table.
    pub(crate) href: Option<String>,
    /// The code's own page (`/errors/PG-1003/`), when per-code pages are on.
    pub(crate) page: Option<String>,
    pub(crate) category: String,
    pub(crate) category_title: String,
    /// `active`, `deprecated` or `removed`.
    pub(crate) state: &'static str,
    /// How to retry, as HTML: the code's own `retry_how`, else the `how` of the rule that
    /// applies.
    pub(crate) retry_how: Option<String>,
    /// What few codes have (a label, meaning and detail, a lifecycle, links to other codes,
    /// aliases, declared fields), shared by the codes that have none of it (every view was 950
    /// bytes, most of them empty fields; 100,000 codes: 95 MB). Templates see its fields as the
    /// code's own, in the order they had.
    pub(crate) more: Arc<CodeMore>,
}

impl Serialize for CodeView {
    // Long: one line per field, in the order templates have always seen them.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = &*self.more;
        let mut s = serializer.serialize_struct("CodeView", 39)?;
        s.serialize_field("anchor", &self.anchor)?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("raw", &self.raw)?;
        s.serialize_field("is_name", &self.is_name)?;
        s.serialize_field("label", &m.label)?;
        s.serialize_field("message", &self.message)?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("status_reason", &self.status_reason)?;
        s.serialize_field("status_class", &self.status_class)?;
        s.serialize_field("statuses", &self.statuses)?;
        s.serialize_field("fix", &self.fix)?;
        s.serialize_field("meaning", &m.meaning)?;
        s.serialize_field("detail", &m.detail)?;
        s.serialize_field("docs", &self.docs)?;
        s.serialize_field("docs_title", &self.docs_title)?;
        s.serialize_field("retry", &self.retry)?;
        s.serialize_field("retry_policy", &self.retry_policy)?;
        s.serialize_field("deprecated", &self.deprecated)?;
        s.serialize_field("replaced_by", &m.replaced_by)?;
        s.serialize_field("href", &self.href)?;
        s.serialize_field("page", &self.page)?;
        s.serialize_field("category", &self.category)?;
        s.serialize_field("category_title", &self.category_title)?;
        s.serialize_field("also_in", &m.also_in)?;
        s.serialize_field("parent", &m.parent)?;
        s.serialize_field("children", &m.children)?;
        s.serialize_field("state", &self.state)?;
        s.serialize_field("since", &m.since)?;
        s.serialize_field("deprecated_since", &m.deprecated_since)?;
        s.serialize_field("deprecated_why", &m.deprecated_why)?;
        s.serialize_field("sunset", &m.sunset)?;
        s.serialize_field("removed_since", &m.removed_since)?;
        s.serialize_field("removed_why", &m.removed_why)?;
        s.serialize_field("alias_anchors", &m.alias_anchors)?;
        s.serialize_field("aliases", &m.aliases)?;
        s.serialize_field("retry_how", &self.retry_how)?;
        s.serialize_field("own_retry_how", &m.own_retry_how)?;
        s.serialize_field("custom", &m.custom)?;
        s.serialize_field("fields", &m.fields)?;
        s.end()
    }
}

/// The fields of a [`CodeView`] that few codes set.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct CodeMore {
    pub(crate) label: Option<String>,
    pub(crate) meaning: Option<String>,
    pub(crate) detail: Option<String>,
    pub(crate) replaced_by: Option<CodeLink>,
    /// The other categories that list it (`also_in`).
    pub(crate) also_in: Vec<CategoryLink>,
    /// The code it is a sub-code of.
    pub(crate) parent: Option<CodeLink>,
    /// Its sub-codes.
    pub(crate) children: Vec<CodeLink>,
    pub(crate) since: Option<String>,
    pub(crate) deprecated_since: Option<String>,
    pub(crate) deprecated_why: Option<String>,
    pub(crate) sunset: Option<String>,
    pub(crate) removed_since: Option<String>,
    pub(crate) removed_why: Option<String>,
    /// Anchors of old codes that must keep landing on this row.
    pub(crate) alias_anchors: Vec<String>,
    /// Old codes and URLs, as written.
    pub(crate) aliases: Vec<String>,
    /// The code's own `retry_how`, as HTML.
    pub(crate) own_retry_how: Option<String>,
    /// Declared fields (HTML) by name, for table columns.
    pub(crate) custom: BTreeMap<String, String>,
    /// Declared fields shown on its page, in declaration order.
    pub(crate) fields: Vec<FieldShown>,
}

impl CodeMore {
    /// `more` in an [`Arc`]: the one empty value every view without any of it shares.
    fn shared(more: CodeMore) -> Arc<CodeMore> {
        static EMPTY: OnceLock<Arc<CodeMore>> = OnceLock::new();
        if more == CodeMore::default() {
            Arc::clone(EMPTY.get_or_init(Arc::default))
        } else {
            Arc::new(more)
        }
    }
}

/// One HTTP status of a code.
#[derive(Serialize, Clone, PartialEq)]
pub(crate) struct StatusView {
    pub(crate) status: u16,
    /// The API's name of it, else the standard reason phrase.
    pub(crate) name: Option<String>,
    pub(crate) class: String,
    pub(crate) typical: bool,
}

/// A declared field of a code, ready to show.
#[derive(Serialize, Clone, PartialEq)]
pub(crate) struct FieldShown {
    pub(crate) name: String,
    pub(crate) title: String,
    /// `text`, `markdown`, `list` or `url`.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) html: String,
}

#[derive(Serialize, Clone, PartialEq)]
pub(crate) struct CategoryLink {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) href: Option<String>,
}

#[derive(Serialize, Clone, PartialEq)]
pub(crate) struct CodeLink {
    pub(crate) code: String,
    pub(crate) href: Option<String>,
    /// Its message, else its label.
    pub(crate) message: Option<String>,
}

#[derive(Serialize, Clone, PartialEq)]
pub(crate) struct ColumnView {
    /// `code`, `message`, ...; `field` for a declared field.
    pub(crate) name: &'static str,
    /// The declared field's name, for `field` columns.
    pub(crate) field: Option<String>,
    pub(crate) heading: String,
    /// For the `code` column: show the label beside the code (no `label` column is shown).
    pub(crate) with_label: bool,
}

/// A category as templates see it. Its rows refer to the views in [`CatalogView::codes`]
/// (each code's view is built once, however many categories list it); [`CategoryView::shown`]
/// pairs the two for a template.
#[derive(Clone, PartialEq)]
pub(crate) struct CategoryView {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) range: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) columns: Vec<ColumnView>,
    pub(crate) rows: Vec<CategoryRow>,
}

/// One row of a category's table: which code, and whether it is listed there by `also_in`.
#[derive(Copy, Clone, PartialEq)]
pub(crate) struct CategoryRow {
    pub(crate) code: usize,
    /// The row of a code shown in a category it is listed in by `also_in`: it links to the
    /// code's own row and has no id.
    pub(crate) secondary: bool,
}

impl CategoryView {
    /// The category with its rows' code views, ready to serialize into a template's context
    /// (`category.codes[i]` is the code's view plus `secondary`).
    pub(crate) fn shown<'a>(&'a self, codes: &'a [CodeView]) -> CategoryShown<'a> {
        CategoryShown {
            id: &self.id,
            title: &self.title,
            range: &self.range,
            description: &self.description,
            columns: &self.columns,
            codes: RowsShown {
                rows: &self.rows,
                codes,
            },
        }
    }
}

/// [`CategoryView`] as templates see it (borrowed; serialized when put in a context).
#[derive(Serialize)]
pub(crate) struct CategoryShown<'a> {
    id: &'a str,
    title: &'a str,
    range: &'a Option<String>,
    description: &'a Option<String>,
    columns: &'a [ColumnView],
    codes: RowsShown<'a>,
}

struct RowsShown<'a> {
    rows: &'a [CategoryRow],
    codes: &'a [CodeView],
}

impl Serialize for RowsShown<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Row<'a> {
            #[serde(flatten)]
            view: &'a CodeView,
            secondary: bool,
        }
        serializer.collect_seq(self.rows.iter().map(|r| Row {
            view: &self.codes[r.code],
            secondary: r.secondary,
        }))
    }
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
    /// `application/problem+json` for a problem details envelope (RFC 9457).
    pub(crate) media_type: Option<&'static str>,
}

#[derive(Serialize)]
pub(crate) struct RetryRowView {
    pub(crate) id: String,
    /// The HTTP status of the rule (`None` for a rule about one code).
    pub(crate) status: Option<u16>,
    pub(crate) key: String,
    pub(crate) href: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) policy: &'static str,
    pub(crate) retryable: String,
    pub(crate) how: Option<String>,
    /// Response headers that control retries.
    pub(crate) headers: Vec<String>,
}

/// One row of the status view: an HTTP status, the codes that use it, its retry guidance.
#[derive(Serialize)]
pub(crate) struct StatusRowView {
    pub(crate) status: u16,
    pub(crate) reason: Option<String>,
    /// The API's description of the status (HTML).
    pub(crate) description: Option<String>,
    pub(crate) class: String,
    pub(crate) codes: Vec<StatusCodeView>,
    pub(crate) retryable: Option<String>,
    pub(crate) how: Option<String>,
    pub(crate) headers: Vec<String>,
    /// Codes of this status with retry advice of their own.
    pub(crate) code_how: Vec<StatusCodeView>,
}

/// A code in the status view.
#[derive(Serialize, Clone)]
pub(crate) struct StatusCodeView {
    pub(crate) code: String,
    pub(crate) href: Option<String>,
    /// Whether this status is the code's typical one.
    pub(crate) typical: bool,
    /// The code's own retry advice (HTML).
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

/// Builds the views; links found in catalog text are added to `links`. Also returns where
/// each code's links are in `links`.
pub(crate) fn build(
    sources: &Sources,
    plan: &Plan,
    links: &mut Vec<LinkRef>,
) -> (CatalogView, Vec<Range<usize>>) {
    let catalog = &sources.catalog;
    let (pages, headings) = page_index(sources);
    let mut b = Builder::new(sources, plan, &pages, &headings);
    let retry = b.retry_rows();
    // Code views are independent of each other: built on every core, in chunks whose views
    // and links are put back in catalog order.
    let chunks: Vec<(Vec<CodeView>, Vec<usize>, Vec<LinkRef>)> = (0..catalog.codes.len())
        .into_par_iter()
        .chunks(CODES_PER_CHUNK)
        .map(|chunk| {
            let mut own = b.fork();
            let mut counts = Vec::with_capacity(chunk.len());
            let views = chunk
                .into_iter()
                .map(|i| {
                    let before = own.links.len();
                    let view = own.code(i, &retry);
                    counts.push(own.links.len() - before);
                    view
                })
                .collect();
            (views, counts, own.links)
        })
        .collect();
    let mut codes = Vec::with_capacity(catalog.codes.len());
    let mut ranges = Vec::with_capacity(catalog.codes.len());
    let mut at = links.len() + b.links.len();
    for (views, counts, links) in chunks {
        codes.extend(views);
        for n in counts {
            ranges.push(at..at + n);
            at += n;
        }
        b.links.extend(links);
    }
    // Category views too, each with its own links, put back in catalog order.
    let categories: Vec<(CategoryView, Vec<LinkRef>)> = (0..catalog.categories.len())
        .into_par_iter()
        .map(|ci| {
            let mut own = b.fork();
            (own.category(ci), own.links)
        })
        .collect();
    let categories = categories
        .into_iter()
        .map(|(view, links)| {
            b.links.extend(links);
            view
        })
        .collect();
    let envelopes = (0..catalog.envelopes.len())
        .map(|e| b.envelope(e))
        .collect();
    let statuses = b.status_rows(&codes.iter().collect::<Vec<_>>(), &retry);
    links.extend(b.links);
    let view = CatalogView {
        codes,
        categories,
        envelopes,
        retry,
        statuses,
    };
    (view, ranges)
}

/// The content pages by URL, and a slot for the headings of each (read when a docs link first
/// points there).
type PageIndex<'a> = (
    HashMap<&'a str, usize>,
    Vec<OnceLock<Vec<(String, String)>>>,
);

fn page_index(sources: &Sources) -> PageIndex<'_> {
    let pages = sources
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    let headings = sources.pages.iter().map(|_| OnceLock::new()).collect();
    (pages, headings)
}

/// What [`rebuild_codes`] builds again.
pub(crate) struct Rebuilt {
    /// Each code's view, with the links written in its text.
    pub(crate) codes: Vec<(usize, CodeView, Vec<LinkRef>)>,
    pub(crate) envelopes: Vec<EnvelopeView>,
    pub(crate) statuses: Vec<StatusRowView>,
}

/// The views of the codes `codes` built again (`watch`, after an edit of them), and those made
/// from every code: the envelopes (a problem details example shows one of their codes) and
/// the statuses. The links of the envelope and status views are those of `[[envelope]]` and
/// `[[status]]` tables, which the edit did not change: they are not collected again.
pub(crate) fn rebuild_codes(
    sources: &Sources,
    plan: &Plan,
    views: &CatalogView,
    codes: &std::collections::BTreeSet<usize>,
) -> Rebuilt {
    let (pages, headings) = page_index(sources);
    let b = Builder::new(sources, plan, &pages, &headings);
    let rebuilt: Vec<(usize, CodeView, Vec<LinkRef>)> = codes
        .iter()
        .map(|&i| {
            let mut own = b.fork();
            let view = own.code(i, &views.retry);
            (i, view, own.links)
        })
        .collect();
    let mut all: Vec<&CodeView> = views.codes.iter().collect();
    for (i, view, _) in &rebuilt {
        if let Some(slot) = all.get_mut(*i) {
            *slot = view;
        }
    }
    let statuses = b.fork().status_rows(&all, &views.retry);
    let mut own = b.fork();
    let envelopes = (0..sources.catalog.envelopes.len())
        .map(|e| own.envelope(e))
        .collect();
    Rebuilt {
        codes: rebuilt,
        envelopes,
        statuses,
    }
}

/// How many code views one task builds (enough to outweigh the cost of a task).
const CODES_PER_CHUNK: usize = 256;

/// Builds views of one catalog, collecting the links written in its text.
struct Builder<'a> {
    catalog: &'a Catalog,
    plan: &'a Plan,
    sources: &'a Sources,
    links: Vec<LinkRef>,
    /// Content pages by URL.
    pages: &'a HashMap<&'a str, usize>,
    /// The headings of each content page (id, text), read when a docs link first points there.
    headings: &'a [OnceLock<Vec<(String, String)>>],
}

impl<'a> Builder<'a> {
    fn new(
        sources: &'a Sources,
        plan: &'a Plan,
        pages: &'a HashMap<&'a str, usize>,
        headings: &'a [OnceLock<Vec<(String, String)>>],
    ) -> Self {
        Builder {
            catalog: &sources.catalog,
            plan,
            sources,
            links: Vec::new(),
            pages,
            headings,
        }
    }

    /// A builder sharing this one's inputs, with links of its own.
    fn fork(&self) -> Self {
        Builder {
            links: Vec::new(),
            ..*self
        }
    }

    /// Records a link written in the catalog at `t`.
    fn record(&mut self, href: String, t: &Text) {
        self.links.push(LinkRef {
            href,
            page: "/".into(),
            source_dir: None,
            location: self.catalog.source.locate(t.span.clone()),
        });
    }

    /// Markdown from the catalog as HTML (inline, or blocks); its links are recorded where
    /// they were written. `[x](#CODE)` links to the page that shows the code.
    fn markdown(&mut self, t: &Text, blocks: bool) -> String {
        let (catalog, plan) = (self.catalog, self.plan);
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
        let (html, found) = if blocks {
            render_block(&t.value, &rewrite)
        } else {
            render_inline(&t.value, &rewrite)
        };
        for href in found {
            let href = match code_of(&href) {
                Some(i) => plan.code_row[i]
                    .as_ref()
                    .map_or(href.clone(), |p| format!("{p}#{}", catalog.codes[i].anchor)),
                None => href,
            };
            self.record(href, t);
        }
        html
    }

    /// Inline Markdown from the catalog as HTML.
    fn text(&mut self, t: &Option<Text>) -> Option<String> {
        t.as_ref().map(|t| self.markdown(t, false))
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
                        catalog.status_name(s).map(str::to_string),
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
                    headers: r.headers.clone(),
                }
            })
            .collect()
    }

    /// A link to code `j` (its row, else its page) with its message.
    fn link(&self, j: usize) -> CodeLink {
        let c = &self.catalog.codes[j];
        CodeLink {
            code: c.key.to_string(),
            href: self.plan.code_href(self.catalog, j),
            message: c.message.clone().or_else(|| c.label.clone()),
        }
    }

    /// A link to category `c`'s section.
    fn category_link(&self, c: usize) -> CategoryLink {
        let category = &self.catalog.categories[c];
        CategoryLink {
            id: category.id.clone(),
            title: category.title.clone(),
            href: self.plan.category_home[c].as_ref().map(|page| {
                self.plan
                    .resolver
                    .href(&Target::anchor(page.clone(), category.id.clone()))
            }),
        }
    }

    /// The view of code `i`; `retry` are the views of the retry rules.
    fn code(&mut self, i: usize, retry: &[RetryRowView]) -> CodeView {
        let (catalog, plan) = (self.catalog, self.plan);
        let c = &catalog.codes[i];
        let rule = catalog.retry_for(i);
        let rule_how = rule.and_then(|(_, rule)| rule).and_then(|rule| {
            let index = catalog.retry.iter().position(|r| std::ptr::eq(r, rule))?;
            retry[index].how.clone()
        });
        let own_retry_how = self.text(&c.retry_how);
        let (docs, docs_title) = self.docs(i);
        let alias_anchors = c
            .aliases
            .iter()
            .filter_map(|a| match a {
                Alias::Code { anchor, .. } => Some(anchor.clone()),
                Alias::Url { .. } => None,
            })
            .collect();
        let (custom, fields) = self.fields(i);
        let deprecated = c.deprecated.as_ref();
        let more = CodeMore {
            label: c.label.clone(),
            meaning: self.text(&c.meaning),
            detail: self.text(&c.detail),
            replaced_by: c.replaced_by.map(|r| self.link(r)),
            also_in: c.also_in.iter().map(|&a| self.category_link(a)).collect(),
            parent: c.parent.map(|p| self.link(p)),
            children: catalog
                .children_of(i)
                .iter()
                .map(|&j| self.link(j))
                .collect(),
            since: c.since.clone(),
            deprecated_since: deprecated.and_then(|d| d.since.clone()),
            deprecated_why: deprecated.and_then(|d| self.text(&d.why)),
            sunset: deprecated.and_then(|d| d.sunset.clone()),
            removed_since: c.removed.as_ref().and_then(|r| r.since.clone()),
            removed_why: c.removed.as_ref().and_then(|r| self.text(&r.why)),
            alias_anchors,
            aliases: c.aliases.iter().map(|a| a.written().to_string()).collect(),
            own_retry_how: own_retry_how.clone(),
            custom,
            fields,
        };
        CodeView {
            anchor: c.anchor.clone(),
            code: c.key.to_string(),
            raw: c.key.raw(),
            is_name: !c.key.is_code(),
            message: c.message.clone(),
            status: c.status(),
            status_reason: c
                .status()
                .and_then(|s| catalog.status_name(s))
                .map(str::to_string),
            status_class: c.status().map(|s| format!("{}xx", s / 100)),
            statuses: self.statuses(i),
            fix: self.text(&c.fix),
            docs,
            docs_title,
            retry: catalog.retry_wording(i).map(str::to_string),
            retry_policy: rule.map(|(p, _)| p.name()),
            deprecated: deprecated.is_some(),
            href: plan.code_href(catalog, i),
            page: plan.code_page_href(catalog, i),
            category: catalog.categories[c.category].id.clone(),
            category_title: catalog.categories[c.category].title.clone(),
            state: c.state(),
            retry_how: own_retry_how.or(rule_how),
            more: CodeMore::shared(more),
        }
    }

    /// The statuses of code `i`, the typical one first.
    fn statuses(&self, i: usize) -> Vec<StatusView> {
        let catalog = self.catalog;
        catalog.codes[i]
            .statuses
            .iter()
            .enumerate()
            .map(|(n, &s)| StatusView {
                status: s,
                name: catalog.status_name(s).map(str::to_string),
                class: format!("{}xx", s / 100),
                typical: n == 0,
            })
            .collect()
    }

    /// The href of code `i`'s docs link, and what it points at ("Guide › API keys").
    fn docs(&mut self, i: usize) -> (Option<String>, Option<String>) {
        let (catalog, plan) = (self.catalog, self.plan);
        let Some(d) = catalog.codes[i].docs.as_ref() else {
            return (None, None);
        };
        self.record(d.value.clone(), d);
        let href = plan.resolver.rewrite(&d.value, "/", None);
        let title = plan
            .resolver
            .resolve(&d.value, "/", None)
            .and_then(|t| self.target_title(&t));
        (Some(href), title)
    }

    /// The title of a page of this site and, with a fragment, of the section it names.
    fn target_title(&mut self, target: &Target) -> Option<String> {
        let (catalog, plan) = (self.catalog, self.plan);
        let Some(&page) = self.pages.get(target.path.as_str()) else {
            // A code's page: `/errors/ANCHOR/`.
            let anchor = target.path.trim_end_matches('/').rsplit('/').next()?;
            let code = catalog.find_code(&format!("#{anchor}")).ok()?;
            return (plan.code_page(catalog, code).as_deref() == Some(&target.path))
                .then(|| catalog.codes[code].key.to_string());
        };
        let page_title = self.sources.pages[page].title.clone();
        let Some(anchor) = &target.fragment else {
            return Some(page_title);
        };
        let sources = self.sources;
        let found = self.headings[page]
            .get_or_init(|| headings(&sources.pages[page]))
            .iter()
            .find(|(id, _)| id == anchor)
            .map(|(_, text)| text.clone());
        let section = found
            .or_else(|| catalog.find_category(anchor).map(|c| c.title.clone()))
            .or_else(|| {
                catalog
                    .find_code(&format!("#{anchor}"))
                    .ok()
                    .map(|j| catalog.codes[j].key.to_string())
            });
        Some(match section {
            Some(s) if s != page_title => format!("{page_title} › {s}"),
            _ => page_title,
        })
    }

    /// Code `i`'s declared fields: HTML by name (for columns), and those shown on its page.
    fn fields(&mut self, i: usize) -> (BTreeMap<String, String>, Vec<FieldShown>) {
        let catalog = self.catalog;
        let mut by_name = BTreeMap::new();
        let mut shown = Vec::new();
        for (f, value) in &catalog.codes[i].fields {
            let def = &catalog.fields[*f];
            let html = match value {
                FieldValue::Text(t) => crate::html::escape(t),
                FieldValue::Markdown(t) => self.markdown(t, true),
                FieldValue::List(items) => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|item| format!("<li>{}</li>", self.markdown(item, false)))
                        .collect();
                    format!("<ul class=\"field-list\">\n{}\n</ul>", items.join("\n"))
                }
                FieldValue::Url(u) => {
                    let href = if u.value.starts_with('/') {
                        self.record(u.value.clone(), u);
                        self.plan.resolver.rewrite(&u.value, "/", None)
                    } else {
                        u.value.clone()
                    };
                    format!(
                        "<a href=\"{}\">{}</a>",
                        crate::html::escape(&href),
                        crate::html::escape(&u.value)
                    )
                }
            };
            if def.page {
                shown.push(FieldShown {
                    name: def.name.clone(),
                    title: def.title.clone(),
                    kind: def.kind.name(),
                    html: html.clone(),
                });
            }
            by_name.insert(def.name.clone(), html);
        }
        (by_name, shown)
    }

    /// The view of category `ci`: its own codes and those it lists by `also_in`.
    fn category(&mut self, ci: usize) -> CategoryView {
        let catalog = self.catalog;
        let cat = &catalog.categories[ci];
        CategoryView {
            id: cat.id.clone(),
            title: cat.title.clone(),
            range: cat.range.clone(),
            description: self.text(&cat.description),
            columns: columns(catalog, &cat.columns, |c| {
                catalog.heading(ci, c).to_string()
            }),
            rows: catalog
                .listed_in(ci)
                .iter()
                .map(|&i| CategoryRow {
                    code: i,
                    secondary: catalog.codes[i].category != ci,
                })
                .collect(),
        }
    }

    fn envelope(&mut self, index: usize) -> EnvelopeView {
        let e = &self.catalog.envelopes[index];
        let filled = self.problem_example(index);
        let status = filled
            .as_ref()
            .map_or(e.http_status, |(status, _)| *status)
            .map(|s| super::example::status_line(s, self.catalog.status_name(s)));
        let example = match &filled {
            Some((_, text)) => crate::highlight::code_block(text, "json"),
            None => crate::highlight::code_block(e.example.trim_end(), &e.language),
        };
        let mut fields: Vec<FieldView> = Vec::new();
        if e.is_problem() {
            fields.extend(problem_fields(e));
        }
        for f in &e.fields {
            let view = FieldView {
                name: f.name.clone(),
                kind: f.kind.clone(),
                required: f.required,
                description: self.text(&f.description),
            };
            match fields.iter_mut().find(|v| v.name == f.name) {
                // A problem envelope's declaration of an RFC 9457 member replaces errdocs'.
                Some(member) => *member = view,
                None => fields.push(view),
            }
        }
        EnvelopeView {
            id: e.id.clone(),
            title: e.title.clone(),
            description: self.text(&e.description),
            language: e.language.clone(),
            status_line: super::example::head_lines(status, e.media_type()),
            example,
            note: self.text(&e.note),
            fields,
            media_type: e.media_type(),
        }
    }

    /// A problem details envelope's example as one of its codes is answered (the RFC 9457
    /// members have no value without a code): the code whose page the written example's
    /// `type` names, else its first code not removed. Its status and text; `None` for other
    /// envelopes and for one no code uses.
    fn problem_example(&self, index: usize) -> Option<(Option<u16>, String)> {
        let (catalog, plan) = (self.catalog, self.plan);
        let e = &catalog.envelopes[index];
        if !e.is_problem() {
            return None;
        }
        let uses = |i: &usize| catalog.envelope_for(*i).is_some_and(|x| std::ptr::eq(x, e));
        let mut users = (0..catalog.codes.len()).filter(uses);
        // The code the written example is about (its `type`), else the first one.
        let written: Option<serde_json::Value> = serde_json::from_str(&e.example).ok();
        let written_type = written.as_ref().and_then(|w| w.get("type")?.as_str());
        let about = written_type.and_then(|t| {
            users
                .clone()
                .find(|&i| crate::exports::problem_type(catalog, plan, i).as_deref() == Some(t))
        });
        let first = users.clone().find(|&i| catalog.codes[i].removed.is_none());
        let code = about.or(first).or_else(|| users.next())?;
        let problem_type = crate::exports::problem_type(catalog, plan, code);
        let docs = crate::exports::docs_of(catalog, plan, code);
        let urls = super::example::ExampleUrls {
            docs: Some(&docs),
            problem_type: problem_type.as_deref(),
        };
        let (value, _) = super::example::example_value(catalog, code, urls)?;
        let status = e
            .http_status
            .or(catalog.codes[code].status().filter(|_| e.http));
        Some((status, serde_json::to_string_pretty(&value).ok()?))
    }

    /// One row per HTTP status that codes use, in ascending order; a code with several
    /// statuses is listed under each.
    fn status_rows(&mut self, codes: &[&CodeView], retry: &[RetryRowView]) -> Vec<StatusRowView> {
        let catalog = self.catalog;
        let mut by_status: BTreeMap<u16, Vec<StatusCodeView>> = BTreeMap::new();
        for (i, c) in catalog.codes.iter().enumerate() {
            for (n, &s) in c.statuses.iter().enumerate() {
                by_status.entry(s).or_default().push(StatusCodeView {
                    code: codes[i].code.clone(),
                    href: codes[i].href.clone(),
                    typical: n == 0,
                    how: codes[i].more.own_retry_how.clone(),
                });
            }
        }
        by_status
            .into_iter()
            .map(|(status, codes)| {
                let rule = retry.iter().find(|r| r.status == Some(status));
                let def = catalog.status_def(status);
                StatusRowView {
                    status,
                    reason: catalog.status_name(status).map(str::to_string),
                    description: def.and_then(|d| self.text(&d.description)),
                    class: format!("{}xx", status / 100),
                    code_how: codes.iter().filter(|c| c.how.is_some()).cloned().collect(),
                    codes,
                    retryable: rule.map(|r| r.retryable.clone()),
                    how: rule.and_then(|r| r.how.clone()),
                    headers: rule.map(|r| r.headers.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }
}

/// Column views; the code column carries the label when no label column is shown.
pub(crate) fn columns(
    catalog: &Catalog,
    list: &[Column],
    heading: impl Fn(Column) -> String,
) -> Vec<ColumnView> {
    let has_label = list.contains(&Column::Label);
    list.iter()
        .map(|&c| ColumnView {
            name: c.name(),
            field: matches!(c, Column::Custom(_)).then(|| catalog.column_name(c).to_string()),
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
        let has_label = cols.contains(&Column::Label);
        out.columns = cols
            .iter()
            .enumerate()
            .map(|(i, &c)| ColumnView {
                name: c.name(),
                field: None,
                heading: view
                    .headings
                    .as_ref()
                    .and_then(|h| h.get(i).cloned())
                    .unwrap_or_else(|| {
                        defaults
                            .own_heading(c)
                            .unwrap_or(c.default_heading())
                            .to_string()
                    }),
                with_label: c == Column::Code && !has_label,
            })
            .collect();
    }
    out
}

/// The RFC 9457 members (section 3.1) errdocs fills in, as rows of a problem details
/// envelope's field table.
fn problem_fields(e: &crate::catalog::Envelope) -> Vec<FieldView> {
    let row = |name: &str, kind: &str, required: bool, description: &str| FieldView {
        name: name.to_string(),
        kind: Some(kind.to_string()),
        required,
        description: Some(description.to_string()),
    };
    let status = match e.http_status {
        Some(s) => format!(
            "The HTTP status code ({s} unless the code has its own; RFC 9457, section 3.1.2)."
        ),
        None => "The HTTP status code of the error (RFC 9457, section 3.1.2).".to_string(),
    };
    vec![
        row(
            "type",
            "string",
            true,
            "The URI of the problem type: the page of the error code in this reference (RFC 9457, section 3.1.1).",
        ),
        row(
            "title",
            "string",
            true,
            "A short summary of the problem type: the code's message, else its name (RFC 9457, section 3.1.3).",
        ),
        row("status", "integer", true, &status),
        row(
            "detail",
            "string",
            false,
            "An explanation of the problem (RFC 9457, section 3.1.4).",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Templates see a code's fields in the order they had before the rare ones moved to
    /// [`CodeMore`] (a theme may print `{{ code | json_encode }}` or loop over its keys).
    #[test]
    fn a_code_view_serializes_its_fields_in_their_order() {
        let view = CodeView {
            anchor: "A".into(),
            code: "A".into(),
            raw: "A".into(),
            is_name: false,
            message: None,
            status: Some(404),
            status_reason: None,
            status_class: None,
            statuses: Vec::new(),
            fix: None,
            docs: None,
            docs_title: None,
            retry: None,
            retry_policy: None,
            deprecated: false,
            href: None,
            page: None,
            category: "c".into(),
            category_title: "C".into(),
            state: "active",
            retry_how: None,
            more: CodeMore::shared(CodeMore {
                label: Some("L".into()),
                ..CodeMore::default()
            }),
        };
        let value = serde_json::to_value(&view).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let expected = "anchor code raw is_name label message status status_reason status_class \
            statuses fix meaning detail docs docs_title retry retry_policy deprecated replaced_by \
            href page category category_title also_in parent children state since \
            deprecated_since deprecated_why sunset removed_since removed_why alias_anchors \
            aliases retry_how own_retry_how custom fields";
        assert_eq!(keys, expected.split_whitespace().collect::<Vec<_>>());
        assert_eq!(value["label"], "L");
        assert_eq!(value["meaning"], serde_json::Value::Null);
    }
}
