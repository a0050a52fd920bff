//! Values of envelope fields: per category (`values = { "error.type" = "card_error" }`, and
//! `from = { "error.code" = "parent" }` to take them from another attribute of each code) and
//! per code (`example = { param = "exp_month" }`), checked against the fields of the envelope
//! the codes are returned in.

use serde_json::Value;
use toml::Spanned;
use toml::de::DeValue;

use super::model::{Envelope, FieldSource};
use crate::diagnostics::{Choice, Diagnostics, Need, Problem, did_you_mean};
use crate::tomlread::{self, Located, Table};

/// A TOML value as JSON (datetimes as their text); `None` (reported) for a float JSON cannot
/// hold.
fn json_value(v: &Spanned<DeValue<'_>>, t: &Table, diags: &mut Diagnostics) -> Option<Value> {
    Some(match v.get_ref() {
        DeValue::String(s) => Value::from(s.to_string()),
        DeValue::Integer(_) => Value::from(tomlread::integer(v.get_ref())?),
        DeValue::Float(f) => {
            let n: Option<f64> = f.as_str().replace('_', "").parse().ok();
            match n.and_then(serde_json::Number::from_f64) {
                Some(n) => Value::Number(n),
                None => {
                    diags.at(
                        Problem::WrongType {
                            key: "example".into(),
                            expected: "a value JSON can hold",
                            found: "a float that is not a finite number",
                        },
                        t.source(),
                        v.span(),
                    );
                    return None;
                }
            }
        }
        DeValue::Boolean(b) => Value::from(*b),
        DeValue::Datetime(d) => Value::from(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| json_value(i, t, diags))
                .collect::<Option<_>>()?,
        ),
        DeValue::Table(table) => Value::Object(
            table
                .iter()
                .map(|(k, v)| Some((k.get_ref().to_string(), json_value(v, t, diags)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// Whether `name` is a field of `envelope`; reports it at its key when it is not.
fn known_field(
    key: &'static str,
    name: &Located<String>,
    envelope: &Envelope,
    t: &Table,
    diags: &mut Diagnostics,
) -> bool {
    let found = envelope.fields.iter().any(|f| f.name == name.value);
    if !found {
        diags.at(
            Problem::UnknownEnvelopeField {
                key,
                field: name.value.clone(),
                envelope: envelope.id.clone(),
                suggestion: did_you_mean(
                    &name.value,
                    envelope.fields.iter().map(|f| f.name.as_str()),
                ),
            },
            t.source(),
            name.span.clone(),
        );
    }
    found
}

/// Reports `key` of a table whose codes are returned in no envelope.
fn without_envelope(key: &'static str, category: &str, t: &Table, diags: &mut Diagnostics) {
    if let Some(v) = t.get(key) {
        diags.at(
            Problem::ValuesWithoutEnvelope {
                key,
                category: category.to_string(),
            },
            t.source(),
            v.span(),
        );
    }
}

/// The field values of table key `key` (`example` of a code, `values` of a category), for
/// codes returned in `envelope` (of category `category`).
pub(super) fn read_values(
    t: &Table,
    key: &'static str,
    envelope: Option<&Envelope>,
    category: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, Value)> {
    let Some(envelope) = envelope else {
        without_envelope(key, category, t, diags);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, v) in t.entries(key, diags) {
        if known_field(key, &name, envelope, t, diags)
            && let Some(value) = json_value(v, t, diags)
        {
            out.push((name.value, value));
        }
    }
    out
}

/// A category's `from = { FIELD = "ATTRIBUTE" }`: which attribute of its codes fills a field,
/// in place of the field's own `from`.
pub(super) fn read_sources(
    t: &Table,
    envelope: Option<&Envelope>,
    category: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, FieldSource)> {
    let Some(envelope) = envelope else {
        without_envelope("from", category, t, diags);
        return Vec::new();
    };
    let per_code = |s: &FieldSource| !matches!(s, FieldSource::Category | FieldSource::Example);
    let names: Vec<&str> = FieldSource::ALL
        .into_iter()
        .filter(per_code)
        .map(FieldSource::name)
        .collect();
    let mut out = Vec::new();
    for (field, value) in t.string_map("from", diags) {
        if !known_field("from", &field, envelope, t, diags) {
            continue;
        }
        match FieldSource::from_name(&value.value).filter(per_code) {
            Some(source) => out.push((field.value, source)),
            None => diags.at(
                Problem::UnknownChoice {
                    key: field.value.clone(),
                    value: value.value.clone(),
                    choice: Choice::FieldSource,
                    choices: names.clone(),
                    suggestion: did_you_mean(&value.value, names.iter().copied()),
                },
                t.source(),
                value.span,
            ),
        }
    }
    out
}

/// A category gives each field at most one of a value and a source, and a value to every
/// required field its envelope takes from the category (`from = "category"`).
pub(super) fn check_category(
    t: &Table,
    envelope: Option<&Envelope>,
    values: &[(String, Value)],
    sources: &[(String, FieldSource)],
    diags: &mut Diagnostics,
) {
    for (field, _) in sources {
        if values.iter().any(|(v, _)| v == field)
            && let Some(v) = t.get("from")
        {
            diags.at(
                Problem::ValueAndSource {
                    field: field.clone(),
                },
                t.source(),
                v.span(),
            );
        }
    }
    let Some(envelope) = envelope else { return };
    for field in &envelope.fields {
        let from_category = field.from == Some(FieldSource::Category);
        let given = values.iter().any(|(v, _)| *v == field.name)
            || sources.iter().any(|(s, _)| *s == field.name);
        if from_category && field.required && !given && !t.misspells("values") {
            t.missing(
                &field.name,
                Need::CategoryValue {
                    envelope: envelope.id.clone(),
                },
                diags,
            );
        }
    }
}
