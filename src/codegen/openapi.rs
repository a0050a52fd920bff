//! The OpenAPI 3.1 document (`errdocs export openapi`): `components` only. A schema per
//! envelope, whose code field refers to `ErrorCode`, the enum of every code, with an enum per
//! category (`ErrorCode.CATEGORY`) and per HTTP status (`ErrorCode.404`); a response per HTTP
//! status with one named example per code, each pointing at the code's page (`x-docs-url`,
//! and a link in its `description`). Codes in a problem details envelope (RFC 9457) are
//! `application/problem+json` responses whose schema has the members of section 3.1.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::model::{Entry, EnvelopeInfo, Input};

/// A name that OpenAPI accepts as a component key (`^[a-zA-Z0-9.\-_]+$`).
fn component(name: &str) -> String {
    let out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() { "_".to_string() } else { out }
}

/// The code as the API sends it, as a JSON value (integers stay numbers).
fn code_value(e: &Entry) -> Value {
    match e.code.parse::<i64>() {
        Ok(i) if e.numeric => json!(i),
        _ => json!(e.code),
    }
}

fn code_enum(description: &str, entries: &[&Entry]) -> Value {
    let mut seen = std::collections::HashSet::new();
    let mut values: Vec<Value> = Vec::new();
    for e in entries.iter().filter(|e| e.has_code) {
        let v = code_value(e);
        if seen.insert(v.to_string()) {
            values.push(v);
        }
    }
    json!({ "description": description, "enum": values })
}

/// The JSON type names OpenAPI 3.1 schemas take.
fn json_type(kind: Option<&str>) -> Option<&'static str> {
    let kind = kind?.trim().to_ascii_lowercase();
    [
        "string", "integer", "number", "boolean", "object", "array", "null",
    ]
    .into_iter()
    .find(|t| kind == *t)
}

/// The schema of an envelope, built from its fields' dotted paths.
fn envelope_schema(env: &EnvelopeInfo, home: &str) -> Value {
    let mut root = json!({ "type": "object", "title": env.title });
    if let Some(d) = &env.description {
        root["description"] = json!(d);
    }
    if env.problem {
        root["properties"] = problem_members();
    }
    for (path, kind, required, description) in &env.fields {
        let segments: Vec<&str> = path.split('.').collect();
        let mut node = &mut root;
        for (i, seg) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            if *required {
                let req = node["required"].as_array_mut();
                match req {
                    Some(list) if !list.contains(&json!(seg)) => list.push(json!(seg)),
                    Some(_) => {}
                    None => node["required"] = json!([seg]),
                }
            }
            if node.get("properties").is_none() {
                node["properties"] = json!({});
            }
            let props = &mut node["properties"];
            if props.get(*seg).is_none() {
                props[*seg] = if last {
                    json!({})
                } else {
                    json!({ "type": "object" })
                };
            }
            node = &mut props[*seg];
        }
        if env.code_field.as_deref() == Some(path) {
            node["$ref"] = json!("#/components/schemas/ErrorCode");
        } else if let Some(t) = json_type(kind.as_deref()) {
            node["type"] = json!(t);
        }
        if let Some(d) = description {
            node["description"] = json!(d);
        }
    }
    if let Some(example) = &env.example {
        root["examples"] = json!([example]);
    }
    root["externalDocs"] = json!({ "description": "The error reference", "url": home });
    root
}

/// The members of problem details (RFC 9457, section 3.1), which a problem envelope's fields
/// may describe further.
fn problem_members() -> Value {
    json!({
        "type": {
            "type": "string",
            "format": "uri-reference",
            "description": "The problem type: the page of the error code (RFC 9457, section 3.1.1).",
        },
        "title": {
            "type": "string",
            "description": "A short summary of the problem type (RFC 9457, section 3.1.3).",
        },
        "status": {
            "type": "integer",
            "minimum": 100,
            "maximum": 599,
            "description": "The HTTP status code (RFC 9457, section 3.1.2).",
        },
        "detail": {
            "type": "string",
            "description": "An explanation of this occurrence (RFC 9457, section 3.1.4).",
        },
        "instance": {
            "type": "string",
            "format": "uri-reference",
            "description": "The occurrence of the problem (RFC 9457, section 3.1.5).",
        },
    })
}

/// The `content` of the response for one status: per media type (`application/json`, and
/// `application/problem+json` for codes in a problem details envelope), the schema of the
/// envelopes its codes use and one example per code.
fn status_content(input: &Input, list: &[&Entry]) -> Value {
    let mut by_media: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in list {
        let env = e.envelope.and_then(|i| input.envelopes.get(i));
        by_media.entry(media_type(env)).or_default().push(e);
    }
    let mut content = Map::new();
    for (media, list) in by_media {
        let mut envelopes: Vec<usize> = list.iter().filter_map(|e| e.envelope).collect();
        envelopes.sort_unstable();
        envelopes.dedup();
        let refs: Vec<Value> = envelopes
            .iter()
            .filter_map(|&i| input.envelopes.get(i))
            .map(|env| json!({ "$ref": format!("#/components/schemas/{}", component(&env.id)) }))
            .collect();
        let schema = match refs.as_slice() {
            [] => json!({}),
            [one] => one.clone(),
            _ => json!({ "oneOf": refs }),
        };
        let mut examples = Map::new();
        for e in list {
            let summary = match &e.message {
                Some(m) => format!("{}: {m}", e.code),
                None => e.code.clone(),
            };
            let mut example = json!({
                "summary": summary,
                "description": format!("Documentation: [{0}]({0})", e.docs_url),
                "x-docs-url": e.docs_url,
            });
            let value = e.example.clone().or_else(|| {
                e.envelope
                    .and_then(|i| input.envelopes.get(i))
                    .and_then(|env| env.example.clone())
            });
            if let Some(v) = value {
                example["value"] = v;
            }
            examples.insert(e.key.clone(), example);
        }
        content.insert(
            media.to_string(),
            json!({ "schema": schema, "examples": examples }),
        );
    }
    Value::Object(content)
}

/// The media type of the responses in envelope `env`: problem details or plain JSON.
fn media_type(env: Option<&EnvelopeInfo>) -> &'static str {
    match env {
        Some(e) if e.problem => "application/problem+json",
        _ => "application/json",
    }
}

/// The document for `input`, as pretty-printed JSON.
// Long: the document is one JSON value built in order: schemas, then responses.
pub(crate) fn generate(input: &Input) -> String {
    let entries: Vec<&Entry> = input.entries.iter().collect();
    let mut schemas = Map::new();
    schemas.insert(
        "ErrorCode".into(),
        code_enum("Every code of the catalog.", &entries),
    );
    let mut by_category: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    let mut by_status: BTreeMap<u16, Vec<&Entry>> = BTreeMap::new();
    for e in &entries {
        by_category.entry(&e.category).or_default().push(e);
        for s in &e.statuses {
            by_status.entry(*s).or_default().push(e);
        }
    }
    for (category, list) in &by_category {
        schemas.insert(
            format!("ErrorCode.{}", component(category)),
            code_enum(&format!("The codes of category `{category}`."), list),
        );
    }
    for (status, list) in &by_status {
        schemas.insert(
            format!("ErrorCode.{status}"),
            code_enum(
                &format!("The codes returned with HTTP status {status}."),
                list,
            ),
        );
    }
    for env in &input.envelopes {
        schemas.insert(component(&env.id), envelope_schema(env, &input.home));
    }
    let mut responses = Map::new();
    for (status, list) in &by_status {
        let reason = crate::http_status::reason(i64::from(*status)).unwrap_or("");
        let content = status_content(input, list);
        let codes: Vec<&str> = list.iter().map(|e| e.code.as_str()).collect();
        responses.insert(
            format!("Status{status}"),
            json!({
                "description": format!(
                    "HTTP {status} {reason}: codes {}. Each example links to its code's page.",
                    codes.join(", ")
                ),
                "content": content
            }),
        );
    }
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": input.title,
            "version": "1.0.0",
            "description": input.header(),
        },
        "externalDocs": { "description": "The error reference", "url": input.home },
        "paths": {},
        "components": { "schemas": schemas, "responses": responses },
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
