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

pub const INFO_STRING: &str = "errdocs";
const NAMES: &[&str] = &[
    "catalog", "category", "envelope", "retry", "code", "search", "statuses",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
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
pub struct TableView {
    pub columns: Option<Vec<Column>>,
    pub headings: Option<Vec<String>>,
    pub list: bool,
}

/// Splits a directive line into words, honouring double quotes (`a="b c"` is one word).
fn words(line: &str) -> Result<Vec<String>, String> {
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
                        None => return Err("a quoted value is not closed by `\"`".into()),
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
    fn error(&self, message: impl Into<String>, hint: Option<String>) -> Problem {
        Problem::DirectiveArgument {
            directive: self.directive.to_string(),
            message: message.into(),
            hint,
        }
    }

    /// Checks that only `allowed` options and at most `max_positional` arguments are given.
    fn expect(&self, max_positional: usize, allowed: &[&str]) -> Result<(), Problem> {
        if let Some(extra) = self.positional.get(max_positional) {
            return Err(self.error(
                format!("unexpected argument `{extra}`"),
                Some(format!(
                    "options are written `key=value`; allowed: {}",
                    list(allowed)
                )),
            ));
        }
        for (key, _) in &self.options {
            if !allowed.contains(&key.as_str()) {
                let hint = match did_you_mean(key, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("options of `{}`: {}", self.directive, list(allowed)),
                };
                return Err(self.error(format!("unknown option `{key}`"), Some(hint)));
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
            Some(other) => Err(self.error(
                format!("`{key}` must be `true` or `false`, not `{other}`"),
                None,
            )),
        }
    }

    fn level(&self) -> Result<u8, Problem> {
        match self.option("level") {
            None => Ok(2),
            Some(v) => match v.parse::<u8>() {
                Ok(l @ 1..=6) => Ok(l),
                _ => Err(self.error(format!("`level` must be 1 to 6, not `{v}`"), None)),
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
                        Column::from_name(name).ok_or_else(|| {
                            self.error(
                                format!("unknown column `{name}`"),
                                Some(match did_you_mean(name, Column::names()) {
                                    Some(s) => format!("did you mean `{s}`?"),
                                    None => format!(
                                        "columns are: {}",
                                        Column::names().collect::<Vec<_>>().join(", ")
                                    ),
                                }),
                            )
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
                return Err(self.error(
                    "`headings` needs `columns`, with one heading per column",
                    Some("e.g. columns=\"code,meaning\" headings=\"Message,Meaning\"".into()),
                ));
            }
        }
        let list = match self.option("layout") {
            None | Some("table") => false,
            Some("list") => true,
            Some(other) => {
                return Err(self.error(
                    format!("`layout` must be `table` or `list`, not `{other}`"),
                    None,
                ));
            }
        };
        Ok(TableView {
            columns,
            headings,
            list,
        })
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Parses one directive line against the catalog.
pub fn parse(line: &str, catalog: &Catalog) -> Result<Directive, Problem> {
    let words = words(line).map_err(|message| Problem::DirectiveArgument {
        directive: line.split_whitespace().next().unwrap_or("").to_string(),
        message,
        hint: None,
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
        "category" => {
            args.expect(1, &["heading", "level", "columns", "headings", "layout"])?;
            let id = args.positional.first().ok_or_else(|| {
                args.error(
                    "which category? write `category ID`",
                    Some(format!(
                        "categories: {}",
                        catalog
                            .categories
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )
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
        "envelope" => {
            args.expect(1, &["fields", "example"])?;
            let envelope = match args.positional.first() {
                None if catalog.envelopes.is_empty() => {
                    return Err(args.error("the catalog defines no [[envelope]]", None));
                }
                None => 0,
                Some(id) => catalog
                    .envelopes
                    .iter()
                    .position(|e| &e.id == id)
                    .ok_or_else(|| Problem::UnknownReference {
                        kind: "envelope",
                        name: id.clone(),
                        suggestion: did_you_mean(
                            id,
                            catalog.envelopes.iter().map(|e| e.id.as_str()),
                        ),
                    })?,
            };
            Ok(Directive::Envelope {
                envelope,
                fields: args.flag("fields", true)?,
                example: args.flag("example", true)?,
            })
        }
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
        "code" => {
            args.expect(1, &[])?;
            let name = args
                .positional
                .first()
                .ok_or_else(|| args.error("which code? write `code PG-1003`", None))?;
            match catalog.find_code(name) {
                Ok(code) => Ok(Directive::Code { code }),
                Err(many) if !many.is_empty() => Err(args.error(
                    format!("`{name}` names several codes"),
                    Some(format!(
                        "use an anchor instead: {}",
                        many.iter()
                            .map(|&i| catalog.codes[i].anchor.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )),
                Err(_) => Err(Problem::UnknownReference {
                    kind: "code",
                    name: name.clone(),
                    suggestion: did_you_mean(name, catalog.codes.iter().map(|c| c.anchor.as_str())),
                }),
            }
        }
        other => Err(Problem::UnknownDirective {
            name: other.to_string(),
            suggestion: did_you_mean(other, NAMES.iter().copied()),
        }),
    }
}

impl Directive {
    /// The category indexes whose tables this directive shows.
    pub fn categories(&self, catalog: &Catalog) -> Vec<usize> {
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
