//! `catalog split=category`: a large reference as an index page plus a page per category.
//!
//! The page holding the directive (`/reference/`) becomes an index: each category with its
//! number of codes, linking to the category's own page (`/reference/auth/`), which shows its
//! table. The codes' anchors moved with them; old links (`/reference/#PG-1003`) keep working:
//!
//! - in the browser, through one shared index written beside the page
//!   (`/reference/errdocs-split.json`): the theme's script sends `#PG-1003` on the index to
//!   the category page holding it, and the filter of every split page searches all the codes
//!   with it; without JavaScript the index explains where the codes went and links every
//!   category page;
//! - in the link checker and `check --against`, through [`moved_anchors`]: an anchor of the
//!   index that moved to a category page resolves when that page has it.
//!
//! This module decides the URLs and writes the shared index; it holds no HTML.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::catalog::{Alias, Catalog};
use crate::content::directive::{Directive, TableView};
use crate::content::{Directives, Page};
use crate::urls::{Resolver, Target};

/// The name of the shared index of a split catalog, beside its index page.
pub(crate) const INDEX_FILE: &str = "errdocs-split.json";

/// One split catalog: the index page and the page of each category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    /// The content page (index into `Sources::pages`) holding the `catalog split=category`.
    pub(crate) page: usize,
    /// Its site path (`/reference/`).
    pub(crate) url: String,
    /// The site path of each category's page (`/reference/auth/`), by category index.
    pub(crate) pages: Vec<String>,
    /// The site path of the shared index (`/reference/errdocs-split.json`).
    pub(crate) index: String,
    /// How the directive asks the tables to be shown.
    pub(crate) view: TableView,
}

/// The directory under which the pages of a split page go: `/reference/` for `/reference/`,
/// `/reference/` for `/reference.html` or `/reference`.
pub(crate) fn directory(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{}/", url.strip_suffix(".html").unwrap_or(url))
    }
}

/// The split catalogs of the site: each page with a `catalog split=category` directive (the
/// first such directive of a page counts). Category pages follow `trailing_slash` (`slash`).
pub(crate) fn of(
    pages: &[Page],
    directives: &[Directives],
    catalog: &Catalog,
    slash: bool,
) -> Vec<Split> {
    pages
        .iter()
        .zip(directives)
        .enumerate()
        .filter_map(|(i, (page, blocks))| {
            let view = blocks.iter().flatten().find_map(|d| match d {
                Directive::Catalog {
                    view, split: true, ..
                } => Some(view.clone()),
                _ => None,
            })?;
            let dir = directory(&page.url);
            Some(Split {
                page: i,
                url: page.url.clone(),
                pages: catalog
                    .categories
                    .iter()
                    .map(|c| format!("{dir}{}{}", c.id, if slash { "/" } else { "" }))
                    .collect(),
                index: format!("{dir}{INDEX_FILE}"),
                view,
            })
        })
        .collect()
}

/// The anchors a code's row defines: its own and those of its former codes.
fn anchors_of(catalog: &Catalog, code: usize) -> impl Iterator<Item = &str> {
    let c = &catalog.codes[code];
    std::iter::once(c.anchor.as_str()).chain(c.aliases.iter().filter_map(|a| match a {
        Alias::Code { anchor, .. } => Some(anchor.as_str()),
        Alias::Url { .. } => None,
    }))
}

/// For each split index page: the anchors that moved from it to a category page (anchor ->
/// site path of that page). The link checker follows them like redirects.
pub(crate) fn moved_anchors(
    splits: &[Split],
    catalog: &Catalog,
) -> BTreeMap<String, Arc<HashMap<String, String>>> {
    splits
        .iter()
        .map(|split| {
            let mut moved = HashMap::new();
            for (i, c) in catalog.codes.iter().enumerate() {
                let page = &split.pages[c.category];
                for anchor in anchors_of(catalog, i) {
                    moved
                        .entry(anchor.to_string())
                        .or_insert_with(|| page.clone());
                }
            }
            (split.url.clone(), Arc::new(moved))
        })
        .collect()
}

/// The shared index of a split catalog, as compact JSON: the category pages (`id`, `title`,
/// `href`) and, for each code in catalog order, `[anchor, code as shown, category page,
/// message or label, statuses, anchors of its former codes]`. Read by the theme's script for
/// `#CODE` links on the index and for the filter of every split page.
pub(crate) fn index_json(split: &Split, catalog: &Catalog, resolver: &Resolver) -> String {
    let pages: Vec<Value> = catalog
        .categories
        .iter()
        .zip(&split.pages)
        .map(|(c, url)| {
            json!({
                "id": c.id,
                "title": c.title,
                "href": resolver.href(&Target::page(url.clone())),
            })
        })
        .collect();
    let codes: Vec<Value> = catalog
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let statuses: Vec<String> = c.statuses.iter().map(u16::to_string).collect();
            let aliases: Vec<&str> = anchors_of(catalog, i).skip(1).collect();
            json!([
                c.anchor,
                c.key.to_string(),
                c.category,
                c.message.as_deref().or(c.label.as_deref()).unwrap_or(""),
                statuses.join(" "),
                aliases.join(" "),
            ])
        })
        .collect();
    let mut out = serde_json::to_string(&json!({ "pages": pages, "codes": codes }))
        .unwrap_or_else(|_| String::from("{}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::directory;

    #[test]
    fn category_pages_go_under_the_index_page() {
        assert_eq!(directory("/reference/"), "/reference/");
        assert_eq!(directory("/reference.html"), "/reference/");
        assert_eq!(directory("/reference"), "/reference/");
        assert_eq!(directory("/"), "/");
    }
}
