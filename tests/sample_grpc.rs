//! examples/grpc reproduces the gRPC canonical status codes (google.rpc.Code) from the verified
//! data kept beside it (examples/grpc/data/grpc.json): every code's number, name, code.proto
//! description and HTTP mapping is a row of the reference with an anchor, and every code page
//! carries its library-generated cases, grpc-go's note and its retry guidance, word for word.

mod common;
use common::*;
use serde_json::Value;

fn data() -> Value {
    serde_json::from_str(&read(&repo().join("examples/grpc/data/grpc.json"))).unwrap()
}

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(&repo().join("examples/grpc"), &out);
    (dir, out)
}

/// Markdown code spans as text (the descriptions quote names in backticks).
fn plain(s: &str) -> String {
    squash(&s.replace('`', ""))
}

#[test]
fn every_code_is_a_row_with_its_name_description_and_http_mapping() {
    let (_dir, out) = built();
    let html = read(&out.join("index.html"));
    let rows = rows(&html);
    let data = data();
    let codes = data["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 17);
    for code in codes {
        let number = code["number"].as_i64().unwrap().to_string();
        let (_, cells) = rows
            .iter()
            .find(|(id, _)| id.as_deref() == Some(number.as_str()))
            .unwrap_or_else(|| panic!("no row with id {number}"));
        assert_eq!(cells[0], number);
        assert_eq!(cells[1], code["name"].as_str().unwrap());
        assert_eq!(
            plain(&cells[2]),
            plain(code["description"].as_str().unwrap()),
            "{number}"
        );
        let mapping = code["http_mapping"]["status"].as_u64().unwrap().to_string();
        assert!(cells[3].starts_with(&mapping), "{number}: {cells:?}");
        let library = match code["generated_by_grpc_library"].as_bool() {
            Some(true) => "Yes",
            Some(false) => "Never",
            None => "Not listed",
        };
        assert_eq!(cells[4], library, "{number}");
    }
    // FAILED_PRECONDITION maps to 400, or 412 with Etag headers (older code.proto).
    let (_, cells) = rows
        .iter()
        .find(|(id, _)| id.as_deref() == Some("9"))
        .unwrap();
    assert_eq!(squash(&cells[3]), "400412");
}

#[test]
fn every_code_page_has_its_mapping_cases_note_and_retry_guidance() {
    let (_dir, out) = built();
    let data = data();
    for code in data["codes"].as_array().unwrap() {
        let number = code["number"].as_i64().unwrap();
        let html = read(&out.join(format!("codes/{number}/index.html")));
        let page = plain(&main_text(&html));
        let mapping = &code["http_mapping"];
        let status = format!(
            "{}{}",
            mapping["status"].as_u64().unwrap(),
            mapping["reason"].as_str().unwrap()
        );
        assert!(page.contains(&squash(&status)), "{number}: {status}");
        assert!(page.contains(&plain(code["name"].as_str().unwrap())));
        assert!(page.contains(&plain(code["description"].as_str().unwrap())));
        for case in code["library_generated_cases"].as_array().unwrap() {
            let case = format!(
                "{} ({})",
                case["case"].as_str().unwrap(),
                case["generated_at"].as_str().unwrap()
            );
            assert!(page.contains(&plain(&case)), "{number}: {case}");
        }
        if let Some(note) = code["grpc_go_framework_note"].as_str() {
            assert!(page.contains(&plain(note)), "{number}: {note}");
        }
        for guidance in code["retry_guidance_verbatim"].as_array().unwrap() {
            let g = guidance.as_str().unwrap();
            assert!(page.contains(&plain(g)), "{number}: {g}");
        }
        // The Status message, filled in with this code; no HTTP status line (gRPC).
        assert!(
            page.contains(&squash(&format!("\"code\":{number}"))),
            "{number}"
        );
        assert!(!html.contains("status-line"), "{number}");
    }
    let cancelled = read(&out.join("codes/1/index.html"));
    assert!(cancelled.contains("499</span> Client Closed Request"));
}

#[test]
fn the_guidance_never_generated_list_and_sources_are_there() {
    let (_dir, out) = built();
    let page = plain(&main_text(&read(&out.join("index.html"))));
    let data = data();
    let guidance = &data["general_guidance"];
    for key in ["most_specific", "litmus_test_grpc_go"] {
        let text = guidance[key].as_str().unwrap();
        // The litmus test is quoted from item (d) on, after code.proto's items (a) to (c).
        let text = text.split("(d) ").last().unwrap();
        assert!(page.contains(&plain(text)), "{key}");
    }
    let retry = guidance["retry_paragraph_statuscodes_md"].as_str().unwrap();
    let retry = retry.replace(
        "[retry](https://github.com/grpc/proposal/blob/master/A6-client-retries.md)",
        "retry",
    );
    assert!(page.contains(&plain(&retry)));
    for name in data["never_generated_by_library"].as_array().unwrap() {
        assert!(page.contains(name.as_str().unwrap()));
    }
    let sources = main_text(&read(&out.join("sources/index.html")));
    for commit in ["3332dec", "a3b23dc", "4793ad0", "16b971c"] {
        assert!(sources.contains(commit), "sources name {commit}");
    }
    assert!(
        !repo().join("examples/grpc/templates").exists(),
        "default theme"
    );
}

#[test]
fn errors_json_carries_names_mappings_and_declared_fields() {
    let (_dir, out) = built();
    let doc: Value = serde_json::from_str(&read(&out.join("errors.json"))).unwrap();
    let codes = doc["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 17);
    let precondition = &codes[9];
    assert_eq!(precondition["code"], 9);
    assert_eq!(precondition["label"], "FAILED_PRECONDITION");
    assert_eq!(precondition["statuses"], serde_json::json!([400, 412]));
    assert_eq!(precondition["retry"]["policy"], "conditional");
    assert_eq!(codes[14]["retry"]["policy"], "backoff");
    assert_eq!(doc["statuses"]["499"]["name"], "Client Closed Request");
    let cases = codes[2]["fields"]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(doc["by_code"]["14"]["anchor"], "14");
}
