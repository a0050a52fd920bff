//! The pages of a split catalog (`catalog split=category`, see [`crate::split`]): the index
//! the directive renders in place of the tables, and the page of each category.

use serde::Serialize;
use tera::Context;

use super::context::{Inputs, PageContext, PageView, render_template};
use crate::diagnostics::Problem;
use crate::split::Split;
use crate::urls::Target;

/// One category as the index lists it.
#[derive(Serialize)]
struct IndexEntry<'a> {
    id: &'a str,
    title: &'a str,
    range: Option<&'a str>,
    href: String,
    count: usize,
}

/// The templates a category page is rendered with (for the ids they write literally).
pub(crate) const CATEGORY_TEMPLATES: [&str; 3] = [
    "directives/split_category.html",
    "directives/search.html",
    "directives/category.html",
];

/// The index of a split catalog: its categories, their counts and pages
/// (`directives/split_index.html`).
pub(crate) fn index(inputs: Inputs, split: &Split) -> Result<String, Problem> {
    let catalog = &inputs.sources.catalog;
    let resolver = &inputs.plan.resolver;
    let entries: Vec<IndexEntry> = catalog
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| IndexEntry {
            id: &c.id,
            title: &c.title,
            range: c.range.as_deref(),
            href: resolver.href(&Target::page(split.pages[i].clone())),
            count: catalog.category_codes(i).len(),
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert("categories", &entries);
    ctx.insert("codes", &catalog.codes.len());
    ctx.insert("index", &resolver.href(&Target::page(split.index.clone())));
    inputs
        .sources
        .theme
        .render("directives/split_index.html", &ctx)
}

/// The page of category `category` of a split catalog, rendered with the index page's
/// template: a way back to the index, the filter (searching every category), the category's
/// `table` (rendered by `directives/category.html`).
pub(crate) fn category_page(
    inputs: Inputs,
    split: &Split,
    category: usize,
    table: String,
) -> Result<String, Problem> {
    let Inputs {
        sources,
        plan,
        prepared,
    } = inputs;
    let catalog = &sources.catalog;
    let resolver = &plan.resolver;
    let home = &sources.pages[split.page];
    let cat = &catalog.categories[category];
    let href = |i: usize| resolver.href(&Target::page(split.pages[i].clone()));
    let mut ctx = Context::new();
    ctx.insert("home", &resolver.href(&Target::page(split.url.clone())));
    ctx.insert("home_title", &home.title);
    ctx.insert("title", &cat.title);
    ctx.insert("count", &catalog.category_codes(category).len());
    ctx.insert("index", &resolver.href(&Target::page(split.index.clone())));
    let neighbour =
        |i: usize| serde_json::json!({ "title": catalog.categories[i].title, "href": href(i) });
    ctx.insert("previous", &category.checked_sub(1).map(neighbour));
    ctx.insert(
        "next",
        &(category + 1 < catalog.categories.len()).then(|| neighbour(category + 1)),
    );
    let theme = &sources.theme;
    let mut content = theme.render("directives/split_category.html", &ctx)?;
    content.push_str(&theme.render("directives/search.html", &Context::new())?);
    content.push_str(&table);
    let context = PageContext {
        site: &prepared.site,
        page: PageView {
            title: cat.title.clone(),
            description: None,
            url: split.pages[category].clone(),
            permalink: sources
                .config
                .base_url
                .as_ref()
                .map(|b| format!("{b}{}", split.pages[category])),
            content,
            source: home.source.path.to_string_lossy().replace('\\', "/"),
        },
        nav_html: prepared.nav_html.clone(),
    };
    render_template(sources, &home.template, &context)
}
