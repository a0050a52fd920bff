//! The example response of one code: its envelope's example with each field filled in for that
//! code, and never a value that belongs to another code.
//!
//! A field's value comes from, first to last: the code's own `example = { FIELD = ... }`, its
//! category's `from = { FIELD = "ATTRIBUTE" }` or `values = { FIELD = ... }`, the field's own
//! `from` (`code`, `message`, `parent`, `category`, ...). A required field without `from` is a
//! constant of the envelope and keeps the example's value; every other field without a value
//! for this code is left out (the required ones are named under the example). `from =
//! "example"` says a field varies but has no source: only values given per code or category.

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{Catalog, CodeKey, EnvelopeField, FieldSource, plain_text};
use crate::highlight::code_block;

#[derive(Serialize)]
pub(crate) struct ExampleView {
    pub(crate) title: String,
    pub(crate) status_line: Option<String>,
    /// Highlighted HTML.
    pub(crate) html: String,
    /// Required fields left out because the catalog gives no value for this code.
    pub(crate) omitted: Vec<String>,
    /// `application/problem+json` for a problem details envelope (also on the status line).
    pub(crate) media_type: Option<&'static str>,
}

/// `HTTP/1.1 429 Too Many Requests`: the standard reason phrase, else the API's name of a
/// status outside the registry.
pub(crate) fn status_line(status: u16, name: Option<&str>) -> String {
    let reason = crate::http_status::reason(i64::from(status)).or(name);
    format!("HTTP/1.1 {status} {}", reason.unwrap_or(""))
}

/// The status line of an example, followed by a `Content-Type` line when the envelope has a
/// media type of its own (problem details).
pub(crate) fn head_lines(status: Option<String>, media_type: Option<&str>) -> Option<String> {
    match (status, media_type) {
        (Some(s), Some(m)) => Some(format!("{s}\nContent-Type: {m}")),
        (None, Some(m)) => Some(format!("Content-Type: {m}")),
        (s, None) => s,
    }
}

/// The URLs an example shows: what `from = "docs"` shows, and the `type` of problem details
/// (the absolute URL of the code's page).
#[derive(Clone, Copy, Default)]
pub(crate) struct ExampleUrls<'a> {
    pub(crate) docs: Option<&'a str>,
    pub(crate) problem_type: Option<&'a str>,
}

/// The example of the code's envelope filled in for code `code`; `None` when the envelope is
/// not JSON or nothing in it varies per code.
pub(crate) fn example_for(
    catalog: &Catalog,
    code: usize,
    urls: ExampleUrls,
) -> Option<ExampleView> {
    let envelope = catalog.envelope_for(code)?;
    let c = &catalog.codes[code];
    let (value, omitted) = example_value(catalog, code, urls)?;
    let text = serde_json::to_string_pretty(&value).ok()?;
    let status = envelope
        .http_status
        .or(c.status().filter(|_| envelope.http))
        .map(|s| status_line(s, catalog.status_name(s)));
    Some(ExampleView {
        title: envelope.title.clone(),
        status_line: head_lines(status, envelope.media_type()),
        html: code_block(&text, "json"),
        omitted,
        media_type: envelope.media_type(),
    })
}

/// The example response of code `code` as JSON, and the required fields it leaves out; `None`
/// when its envelope is not JSON or is the same for every code.
pub(crate) fn example_value(
    catalog: &Catalog,
    code: usize,
    urls: ExampleUrls,
) -> Option<(Value, Vec<String>)> {
    let docs_url = urls.docs;
    let envelope = catalog.envelope_for(code)?;
    let c = &catalog.codes[code];
    let category = &catalog.categories[c.category];
    let varies = envelope.fields.iter().any(|f| f.from.is_some())
        || !category.values.is_empty()
        || !category.sources.is_empty()
        || !c.example.is_empty()
        || envelope.is_problem();
    if envelope.language != "json" || !varies {
        return None;
    }
    let mut value: Value = serde_json::from_str(&envelope.example).ok()?;
    let mut omitted = Vec::new();
    for field in &envelope.fields {
        let source = category
            .sources
            .iter()
            .find(|(f, _)| *f == field.name)
            .map(|(_, s)| *s)
            .or(field.from);
        match field_value(catalog, code, field, source, docs_url) {
            Some(v) => set_path(&mut value, &field.name, Some(v)),
            // A required constant of the envelope keeps the example's value.
            None if source.is_none() && field.required => {}
            None => {
                if field.required {
                    omitted.push(field.name.clone());
                }
                set_path(&mut value, &field.name, None);
            }
        }
    }
    if envelope.is_problem() {
        value = problem_details(catalog, code, value, urls.problem_type);
        // A member errdocs filled in (`title` from the label) is not left out.
        omitted.retain(|f| value.get(f.as_str()).is_none());
    }
    Some((value, omitted))
}

/// Problem details (RFC 9457, section 3.1) for code `code`: `type` (its page), `title` (its
/// message, else its label), `status` (its typical status, else the envelope's), `detail`
/// (its detail, else its meaning, as plain text), in that order, then the other members of
/// the filled-in example (extension members, section 3.2). Members without a value for the
/// code are left out, as the RFC allows.
fn problem_details(
    catalog: &Catalog,
    code: usize,
    filled: Value,
    problem_type: Option<&str>,
) -> Value {
    let c = &catalog.codes[code];
    let envelope = catalog.envelope_for(code);
    let mut out = serde_json::Map::new();
    if let Some(t) = problem_type {
        out.insert("type".into(), t.into());
    }
    if let Some(title) = c.message.as_ref().or(c.label.as_ref()) {
        out.insert("title".into(), title.clone().into());
    }
    if let Some(s) = c.status().or(envelope.and_then(|e| e.http_status)) {
        out.insert("status".into(), s.into());
    }
    if let Some(d) = c.detail.as_ref().or(c.meaning.as_ref()) {
        out.insert("detail".into(), plain_text(&d.value).into());
    }
    let Value::Object(rest) = filled else {
        return Value::Object(out);
    };
    for (k, v) in rest {
        if !out.contains_key(&k) && !STANDARD.contains(&k.as_str()) {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

/// The members errdocs fills in; `instance` is kept as the example gives it.
const STANDARD: [&str; 4] = ["type", "title", "status", "detail"];

/// The value of one envelope field for code `code`, if the catalog gives one.
fn field_value(
    catalog: &Catalog,
    code: usize,
    field: &EnvelopeField,
    source: Option<FieldSource>,
    docs_url: Option<&str>,
) -> Option<Value> {
    let c = &catalog.codes[code];
    let category = &catalog.categories[c.category];
    let given = |list: &[(String, Value)]| {
        list.iter()
            .find(|(f, _)| *f == field.name)
            .map(|(_, v)| v.clone())
    };
    if let Some(v) = given(&c.example) {
        return Some(v);
    }
    let from_source = |source: FieldSource| match source {
        FieldSource::Code => key_value(&c.key),
        FieldSource::Parent => c.parent.and_then(|p| key_value(&catalog.codes[p].key)),
        FieldSource::Message => c.message.clone().map(Into::into),
        FieldSource::Label => c.label.clone().map(Into::into),
        FieldSource::Status => c.status().map(Into::into),
        FieldSource::Detail => c.detail.as_ref().map(|t| t.value.clone().into()),
        FieldSource::Fix => c.fix.as_ref().map(|t| t.value.clone().into()),
        FieldSource::Docs => docs_url.map(Into::into),
        FieldSource::Category => given(&category.values),
        // Given per code or per category only: looked up above.
        FieldSource::Example => None,
    };
    let category_source = category
        .sources
        .iter()
        .find(|(f, _)| *f == field.name)
        .map(|(_, s)| *s);
    match category_source {
        Some(s) => from_source(s),
        None => given(&category.values).or_else(|| source.and_then(from_source)),
    }
}

/// A code as the API sends it: integers stay numbers; an entry known only by its name has no
/// code.
fn key_value(key: &CodeKey) -> Option<Value> {
    match key {
        CodeKey::Int(i) => Some(Value::from(*i)),
        CodeKey::Name(_) => None,
        other => Some(Value::from(other.raw())),
    }
}

/// Sets (or, with `None`, removes) the member at a dotted path such as `error.code`.
fn set_path(value: &mut Value, path: &str, new: Option<Value>) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut cur = value;
    for p in parts {
        match cur.get_mut(p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        match new {
            Some(v) => {
                obj.insert(last.to_string(), v);
            }
            None => {
                obj.shift_remove(last);
            }
        }
    }
}
