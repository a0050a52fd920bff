//! The root sample site reproduces the PatchOps Guard reference (tests/fixtures/seeds/000_*):
//! every code, message, status and fix, the categories, the envelope, retry guidance, the
//! guide page and the footer, checked against the built HTML.

mod common;
use common::*;

const SEED: &str = "000_6e85be11662a2f57.txt";

fn built() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(&repo(), &out);
    let html = read(&out.join("errors/index.html"));
    (dir, html)
}

#[test]
fn every_code_message_status_and_fix_of_the_seed_is_rendered_with_its_anchor() {
    let (_dir, html) = built();
    let rows = rows(&html);
    let mut checked = 0;
    for line in seed(SEED).lines().filter(|l| l.starts_with("| PG-")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let [code, message, status, fix] = cells[..] else {
            panic!("unexpected seed row {line}");
        };
        let (_, got) = rows
            .iter()
            .find(|(id, _)| id.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("no row with id {code}"));
        assert_eq!(got, &vec![code, message, status, fix], "row {code}");
        assert!(
            html.contains(&format!(
                "<a class=\"code\" href=\"/errors/{code}/\">{code}</a><a class=\"self-link\" href=\"#{code}\" aria-label=\"Link to this row\">#</a>"
            )),
            "{code} links to its own page, and its row to its own anchor"
        );
        checked += 1;
    }
    assert_eq!(checked, 47, "the seed has 47 codes");
    let code_rows = rows
        .iter()
        .filter(|(id, _)| id.as_deref().is_some_and(|i| i.starts_with("PG-")));
    assert_eq!(code_rows.count(), 47, "and the page shows exactly those");
}

#[test]
fn categories_have_the_seed_titles_ranges_and_descriptions() {
    let (_dir, html) = built();
    let page = squash(&main_text(&html));
    let seed = seed(SEED);
    let lines: Vec<&str> = seed.lines().collect();
    let mut found = 0;
    for (i, line) in lines.iter().enumerate() {
        // A category is a title line followed by "PG-Nxxx<description>".
        if line.starts_with("PG-")
            && line.as_bytes().get(6) == Some(&b'x')
            && !line.starts_with("PG-X")
        {
            let title = lines[i - 1];
            let expected = squash(&format!("{title}{line}"));
            assert!(page.contains(&expected), "category {title:?} with {line:?}");
            found += 1;
        }
    }
    assert_eq!(found, 6);
    for (id, title) in [
        ("auth", "Authentication"),
        ("validation", "Input Validation"),
        ("resource", "Resource"),
        ("rate-limits", "Rate Limits &amp; Quotas"),
        ("server", "Server"),
        ("external", "External Services"),
    ] {
        assert!(
            html.contains(&format!("<section class=\"category\" id=\"{id}\">")),
            "{id}"
        );
        assert!(
            html.contains(&format!("<h2 class=\"category-title\">{title} ")),
            "{title}"
        );
    }
}

#[test]
fn the_envelope_example_intro_retry_guidance_and_footer_are_there() {
    let (dir, html) = built();
    let page = squash(&main_text(&html));
    let seed = seed(SEED);
    let lines: Vec<&str> = seed.lines().collect();
    // The intro and the example body (lines 2..=11 of the seed; the 🔍 is the search box).
    for line in &lines[1..11] {
        let line = line.trim_end_matches('🔍');
        assert!(page.contains(&squash(line)), "missing seed text {line:?}");
    }
    assert!(
        html.contains("class=\"language-json\""),
        "the example is highlighted JSON"
    );
    assert!(html.contains("hl-"), "with syntect classes");
    // Retry guidance: one row per status, generated from the catalog.
    for (status, retryable) in [
        ("429", "Yes, after Retry-After seconds"),
        ("400", "No"),
        ("502", "Yes, with exponential backoff"),
    ] {
        let rows = rows(&html);
        let (_, cells) = rows
            .iter()
            .find(|(id, _)| id.as_deref() == Some(&format!("retry-{status}")))
            .unwrap_or_else(|| panic!("retry row {status}"));
        assert_eq!(cells[0], status);
        assert_eq!(cells[1], retryable);
    }
    // The "Still stuck?" footer, on every page.
    for page in ["index.html", "errors/index.html", "guide/index.html"] {
        let html = read(&dir.path().join("public").join(page));
        assert!(html.contains("Still stuck?"), "{page}");
        assert!(
            squash(&text(&html)).contains(&squash(lines[lines.len() - 1])),
            "{page}: {}",
            lines[lines.len() - 1]
        );
    }
}

#[test]
fn the_guide_has_every_section_the_docs_links_point_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(&repo(), &out);
    let guide = read(&out.join("guide/index.html"));
    let catalog = read(&repo().join("catalog/errors.toml"));
    let mut n = 0;
    for line in catalog
        .lines()
        .filter(|l| l.starts_with("docs = \"/guide#"))
    {
        let anchor = line
            .trim_start_matches("docs = \"/guide#")
            .trim_end_matches('"');
        assert!(
            guide.contains(&format!(" id=\"{anchor}\"")),
            "guide lacks #{anchor}"
        );
        n += 1;
    }
    assert!(n >= 47, "every code has a docs link ({n})");
    assert!(guide.contains("id=\"api-keys\""));
}
