//! Directives: where a page places parts of the catalog.
//!
//! A directive is a line inside a fenced code block whose info string is `errdocs`:
//!
//! ````markdown
//! ```errdocs
//! category auth heading=false
//! ```
//! ````
//!
//! Each line is `NAME [ARGUMENT] [KEY=VALUE ...]`; a value with spaces is double-quoted.
//! Outside errdocs (on GitHub, in an editor) the block shows as plain code, so pages stay
//! readable Markdown. Parsing resolves names against the catalog, so an unknown category or
//! code is reported at the directive's line.

use std::ops::Range;

use crate::catalog::{Catalog, Column};
use crate::diagnostics::{Problem, did_you_mean};

pub(crate) const INFO_STRING: &str = "errdocs";
const NAMES: &[&str] = &[
    "catalog",
    "category",
    "envelope",
    "retry",
    "code",
    "search",
    "statuses",
    "changelog",
    "lookup",
];

/// The directive blocks of a page, in order, each with its parsed directives.
pub(crate) type Directives = Vec<Vec<Directive>>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Directive {
    /// Every category, in order; with `split=category`, an index of the categories, each
    /// shown on a page of its own under this page (`split`).
    Catalog {
        level: u8,
        view: TableView,
        split: bool,
    },
    /// One category (index into `Catalog::categories`).
    Category {
        category: usize,
        heading: bool,
        level: u8,
        view: TableView,
    },
    /// An envelope (index into `Catalog::envelopes`).
    Envelope {
        envelope: usize,
        fields: bool,
        example: bool,
    },
    /// The retry table.
    Retry,
    /// One code as a card (index into `Catalog::codes`).
    Code { code: usize },
    /// The search/filter box that narrows the code tables of the page.
    Search,
    /// For each HTTP status: the codes that use it and its retry guidance.
    Statuses,
    /// The history of the catalog from `releases/*.json`, newest first.
    Changelog,
    /// Paste an error response, a code or a message: the matching code (script, hidden without
    /// JavaScript).
    Lookup,
}

/// How a directive asks a code table to be shown; `None` means the category's own choice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableView {
    pub(crate) columns: Option<Vec<Column>>,
    pub(crate) headings: Option<Vec<String>>,
    pub(crate) list: bool,
}

/// An option of a directive line: key, value, byte range of the line it was written at.
type DirectiveOption = (String, String, Range<usize>);

/// A problem of a directive line, with the byte range of the line it is about.
pub(crate) type LineProblem = (Problem, Range<usize>);

/// Splits a directive line into words, honouring double quotes (`a="b c"` is one word), each
/// with its byte range in the line. `Err(at)` when the quote opened at `at` is not closed.
fn words(line: &str) -> Result<Vec<(String, Range<usize>)>, usize> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                start.get_or_insert(i);
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => cur.extend(chars.next().map(|(_, c)| c)),
                        Some((_, c)) => cur.push(c),
                        None => return Err(i),
                    }
                }
            }
            c if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((std::mem::take(&mut cur), s..i));
                }
            }
            c => {
                start.get_or_insert(i);
                cur.push(c);
            }
        }
    }
    if let Some(s) = start {
        out.push((cur, s..line.len()));
    }
    Ok(out)
}

/// The words of a directive line, and the problems found in them so far.
struct Args<'a> {
    directive: &'a str,
    name_span: Range<usize>,
    positional: Vec<(String, Range<usize>)>,
    options: Vec<DirectiveOption>,
    problems: Vec<LineProblem>,
}

impl Args<'_> {
    fn name(&self) -> String {
        self.directive.to_string()
    }

    fn problem(&mut self, problem: Problem, span: Range<usize>) {
        self.problems.push((problem, span));
    }

    /// Reports the arguments past `max_positional` (once, at the first: the rest are counted)
    /// and every option not in `allowed`.
    fn expect(&mut self, max_positional: usize, allowed: &'static [&'static str]) {
        let extra = self.positional.len().saturating_sub(max_positional);
        if let Some((argument, span)) = self.positional.get(max_positional).cloned() {
            self.problem(
                Problem::DirectiveUnexpectedArgument {
                    directive: self.name(),
                    argument,
                    allowed,
                    more: extra - 1,
                },
                span,
            );
        }
        let unknown: Vec<_> = self
            .options
            .iter()
            .filter(|(k, _, _)| !allowed.contains(&k.as_str()))
            .map(|(k, _, span)| (k.clone(), span.clone()))
            .collect();
        for (option, span) in unknown {
            self.problem(
                Problem::DirectiveUnknownOption {
                    directive: self.name(),
                    suggestion: did_you_mean(&option, allowed.iter().copied()),
                    option,
                    allowed,
                },
                span,
            );
        }
    }

    fn option(&self, key: &str) -> Option<(String, Range<usize>)> {
        self.options
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, span)| (v.clone(), span.clone()))
    }

    fn flag(&mut self, key: &str, default: bool) -> bool {
        match self.option(key) {
            None => default,
            Some((v, _)) if v == "true" => true,
            Some((v, _)) if v == "false" => false,
            Some((value, span)) => {
                let directive = self.name();
                self.problem(
                    Problem::DirectiveBadFlag {
                        directive,
                        option: key.to_string(),
                        value,
                    },
                    span,
                );
                default
            }
        }
    }

    fn level(&mut self) -> u8 {
        let Some((v, span)) = self.option("level") else {
            return 2;
        };
        match v.parse::<u8>() {
            Ok(l @ 1..=6) => l,
            _ => {
                let directive = self.name();
                self.problem(
                    Problem::DirectiveBadLevel {
                        directive,
                        value: v,
                    },
                    span,
                );
                2
            }
        }
    }

    fn columns(&mut self) -> Option<Vec<Column>> {
        let (v, span) = self.option("columns")?;
        let mut columns = Vec::new();
        for name in v.split(',').map(str::trim) {
            match Column::from_name(name) {
                Some(c) => columns.push(c),
                None => {
                    let directive = self.name();
                    self.problem(
                        Problem::DirectiveUnknownColumn {
                            directive,
                            name: name.to_string(),
                            suggestion: did_you_mean(name, Column::names()),
                            columns: Column::names().collect(),
                        },
                        span.clone(),
                    );
                }
            }
        }
        Some(columns)
    }

    /// `split=category`: whether the catalog is split into a page per category.
    fn split(&mut self) -> bool {
        match self.option("split") {
            None => false,
            Some((v, _)) if v == "category" => true,
            Some((value, span)) => {
                let directive = self.name();
                self.problem(Problem::DirectiveBadSplit { directive, value }, span);
                false
            }
        }
    }

    fn view(&mut self) -> TableView {
        let columns = self.columns();
        let headings = self.option("headings").map(|(v, span)| {
            let h: Vec<String> = v.split(',').map(|h| h.trim().to_string()).collect();
            (h, span)
        });
        if let Some((h, span)) = &headings
            && columns.as_ref().is_none_or(|c| c.len() != h.len())
        {
            let directive = self.name();
            self.problem(
                Problem::DirectiveHeadingsWithoutColumns { directive },
                span.clone(),
            );
        }
        let list = match self.option("layout") {
            None => false,
            Some((v, _)) if v == "table" => false,
            Some((v, _)) if v == "list" => true,
            Some((value, span)) => {
                let directive = self.name();
                self.problem(Problem::DirectiveBadLayout { directive, value }, span);
                false
            }
        };
        TableView {
            columns,
            headings: headings.map(|(h, _)| h),
            list,
        }
    }
}

/// Parses one directive line against the catalog. Every problem of the line is reported, each
/// with the range of the line it is about (the directive's name, an argument, an option).
pub(crate) fn parse(line: &str, catalog: &Catalog) -> Result<Directive, Vec<LineProblem>> {
    let words = words(line).map_err(|at| {
        vec![(
            Problem::DirectiveUnclosedQuote {
                directive: line.split_whitespace().next().unwrap_or("").to_string(),
            },
            at..line.len(),
        )]
    })?;
    let Some(((name, name_span), rest)) = words.split_first() else {
        return Err(vec![(
            Problem::UnknownDirective {
                name: String::new(),
                suggestion: None,
            },
            0..line.len(),
        )]);
    };
    let mut args = Args {
        directive: name,
        name_span: name_span.clone(),
        positional: Vec::new(),
        options: Vec::new(),
        problems: Vec::new(),
    };
    let mut i = 0;
    while i < rest.len() {
        if let Some((option, used)) = misspelled_option(line, &rest[i..]) {
            let (k, v, span) = option;
            let problem = Problem::DirectiveOptionWritten {
                directive: name.clone(),
                written: line[span.clone()].to_string(),
                suggested: if v.contains([',', ' ']) {
                    format!("{k}=\"{v}\"")
                } else {
                    format!("{k}={v}")
                },
            };
            args.problem(problem, span.clone());
            args.options.push((k, v, span));
            i += used;
            continue;
        }
        let (word, span) = &rest[i];
        match word.split_once('=') {
            Some((k, v)) => args
                .options
                .push((k.to_string(), v.to_string(), span.clone())),
            None => args.positional.push((word.clone(), span.clone())),
        }
        i += 1;
    }
    let directive = parse_args(&mut args, catalog);
    match directive {
        Some(d) if args.problems.is_empty() => Ok(d),
        _ => Err(args.problems),
    }
}

/// An option written another way than `key=value` at the start of `words`: with spaces
/// around `=` (`columns = "code,fix"`, `columns= x`, `columns =x`) or with a TOML list as its
/// value (`columns=["code", "fix"]`). Returns the option as meant (key, value, span of all
/// its words) and how many words it took, so the mistake is one error, not one per word.
fn misspelled_option(
    line: &str,
    words: &[(String, Range<usize>)],
) -> Option<(DirectiveOption, usize)> {
    let word = |n: usize| words.get(n).map(|(w, _)| w.as_str());
    let plain = |n: usize| word(n).filter(|w| !w.is_empty() && !w.contains('='));
    let (key, value, mut used) = match (word(0)?.split_once('='), word(1)) {
        // `key = value`, `key =value`
        (None, Some("=")) => (word(0)?, plain(2)?, 3),
        (None, Some(next)) if next.starts_with('=') && !next[1..].contains('=') => {
            (word(0)?, &next[1..], 2)
        }
        // `key= value`
        (Some((k, "")), _) if !k.is_empty() => (k, plain(1)?, 2),
        // `key=[a, b]`
        (Some((k, v)), _) if v.starts_with('[') => (k, v, 1),
        _ => return None,
    };
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut value = value.to_string();
    if value.starts_with('[') {
        while !value.ends_with(']') {
            let next = plain(used)?;
            value.push_str(next);
            used += 1;
        }
        value = value[1..value.len() - 1]
            .split(',')
            .map(|item| item.trim().trim_matches(|c| c == '"' || c == '\''))
            .collect::<Vec<_>>()
            .join(",");
    } else if used == 1 {
        return None;
    }
    let span = words[0].1.start..words[used - 1].1.end;
    debug_assert!(line.get(span.clone()).is_some());
    Some(((key.to_string(), value, span), used))
}

/// The directive named by `args`; `None` when it cannot be made (its problems are in `args`).
fn parse_args(args: &mut Args, catalog: &Catalog) -> Option<Directive> {
    match args.directive {
        "catalog" => {
            args.expect(0, &["level", "columns", "headings", "layout", "split"]);
            Some(Directive::Catalog {
                level: args.level(),
                view: args.view(),
                split: args.split(),
            })
        }
        "category" => parse_category(args, catalog),
        "envelope" => parse_envelope(args, catalog),
        "retry" | "search" | "statuses" | "changelog" | "lookup" => {
            args.expect(0, &[]);
            Some(match args.directive {
                "retry" => Directive::Retry,
                "search" => Directive::Search,
                "changelog" => Directive::Changelog,
                "lookup" => Directive::Lookup,
                _ => Directive::Statuses,
            })
        }
        "code" => parse_code(args, catalog),
        other => {
            let problem = Problem::UnknownDirective {
                name: other.to_string(),
                suggestion: did_you_mean(other, NAMES.iter().copied()),
            };
            let span = args.name_span.clone();
            args.problem(problem, span);
            None
        }
    }
}

/// The first argument, or a problem at the directive's name saying it is missing.
fn first_argument(args: &mut Args, candidates: Vec<String>) -> Option<(String, Range<usize>)> {
    let first = args.positional.first().cloned();
    if first.is_none() {
        let problem = Problem::DirectiveMissingArgument {
            directive: args.name(),
            candidates,
        };
        let span = args.name_span.clone();
        args.problem(problem, span);
    }
    first
}

fn parse_category(args: &mut Args, catalog: &Catalog) -> Option<Directive> {
    args.expect(1, &["heading", "level", "columns", "headings", "layout"]);
    let candidates = catalog.categories.iter().map(|c| c.id.clone()).collect();
    let heading = args.flag("heading", true);
    let level = args.level();
    let view = args.view();
    let (id, span) = first_argument(args, candidates)?;
    let Some(category) = catalog.categories.iter().position(|c| c.id == id) else {
        let suggestion = did_you_mean(&id, catalog.categories.iter().map(|c| c.id.as_str()));
        args.problem(
            Problem::UnknownReference {
                kind: "category",
                name: id,
                suggestion,
            },
            span,
        );
        return None;
    };
    Some(Directive::Category {
        category,
        heading,
        level,
        view,
    })
}

fn parse_envelope(args: &mut Args, catalog: &Catalog) -> Option<Directive> {
    args.expect(1, &["fields", "example"]);
    let fields = args.flag("fields", true);
    let example = args.flag("example", true);
    let envelope = match args.positional.first().cloned() {
        None if catalog.envelopes.is_empty() => {
            let problem = Problem::NoEnvelope {
                directive: args.name(),
            };
            let span = args.name_span.clone();
            args.problem(problem, span);
            return None;
        }
        None => 0,
        Some((id, span)) => match catalog.envelopes.iter().position(|e| e.id == id) {
            Some(i) => i,
            None => {
                let suggestion = did_you_mean(&id, catalog.envelopes.iter().map(|e| e.id.as_str()));
                args.problem(
                    Problem::UnknownReference {
                        kind: "envelope",
                        name: id,
                        suggestion,
                    },
                    span,
                );
                return None;
            }
        },
    };
    Some(Directive::Envelope {
        envelope,
        fields,
        example,
    })
}

fn parse_code(args: &mut Args, catalog: &Catalog) -> Option<Directive> {
    args.expect(1, &[]);
    let (name, span) = first_argument(args, Vec::new())?;
    let problem = match catalog.find_code(&name) {
        Ok(code) => return Some(Directive::Code { code }),
        Err(many) if !many.is_empty() => Problem::AmbiguousCode {
            candidates: many
                .iter()
                .map(|&i| catalog.codes[i].anchor.clone())
                .collect(),
            name,
        },
        Err(_) => {
            // The code as written first (`insufficient_funds`), else its anchor.
            let keys: Vec<String> = catalog.codes.iter().map(|c| c.key.to_string()).collect();
            let suggestion = did_you_mean(&name, keys.iter().map(String::as_str))
                .or_else(|| did_you_mean(&name, catalog.codes.iter().map(|c| c.anchor.as_str())));
            Problem::UnknownReference {
                kind: "code",
                suggestion,
                name,
            }
        }
    };
    args.problem(problem, span);
    None
}

impl Directive {
    /// Whether this directive splits the catalog into a page per category.
    pub(crate) fn splits(&self) -> bool {
        matches!(self, Directive::Catalog { split: true, .. })
    }

    /// The category indexes whose tables this directive shows.
    pub(crate) fn categories(&self, catalog: &Catalog) -> Vec<usize> {
        match self {
            Directive::Catalog { .. } => (0..catalog.categories.len()).collect(),
            Directive::Category { category, .. } => vec![*category],
            _ => Vec::new(),
        }
    }

    /// What the directive shows, each part of which a page may show once: every part writes
    /// fixed ids (a category's and its codes' anchors, `envelope-ID`, `code-filter`, ...), so
    /// showing one twice makes duplicate anchors, and a directive repeated thousands of times
    /// renders the catalog thousands of times.
    pub(crate) fn shows(&self, catalog: &Catalog) -> Vec<Shown> {
        match self {
            Directive::Catalog { .. } | Directive::Category { .. } => self
                .categories(catalog)
                .into_iter()
                .map(Shown::Category)
                .collect(),
            Directive::Envelope { envelope, .. } => vec![Shown::Envelope(*envelope)],
            Directive::Code { code } => vec![Shown::Code(*code)],
            Directive::Retry => vec![Shown::Retry],
            Directive::Search => vec![Shown::Search],
            Directive::Statuses => vec![Shown::Statuses],
            Directive::Changelog => vec![Shown::Changelog],
            Directive::Lookup => vec![Shown::Lookup],
        }
    }
}

/// A part of the catalog a directive shows (see [`Directive::shows`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Shown {
    Category(usize),
    Code(usize),
    Envelope(usize),
    Retry,
    Search,
    Statuses,
    Changelog,
    Lookup,
}

impl Shown {
    /// How a message names it: "category `auth`", "the retry table".
    pub(crate) fn describe(self, catalog: &Catalog) -> String {
        let named = |kind: &str, name: Option<&str>| format!("{kind} `{}`", name.unwrap_or("?"));
        match self {
            Shown::Category(i) => {
                named("category", catalog.categories.get(i).map(|c| c.id.as_str()))
            }
            Shown::Code(i) => named("code", catalog.codes.get(i).map(|c| c.key.raw()).as_deref()),
            Shown::Envelope(i) => {
                named("envelope", catalog.envelopes.get(i).map(|e| e.id.as_str()))
            }
            Shown::Retry => "the retry table".into(),
            Shown::Search => "the search box".into(),
            Shown::Statuses => "the status table".into(),
            Shown::Changelog => "the changelog".into(),
            Shown::Lookup => "the lookup box".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_with_quotes() {
        let w = words(r#"category gw headings="Message, Meaning" x=1"#).unwrap();
        assert_eq!(
            w.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
            vec!["category", "gw", "headings=Message, Meaning", "x=1"]
        );
        assert_eq!(
            w.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
            vec![0..8, 9..11, 12..39, 40..43]
        );
        assert_eq!(words(r#"code "open"#), Err(5));
    }
}
