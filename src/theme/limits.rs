//! Bounds on a single render, so a template cannot exhaust memory: `range` is errdocs' own,
//! with at most [`RANGE_BUDGET`] items over one render (nested loops included).

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
