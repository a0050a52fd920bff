//! The command line end to end: init, deterministic builds, escaping, base URLs, refusing
//! dangerous output directories, exit codes.

mod common;
use common::*;

#[test]
fn init_creates_a_site_that_builds_with_the_embedded_theme() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("x");
    let out = errdocs(&["init", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!site.join("templates").exists() && !site.join("static").exists());
    let out = errdocs(&["build", "--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.join("public");
    for file in [
        "index.html",
        "errors/index.html",
        "guide/index.html",
        "404.html",
        "errdocs.css",
        "syntax.css",
    ] {
        assert!(public.join(file).is_file(), "{file}");
    }
    let errors = read(&public.join("errors/index.html"));
    assert!(errors.contains("<tr id=\"EX-1001\">"));
    // A second init never overwrites.
    let again = errdocs(&["init", site.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("never overwrites"));
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    for site in [repo(), repo().join("examples/promptgate")] {
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        build_ok(&site, &a);
        build_ok(&site, &b);
        let (sa, sb) = (snapshot(&a), snapshot(&b));
        assert!(sa.len() >= 4);
        assert_eq!(sa, sb, "{}", site.display());
    }
}

#[test]
fn catalog_text_is_escaped_everywhere_it_appears() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let evil = "<script>alert(1)</script>";
    let catalog = format!(
        r#"[[envelope]]
id = "error"
title = "Env {evil}"
description = "Desc {evil}"
example = '{{"error": "{evil}"}}'
note = "Note {evil}"

[[envelope.field]]
name = "error.{evil}"
type = "string {evil}"
description = "Field {evil}"

[[category]]
id = "auth"
title = "Auth {evil}"
description = "Cat {evil}"
columns = ["code", "label", "message", "status", "fix", "meaning", "detail", "retry"]
headings = {{ fix = "Fix {evil}" }}

[[code]]
code = "X-1 {evil}"
category = "auth"
label = "Label {evil}"
message = "Message {evil}"
status = 400
fix = "Fix {evil} [link](/#x-1-script-alert-1-script)"
meaning = "Meaning {evil}"
detail = "Detail {evil}"

[[retry]]
status = 400
policy = "never"
retryable = "No {evil}"
how = "How {evil}"
"#
    );
    write_files(
        root,
        &[
            (
                "errdocs.toml",
                &format!(
                    "title = \"Site {evil}\"\ndescription = \"{evil}\"\n[footer]\nheading = \"{evil}\"\ntext = \"{evil}\"\n"
                ),
            ),
            ("catalog/errors.toml", &catalog),
            (
                "content/index.md",
                "+++\ntitle = \"Home\"\n+++\n```errdocs\nenvelope\ncatalog\nretry\ncode X-1 <script>alert(1)</script>\n```\n",
            ),
        ],
    );
    // The code directive names the code by its anchor; use it.
    write_files(
        root,
        &[(
            "content/index.md",
            "+++\ntitle = \"Home\"\n+++\n```errdocs\nenvelope\ncatalog\nretry\ncode x-1-script-alert-1-script\n```\n",
        )],
    );
    let out = errdocs(&["build", "--root", root.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut pages = 0;
    for (path, bytes) in snapshot(&root.join("public")) {
        if !path.ends_with(".html") && !path.ends_with(".js") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(
            !html.contains("<script>alert"),
            "{path} holds the raw <script> of the catalog"
        );
        if path.ends_with(".js") {
            continue;
        }
        let own_scripts = html.matches("<script").count();
        assert_eq!(
            own_scripts,
            html.matches("<script src=\"/errdocs.js\" defer>").count()
                + html.matches("<script src=\"/errdocs-nav.js\">").count(),
            "{path}: only the theme's own script tags"
        );
        pages += 1;
    }
    assert!(pages >= 2);
    let home = read(&root.join("public/index.html"));
    for field in [
        "Site", "Env", "Desc", "Note", "Label", "Message", "Fix", "Meaning", "Detail", "How", "No",
        "Cat", "Auth",
    ] {
        assert!(
            home.contains(&format!("{field} &lt;script&gt;alert(1)&lt;/script&gt;")),
            "{field} is shown, escaped"
        );
    }
    assert!(home.contains("id=\"x-1-script-alert-1-script\""));
}

#[test]
fn a_base_url_with_a_path_prefix_keeps_every_link_right() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = errdocs(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "https://example.com/docs/",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let errors = read(&out.join("errors/index.html"));
    assert!(errors.contains("href=\"/docs/errdocs.css\""));
    assert!(errors.contains("src=\"/docs/errdocs-nav.js\""));
    let nav = read(&out.join("errdocs-nav.html"));
    assert!(nav.contains("href=\"/docs/errors/\""), "{nav}");
    assert!(errors.contains("<link rel=\"canonical\" href=\"https://example.com/docs/errors/\">"));
    // No internal href escapes the prefix.
    for page in [
        "index.html",
        "errors/index.html",
        "guide/index.html",
        "404.html",
        "errdocs-nav.html",
    ] {
        let html = read(&out.join(page));
        for href in html
            .split(" href=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
        {
            assert!(
                href.starts_with("/docs/") || href.starts_with('#') || href.contains(':'),
                "{page}: {href}"
            );
        }
    }
}

#[test]
fn refuses_an_output_directory_that_holds_the_sources() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(errdocs(&["init", site.to_str().unwrap()]).status.success());
    for bad in [site.clone(), dir.path().to_path_buf(), site.join("content")] {
        let out = errdocs(&[
            "build",
            "--root",
            site.to_str().unwrap(),
            "--output",
            bad.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", bad.display());
        assert!(
            stderr(&out).contains("refusing to write"),
            "{}",
            stderr(&out)
        );
    }
    assert!(site.join("content/index.md").is_file(), "sources untouched");
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(errdocs(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(errdocs(&["frobnicate"]).status.code(), Some(2));
    let help = errdocs(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for cmd in ["init", "build", "check"] {
        assert!(text.contains(cmd), "{text}");
    }
}

#[test]
fn init_theme_copies_the_theme_and_the_copy_builds_the_same_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(errdocs(&["init", site.to_str().unwrap()]).status.success());
    let before = dir.path().join("before");
    build_ok(&site, &before);
    let out = errdocs(&["init", "--theme", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for file in [
        "templates/base.html",
        "templates/directives/category.html",
        "static/errdocs.css",
    ] {
        assert!(site.join(file).is_file(), "{file}");
    }
    let after = dir.path().join("after");
    build_ok(&site, &after);
    assert_eq!(
        snapshot(&before),
        snapshot(&after),
        "the copied theme is the theme"
    );
    // The default tables are written without tera; a site's own category template is still
    // the one that renders them.
    let category = site.join("templates/directives/category.html");
    let edited = read(&category).replace(
        "<td class=\"col-code",
        "<td data-edited=\"yes\" class=\"col-code",
    );
    std::fs::write(&category, edited).unwrap();
    let edited_out = dir.path().join("edited");
    build_ok(&site, &edited_out);
    let reference = read(&edited_out.join("errors/index.html"));
    assert!(reference.contains("<td data-edited=\"yes\" class=\"col-code"));
    // Code pages too are written without tera, unless the site has its own `base.html` (or
    // `code_page.html`).
    let base = site.join("templates/base.html");
    let edited = read(&base).replace("<body>", "<body data-edited=\"yes\">");
    std::fs::write(&base, edited).unwrap();
    let based_out = dir.path().join("based");
    build_ok(&site, &based_out);
    let code_pages: Vec<_> = std::fs::read_dir(based_out.join("errors"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path().join("index.html"))
        .filter(|p| p.is_file())
        .collect();
    assert!(!code_pages.is_empty(), "the starter has code pages");
    for page in code_pages {
        assert!(
            read(&page).contains("<body data-edited=\"yes\">"),
            "{page:?}"
        );
    }
    // A second copy never overwrites an edited file.
    std::fs::write(
        site.join("templates/page.html"),
        "{% extends \"base.html\" %}",
    )
    .unwrap();
    let again = errdocs(&["init", "--theme", site.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        read(&site.join("templates/page.html")),
        "{% extends \"base.html\" %}"
    );
}

#[test]
fn a_misnamed_template_override_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(errdocs(&["init", site.to_str().unwrap()]).status.success());
    for (name, hint) in [
        ("pagee.html", "name the file `templates/page.html`"),
        ("code-page.html", "name the file `templates/code_page.html`"),
    ] {
        write_files(&site, &[(&format!("templates/{name}"), "<p>x</p>")]);
        let out = errdocs(&["check", "--root", site.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("template `{name}` replaces no template")),
            "{err}"
        );
        assert!(err.contains(hint), "{err}");
        std::fs::remove_file(site.join("templates").join(name)).unwrap();
    }
    // A template a page uses, or one another template includes, is not reported.
    write_files(
        &site,
        &[
            ("templates/wide.html", "{% extends \"page.html\" %}"),
            (
                "templates/head_extra.html",
                "{% include \"analytics.html\" %}",
            ),
            (
                "templates/analytics.html",
                "<meta name=\"x\" content=\"y\">",
            ),
        ],
    );
    let guide = read(&site.join("content/guide.md"));
    std::fs::write(
        site.join("content/guide.md"),
        guide.replacen("+++\n", "+++\ntemplate = \"wide.html\"\n", 1),
    )
    .unwrap();
    let out = errdocs(&["check", "--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn sitemap_and_robots_list_the_pages_with_the_base_url() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_ok(&repo(), &out);
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://patchguard.ai/errors/PG-1003/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<loc>https://patchguard.ai/guide/</loc>"));
    assert!(!sitemap.contains("404"), "no 404 page");
    assert!(!sitemap.contains("errdocs-nav"), "no navigation page");
    let robots = read(&out.join("robots.txt"));
    assert!(
        robots.contains("Sitemap: https://patchguard.ai/sitemap.xml"),
        "{robots}"
    );
    // Without a base URL there is no sitemap (its URLs must be absolute), robots.txt stays.
    let site = dir.path().join("site");
    assert!(errdocs(&["init", site.to_str().unwrap()]).status.success());
    let out2 = dir.path().join("out2");
    build_ok(&site, &out2);
    assert!(!out2.join("sitemap.xml").exists());
    assert!(!read(&out2.join("robots.txt")).contains("Sitemap"));
}

#[test]
fn urls_txt_publishes_author_and_catalog_anchors_not_theme_chrome() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(errdocs(&["init", site.to_str().unwrap()]).status.success());
    let out = dir.path().join("public");
    build_ok(&site, &out);
    let urls = read(&out.join("urls.txt"));
    for published in [
        "/errors/#EX-1001",
        "/errors/#auth",
        "/guide/#api-keys",
        "/errors/EX-1001/",
    ] {
        assert!(
            urls.lines().any(|l| l == published),
            "{published} in\n{urls}"
        );
    }
    for chrome in ["#main", "#code-filter", "#example", "#related"] {
        assert!(!urls.contains(chrome), "{chrome} in\n{urls}");
    }
    // An author's own heading may share a name with chrome elsewhere: it is published.
    let guide = read(&site.join("content/guide.md"));
    std::fs::write(
        site.join("content/guide.md"),
        format!("{guide}\n## Example\n\nx\n"),
    )
    .unwrap();
    build_ok(&site, &out);
    assert!(read(&out.join("urls.txt")).contains("/guide/#example\n"));
    // Removing the search box from a page keeps the previous release's manifest valid.
    let manifest = dir.path().join("urls-before.txt");
    std::fs::copy(out.join("urls.txt"), &manifest).unwrap();
    let errors = read(&site.join("content/errors.md"));
    std::fs::write(
        site.join("content/errors.md"),
        errors.replace("search\n", ""),
    )
    .unwrap();
    let check = errdocs(&[
        "check",
        "--root",
        site.to_str().unwrap(),
        "--against",
        manifest.to_str().unwrap(),
    ]);
    assert!(check.status.success(), "{}", stderr(&check));
}
