//! Small HTML utilities shared by the stages: escaping text, and reading the `id` and `href`
//! attributes of rendered HTML (for the anchor registry and the link checker).

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The values of every `id="..."` attribute in rendered HTML, decoded.
pub(crate) fn ids_in(html: &str) -> Vec<String> {
    attribute_values(html, " id=\"")
}

/// The values of every `href="..."` attribute in rendered HTML, decoded.
pub(crate) fn hrefs_in(html: &str) -> Vec<String> {
    attribute_values(html, " href=\"")
}

fn attribute_values(html: &str, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(unescape_attr(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Decodes the character references an attribute value can hold (named ones we emit and any
/// numeric `&#..;` / `&#x..;`).
fn unescape_attr(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_ids_and_hrefs() {
        let html = r#"<h2 id="a&amp;b&#x2F;&#47;">x</h2><a href="/g#x">y</a><p>id="fake"</p>"#;
        assert_eq!(ids_in(html), vec!["a&b//"]);
        assert_eq!(hrefs_in(html), vec!["/g#x"]);
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
