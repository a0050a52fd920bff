//! `errdocs diff OLD NEW`, the `changelog` directive and the Atom feed, on real sites made with
//! `errdocs init`, built twice with catalog changes in between.

mod common;

use std::path::Path;
use std::process::Command;

use common::{errdocs, read, stderr, write_files};

/// A starter site, its first release's export, then a second release: EX-1002 moves from 401
/// to 403, EX-1001 is deprecated, EX-1003 is added and EX-4001 is deleted.
fn two_releases(tmp: &Path) -> (std::path::PathBuf, String, String) {
    let site = tmp.join("site");
    let out = errdocs(&["init", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.join("public");
    common::build_ok(&site, &public);
    let old = read(&public.join("errors.json"));
    let catalog_path = site.join("catalog/errors.toml");
    let catalog = read(&catalog_path);
    let catalog = catalog
        .replace(
            "message = \"Invalid API key\"\nstatus = 401",
            "message = \"Invalid API key\"\nstatus = 403",
        )
        .replace(
            "message = \"Missing API key\"\n",
            "message = \"Missing API key\"\ndeprecated = true\n",
        );
    let cut = catalog.find("[[code]]\ncode = \"EX-4001\"").unwrap();
    let end = catalog[cut..].find("[[retry]]").unwrap() + cut;
    let catalog = format!(
        "{}[[code]]\ncode = \"EX-1003\"\ncategory = \"auth\"\nmessage = \"Key revoked\"\nstatus = 401\nfix = \"Create a new key.\"\n\n{}",
        &catalog[..cut],
        &catalog[end..]
    );
    std::fs::write(&catalog_path, catalog).unwrap();
    let guide = site.join("content/guide.md");
    std::fs::write(
        &guide,
        read(&guide).replace("[EX-4001](/errors#EX-4001)", "a rate limit"),
    )
    .unwrap();
    common::build_ok(&site, &public);
    let new = read(&public.join("errors.json"));
    (site, old, new)
}

#[test]
fn diff_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, old, new) = two_releases(tmp.path());
    let old_file = tmp.path().join("old.json");
    std::fs::write(&old_file, &old).unwrap();
    let new_file = tmp.path().join("new.json");
    std::fs::write(&new_file, &new).unwrap();

    let out = errdocs(&[
        "diff",
        old_file.to_str().unwrap(),
        new_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "Added (1):\n  + EX-1003  Key revoked  (401)\n\
         Changed (2):\n  ~ EX-1001  Missing API key  (401)\n      deprecation: active -> deprecated\n\
         \x20 ~ EX-1002  Invalid API key  (403)\n      status: 401 -> 403\n      retry: never -> none\n\
         Removed (1):\n  - EX-4001  Rate limit exceeded  (429)\n",
        "{text}"
    );

    // A built site's directory works as well as its errors.json.
    let out = errdocs(&[
        "diff",
        old_file.to_str().unwrap(),
        site.join("public").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["added"][0]["code"], "EX-1003");
    assert_eq!(json["added"][0]["url"], "/errors/EX-1003/");
    assert_eq!(json["removed"][0]["code"], "EX-4001");
    assert_eq!(json["changed"][1]["code"], "EX-1002");
    assert_eq!(json["changed"][1]["changes"][0]["attribute"], "status");
    assert_eq!(json["changed"][1]["changes"][0]["old"], 401);
    assert_eq!(json["changed"][1]["changes"][0]["new"], 403);

    // The same export twice: no changes.
    let out = errdocs(&[
        "diff",
        old_file.to_str().unwrap(),
        old_file.to_str().unwrap(),
    ]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "No changes.\n");

    // Not an export: an error naming the file and the place.
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"codes\": [1,\n}").unwrap();
    let out = errdocs(&["diff", bad.to_str().unwrap(), new_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: not an errors.json export"), "{err}");
    assert!(err.contains("bad.json:3:1"), "{err}");
}

#[test]
fn changelog_page_and_atom_feed_from_releases() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, old, new) = two_releases(tmp.path());
    // v2 is named by version: its date is in `released`.
    let new = new.replacen('{', "{\n  \"released\": \"2026-03-01\",", 1);
    write_files(
        &site,
        &[
            ("releases/2026-01-15.json", &old),
            ("releases/v2.json", &new),
            (
                "content/changelog.md",
                "+++\ntitle = \"Changelog\"\n+++\n```errdocs\nchangelog\n```\n",
            ),
        ],
    );
    let public = site.join("public");
    common::build_ok(&site, &public);
    let html = read(&public.join("changelog/index.html"));
    let v2 = html.find("id=\"release-v2\"").expect("v2 entry");
    let first = html.find("id=\"release-2026-01-15\"").expect("first entry");
    assert!(v2 < first, "newest first");
    let v2_part = &html[v2..first];
    assert!(
        v2_part.contains("<a href=\"/errors/#EX-1003\"><code>EX-1003</code></a> Key revoked"),
        "{v2_part}"
    );
    assert!(
        v2_part.contains("<time datetime=\"2026-03-01\">"),
        "{v2_part}"
    );
    assert!(
        v2_part.contains("status: <del>401</del> → <ins>403</ins>"),
        "{v2_part}"
    );
    // Removed from the catalog: shown, not linked.
    assert!(
        v2_part.contains("<li><code>EX-4001</code> Rate limit exceeded</li>"),
        "{v2_part}"
    );
    assert!(html.contains("First release kept: 3 codes."), "{html}");
    assert!(html.contains("href=\"/changelog.xml\""), "{html}");

    // The feed: valid Atom 1.0 by a real XML parser, with the required elements.
    let feed = public.join("changelog.xml");
    let script = r#"
import sys, xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == A + 'feed', root.tag
for name in ('id', 'title', 'updated', 'author'):
    assert root.find(A + name) is not None, name
entries = root.findall(A + 'entry')
print(root.find(A + 'updated').text)
for e in entries:
    for name in ('id', 'title', 'updated', 'content'):
        assert e.find(A + name) is not None and (e.find(A + name).text or '').strip(), name
    print(e.find(A + 'title').text, '|', e.find(A + 'updated').text, '|', e.find(A + 'id').text)
print('EX-1003' in entries[0].find(A + 'content').text)
"#;
    let out = Command::new("python3")
        .args(["-c", script, feed.to_str().unwrap()])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2026-03-01T00:00:00Z\n\
         v2: 1 added, 2 changed, 1 removed | 2026-03-01T00:00:00Z | urn:errdocs:example-api:changelog:release-v2\n\
         2026-01-15: 3 added | 2026-01-15T00:00:00Z | urn:errdocs:example-api:changelog:release-2026-01-15\n\
         True\n"
    );
    // Deterministic: a second build writes the same feed and page.
    let feed_before = read(&feed);
    common::build_ok(&site, &public);
    assert_eq!(read(&feed), feed_before);
    assert_eq!(read(&public.join("changelog/index.html")), html);

    // With a base_url, ids and links are absolute URLs.
    let out = errdocs(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--base-url",
        "https://docs.example.com",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = read(&feed);
    assert!(
        feed.contains("<id>https://docs.example.com/changelog.xml#release-v2</id>"),
        "{feed}"
    );
    assert!(
        feed.contains("href=\"https://docs.example.com/changelog.xml\""),
        "{feed}"
    );

    // A release without a date is an error.
    write_files(&site, &[("releases/v3.json", &old)]);
    let out = errdocs(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: release `v3` has no date"),
        "{}",
        stderr(&out)
    );
}
