//! Small HTML utilities shared by the stages: escaping text, and reading the attributes of
//! HTML as a browser does (the `id` and `href` attributes of rendered pages for the anchor
//! registry and the link checker; the links of raw HTML in Markdown pages).

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Runs of plain text are copied whole: the five characters are ASCII, so a byte index
    // at one of them is a character boundary.
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[plain..at]);
        out.push_str(entity);
        plain = at + 1;
    }
    out.push_str(&text[plain..]);
    out
}

/// The values of every `id` attribute in rendered HTML written in pieces, read as the one text
/// they make (a comment or script left open in one piece goes on in the next), decoded
/// (comments, scripts and styles left out).
pub(crate) fn ids_in_pieces<'a>(pieces: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    let mut scanner = Scanner::default();
    for piece in pieces {
        scanner.scan(piece, &mut |a| {
            if a.name.eq_ignore_ascii_case("id") {
                out.push(decode_attribute(a.raw));
            }
        });
    }
    out
}

/// The values of every `id` attribute and of every `href` attribute in rendered HTML, read in
/// one pass: ids decoded as [`ids_in_pieces`] reads them, hrefs decoded and percent-encoded as
/// [`crate::urls::Resolver::rewrite`] writes hrefs (so a link is found as it was written
/// whether it came from Markdown or raw HTML). Comments, scripts and styles are left out: a
/// link in a comment is not a link.
pub(crate) fn ids_and_hrefs(html: &str) -> (Vec<String>, Vec<String>) {
    let (mut ids, mut hrefs) = (Vec::new(), Vec::new());
    Scanner::default().scan(html, &mut |a| {
        if a.name.eq_ignore_ascii_case("id") {
            ids.push(decode_attribute(a.raw));
        } else if a.name.eq_ignore_ascii_case("href") {
            hrefs.push(crate::urls::percent_escape(&decode_attribute(a.raw)));
        }
    });
    (ids, hrefs)
}

/// An attribute of a start tag: its name as written (HTML names are ASCII case-insensitive)
/// and its value as written (without quotes, character references not decoded) at `range`
/// of the scanned text.
pub(crate) struct Attribute<'a> {
    pub(crate) name: &'a str,
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
    pub(crate) fn scan<'a, F: FnMut(Attribute<'a>)>(&mut self, html: &'a str, found: &mut F) {
        let bytes = html.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
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
            let Some(lt) = next_byte(bytes, at, b'<') else {
                return;
            };
            at = lt + 1;
            match bytes.get(at) {
                Some(b'!') if bytes[at..].starts_with(b"!--") => {
                    // `<!-->` and `<!--->` are whole (empty) comments.
                    let after = &bytes[at + 3..];
                    if !(after.starts_with(b">") || after.starts_with(b"->")) {
                        at += 3;
                        self.open = Some("--");
                    }
                }
                Some(b'!' | b'?' | b'/') => {
                    at = next_byte(bytes, at, b'>').map_or(bytes.len(), |i| i + 1);
                }
                Some(b) if b.is_ascii_alphabetic() => at = self.start_tag(html, at, found),
                _ => {}
            }
        }
    }

    /// Reads the start tag whose name begins at `at`; returns where it ends.
    fn start_tag<'a, F: FnMut(Attribute<'a>)>(
        &mut self,
        html: &'a str,
        at: usize,
        found: &mut F,
    ) -> usize {
        let bytes = html.as_bytes();
        let mut i = skip(bytes, at, |c| c & (SPACE | SLASH | GT) == 0);
        let tag = &html[at..i];
        loop {
            i = skip(bytes, i, |c| c & (SPACE | SLASH) != 0);
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            i = read_attribute(html, i, found);
        }
        if (5..=8).contains(&tag.len()) {
            self.open = ["</script", "</style", "</textarea", "</title"]
                .into_iter()
                .find(|close| close[2..].eq_ignore_ascii_case(tag));
        }
        (i + 1).min(bytes.len())
    }
}

const SPACE: u8 = 1;
const SLASH: u8 = 2;
const GT: u8 = 4;
const EQ: u8 = 8;

/// The classes of ASCII bytes the scanner stops at.
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b' ' as usize] = SPACE;
    table[b'\t' as usize] = SPACE;
    table[b'\n' as usize] = SPACE;
    table[b'\r' as usize] = SPACE;
    table[0x0c] = SPACE;
    table[b'/' as usize] = SLASH;
    table[b'>' as usize] = GT;
    table[b'=' as usize] = EQ;
    table
};

/// The first index at or after `i` whose byte's class does not satisfy `keep`.
fn skip(bytes: &[u8], mut i: usize, keep: impl Fn(u8) -> bool) -> usize {
    while i < bytes.len() && keep(CLASS[bytes[i] as usize]) {
        i += 1;
    }
    i
}

/// Reads one attribute starting at `i` (name, optional `=` and value); returns where it ends.
fn read_attribute<'a, F: FnMut(Attribute<'a>)>(html: &'a str, i: usize, found: &mut F) -> usize {
    let bytes = html.as_bytes();
    // A name may start with `=`.
    let name_end = skip(bytes, i + 1, |c| c & (SPACE | SLASH | GT | EQ) == 0);
    let name = &html[i..name_end];
    let mut j = skip(bytes, name_end, |c| c == SPACE);
    if bytes.get(j) != Some(&b'=') {
        let range = name_end..name_end;
        found(Attribute {
            name,
            raw: "",
            range,
        });
        return name_end;
    }
    j = skip(bytes, j + 1, |c| c == SPACE);
    let (start, end, next) = match bytes.get(j) {
        Some(&q @ (b'"' | b'\'')) => {
            let end = next_byte(bytes, j + 1, q).unwrap_or(bytes.len());
            (j + 1, end, (end + 1).min(bytes.len()))
        }
        _ => {
            let end = skip(bytes, j, |c| c & (SPACE | GT) == 0);
            (j, end, end)
        }
    };
    let raw = &html[start..end];
    found(Attribute {
        name,
        raw,
        range: start..end,
    });
    next
}

/// The index of the first `b` at or after `from`.
fn next_byte(bytes: &[u8], from: usize, b: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&x| x == b)
        .map(|i| from + i)
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

    /// Pieces are read as the text they make: a comment left open in one closes in the next.
    #[test]
    fn ids_of_pieces_are_those_of_the_whole() {
        let pieces = [
            "<p id=a><!-- <a id=x>",
            "</p> --> <b id=y><script>",
            "<i id=z></script>",
        ];
        assert_eq!(ids_in_pieces(pieces), ids_and_hrefs(&pieces.concat()).0);
        assert_eq!(ids_in_pieces(pieces), ["a", "y"]);
    }

    #[test]
    fn scans_ids_and_hrefs() {
        let html = r#"<h2 id="a&amp;b&#x2F;&#47;">x</h2><a href="/g#x">y</a><p>id="fake"</p>"#;
        assert_eq!(ids_in_pieces([html]), vec!["a&b//"]);
        assert_eq!(ids_and_hrefs(html).1, vec!["/g#x"]);
    }

    #[test]
    fn skips_comments_scripts_and_text() {
        let html = "<!-- <a href=\"/c\"> --><!--><a href='/x' id=k>t</a>\
                    <script>let s = '<a href=\"/s\">';</script><p>a id=\"t\"</p>\
                    <img src=/i.png alt=\"a > b\"><a HREF = \"/y\"/>";
        assert_eq!(
            ids_and_hrefs(html),
            (vec!["k".to_string()], vec!["/x".into(), "/y".into()])
        );
        assert_eq!(ids_in_pieces([html]), vec!["k"]);
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
        // Text around and between the characters is copied as it is, whatever its width.
        assert_eq!(escape("é<ü>日本&"), "é&lt;ü&gt;日本&amp;");
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape(""), "");
    }
}
