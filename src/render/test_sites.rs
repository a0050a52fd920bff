//! Sites for the tests that compare a natively written page part with its template: every
//! site of the repository, and a hostile site using every part of a row and a code page.
#![cfg(test)]

use std::path::{Path, PathBuf};

use super::Prepared;
use crate::diagnostics::Diagnostics;
use crate::plan::Plan;
use crate::sources::Sources;
use crate::theme::Theme;

/// Every site of the repository: the samples, the fixtures, the fuzzers' regressions.
pub(crate) fn repository_sites() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sites: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | ".git")))
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "errdocs.toml")
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    sites.sort();
    assert!(sites.len() >= 8, "found the repository's sites: {sites:?}");
    sites
}

/// The site at `root` read, planned and prepared, as a build does; `None` when it does not build.
pub(crate) fn prepared(root: &Path) -> Option<(Sources, Plan, Prepared)> {
    let (sources, _) = Sources::load(root, None).ok()?;
    let plan = Plan::new(&sources, crate::site_files::names(&sources)).ok()?;
    let prepared = Prepared::new(&sources, &plan).ok()?;
    Some((sources, plan, prepared))
}

/// The default theme, whatever a site overrides.
pub(super) fn default_theme() -> Theme {
    let empty = tempfile::tempdir().expect("temporary directory");
    let mut diags = Diagnostics::default();
    Theme::load(empty.path(), &mut diags).expect("the default theme loads")
}

/// A catalog with everything a row and a code page can show, and text that must be escaped
/// everywhere.
const HOSTILE_CATALOG: &str = r#"
[[envelope]]
id = "error"
title = "Error <object> & 'more'"
example = '''
{"error": {"code": "X", "message": "m", "hint": "h"}}
'''

[[envelope.field]]
name = "error.code"
from = "code"

[[envelope.field]]
name = "error.message"
from = "message"

[[envelope.field]]
name = "error.hint"
required = true
from = "example"

[[envelope]]
id = "problem"
kind = "problem"
title = "Problem details"
example = '''
{"type": "https://example.com/x", "title": "T", "status": 400}
'''

[[field]]
name = "steps"
title = "Steps & <more>"
type = "list"

[[field]]
name = "see"
title = "See also"
type = "url"

[[field]]
name = "hint"
title = "Hint <b>&amp;</b> \"q\""
type = "markdown"
column = true

[[category]]
id = "a-b"
title = "Tom & \"Jerry\" <i>'x'</i>"
description = "Some *markdown* & <raw> text."
columns = ["code", "message", "status", "fix", "meaning", "detail", "retry", "docs", "hint"]
headings = { code = "C<o>de", message = "Msg & \"m\"", retry = "R'y" }

[[category]]
id = "second"
title = "Second"
columns = ["code", "label", "message"]

[[category]]
id = "third"
title = "Third"
range = "E-x"
columns = ["code"]
envelope = "problem"

[[code]]
code = "E-<1>&\"'"
category = "a-b"
label = "La<bel> & 'co'"
message = "Mess<age> & \"quotes\" / 'single' — ünïcode"
status = [429, 503]
fix = "Do *this* & <that>."
meaning = "It **means** `x < y`."
detail = "See [the guide](#nowhere-here) & more."
retry = "backoff"
docs = "https://example.com/a?b=1&c=<2>"
since = "1.0"
deprecated = { since = "2.0", why = "old & <bad>", sunset = "3.0" }
replaced_by = "E-2"
aliases = ["OLD-1", "OLD-<2>"]
also_in = ["second"]
hint = "A *hint* & <b>bold</b>"
steps = ["One & <two>", "Three *four*"]
see = "https://example.com/see?a=1&b=2"

[[code]]
code = "E-2"
category = "a-b"
message = "Second"
status = 400
fix = "f"
meaning = "m"
detail = "d"
retry = "never"
docs = "https://example.com/"
hint = "h"
removed = { since = "4.0", why = "gone" }
parent = "E-<1>&\"'"

[[code]]
code = "E-3-A-VERY-LONG-CODE-ÄÖÜ-1234"
category = "second"
label = "L"
message = "M"
deprecated = true
parent = "E-<1>&\"'"

[[code]]
name = "NoCode & <name>"
category = "second"
label = "N"
message = "Sent without a code"
status = 500

[[code]]
code = "E-5"
category = "third"
since = "1.0"
removed = { since = "2.0" }

[[code]]
code = "E-6"
category = "third"
deprecated = { sunset = "9.0" }
"#;

/// The site of [`HOSTILE_CATALOG`] (a config with a description, a footer and a base URL; a
/// page showing the catalog), in a temporary directory; its catalog is checked to be valid.
pub(crate) fn hostile_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    write(
        &root.join("errdocs.toml"),
        "title = \"T & <t>\"\ndescription = \"A \\\"site\\\" & <more>\"\nlanguage = \"de\"\n\
         base_url = \"https://example.com/docs\"\n\
         [footer]\nheading = \"Help & <h>\"\ntext = \"Write to *us* & <b>x</b>.\"\n",
    );
    write(&root.join("catalog/errors.toml"), HOSTILE_CATALOG);
    write(
        &root.join("content/index.md"),
        "+++\ntitle = \"Home\"\n+++\n```errdocs\ncatalog\n```\n",
    );
    let (sources, problems) = Sources::load(root, None).expect("the hostile site loads");
    assert!(
        problems.is_empty(),
        "the hostile site is valid: {:?}",
        problems.into_sorted()
    );
    assert_eq!(sources.catalog.codes.len(), 6);
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create a directory of the test site");
    }
    std::fs::write(path, text).expect("write a file of the test site");
}
