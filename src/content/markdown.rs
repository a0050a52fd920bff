//! Markdown to HTML with pulldown-cmark: heading ids and self-links, highlighted code blocks,
//! directive blocks, and link rewriting (every link is recorded with its line for the checker).

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::directive::{self, Directive};
use super::page::Page;
use crate::catalog::Catalog;
use crate::diagnostics::{Diagnostic, Diagnostics, Problem};
use crate::highlight::code_block;
use crate::html::escape as escape_html;
use crate::urls::Resolver;

/// A page body rendered to HTML, with the links it holds (href as written, 1-based line).
pub(crate) struct Rendered {
    pub(crate) html: String,
    pub(crate) links: Vec<(String, usize)>,
}

fn page_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The directive blocks of a page, in order, each with its parsed directives. Problems (an
/// unknown directive, category or code) are reported at their line.
pub(crate) fn directive_blocks(
    page: &Page,
    catalog: &Catalog,
    diags: &mut Diagnostics,
) -> Vec<Vec<Directive>> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (event, range) in Parser::new_ext(page.body(), page_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.trim() == directive::INFO_STRING =>
            {
                current = Some((
                    page.source.line_of(page.body_start + range.start),
                    String::new(),
                ));
            }
            Event::Text(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((fence_line, text)) = current.take() {
                    let mut block = Vec::new();
                    for (i, line) in text.lines().enumerate() {
                        let line = line.trim();
                        if line.is_empty() || line.starts_with('#') {
                            continue;
                        }
                        match directive::parse(line, catalog) {
                            Ok(d) => block.push(d),
                            Err(problem) => diags.push(Diagnostic::at(
                                problem,
                                page.source.locate_line(fence_line + 1 + i),
                            )),
                        }
                    }
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    blocks
}

/// Renders a page body. `blocks` are its [`directive_blocks`]; `directive_html` renders one
/// directive (that is the theme's job).
// Long: one pass over the page's events, whose cases (links, code and directive blocks,
// headings) share the pass's state.
pub(crate) fn render_page(
    page: &Page,
    blocks: &[Vec<Directive>],
    resolver: &Resolver,
    directive_html: &mut dyn FnMut(&Directive) -> Result<String, Problem>,
    diags: &mut Diagnostics,
) -> Rendered {
    let body = page.body();
    let source_dir = page.rel.rfind('/').map_or("", |i| &page.rel[..i]);
    let line_of = |offset: usize| page.source.line_of(page.body_start + offset);

    // Directive blocks are rendered first so their ids are reserved before headings are named.
    let mut used: HashSet<String> = HashSet::new();
    let mut rendered_blocks = Vec::with_capacity(blocks.len());
    for block in blocks {
        let mut html = String::new();
        for d in block {
            match directive_html(d) {
                Ok(h) => html.push_str(&h),
                Err(problem) => diags.push(Diagnostic::at(
                    problem,
                    crate::diagnostics::Location::file(&page.source.path),
                )),
            }
        }
        used.extend(crate::html::ids_in(&html));
        rendered_blocks.push(html);
    }

    let mut links = Vec::new();
    let mut out: Vec<Event> = Vec::new();
    let mut heading: Option<OpenHeading> = None;
    let mut code: Option<(String, String)> = None;
    let mut block_index = 0;
    for (event, range) in Parser::new_ext(body, page_options()).into_offset_iter() {
        // Links and images are recorded (for the checker) and rewritten for the output.
        let event = rewrite_link(event, &mut |dest_url: &str| {
            links.push((dest_url.to_string(), line_of(range.start)));
            resolver.rewrite(dest_url, &page.url, Some(source_dir))
        });
        if let Some((lang, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let html = if lang == directive::INFO_STRING {
                        block_index += 1;
                        rendered_blocks
                            .get_mut(block_index - 1)
                            .map(std::mem::take)
                            .unwrap_or_default()
                    } else {
                        code_block(text, lang)
                    };
                    code = None;
                    push(&mut out, &mut heading, Event::Html(html.into()));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|i| i.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    inner: Vec::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    close_heading(h, &mut used, &mut out);
                }
            }
            other => push(&mut out, &mut heading, other),
        }
    }
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Rendered { html, links }
}

/// Rewrites the destination of a link or image event with `rewrite`.
fn rewrite_link<'a>(event: Event<'a>, rewrite: &mut dyn FnMut(&str) -> String) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(rewrite(&dest_url)),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from(rewrite(&dest_url)),
            title,
            id,
        }),
        other => other,
    }
}

/// Writes a heading with its id (explicit, else the slug of its text, made unique on the page)
/// and its `#` self-link.
fn close_heading<'a>(h: OpenHeading<'a>, used: &mut HashSet<String>, out: &mut Vec<Event<'a>>) {
    let text = plain_text(&h.inner);
    let id = unique_id(h.id.unwrap_or_else(|| crate::slug::slugify(&text)), used);
    let class = if h.classes.is_empty() {
        String::new()
    } else {
        format!(" class=\"{}\"", escape_html(&h.classes.join(" ")))
    };
    let tag = h.level as usize;
    let id = escape_html(&id);
    out.push(Event::Html(format!("<h{tag} id=\"{id}\"{class}>").into()));
    out.extend(h.inner);
    out.push(Event::Html(
        format!(
            "<a class=\"self-link\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{tag}>\n"
        )
        .into(),
    ));
}

/// A heading whose events are being collected until its end, to name it from its text.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    inner: Vec<Event<'a>>,
}

/// Sends an event to the open heading, if any, else to the output.
fn push<'a>(out: &mut Vec<Event<'a>>, heading: &mut Option<OpenHeading<'a>>, event: Event<'a>) {
    match heading {
        Some(h) => h.inner.push(event),
        None => out.push(event),
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// `id`, or `id-1`, `id-2`… if taken; an empty slug becomes `section`.
fn unique_id(id: String, used: &mut HashSet<String>) -> String {
    let base = if id.is_empty() {
        "section".to_string()
    } else {
        id
    };
    let mut candidate = base.clone();
    let mut n = 1;
    while used.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Renders inline Markdown from the catalog or config: emphasis, code spans and links; raw
/// HTML is shown as text, never passed through. Links are rewritten by `rewrite` and returned.
pub(crate) fn render_inline(text: &str, rewrite: &dyn Fn(&str) -> String) -> (String, Vec<String>) {
    // A line starting with `<` would open an HTML *block*, which swallows the rest of the text
    // (links included). Escaping that `<` keeps everything inline; inline HTML is shown as text.
    let text: String = text
        .split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with('<') {
                let indent = line.len() - line.trim_start().len();
                format!("{}\\{}", &line[..indent], &line[indent..])
            } else {
                line.to_string()
            }
        })
        .collect();
    let mut links = Vec::new();
    let events = Parser::new_ext(&text, Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            links.push(dest_url.to_string());
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(rewrite(&dest_url)),
                title,
                id,
            }))
        }
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(&mut html, events);
    (html.trim_end().to_string(), links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_escapes_html() {
        let (html, links) = render_inline("<script>x</script> see [g](/guide#a) `c`", &|h| {
            format!("/base{h}")
        });
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("href=\"/base/guide#a\""), "{html}");
        assert!(html.contains("<code>c</code>"), "{html}");
        assert_eq!(links, vec!["/guide#a"]);
    }

    #[test]
    fn unique_ids_get_suffixes() {
        let mut used = HashSet::new();
        assert_eq!(unique_id("a".into(), &mut used), "a");
        assert_eq!(unique_id("a".into(), &mut used), "a-1");
        assert_eq!(unique_id(String::new(), &mut used), "section");
    }
}
