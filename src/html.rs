//! Small HTML utilities shared by the stages: escaping text, and reading the attributes of
//! HTML as a browser does (the `id` and `href` attributes of rendered pages for the anchor
//! registry and the link checker; the links of raw HTML in Markdown pages).

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

/// The values of every `id` attribute in rendered HTML, decoded (comments, scripts and styles
/// left out).
pub(crate) fn ids_in(html: &str) -> Vec<String> {
    attribute_values(html, "id")
}

/// The values of every `href` attribute in rendered HTML, decoded and percent-encoded as
/// [`crate::urls::Resolver::rewrite`] writes hrefs (so a link is found as it was written
/// whether it came from Markdown or raw HTML). Comments, scripts and styles are left out: a
/// link in a comment is not a link.
pub(crate) fn hrefs_in(html: &str) -> Vec<String> {
    let mut hrefs = attribute_values(html, "href");
    for href in &mut hrefs {
        *href = crate::urls::percent_escape(href);
    }
    hrefs
}

fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    Scanner::default().scan(html, &mut |a| {
        if a.name == name {
            out.push(decode_attribute(a.raw));
        }
    });
    out
}

/// An attribute of a start tag: its name (ASCII lowercased) and its value as written (without
/// quotes, character references not decoded) at `range` of the scanned text.
pub(crate) struct Attribute<'a> {
    pub(crate) name: String,
    pub(crate) raw: &'a str,
    pub(crate) range: std::ops::Range<usize>,
}

/// Finds the attributes of start tags in HTML, as a browser reads them: comments, `<!...>`
/// declarations, `<?...?>` and the text of `script`, `style`, `textarea` and `title`
/// elements hold none. Text may be scanned in pieces: a comment (or raw text element) left
/// open at the end of one piece goes on in the next.
#[derive(Default)]
pub(crate) struct Scanner {
    /// Inside a comment, or inside the raw text element of this name.
    open: Option<&'static str>,
}

impl Scanner {
    /// Calls `found` for every attribute of every start tag of `html`, in order.
    pub(crate) fn scan<'a>(&mut self, html: &'a str, found: &mut dyn FnMut(Attribute<'a>)) {
        let mut at = 0;
        while at < html.len() {
            if let Some(open) = self.open {
                let close = if open == "--" { "-->" } else { open };
                match find_ignore_case(&html[at..], close) {
                    Some(i) => {
                        at += i + close.len();
                        self.open = None;
                    }
                    None => return,
                }
                continue;
            }
            let Some(lt) = html[at..].find('<') else {
                return;
            };
            at += lt + 1;
            let rest = &html[at..];
            if let Some(after) = rest.strip_prefix("!--") {
                // `<!-->` and `<!--->` are whole (empty) comments.
                if after.starts_with('>') || after.starts_with("->") {
                    continue;
                }
                at += 3;
                self.open = Some("--");
            } else if rest.starts_with(['!', '?', '/']) {
                at += rest.find('>').map_or(rest.len(), |i| i + 1);
            } else if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                at += self.start_tag(html, at, found);
            }
        }
    }

    /// Reads the start tag whose name begins at `at`; returns its length.
    fn start_tag<'a>(
        &mut self,
        html: &'a str,
        at: usize,
        found: &mut dyn FnMut(Attribute<'a>),
    ) -> usize {
        let bytes = html.as_bytes();
        let stop = |b: u8| b.is_ascii_whitespace() || b == b'/' || b == b'>';
        let mut i = at;
        while i < bytes.len() && !stop(bytes[i]) {
            i += 1;
        }
        let tag = html[at..i].to_ascii_lowercase();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            i = read_attribute(html, i, found);
        }
        self.open = ["script", "style", "textarea", "title"]
            .into_iter()
            .find(|t| *t == tag)
            .map(|t| match t {
                "script" => "</script",
                "style" => "</style",
                "textarea" => "</textarea",
                _ => "</title",
            });
        (i + 1).min(bytes.len()) - at
    }
}

/// Reads one attribute starting at `i` (name, optional `=` and value); returns where it ends.
fn read_attribute<'a>(html: &'a str, mut i: usize, found: &mut dyn FnMut(Attribute<'a>)) -> usize {
    let bytes = html.as_bytes();
    let name_start = i;
    i += 1; // a name may start with `=`
    while i < bytes.len() && !(bytes[i].is_ascii_whitespace() || b"/>=".contains(&bytes[i])) {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut j = i;
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    if j >= bytes.len() || bytes[j] != b'=' {
        found(Attribute {
            name,
            raw: "",
            range: i..i,
        });
        return i;
    }
    j += 1;
    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
        j += 1;
    }
    let (start, end, next) = match bytes.get(j) {
        Some(&q @ (b'"' | b'\'')) => {
            let end = html[j + 1..]
                .find(q as char)
                .map_or(html.len(), |e| j + 1 + e);
            (j + 1, end, (end + 1).min(html.len()))
        }
        _ => {
            let end = html[j..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .map_or(html.len(), |e| j + e);
            (j, end, end)
        }
    };
    found(Attribute {
        name,
        raw: &html[start..end],
        range: start..end,
    });
    next
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Decodes the character references of an attribute value as a browser does: numeric ones
/// (`&#106;`, `&#x6A;`, also without the `;`) and the named ones a URL or id can hold
/// (`&amp;`, `&colon;`, `&Tab;`, ...). Unknown references are kept as written.
pub(crate) fn decode_attribute(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
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

/// The character a reference at the start of `s` (`&...`) stands for, and its length.
fn reference(s: &str) -> Option<(char, usize)> {
    if let Some(num) = s.strip_prefix("&#") {
        let (hex, digits) = match num.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, num),
        };
        let len = digits
            .find(|c: char| {
                !(if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                })
            })
            .unwrap_or(digits.len());
        if len == 0 {
            return None;
        }
        let value = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok();
        let c = value
            .and_then(char::from_u32)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        let semi = usize::from(digits[len..].starts_with(';'));
        return Some((c, s.len() - digits.len() + len + semi));
    }
    let end = s.find(';').filter(|&e| e <= 10)?;
    let c = match &s[1..end] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "colon" => ':',
        "sol" => '/',
        "num" => '#',
        "quest" => '?',
        "period" => '.',
        "percnt" => '%',
        "equals" => '=',
        "plus" => '+',
        "commat" => '@',
        "Tab" => '\t',
        "NewLine" => '\n',
        "nbsp" => '\u{a0}',
        _ => return None,
    };
    Some((c, end + 1))
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
    fn skips_comments_scripts_and_text() {
        let html = "<!-- <a href=\"/c\"> --><!--><a href='/x' id=k>t</a>\
                    <script>let s = '<a href=\"/s\">';</script><p>a id=\"t\"</p>\
                    <img src=/i.png alt=\"a > b\"><a HREF = \"/y\"/>";
        assert_eq!(hrefs_in(html), vec!["/x", "/y"]);
        assert_eq!(ids_in(html), vec!["k"]);
        let mut scanner = Scanner::default();
        let mut found = Vec::new();
        scanner.scan("<p><!-- <a href=\"/1\">", &mut |a| {
            found.push(a.raw.to_string())
        });
        scanner.scan("--> <a href=\"/2\">", &mut |a| {
            found.push(a.raw.to_string())
        });
        assert_eq!(found, vec!["/2"]);
    }

    #[test]
    fn decodes_references_like_a_browser() {
        assert_eq!(
            decode_attribute("&#106;ava&#x53;cript&colon;x"),
            "javaScript:x"
        );
        assert_eq!(decode_attribute("&#106avascript:x"), "javascript:x");
        assert_eq!(decode_attribute("java&Tab;script:"), "java\tscript:");
        assert_eq!(decode_attribute("a&b&unknown;&#;"), "a&b&unknown;&#;");
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
