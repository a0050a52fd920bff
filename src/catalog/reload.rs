//! Re-reading one `[[code]]` table of a loaded catalog (`watch`): when an edit stays inside the
//! table of one code (`catalog_edit::edited_code`) and leaves what ties the code to the rest of
//! the catalog as it was, the code is read from its table alone, with the same checks a whole
//! load makes of it, and put in place of the old one; the spans of everything after the table
//! move by what the edit added ([`super::shift`]). Anything else (a problem in the table, a
//! new code, anchor, alias, category, parent, replacement or status) answers "load it whole",
//! which reports exactly what a build reports.

use std::ops::Range;

use super::load::{
    CODE_KEYS, Context, ROOT_KEYS, Seen, check_inherited_policy, check_retry_column, identity,
    read_code,
};
use super::model::{Alias, Catalog, Code, Versioning};
use super::shift::Shift;
use crate::diagnostics::{Diagnostics, Source};
use crate::tomlread::{self, Table};

/// A catalog whose code [`CodeEdit::index`] was re-read from its table alone;
/// [`CodeEdit::undo`] puts the catalog back as it was.
pub(crate) struct CodeEdit {
    pub(crate) index: usize,
    old_code: Code,
    old_source: Source,
    /// Where the edited table ends in the new text.
    end: usize,
    /// How many bytes the edit added (negative: removed).
    by: isize,
}

/// What ties a code to the rest of the catalog: its code, anchor, aliases, category, the other
/// categories listing it, its parent and its replacement, as written; and its statuses (the
/// status view shows, with the links in their descriptions, only the statuses codes use).
#[derive(PartialEq)]
struct Ties {
    key: String,
    unique: String,
    anchor: String,
    aliases: Vec<(String, Option<String>)>,
    category: usize,
    also_in: Vec<usize>,
    parent: Option<String>,
    replaced_by: Option<String>,
    statuses: Vec<u16>,
}

/// Reads the one `[[code]]` table at `range` of `source` with the catalog's other tables
/// (those of `catalog`); `None` if it has any problem.
fn read_alone(
    catalog: &Catalog,
    source: &Source,
    index: usize,
    range: Range<usize>,
    versioning: Versioning,
) -> Option<(Code, Ties)> {
    let doc = tomlread::parse_part(&source.text, range.clone())?;
    let mut diags = Diagnostics::default();
    let root = Table::open(&doc, range, "the catalog", ROOT_KEYS, source, &mut diags);
    let mut keys: Vec<&str> = CODE_KEYS.to_vec();
    keys.extend(catalog.fields.iter().map(|f| f.name.as_str()));
    let tables = root.tables("code", "[[code]]", &keys, &mut diags);
    let [table] = tables.as_slice() else {
        return None;
    };
    if doc.len() != 1 {
        return None;
    }
    let declared: Vec<u16> = catalog.statuses.iter().map(|s| s.status).collect();
    let cx = Context {
        source,
        categories: &catalog.categories,
        envelopes: &catalog.envelopes,
        fields: &catalog.fields,
        declared: &declared,
        versioning,
    };
    let mut alone = read_code(table, &cx, &mut diags)?;
    let category = &catalog.categories[alone.code.category];
    let (anchor, aliases) = identity(&mut alone, category, &cx, &mut Seen::default(), &mut diags)?;
    if !diags.is_empty() {
        return None;
    }
    let ties = Ties {
        key: alone.key.value.raw(),
        unique: alone.unique.clone(),
        anchor: anchor.clone(),
        aliases: aliases
            .iter()
            .map(|a| match a {
                Alias::Code { code, anchor, .. } => (code.clone(), Some(anchor.clone())),
                Alias::Url { url, .. } => (url.clone(), None),
            })
            .collect(),
        category: alone.code.category,
        also_in: alone.code.also_in.clone(),
        parent: alone.pending.parent.as_ref().map(|p| p.value.clone()),
        replaced_by: alone.pending.replaced_by.as_ref().map(|r| r.value.clone()),
        statuses: alone.code.statuses.clone(),
    };
    let mut code = alone.code;
    code.anchor = anchor;
    code.aliases = aliases;
    // Checked against the rest of the catalog as a whole load checks each code.
    let (categories, retry) = (&catalog.categories, &catalog.retry);
    check_retry_column(source, categories, retry, index, &code, &mut diags);
    check_inherited_policy(source, retry, index, &code, &alone.pending, &mut diags);
    diags.is_empty().then_some((code, ties))
}

/// Re-reads code `index` of `catalog` from `source`, the catalog's new text, where its table
/// is at `new_range` (at `old_range` of the text before). On success the catalog holds the
/// new code and text; otherwise it is unchanged and `source` is handed back, to be loaded
/// whole.
pub(crate) fn reload_code(
    catalog: &mut Catalog,
    source: Source,
    index: usize,
    old_range: Range<usize>,
    new_range: Range<usize>,
    versioning: Versioning,
) -> Result<CodeEdit, Source> {
    if source.check_toml_line_endings().is_err() || index >= catalog.codes.len() {
        return Err(source);
    }
    let old_range_read = read_alone(
        catalog,
        &catalog.source,
        index,
        old_range.clone(),
        versioning,
    );
    let Some((_, old_ties)) = old_range_read else {
        return Err(source);
    };
    let Some((mut code, ties)) = read_alone(catalog, &source, index, new_range.clone(), versioning)
    else {
        return Err(source);
    };
    // The same statuses too: a retry rule of its own, checked against them when the rules are
    // read, still holds.
    let old = &catalog.codes[index];
    if ties != old_ties || old.anchor != ties.anchor {
        return Err(source);
    }
    code.parent = old.parent;
    code.replaced_by = old.replaced_by;
    let by = new_range.len() as isize - old_range.len() as isize;
    // The old code's spans all lie before `old_range.end`: they stay; the new code replaces it.
    catalog.shift(old_range.end, by);
    let old_code = std::mem::replace(&mut catalog.codes[index], code);
    let old_source = std::mem::replace(&mut catalog.source, source);
    Ok(CodeEdit {
        index,
        old_code,
        old_source,
        end: new_range.end,
        by,
    })
}

impl CodeEdit {
    /// The number of lines the edit added (negative: removed), and the first line after the
    /// edited table in the text before the edit (1-based): locations from that line on move.
    pub(crate) fn lines(&self, catalog: &Catalog) -> (usize, isize) {
        let old_end = self.end.saturating_add_signed(-self.by);
        let old_line = self.old_source.locate(old_end..old_end).line;
        let new_line = catalog.source.locate(self.end..self.end).line;
        (old_line, new_line as isize - old_line as isize)
    }

    /// Puts `catalog` back as it was before [`reload_code`].
    pub(crate) fn undo(self, catalog: &mut Catalog) {
        // The new code's spans all lie before `end`: they stay; the old code replaces it.
        catalog.shift(self.end, -self.by);
        catalog.codes[self.index] = self.old_code;
        catalog.source = self.old_source;
    }
}
