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

use crate::catalog::{Catalog, Column};
use crate::diagnostics::{Problem, did_you_mean};

pub(crate) const INFO_STRING: &str = "errdocs";
const NAMES: &[&str] = &[
    "catalog", "category", "envelope", "retry", "code", "search", "statuses",
];

/// The directive blocks of a page, in order, each with its parsed directives.
pub(crate) type Directives = Vec<Vec<Directive>>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Directive {
    /// Every category, in order.
    Catalog { level: u8, view: TableView },
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
}

/// How a directive asks a code table to be shown; `None` means the category's own choice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableView {
    pub(crate) columns: Option<Vec<Column>>,
    pub(crate) headings: Option<Vec<String>>,
    pub(crate) list: bool,
}

/// Splits a directive line into words, honouring double quotes (`a="b c"` is one word).
/// `Err(())` when a quote is not closed.
fn words(line: &str) -> Result<Vec<String>, ()> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => cur.extend(chars.next()),
                        Some(c) => cur.push(c),
                        None => return Err(()),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

struct Args<'a> {
    directive: &'a str,
    positional: Vec<String>,
    options: Vec<(String, String)>,
}

impl Args<'_> {
    fn name(&self) -> String {
        self.directive.to_string()
    }

    /// Checks that only `allowed` options and at most `max_positional` arguments are given.
    fn expect(
        &self,
        max_positional: usize,
        allowed: &'static [&'static str],
    ) -> Result<(), Problem> {
        if let Some(extra) = self.positional.get(max_positional) {
            return Err(Problem::DirectiveUnexpectedArgument {
                directive: self.name(),
                argument: extra.clone(),
                allowed,
            });
        }
        for (key, _) in &self.options {
            if !allowed.contains(&key.as_str()) {
                return Err(Problem::DirectiveUnknownOption {
                    directive: self.name(),
                    option: key.clone(),
                    suggestion: did_you_mean(key, allowed.iter().copied()),
                    allowed,
                });
            }
        }
        Ok(())
    }

    fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, key: &str, default: bool) -> Result<bool, Problem> {
        match self.option(key) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(Problem::DirectiveBadFlag {
                directive: self.name(),
                option: key.to_string(),
                value: other.to_string(),
            }),
        }
    }

    fn level(&self) -> Result<u8, Problem> {
        match self.option("level") {
            None => Ok(2),
            Some(v) => match v.parse::<u8>() {
                Ok(l @ 1..=6) => Ok(l),
                _ => Err(Problem::DirectiveBadLevel {
                    directive: self.name(),
                    value: v.to_string(),
                }),
            },
        }
    }

    fn view(&self) -> Result<TableView, Problem> {
        let columns = match self.option("columns") {
            None => None,
            Some(v) => Some(
                v.split(',')
                    .map(|name| {
                        let name = name.trim();
                        Column::from_name(name).ok_or_else(|| Problem::DirectiveUnknownColumn {
                            directive: self.name(),
                            name: name.to_string(),
                            suggestion: did_you_mean(name, Column::names()),
                            columns: Column::names().collect(),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let headings: Option<Vec<String>> = self
            .option("headings")
            .map(|v| v.split(',').map(|h| h.trim().to_string()).collect());
        if let Some(h) = &headings {
            let n = columns.as_ref().map(Vec::len);
            if n.is_some_and(|n| n != h.len()) || n.is_none() {
                return Err(Problem::DirectiveHeadingsWithoutColumns {
                    directive: self.name(),
                });
            }
        }
        let list = match self.option("layout") {
            None | Some("table") => false,
            Some("list") => true,
            Some(other) => {
                return Err(Problem::DirectiveBadLayout {
                    directive: self.name(),
                    value: other.to_string(),
                });
            }
        };
        Ok(TableView {
            columns,
            headings,
            list,
        })
    }
}

/// Parses one directive line against the catalog.
pub(crate) fn parse(line: &str, catalog: &Catalog) -> Result<Directive, Problem> {
    let words = words(line).map_err(|()| Problem::DirectiveUnclosedQuote {
        directive: line.split_whitespace().next().unwrap_or("").to_string(),
    })?;
    let Some((name, rest)) = words.split_first() else {
        return Err(Problem::UnknownDirective {
            name: String::new(),
            suggestion: None,
        });
    };
    let mut args = Args {
        directive: name,
        positional: Vec::new(),
        options: Vec::new(),
    };
    for word in rest {
        match word.split_once('=') {
            Some((k, v)) => args.options.push((k.to_string(), v.to_string())),
            None => args.positional.push(word.clone()),
        }
    }
    match name.as_str() {
        "catalog" => {
            args.expect(0, &["level", "columns", "headings", "layout"])?;
            Ok(Directive::Catalog {
                level: args.level()?,
                view: args.view()?,
            })
        }
        "category" => parse_category(&args, catalog),
        "envelope" => parse_envelope(&args, catalog),
        "retry" => {
            args.expect(0, &[])?;
            Ok(Directive::Retry)
        }
        "search" => {
            args.expect(0, &[])?;
            Ok(Directive::Search)
        }
        "statuses" => {
            args.expect(0, &[])?;
            Ok(Directive::Statuses)
        }
        "code" => parse_code(&args, catalog),
        other => Err(Problem::UnknownDirective {
            name: other.to_string(),
            suggestion: did_you_mean(other, NAMES.iter().copied()),
        }),
    }
}

fn parse_category(args: &Args, catalog: &Catalog) -> Result<Directive, Problem> {
    args.expect(1, &["heading", "level", "columns", "headings", "layout"])?;
    let id = args
        .positional
        .first()
        .ok_or_else(|| Problem::DirectiveMissingArgument {
            directive: args.name(),
            candidates: catalog.categories.iter().map(|c| c.id.clone()).collect(),
        })?;
    let category = catalog
        .categories
        .iter()
        .position(|c| &c.id == id)
        .ok_or_else(|| Problem::UnknownReference {
            kind: "category",
            name: id.clone(),
            suggestion: did_you_mean(id, catalog.categories.iter().map(|c| c.id.as_str())),
        })?;
    Ok(Directive::Category {
        category,
        heading: args.flag("heading", true)?,
        level: args.level()?,
        view: args.view()?,
    })
}

fn parse_envelope(args: &Args, catalog: &Catalog) -> Result<Directive, Problem> {
    args.expect(1, &["fields", "example"])?;
    let envelope = match args.positional.first() {
        None if catalog.envelopes.is_empty() => {
            return Err(Problem::NoEnvelope {
                directive: args.name(),
            });
        }
        None => 0,
        Some(id) => catalog
            .envelopes
            .iter()
            .position(|e| &e.id == id)
            .ok_or_else(|| Problem::UnknownReference {
                kind: "envelope",
                name: id.clone(),
                suggestion: did_you_mean(id, catalog.envelopes.iter().map(|e| e.id.as_str())),
            })?,
    };
    Ok(Directive::Envelope {
        envelope,
        fields: args.flag("fields", true)?,
        example: args.flag("example", true)?,
    })
}

fn parse_code(args: &Args, catalog: &Catalog) -> Result<Directive, Problem> {
    args.expect(1, &[])?;
    let name = args
        .positional
        .first()
        .ok_or_else(|| Problem::DirectiveMissingArgument {
            directive: args.name(),
            candidates: Vec::new(),
        })?;
    match catalog.find_code(name) {
        Ok(code) => Ok(Directive::Code { code }),
        Err(many) if !many.is_empty() => Err(Problem::AmbiguousCode {
            name: name.clone(),
            candidates: many
                .iter()
                .map(|&i| catalog.codes[i].anchor.clone())
                .collect(),
        }),
        Err(_) => Err(Problem::UnknownReference {
            kind: "code",
            name: name.clone(),
            suggestion: did_you_mean(name, catalog.codes.iter().map(|c| c.anchor.as_str())),
        }),
    }
}

impl Directive {
    /// The category indexes whose tables this directive shows.
    pub(crate) fn categories(&self, catalog: &Catalog) -> Vec<usize> {
        match self {
            Directive::Catalog { .. } => (0..catalog.categories.len()).collect(),
            Directive::Category { category, .. } => vec![*category],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_with_quotes() {
        assert_eq!(
            words(r#"category gw headings="Message, Meaning" x=1"#).unwrap(),
            vec!["category", "gw", "headings=Message, Meaning", "x=1"]
        );
        assert!(words(r#"code "open"#).is_err());
    }
}
