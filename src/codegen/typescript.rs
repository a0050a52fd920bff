//! The TypeScript module: a string-literal union `ErrorCode` of every lookup key and a frozen
//! map `ERRORS` from key to what the catalog says of the code, laid out as prettier lays it out.

use std::fmt::Write;

use super::model::{Input, RETRY_POLICIES};

const INTERFACE: &str = r#"
/** What the catalog says of a code. */
export interface ErrorInfo {
  /** The code as the API sends it (`PG-1003`, `-32602`). */
  readonly code: string | number;
  /** Its HTTP statuses, the typical one first. */
  readonly statuses: readonly number[];
  /** The message the API sends with it. */
  readonly message: string | null;
  /** The id of its category. */
  readonly category: string;
  /** How to retry, if the catalog says. */
  readonly retry: RetryPolicy | null;
  /** The URL of its documentation. */
  readonly docsUrl: string;
  readonly state: "active" | "deprecated" | "removed";
}
"#;

const FUNCTIONS: &str = r#"};

for (const key of Object.keys(table) as ErrorCode[]) {
  Object.freeze(table[key].statuses);
  Object.freeze(table[key]);
}

/** Every code, by its lookup key (frozen). */
export const ERRORS: Readonly<Record<ErrorCode, ErrorInfo>> =
  Object.freeze(table);

/** Whether `key` is the lookup key of a code. */
export function isErrorCode(key: string): key is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERRORS, key);
}

/** What the catalog says of the code with this key (`429` and `"429"` alike), if any. */
export function lookup(key: string | number): ErrorInfo | undefined {
  const k = String(key);
  return isErrorCode(k) ? ERRORS[k] : undefined;
}
"#;

/// A string literal as prettier writes it: double quotes unless the text holds more double
/// quotes than single ones.
fn lit(text: &str) -> String {
    let doubles = text.matches('"').count();
    let singles = text.matches('\'').count();
    if doubles <= singles {
        return super::model::json_string(text);
    }
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// An object key: bare when it is an identifier, else a string literal.
fn key(text: &str) -> String {
    let identifier = text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        text.to_string()
    } else {
        lit(text)
    }
}

/// `export type NAME = A | B;` on one line when it fits in 80 columns, else the members on the
/// next line if they fit there, else one member a line.
fn union(out: &mut String, name: &str, members: &[String]) {
    let line = format!("export type {name} = {};", members.join(" | "));
    if line.len() <= 80 {
        out.push_str(&line);
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "export type {name} =");
    let next = format!("  {};", members.join(" | "));
    if next.len() <= 80 {
        out.push_str(&next);
        out.push('\n');
        return;
    }
    for (i, m) in members.iter().enumerate() {
        let end = if i + 1 == members.len() { ";" } else { "" };
        let _ = writeln!(out, "  | {m}{end}");
    }
}

/// The width of a line as prettier counts it (characters).
fn width(text: &str) -> usize {
    text.chars().count()
}

/// `name: value,` on one line, or, when that is over 80 columns and the key is not shorter
/// than five columns, the value on the next line indented (prettier's "break after operator").
fn property(out: &mut String, indent: &str, name: &str, value: &str) {
    let line = format!("{indent}{name}: {value},");
    if width(&line) > 80 && width(name) >= 5 {
        let _ = writeln!(out, "{indent}{name}:\n{indent}  {value},");
    } else {
        out.push_str(&line);
        out.push('\n');
    }
}

/// The module for `input`.
pub(crate) fn generate(input: &Input) -> String {
    let mut out = format!("// {}\n\n", input.header());
    out.push_str("/** How a client should retry a request that failed with a code. */\n");
    let policies: Vec<String> = RETRY_POLICIES.iter().map(|p| lit(p)).collect();
    union(&mut out, "RetryPolicy", &policies);
    out.push_str(
        "\n/** The lookup key of every code: the code as written, or `NAMESPACE:CODE`. */\n",
    );
    let keys: Vec<String> = input.entries.iter().map(|e| lit(&e.key)).collect();
    if keys.is_empty() {
        out.push_str("export type ErrorCode = never;\n");
    } else {
        union(&mut out, "ErrorCode", &keys);
    }
    out.push_str(INTERFACE);
    out.push_str("\nconst table: Record<ErrorCode, ErrorInfo> = {\n");
    for e in &input.entries {
        let code = if e.numeric {
            e.code.clone()
        } else {
            lit(&e.code)
        };
        let statuses: Vec<String> = e.statuses.iter().map(u16::to_string).collect();
        let message = e.message.as_deref().map_or_else(|| "null".to_string(), lit);
        let retry = e.retry.map_or_else(|| "null".to_string(), lit);
        // prettier moves an object whose key line is too long to the next line, indented.
        let head = format!("  {}: {{", key(&e.key));
        let indent = if width(&head) > 80 {
            let _ = writeln!(out, "  {}:\n    {{", key(&e.key));
            "      "
        } else {
            let _ = writeln!(out, "{head}");
            "    "
        };
        let props = [
            ("code", code),
            ("statuses", format!("[{}]", statuses.join(", "))),
            ("message", message),
            ("category", lit(&e.category)),
            ("retry", retry),
            ("docsUrl", lit(&e.docs_url)),
            ("state", lit(e.state)),
        ];
        for (name, value) in props {
            property(&mut out, indent, name, &value);
        }
        let _ = writeln!(out, "{}}},", &indent[2..]);
    }
    out.push_str(FUNCTIONS);
    out
}
