//! HTML for the catalog's richer text: Markdown fields declared with `type = "markdown"`
//! (paragraphs, lists, emphasis, code, links; raw HTML shown as text) and the titles of the
//! pages and sections a `docs` link points at.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::content::Page;

/// Renders Markdown written in the catalog as blocks. Headings become bold paragraphs (they
/// sit inside a page's own sections), images show their text, raw HTML is shown as text.
/// Links are rewritten by `rewrite` and returned as written.
pub(crate) fn render_block(text: &str, rewrite: &dyn Fn(&str) -> String) -> (String, Vec<String>) {
    let mut links = Vec::new();
    let events = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).flat_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => vec![Event::Text(h)],
        Event::Start(Tag::Heading { .. }) => {
            vec![Event::Start(Tag::Paragraph), Event::Start(Tag::Strong)]
        }
        Event::End(TagEnd::Heading(_)) => {
            vec![Event::End(TagEnd::Strong), Event::End(TagEnd::Paragraph)]
        }
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => Vec::new(),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            links.push(dest_url.to_string());
            vec![Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(rewrite(&dest_url)),
                title,
                id,
            })]
        }
        other => vec![other],
    });
    let mut html = String::with_capacity(text.len() + 32);
    pulldown_cmark::html::push_html(&mut html, events);
    (html.trim_end().to_string(), links)
}

/// The headings of `page` as (id, text), by the heading id rule (an explicit `{#id}`, else the
/// slug of the text; later duplicates get `-1`, `-2`, ...).
pub(crate) fn headings(page: &Page) -> Vec<(String, String)> {
    let mut used = HashSet::new();
    let mut suffixes = crate::slug::Suffixes::default();
    let mut out = Vec::new();
    let mut current: Option<(Option<String>, String)> = None;
    let options = Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES;
    for event in Parser::new_ext(page.body(), options) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((id.map(|i| i.to_string()), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut current {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((explicit, text)) = current.take() else {
                    continue;
                };
                let base = explicit.unwrap_or_else(|| crate::slug::slugify(&text));
                let id = suffixes.unique(base, |id| used.contains(id));
                used.insert(id.clone());
                out.push((id, text.trim().to_string()));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_paragraphs_and_escape_html() {
        let (html, links) =
            render_block("#### Title\n\nOne <b>x</b>.\n\n* a [l](/g#x)\n* b", &|h| {
                format!("/base{h}")
            });
        assert!(html.contains("<p><strong>Title</strong></p>"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(
            html.contains("<li>a <a href=\"/base/g#x\">l</a></li>"),
            "{html}"
        );
        assert_eq!(links, vec!["/g#x"]);
    }
}
