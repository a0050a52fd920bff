//! The default theme's `code_page.html` (with `base.html` around it), written directly in Rust.
//!
//! With a page per code, rendering those pages through tera was about a quarter of a build's
//! CPU (turning each page's context into a tera value, then tera's lookups). When a site
//! overrides none of [`TEMPLATES`], [`code_page`] writes the same bytes the templates would,
//! straight from the page's context; otherwise the site's templates render through tera.
//!
//! The templates stay the reference: a unit test (in `codepages`) renders every code page of
//! every site in the repository and of a catalog using every part of a code page both ways and
//! requires the same bytes. A change to one of the templates must be made here too.

use std::fmt::Write as _;

use serde::Serialize;

use super::context::{PageView, SiteContext};
use super::example::ExampleView;
use super::table_html::{code_link, filled};
use super::view::{CategoryLink, CodeLink, CodeView};
use crate::html::escape;

/// The templates a code page is rendered with: written natively only when all are the
/// default theme's.
pub(crate) const TEMPLATES: [&str; 3] = ["code_page.html", "base.html", "head_extra.html"];

/// What `code_page.html` sees: a page context plus everything about one code.
#[derive(Serialize)]
pub(crate) struct CodePageContext<'a> {
    pub(crate) site: &'a SiteContext,
    pub(crate) page: PageView,
    pub(crate) nav_html: &'a str,
    pub(crate) code: &'a CodeView,
    pub(crate) category: CategoryLink,
    /// The envelope this code is returned in, filled in with this code (highlighted HTML).
    pub(crate) example: Option<ExampleView>,
    /// Other codes of its category near it in the catalog.
    pub(crate) related: Vec<CodeLink>,
    /// Codes that this one replaces.
    pub(crate) replaces: Vec<CodeLink>,
    /// The code it is a sub-code of (its page).
    pub(crate) parent: Option<CodeLink>,
    /// Its sub-codes (their pages).
    pub(crate) children: Vec<CodeLink>,
    /// The `type` URI of its problem details, when its envelope is one (RFC 9457): this page.
    pub(crate) problem_type: Option<String>,
    /// The href of its JSON file (its `errors.json` entry), beside the page.
    pub(crate) json: String,
}

/// The HTML the default `code_page.html` renders for `ctx`.
pub(crate) fn code_page(ctx: &CodePageContext) -> String {
    let mut out = String::with_capacity(4096);
    let json = escape(&ctx.json);
    let head = format!("<link rel=\"alternate\" type=\"application/json\" href=\"{json}\">\n");
    base_top(&mut out, ctx.site, &ctx.page, &head, ctx.nav_html);
    content(&mut out, ctx, &json);
    base_bottom(&mut out, ctx.site);
    out
}

/// `base.html` up to its `content` block, with `head` in its `head` block.
fn base_top(out: &mut String, site: &SiteContext, page: &PageView, head: &str, nav_html: &str) {
    let title = escape(&site.title);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">",
        escape(&site.language)
    );
    out.push_str("<title>");
    if page.title != site.title {
        let _ = write!(out, "{} · ", escape(&page.title));
    }
    let _ = writeln!(out, "{title}</title>");
    if let Some(description) = filled(&page.description).or(filled(&site.description)) {
        let _ = writeln!(
            out,
            "<meta name=\"description\" content=\"{}\">",
            escape(description)
        );
    }
    if let Some(permalink) = filled(&page.permalink) {
        let _ = writeln!(
            out,
            "<link rel=\"canonical\" href=\"{}\">",
            escape(permalink)
        );
    }
    out.push_str(head);
    let base = escape(&site.base_path);
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"errdocs\">\n\
         <meta name=\"theme-color\" content=\"#ffffff\" media=\"(prefers-color-scheme: light)\">\n\
         <meta name=\"theme-color\" content=\"#111418\" media=\"(prefers-color-scheme: dark)\">\n\
         <link rel=\"icon\" href=\"{ICON}\">\n\
         <link rel=\"stylesheet\" href=\"{base}errdocs.css\">\n\
         <link rel=\"stylesheet\" href=\"{base}syntax.css\">\n\
         <script src=\"{base}errdocs.js\" defer></script>\n\
         \n</head>\n<body>\n\
         <a class=\"skip-link\" href=\"#main\">Skip to content</a>\n\
         <header class=\"site-header\">\n\
         <a class=\"brand\" href=\"{}\">{title}</a>\n\
         </header>\n<div class=\"layout\">\n{nav_html}\n<main id=\"main\" tabindex=\"-1\">",
        escape(&site.home)
    );
}

/// The favicon `base.html` writes.
const ICON: &str = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%2016%2016'%3E%3Crect%20width='16'%20height='16'%20rx='3'%20fill='%232456d6'/%3E%3Cpath%20d='M5%204h6M5%208h4M5%2012h6M5%204v8'%20stroke='%23fff'%20stroke-width='1.6'%20fill='none'/%3E%3C/svg%3E";

/// `base.html` after its `content` block.
fn base_bottom(out: &mut String, site: &SiteContext) {
    out.push('\n');
    if let Some(footer) = &site.footer {
        out.push_str("<footer class=\"site-footer\">\n");
        if let Some(heading) = filled(&footer.heading) {
            let _ = writeln!(out, "<h2 class=\"footer-heading\">{}</h2>", escape(heading));
        }
        if let Some(html) = filled(&footer.html) {
            let _ = writeln!(out, "<p>{html}</p>");
        }
        out.push_str("</footer>\n");
    }
    out.push_str("</main>\n</div>\n</body>\n</html>\n");
}

/// A related code's message after its link.
fn with_message(out: &mut String, link: &CodeLink) {
    if let Some(message) = filled(&link.message) {
        let _ = write!(out, " {}", escape(message));
    }
}

/// `Use CODE instead.` after a notice, when the code has a replacement.
fn replacement(out: &mut String, replaced_by: &Option<CodeLink>) {
    if let Some(r) = replaced_by {
        out.push_str(" Use ");
        code_link(out, r, "");
        out.push_str(" instead.");
    }
}

/// `<code>A</code>, <code>B</code>`.
fn code_list(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "<code>{}</code>", escape(item));
    }
}

/// A section heading with its self-link.
fn section(out: &mut String, id: &str, title: &str) {
    let _ = writeln!(
        out,
        "<h2 id=\"{id}\">{title}<a class=\"self-link\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h2>"
    );
}

/// The `content` block of `code_page.html`.
// Long: the template's content block in order, one part after the other; split, each part
// would only be called once.
fn content(out: &mut String, ctx: &CodePageContext, json: &str) {
    let code = ctx.code;
    let shown = escape(&code.code);
    let category_title = escape(&ctx.category.title);
    let home = filled(&ctx.category.href).unwrap_or(&ctx.site.home);
    let _ = writeln!(
        out,
        "<article class=\"page code-page\">\n<p class=\"breadcrumb\"><a href=\"{}\">{category_title}</a></p>",
        escape(home)
    );
    let _ = write!(out, "<h1><span class=\"code\">{shown}</span>");
    if let Some(label) = filled(&code.more.label) {
        let _ = write!(out, " {}", escape(label));
    }
    if let Some(message) = filled(&code.message) {
        let _ = write!(out, ": {}", escape(message));
    }
    out.push_str("</h1>\n");
    if code.state == "removed" {
        out.push_str("<p class=\"notice notice-removed\"><strong>Removed</strong>");
        if let Some(since) = filled(&code.more.removed_since) {
            let _ = write!(out, " since {}", escape(since));
        }
        out.push_str(": the API no longer returns this code.");
        if let Some(why) = filled(&code.more.removed_why) {
            let _ = write!(out, " {why}");
        }
        replacement(out, &code.more.replaced_by);
        out.push_str("</p>\n");
    } else if code.state == "deprecated" {
        out.push_str("<p class=\"notice notice-deprecated\"><strong>Deprecated");
        if let Some(since) = filled(&code.more.deprecated_since) {
            let _ = write!(out, " since {}", escape(since));
        }
        out.push_str(".</strong>");
        if let Some(sunset) = filled(&code.more.sunset) {
            let _ = write!(out, " The API stops returning it on {}.", escape(sunset));
        }
        if let Some(why) = filled(&code.more.deprecated_why) {
            let _ = write!(out, " {why}");
        }
        replacement(out, &code.more.replaced_by);
        out.push_str("</p>\n");
    }
    out.push_str("<dl class=\"code-facts\">\n");
    if code.is_name {
        let _ = writeln!(
            out,
            "<dt>Code</dt><dd>None: the API sends this error without a code; this reference names it <code>{shown}</code>.</dd>"
        );
    }
    if !code.statuses.is_empty() {
        out.push_str("<dt>HTTP status</dt><dd>");
        for (i, s) in code.statuses.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let name = s.name.as_deref().map(escape).unwrap_or_default();
            let _ = write!(
                out,
                "<span class=\"status status-{}\">{}</span> {name}",
                escape(&s.class),
                s.status
            );
            if s.typical && code.statuses.len() > 1 {
                out.push_str(" (typical)");
            }
        }
        out.push_str("</dd>\n");
    }
    if let Some(parent) = &ctx.parent {
        out.push_str("<dt>Sub-code of</dt><dd>");
        code_link(out, parent, " class=\"code\"");
        with_message(out, parent);
        out.push_str("</dd>\n");
    }
    let _ = write!(out, "<dt>Category</dt><dd>{category_title}");
    if !code.more.also_in.is_empty() {
        out.push_str("; also listed in ");
        for (i, a) in code.more.also_in.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let title = escape(&a.title);
            match filled(&a.href) {
                Some(href) => {
                    let _ = write!(out, "<a href=\"{}\">{title}</a>", escape(href));
                }
                None => out.push_str(&title),
            }
        }
    }
    out.push_str("</dd>\n");
    if let Some(message) = filled(&code.message) {
        let _ = writeln!(out, "<dt>Message</dt><dd>{}</dd>", escape(message));
    }
    for (term, html) in [
        ("Meaning", &code.more.meaning),
        ("Detail", &code.more.detail),
        ("How to fix", &code.fix),
    ] {
        if let Some(html) = filled(html) {
            let _ = writeln!(out, "<dt>{term}</dt><dd>{html}</dd>");
        }
    }
    for f in code
        .more
        .fields
        .iter()
        .filter(|f| matches!(f.kind, "text" | "url"))
    {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(&f.title), f.html);
    }
    if let Some(retry) = filled(&code.retry) {
        let _ = write!(out, "<dt>Retry</dt><dd>{}", escape(retry));
        if let Some(how) = filled(&code.retry_how) {
            let _ = write!(out, ". {how}");
        }
        out.push_str("</dd>\n");
    }
    if let Some(since) = filled(&code.more.since) {
        let _ = writeln!(out, "<dt>Since</dt><dd>{}</dd>", escape(since));
    }
    if let Some(docs) = filled(&code.docs) {
        let title = filled(&code.docs_title).unwrap_or(docs);
        let _ = writeln!(
            out,
            "<dt>Docs</dt><dd><a href=\"{}\">{}</a></dd>",
            escape(docs),
            escape(title)
        );
    }
    if !code.more.aliases.is_empty() {
        out.push_str("<dt>Formerly</dt><dd>");
        code_list(out, &code.more.aliases);
        out.push_str("</dd>\n");
    }
    out.push_str("</dl>\n");
    if let Some(problem_type) = filled(&ctx.problem_type) {
        let _ = writeln!(
            out,
            "<p class=\"problem-type\">Problem type URI: <code>{}</code></p>\n\
             <p class=\"problem-type-note\">This page documents the problem type: the API answers with <code>Content-Type: application/problem+json</code> (<a href=\"https://www.rfc-editor.org/rfc/rfc9457\">RFC 9457</a>) and puts this URI in the <code>type</code> member.</p>",
            escape(problem_type)
        );
    }
    for f in code
        .more
        .fields
        .iter()
        .filter(|f| matches!(f.kind, "markdown" | "list"))
    {
        let name = escape(&f.name);
        section(out, &format!("field-{name}"), &escape(&f.title));
        let _ = writeln!(
            out,
            "<div class=\"field field-{name}\">\n{}\n</div>",
            f.html
        );
    }
    if !ctx.children.is_empty() {
        section(out, "sub-codes", "Sub-codes");
        out.push_str("<ul class=\"related sub-codes\">\n");
        for r in &ctx.children {
            out.push_str("<li>");
            code_link(out, r, " class=\"code\"");
            with_message(out, r);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    if let Some(example) = &ctx.example {
        section(out, "example", "Example response");
        let _ = writeln!(
            out,
            "<figure class=\"example\">\n<figcaption>{}</figcaption>",
            escape(&example.title)
        );
        if let Some(line) = filled(&example.status_line) {
            let _ = writeln!(
                out,
                "<pre class=\"status-line\"><code>{}</code></pre>",
                escape(line)
            );
        }
        let _ = writeln!(out, "{}</figure>", example.html);
        if !example.omitted.is_empty() {
            out.push_str("<p class=\"example-note\">Left out: ");
            code_list(out, &example.omitted);
            out.push_str("; the catalog gives no value for this code.</p>\n");
        }
    }
    if !ctx.related.is_empty() || !ctx.replaces.is_empty() {
        section(out, "related", "Related codes");
        out.push_str("<ul class=\"related\">\n");
        for (prefix, list) in [("Replaces ", &ctx.replaces), ("", &ctx.related)] {
            for r in list {
                let _ = write!(out, "<li>{prefix}");
                code_link(out, r, " class=\"code\"");
                with_message(out, r);
                out.push_str("</li>\n");
            }
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"code-json\"><a href=\"{json}\" type=\"application/json\">This code as JSON</a> (its entry in <code>errors.json</code>)</p>"
    );
    if let Some(href) = filled(&code.href) {
        let _ = writeln!(
            out,
            "<p class=\"back\"><a href=\"{}\">See {shown} in the reference table</a></p>",
            escape(href)
        );
    }
    out.push_str("</article>\n");
}
