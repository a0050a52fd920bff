//! A fast path for highlighting JSON, the language of nearly every example in an error
//! reference (each code page shows its envelope filled in).
//!
//! syntect's JSON grammar needs about a millisecond per ten-line example, which made
//! highlighting the largest cost of a build with a page per code. For text that is valid JSON
//! this module writes exactly what syntect writes (the same scopes as `hl-` classes, the same
//! nesting, the same escaping: a test compares the two on a corpus); anything else (comments,
//! placeholders like `...`, invalid JSON) goes to syntect.

/// The highlighted HTML of `code`, or `None` when it is not strict JSON.
pub(crate) fn highlight(code: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(code).ok()?;
    let mut w = Writer {
        src: code.as_bytes(),
        text: code,
        pos: 0,
        out: String::with_capacity(code.len() * 12),
    };
    w.open("source json");
    w.space();
    w.value()?;
    w.space();
    if w.pos != w.src.len() {
        return None;
    }
    w.close();
    Some(w.out)
}

struct Writer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    out: String,
}

impl Writer<'_> {
    fn open(&mut self, scopes: &str) {
        self.out.push_str("<span class=\"");
        for (i, s) in scopes.split(' ').enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            self.out.push_str("hl-");
            self.out.push_str(s);
        }
        self.out.push_str("\">");
    }

    fn close(&mut self) {
        self.out.push_str("</span>");
    }

    /// Copies `text[from..to]` escaped as syntect escapes HTML.
    fn text(&mut self, from: usize, to: usize) {
        for c in self.text[from..to].chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '"' => self.out.push_str("&quot;"),
                '\'' => self.out.push_str("&#39;"),
                c => self.out.push(c),
            }
        }
    }

    /// A token wrapped in one span.
    fn token(&mut self, scopes: &str, len: usize) {
        self.open(scopes);
        self.text(self.pos, self.pos + len);
        self.close();
        self.pos += len;
    }

    /// White space, copied as plain text.
    fn space(&mut self) {
        let start = self.pos;
        while self
            .src
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
        self.text(start, self.pos);
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn value(&mut self) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                self.string();
                Some(())
            }
            b't' | b'n' => {
                self.token("constant language json", 4);
                Some(())
            }
            b'f' => {
                self.token("constant language json", 5);
                Some(())
            }
            _ => {
                let len = self.src[self.pos..]
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .unwrap_or(self.src.len() - self.pos);
                self.token("constant numeric json", len);
                Some(())
            }
        }
    }

    fn string(&mut self) {
        self.open("string quoted double json");
        self.token("punctuation definition string begin json", 1);
        let mut start = self.pos;
        while let Some(b) = self.peek() {
            match b {
                b'"' => break,
                b'\\' => {
                    self.text(start, self.pos);
                    let len = if self.src.get(self.pos + 1) == Some(&b'u') {
                        6
                    } else {
                        2
                    };
                    self.token("constant character escape json", len);
                    start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        self.text(start, self.pos);
        self.token("punctuation definition string end json", 1);
        self.close();
    }

    fn array(&mut self) -> Option<()> {
        self.open("meta structure array json");
        self.token("punctuation section array begin json", 1);
        self.space();
        if self.peek()? != b']' {
            loop {
                self.value()?;
                self.space();
                match self.peek()? {
                    b',' => {
                        self.token("punctuation separator array json", 1);
                        self.space();
                    }
                    _ => break,
                }
            }
        }
        self.token("punctuation section array end json", 1);
        self.close();
        Some(())
    }

    fn object(&mut self) -> Option<()> {
        self.open("meta structure dictionary json");
        self.token("punctuation section dictionary begin json", 1);
        self.space();
        while self.peek()? == b'"' {
            self.open("meta structure dictionary key json");
            self.string();
            self.close();
            self.space();
            // The value's region runs from the `:` to its `,`, or to the closing `}`.
            self.open("meta structure dictionary value json");
            self.token("punctuation separator dictionary key-value json", 1);
            self.space();
            self.value()?;
            self.space();
            let more = self.peek()? == b',';
            if more {
                self.token("punctuation separator dictionary pair json", 1);
            }
            self.close();
            if !more {
                break;
            }
            self.space();
        }
        self.token("punctuation section dictionary end json", 1);
        self.close();
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::parsing::SyntaxSet;
    use syntect::util::LinesWithEndings;

    fn syntect_html(code: &str) -> String {
        static SET: std::sync::OnceLock<SyntaxSet> = std::sync::OnceLock::new();
        let set = SET.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = set.find_syntax_by_token("json").unwrap();
        let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
        let mut g = ClassedHTMLGenerator::new_with_class_style(syntax, set, style);
        for line in LinesWithEndings::from(code) {
            g.parse_html_for_line_which_includes_newline(line).unwrap();
        }
        g.finalize()
    }

    /// A small seeded generator of JSON texts with every token kind and odd white space.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn ws(&mut self) -> &'static str {
            ["", " ", "\n", "  ", "\n    ", "\t", "\r\n", " \n "][self.next(8) as usize]
        }

        fn value(&mut self, depth: u32, out: &mut String) {
            let kind = if depth > 3 {
                self.next(5)
            } else {
                self.next(7)
            };
            match kind {
                0 => out.push_str(["true", "false", "null"][self.next(3) as usize]),
                1 => out.push_str(
                    ["0", "-1", "42", "2.5", "-0.5e-3", "1E10", "123456789"][self.next(7) as usize],
                ),
                2..=4 => {
                    let s = [
                        "",
                        "a",
                        "x\\\"y",
                        "<b>&'",
                        "é ü 漢",
                        "\\u00e9\\n\\t\\\\",
                        "PG-1003",
                        "a / b",
                    ][self.next(8) as usize];
                    out.push('"');
                    out.push_str(s);
                    out.push('"');
                }
                5 => {
                    out.push('[');
                    let n = self.next(4);
                    for i in 0..n {
                        out.push_str(self.ws());
                        self.value(depth + 1, out);
                        out.push_str(self.ws());
                        if i + 1 < n {
                            out.push(',');
                        }
                    }
                    out.push_str(self.ws());
                    out.push(']');
                }
                _ => {
                    out.push('{');
                    let n = self.next(4);
                    for i in 0..n {
                        out.push_str(self.ws());
                        out.push_str(&format!("\"k{i}\""));
                        out.push_str(self.ws());
                        out.push(':');
                        out.push_str(self.ws());
                        self.value(depth + 1, out);
                        out.push_str(self.ws());
                        if i + 1 < n {
                            out.push(',');
                        }
                    }
                    out.push_str(self.ws());
                    out.push('}');
                }
            }
        }
    }

    #[test]
    fn writes_exactly_what_syntect_writes() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let mut compared = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            text.push_str(g.ws());
            g.value(0, &mut text);
            text.push_str(g.ws());
            let Some(fast) = highlight(&text) else {
                continue;
            };
            assert_eq!(fast, syntect_html(&text), "for {text:?}");
            compared += 1;
        }
        assert!(compared > 2500, "{compared}");
        let samples = [
            include_str!("../catalog/errors.toml"),
            include_str!("../examples/promptgate/catalog/errors.toml"),
        ];
        let mut examples = 0;
        for catalog in samples {
            for example in catalog.split("'''").skip(1).step_by(2) {
                let example = example.trim_start_matches('\n');
                if let Some(fast) = highlight(example) {
                    assert_eq!(fast, syntect_html(example), "for {example:?}");
                    examples += 1;
                }
            }
        }
        assert!(examples >= 3, "the sample envelopes are JSON: {examples}");
    }

    #[test]
    fn leaves_what_is_not_json_to_syntect() {
        assert!(highlight("{ \"a\": 1, }").is_none());
        assert!(highlight("// comment\n{}").is_none());
        assert!(highlight("{ \"a\": ... }").is_none());
    }
}
