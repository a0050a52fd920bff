//! `watch` and `serve` against real files, real file-system events and real HTTP requests.

mod common;
use common::*;

mod live;
use live::{Running, append, init_site, start_serve, wait_for, write_atomic};

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn watch_follows_edits_survives_errors_debounces_and_follows_deletes_and_renames() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let out = site.join("public");
    let mut watch = Running::start(&[
        "watch",
        "--root",
        site.to_str().unwrap(),
        "--debounce-ms",
        "60",
    ]);
    watch.expect("rebuilt: initial build");

    // Edit a page: its output follows, re-rendered alone.
    append(&site.join("content/guide.md"), "\nFirst marker.\n");
    wait_for(&out.join("guide/index.html"), |t| {
        t.is_some_and(|t| t.contains("First marker."))
    });
    let line = watch.expect("rebuilt: content/guide.md");
    assert!(
        line.contains("files written"),
        "an incremental rebuild: {line}"
    );
    // ...and the result is exactly a full build of the same sources.
    let full = dir.path().join("full");
    build_ok(&site, &full);
    assert_eq!(snapshot(&out), snapshot(&full), "incremental == full build");

    // Break the catalog: errors reported, old output intact; fix it: recovers by itself.
    let before = snapshot(&out);
    let catalog = site.join("catalog/errors.toml");
    let good = read(&catalog);
    std::fs::write(&catalog, good.replace("status = 429", "status = 4290")).unwrap();
    watch.expect("`4290` is not an HTTP status code");
    watch.expect("rebuild failed");
    assert_eq!(snapshot(&out), before, "the last good output stays");
    std::fs::write(
        &catalog,
        good.replace("Rate limit exceeded", "Rate limit hit"),
    )
    .unwrap();
    watch.expect("rebuilt: errors.toml");
    wait_for(&out.join("errors/index.html"), |t| {
        t.is_some_and(|t| t.contains("Rate limit hit"))
    });

    // A burst of 20 saves: whatever the timing, the last save is rebuilt after it was made, and
    // the result equals a full build. (How many rebuilds a burst gives is a property of the
    // debouncer, tested with an injected clock in src/watch/debounce.rs.)
    watch.drain(Duration::from_millis(300));
    let guide = site.join("content/guide.md");
    for i in 0..20 {
        append(&guide, &format!("\nburst {i}\n"));
        std::thread::sleep(Duration::from_millis(5));
    }
    wait_for(&out.join("guide/index.html"), |t| {
        t.is_some_and(|t| t.contains("burst 19"))
    });
    watch.expect("rebuilt: content/guide.md");
    let full = dir.path().join("full-after-burst");
    build_ok(&site, &full);
    assert_eq!(snapshot(&out), snapshot(&full), "incremental == full build");

    // A new page appears; deleted, it disappears; renamed, it moves.
    let extra = site.join("content/extra.md");
    std::fs::write(&extra, "+++\ntitle = \"Extra\"\n+++\nHello.\n").unwrap();
    wait_for(&out.join("extra/index.html"), |t| t.is_some());
    std::fs::rename(&extra, site.join("content/moved.md")).unwrap();
    wait_for(&out.join("moved/index.html"), |t| t.is_some());
    wait_for(&out.join("extra/index.html"), |t| t.is_none());
    std::fs::remove_file(site.join("content/moved.md")).unwrap();
    wait_for(&out.join("moved/index.html"), |t| t.is_none());
    // An editor that saves by writing a temp file and renaming it over the page.
    let tmp = site.join("content/.guide.md.tmp-save");
    std::fs::write(&tmp, read(&guide) + "\nRenamed over.\n").unwrap();
    std::fs::rename(&tmp, &guide).unwrap();
    wait_for(&out.join("guide/index.html"), |t| {
        t.is_some_and(|t| t.contains("Renamed over."))
    });

    // A release saved into releases/ (the changelog's history): the feed appears; removed, it
    // goes. The result equals a full build.
    std::fs::create_dir(site.join("releases")).unwrap();
    std::fs::write(
        site.join("releases/2026-01-15.json"),
        read(&out.join("errors.json")),
    )
    .unwrap();
    wait_for(&out.join("changelog.xml"), |t| t.is_some());
    let full = dir.path().join("full-with-release");
    build_ok(&site, &full);
    assert_eq!(snapshot(&out), snapshot(&full), "incremental == full build");
    std::fs::remove_file(site.join("releases/2026-01-15.json")).unwrap();
    wait_for(&out.join("changelog.xml"), |t| t.is_none());
}

/// `GET target` with the given `Host`; returns (status line, headers, body).
fn http(port: u16, target: &str, host: Option<&str>) -> (String, String, String) {
    let r = live::get(port, target, host);
    let body = r.text();
    (r.status, r.headers, body)
}

#[test]
fn serve_answers_pages_safely() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let (_serve, port) = start_serve(&site, &[]);
    let host = format!("localhost:{port}");
    let get = |target: &str| http(port, target, Some(&host));

    let (status, headers, body) = get("/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(headers.contains("Content-Type: text/html; charset=utf-8"));
    assert!(headers.contains("Cache-Control: no-store"));
    assert!(
        !headers
            .to_ascii_lowercase()
            .contains("access-control-allow-origin")
    );
    assert!(
        body.contains("/__errdocs/livereload.js"),
        "live reload injected when served"
    );
    assert!(
        !read(&site.join("public/index.html")).contains("livereload"),
        "never in build output"
    );

    let (a, _, pretty) = get("/guide");
    let (b, _, slash) = get("/guide/");
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("HTTP/1.1 200 OK", "HTTP/1.1 200 OK")
    );
    assert_eq!(pretty, slash);
    assert!(slash.contains("id=\"api-keys\""));

    let (status, _, body) = get("/no/such/page/");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert!(body.contains("Page not found"), "the site's 404 page");

    for (path, ty) in [
        ("/errdocs.css", "text/css; charset=utf-8"),
        ("/errors.json", "application/json"),
        ("/urls.txt", "text/plain; charset=utf-8"),
        ("/errdocs.js", "text/javascript; charset=utf-8"),
    ] {
        let (status, headers, _) = get(path);
        assert_eq!(status, "HTTP/1.1 200 OK", "{path}");
        assert!(
            headers.contains(&format!("Content-Type: {ty}")),
            "{path}: {headers}"
        );
    }

    // Nothing outside the output directory, however the path is written.
    std::os::unix::fs::symlink("/etc", site.join("public/etc-link")).unwrap();
    for target in [
        "/../errdocs.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/errdocs.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/guide/%2e%2e/%2e%2e/errdocs.toml",
        "/..%2ferrdocs.toml",
        "/%2f%2fetc/passwd",
        "/..%5cerrdocs.toml",
        "/etc-link/passwd",
        "/etc-link/",
    ] {
        let (status, _, body) = get(target);
        assert!(
            status.contains(" 403 ") || status.contains(" 400 ") || status.contains(" 404 "),
            "{target}: {status}"
        );
        assert!(!body.contains("root:"), "{target} leaked a file");
        assert!(
            !body.contains("[[code]]") && !body.contains("title = "),
            "{target} leaked a source"
        );
    }

    // DNS rebinding: only our own names.
    let (status, _, _) = http(port, "/", Some("evil.example"));
    assert_eq!(status, "HTTP/1.1 403 Forbidden");
    let (status, _, _) = http(port, "/", Some(&format!("evil.example:{port}")));
    assert_eq!(status, "HTTP/1.1 403 Forbidden");
    let (status, _, _) = http(port, "/", None);
    assert_eq!(status, "HTTP/1.1 400 Bad Request", "no Host at all");
    let (status, _, _) = http(port, "/", Some(&format!("127.0.0.1:{port}")));
    assert_eq!(status, "HTTP/1.1 200 OK");

    // A port in use is a clear error.
    let busy = errdocs(&[
        "serve",
        "--root",
        site.to_str().unwrap(),
        "--port",
        &port.to_string(),
    ]);
    assert_eq!(busy.status.code(), Some(1));
    assert!(
        stderr(&busy).contains("already in use"),
        "{}",
        stderr(&busy)
    );
}

#[test]
fn serve_sends_a_reload_event_after_an_edit_and_errors_while_broken() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let (_serve, port) = start_serve(&site, &[]);
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        events,
        "GET /__errdocs/events HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events.try_clone().unwrap());
    let mut read_until = |needle: &str, timeout: Duration| -> String {
        events.set_read_timeout(Some(timeout)).unwrap();
        let mut got = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => panic!("no {needle:?} within {timeout:?}; got {got:?}"),
                Ok(_) => {
                    got.push_str(&line);
                    if got.contains(needle) {
                        return got;
                    }
                }
            }
        }
    };
    let hello = read_until("data: 1\n", Duration::from_secs(10));
    assert!(hello.contains("text/event-stream"));
    // An edit is followed by a reload event for the new generation (the time bound is only a
    // guard against hanging).
    append(&site.join("content/guide.md"), "\nLive.\n");
    read_until("event: built\ndata: 2\n", Duration::from_secs(20));
    // A broken build sends the errors (the page shows them as an overlay)...
    let catalog = site.join("catalog/errors.toml");
    let good = read(&catalog);
    write_atomic(
        &catalog,
        &good.replace("category = \"auth\"", "category = \"nope\""),
    );
    let failed = read_until("rebuild failed", Duration::from_secs(10));
    assert!(failed.contains("event: failed"), "{failed}");
    assert!(failed.contains("unknown category `nope`"), "{failed}");
    // ...and a good one tells the page to reload.
    write_atomic(&catalog, &good);
    read_until("event: built\ndata: 3\n", Duration::from_secs(10));
}

#[test]
fn watch_summarizes_a_flood_of_errors_like_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    let mut watch = Running::start(&[
        "watch",
        "--root",
        site.to_str().unwrap(),
        "--debounce-ms",
        "20",
    ]);
    watch.expect("rebuilt: initial build");
    let links: String = (0..60)
        .map(|i| format!("[l{i}](/nowhere-{i})\n\n"))
        .collect();
    append(&site.join("content/guide.md"), &format!("\n{links}"));
    // The first 50 errors, then the count of the rest, as `build` prints them.
    watch.expect("broken link `/nowhere-49`");
    let more = watch.expect("... and ");
    assert_eq!(
        more,
        "... and 10 more (fix the first ones first: they often cause the rest)"
    );
    watch.expect("error: rebuild failed: 60 errors");
    assert!(
        !watch.seen.iter().any(|l| l.contains("/nowhere-50")),
        "only the first 50 are shown"
    );
}
