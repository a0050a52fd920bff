//! `sitemap.xml` and `robots.txt`, so search engines find every code page.
//!
//! A sitemap lists absolute URLs, so it is written only when the site has a `base_url`; it
//! lists the Markdown pages and the code pages (not redirects, not the 404 page). Past 50,000
//! URLs (the protocol's limit per file) `sitemap.xml` becomes an index of `sitemap-N.xml`
//! files. A site's own `static/robots.txt` or `static/sitemap.xml` replaces errdocs' own.

use crate::plan::{PageKind, Plan};

/// The most URLs one sitemap file may list.
const PER_FILE: usize = 50_000;

/// The sitemap files and `robots.txt`: (path inside the output, content).
pub(crate) fn files(plan: &Plan) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(base) = plan.resolver.base_url() else {
        out.push(("robots.txt".into(), "User-agent: *\nAllow: /\n".into()));
        return out;
    };
    let mut urls: Vec<&str> = plan
        .pages
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                PageKind::Content(_) | PageKind::Code(_) | PageKind::Category { .. }
            )
        })
        .filter(|p| p.url != "/404.html")
        .map(|p| p.url.as_str())
        .collect();
    urls.sort_unstable();
    let chunks: Vec<&[&str]> = urls.chunks(PER_FILE).collect();
    if chunks.len() <= 1 {
        out.push(("sitemap.xml".into(), urlset(base, &urls)));
    } else {
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (i, chunk) in chunks.iter().enumerate() {
            let name = format!("sitemap-{}.xml", i + 1);
            index.push_str(&format!(
                "<sitemap><loc>{}</loc></sitemap>\n",
                crate::html::escape(&format!("{base}/{name}"))
            ));
            out.push((name, urlset(base, chunk)));
        }
        index.push_str("</sitemapindex>\n");
        out.push(("sitemap.xml".into(), index));
    }
    out.push((
        "robots.txt".into(),
        format!("User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"),
    ));
    out
}

/// The names of the files [`files`] writes for a site with `pages` pages (for the plan, before
/// anything is rendered).
pub(crate) fn names(base_url: Option<&str>, pages: usize) -> Vec<String> {
    let mut names = vec!["robots.txt".to_string()];
    if base_url.is_some() {
        names.push("sitemap.xml".into());
        if pages > PER_FILE {
            names.extend((1..=pages.div_ceil(PER_FILE)).map(|i| format!("sitemap-{i}.xml")));
        }
    }
    names
}

fn urlset(base: &str, urls: &[&str]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        out.push_str("<url><loc>");
        out.push_str(&crate::html::escape(&format!("{base}{url}")));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
