//! Identifiers derived from codes: `PG-1003` -> `Pg1003` / `PG_1003`, `-32602` ->
//! `Minus32602` / `MINUS_32602`, `card_declined.insufficient_funds` ->
//! `CardDeclinedInsufficientFunds`. Words are the runs of ASCII letters and digits (a camelCase
//! boundary starts a word); a leading digit gets an `E` before it; a name taken by an earlier
//! code gets the smallest free number after it, so the result is unique and depends only on the
//! catalog's order.

use std::collections::HashSet;

/// The words of a code (or lookup key), lowercased.
fn words(code: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            let boundary = prev.is_some_and(|p| {
                (p.is_ascii_lowercase() || p.is_ascii_digit()) && c.is_ascii_uppercase()
            });
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        } else {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            if c == '.' && prev == Some('.') {
                // `-32000..-32099`: a range reads "to".
                out.push("to".to_string());
            }
            let negative = c == '-'
                && !prev.is_some_and(|p| p.is_ascii_alphanumeric())
                && chars.peek().is_some_and(char::is_ascii_digit);
            if negative {
                out.push("minus".to_string());
            }
        }
        prev = Some(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.retain(|w| !w.is_empty());
    out
}

/// A naming style.
#[derive(Copy, Clone)]
pub(crate) enum Style {
    /// `Pg1003` (Rust variants).
    Pascal,
    /// `CodePg1003` (Go constants).
    PrefixedPascal(&'static str),
    /// `PG_1003` (Python enum members).
    UpperSnake,
}

fn base(code: &str, style: Style) -> String {
    let words = words(code);
    let mut name = match style {
        Style::Pascal | Style::PrefixedPascal(_) => words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                chars.next().map_or_else(String::new, |f| {
                    f.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect::<String>(),
        Style::UpperSnake => words
            .iter()
            .map(|w| w.to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join("_"),
    };
    if let Style::PrefixedPascal(prefix) = style {
        return format!("{prefix}{name}");
    }
    if name.is_empty() {
        name = match style {
            Style::UpperSnake => "CODE".to_string(),
            _ => "Code".to_string(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = match style {
            Style::UpperSnake => format!("E_{name}"),
            _ => format!("E{name}"),
        };
    }
    // `Self` is the one keyword a Pascal-case name can be.
    if name == "Self" {
        name.push('_');
    }
    name
}

/// Unique identifiers for `keys` in order, none of them in `reserved`.
pub(crate) fn unique(keys: &[&str], style: Style, reserved: &[&str]) -> Vec<String> {
    let mut taken: HashSet<String> = reserved.iter().map(|r| (*r).to_string()).collect();
    keys.iter()
        .map(|key| {
            let name = base(key, style);
            let mut candidate = name.clone();
            let mut n = 2;
            while taken.contains(&candidate) {
                candidate = match style {
                    Style::UpperSnake => format!("{name}_{n}"),
                    _ => format!("{name}{n}"),
                };
                n += 1;
            }
            taken.insert(candidate.clone());
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_awkward_codes() {
        let keys = [
            "PG-1003",
            "rate_limit",
            "-32602",
            "card_declined.insufficient_funds",
            "PG_1003",
            "429",
            "-32000..-32099",
            "Missing Bearer token.",
            "Self",
            "…",
            "invalidRequest",
        ];
        assert_eq!(
            unique(&keys, Style::Pascal, &[]),
            [
                "Pg1003",
                "RateLimit",
                "Minus32602",
                "CardDeclinedInsufficientFunds",
                "Pg10032",
                "E429",
                "Minus32000ToMinus32099",
                "MissingBearerToken",
                "Self_",
                "Code",
                "InvalidRequest",
            ]
        );
        assert_eq!(
            unique(&keys, Style::UpperSnake, &[]),
            [
                "PG_1003",
                "RATE_LIMIT",
                "MINUS_32602",
                "CARD_DECLINED_INSUFFICIENT_FUNDS",
                "PG_1003_2",
                "E_429",
                "MINUS_32000_TO_MINUS_32099",
                "MISSING_BEARER_TOKEN",
                "SELF",
                "CODE",
                "INVALID_REQUEST",
            ]
        );
        assert_eq!(
            unique(&["a", "A", "a2"], Style::PrefixedPascal("Code"), &[]),
            ["CodeA", "CodeA2", "CodeA22"]
        );
    }
}
