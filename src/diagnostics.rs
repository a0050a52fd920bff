//! Problems found in a site, as data, and the one place they are formatted.
//!
//! Every stage of the build pushes [`Diagnostic`]s into a [`Diagnostics`] list instead of
//! stopping at the first mistake, so a run reports everything at once. A diagnostic is a
//! [`Problem`] (what is wrong, with the offending values) plus an optional [`Location`]
//! (`file:line:col`, the source line and the width to underline). Messages and hints are
//! derived from the problem in [`Problem::message`] and [`Problem::hint`]; the rustc-like
//! layout lives in the `Display` impl of [`Diagnostic`].

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A source file kept in memory so spans can be turned into `line:col` and a snippet.
pub struct Source {
    /// Path as shown to the user (relative to the site root when possible).
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The 1-based line containing byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Resolves a byte span to a location with line, column and the source line.
    pub fn locate(&self, span: Range<usize>) -> Location {
        let start = span.start.min(self.text.len());
        let line = self.line_of(start);
        let line_start = self.line_starts[line - 1];
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |i| line_start + i);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let prefix = self.text.get(line_start..start).unwrap_or("");
        let col = prefix.chars().count() + 1;
        let end = span.end.clamp(start, line_end);
        let width = self
            .text
            .get(start..end)
            .map_or(1, |s| s.chars().count().max(1));
        Location {
            file: self.path.clone(),
            line,
            col,
            source_line: Some(line_text.to_string()),
            width,
        }
    }

    /// A location for a whole 1-based line (used for Markdown events and directives).
    pub fn locate_line(&self, line: usize) -> Location {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        self.locate(start..start)
    }
}

/// Where a problem is: `file:line:col`, and the line itself for the snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub source_line: Option<String>,
    pub width: usize,
}

impl Location {
    /// A location that names only a file (no line is known, e.g. an I/O error).
    pub fn file(path: &Path) -> Self {
        Location {
            file: path.to_path_buf(),
            line: 0,
            col: 0,
            source_line: None,
            width: 0,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file.display())
        } else {
            write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
        }
    }
}

/// Everything that can be wrong with a site. Each variant carries the values the message needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Io {
        action: &'static str,
        message: String,
    },
    TomlSyntax {
        message: String,
    },
    UnknownKey {
        key: String,
        table: String,
        suggestion: Option<String>,
        expected: Vec<&'static str>,
    },
    MissingField {
        field: String,
        table: String,
        why: Option<String>,
    },
    WrongType {
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    InvalidValue {
        key: String,
        value: String,
        reason: String,
        hint: Option<String>,
    },
    Duplicate {
        kind: &'static str,
        name: String,
        first: Location,
    },
    CodeOutsideRange {
        code: String,
        category: String,
        range: String,
    },
    UnknownReference {
        kind: &'static str,
        name: String,
        suggestion: Option<String>,
    },
    InvalidStatus {
        status: String,
    },
    RetryContradiction {
        policy: String,
        status: u16,
        reason: &'static str,
    },
    InvalidExample {
        envelope: String,
        message: String,
    },
    BrokenLink {
        target: String,
        missing: MissingTarget,
    },
    UnknownDirective {
        name: String,
        suggestion: Option<String>,
    },
    DirectiveArgument {
        directive: String,
        message: String,
        hint: Option<String>,
    },
    FrontMatter {
        message: String,
    },
    Template {
        name: String,
        message: String,
    },
    /// The output is, or contains, one of the site's sources.
    OutputHoldsSources {
        output: PathBuf,
        source: PathBuf,
    },
    /// The output lies inside a source directory.
    OutputInsideSources {
        output: PathBuf,
        source: PathBuf,
    },
    /// The output holds a `.git` (a repository or a worktree).
    OutputHoldsGit {
        output: PathBuf,
    },
    /// The output is a non-empty directory errdocs did not make (no marker).
    OutputNotOurs {
        output: PathBuf,
    },
    OutputNotADirectory {
        output: PathBuf,
    },
    Unpublished {
        url: String,
        code: Option<String>,
    },
}

/// What a broken link is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MissingTarget {
    /// No page or file is built at this path.
    Page {
        path: String,
        suggestion: Option<String>,
    },
    /// The page exists but has no element with this id.
    Anchor {
        page: String,
        anchor: String,
        suggestion: Option<String>,
    },
}

impl Problem {
    /// The one-line message, shown after `error:`.
    pub fn message(&self) -> String {
        match self {
            Problem::Io { action, message } => format!("could not {action}: {message}"),
            Problem::TomlSyntax { message } => format!("TOML syntax error: {message}"),
            Problem::UnknownKey { key, table, .. } => format!("unknown key `{key}` in {table}"),
            Problem::MissingField { field, table, .. } => {
                format!("missing required field `{field}` in {table}")
            }
            Problem::WrongType {
                key,
                expected,
                found,
            } => format!("`{key}` must be {expected}, found {found}"),
            Problem::InvalidValue {
                key, value, reason, ..
            } => format!("invalid `{key}` value `{value}`: {reason}"),
            Problem::Duplicate { kind, name, .. } => format!("duplicate {kind} `{name}`"),
            Problem::CodeOutsideRange {
                code,
                category,
                range,
            } => format!("code `{code}` is outside the range `{range}` of category `{category}`"),
            Problem::UnknownReference { kind, name, .. } => format!("unknown {kind} `{name}`"),
            Problem::InvalidStatus { status } => format!("`{status}` is not an HTTP status code"),
            Problem::RetryContradiction { policy, status, .. } => {
                format!("retry policy `{policy}` contradicts HTTP status {status}")
            }
            Problem::InvalidExample { envelope, message } => {
                format!("the example of envelope `{envelope}` is not valid JSON: {message}")
            }
            Problem::BrokenLink { target, missing } => match missing {
                MissingTarget::Page { path, .. } => {
                    format!("broken link `{target}`: no page or file `{path}` in this site")
                }
                MissingTarget::Anchor { page, anchor, .. } => {
                    format!("broken link `{target}`: page `{page}` has no anchor `#{anchor}`")
                }
            },
            Problem::UnknownDirective { name, .. } => format!("unknown directive `{name}`"),
            Problem::DirectiveArgument {
                directive, message, ..
            } => format!("directive `{directive}`: {message}"),
            Problem::FrontMatter { message } => format!("front matter: {message}"),
            Problem::Template { name, message } => format!("template `{name}`: {message}"),
            Problem::Unpublished { url, code } => match code {
                Some(code) => {
                    format!("`{url}` (code `{code}`) was published before and no longer resolves")
                }
                None => format!("`{url}` was published before and no longer resolves"),
            },
            Problem::OutputHoldsSources { output, source } => format!(
                "refusing to write to `{}`: it is or contains the site's source `{}`",
                output.display(),
                source.display()
            ),
            Problem::OutputInsideSources { output, source } => format!(
                "refusing to write to `{}`: it lies inside the site's source `{}`",
                output.display(),
                source.display()
            ),
            Problem::OutputHoldsGit { output } => format!(
                "refusing to replace `{}`: it holds a `.git` (a repository or worktree)",
                output.display()
            ),
            Problem::OutputNotOurs { output } => format!(
                "refusing to replace `{}`: it is not empty and errdocs did not create it \
                 (it has no `{}` marker)",
                output.display(),
                crate::output::MARKER
            ),
            Problem::OutputNotADirectory { output } => format!(
                "refusing to write to `{}`: it exists and is not a directory",
                output.display()
            ),
        }
    }

    /// Advice on how to fix the problem, when there is some.
    pub fn hint(&self) -> Option<String> {
        match self {
            Problem::TomlSyntax { .. } => Some("see https://toml.io for the syntax".into()),
            Problem::UnknownKey {
                suggestion,
                expected,
                ..
            } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("expected one of: {}", expected.join(", ")),
            }),
            Problem::MissingField { why, field, .. } => Some(
                why.clone()
                    .unwrap_or_else(|| format!("add `{field} = ...` to this table")),
            ),
            Problem::InvalidValue { hint, .. } => hint.clone(),
            Problem::Duplicate { first, kind, .. } => Some(format!(
                "the first {kind} with this name is at {first}; each must be unique"
            )),
            Problem::CodeOutsideRange { range, .. } => Some(format!(
                "codes of this category must match `{range}` (`x` stands for one digit); \
                 move the code to the right category or fix its number"
            )),
            Problem::UnknownReference {
                suggestion, kind, ..
            } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("no {kind} with this name is defined in the catalog"),
            }),
            Problem::InvalidStatus { .. } => Some(
                "use a registered HTTP status between 100 and 599, such as 400, 404, 429 or 503"
                    .into(),
            ),
            Problem::RetryContradiction { reason, .. } => Some((*reason).to_string()),
            Problem::InvalidExample { .. } => {
                Some("fix the JSON, or set `language` to the example's real syntax".to_string())
            }
            Problem::BrokenLink { missing, .. } => match missing {
                MissingTarget::Page { suggestion, .. }
                | MissingTarget::Anchor { suggestion, .. } => {
                    suggestion.as_ref().map(|s| format!("did you mean `{s}`?"))
                }
            },
            Problem::UnknownDirective { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "directives are: catalog, category, envelope, retry, code, search, statuses"
                        .to_string()
                }
            }),
            Problem::DirectiveArgument { hint, .. } => hint.clone(),
            Problem::OutputHoldsSources { .. } | Problem::OutputInsideSources { .. } => {
                Some("choose an output directory such as `public/` inside the site".into())
            }
            Problem::OutputHoldsGit { .. } => Some(
                "errdocs replaces its output whole; build into another directory and copy it \
                 into the repository, e.g. `errdocs build --output public && cp -r public/. DIR/`"
                    .into(),
            ),
            Problem::OutputNotOurs { .. } => Some(
                "choose a new or empty directory, or pass `--force` to replace this one \
                 (everything in it is deleted)"
                    .into(),
            ),
            Problem::OutputNotADirectory { .. } => {
                Some("choose another output path with `--output`".into())
            }
            Problem::Unpublished { .. } => Some(
                "URLs printed in error responses live for years: keep a removed code as a \
                 tombstone (`removed = { since = \"...\" }`), or list the old code or URL in \
                 `aliases` of the code that replaced it"
                    .into(),
            ),
            Problem::Io { .. }
            | Problem::WrongType { .. }
            | Problem::FrontMatter { .. }
            | Problem::Template { .. } => None,
        }
    }
}

/// A problem and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub problem: Problem,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(problem: Problem, location: Option<Location>) -> Self {
        Diagnostic { problem, location }
    }

    pub fn at(problem: Problem, location: Location) -> Self {
        Diagnostic {
            problem,
            location: Some(location),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.problem.message())?;
        let mut gutter = 1;
        if let Some(loc) = &self.location {
            gutter = loc.line.to_string().len();
            writeln!(f, "{:gutter$}--> {loc}", "")?;
            if let Some(line) = &loc.source_line {
                let tabless = line.replace('\t', " ");
                writeln!(f, "{:gutter$} |", "")?;
                writeln!(f, "{} | {tabless}", loc.line)?;
                writeln!(
                    f,
                    "{:gutter$} | {:pad$}{}",
                    "",
                    "",
                    "^".repeat(loc.width.max(1)),
                    pad = loc.col.saturating_sub(1)
                )?;
            }
        }
        if let Some(hint) = self.problem.hint() {
            writeln!(f, "{:gutter$} = hint: {hint}", "")?;
        }
        Ok(())
    }
}

/// The problems collected by one run.
#[derive(Default, Debug)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Records a problem located by a span of a source file.
    pub fn at(&mut self, problem: Problem, source: &Source, span: Range<usize>) {
        self.push(Diagnostic::at(problem, source.locate(span)));
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    /// The diagnostics in a stable order: by file, line and column, then by message.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line, l.col))
                    .unwrap_or_default()
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| a.problem.message().cmp(&b.problem.message()))
        });
        self.list.dedup();
        self.list
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_in_characters() {
        let src = Source::new("a.toml", "x = 1\ny = \"→bad\"\n".to_string());
        let off = src.text.find("bad").unwrap();
        let loc = src.locate(off..off + 3);
        assert_eq!((loc.line, loc.col, loc.width), (2, 7, 3));
        assert_eq!(loc.to_string(), "a.toml:2:7");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("mesage", ["message", "status"]),
            Some("message".into())
        );
        assert_eq!(did_you_mean("zzz", ["message", "status"]), None);
    }

    #[test]
    fn formats_like_rustc() {
        let src = Source::new("c.toml", "statu = 401\n".to_string());
        let d = Diagnostic::at(
            Problem::UnknownKey {
                key: "statu".into(),
                table: "[[code]]".into(),
                suggestion: Some("status".into()),
                expected: vec![],
            },
            src.locate(0..5),
        );
        let text = d.to_string();
        assert!(
            text.contains("error: unknown key `statu` in [[code]]"),
            "{text}"
        );
        assert!(text.contains("--> c.toml:1:1"), "{text}");
        assert!(text.contains("1 | statu = 401"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("hint: did you mean `status`?"), "{text}");
    }
}
