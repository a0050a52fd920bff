//! Fields a catalog declares for its codes (`[[field]]`: possible causes, severity, test card
//! numbers, ...) and the values codes give them, validated by their type.

use super::common::FirstSeen;
use super::model::{FieldDef, FieldType, FieldValue};
use crate::diagnostics::{Choice, Diagnostics, Need, Problem, did_you_mean};
use crate::tomlread::{Located, Table};

pub(super) const FIELD_DEF_KEYS: &[&str] = &[
    "name",
    "title",
    "type",
    "required",
    "column",
    "page",
    "export",
    "description",
];

/// Reads one `[[field]]`; `reserved` are the standard keys of `[[code]]`.
pub(super) fn read_field_def(
    t: &Table,
    reserved: &[&str],
    seen: &mut FirstSeen,
    diags: &mut Diagnostics,
) -> Option<FieldDef> {
    let source = t.source();
    let name = t.required_string("name", diags);
    let title = t.required_string("title", diags);
    if t.get("type").is_none() {
        t.missing("type", Need::Always, diags);
    }
    let kind = t.string("type", diags).and_then(|k| {
        let found = FieldType::from_name(&k.value);
        if found.is_none() {
            let names = FieldType::ALL.map(FieldType::name);
            diags.at(
                Problem::UnknownChoice {
                    key: "type".into(),
                    value: k.value.clone(),
                    choice: Choice::FieldType,
                    choices: names.to_vec(),
                    suggestion: did_you_mean(&k.value, names),
                },
                source,
                k.span.clone(),
            );
        }
        found
    });
    let flag = |key: &str, default: bool, diags: &mut Diagnostics| {
        t.bool(key, diags).map_or(default, |b| b.value)
    };
    let required = flag("required", false, diags);
    let column = flag("column", false, diags);
    let page = flag("page", true, diags);
    let export = flag("export", true, diags);
    let description = t.string("description", diags);
    let name = name?;
    let valid = name.value.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let problem = if !valid {
        Some(Problem::InvalidFieldName {
            value: name.value.clone(),
        })
    } else if reserved.contains(&name.value.as_str()) {
        Some(Problem::ReservedFieldName {
            name: name.value.clone(),
        })
    } else {
        None
    };
    if let Some(p) = problem {
        diags.at(p, source, name.span);
        return None;
    }
    if !seen.insert("field", &name.value, &name.value, source, name.span, diags) {
        return None;
    }
    Some(FieldDef {
        name: name.value,
        title: title?.value,
        kind: kind?,
        required,
        column,
        page,
        export,
        description,
    })
}

/// The values a `[[code]]` table gives the declared fields, checked by type; a required field
/// it lacks is reported at the code (`at`).
pub(super) fn read_field_values(
    t: &Table,
    defs: &[FieldDef],
    code: &str,
    at: std::ops::Range<usize>,
    diags: &mut Diagnostics,
) -> Vec<(usize, FieldValue)> {
    let mut out = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        if t.get(&def.name).is_none() {
            if def.required && !t.misspells(&def.name) {
                diags.at(
                    Problem::MissingField {
                        field: def.name.clone(),
                        table: format!("code `{code}`"),
                        need: Need::DeclaredField,
                    },
                    t.source(),
                    at.clone(),
                );
            }
            continue;
        }
        let value = match def.kind {
            FieldType::Text => t
                .string(&def.name, diags)
                .map(|s| FieldValue::Text(s.value)),
            FieldType::Markdown => t.string(&def.name, diags).map(FieldValue::Markdown),
            FieldType::List => t.strings(&def.name, diags).map(FieldValue::List),
            FieldType::Url => t
                .string(&def.name, diags)
                .and_then(|u| url_value(&def.name, u, t, diags)),
        };
        out.extend(value.map(|v| (i, v)));
    }
    out
}

/// An absolute `http(s)` URL, or a path of this site (checked later by the link checker).
fn url_value(
    field: &str,
    url: Located<String>,
    t: &Table,
    diags: &mut Diagnostics,
) -> Option<FieldValue> {
    let v = url.value.trim();
    if is_url_or_site_path(v) {
        return Some(FieldValue::Url(Located::new(v.to_string(), url.span)));
    }
    diags.at(
        Problem::InvalidFieldUrl {
            field: field.to_string(),
            value: url.value.clone(),
        },
        t.source(),
        url.span,
    );
    None
}

/// Whether `v` is an absolute `http(s)` URL or a path of this site (`/guide#keys`); not a
/// scheme-relative URL (`//evil.example`), another scheme (`javascript:`) or a relative path.
pub(super) fn is_url_or_site_path(v: &str) -> bool {
    let absolute = ["https://", "http://"].iter().any(|scheme| {
        v.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
    });
    let site_path = v.starts_with('/') && !v.starts_with("//");
    (absolute || site_path) && !v.contains(char::is_whitespace)
}
