//! The Python module: an `ErrorCode` enum (its value is the lookup key) whose members carry
//! what the catalog says of them, fully typed (`mypy --strict`), laid out as black lays it out.

use std::fmt::Write;

use super::model::Input;
use super::names::{Style, unique};

const PRELUDE: &str = r#""""Every error code of the catalog, with what the catalog says of it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

RetryPolicy = Literal["never", "after-retry-after", "backoff", "once", "conditional"]
"""How a client should retry a request that failed with a code."""


@dataclass(frozen=True)
class ErrorInfo:
    """What the catalog says of a code."""

    code: str
    """The code as the API sends it (`PG-1003`, `-32602`)."""
    key: str
    """Its lookup key: the code, or `NAMESPACE:CODE`."""
    numeric: bool
    """Whether the API sends the code as a number."""
    statuses: tuple[int, ...]
    """Its HTTP statuses, the typical one first."""
    message: str | None
    category: str
    retry: RetryPolicy | None
    docs_url: str
    state: str


class ErrorCode(Enum):
    """Every code of the catalog; a member's value is its lookup key."""

"#;

const METHODS: &str = r#"
    @property
    def info(self) -> ErrorInfo:
        """What the catalog says of this code."""
        return _INFO[self.value]

    @property
    def code(self) -> str:
        """The code as the API sends it."""
        return self.info.code

    @property
    def status(self) -> int | None:
        """Its typical HTTP status, if it has one."""
        return self.info.statuses[0] if self.info.statuses else None

    @property
    def statuses(self) -> tuple[int, ...]:
        return self.info.statuses

    @property
    def message(self) -> str | None:
        return self.info.message

    @property
    def category(self) -> str:
        return self.info.category

    @property
    def retry(self) -> RetryPolicy | None:
        return self.info.retry

    @property
    def docs_url(self) -> str:
        return self.info.docs_url

    @classmethod
    def lookup(cls, key: int | str) -> ErrorCode | None:
        """The code with this key (`429` and `"429"` alike), if there is one."""
        try:
            return cls(str(key))
        except ValueError:
            return None


_INFO: dict[str, ErrorInfo] = {
"#;

/// A string literal as black writes it: double quotes unless the text holds more double
/// quotes than single ones.
fn lit(text: &str) -> String {
    let doubles = text.matches('"').count();
    let singles = text.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The width of a line as black counts it (characters).
fn width(text: &str) -> usize {
    text.chars().count()
}

/// The module for `input`.
pub(crate) fn generate(input: &Input) -> String {
    let keys: Vec<&str> = input.entries.iter().map(|e| e.key.as_str()).collect();
    let idents = unique(&keys, Style::UpperSnake, &[]);
    let mut out = format!("# {}\n", input.header());
    out.push_str(PRELUDE);
    for (e, id) in input.entries.iter().zip(&idents) {
        let value = lit(&e.key);
        let line = format!("    {id} = {value}");
        // black wraps a right-hand side that is too long in parentheses when that makes it fit.
        if width(&line) > 88 && 8 + width(&value) <= 88 {
            let _ = writeln!(out, "    {id} = (\n        {value}\n    )");
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str(METHODS);
    for e in &input.entries {
        let statuses = match e.statuses.as_slice() {
            [one] => format!("({one},)"),
            many => format!(
                "({})",
                many.iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let _ = write!(
            out,
            "    {}: ErrorInfo(\n        code={},\n        key={},\n        numeric={},\n        \
             statuses={statuses},\n        message={},\n        category={},\n        \
             retry={},\n        docs_url={},\n        state={},\n    ),\n",
            lit(&e.key),
            lit(&e.code),
            lit(&e.key),
            if e.numeric { "True" } else { "False" },
            e.message.as_deref().map_or_else(|| "None".to_string(), lit),
            lit(&e.category),
            e.retry.map_or_else(|| "None".to_string(), lit),
            lit(&e.docs_url),
            lit(e.state),
        );
    }
    out.push_str("}\n");
    out
}
