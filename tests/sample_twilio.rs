//! examples/twilio reproduces 73 codes of Twilio's error and warning dictionary from the verified
//! data kept beside it (examples/twilio/data/twilio.json, checked against the vendored copy of
//! Twilio's error JSON it names): every code's title, log level and type is a row of the
//! reference with an anchor, every code page carries its meaning, possible causes, possible
//! solutions, description, Twilio's page and HTTP status (where a source states one), and
//! errors.json carries the same facts.

mod common;
use common::*;
use serde_json::Value;

fn data() -> Value {
    serde_json::from_str(&read(&repo().join("examples/twilio/data/twilio.json"))).unwrap()
}

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(&repo().join("examples/twilio"), &out);
    (dir, out)
}

/// The words of a Markdown text, independently of how it is rendered: link destinations and
/// reference definitions dropped, character references decoded, then only letters and digits
/// kept (Markdown punctuation, list markers and line breaks do not survive rendering as text).
fn words(markdown: &str) -> String {
    let mut text = String::new();
    for line in markdown.lines() {
        let t = line.trim_start();
        // A reference definition `[auth]: http://...` renders as nothing.
        if t.starts_with('[') && t.contains("]:") && !t.contains("](") {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        // The destination ends at the parenthesis that closes it (URLs may nest one pair).
        let mut depth = 1;
        let mut end = after.len();
        for (j, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    // `[text][ref]` shows only `text`.
    let mut plain = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("][") {
        plain.push_str(&rest[..i]);
        rest = &rest[i + 2..];
        rest = &rest[rest.find(']').map_or(0, |e| e + 1)..];
    }
    plain.push_str(rest);
    alnum(&unescape(&without_html_links(&plain)))
}

/// Twilio's raw HTML links and attribute spans (`<a href="...">text</a>`), which the catalog
/// writes as Markdown links (data/make_catalog.py), as their text.
fn without_html_links(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag = &rest[i..];
        let is_link = ["<a ", "</a>", "<span ", "</span>"]
            .iter()
            .any(|t| tag.starts_with(t));
        match tag.find('>') {
            Some(end) if is_link => rest = &tag[end + 1..],
            _ => {
                out.push('<');
                rest = &tag[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn alnum(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v[key].as_str().filter(|s| !s.trim().is_empty())
}

/// The inner HTML of the `<div class="field field-NAME">` of a code page.
fn field_div<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<div class=\"field field-{name}\">");
    let start = html.find(&open)? + open.len();
    let end = html[start..].find("</div>")? + start;
    Some(&html[start..end])
}

const FIELDS: [(&str, &str); 3] = [
    ("possible_causes", "Possible causes"),
    ("possible_solutions", "Possible solutions"),
    ("description", "Description"),
];

#[test]
fn every_code_is_a_row_with_its_title_log_level_and_log_type() {
    let (_dir, out) = built();
    let html = read(&out.join("index.html"));
    let rows = rows(&html);
    let data = data();
    let errors = data["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 73, "the data has 73 codes");
    for e in errors {
        let code = e["code"].as_i64().unwrap().to_string();
        let (_, cells) = rows
            .iter()
            .find(|(id, _)| id.as_deref() == Some(code.as_str()))
            .unwrap_or_else(|| panic!("no row with id {code}"));
        let expected = [
            code.as_str(),
            e["message"].as_str().unwrap(),
            e["log_level"].as_str().unwrap(),
            e["log_type"].as_str().unwrap(),
        ];
        assert_eq!(cells, &expected, "row {code}");
        assert!(
            html.contains(&format!(
                "<a class=\"code\" href=\"/errors/{code}/\">{code}</a><a class=\"self-link\" href=\"#{code}\" aria-label=\"Link to this row\">#</a>"
            )),
            "{code} links to its own page, and its row to its own anchor"
        );
    }
    let code_rows = rows.iter().filter(|(id, _)| {
        id.as_deref()
            .is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit()))
    });
    assert_eq!(
        code_rows.count(),
        73,
        "and the reference shows exactly those"
    );
    // Every product of the dictionary is a category.
    let page = main_text(&html);
    for e in errors {
        if let Some(product) = str_of(e, "product") {
            assert!(page.contains(product), "category {product}");
        }
    }
}

#[test]
fn every_code_page_has_its_meaning_causes_solutions_description_and_status() {
    let (_dir, out) = built();
    let data = data();
    let mut with_status = 0;
    for e in data["errors"].as_array().unwrap() {
        let code = e["code"].as_i64().unwrap();
        let html = read(&out.join(format!("errors/{code}/index.html")));
        let page = main_text(&html);
        let title = format!("{code}: {}", e["message"].as_str().unwrap());
        assert!(page.contains(&title), "{code}: title");
        if let Some(meaning) = str_of(e, "secondary_message") {
            assert!(alnum(&page).contains(&words(meaning)), "{code}: meaning");
        }
        for (field, heading) in FIELDS {
            match str_of(e, field) {
                Some(md) => {
                    assert!(page.contains(heading), "{code}: heading {heading}");
                    let div = field_div(&html, field)
                        .unwrap_or_else(|| panic!("{code}: no {field} on its page"));
                    assert_eq!(alnum(&text(div)), words(md), "{code}: {field}");
                }
                None => assert!(field_div(&html, field).is_none(), "{code}: {field}"),
            }
        }
        let docs = e["docs_url"].as_str().unwrap();
        assert!(
            html.contains(&format!("<a href=\"{docs}\">{docs}</a>")),
            "{code}: Twilio's page"
        );
        for (label, key) in [("Log level", "log_level"), ("Log type", "log_type")] {
            let fact = format!("<dt>{label}</dt><dd>{}</dd>", e[key].as_str().unwrap());
            assert!(html.contains(&fact), "{code}: {label}");
        }
        // The REST error body, filled in with this code.
        let example = squash(&page);
        assert!(
            example.contains(&format!("\"code\":{code},"))
                || example.contains(&format!("\"code\":{code}}}")),
            "{code}: example"
        );
        match e["http_status"]["status"].as_u64() {
            Some(status) => {
                with_status += 1;
                assert!(
                    html.contains(&format!(
                        "<dt>HTTP status</dt><dd><span class=\"status status-4xx\">{status}</span>"
                    )),
                    "{code}: status {status}"
                );
                assert!(
                    page.contains(&format!("HTTP/1.1 {status} ")),
                    "{code}: status line"
                );
            }
            None => assert!(!page.contains("HTTP status"), "{code}: no status"),
        }
    }
    assert_eq!(with_status, 11, "11 codes have a status a source states");
    // The two codes whose error body a source shows give its message; no other page has one.
    for (code, message) in [(60200, "Invalid parameter: To"), (20003, "Authenticate")] {
        let page = main_text(&read(&out.join(format!("errors/{code}/index.html"))));
        assert!(
            page.contains(&format!("\"message\": \"{message}\"")),
            "{code}"
        );
    }
    let page = main_text(&read(&out.join("errors/21211/index.html")));
    assert!(
        !page.contains("\"message\""),
        "no message guessed for 21211"
    );
    // The statuses view lists each of those codes under its status.
    let index = read(&out.join("index.html"));
    let statuses = rows(&index);
    for e in data["errors"].as_array().unwrap() {
        if let Some(status) = e["http_status"]["status"].as_u64() {
            let id = format!("status-{status}");
            let (_, cells) = statuses
                .iter()
                .find(|(i, _)| i.as_deref() == Some(id.as_str()))
                .unwrap_or_else(|| panic!("no row {id}"));
            let code = e["code"].as_i64().unwrap().to_string();
            assert!(cells[1].split(", ").any(|c| c == code), "{id}: {code}");
        }
    }
}

#[test]
fn errors_json_carries_every_code_status_and_declared_field() {
    let (_dir, out) = built();
    let doc: Value = serde_json::from_str(&read(&out.join("errors.json"))).unwrap();
    let data = data();
    let errors = data["errors"].as_array().unwrap();
    let codes = doc["codes"].as_array().unwrap();
    assert_eq!(codes.len(), errors.len());
    let names: Vec<&str> = doc["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "log_level",
            "log_type",
            "possible_causes",
            "possible_solutions",
            "description",
            "twilio_docs"
        ]
    );
    for e in errors {
        let code = e["code"].as_i64().unwrap();
        let key = code.to_string();
        let index = doc["by_code"][&key]["index"].as_u64().unwrap() as usize;
        let c = &codes[index];
        assert_eq!(c["code"], code);
        assert_eq!(c["message"], e["message"]);
        assert_eq!(
            c["url"],
            format!("https://twilio-errors.errdocs.example/errors/{code}/")
        );
        assert_eq!(c["status"], e["http_status"]["status"], "{code}");
        let fields = &c["fields"];
        assert_eq!(fields["log_level"], e["log_level"], "{code}");
        assert_eq!(fields["log_type"], e["log_type"], "{code}");
        assert_eq!(fields["twilio_docs"], e["docs_url"], "{code}");
        for (field, _) in FIELDS {
            match str_of(e, field) {
                Some(md) => {
                    let text = fields[field]["text"].as_str().unwrap();
                    assert_eq!(alnum(text), words(md), "{code}: {field}");
                    let source = fields[field]["markdown"].as_str().unwrap();
                    assert_eq!(words(source), words(md), "{code}: {field} source");
                }
                None => assert!(fields[field].is_null(), "{code}: {field}"),
            }
        }
        match str_of(e, "secondary_message") {
            Some(m) => assert_eq!(
                alnum(c["meaning"]["text"].as_str().unwrap()),
                words(m),
                "{code}"
            ),
            None => assert!(c["meaning"].is_null(), "{code}"),
        }
    }
}
