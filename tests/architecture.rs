//! The shape of the code: no module depends on another that depends back on it (directly or
//! through others), at any level (`render` and `render::view` count as two modules).
//!
//! Dependencies are read from the sources: every path that starts with `crate::`, `super::`,
//! `self::` or the name of a child module, in `use` declarations (with `{...}` groups) and in
//! expressions, resolved to the longest known module. This is the command the architecture
//! issue asks for: `cargo test --test architecture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`render::view`) of a file under `src/`.
fn module_of(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut segs: Vec<String> = parts.clone();
    let last = segs.pop()?;
    let stem = last.strip_suffix(".rs")?;
    match stem {
        "main" if segs.is_empty() => None,
        "lib" if segs.is_empty() => Some(String::new()),
        "mod" => Some(segs.join("::")),
        other => {
            segs.push(other.to_string());
            Some(segs.join("::"))
        }
    }
}

/// The source without comments and string literals (so paths in docs do not count).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // On bytes: `i` may stop inside a multi-byte character of a string or comment.
        if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"r#\"") {
            i += 3;
            while i < bytes.len() && !bytes[i..].starts_with(b"\"#") {
                i += 1;
            }
            i += 2;
        } else if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if bytes[i] == b'\'' && i + 2 < bytes.len() && bytes[i + 2] == b'\'' {
            i += 3;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    out
}

/// Expands a `use` tree (`crate::{a::b, c::{d, e}}`) into full paths.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// Every path a file names, as written (`crate::x::Y`, `super::z`, `child::W`).
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        let body = stmt
            .strip_prefix("use ")
            .or_else(|| stmt.find(" use ").map(|i| &stmt[i + 5..]))
            .or_else(|| stmt.split("\nuse ").nth(1));
        if let Some(body) = body {
            out.extend(expand(body));
        }
    }
    // Paths in expressions and types.
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let end = code[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            out.push(code[at..end].to_string());
        }
    }
    out
}

/// The module a path refers to (the longest known module prefix), from module `here`.
fn resolve(path: &str, here: &str, modules: &BTreeSet<String>) -> Option<String> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let (base, rest): (Vec<String>, &[&str]) = match segs.first()? {
        &"crate" => (Vec::new(), &segs[1..]),
        &"self" => (split(here), &segs[1..]),
        &"super" => {
            let mut base = split(here);
            let mut rest = &segs[..];
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        first => {
            // A child module of `here`, written without `self::`.
            let mut child = split(here);
            child.push(first.to_string());
            if !modules.contains(&child.join("::")) {
                return None;
            }
            (split(here), &segs[..])
        }
    };
    let mut best = base.join("::");
    let mut cur = base;
    for s in rest {
        cur.push(s.to_string());
        let name = cur.join("::");
        if modules.contains(&name) {
            best = name;
        } else {
            break;
        }
    }
    Some(best)
}

fn split(module: &str) -> Vec<String> {
    if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(String::from).collect()
    }
}

fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&src).unwrap();
        if let Some(module) = module_of(rel) {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            // Unit tests (`#[cfg(test)] mod tests`, at the end of a file) are not the module.
            let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            files.insert(module, code_only(text));
        }
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut deps = BTreeMap::new();
    for (module, code) in &files {
        let mut to = BTreeSet::new();
        // Child modules named in expressions (`codepages::code_page(...)`).
        let mut paths = paths_in(code);
        let prefix = if module.is_empty() {
            String::new()
        } else {
            format!("{module}::")
        };
        for child in modules.iter().filter_map(|m| m.strip_prefix(&prefix)) {
            if child.contains("::") || child.is_empty() {
                continue;
            }
            let needle = format!("{child}::");
            let bytes = code.as_bytes();
            let mut from = 0;
            while let Some(i) = code[from..].find(&needle) {
                let at = from + i;
                from = at + needle.len();
                let before = at.checked_sub(1).map(|b| bytes[b]);
                if !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
                    paths.push(needle.clone());
                }
            }
        }
        for path in paths {
            if let Some(target) = resolve(&path, module, &modules)
                && target != *module
                && !target.is_empty()
            {
                to.insert(target);
            }
        }
        deps.insert(module.clone(), to);
    }
    deps
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(deps: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        deps: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.deps.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.deps.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        deps,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in deps.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let deps = dependencies();
    assert!(deps.len() > 20, "found only {} modules", deps.len());
    let found = cycles(&deps);
    let mut report = String::new();
    for cycle in &found {
        report.push_str(&format!("cycle: {}\n", cycle.join(" <-> ")));
        for m in cycle {
            let into: Vec<&String> = deps[m].iter().filter(|d| cycle.contains(d)).collect();
            report.push_str(&format!("  {m} uses {into:?}\n"));
        }
    }
    assert!(found.is_empty(), "{report}");
}

#[test]
fn the_dependency_reader_sees_real_dependencies() {
    let deps = dependencies();
    assert!(deps["build"].contains("plan"), "{:?}", deps["build"]);
    assert!(
        deps["render::view"].contains("plan"),
        "{:?}",
        deps["render::view"]
    );
    assert!(deps["links"].contains("urls"), "{:?}", deps["links"]);
    let fake: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(x, y)| (x.to_string(), BTreeSet::from([y.to_string()])))
        .collect();
    assert_eq!(cycles(&fake).len(), 1);
    assert_eq!(
        expand("crate::{a::B, c::{d, e}}"),
        vec!["crate::a::B", "crate::c::d", "crate::c::e"]
    );
}

/// Functions in `src/` are at most 80 lines, unless a comment right above says why
/// (a line starting with `Long:`).
#[test]
fn long_functions_say_why() {
    const LIMIT: usize = 80;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "]
                .iter()
                .any(|p| trimmed.starts_with(p));
            if !is_fn {
                continue;
            }
            let indent = &line[..line.len() - trimmed.len()];
            let Some(len) = lines[i + 1..]
                .iter()
                .position(|l| *l == format!("{indent}}}"))
                .map(|p| p + 2)
            else {
                continue;
            };
            let reason = lines[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    let t = l.trim_start();
                    t.starts_with("//") || t.starts_with("#[")
                })
                .any(|l| {
                    l.trim_start()
                        .trim_start_matches('/')
                        .trim()
                        .starts_with("Long:")
                });
            if len > LIMIT && !reason {
                let rel = entry
                    .path()
                    .strip_prefix(&src)
                    .unwrap()
                    .display()
                    .to_string();
                long.push(format!("src/{rel}:{}: {} lines", i + 1, len));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions longer than {LIMIT} lines without a `// Long: why` comment:\n{}",
        long.join("\n")
    );
}
