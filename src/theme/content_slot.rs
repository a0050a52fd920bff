//! Splicing a large page's content into its rendered template instead of copying it through
//! tera. tera renders from a copy of the context (a JSON value) into a buffer that grows by
//! doubling, so a 40 MB reference page (100,000 codes) was held three or four times while its
//! template rendered. When every template uses `page.content` only as `{{ page.content | safe }}`
//! (printed as is) or `{% if page.content %}`, the page is rendered with [`SLOT`] in its place
//! and the rendered text is written around the content in its own buffer ([`splice`]).

use std::collections::BTreeMap;

use tera::ast::{Expr, ExprVal, Node};

/// What a large page's content is replaced by while its template renders: NUL characters,
/// which no Markdown page renders to (they become U+FFFD), so it cannot be confused with
/// content. A page whose content or other fields hold it is rendered the usual way.
pub(crate) const SLOT: &str = "\u{0}errdocs:page.content\u{0}";

/// Pages whose content is at least this large are rendered with the slot (smaller ones gain
/// nothing worth the extra pass).
pub(crate) const MIN_BYTES: usize = 1 << 20;

/// Whether the templates use `page.content` only as `{{ page.content | safe }}` or as the
/// condition `{% if page.content %}`, and never `page` as a whole (`{{ page | json_encode }}`,
/// `{% set p = page %}`, `page["content"]`, `__tera_context`).
pub(crate) fn templates_print_content_plainly(templates: &BTreeMap<String, Vec<Node>>) -> bool {
    templates.values().all(|nodes| nodes_plain(nodes, false))
}

/// Whether `nodes` use the content plainly; `filtered`: they are inside a `{% filter %}`
/// section, whose filter would change the content printed there (so it may not be).
fn nodes_plain(nodes: &[Node], filtered: bool) -> bool {
    let body = |nodes: &[Node]| nodes_plain(nodes, filtered);
    nodes.iter().all(|node| match node {
        Node::VariableBlock(_, e) => (!filtered && printed_as_is(e)) || expr_plain(e),
        Node::MacroDefinition(_, def, _) => {
            def.args.values().flatten().all(expr_plain) && body(&def.body)
        }
        Node::Set(_, set) => expr_plain(&set.value),
        Node::FilterSection(_, f, _) => {
            f.filter.args.values().all(expr_plain) && nodes_plain(&f.body, true)
        }
        Node::Block(_, b, _) => body(&b.body),
        Node::Forloop(_, f, _) => {
            expr_plain(&f.container) && body(&f.body) && f.empty_body.as_deref().is_none_or(body)
        }
        Node::If(i, _) => {
            i.conditions
                .iter()
                .all(|(_, cond, nodes)| (tested(cond) || expr_plain(cond)) && body(nodes))
                && i.otherwise.as_ref().is_none_or(|(_, nodes)| body(nodes))
        }
        Node::Super
        | Node::Text(_)
        | Node::Extends(..)
        | Node::Include(..)
        | Node::ImportMacro(..)
        | Node::Raw(..)
        | Node::Break(_)
        | Node::Continue(_)
        | Node::Comment(..) => true,
    })
}

/// `{{ page.content | safe }}`.
fn printed_as_is(e: &Expr) -> bool {
    matches!(&e.val, ExprVal::Ident(i) if i == "page.content")
        && !e.negated
        && e.filters.len() == 1
        && e.filters[0].name == "safe"
        && e.filters[0].args.is_empty()
}

/// `page.content` as an `if` condition: true for any content at least [`MIN_BYTES`] long, as
/// for the slot.
fn tested(e: &Expr) -> bool {
    matches!(&e.val, ExprVal::Ident(i) if i == "page.content") && e.filters.is_empty()
}

/// An identifier that could reach the content other than through the two forms above.
fn reaches_content(ident: &str) -> bool {
    ident == "page"
        || ident.starts_with("page[")
        || ident.starts_with("page.content")
        || ident.contains("__tera_context")
}

fn expr_plain(e: &Expr) -> bool {
    e.filters.iter().all(|f| f.args.values().all(expr_plain)) && val_plain(&e.val)
}

fn val_plain(v: &ExprVal) -> bool {
    match v {
        ExprVal::Ident(i) => !reaches_content(i),
        ExprVal::Test(t) => !reaches_content(&t.ident) && t.args.iter().all(expr_plain),
        ExprVal::MacroCall(m) => m.args.values().all(expr_plain),
        ExprVal::FunctionCall(f) => f.args.values().all(expr_plain),
        ExprVal::Math(m) => expr_plain(&m.lhs) && expr_plain(&m.rhs),
        ExprVal::Logic(l) => expr_plain(&l.lhs) && expr_plain(&l.rhs),
        ExprVal::In(i) => expr_plain(&i.lhs) && expr_plain(&i.rhs),
        ExprVal::Array(items) => items.iter().all(expr_plain),
        ExprVal::StringConcat(c) => c.values.iter().all(val_plain),
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => true,
    }
}

/// `rendered` with each [`SLOT`] replaced by `content`; `Err(content)` when the slot is not
/// there (then the page is rendered the usual way). With one slot (the usual template) the
/// text around it is written into `content`'s own buffer (the content moves within it, and the
/// buffer grows in place when it can), so a 40 MB page is not held twice; with more, the
/// result is built at its exact size.
pub(crate) fn splice(rendered: &str, mut content: String) -> Result<String, String> {
    let slots = rendered.matches(SLOT).count();
    if slots == 0 {
        return Err(content);
    }
    if slots == 1 {
        let (before, after) = rendered.split_once(SLOT).unwrap_or((rendered, ""));
        content.reserve_exact(before.len() + after.len());
        content.insert_str(0, before);
        content.push_str(after);
        return Ok(content);
    }
    let size = rendered.len() - slots * SLOT.len() + slots * content.len();
    let mut out = String::with_capacity(size);
    let mut rest = rendered;
    while let Some(at) = rest.find(SLOT) {
        out.push_str(&rest[..at]);
        out.push_str(&content);
        rest = &rest[at + SLOT.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> bool {
        let ast = tera::Template::new("t.html", None, text)
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
            .ast;
        templates_print_content_plainly(&BTreeMap::from([("t.html".to_string(), ast)]))
    }

    #[test]
    fn only_content_printed_as_is_or_tested_is_plain() {
        assert!(plain(
            "<main>{{ page.content | safe }}</main>{{ page.title }}"
        ));
        assert!(plain(
            "{% if page.content %}{{page.content|safe}}{% else %}x{% endif %}"
        ));
        assert!(plain(
            "{% block content %}{{ page.content | safe }}{% endblock content %}"
        ));
        assert!(plain("{% filter upper %}{{ page.title }}{% endfilter %}"));
        for text in [
            "{{ page.content }}",
            "{{ page.content | safe | upper }}",
            "{{ page.content | length }}",
            "{{ page | json_encode }}",
            "{% set p = page %}{{ p.content | safe }}",
            "{{ page[\"content\"] | safe }}",
            "{{ __tera_context }}",
            "{% if page.content | length > 5 %}x{% endif %}",
            "{% if page.content is containing(\"x\") %}x{% endif %}",
            "{% for c in page.content %}{{ c }}{% endfor %}",
            "{{ page.title | replace(from=\"a\", to=page.content) }}",
            "{% import \"m.html\" as m %}{{ m::show(x=page.content) }}",
            "{% filter upper %}{{ page.content | safe }}{% endfilter %}x",
        ] {
            assert!(!plain(text), "{text}");
        }
    }

    #[test]
    fn splices_every_slot_at_the_exact_size() {
        let out = splice(&format!("<a>{SLOT}</a>{SLOT}"), "xyz".into()).unwrap();
        assert_eq!(out, "<a>xyz</a>xyz");
        assert_eq!(out.capacity(), out.len());
        assert_eq!(splice("<a></a>", "xyz".into()), Err("xyz".to_string()));
    }

    #[test]
    fn one_slot_is_filled_in_the_contents_own_buffer() {
        let mut content = String::with_capacity(64);
        content.push_str("<p>big</p>");
        let buffer = content.as_ptr();
        let out = splice(&format!("<main>{SLOT}</main>"), content).unwrap();
        assert_eq!(out, "<main><p>big</p></main>");
        assert_eq!(out.as_ptr(), buffer);
    }
}
