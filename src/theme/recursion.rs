//! Templates that would recurse forever are refused before anything is rendered: an
//! `{% include %}` cycle (or any cycle of includes, `{% extends %}` and `{% import %}`: a
//! template that extends or imports itself), a macro that calls itself (directly or through
//! other macros), or a block defined twice in one template (a block nested in a block of the
//! same name calls itself through `super()`).
//! Tera has no recursion limit, so such a template would overflow the stack and abort the
//! process instead of failing with a message.

use std::collections::{BTreeMap, BTreeSet};

use tera::ast::{Expr, ExprVal, Node};

/// Every template that some template of `templates` extends, includes or imports.
pub(crate) fn referenced(templates: &BTreeMap<String, Vec<Node>>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for ast in templates.values() {
        let mut r = Refs::default();
        collect(ast, &mut r, None);
        out.extend(r.includes);
        out.extend(r.imports.into_values());
        out.extend(r.extends);
    }
    out
}

/// For each template: the templates it uses (extends or includes), transitively, itself
/// included.
pub(crate) fn uses(templates: &BTreeMap<String, Vec<Node>>) -> BTreeMap<String, BTreeSet<String>> {
    let direct: BTreeMap<&str, BTreeSet<String>> = templates
        .iter()
        .map(|(name, ast)| {
            let mut r = Refs::default();
            collect(ast, &mut r, None);
            let mut to = r.includes;
            to.extend(r.extends);
            (name.as_str(), to)
        })
        .collect();
    templates
        .keys()
        .map(|name| {
            let mut seen = BTreeSet::from([name.clone()]);
            let mut todo = vec![name.clone()];
            while let Some(t) = todo.pop() {
                for n in direct.get(t.as_str()).into_iter().flatten() {
                    if seen.insert(n.clone()) {
                        todo.push(n.clone());
                    }
                }
            }
            (name.clone(), seen)
        })
        .collect()
}

/// The ids a template's text writes literally (`id="main"`), not from data (`id="{{ x }}"`):
/// the theme's own chrome, not anchors authors or the catalog publish.
pub(crate) fn literal_ids(text: &str) -> BTreeSet<String> {
    text.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| !id.is_empty() && !id.contains(['{', '%']))
        .map(str::to_string)
        .collect()
}

/// What one template refers to.
#[derive(Default)]
struct Refs {
    /// Templates it includes.
    includes: BTreeSet<String>,
    /// The template it extends.
    extends: Option<String>,
    /// Its macro imports: namespace -> template.
    imports: BTreeMap<String, String>,
    /// Its macros: name -> the macros they call, as (namespace, name).
    macros: BTreeMap<String, BTreeSet<(String, String)>>,
    /// Its blocks, in order; a name twice is a block defined twice.
    blocks: Vec<String>,
}

/// A recursion found: the chain of names, first and last equal (`a.html -> b.html -> a.html`).
pub(crate) struct Cycle {
    /// The template where the cycle is reported.
    pub(crate) template: String,
    /// `include` (only includes), `template` (extends or imports too), `macro` or `block`.
    pub(crate) kind: &'static str,
    pub(crate) chain: Vec<String>,
    /// The name to look for in the template's text to point at the line.
    pub(crate) needle: String,
}

/// Every include cycle and every recursive macro among `templates` (name -> parsed AST).
pub(crate) fn cycles(templates: &BTreeMap<String, Vec<Node>>) -> Vec<Cycle> {
    let refs: BTreeMap<&str, Refs> = templates
        .iter()
        .map(|(name, ast)| {
            let mut r = Refs::default();
            collect(ast, &mut r, None);
            (name.as_str(), r)
        })
        .collect();
    let mut out = Vec::new();
    // Templates using templates (include, extends, import): a search from each template,
    // reporting each cycle once (at its smallest member).
    let used = |r: &Refs| -> Vec<String> {
        let mut to: Vec<String> = r.includes.iter().cloned().collect();
        to.extend(r.extends.iter().cloned());
        to.extend(r.imports.values().cloned());
        to
    };
    for start in refs.keys() {
        if let Some(chain) = path_back(start, |t| refs.get(t).map(used).unwrap_or_default())
            && chain.iter().min().map(String::as_str) == Some(*start)
        {
            let only_includes = chain.windows(2).all(|w| {
                refs.get(w[0].as_str())
                    .is_some_and(|r| r.includes.contains(&w[1]))
            });
            out.push(Cycle {
                template: start.to_string(),
                kind: if only_includes { "include" } else { "template" },
                needle: chain.get(1).cloned().unwrap_or_default(),
                chain,
            });
        }
    }
    out.extend(blocks_twice(&refs));
    // Macros: nodes are `template::macro`.
    let callees = |node: &str| -> Vec<String> {
        let Some((tpl, name)) = node.split_once("::") else {
            return Vec::new();
        };
        let Some(r) = refs.get(tpl) else {
            return Vec::new();
        };
        r.macros
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|(ns, callee)| {
                let target = if ns == "self" {
                    tpl.to_string()
                } else {
                    r.imports.get(ns)?.clone()
                };
                Some(format!("{target}::{callee}"))
            })
            .collect()
    };
    for (tpl, r) in &refs {
        for name in r.macros.keys() {
            let node = format!("{tpl}::{name}");
            if let Some(chain) = path_back(&node, callees)
                && chain.iter().min() == Some(&node)
            {
                out.push(Cycle {
                    template: tpl.to_string(),
                    kind: "macro",
                    needle: format!("macro {name}"),
                    chain,
                });
            }
        }
    }
    out
}

/// A block defined twice in one template (tera refuses two at one level, not one nested in an
/// `if` inside a block of the same name, which calls itself through `super()`).
fn blocks_twice(refs: &BTreeMap<&str, Refs>) -> Vec<Cycle> {
    let mut out = Vec::new();
    for (tpl, r) in refs {
        let mut seen = BTreeSet::new();
        for name in &r.blocks {
            if !seen.insert(name) {
                out.push(Cycle {
                    template: tpl.to_string(),
                    kind: "block",
                    chain: vec![tpl.to_string(), name.clone()],
                    needle: format!("block {name}"),
                });
                break;
            }
        }
    }
    out
}

/// A path from `start` back to itself through `next`, if there is one (breadth-first, so the
/// shortest).
fn path_back(start: &str, next: impl Fn(&str) -> Vec<String>) -> Option<Vec<String>> {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_string()]);
    while let Some(cur) = queue.pop_front() {
        for n in next(&cur) {
            if n == start {
                // Walk back from `cur` to `start` through the parents, then close the loop.
                let mut chain = vec![cur.clone()];
                let mut at = cur.clone();
                while let Some(p) = parent.get(&at) {
                    chain.push(p.clone());
                    at = p.clone();
                }
                chain.reverse();
                chain.push(start.to_string());
                return Some(chain);
            }
            if !parent.contains_key(&n) {
                parent.insert(n.clone(), cur.clone());
                queue.push_back(n);
            }
        }
    }
    None
}

/// Records includes, imports and macro calls of `nodes`; `in_macro` is the macro whose body
/// this is.
fn collect(nodes: &[Node], r: &mut Refs, in_macro: Option<&str>) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => r.includes.extend(names.iter().cloned()),
            Node::Extends(_, name) => r.extends = Some(name.clone()),
            Node::ImportMacro(_, tpl, ns) => {
                r.imports.insert(ns.clone(), tpl.clone());
            }
            Node::MacroDefinition(_, def, _) => {
                r.macros.entry(def.name.clone()).or_default();
                for e in def.args.values().flatten() {
                    calls(e, r, Some(&def.name));
                }
                collect(&def.body, r, Some(&def.name));
            }
            Node::VariableBlock(_, e) => calls(e, r, in_macro),
            Node::Set(_, set) => calls(&set.value, r, in_macro),
            Node::FilterSection(_, f, _) => collect(&f.body, r, in_macro),
            Node::Block(_, b, _) => {
                r.blocks.push(b.name.clone());
                collect(&b.body, r, in_macro);
            }
            Node::Forloop(_, f, _) => {
                calls(&f.container, r, in_macro);
                collect(&f.body, r, in_macro);
                if let Some(empty) = &f.empty_body {
                    collect(empty, r, in_macro);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    calls(cond, r, in_macro);
                    collect(body, r, in_macro);
                }
                if let Some((_, body)) = &i.otherwise {
                    collect(body, r, in_macro);
                }
            }
            _ => {}
        }
    }
}

/// Records the macro calls inside an expression.
fn calls(expr: &Expr, r: &mut Refs, in_macro: Option<&str>) {
    for f in &expr.filters {
        for a in f.args.values() {
            calls(a, r, in_macro);
        }
    }
    calls_val(&expr.val, r, in_macro);
}

fn calls_val(val: &ExprVal, r: &mut Refs, in_macro: Option<&str>) {
    match val {
        ExprVal::MacroCall(m) => {
            if let Some(caller) = in_macro {
                r.macros
                    .entry(caller.to_string())
                    .or_default()
                    .insert((m.namespace.clone(), m.name.clone()));
            }
            for a in m.args.values() {
                calls(a, r, in_macro);
            }
        }
        ExprVal::Math(m) => {
            calls(&m.lhs, r, in_macro);
            calls(&m.rhs, r, in_macro);
        }
        ExprVal::Logic(l) => {
            calls(&l.lhs, r, in_macro);
            calls(&l.rhs, r, in_macro);
        }
        ExprVal::In(i) => {
            calls(&i.lhs, r, in_macro);
            calls(&i.rhs, r, in_macro);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| calls(a, r, in_macro)),
        ExprVal::FunctionCall(f) => f.args.values().for_each(|a| calls(a, r, in_macro)),
        ExprVal::Array(items) => items.iter().for_each(|a| calls(a, r, in_macro)),
        ExprVal::StringConcat(c) => c.values.iter().for_each(|v| calls_val(v, r, in_macro)),
        ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(templates: &[(&str, &str)]) -> Vec<String> {
        let parsed = templates
            .iter()
            .map(|(n, t)| {
                let tpl = tera::Template::new(n, None, t).unwrap();
                (n.to_string(), tpl.ast)
            })
            .collect();
        cycles(&parsed)
            .into_iter()
            .map(|c| format!("{} {}", c.kind, c.chain.join(" -> ")))
            .collect()
    }

    #[test]
    fn finds_include_cycles() {
        assert_eq!(check(&[("a", "{% include \"a\" %}")]), ["include a -> a"]);
        assert_eq!(
            check(&[
                ("a", "{% if x %}{% include \"b\" %}{% endif %}"),
                ("b", "{% include \"a\" %}")
            ]),
            ["include a -> b -> a"]
        );
        assert!(check(&[("a", "{% include \"b\" %}"), ("b", "x")]).is_empty());
    }

    #[test]
    fn finds_templates_that_extend_or_import_themselves_and_blocks_defined_twice() {
        assert_eq!(
            check(&[("base", "{% extends \"base\" %}")]),
            ["template base -> base"]
        );
        assert_eq!(
            check(&[("h", "{% import \"h\" as m %}x")]),
            ["template h -> h"]
        );
        assert_eq!(
            check(&[("a", "{% extends \"b\" %}"), ("b", "{% include \"a\" %}")]),
            ["template a -> b -> a"]
        );
        // Tera refuses a block twice at one level, not one nested in an `if` (found by the fuzzer).
        let twice = "{% block content %}{% if x %}{% block content %}{{ super() }}{% endblock content %}{% endif %}{% endblock content %}";
        assert_eq!(check(&[("p", twice)]), ["block p -> content"]);
        let ok = "{% block a %}{% block b %}{% endblock b %}{% endblock a %}";
        assert!(check(&[("p", ok)]).is_empty());
    }

    #[test]
    fn finds_recursive_macros() {
        let m = "{% macro f(n) %}{{ self::f(n=n) }}{% endmacro f %}";
        assert_eq!(check(&[("m", m)]), ["macro m::f -> m::f"]);
        let ok = "{% macro f(n) %}{{ n }}{% endmacro f %}{% macro g() %}{{ self::f(n=1) }}{% endmacro g %}";
        assert!(check(&[("m", ok)]).is_empty());
    }
}
