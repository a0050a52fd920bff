//! examples/promptgate reproduces the PromptGate errors page (tests/fixtures/seeds/003_*) with
//! the default theme: every status, message, JSON-RPC code and retry row of the seed is a row of
//! the built page with an anchor, and every line of prose is there.

mod common;
use common::*;

const SEED: &str = "003_5c6167e36e25ce26.txt";

fn built() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(&repo().join("examples/promptgate"), &out);
    let html = read(&out.join("index.html"));
    (dir, html)
}

/// Seed lines (1-based, inclusive) that are table rows; cells run together in the capture.
const TABLE_LINES: [(usize, usize); 3] = [(19, 53), (67, 77), (91, 101)];
/// Seed lines that are bullets of the control plane's -32602 messages.
const CONTROL_PLANE_LINES: (usize, usize) = (81, 87);

#[test]
fn every_table_row_of_the_seed_is_a_row_with_an_anchor() {
    let (_dir, html) = built();
    let rows = rows(&html);
    let seed = seed(SEED);
    let lines: Vec<&str> = seed.lines().collect();
    let mut data_rows = 0;
    for (first, last) in TABLE_LINES {
        for line in &lines[first - 1..last] {
            let (id, _) = rows
                .iter()
                .find(|(_, cells)| cells.concat() == *line)
                .unwrap_or_else(|| panic!("no row reads {line:?}"));
            let is_header = matches!(
                *line,
                "StatusCauseClient behaviour"
                    | "MessageMeaning"
                    | "HTTP statusCause"
                    | "CodeStandard meaningUsed for"
                    | "StatusRetryable?How"
            );
            if !is_header {
                assert!(id.is_some(), "row {line:?} has no anchor");
                data_rows += 1;
            }
        }
    }
    // 10 statuses, 17 gateway + 5 proxy messages, 3 transport statuses, 6 JSON-RPC codes,
    // 10 retry rows.
    assert_eq!(data_rows, 51);
}

#[test]
fn anchors_follow_the_documented_rule() {
    let (_dir, html) = built();
    for id in [
        "429",
        "-32602",
        "-32000..-32099",
        "missing-bearer-token",
        "endpoint-foo-not-found-or-inactive",
        "proxy-endpoint-foo-not-found-or-inactive",
        "jsonrpc-http-401-403",
        "retry-429",
        "retry--32603",
    ] {
        assert!(html.contains(&format!(" id=\"{id}\"")), "no anchor {id}");
        assert!(
            html.contains(&format!("href=\"#{id}\"")) || id.starts_with("retry-"),
            "no self-link to {id}"
        );
    }
    // The retry row of a code links to that code's row.
    assert!(html.contains("<a href=\"/#-32603\">JSON-RPC -32603</a>"));
}

#[test]
fn control_plane_messages_are_linkable_list_items() {
    let (_dir, html) = built();
    let items = elements(&html, "li");
    let seed = seed(SEED);
    let lines: Vec<&str> = seed.lines().collect();
    for line in &lines[CONTROL_PLANE_LINES.0 - 1..CONTROL_PLANE_LINES.1] {
        let message = line.trim().trim_start_matches('•').trim();
        let (id, _) = items
            .iter()
            .find(|(_, inner)| text(&without_self_links(inner)).trim() == message)
            .unwrap_or_else(|| panic!("no list item {message:?}"));
        assert!(
            id.as_deref()
                .is_some_and(|i| i.starts_with("control-plane-")),
            "{message}"
        );
    }
}

#[test]
fn all_prose_envelopes_idempotency_and_logging_are_there() {
    let (_dir, html) = built();
    let page = squash(&main_text(&html));
    let seed = seed(SEED);
    // Navigation chrome of the captured page, not content.
    let chrome = [
        "Skip to content",
        "That’s the full API Reference. Continue to:",
    ];
    for line in seed.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if chrome.contains(&line) || line.starts_with('©') {
            continue;
        }
        let line = line.trim_start_matches('•').trim();
        assert!(page.contains(&squash(line)), "missing seed text {line:?}");
    }
    // Both envelopes, highlighted; the JSON-RPC one with its HTTP 200 status line.
    assert!(html.contains("id=\"envelope-rest\""));
    assert!(html.contains("id=\"envelope-jsonrpc\""));
    assert!(html.contains("HTTP/1.1 200 OK"));
}

#[test]
fn the_site_uses_the_default_theme_only() {
    let root = repo().join("examples/promptgate");
    assert!(!root.join("templates").exists(), "no templates of its own");
    let catalog = read(&root.join("catalog/errors.toml"));
    assert!(
        catalog.contains("[[retry]]"),
        "retry rows come from the catalog"
    );
    let page = read(&root.join("content/index.md"));
    assert!(
        !page.contains("| 429"),
        "the retry table is not typed into Markdown"
    );
}
