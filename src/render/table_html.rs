//! The default theme's `directives/category.html`, written directly in Rust.
//!
//! A category's table is most of a reference page, and rendering it through tera spent a
//! quarter of a build's CPU (building the template's value, then tera's lookups of every
//! `code.*` name in every row). When a site does not override `directives/category.html`,
//! [`category`] writes the same bytes the template would, straight from the views; a site
//! with its own `directives/category.html` gets its template, through tera, as before.
//!
//! The template stays the reference: the unit tests render every category of every sample
//! site, fixture and hostile catalog both ways and require the same bytes. A change to the
//! template must be made here too (the tests fail until it is).

use std::fmt::Write as _;

use super::view::{CategoryView, CodeView};
use crate::html::escape;

/// The name of the template this module writes natively.
pub(crate) const TEMPLATE: &str = "directives/category.html";

/// How a directive shows the category: the template's `heading`, `level` and `list`.
pub(crate) struct Options {
    pub(crate) heading: bool,
    pub(crate) level: u8,
    pub(crate) list: bool,
}

/// The HTML `directives/category.html` of the default theme renders for `category` (its rows'
/// views in `codes`), or `None` for a table the native writer does not cover (a `field`
/// column without its field's name, on which the template itself fails): tera renders it.
pub(crate) fn category(
    category: &CategoryView,
    codes: &[CodeView],
    options: &Options,
) -> Option<String> {
    if category
        .columns
        .iter()
        .any(|c| c.name == "field" && c.field.is_none())
    {
        return None;
    }
    let mut out = String::with_capacity(1024 + category.rows.len() * 512);
    let id = escape(&category.id);
    let level = options.level;
    if options.heading {
        let _ = writeln!(out, "<section class=\"category\" id=\"{id}\">");
        let title = escape(&category.title);
        let _ = write!(out, "<h{level} class=\"category-title\">{title}");
        if let Some(range) = filled(&category.range) {
            let _ = write!(out, " <span class=\"range\">{}</span>", escape(range));
        }
        let _ = writeln!(
            out,
            "<a class=\"self-link\" href=\"#{id}\" aria-label=\"Link to {title}\">#</a></h{level}>"
        );
    } else {
        let _ = writeln!(out, "<div class=\"category\" id=\"{id}\">");
    }
    if let Some(description) = filled(&category.description) {
        let _ = writeln!(out, "<p class=\"category-description\">{description}</p>");
    }
    if options.list {
        list(&mut out, category, codes);
    } else {
        table(&mut out, category, codes);
    }
    out.push_str(if options.heading {
        "</section>\n"
    } else {
        "</div>\n"
    });
    Some(out)
}

/// `{% if value %}` of an optional text: present and not empty.
pub(super) fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.is_empty())
}

/// The template's `list` branch: one item per row.
fn list(out: &mut String, category: &CategoryView, codes: &[CodeView]) {
    out.push_str("<ul class=\"code-list\">\n");
    for row in &category.rows {
        let code = &codes[row.code];
        let shown = escape(&code.code);
        if row.secondary {
            out.push_str("<li class=\"also-listed\">");
            match filled(&code.href) {
                Some(href) => link(out, " class=\"code\"", href, &shown),
                None => out.push_str(&shown),
            }
            out.push_str("</li>\n");
            continue;
        }
        let anchor = escape(&code.anchor);
        let _ = write!(out, "<li id=\"{anchor}\"");
        if code.state == "removed" {
            out.push_str(" class=\"removed\"");
        } else if code.deprecated {
            out.push_str(" class=\"deprecated\"");
        }
        out.push('>');
        alias_anchors(out, code);
        let _ = writeln!(
            out,
            "{shown} <a class=\"self-link\" href=\"#{anchor}\" aria-label=\"Link to this message\">#</a></li>"
        );
    }
    out.push_str("</ul>\n");
}

fn alias_anchors(out: &mut String, code: &CodeView) {
    for a in &code.more.alias_anchors {
        let _ = write!(
            out,
            "<span class=\"alias-anchor\" id=\"{}\"></span>",
            escape(a)
        );
    }
}

/// The template's table branch: a header row, then a row per code.
fn table(out: &mut String, category: &CategoryView, codes: &[CodeView]) {
    out.push_str("<div class=\"table-wrap\">\n<table class=\"codes\">\n<thead><tr>");
    for col in &category.columns {
        let _ = write!(out, "<th scope=\"col\" class=\"col-{}", escape(col.name));
        if let Some(field) = filled(&col.field) {
            let _ = write!(out, " col-field-{}", escape(field));
        }
        let _ = write!(out, "\">{}</th>", escape(&col.heading));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &category.rows {
        let code = &codes[row.code];
        let removed = code.state == "removed";
        let state_class = if removed {
            "removed"
        } else if code.deprecated {
            "deprecated"
        } else {
            ""
        };
        out.push_str("<tr");
        if !row.secondary {
            let _ = write!(out, " id=\"{}\"", escape(&code.anchor));
        }
        let row_class = if row.secondary {
            // `state_class ~ " also-listed" | trim`
            format!("{state_class} also-listed").trim().to_string()
        } else {
            state_class.to_string()
        };
        if !row_class.is_empty() {
            let _ = write!(out, " class=\"{}\"", escape(&row_class));
        }
        out.push('>');
        for col in &category.columns {
            cell(out, col, code, row.secondary, removed);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

/// One cell of a row: the template's `{% if name == ... %}` chain.
fn cell(
    out: &mut String,
    col: &super::view::ColumnView,
    code: &CodeView,
    secondary: bool,
    removed: bool,
) {
    let heading = escape(&col.heading);
    let escaped = |v: &Option<String>| v.as_deref().map(escape).unwrap_or_default();
    // A cell of one value: `<td class="col-NAME" data-label="HEADING">VALUE</td>`.
    let mut plain = |value: &str| {
        let name = col.name;
        let _ = write!(
            out,
            "<td class=\"col-{name}\" data-label=\"{heading}\">{value}</td>"
        );
    };
    match col.name {
        "code" => code_cell(out, col, code, secondary, removed),
        "label" => plain(&escaped(&code.more.label)),
        "message" => plain(&escaped(&code.message)),
        "retry" => plain(&escaped(&code.retry)),
        // Catalog Markdown, already HTML (`| safe` in the template).
        "fix" => plain(code.fix.as_deref().unwrap_or_default()),
        "meaning" => plain(code.more.meaning.as_deref().unwrap_or_default()),
        "detail" => plain(code.more.detail.as_deref().unwrap_or_default()),
        "status" => {
            let _ = write!(out, "<td class=\"col-status\" data-label=\"{}\">", heading);
            for (i, s) in code.statuses.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                let _ = write!(out, "<span class=\"status status-{}", escape(&s.class));
                if !s.typical {
                    out.push_str(" status-other");
                }
                let name = s.name.as_deref().map(escape).unwrap_or_default();
                let _ = write!(out, "\" title=\"{name}\">{}</span>", s.status);
            }
            out.push_str("</td>");
        }
        "docs" => {
            let _ = write!(out, "<td class=\"col-docs\" data-label=\"{}\">", heading);
            if let Some(docs) = filled(&code.docs) {
                let _ = write!(out, "<a href=\"{}\">Docs</a>", escape(docs));
            }
            out.push_str("</td>");
        }
        "field" => {
            let field = col.field.as_deref().unwrap_or_default();
            let _ = write!(
                out,
                "<td class=\"col-field col-field-{}\" data-label=\"{}\">",
                escape(field),
                heading
            );
            if let Some(html) = code.more.custom.get(field) {
                out.push_str(html);
            }
            out.push_str("</td>");
        }
        _ => {}
    }
}

/// The `code` cell: the code (a link to its page or row), then its badges and relations.
fn code_cell(
    out: &mut String,
    col: &super::view::ColumnView,
    code: &CodeView,
    secondary: bool,
    removed: bool,
) {
    let shown = escape(&code.code);
    out.push_str("<td class=\"col-code");
    if code.code.chars().count() > 24 {
        out.push_str(" col-code-long");
    }
    out.push_str("\">");
    if secondary {
        match filled(&code.href) {
            Some(href) => link(out, " class=\"code\"", href, &shown),
            None => {
                let _ = write!(out, "<span class=\"code\">{shown}</span>");
            }
        }
    } else {
        alias_anchors(out, code);
        let anchor = escape(&code.anchor);
        match filled(&code.page) {
            Some(page) => {
                link(out, " class=\"code\"", page, &shown);
                let _ = write!(
                    out,
                    "<a class=\"self-link\" href=\"#{anchor}\" aria-label=\"Link to this row\">#</a>"
                );
            }
            None => {
                let _ = write!(out, "<a class=\"code\" href=\"#{anchor}\">{shown}</a>");
            }
        }
    }
    if col.with_label
        && let Some(label) = filled(&code.more.label)
    {
        let _ = write!(out, " {}", escape(label));
    }
    if code.is_name {
        out.push_str(
            " <span class=\"badge badge-name\" title=\"The API sends this error without a code\">no code</span>",
        );
    }
    if removed {
        out.push_str(" <span class=\"badge badge-removed\">removed</span>");
    } else if code.deprecated {
        out.push_str(" <span class=\"badge badge-deprecated\">deprecated</span>");
    }
    if let Some(replaced) = &code.more.replaced_by {
        out.push_str(" <span class=\"replaced-by\">→ ");
        code_link(out, replaced, "");
        out.push_str("</span>");
    }
    lifecycle(out, code);
    if let Some(parent) = &code.more.parent {
        out.push_str(" <span class=\"parent-code\">sub-code of ");
        code_link(out, parent, " class=\"code\"");
        out.push_str("</span>");
    }
    if !code.more.children.is_empty() {
        out.push_str(" <span class=\"sub-codes\">sub-codes: ");
        for (i, child) in code.more.children.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            code_link(out, child, " class=\"code\"");
        }
        out.push_str("</span>");
    }
    out.push_str("</td>");
}

/// A related code: a link when it has somewhere to go, else its text.
pub(super) fn code_link(out: &mut String, related: &super::view::CodeLink, class: &str) {
    let shown = escape(&related.code);
    match filled(&related.href) {
        Some(href) => link(out, class, href, &shown),
        None => out.push_str(&shown),
    }
}

/// `<a ATTRS href="HREF">SHOWN</a>` (`shown` is escaped already).
fn link(out: &mut String, attrs: &str, href: &str, shown: &str) {
    let _ = write!(out, "<a{attrs} href=\"{}\">{shown}</a>", escape(href));
}

/// `since …; deprecated …; sunset …; removed …`, the parts the code has.
fn lifecycle(out: &mut String, code: &CodeView) {
    let parts = [
        ("since ", &code.more.since),
        ("deprecated ", &code.more.deprecated_since),
        ("sunset ", &code.more.sunset),
        ("removed ", &code.more.removed_since),
    ];
    if parts.iter().all(|(_, v)| filled(v).is_none()) {
        return;
    }
    out.push_str(" <span class=\"lifecycle\">");
    let mut first = true;
    for (word, value) in parts {
        if let Some(value) = filled(value) {
            if !first {
                out.push_str("; ");
            }
            first = false;
            let _ = write!(out, "{word}{}", escape(value));
        }
    }
    out.push_str("</span>");
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::test_sites::{default_theme, hostile_site, prepared, repository_sites};
    use super::{Options, category};
    use crate::catalog::Column;
    use crate::content::directive::{Directive, TableView};
    use crate::render::view::with_view;
    use crate::theme::Theme;

    /// How many tables of `root`'s site were compared (0 when the site does not build).
    fn compare_site(root: &Path, theme: &Theme) -> usize {
        let Some((sources, _, prepared)) = prepared(root) else {
            return 0;
        };
        let views = &prepared.views;
        let catalog = &sources.catalog;
        let mut table_views = vec![
            TableView {
                columns: None,
                headings: None,
                list: false,
            },
            TableView {
                columns: None,
                headings: None,
                list: true,
            },
            TableView {
                columns: Some(Column::ALL.to_vec()),
                headings: Some(vec!["<h> & \"1\"".to_string()]),
                list: false,
            },
        ];
        for directive in sources.directives.iter().flatten().flatten() {
            if let Directive::Catalog { view, .. } | Directive::Category { view, .. } = directive {
                table_views.push(view.clone());
            }
        }
        let mut compared = 0;
        for (i, base) in views.categories.iter().enumerate() {
            for view in &table_views {
                let shown = with_view(base, view, &catalog.categories[i]);
                let shown = if view.columns.is_some() { &shown } else { base };
                for (heading, level) in [(true, 2), (false, 3), (true, 6)] {
                    let options = Options {
                        heading,
                        level,
                        list: view.list,
                    };
                    let Some(native) = category(shown, &views.codes, &options) else {
                        continue;
                    };
                    let by_template =
                        super::super::category_by_template(theme, shown, &views.codes, &options)
                            .map_err(|p| format!("{p:?}"))
                            .expect("the default template renders the table");
                    assert_eq!(
                        native,
                        by_template,
                        "{}: category {} ({heading}, {level}, list {})",
                        root.display(),
                        base.id,
                        view.list
                    );
                    compared += 1;
                }
            }
        }
        compared
    }

    /// The native table and the default template give the same bytes, on every site of the
    /// repository (the samples are real APIs' references) and on a catalog that uses every
    /// part of a row with text that must be escaped.
    #[test]
    fn the_native_table_is_the_default_template_byte_for_byte() {
        let theme = default_theme();
        let mut compared = 0;
        let sites = repository_sites();
        assert!(sites.len() >= 8, "found the repository's sites: {sites:?}");
        for site in &sites {
            compared += compare_site(site, &theme);
        }
        let hostile = hostile_site();
        let hostile_tables = compare_site(hostile.path(), &theme);
        assert!(
            hostile_tables > 0,
            "the hostile catalog's tables were compared"
        );
        assert!(compared > 100, "only {compared} tables compared");
    }
}
