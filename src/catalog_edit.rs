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

use crate::catalog::Catalog;

/// How many codes of the same category a code page lists (see `render::codepages`); the pages
/// that may show a code in their list are those this close to it in its category.
const NEIGHBOURS: usize = 8 + 1;

/// The index (in file order) of the one code whose `[[code]]` table holds every change from
/// `old` to `new`, or `None` when the change reaches further (or there is none).
pub(crate) fn edited_code(old: &str, new: &str, codes: usize) -> Option<usize> {
    if old == new {
        return None;
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    // Whole lines around the change, in each text.
    // (On bytes: the prefix and suffix may end inside a character.)
    let start = old.as_bytes()[..prefix]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let changed_lines = |text: &str| {
        let end = text.len() - suffix;
        let end = text.as_bytes()[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| end + i);
        text.get(start..end).map(str::to_string)
    };
    let (old_lines, new_lines) = (changed_lines(old)?, changed_lines(new)?);
    if old_lines
        .lines()
        .chain(new_lines.lines())
        .any(|l| l.trim_start().starts_with('['))
    {
        return None;
    }
    if code_headers(old).len() != codes || code_headers(new).len() != codes {
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
    code_headers(old)
        .iter()
        .filter(|&&at| at < start)
        .count()
        .checked_sub(1)
}

/// Where the table of the `index`-th `[[code]]` header of `text` lies: from its header to the
/// next line that starts a table (or the end of the text).
pub(crate) fn code_table(text: &str, index: usize) -> Option<std::ops::Range<usize>> {
    let start = *code_headers(text).get(index)?;
    let mut at = start;
    for (n, line) in text[start..].split_inclusive('\n').enumerate() {
        if n > 0 && line.trim_start().starts_with('[') {
            return Some(start..at);
        }
        at += line.len();
    }
    Some(start..text.len())
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
fn code_headers(text: &str) -> Vec<usize> {
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
    use super::edited_code;

    const OLD: &str = "[[category]]\nid = \"a\"\n\n[[code]]\ncode = \"A1\"\nmessage = \"One\"\n\n[[code]]\ncode = \"A2\"\nmessage = \"Two\"\n";

    #[test]
    fn a_message_edit_is_in_its_code() {
        let new = OLD.replace("\"Two\"", "\"Two, longer\"");
        assert_eq!(edited_code(OLD, &new, 2), Some(1));
        let new = OLD.replace("\"One\"", "\"Uno\"");
        assert_eq!(edited_code(OLD, &new, 2), Some(0));
    }

    #[test]
    fn other_tables_and_headers_are_not() {
        assert_eq!(edited_code(OLD, &OLD.replace("\"a\"", "\"b\""), 2), None);
        let new = OLD.replace(
            "[[code]]\ncode = \"A2\"",
            "[[code]]\ncode = \"A2\"\n[[code]]",
        );
        assert_eq!(edited_code(OLD, &new, 2), None);
        assert_eq!(edited_code(OLD, OLD, 2), None);
        assert_eq!(edited_code(OLD, &OLD.replace("One", "[One"), 2), Some(0));
        assert_eq!(
            edited_code(OLD, &OLD.replace("\"One\"", "\"One\"\n[x]"), 2),
            None
        );
    }
}
