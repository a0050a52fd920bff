//! Catalog Markdown as plain text, for exports and meta descriptions: the words without the
//! markup (a link becomes its text, a code span its content, a list one item per line).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The plain text of Markdown written in the catalog.
pub(crate) fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut pending_break = false;
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                if pending_break && !out.is_empty() {
                    out.push('\n');
                }
                pending_break = false;
                out.push_str(&t);
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => pending_break = true,
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                pending_break = true;
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

/// At most `max` characters of `text`, cut at a word boundary and marked with `…` when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_dropped() {
        assert_eq!(
            plain_text("See [the guide](/guide#a), `pk_live_` and *this*."),
            "See the guide, pk_live_ and this."
        );
        assert_eq!(plain_text("* one\n* two"), "one\ntwo");
        assert_eq!(plain_text("First.\n\nSecond."), "First.\nSecond.");
    }

    #[test]
    fn shortens_at_words() {
        assert_eq!(shorten("a b c", 10), "a b c");
        assert_eq!(shorten("alpha beta gamma", 12), "alpha beta…");
    }
}
