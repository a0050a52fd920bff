//! A YAML document (JSON too: JSON is YAML 1.2's flow style) as a tree whose nodes and mapping
//! keys keep where they were written, built from `saphyr-parser`'s events. Only what
//! `check --openapi` reads: mappings (keys as text, in file order), sequences and scalars (as
//! written, no type resolution). Aliases share their anchor's node, so a document of aliases
//! of aliases stays as small as its text; nothing here recurses over the tree.

use saphyr_parser::{Event, Parser, ScanError, Span};

/// A parsed document: nodes in an arena, `root` the top one.
pub(crate) struct Doc {
    nodes: Vec<Node>,
    pub(crate) root: usize,
}

pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) span: Span,
}

pub(crate) enum Kind {
    Scalar(String),
    Seq(Vec<usize>),
    Map(Vec<Entry>),
}

/// A mapping entry: its key as text (empty for a key that is not a scalar) and value.
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) key_span: Span,
    pub(crate) value: usize,
}

impl Doc {
    pub(crate) fn node(&self, i: usize) -> &Node {
        &self.nodes[i]
    }

    /// The entries of node `i` if it is a mapping.
    pub(crate) fn entries(&self, i: usize) -> Option<&[Entry]> {
        match &self.nodes[i].kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of `key` in mapping `i` (the first one when a key repeats).
    pub(crate) fn get(&self, i: usize, key: &str) -> Option<&Entry> {
        self.entries(i)?.iter().find(|e| e.key == key)
    }

    /// The text of node `i` if it is a scalar.
    pub(crate) fn scalar(&self, i: usize) -> Option<&str> {
        match &self.nodes[i].kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Follows a JSON pointer (`/components/responses/NotFound`, RFC 6901 escapes and percent
    /// encoding undone) from the root.
    pub(crate) fn pointer(&self, pointer: &str) -> Option<usize> {
        let mut at = self.root;
        if pointer.is_empty() {
            return Some(at);
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let decoded = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .ok()?;
            let token = decoded.replace("~1", "/").replace("~0", "~");
            at = match &self.nodes[at].kind {
                Kind::Map(_) => self.get(at, &token)?.value,
                Kind::Seq(items) => *items.get(token.parse::<usize>().ok()?)?,
                Kind::Scalar(_) => return None,
            };
        }
        Some(at)
    }
}

/// A collection being read.
enum Frame {
    Seq(usize),
    /// A mapping and the key read for the value to come.
    Map(usize, Option<(String, Span)>),
}

struct Builder {
    nodes: Vec<Node>,
    stack: Vec<Frame>,
    /// Anchor id -> node.
    anchors: Vec<Option<usize>>,
    root: Option<usize>,
}

impl Builder {
    fn add(&mut self, kind: Kind, span: Span, anchor: usize) -> usize {
        self.nodes.push(Node { kind, span });
        let i = self.nodes.len() - 1;
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some(i);
        }
        i
    }

    /// Node `i` is complete: it is the root, a sequence item, a key or a key's value.
    fn attach(&mut self, i: usize) {
        let key_of = |nodes: &[Node]| match &nodes[i].kind {
            Kind::Scalar(s) => s.clone(),
            _ => String::new(),
        };
        match self.stack.last_mut() {
            None => {
                self.root.get_or_insert(i);
            }
            Some(Frame::Seq(parent)) => {
                if let Kind::Seq(items) = &mut self.nodes[*parent].kind {
                    items.push(i);
                }
            }
            Some(Frame::Map(parent, pending)) => match pending.take() {
                None => *pending = Some((key_of(&self.nodes), self.nodes[i].span)),
                Some((key, key_span)) => {
                    if let Kind::Map(entries) = &mut self.nodes[*parent].kind {
                        entries.push(Entry {
                            key,
                            key_span,
                            value: i,
                        });
                    }
                }
            },
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) {
        match event {
            Event::Scalar(text, _, anchor, _) => {
                let i = self.add(Kind::Scalar(text.into_owned()), span, anchor);
                self.attach(i);
            }
            Event::Alias(anchor) => {
                let i = match self.anchors.get(anchor).copied().flatten() {
                    Some(i) => i,
                    None => self.add(Kind::Scalar(String::new()), span, 0),
                };
                self.attach(i);
            }
            Event::SequenceStart(anchor, _) => {
                let i = self.add(Kind::Seq(Vec::new()), span, anchor);
                self.stack.push(Frame::Seq(i));
            }
            Event::MappingStart(anchor, _) => {
                let i = self.add(Kind::Map(Vec::new()), span, anchor);
                self.stack.push(Frame::Map(i, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(Frame::Seq(i) | Frame::Map(i, _)) = self.stack.pop() {
                    self.attach(i);
                }
            }
            _ => {}
        }
    }
}

/// `text` with each escaped UTF-16 surrogate (`\ud83d`, valid JSON, which writes a character
/// outside the BMP as a pair of them, but not YAML, whose `\u` is a code point) replaced by
/// `\ufffd`: the same length, so every position stays where it was. Such characters end up
/// as U+FFFD, in texts this check never reads.
fn without_surrogate_escapes(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let is_surrogate = |i: usize| {
        b.get(i + 1) == Some(&b'u')
            && b.get(i + 2).is_some_and(|c| c.eq_ignore_ascii_case(&b'd'))
            && b.get(i + 3).is_some_and(|c| b"89abcdefABCDEF".contains(c))
            && b.get(i + 4).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 5).is_some_and(u8::is_ascii_hexdigit)
    };
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while let Some(at) = b[i..].iter().position(|&c| c == b'\\') {
        let at = i + at;
        if is_surrogate(at) {
            out.get_or_insert_with(|| b.to_vec())[at + 2..at + 6].copy_from_slice(b"fffd");
            i = at + 6;
        } else {
            // An escaped character (`\\` included) is skipped whole.
            i = at + 2;
        }
        if i >= b.len() {
            break;
        }
    }
    match out.map(String::from_utf8) {
        Some(Ok(s)) => std::borrow::Cow::Owned(s),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

/// Parses the first document of `text`; `Ok(None)` for a stream without one (empty text).
pub(crate) fn parse(text: &str) -> Result<Option<Doc>, ScanError> {
    let text = without_surrogate_escapes(text);
    let text = text.as_ref();
    let mut b = Builder {
        nodes: Vec::new(),
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event?;
        if matches!(event, Event::DocumentEnd | Event::StreamEnd) {
            break;
        }
        b.event(event, span);
    }
    Ok(b.root.map(|root| Doc {
        nodes: b.nodes,
        root,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(doc: &Doc, i: usize) -> Vec<(String, usize, usize)> {
        doc.entries(i)
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e.key.clone(),
                    e.key_span.start.line(),
                    e.key_span.start.col(),
                )
            })
            .collect()
    }

    #[test]
    fn keys_keep_their_line_and_column_in_yaml_and_json() {
        let yaml = "a:\n  '404':\n    x: 1\n  \"500\": {}\n  4XX: &r [1, 2]\n  b: *r\n";
        let doc = parse(yaml).unwrap().unwrap();
        let a = doc.get(doc.root, "a").unwrap().value;
        assert_eq!(
            keys(&doc, a),
            vec![
                ("404".into(), 2, 2),
                ("500".into(), 4, 2),
                ("4XX".into(), 5, 2),
                ("b".into(), 6, 2)
            ]
        );
        let json = "{\n\t\"a\": {\n\t\t\"404\": {\"x\": 1},\n\t\t\"500\": []\n\t}\n}\n";
        let doc = parse(json).unwrap().unwrap();
        let a = doc.get(doc.root, "a").unwrap().value;
        assert_eq!(
            keys(&doc, a),
            vec![("404".into(), 3, 2), ("500".into(), 4, 2)]
        );
        assert_eq!(
            doc.pointer("/a/404/x").map(|i| doc.scalar(i)),
            Some(Some("1"))
        );
    }

    #[test]
    fn json_surrogate_pairs_and_minified_json() {
        let json = r#"{"a":{"b\\ud83d":"x \ud83d\udc4d","c":[1,{"d":2}]},"e":"\u00e9"}"#;
        let doc = parse(json).unwrap().unwrap();
        let a = doc.get(doc.root, "a").unwrap().value;
        assert_eq!(
            keys(&doc, a),
            vec![("b\\ud83d".into(), 1, 6), ("c".into(), 1, 34)]
        );
        let b = doc.get(a, "b\\ud83d").unwrap().value;
        assert_eq!(doc.scalar(b), Some("x \u{fffd}\u{fffd}"));
        assert_eq!(
            doc.pointer("/a/c/1/d").and_then(|i| doc.scalar(i)),
            Some("2")
        );
    }

    #[test]
    fn errors_have_a_position() {
        let e = parse("a:\n  b: [1, 2\n").err().unwrap();
        assert!(e.marker().line() >= 2, "{e:?}");
        assert!(parse("").unwrap().is_none());
    }
}
