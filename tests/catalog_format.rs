//! The catalog format of issue 14 on a real site, tests/fixtures/payments (a payment API's
//! reference in the shape of Stripe's): sub-codes, a code in several categories, several
//! statuses, field values per category and per code, declared fields, status names, retry
//! overrides and headers, an entry without a code, lifecycle and `page_path`. Each is rendered
//! by the default theme, exported in errors.json (valid against its schema), refused with its
//! place and a hint when misused, and compared by `check --against`.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/payments")
}

/// A copy of the fixture site whose catalog has `from` replaced by `to` (once).
fn edited(dir: &Path, from: &str, to: &str) -> PathBuf {
    let root = dir.join("site");
    for rel in ["errdocs.toml", "content/index.md", "catalog/errors.toml"] {
        let text = read(&fixture().join(rel));
        let text = if rel == "catalog/errors.toml" {
            assert!(text.contains(from), "the fixture has {from}");
            text.replacen(from, to, 1)
        } else {
            text
        };
        write_files(&root, &[(rel, &text)]);
    }
    root
}

fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(&fixture(), &out);
    (dir, out)
}

fn code<'a>(doc: &'a Value, key: &str) -> &'a Value {
    let i = doc["by_code"][key]["index"].as_u64().unwrap() as usize;
    &doc["codes"][i]
}

#[test]
fn every_new_key_is_rendered_and_exported_and_errors_json_matches_its_schema() {
    let (_dir, out) = built();
    let doc: Value = serde_json::from_str(&read(&out.join("errors.json"))).unwrap();
    let schema: Value = serde_json::from_str(&read(&out.join("errors.schema.json"))).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");

    let index = read(&out.join("index.html"));
    let rows = rows(&index);
    let row = |id: &str| {
        rows.iter()
            .filter(|(i, _)| i.as_deref() == Some(id))
            .map(|(_, cells)| cells.join(" | "))
            .collect::<Vec<_>>()
    };

    // 1. Sub-codes: the parent lists its children, each child links to its parent; the
    // example of a child fills both the parent code and its own.
    let parent = code(&doc, "card_declined");
    assert_eq!(
        parent["children"],
        serde_json::json!(["insufficient_funds", "lost_card"])
    );
    assert_eq!(code(&doc, "insufficient_funds")["parent"], "card_declined");
    let page = text(&read(&out.join("errors/card_declined/index.html")));
    assert!(
        page.contains("insufficient_funds"),
        "children on the parent's page"
    );
    let child = read(&out.join("declines/insufficient_funds/index.html"));
    assert!(
        child.contains("href=\"/errors/card_declined/\""),
        "links to its parent"
    );
    let example = squash(&text(&child));
    assert!(example.contains("\"code\":\"card_declined\",\"decline_code\":\"insufficient_funds\""));

    // 2. A code in several categories: one anchor, one page, listed in both; exported.
    let cats: Vec<&str> = parent["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(cats, ["card", "payments"]);
    assert_eq!(parent["category_title"], "Card errors");
    assert_eq!(parent["envelope"], "error");
    assert_eq!(parent["namespace"], Value::Null);
    assert_eq!(
        index.matches(" id=\"card_declined\"").count(),
        1,
        "one anchor"
    );
    let payments = index.find("id=\"payments\"").unwrap();
    assert!(
        index[payments..].contains("<tr class=\"also-listed\"><td class=\"col-code\"><a class=\"code\" href=\"/#card_declined\">"),
        "listed under payments, linking to its one row"
    );

    // 3. Several statuses, the first typical: in the row and the status view under each.
    let expiry = code(&doc, "invalid_expiry_month");
    assert_eq!(expiry["statuses"], serde_json::json!([402, 400]));
    assert_eq!(expiry["status"], 402);
    let cells = squash(&row("invalid_expiry_month")[0]);
    assert!(cells.contains("|402400|"), "{cells}");
    assert!(
        index.contains("title=\"Request Failed\">402</span>"),
        "the API's name"
    );
    for status in ["status-402", "status-400"] {
        let (_, cells) = rows
            .iter()
            .find(|(i, _)| i.as_deref() == Some(status))
            .unwrap();
        assert!(cells[1].contains("invalid_expiry_month"), "{status}");
    }

    // 4. Values per category and per code: no page shows another code's `param`.
    assert!(example.contains("\"type\":\"card_error\""));
    let own = squash(&text(&read(
        &out.join("errors/invalid_expiry_month/index.html"),
    )));
    assert!(own.contains("\"param\":\"exp_month\""), "{own}");
    assert!(
        !example.contains("\"param\""),
        "no param leaks into another code"
    );
    let api = squash(&text(&read(&out.join("errors/api_error/index.html"))));
    assert!(api.contains("\"type\":\"api_error\""));

    // 5. Declared fields: a column, a section of the code page, exported by type.
    assert!(row("card_declined")[0].contains("4000000000000002"));
    assert!(page.contains("Possible causes"));
    assert!(page.contains("The card was reported lost."));
    assert_eq!(parent["fields"]["test_card"], "4000000000000002");
    assert_eq!(
        parent["fields"]["causes"][1]["text"],
        "The card was reported lost."
    );
    assert_eq!(doc["fields"][1]["type"], "list");

    // 6. Status names, retry overrides with their reason, retry wording and headers.
    assert_eq!(doc["statuses"]["402"]["name"], "Request Failed");
    let state = code(&doc, "payment_intent_unexpected_state");
    assert_eq!(state["retry"]["policy"], "once");
    assert!(
        state["retry"]["override"]
            .as_str()
            .unwrap()
            .contains("settles")
    );
    let state_page = text(&read(
        &out.join("errors/payment_intent_unexpected_state/index.html"),
    ));
    assert!(state_page.contains("Fetch the PaymentIntent, then retry once."));
    assert!(
        text(&index).contains("Stripe-Should-Retry"),
        "retry headers shown"
    );

    // 7. An entry keyed by a stable name: its anchor and page are the name.
    let entry = code(&doc, "api_error");
    assert_eq!(entry["code"], Value::Null);
    assert_eq!(entry["name"], "api_error");
    assert_eq!(row("api_error").len(), 1);

    // 8. Lifecycle: since and a deprecation with its reason, on rows, pages and exports.
    assert_eq!(code(&doc, "insufficient_funds")["since"], "2020-03-02");
    let lost = code(&doc, "lost_card");
    assert_eq!(lost["state"], "deprecated");
    assert_eq!(lost["deprecated"]["since"], "2024-06-20");
    assert_eq!(lost["replaced_by"], "insufficient_funds");
    assert!(
        row("lost_card")[0].contains("deprecated"),
        "{:?}",
        row("lost_card")
    );
    let lost_page = text(&read(&out.join("declines/lost_card/index.html")));
    assert!(lost_page.contains("2024-06-20"));
    assert!(lost_page.contains("Shown as generic_decline to the customer."));

    // 9. page_path: decline codes live under /declines/, kept in the manifest.
    assert_eq!(lost["url"], "https://pay.example.com/declines/lost_card/");
    let urls = read(&out.join("urls.txt"));
    assert!(urls.lines().any(|l| l == "/declines/lost_card/"), "{urls}");
}

#[test]
fn misuses_are_refused_at_their_place_with_a_hint() {
    // (edit of the fixture catalog, message, location, hint)
    let cases = [
        (
            "parent = \"card_declined\"",
            "parent = \"card_declinde\"",
            "unknown code `card_declinde`",
            "errors.toml:84:10",
            "did you mean `card_declined`?",
        ),
        (
            "also_in = [\"payments\"]",
            "also_in = [\"paymnts\"]",
            "unknown category `paymnts`",
            "errors.toml:75:12",
            "did you mean `payments`?",
        ),
        (
            "status = [402, 400]",
            "status = [402, 4000]",
            "`4000` is not an HTTP status code",
            "errors.toml:100:16",
            "declare a status of the API with `[[status]]`",
        ),
        (
            "example = { \"error.param\"",
            "example = { \"error.parm\"",
            "envelope `error` has no such field",
            "errors.toml:102:13",
            "did you mean `error.param`?",
        ),
        (
            "retry_override = \"Retried once after the PaymentIntent settles, as the API's docs advise.\"\n",
            "",
            "retry policy `once` contradicts HTTP status 400",
            "errors.toml:116:9",
            "retry_override = \"...\"",
        ),
        (
            "since = \"2020-03-02\"",
            "since = \"March 2020\"",
            "not a date (`versioning = \"date\"`)",
            "errors.toml:87:9",
            "write a date `YYYY-MM-DD`",
        ),
        (
            "page_path = \"declines\"",
            "page_path = \"/declines/../x\"",
            "invalid `page_path` value",
            "errors.toml:57:13",
            "e.g. `declines`",
        ),
        (
            "headers = [\"Retry-After\"",
            "headers = [\"Retry After\"",
            "not an HTTP header name",
            "errors.toml:130:12",
            "e.g. `Retry-After`",
        ),
        (
            "deprecated = { since = \"2024-06-20\",",
            "deprecated = { since = \"2024-06-20\", sunsets = \"x\",",
            "unknown key `sunsets` in `deprecated`",
            "errors.toml:94:38",
            "did you mean `sunset`?",
        ),
        (
            "values = { \"error.type\" = \"api_error\" }\n",
            "",
            "missing required field `error.type`",
            "errors.toml:66:1",
            "add `values = { \"error.type\" = ... }`",
        ),
        (
            "test_card = \"4000000000000069\"",
            "test_card = 4000000000000069",
            "`test_card` must be a string, found an integer",
            "errors.toml:101:13",
            "write it as `test_card = \"...\"` (in quotes)",
        ),
        (
            "causes = [\"The issuer declined the charge.\", \"The card was reported lost.\"]",
            "causes = \"The issuer declined the charge.\"",
            "`causes` must be an array of strings",
            "errors.toml:79:10",
            "write it as `causes = [\"...\", \"...\"]`",
        ),
        (
            "name = \"api_error\"",
            "code = \"api_error\"\nname = \"api_error\"",
            "invalid `name` value `api_error`: the table also sets `code`",
            "errors.toml:122:8",
            "keep one of the two",
        ),
    ];
    for (from, to, message, at, hint) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = edited(dir.path(), from, to);
        let out = errdocs(&["check", "--root", root.to_str().unwrap()]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{to}: accepted");
        assert!(err.contains(message), "{to}: {err}");
        assert!(err.contains(&format!("--> catalog/{at}")), "{to}: {err}");
        assert!(err.contains("hint: "), "{to}: {err}");
        assert!(err.contains(hint), "{to}: {err}");
    }
}

fn check_against(root: &Path, old: &Path) -> (bool, String) {
    let out = errdocs(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--against",
        old.to_str().unwrap(),
    ]);
    (
        out.status.success(),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out)),
    )
}

#[test]
fn check_against_lists_codes_deprecated_or_whose_statuses_or_retry_changed() {
    let (dir, v1) = built();
    let old = v1.join("errors.json");
    for (from, to, note) in [
        (
            "status = [402, 400]",
            "status = [402, 400, 404]",
            "code invalid_expiry_month: HTTP statuses changed from 402, 400 to 402, 400, 404",
        ),
        (
            "status = 409\nretry = \"backoff\"",
            "status = 409\nretry = \"never\"",
            "code idempotency_key_in_use: retry policy changed from backoff to never",
        ),
        (
            "message = \"The card has insufficient funds to complete the purchase.\"",
            "message = \"The card has insufficient funds to complete the purchase.\"\ndeprecated = true",
            "code insufficient_funds: state changed from active to deprecated",
        ),
    ] {
        let edit = tempfile::tempdir_in(dir.path()).unwrap();
        let root = edited(edit.path(), from, to);
        let (ok, output) = check_against(&root, &old);
        assert!(ok, "{to}: {output}");
        assert!(output.contains(note), "{to}: {output}");
    }
}

#[test]
fn moving_code_pages_with_page_path_is_caught_by_both_manifests() {
    let (dir, v1) = built();
    let edit = tempfile::tempdir_in(dir.path()).unwrap();
    let root = edited(
        edit.path(),
        "page_path = \"declines\"",
        "page_path = \"cards/declines\"",
    );
    for manifest in ["urls.txt", "errors.json"] {
        let (ok, output) = check_against(&root, &v1.join(manifest));
        assert!(!ok, "{manifest}: {output}");
        assert!(
            output.contains("/declines/lost_card/"),
            "{manifest}: {output}"
        );
        assert!(
            output.contains("/cards/declines/lost_card/"),
            "{manifest}: {output}"
        );
    }
    // Unchanged, the site passes against its own manifests.
    for manifest in ["urls.txt", "errors.json"] {
        let (ok, output) = check_against(&fixture(), &v1.join(manifest));
        assert!(ok, "{manifest}: {output}");
    }
}
