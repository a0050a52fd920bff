//! Bounds on a single render, so a template cannot exhaust memory: `range` is errdocs' own,
//! with at most [`RANGE_BUDGET`] items over one render (nested loops included), and so are
//! the `replace`, `indent` and `join` filters, whose results are at most
//! [`REPLACE_MAX_BYTES`] (`replace(from="", to=x)` puts `x` between every two characters: a
//! page's content squared). And a bound on how deep a template nests ([`MAX_NESTING`]): tera
//! parses and renders by recursion, so a template of a thousand nested `{% if %}`s would
//! overflow the stack and abort the process; and how large a template may be
//! ([`MAX_TEMPLATE_BYTES`]).

use std::cell::Cell;
use std::collections::HashMap;

use tera::{Error, Result, Value};

/// The most `range` items one render may produce, in all its calls.
pub(crate) const RANGE_BUDGET: usize = 1_000_000;

thread_local! {
    static LEFT: Cell<usize> = const { Cell::new(RANGE_BUDGET) };
}

/// Runs one render with a fresh budget (renders nest: a page renders its directives first, on
/// the same thread, each with its own budget).
pub(crate) fn with_budget<T>(render: impl FnOnce() -> T) -> T {
    let outer = LEFT.with(|l| l.replace(RANGE_BUDGET));
    let out = render();
    LEFT.with(|l| l.set(outer));
    out
}

fn number(args: &HashMap<String, Value>, key: &str, default: usize) -> Result<usize> {
    match args.get(key) {
        None => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| Error::msg(format!("`range`: `{key}` must be a whole number, not {v}"))),
    }
}

/// Tera's `range(end, start=0, step_by=1)`, within the render's budget.
pub(crate) fn range(args: &HashMap<String, Value>) -> Result<Value> {
    let start = number(args, "start", 0)?;
    let step = number(args, "step_by", 1)?;
    let Some(end) = args.get("end") else {
        return Err(Error::msg("`range` needs `end`"));
    };
    let end = number(args, "end", 0)
        .map_err(|_| Error::msg(format!("`range`: `end` must be a whole number, not {end}")))?;
    if step == 0 {
        return Err(Error::msg("`range`: `step_by` cannot be 0"));
    }
    if start > end {
        return Err(Error::msg("`range`: `start` is greater than `end`"));
    }
    let count = (end - start).div_ceil(step);
    let left = LEFT.with(Cell::get);
    if count > left {
        return Err(Error::msg(format!(
            "`range` of {count} items: one render may produce at most {RANGE_BUDGET} range items"
        )));
    }
    LEFT.with(|l| l.set(left - count));
    Ok(Value::Array(
        (start..end).step_by(step).map(Value::from).collect(),
    ))
}

/// The longest string the `replace` filter may return.
pub(crate) const REPLACE_MAX_BYTES: usize = 64 << 20;

/// Tera's `replace(from, to)` filter, refusing an empty `from` and a result over
/// [`REPLACE_MAX_BYTES`].
pub(crate) fn replace(value: &Value, args: &HashMap<String, Value>) -> Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| Error::msg("`replace` works on a string"))?;
    let arg = |key: &str| {
        args.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| Error::msg(format!("`replace` needs `{key}`, a string")))
    };
    let (from, to) = (arg("from")?, arg("to")?);
    if from.is_empty() {
        return Err(Error::msg("`replace`: `from` cannot be empty"));
    }
    let count = text.matches(from).count();
    let size = (text.len() - count * from.len()).saturating_add(count.saturating_mul(to.len()));
    if size > REPLACE_MAX_BYTES {
        return Err(Error::msg(format!(
            "`replace` would make a string of {size} bytes; at most {REPLACE_MAX_BYTES} are allowed"
        )));
    }
    Ok(Value::String(text.replace(from, to)))
}

/// Tera's own `join(sep)` filter, refusing a result over [`REPLACE_MAX_BYTES`]: the separator
/// is written between every two items, so `page.content | split(pat="") |
/// join(sep=page.content)` is the content squared.
pub(crate) fn join() -> impl tera::Filter {
    let builtin = tera::Tera::default();
    move |value: &Value, args: &HashMap<String, Value>| -> Result<Value> {
        if let (Some(items), Some(sep)) =
            (value.as_array(), args.get("sep").and_then(Value::as_str))
        {
            let own: usize = items.iter().filter_map(Value::as_str).map(str::len).sum();
            let size = own.saturating_add(sep.len().saturating_mul(items.len().saturating_sub(1)));
            if size > REPLACE_MAX_BYTES {
                return Err(Error::msg(format!(
                    "`join` would make a string of {size} bytes; at most {REPLACE_MAX_BYTES} are \
                     allowed"
                )));
            }
        }
        builtin.get_filter("join")?.filter(value, args)
    }
}

/// Tera's `indent(prefix, first, blank)` filter (the same output), refusing a result over
/// [`REPLACE_MAX_BYTES`]: `page.content | indent(prefix=page.content)` asked for 46 GB (found
/// by the long fuzz run).
pub(crate) fn indent(value: &Value, args: &HashMap<String, Value>) -> Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| Error::msg("`indent` works on a string"))?;
    let prefix = match args.get("prefix") {
        Some(p) => p
            .as_str()
            .ok_or_else(|| Error::msg("`indent`: `prefix` must be a string"))?,
        None => "    ",
    };
    let flag = |key: &str| match args.get(key) {
        Some(v) => v
            .as_bool()
            .ok_or_else(|| Error::msg(format!("`indent`: `{key}` must be true or false"))),
        None => Ok(false),
    };
    let (first, blank) = (flag("first")?, flag("blank")?);
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let size = text
        .len()
        .saturating_add(prefix.len().saturating_mul(lines));
    if size > REPLACE_MAX_BYTES {
        return Err(Error::msg(format!(
            "`indent` would make a string of {size} bytes; at most {REPLACE_MAX_BYTES} are allowed"
        )));
    }
    let mut out = String::with_capacity(size);
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            if first {
                out.push_str(prefix);
            }
        } else {
            out.push('\n');
            if blank || !line.trim_start().is_empty() {
                out.push_str(prefix);
            }
        }
        out.push_str(line);
    }
    Ok(Value::String(out))
}

/// The largest template errdocs parses. tera's parser takes about 2 s per megabyte, and a
/// template renders for every page: a 1.6 MB `base.html` of 100,000 `{{ page.title }}` took
/// 7 s for a three-page site (found by the third long fuzz run, iteration 95140). Real layouts
/// are tens of kilobytes (the default `base.html` is under 4 KiB).
pub(crate) const MAX_TEMPLATE_BYTES: usize = 512 * 1024;

/// How deep blocks (`{% for %}`, `{% if %}`, ...) and brackets inside tags may nest.
pub(crate) const MAX_NESTING: usize = 64;

/// The byte offset where `text` nests deeper than [`MAX_NESTING`], and that depth: blocks
/// opened by `for`, `if`, `block`, `macro`, `filter` and closed by their `end...` tag, and
/// `(`/`[`/`{` inside a `{{ }}` or `{% %}` tag. A linear scan, made before tera parses.
pub(crate) fn too_deep(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut blocks = 0usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        let opens_tag = bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%');
        if !opens_tag {
            i += 1;
            continue;
        }
        let close: &[u8] = if bytes[i + 1] == b'{' { b"}}" } else { b"%}" };
        let start = i + 2;
        let end = text[start..]
            .find(std::str::from_utf8(close).unwrap_or("}}"))
            .map_or(text.len(), |e| start + e);
        let inner = text[start..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if bytes[i + 1] == b'%' {
            let word = inner.split_whitespace().next().unwrap_or("");
            if matches!(word, "for" | "if" | "block" | "macro" | "filter") {
                blocks += 1;
                if blocks > MAX_NESTING {
                    return Some((i, blocks));
                }
            } else if word.starts_with("end") {
                blocks = blocks.saturating_sub(1);
            }
        }
        let mut brackets = 0usize;
        for (k, b) in text[start..end].bytes().enumerate() {
            match b {
                b'(' | b'[' | b'{' => {
                    brackets += 1;
                    if brackets > MAX_NESTING {
                        return Some((start + k, brackets));
                    }
                }
                b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
                _ => {}
            }
        }
        i = end + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_is_teras_join_within_the_bound() {
        let join = join();
        let args = |sep: &str| HashMap::from([("sep".to_string(), Value::from(sep))]);
        let items = Value::from(vec![Value::from("a"), Value::from(1), Value::from("b")]);
        let joined = tera::Filter::filter(&join, &items, &args(", ")).unwrap();
        assert_eq!(joined, Value::from("a, 1, b"));
        let joined = tera::Filter::filter(&join, &items, &args("\\n")).unwrap();
        assert_eq!(joined, Value::from("a\n1\nb"));
        let many = Value::from(vec![Value::from("x"); 1000]);
        let long = "y".repeat(REPLACE_MAX_BYTES / 500);
        let err = tera::Filter::filter(&join, &many, &args(&long)).unwrap_err();
        assert!(
            err.to_string().contains("`join` would make a string of"),
            "{err}"
        );
    }

    use super::*;

    #[test]
    fn indent_is_teras_and_bounded() {
        let args = |pairs: &[(&str, Value)]| -> HashMap<String, Value> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
        };
        let text = Value::from("a\n\n  b\nc");
        let out = |a| indent(&text, &a).unwrap();
        assert_eq!(out(args(&[])), Value::from("a\n\n      b\n    c"));
        assert_eq!(
            out(args(&[("prefix", "> ".into()), ("first", true.into())])),
            Value::from("> a\n\n>   b\n> c")
        );
        assert_eq!(
            out(args(&[("prefix", "-".into()), ("blank", true.into())])),
            Value::from("a\n-\n-  b\n-c")
        );
        let big = Value::from("x\n".repeat(1 << 16));
        let prefix = Value::from("y".repeat(1 << 12));
        let err = indent(&big, &args(&[("prefix", prefix)])).unwrap_err();
        assert!(err.to_string().contains("at most"), "{err}");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| "{% if true %}".repeat(n) + &"{% endif %}".repeat(n);
        assert_eq!(too_deep(&deep(MAX_NESTING)), None);
        assert_eq!(too_deep(&deep(MAX_NESTING + 1)).map(|(_, d)| d), Some(65));
        let siblings = "{% if a %}x{% endif %}".repeat(1000);
        assert_eq!(too_deep(&siblings), None);
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(100), ")".repeat(100));
        assert_eq!(too_deep(&parens).map(|(_, d)| d), Some(65));
        assert_eq!(
            too_deep("{{ a }} {% for x in [1, [2]] %}{% endfor %}"),
            None
        );
    }
}
