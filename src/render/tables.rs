//! The rendered code tables of each category, kept by `watch` between edits: a catalog edit
//! re-renders only the tables of the categories whose rows changed, and an edit of the page
//! that shows the catalog renders none again. A build keeps none (it renders each table once).

use std::sync::Mutex;

use super::view::CatalogView;
use crate::content::directive::TableView;

/// How a directive shows a category's table: the key of a rendered table besides its category.
#[derive(Clone, PartialEq)]
pub(crate) struct Shown {
    pub(crate) heading: bool,
    pub(crate) level: u8,
    pub(crate) view: TableView,
}

/// The rendered tables of each category, by how they were shown.
pub(crate) struct Tables {
    by_category: Vec<Mutex<Vec<(Shown, String)>>>,
}

impl Tables {
    /// An empty cache for a catalog of `categories` categories.
    pub(crate) fn new(categories: usize) -> Tables {
        Tables {
            by_category: (0..categories).map(|_| Mutex::default()).collect(),
        }
    }

    /// The table of `category` rendered as `shown`, if it is kept.
    pub(crate) fn get(&self, category: usize, shown: &Shown) -> Option<String> {
        let tables = self.by_category.get(category)?.lock().ok()?;
        tables
            .iter()
            .find(|(s, _)| s == shown)
            .map(|(_, html)| html.clone())
    }

    /// Appends `text` to every kept table of `category` (for tests that tell a kept table from
    /// a rendered one).
    #[cfg(test)]
    pub(crate) fn append(&self, category: usize, text: &str) {
        if let Some(Ok(mut tables)) = self.by_category.get(category).map(Mutex::lock) {
            for (_, kept) in tables.iter_mut() {
                kept.push_str(text);
            }
        }
    }

    /// Keeps the table of `category` rendered as `shown`.
    pub(crate) fn insert(&self, category: usize, shown: Shown, html: &str) {
        if let Some(Ok(mut tables)) = self.by_category.get(category).map(Mutex::lock)
            && !tables.iter().any(|(s, _)| *s == shown)
        {
            tables.push((shown, html.to_string()));
        }
    }

    /// The tables that stay true when the catalog views change from `old` to `new`: those of
    /// the categories whose own view is the same and none of whose rows shows a code whose
    /// view changed (`changed` lists the codes whose views differ).
    pub(crate) fn still_true(
        &self,
        old: &CatalogView,
        new: &CatalogView,
        changed: &std::collections::BTreeSet<usize>,
    ) -> Tables {
        let same_codes = old.codes.len() == new.codes.len();
        let kept = |c: usize| -> bool {
            let (Some(a), Some(b)) = (old.categories.get(c), new.categories.get(c)) else {
                return false;
            };
            same_codes && a == b && !b.rows.iter().any(|r| changed.contains(&r.code))
        };
        Tables {
            by_category: (0..new.categories.len())
                .map(|c| {
                    let tables = match self.by_category.get(c).map(Mutex::lock) {
                        Some(Ok(tables)) if kept(c) => tables.clone(),
                        _ => Vec::new(),
                    };
                    Mutex::new(tables)
                })
                .collect(),
        }
    }
}
