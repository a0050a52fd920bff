//! `serve` for a site that lives under a path (`base_url = "https://example.com/docs/"`): the
//! site is served under `/docs/`, `/` redirects there, and every file is the published file
//! byte for byte, except the live-reload script in pages. Real process, real HTTP over TCP.

mod common;
mod live;

use common::{read, snapshot};
use live::{HANG, Response, get, init_site, start_serve, write_atomic};

use std::path::Path;

/// `init` a site, with `base_url` set in its config if given.
fn site_with_base_url(dir: &Path, base_url: Option<&str>) -> std::path::PathBuf {
    let site = init_site(dir);
    if let Some(url) = base_url {
        set_base_url(&site, url);
    }
    site
}

fn set_base_url(site: &Path, url: &str) {
    let config = site.join("errdocs.toml");
    let text = read(&config)
        .lines()
        .filter(|l| !l.starts_with("base_url"))
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.replacen("title = ", &format!("base_url = \"{url}\"\ntitle = "), 1);
    write_atomic(&config, &text);
}

/// Waits until `GET target` answers `status` (after a rebuild the server has yet to learn of).
fn wait_status(port: u16, target: &str, status: &str) {
    let deadline = std::time::Instant::now() + HANG;
    let host = format!("localhost:{port}");
    while get(port, target, Some(&host)).status != status {
        assert!(
            std::time::Instant::now() < deadline,
            "{target} never answered {status}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The served page without the live-reload script tag (which must be there exactly once).
fn without_reload_script(target: &str, body: &[u8]) -> Vec<u8> {
    let html = String::from_utf8(body.to_vec()).unwrap();
    let start = "<script src=\"/__errdocs/livereload.js\"";
    assert_eq!(
        html.matches(start).count(),
        1,
        "{target}: one reload script"
    );
    let i = html.find(start).unwrap();
    let end = i + html[i..].find("</script>\n").unwrap() + "</script>\n".len();
    format!("{}{}", &html[..i], &html[end..]).into_bytes()
}

fn redirect(r: &Response) -> Option<String> {
    (r.status.starts_with("HTTP/1.1 30"))
        .then(|| r.header("Location"))
        .flatten()
}

/// Every internal `href="..."` and `src="..."` of an HTML page.
fn local_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let link = part.split('"').next().unwrap_or("");
            if link.starts_with('/') && !link.starts_with("//") {
                out.push(link.split('#').next().unwrap_or("").to_string());
            }
        }
    }
    out
}

#[test]
fn serve_serves_a_site_under_its_base_path_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_with_base_url(dir.path(), Some("https://example.com/docs/"));
    let (mut serve, port) = start_serve(&site, &[]);
    let host = format!("localhost:{port}");
    let fetch = |target: &str| get(port, target, Some(&host));

    assert_eq!(redirect(&fetch("/")).as_deref(), Some("/docs/"));
    serve.expect(&format!("The site is under http://localhost:{port}/docs/"));
    assert_eq!(redirect(&fetch("/docs")).as_deref(), Some("/docs/"));
    assert_eq!(
        redirect(&fetch("/docs?q=429")).as_deref(),
        Some("/docs/?q=429")
    );
    let home = fetch("/docs/");
    assert_eq!(home.status, "HTTP/1.1 200 OK");
    assert!(home.text().contains("href=\"/docs/errdocs.css\""));
    let css = fetch("/docs/errdocs.css");
    assert_eq!(css.status, "HTTP/1.1 200 OK");
    assert_eq!(
        css.header("Content-Type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    // Outside the base path there is no site: the site's 404 page, with status 404.
    for target in ["/errdocs.css", "/guide/", "/docsx/", "/docs/no/such/page/"] {
        let r = fetch(target);
        assert_eq!(r.status, "HTTP/1.1 404 Not Found", "{target}");
        assert!(r.text().contains("Page not found"), "{target}");
        assert!(r.text().contains("href=\"/docs/errdocs.css\""), "{target}");
    }

    // Every file of the output, under the base path, is the published file.
    let out = site.join("public");
    let files = snapshot(&out);
    assert!(files.len() > 10);
    for (rel, bytes) in &files {
        let mut targets = vec![format!("/docs/{rel}")];
        if let Some(dir) = rel.strip_suffix("index.html") {
            targets.push(format!("/docs/{dir}"));
        }
        for target in targets {
            let r = fetch(&target);
            assert_eq!(r.status, "HTTP/1.1 200 OK", "{target}");
            let body = if rel.ends_with(".html") {
                without_reload_script(&target, &r.body)
            } else {
                r.body.clone()
            };
            assert!(body == *bytes, "{target} differs from {rel}");
        }
    }

    // Every link and stylesheet of every page works.
    for (rel, bytes) in files.iter().filter(|(r, _)| r.ends_with(".html")) {
        for link in local_links(&String::from_utf8_lossy(bytes)) {
            assert!(link.starts_with("/docs/"), "{rel}: {link}");
            let r = fetch(&link);
            assert!(
                r.status == "HTTP/1.1 200 OK",
                "{rel}: link {link} gives {}",
                r.status
            );
        }
    }
}

#[test]
fn serve_uses_the_base_url_of_the_command_line_and_follows_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let site = site_with_base_url(dir.path(), None);
    let (_serve, port) = start_serve(&site, &["--base-url", "https://example.com/preview/"]);
    let host = format!("localhost:{port}");
    assert_eq!(
        redirect(&get(port, "/", Some(&host))).as_deref(),
        Some("/preview/")
    );
    let r = get(port, "/preview/guide/", Some(&host));
    assert_eq!(r.status, "HTTP/1.1 200 OK");
    assert!(r.text().contains("href=\"/preview/errdocs.css\""));
    drop(_serve);

    // Without --base-url, the config decides, and a change of it is followed.
    set_base_url(&site, "https://example.com/docs/");
    let (mut serve, port) = start_serve(&site, &[]);
    let host = format!("localhost:{port}");
    assert_eq!(
        get(port, "/docs/guide/", Some(&host)).status,
        "HTTP/1.1 200 OK"
    );
    set_base_url(&site, "https://example.com/v2/");
    wait_status(port, "/v2/guide/", "HTTP/1.1 200 OK");
    assert_eq!(
        redirect(&get(port, "/", Some(&host))).as_deref(),
        Some("/v2/")
    );
    assert_eq!(
        get(port, "/docs/guide/", Some(&host)).status,
        "HTTP/1.1 404 Not Found"
    );
    // Back to the root.
    let config = site.join("errdocs.toml");
    let text = read(&config);
    let text: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("base_url"))
        .collect();
    write_atomic(&config, &text.join("\n"));
    wait_status(port, "/guide/", "HTTP/1.1 200 OK");
    serve.expect("rebuilt: errdocs.toml");
    assert_eq!(get(port, "/", Some(&host)).status, "HTTP/1.1 200 OK");
}
