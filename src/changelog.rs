//! The history of the catalog: the exports of past releases kept in the site
//! (`releases/*.json`), the `changelog` directive's view of them and the Atom feed
//! (`changelog.xml`) every build writes when there are releases.
//!
//! A release is an `errors.json` a build wrote, saved as `releases/NAME.json`. NAME is a date
//! (`2026-05-01`) or a version (`v1.4`, `1.4.0`); a release named by version gives its date in a
//! top-level `"released": "YYYY-MM-DD"` key. Releases are ordered by date, then by name (dates
//! and versions by their numbers); each entry is the diff of a release against the one before
//! (the oldest: every code added). Nothing reads the clock: the feed's dates are the releases'.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::diff::{self, Diff};
use crate::plan::Plan;
use crate::releases::Release;

pub(crate) const FEED: &str = "changelog.xml";

/// A code in a changelog entry, linked to its page when the catalog still has it.
#[derive(Serialize)]
pub(crate) struct CodeView {
    pub(crate) code: String,
    pub(crate) message: Option<String>,
    /// Link to its row or page in this build.
    pub(crate) href: Option<String>,
    /// Its page as the release published it (absolute when the site has a `base_url`).
    pub(crate) url: Option<String>,
    pub(crate) changes: Vec<ChangeView>,
}

#[derive(Serialize)]
pub(crate) struct ChangeView {
    pub(crate) attribute: &'static str,
    pub(crate) old: String,
    pub(crate) new: String,
}

/// One release in the changelog.
#[derive(Serialize)]
pub(crate) struct EntryView {
    pub(crate) name: String,
    pub(crate) date: String,
    /// Its heading's id: `release-` and the slug of its name.
    pub(crate) id: String,
    pub(crate) first: bool,
    pub(crate) added: Vec<CodeView>,
    pub(crate) changed: Vec<CodeView>,
    pub(crate) removed: Vec<CodeView>,
}

impl EntryView {
    fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.added.len(), "added"),
            (self.changed.len(), "changed"),
            (self.removed.len(), "removed"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        if parts.is_empty() {
            "no changes".into()
        } else {
            parts.join(", ")
        }
    }
}

fn view(entry: &diff::Entry, changes: &[diff::Change], href: Option<String>) -> CodeView {
    CodeView {
        code: entry.code.clone(),
        message: entry.message.clone(),
        href,
        url: entry.url.clone(),
        changes: changes
            .iter()
            .map(|c| ChangeView {
                attribute: c.attribute,
                old: diff::shown(&c.old),
                new: diff::shown(&c.new),
            })
            .collect(),
    }
}

/// The changelog, newest release first; `href`s link codes this catalog still has.
pub(crate) fn entries(releases: &[Release], catalog: &Catalog, plan: &Plan) -> Vec<EntryView> {
    let empty = serde_json::json!({ "codes": [] });
    let href = |e: &diff::Entry| {
        let anchor = e.anchor.as_deref()?;
        let i = catalog.find_code(&format!("#{anchor}")).ok()?;
        plan.code_href(catalog, i)
    };
    let mut out: Vec<EntryView> = releases
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let before = if i == 0 {
                &empty
            } else {
                &releases[i - 1].export
            };
            let d: Diff = diff::diff(before, &r.export);
            EntryView {
                name: r.name.clone(),
                date: r.date.clone(),
                id: format!("release-{}", crate::slug::slugify(&r.name)),
                first: i == 0,
                added: d.added.iter().map(|e| view(e, &[], href(e))).collect(),
                changed: d
                    .changed
                    .iter()
                    .map(|c| view(&c.entry, &c.changes, href(&c.entry)))
                    .collect(),
                removed: d.removed.iter().map(|e| view(e, &[], href(e))).collect(),
            }
        })
        .collect();
    out.reverse();
    out
}

/// The Atom 1.0 feed of the changelog (`changelog.xml`); `None` without releases.
pub(crate) fn feed(title: &str, base_url: Option<&str>, entries: &[EntryView]) -> Option<String> {
    let newest = entries.first()?;
    let esc = crate::html::escape;
    let feed_id = match base_url {
        Some(b) => format!("{b}/{FEED}"),
        None => format!("urn:errdocs:{}:changelog", crate::slug::slugify(title)),
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!(
        "  <title>{} error changelog</title>\n",
        esc(title)
    ));
    out.push_str(&format!("  <id>{}</id>\n", esc(&feed_id)));
    out.push_str(&format!("  <updated>{}T00:00:00Z</updated>\n", newest.date));
    if let Some(b) = base_url {
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            esc(&format!("{b}/{FEED}"))
        ));
        out.push_str(&format!(
            "  <link rel=\"alternate\" href=\"{}/\"/>\n",
            esc(b)
        ));
    }
    out.push_str(&format!("  <author><name>{}</name></author>\n", esc(title)));
    out.push_str("  <generator>errdocs</generator>\n");
    for e in entries {
        let id = match base_url {
            Some(_) => format!("{feed_id}#{}", e.id),
            None => format!("{feed_id}:{}", e.id),
        };
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <title>{}: {}</title>\n",
            esc(&e.name),
            esc(&e.summary())
        ));
        out.push_str(&format!("    <id>{}</id>\n", esc(&id)));
        out.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", e.date));
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            esc(&entry_html(e))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Some(out)
}

/// An entry as HTML for the feed: lists of codes linked to their published pages.
fn entry_html(e: &EntryView) -> String {
    let esc = crate::html::escape;
    let mut out = String::new();
    for (what, list) in [
        ("Added", &e.added),
        ("Changed", &e.changed),
        ("Removed", &e.removed),
    ] {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("<h3>{what}</h3><ul>"));
        for c in list {
            let code = match &c.url {
                Some(u) => format!("<a href=\"{}\"><code>{}</code></a>", esc(u), esc(&c.code)),
                None => format!("<code>{}</code>", esc(&c.code)),
            };
            out.push_str(&format!("<li>{code}"));
            if let Some(m) = &c.message {
                out.push_str(&format!(" {}", esc(m)));
            }
            for ch in &c.changes {
                out.push_str(&format!(
                    "; {}: {} → {}",
                    ch.attribute,
                    esc(&ch.old),
                    esc(&ch.new)
                ));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out
}
