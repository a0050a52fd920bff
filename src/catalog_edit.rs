//! What a catalog edit touches, for `watch` (`Site::update_catalog`).
//!
//! An edit qualifies for an incremental rebuild only when the text that changed lies inside
//! the body of one `[[code]]` table: every other table of the catalog (envelopes, categories,
//! fields, statuses, retry rules) is then the same text as before, so everything built from it
//! is unchanged. The check is on the text, conservatively: a changed line that looks like a
//! table header, a header above the change that is not `[[code]]`, or a count of `[[code]]`
//! headers that is not the number of codes (a header inside a multi-line string) all answer
//! "not incremental", and the caller does a full build.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::catalog::Catalog;

/// How many codes of the same category a code page lists (see `render::codepages`); the pages
/// that may show a code in their list are those this close to it in its category.
const NEIGHBOURS: usize = 8 + 1;

/// An edit of the catalog inside one `[[code]]` table.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Edit {
    /// The code's index (in file order).
    pub(crate) index: usize,
    /// Where its table is in the text before the edit, and after.
    pub(crate) old: Range<usize>,
    pub(crate) new: Range<usize>,
}

/// The one code whose `[[code]]` table holds every change from `old` to `new`, or `None` when
/// the change reaches further (or there is none). `headers` are where the `[[code]]` headers
/// of `old` are ([`code_headers`]): the text away from the change is compared, not read again.
pub(crate) fn edited_code(old: &str, headers: &[usize], new: &str, codes: usize) -> Option<Edit> {
    if old == new || headers.len() != codes {
        return None;
    }
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let prefix = common_prefix(a, b);
    let room = a.len().min(b.len()) - prefix;
    let suffix = common_suffix(&a[a.len() - room..], &b[b.len() - room..]);
    // Whole lines around the change, in each text.
    // (On bytes: the prefix and suffix may end inside a character.)
    let start = a[..prefix]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let (old_lines, new_lines) = (
        changed_lines(old, start, suffix)?,
        changed_lines(new, start, suffix)?,
    );
    // No header was added or removed: `new` has the headers of `old`.
    if old_lines
        .lines()
        .chain(new_lines.lines())
        .any(|l| l.trim_start().starts_with('['))
    {
        return None;
    }
    // The nearest header above the change must be a `[[code]]` one.
    let above = old[..start]
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('['))?;
    if !is_code_header(above) {
        return None;
    }
    let index = headers
        .iter()
        .filter(|&&at| at < start)
        .count()
        .checked_sub(1)?;
    let header = headers[index];
    let (old_end, new_end) = (table_end(old, header), table_end(new, header));
    // A `[code.deprecated]` (or any `[code.…]`) table after it is part of the same code.
    if continues_code(&old[old_end..]) {
        return None;
    }
    Some(Edit {
        index,
        old: header..old_end,
        new: header..new_end,
    })
}

/// Whether `text` starts with a table header inside `[[code]]` (`[code.deprecated]`,
/// `[[code.x]]`, `["code".y]`...), which belongs to the code above it; any header naming
/// `code` that is not a `[[code]]` header counts.
fn continues_code(text: &str) -> bool {
    let line = text.lines().next().unwrap_or("");
    let name = line.trim_start().trim_start_matches('[').trim_start();
    let names_code = ["code", "\"code\"", "'code'"]
        .iter()
        .any(|c| name.starts_with(c));
    names_code && !is_code_header(line)
}

/// The whole lines of `text` from `start` to the line holding its last `suffix` bytes' start.
fn changed_lines(text: &str, start: usize, suffix: usize) -> Option<&str> {
    let end = text.len() - suffix;
    let end = text.as_bytes()[end..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| end + i);
    text.get(start..end)
}

/// `headers` of the text before `edit` moved to where they are after it.
pub(crate) fn headers_after(headers: &mut [usize], edit: &Edit) {
    let by = edit.new.len() as isize - edit.old.len() as isize;
    for at in headers.iter_mut().filter(|at| **at > edit.old.start) {
        *at = at.saturating_add_signed(by);
    }
}

/// How many bytes `a` and `b` start with in common (compared a block at a time).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` (of the same length) end with in common.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let n = a.len();
    let mut i = 0;
    while i + BLOCK <= n && a[n - i - BLOCK..n - i] == b[n - i - BLOCK..n - i] {
        i += BLOCK;
    }
    i + a[..n - i]
        .iter()
        .rev()
        .zip(b[..n - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Where the table whose header line starts at `header` ends: at the next line that starts a
/// table, or the end of the text.
fn table_end(text: &str, header: usize) -> usize {
    let mut at = header;
    for (n, line) in text[header..].split_inclusive('\n').enumerate() {
        if n > 0 && line.trim_start().starts_with('[') {
            return at;
        }
        at += line.len();
    }
    text.len()
}

fn is_code_header(line: &str) -> bool {
    let rest = line.trim();
    let Some(rest) = rest.strip_prefix("[[") else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix("code") else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix("]]") else {
        return false;
    };
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// Byte offsets of the lines that are `[[code]]` headers.
pub(crate) fn code_headers(text: &str) -> Vec<usize> {
    let mut at = 0;
    let mut found = Vec::new();
    for line in text.split_inclusive('\n') {
        if is_code_header(line) {
            found.push(at);
        }
        at += line.len();
    }
    found
}

/// The codes whose own page may show something of one of `changed` (a code page shows the code,
/// its neighbours in its category, its parent and sub-codes, the codes it replaces and the one
/// replacing it), in the catalog before or after the edit.
pub(crate) fn code_pages_showing(
    changed: &BTreeSet<usize>,
    catalogs: [&Catalog; 2],
) -> BTreeSet<usize> {
    let mut out = changed.clone();
    for catalog in catalogs {
        for &j in changed {
            let Some(code) = catalog.codes.get(j) else {
                continue;
            };
            let siblings = catalog.category_codes(code.category);
            if let Ok(at) = siblings.binary_search(&j) {
                let from = at.saturating_sub(NEIGHBOURS);
                let to = (at + NEIGHBOURS + 1).min(siblings.len());
                out.extend(&siblings[from..to]);
            }
            out.extend(code.parent);
            out.extend(code.replaced_by);
            out.extend(catalog.children_of(j));
            out.extend(catalog.replacing(j));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Edit, code_headers, edited_code};

    const OLD: &str = "[[category]]\nid = \"a\"\n\n[[code]]\ncode = \"A1\"\nmessage = \"One\"\n\n[[code]]\ncode = \"A2\"\nmessage = \"Two\"\n";

    /// The index of the code an edit of `OLD` to `new` is in.
    fn edited(new: &str) -> Option<usize> {
        edited_code(OLD, &code_headers(OLD), new, 2).map(|e| e.index)
    }

    #[test]
    fn a_message_edit_is_in_its_code() {
        let (first, second) = (OLD.find("[[code]]"), OLD.rfind("[[code]]"));
        let (Some(first), Some(second)) = (first, second) else {
            panic!("two codes");
        };
        let new = OLD.replace("\"Two\"", "\"Two, longer\"");
        assert_eq!(
            edited_code(OLD, &code_headers(OLD), &new, 2),
            Some(Edit {
                index: 1,
                old: second..OLD.len(),
                new: second..new.len()
            })
        );
        let new = OLD.replace("\"One\"", "\"Uno\"");
        assert_eq!(
            edited_code(OLD, &code_headers(OLD), &new, 2),
            Some(Edit {
                index: 0,
                old: first..second,
                new: first..second
            })
        );
    }

    #[test]
    fn other_tables_and_headers_are_not() {
        assert_eq!(edited(&OLD.replace("\"a\"", "\"b\"")), None);
        let new = OLD.replace(
            "[[code]]\ncode = \"A2\"",
            "[[code]]\ncode = \"A2\"\n[[code]]",
        );
        assert_eq!(edited(&new), None);
        assert_eq!(edited(OLD), None);
        assert_eq!(edited(&OLD.replace("One", "[One")), Some(0));
        assert_eq!(edited(&OLD.replace("\"One\"", "\"One\"\n[x]")), None);
        // A sub-table of the code after its body is part of the code.
        for sub in [
            "[code.deprecated]",
            "[ code.removed ]",
            "[\"code\".example]",
            "[[code.x]]",
        ] {
            let old = format!("{OLD}{sub}\nsince = \"1\"\n");
            let new = old.replace("\"Two\"", "\"Deux\"");
            assert_eq!(
                edited_code(&old, &code_headers(&old), &new, 2),
                None,
                "{sub}"
            );
        }
        // Another table after the last code ends it.
        let old = format!("{OLD}[[retry]]\nstatus = 429\n");
        let new = old.replace("\"Two\"", "\"Deux\"");
        let edit = edited_code(&old, &code_headers(&old), &new, 2);
        assert_eq!(edit.map(|e| e.index), Some(1));
        // A `[[code]]` header in a multi-line string: the headers are not the codes.
        assert_eq!(edited_code(OLD, &[0], &OLD.replace("One", "Uno"), 2), None);
    }
}
