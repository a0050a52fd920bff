#!/usr/bin/env python3
"""Generate a large synthetic error-reference site for errdocs and its peers (Hugo, mdBook).

    python3 scripts/gen_bench_site.py --codes 10000 --categories 50 --pages 500 --out DIR

writes

    DIR/errdocs/   errdocs.toml, catalog/errors.toml, content/{index,errors}.md,
                   content/pages/pNNN.md
    DIR/hugo/      the *rich* Hugo site: hugo.toml, data/errors.toml (byte-identical to the
                   errdocs catalog), layouts (baseof with the full site navigation on every page,
                   single, index, 404, shortcodes envelope/catalog/retry that `markdownify` every
                   fix, description and retry note), content/{_index,errors}.md,
                   content/pages/pNNN.md (the same Markdown)
    DIR/hugo-min/  the *minimal* Hugo site: the same data file and Markdown, layouts with no
                   navigation and no shortcodes; the errors page is a layout template
                   (layouts/_default/errors.html) that ranges over the data file's categories and
                   codes, a table per category with `<tr id="CODE">`; `markdownify` only on the fix
                   of each code (plus the 50 category descriptions, the envelope's two texts and the
                   retry notes, rendered once per status)
    DIR/mdbook/    book.toml, src/SUMMARY.md, src/index.md, src/errors.md (the envelope as a
                   fenced json block + field table, the catalog pre-rendered to Markdown tables, one
                   per category, each code with `<a id="CODE"></a>` in its first cell, so
                   `errors.html#CODE` works, and the retry table), src/pages/pNNN.md (the same
                   Markdown, front matter turned into a `# Title` heading, links rewritten to
                   relative `.md` links as mdBook users write them: `/pages/p001/#sec-1` ->
                   `p001.md#sec-1` or `../pages/p001.md#sec-1`, `/errors/#CODE` -> `../errors.md#CODE`)
    DIR/codes.txt  every code, one per line (what the benchmark checks the outputs against)

--tools "errdocs hugo hugo-min mdbook" (default: all four) chooses which of them to write.

--code-pages off|on|omit (default off) says whether a page per code is built: errdocs'
`[code_pages]` in errdocs.toml (`off` writes `enabled = false`, `on` writes `enabled = true`,
`omit` writes no `[code_pages]` table, for an errdocs without that setting); `on` also gives
both Hugo sites the same pages (content/codes/CODE.md with the code in front matter,
`url = "/errors/CODE/"`, layouts/codes/single.html) and mdBook one chapter per code,
src/errors/CODE.md, listed in SUMMARY.md under the errors page (-> errors/CODE.html).
The errdocs settings for each mode are in ERRDOCS_CONFIG, in one place.

mdBook: its default theme, with two outputs errdocs has no equivalent of turned off in book.toml
(`--mdbook-search` / `--mdbook-print` turn them back on): the full-text search index
(`[output.html.search] enable = false`; errdocs ships no search index, its code filter narrows
the rendered tables in the browser) and the print page (`[output.html.print] enable = false`;
print.html concatenates every chapter into one more page, which errdocs does not write).

All sites carry the same content: the catalog (one envelope, C categories with ranges, N codes
with message/status/fix/docs, a retry rule for every status used), an errors page that shows
the envelope (highlighted JSON example + field table), one table per category with an anchor
per code, and the retry table, plus P Markdown pages, each with headings (explicit `{#id}`),
paragraphs with links (to other pages' headings and to code anchors), lists, a table and two
fenced code blocks (json, rust) that errdocs and Hugo highlight with CSS classes (mdBook
highlights in the browser, with highlight.js). errdocs' default theme and the rich Hugo site show
a navigation listing all pages on every page; mdBook's default theme shows its sidebar (written
once, to toc.js); the minimal Hugo site has none.

Every internal link resolves: docs links and page links point at headings that exist
(`/pages/pNNN/#sec-K` or `#sec-K-notes`), code links at `/errors/#CODE`.

The output is a pure function of the arguments (seeded `random.Random`, no clock, no
environment). Python 3 standard library only.
"""

import argparse
import os
import posixpath
import re
import random
import shutil
import sys

WORDS = (
    "account api archive audit backup batch bucket cache certificate channel checksum client "
    "cluster commit config connector container cursor dataset deployment device digest domain "
    "endpoint event export feed field filter gateway group header hook identity image import "
    "index invoice job key label ledger limit listener lock manifest member message metric "
    "mirror namespace node notebook object order origin owner package partition patch payload "
    "payment pipeline plan policy pool project queue quota record region registry release "
    "replica report repository request resource role route rule scan schedule schema scope "
    "secret segment session shard signature snapshot source stream subscription table tag "
    "task template tenant token topic trigger upload user variable version volume webhook "
    "widget workflow workspace zone"
).split()

PROBLEMS = (
    "not found|already exists|is invalid|has expired|is locked|is read-only|was revoked|"
    "is too large|is malformed|is missing|limit exceeded|is unavailable|timed out|"
    "conflicts with another|is not allowed|is disabled|failed validation|is archived|"
    "is out of range|could not be reached"
).split("|")

VERBS = (
    "check|update|regenerate|rotate|shorten|remove|rename|retry|restore|unlock|enable|"
    "re-upload|re-sign|resubmit|validate|refresh"
).split("|")

# Statuses used by the catalog and the retry rule of each. The policies respect errdocs'
# validation (a 4xx other than 408/409/423/425/429 may only be `never` or `conditional`,
# `after-retry-after` needs 429 or 503).
STATUSES = [
    (400, "never", "Fix the request as the error's `fix` says; the same request always fails the same way."),
    (401, "never", "Send a valid credential, see [authentication](/pages/p001/#sec-1)."),
    (403, "never", "Adjust the key's *scopes* or the organization, then send the request again."),
    (404, "never", "Check the ID; retrying the same ID does not help."),
    (409, "conditional", "Retry only once the conflicting state has cleared."),
    (410, "never", "The resource is gone for good; do not retry."),
    (413, "never", "Shrink the body; the same payload is always rejected."),
    (422, "never", "Correct the fields named in `error.detail`."),
    (429, "after-retry-after", "Wait for the `Retry-After` seconds, then retry."),
    (500, "once", "Retry once after a short delay, then contact support."),
    (502, "backoff", "Retry with *exponential backoff* and jitter."),
    (503, "backoff", "Temporarily unavailable: retry with exponential backoff."),
    (504, "backoff", "The upstream timed out: retry with exponential backoff."),
]
STATUS_WEIGHTS = [20, 8, 8, 14, 6, 2, 2, 14, 6, 6, 5, 5, 4]

# The wording errdocs shows in the Retryable? column (README, "Retry"); Hugo shows the same.
POLICY_WORDING = {
    "never": "No",
    "after-retry-after": "Yes, after Retry-After seconds",
    "backoff": "Yes, with exponential backoff",
    "once": "Once, after a delay",
    "conditional": "Sometimes",
}

# The error envelope of the catalog (its example is built from the first code).
ENVELOPE = {
    "id": "error",
    "title": "Error envelope",
    "description": "Every error returns this JSON body; branch on `error.code`, never on the message.",
    "language": "json",
    "http_status": 404,
    "note": "Fields may be added at any time; ignore the ones you do not know.",
}
ENVELOPE_FIELDS = [  # (name, type, required, description)
    ("error.code", "string", True, "Machine-readable code, `EXXX-YYYY`."),
    ("error.message", "string", True, "Short human-readable message."),
    ("error.detail", "string", False, "Context about this particular failure."),
    ("error.retryable", "boolean", True, "Whether sending the request again may succeed."),
    ("error.docs", "string", False, "URL of the guide section that explains the error."),
]

SECTIONS = 4  # `##` sections per page, each with a `###` subsection


def toml_str(s):
    """A TOML basic string."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


class Model:
    """Everything both sites are generated from."""

    def __init__(self, codes, categories, pages, seed):
        if codes < 1 or categories < 1 or pages < 1:
            sys.exit("gen_bench_site: --codes, --categories and --pages must be at least 1")
        if categories > codes:
            sys.exit("gen_bench_site: --categories may not exceed --codes (every category needs a code)")
        self.rng = random.Random(seed)
        self.n_codes = codes
        self.n_categories = categories
        self.n_pages = pages
        self.page_width = max(3, len(str(pages)))
        self.cat_width = max(3, len(str(categories)))
        per_cat = -(-codes // categories)
        self.code_width = max(4, len(str(per_cat)))

        rng = self.rng
        self.page_titles = [self.title_words(3) for _ in range(pages)]

        # Categories and their codes: category i gets codes // C (+1 for the first codes % C).
        self.categories = []
        self.codes = []
        base, extra = divmod(codes, categories)
        for c in range(categories):
            cid = f"cat-{c + 1:0{self.cat_width}d}"
            prefix = f"E{c + 1:0{self.cat_width}d}-"
            title = f"{self.title_words(2)} errors"
            self.categories.append({
                "id": cid,
                "title": title,
                "range": prefix + "x" * self.code_width,
                "description": f"Errors about {rng.choice(WORDS)}s and {rng.choice(WORDS)}s: "
                               f"see the [{self.page_titles[c % pages]}]({self.page_url(c % pages + 1)}) guide.",
            })
            for n in range(base + (1 if c < extra else 0)):
                self.codes.append(self.make_code(cid, f"{prefix}{n + 1:0{self.code_width}d}"))
        self.used_statuses = sorted({c["status"] for c in self.codes})

    # -- helpers ---------------------------------------------------------------------------

    def title_words(self, n):
        return " ".join(w.capitalize() for w in self.rng.sample(WORDS, n))

    def page_name(self, i):
        return f"p{i:0{self.page_width}d}"

    def page_url(self, i, fragment=None):
        url = f"/pages/{self.page_name(i)}/"
        return url + "#" + fragment if fragment else url

    def random_heading_link(self, page=None):
        """A link target that exists: a `##` or `###` heading of `page` (default: any page)."""
        rng = self.rng
        k = rng.randint(1, SECTIONS)
        frag = f"sec-{k}" if rng.random() < 0.7 else f"sec-{k}-notes"
        return self.page_url(page or rng.randint(1, self.n_pages), frag)

    def random_code(self):
        return self.rng.choice(self.codes)["code"]

    def make_code(self, cid, code):
        rng = self.rng
        a, b = rng.sample(WORDS, 2)
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0][0]
        field = f"{a}_{b}"
        fix = rng.choice([
            f"{rng.choice(VERBS).capitalize()} the `{field}` value and send the request again.",
            f"Make sure `{field}` is set; *{rng.choice(VERBS)}* the {a} first.",
            f"{rng.choice(VERBS).capitalize()} the {a} at **Settings → {b.capitalize()}s**.",
            f"Use a {b} that belongs to the {a} (`{field}`).",
        ])
        return {
            "code": code,
            "category": cid,
            "message": f"{a.capitalize()} {b} {rng.choice(PROBLEMS)}",
            "status": status,
            "fix": fix,
            "docs": self.random_heading_link(),
        }

    # -- the catalog (shared byte for byte) ---------------------------------------------------

    def envelope_example(self):
        first = self.codes[0]
        return (
            "{\n"
            '  "error": {\n'
            f'    "code": "{first["code"]}",\n'
            f'    "message": "{first["message"]}",\n'
            '    "detail": "The widget w_123 does not exist in this workspace.",\n'
            '    "retryable": false,\n'
            f'    "docs": "https://example.com/errors/#{first["code"]}"\n'
            "  }\n"
            "}\n"
        )

    def catalog_toml(self):
        out = [
            "# Synthetic benchmark catalog, generated by scripts/gen_bench_site.py.\n",
            f"# {self.n_codes} codes in {self.n_categories} categories.\n\n",
            "[[envelope]]\n",
            f"id = {toml_str(ENVELOPE['id'])}\n",
            f"title = {toml_str(ENVELOPE['title'])}\n",
            f"description = {toml_str(ENVELOPE['description'])}\n",
            f"language = {toml_str(ENVELOPE['language'])}\n",
            f"http_status = {ENVELOPE['http_status']}\n",
            "example = '''\n",
            self.envelope_example(),
            "'''\n",
            f"note = {toml_str(ENVELOPE['note'])}\n\n",
        ]
        for name, typ, req, desc in ENVELOPE_FIELDS:
            out.append("[[envelope.field]]\n")
            out.append(f"name = {toml_str(name)}\n")
            out.append(f"type = {toml_str(typ)}\n")
            if not req:
                out.append("required = false\n")
            out.append(f"description = {toml_str(desc)}\n\n")
        for cat in self.categories:
            out.append("[[category]]\n")
            for key in ("id", "title", "range", "description"):
                out.append(f"{key} = {toml_str(cat[key])}\n")
            out.append("\n")
        for code in self.codes:
            out.append("[[code]]\n")
            out.append(f"code = {toml_str(code['code'])}\n")
            out.append(f"category = {toml_str(code['category'])}\n")
            out.append(f"message = {toml_str(code['message'])}\n")
            out.append(f"status = {code['status']}\n")
            out.append(f"fix = {toml_str(code['fix'])}\n")
            out.append(f"docs = {toml_str(code['docs'])}\n\n")
        for status, policy, how in STATUSES:
            if status not in self.used_statuses:
                continue
            out.append("[[retry]]\n")
            out.append(f"status = {status}\n")
            out.append(f"policy = {toml_str(policy)}\n")
            # Hugo cannot compute errdocs' default wording; write it explicitly for both.
            out.append(f"retryable = {toml_str(POLICY_WORDING[policy])}\n")
            out.append(f"how = {toml_str(how)}\n\n")
        return "".join(out)

    # -- Markdown pages (shared) ------------------------------------------------------------

    def sentence(self, n=12):
        words = [self.rng.choice(WORDS) for _ in range(n)]
        return " ".join(words).capitalize() + "."

    def code_link(self):
        code = self.random_code()
        return f"[{code}](/errors/#{code})"

    def page_link(self):
        j = self.rng.randint(1, self.n_pages)
        return f"[{self.page_titles[j - 1]}]({self.random_heading_link(j) if self.rng.random() < 0.8 else self.page_url(j)})"

    def page_md(self, i):
        rng = self.rng
        title = self.page_titles[i - 1]
        nxt = i % self.n_pages + 1
        parts = [
            "+++\n",
            f"title = {toml_str(f'Guide {i:0{self.page_width}d}: {title}')}\n",
            f"description = {toml_str(f'How to work with {title.lower()} and the errors they return.')}\n",
            f"weight = {100 + i}\n",
            "+++\n",
            f"{self.sentence()} Errors such as {self.code_link()} and {self.code_link()} are "
            f"explained below; the [next guide]({self.page_url(nxt)}) continues with "
            f"{self.page_titles[nxt - 1].lower()}. *{self.sentence(6)}* **{self.sentence(4)}**\n\n",
        ]
        for k in range(1, SECTIONS + 1):
            parts.append(f"## {self.title_words(2)} {{#sec-{k}}}\n\n")
            parts.append(
                f"{self.sentence()} See {self.page_link()} for the details, and {self.code_link()} "
                f"when the `{rng.choice(WORDS)}_{rng.choice(WORDS)}` field is wrong. {self.sentence(9)}\n\n"
            )
            parts.append(f"### Notes {{#sec-{k}-notes}}\n\n")
            for _ in range(4):
                parts.append(f"- {self.sentence(6)[:-1]}: {self.code_link()} or {self.page_link()}.\n")
            parts.append("\n")
            if k == 1:
                for n in range(1, 4):
                    parts.append(f"{n}. {rng.choice(VERBS).capitalize()} the `{rng.choice(WORDS)}`.\n")
                parts.append("\n")
            elif k == 2:
                parts.append("| Code | Status | Message |\n| --- | ---: | --- |\n")
                for _ in range(6):
                    code = rng.choice(self.codes)
                    parts.append(f"| [{code['code']}](/errors/#{code['code']}) | {code['status']} | {code['message']} |\n")
                parts.append("\n")
            elif k == 3:
                code = rng.choice(self.codes)
                parts.append(
                    "```json\n"
                    "{\n"
                    '  "error": {\n'
                    f'    "code": "{code["code"]}",\n'
                    f'    "message": "{code["message"]}",\n'
                    f'    "status": {code["status"]},\n'
                    '    "retryable": false,\n'
                    f'    "items": [1, 2.5, null, true, "{rng.choice(WORDS)}"]\n'
                    "  }\n"
                    "}\n"
                    "```\n\n"
                )
            else:
                a, b = rng.sample(WORDS, 2)
                code = rng.choice(self.codes)
                parts.append(
                    "```rust\n"
                    f"/// Handles errors of the {a} API.\n"
                    f"pub fn handle_{a}(err: &ApiError) -> Result<Action, Box<dyn std::error::Error>> {{\n"
                    "    match err.code.as_str() {\n"
                    f'        "{code["code"]}" => Ok(Action::Fix("{a}_{b}".to_string())),\n'
                    f'        code if code.starts_with("E{1:0{self.cat_width}d}-") => Ok(Action::Retry {{ after: 30 }}),\n'
                    f"        _ if err.status >= 500 => Ok(Action::Backoff(Duration::from_millis({rng.randint(100, 900)}))),\n"
                    '        other => Err(format!("unexpected error {other}").into()),\n'
                    "    }\n"
                    "}\n"
                    "```\n\n"
                )
        return "".join(parts)

    def index_body(self):
        out = [
            f"The errors of the Bench API: [{self.n_codes} codes](/errors/) in "
            f"{self.n_categories} categories, for example {self.code_link()}, and "
            f"{self.n_pages} guides:\n\n"
        ]
        for i in range(1, self.n_pages + 1):
            out.append(f"- [Guide {i:0{self.page_width}d}: {self.page_titles[i - 1]}]({self.page_url(i)})\n")
        return "".join(out)

    def errors_parts(self):
        """(intro, retry paragraph) of the errors page; the directives differ per tool."""
        intro = (
            f"Every Bench API error returns the same JSON envelope. {self.n_codes} codes in "
            f"{self.n_categories} categories, for example {self.code_link()}; the guides start "
            f"at [{self.page_titles[0]}]({self.page_url(1)}).\n\n"
        )
        retry = (
            "## Retry guidance {#retry-guidance}\n\n"
            f"Whether a request is worth retrying depends on its HTTP status; {self.code_link()} "
            "never succeeds by retrying.\n\n"
        )
        return intro, retry


ERRORS_FRONT = (
    "+++\n"
    'title = "Error Code Reference"\n'
    'description = "Every Bench API error code with its message, HTTP status and how to fix it."\n'
    "weight = 10\n"
    "+++\n"
)

INDEX_FRONT = (
    "+++\n"
    'title = "Bench API errors"\n'
    'description = "Error codes and guides of the Bench API."\n'
    "weight = 0\n"
    "+++\n"
)

# ---------------------------------------------------------------------------------------------
# Hugo layouts: the same output structure as errdocs' default theme, kept minimal.
# ---------------------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://example.com/"
title = "Bench API"
languageCode = "en"
# errdocs writes no taxonomies, section lists, RSS or sitemap: neither does this site.
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "section"]

[markup.highlight]
noClasses = false

[markup.goldmark.parser.attribute]
title = true
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ .Description }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="/style.css">
<link rel="stylesheet" href="/syntax.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a class="brand" href="/">{{ site.Title }}</a></header>
<div class="layout">
<nav class="site-nav" aria-label="Site">
<ul>
<li><a href="/"{{ if .IsHome }} aria-current="page"{{ end }}>{{ site.Home.Title }}</a></li>
{{ $cur := .RelPermalink }}{{ range partialCached "navpages.html" "nav" }}<li><a href="{{ .RelPermalink }}"{{ if eq .RelPermalink $cur }} aria-current="page"{{ end }}>{{ .Title }}</a>
{{ if .Params.showscatalog }}<ul>
{{ $href := .RelPermalink }}{{ range site.Data.errors.category }}<li><a href="{{ $href }}#{{ .id }}">{{ .title }}</a></li>
{{ end }}</ul>
{{ end }}</li>
{{ end }}</ul>
</nav>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
</div>
</body>
</html>
"""

HUGO_SINGLE = """\
{{ define "main" }}<article class="page">
<h1>{{ .Title }}</h1>
{{ .Content }}</article>
{{ end }}
"""

HUGO_404 = """\
{{ define "main" }}<article class="page">
<h1>Page not found</h1>
<p>Go to the <a href="/">home page</a>.</p></article>
{{ end }}
"""

HUGO_SC_ENVELOPE = """\
{{ $id := .Get 0 }}{{ range where site.Data.errors.envelope "id" $id }}<section class="envelope" id="envelope-{{ .id }}">
<p class="envelope-description">{{ .description | markdownify }}</p>
<figure class="example">
<figcaption>{{ .title }}</figcaption>
<pre class="status-line"><code>HTTP/1.1 {{ .http_status }} Not Found</code></pre>
{{ highlight .example (.language | default "json") "" }}</figure>
<p class="envelope-note">{{ .note | markdownify }}</p>
<div class="table-wrap">
<table class="fields">
<caption>{{ .title }}: fields</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead>
<tbody>
{{ range .field }}<tr><td><code>{{ .name }}</code></td><td>{{ .type }}</td><td>{{ if eq .required false }}no{{ else }}yes{{ end }}</td><td>{{ .description | markdownify }}</td></tr>
{{ end }}</tbody>
</table>
</div>
</section>{{ end }}
"""

HUGO_SC_CATALOG = """\
{{ $codes := site.Data.errors.code }}{{ range site.Data.errors.category }}<section class="category" id="{{ .id }}">
<h2 class="category-title">{{ .title }} <span class="range">{{ .range }}</span><a class="self-link" href="#{{ .id }}" aria-label="Link to {{ .title }}">#</a></h2>
<p class="category-description">{{ .description | markdownify }}</p>
<div class="table-wrap">
<table class="codes">
<thead><tr><th scope="col" class="col-code">Code</th><th scope="col" class="col-message">Message</th><th scope="col" class="col-status">Status</th><th scope="col" class="col-fix">How to Fix</th></tr></thead>
<tbody>
{{ range where $codes "category" .id }}<tr id="{{ .code }}"><td class="col-code"><a class="code" href="#{{ .code }}">{{ .code }}</a></td><td class="col-message">{{ .message }}</td><td class="col-status"><span class="status">{{ .status }}</span></td><td class="col-fix">{{ .fix | markdownify }}</td></tr>
{{ end }}</tbody>
</table>
</div>
</section>
{{ end }}
"""

HUGO_SC_RETRY = """\
<div class="table-wrap">
<table class="retry">
<thead><tr><th scope="col">Status</th><th scope="col">Retryable?</th><th scope="col">How</th></tr></thead>
<tbody>
{{ range site.Data.errors.retry }}<tr id="retry-{{ .status }}" class="retry-{{ .policy }}"><td>{{ .status }}</td><td>{{ .retryable }}</td><td>{{ .how | markdownify }}</td></tr>
{{ end }}</tbody>
</table>
</div>
"""

HUGO_NAVPAGES = """\
{{ return where site.RegularPages.ByWeight "Section" "ne" "codes" }}
"""

HUGO_CODE_PAGE = """\
{{ define "main" }}<article class="page code-page">
<p class="breadcrumb"><a href="/errors/#{{ .Params.category }}">{{ .Params.categorytitle }}</a></p>
<h1><span class="code">{{ .Params.code }}</span>: {{ .Params.message }}</h1>
<dl class="code-facts">
<dt>HTTP status</dt><dd><span class="status">{{ .Params.status }}</span></dd>
<dt>Category</dt><dd>{{ .Params.categorytitle }}</dd>
<dt>Message</dt><dd>{{ .Params.message }}</dd>
<dt>How to fix</dt><dd>{{ .Params.fix | markdownify }}</dd>
<dt>Retry</dt><dd>{{ .Params.retry }}. {{ .Params.retryhow | markdownify }}</dd>
<dt>Docs</dt><dd><a href="{{ .Params.docs }}">{{ .Params.docs }}</a></dd>
</dl>
<h2 id="related">Related codes<a class="self-link" href="#related" aria-label="Link to this section">#</a></h2>
<ul class="related">
{{ range .Params.related }}<li><a class="code" href="/errors/{{ . }}/">{{ . }}</a></li>
{{ end }}</ul>
<p class="back"><a href="/errors/#{{ .Params.code }}">See {{ .Params.code }} in the reference table</a></p>
</article>
{{ end }}
"""

RELATED = 8  # codes of the same category a code page lists (as errdocs does)


def code_facts(index_in_cat, cat_codes, retry_of):
    """(code, related codes, retry wording, retry how) of one code page, the same for every tool."""
    code = cat_codes[index_in_cat]
    start = max(0, index_in_cat - RELATED // 2)
    related = [c["code"] for c in cat_codes[start:] if c is not code][:RELATED]
    policy, how = retry_of[code["status"]]
    return code, related, POLICY_WORDING[policy], how


def code_page_md(index_in_cat, cat_codes, cat, retry_of):
    """Hugo content file of one code page (both Hugo sites): the code's fields in front matter."""
    code, related, retry, how = code_facts(index_in_cat, cat_codes, retry_of)
    return (
        "+++\n"
        f"title = {toml_str(code['code'] + ': ' + code['message'])}\n"
        f"description = {toml_str(code['message'])}\n"
        f"url = {toml_str('/errors/' + code['code'] + '/')}\n"
        f"code = {toml_str(code['code'])}\n"
        f"message = {toml_str(code['message'])}\n"
        f"status = {code['status']}\n"
        f"category = {toml_str(cat['id'])}\n"
        f"categorytitle = {toml_str(cat['title'])}\n"
        f"fix = {toml_str(code['fix'])}\n"
        f"docs = {toml_str(code['docs'])}\n"
        f"retry = {toml_str(retry)}\n"
        f"retryhow = {toml_str(how)}\n"
        f"related = [{', '.join(toml_str(r) for r in related)}]\n"
        "+++\n"
    )


CSS = "body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 0 auto; }\n"

# ---------------------------------------------------------------------------------------------
# errdocs.toml, in one place: the top-level keys, then the tables of each --code-pages mode.
# A future errdocs with more `[code_pages]` keys or page-splitting options only needs this
# changed (and, if its URLs move, the errdocs entry of LAYOUTS in scripts/bench_report.py).
# ---------------------------------------------------------------------------------------------

ERRDOCS_CONFIG = {
    "top": {
        "title": "Bench API",
        "description": "Synthetic error reference generated by scripts/gen_bench_site.py.",
        "base_url": "https://example.com",
        "catalog": "catalog/errors.toml",
        "language": "en",
    },
    "modes": {
        "off": {"code_pages": {"enabled": False}},
        "on": {"code_pages": {"enabled": True, "path": "errors"}},
        "omit": {},
    },
}


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return toml_str(v)


def errdocs_toml(mode):
    out = [f"{k} = {toml_value(v)}\n" for k, v in ERRDOCS_CONFIG["top"].items()]
    for table, keys in ERRDOCS_CONFIG["modes"][mode].items():
        out.append(f"\n[{table}]\n")
        out.extend(f"{k} = {toml_value(v)}\n" for k, v in keys.items())
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Minimal Hugo: no navigation, no shortcodes; the errors page is a data template.
# ---------------------------------------------------------------------------------------------

HUGO_MIN_BASEOF = """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ .Description }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="/style.css">
<link rel="stylesheet" href="/syntax.css">
</head>
<body>
<header class="site-header"><a class="brand" href="/">{{ site.Title }}</a></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

# layouts/_default/errors.html (content/errors.md has `layout = "errors"`): the envelope, a table
# per category, the retry guidance (front matter `retryintro`) and the retry table. The tables
# come from one pass over the data file's codes (grouped by category, as the catalog is),
# opening a new table at each new category (looked up in a dict built from the categories):
# the same HTML as a `range` over the categories with `where $codes "category" .id` inside,
# but 20% faster at 100,000 codes (11.5 s vs 14.6 s, Hugo 0.111), so the leaner one is used.
HUGO_MIN_ERRORS = """\
{{ define "main" }}<article class="page">
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ range where site.Data.errors.envelope "id" "error" }}<section class="envelope" id="envelope-{{ .id }}">
<p>{{ .description | markdownify }}</p>
<figure class="example">
<figcaption>{{ .title }}</figcaption>
<pre class="status-line"><code>HTTP/1.1 {{ .http_status }} Not Found</code></pre>
{{ highlight .example (.language | default "json") "" }}</figure>
<p>{{ .note | markdownify }}</p>
<table class="fields">
<thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>
<tbody>
{{ range .field }}<tr><td><code>{{ .name }}</code></td><td>{{ .type }}</td><td>{{ if eq .required false }}no{{ else }}yes{{ end }}</td><td>{{ .description | markdownify }}</td></tr>
{{ end }}</tbody>
</table>
</section>{{ end }}
{{ $cats := dict }}{{ range site.Data.errors.category }}{{ $cats = merge $cats (dict .id .) }}{{ end }}\
{{ $prev := "" }}{{ range site.Data.errors.code }}{{ if ne .category $prev }}{{ if $prev }}</tbody>
</table>
</section>
{{ end }}{{ with index $cats .category }}<section class="category" id="{{ .id }}">
<h2>{{ .title }} <span class="range">{{ .range }}</span></h2>
<p>{{ .description | markdownify }}</p>
<table class="codes">
<thead><tr><th>Code</th><th>Message</th><th>Status</th><th>How to Fix</th></tr></thead>
<tbody>
{{ end }}{{ $prev = .category }}{{ end }}<tr id="{{ .code }}"><td><a href="#{{ .code }}">{{ .code }}</a></td><td>{{ .message }}</td><td>{{ .status }}</td><td>{{ .fix | markdownify }}</td></tr>
{{ end }}{{ if $prev }}</tbody>
</table>
</section>
{{ end }}{{ .Params.retryintro | .RenderString (dict "display" "block") }}
<table class="retry">
<thead><tr><th>Status</th><th>Retryable?</th><th>How</th></tr></thead>
<tbody>
{{ range site.Data.errors.retry }}<tr id="retry-{{ .status }}"><td>{{ .status }}</td><td>{{ .retryable }}</td><td>{{ .how | markdownify }}</td></tr>
{{ end }}</tbody>
</table>
</article>
{{ end }}
"""

# The retry wording and note of a status, rendered once per status (partialCached).
HUGO_MIN_RETRY_PARTIAL = """\
{{ $s := . }}{{ range where site.Data.errors.retry "status" $s }}{{ .retryable }}. {{ .how | markdownify }}{{ end }}"""

HUGO_MIN_CODE_PAGE = """\
{{ define "main" }}<article class="page code-page">
<p class="breadcrumb"><a href="/errors/#{{ .Params.category }}">{{ .Params.categorytitle }}</a></p>
<h1>{{ .Params.code }}: {{ .Params.message }}</h1>
<dl>
<dt>HTTP status</dt><dd>{{ .Params.status }}</dd>
<dt>Category</dt><dd>{{ .Params.categorytitle }}</dd>
<dt>Message</dt><dd>{{ .Params.message }}</dd>
<dt>How to fix</dt><dd>{{ .Params.fix | markdownify }}</dd>
<dt>Retry</dt><dd>{{ partialCached "retry.html" .Params.status .Params.status }}</dd>
<dt>Docs</dt><dd><a href="{{ .Params.docs }}">{{ .Params.docs }}</a></dd>
</dl>
<h2 id="related">Related codes</h2>
<ul>
{{ range .Params.related }}<li><a href="/errors/{{ . }}/">{{ . }}</a></li>
{{ end }}</ul>
<p><a href="/errors/#{{ .Params.code }}">See {{ .Params.code }} in the reference table</a></p>
</article>
{{ end }}
"""

# ---------------------------------------------------------------------------------------------
# mdBook: the same Markdown in mdBook's layout, links rewritten to relative `.md` links.
# ---------------------------------------------------------------------------------------------


def mdbook_toml(search, print_page):
    return (
        "[book]\n"
        'title = "Bench API"\n'
        'description = "Synthetic error reference generated by scripts/gen_bench_site.py."\n'
        'language = "en"\n'
        'src = "src"\n'
        "\n[build]\n"
        "create-missing = false\n"
        "\n[output.html.search]\n"
        f"enable = {toml_value(search)}\n"
        "\n[output.html.print]\n"
        f"enable = {toml_value(print_page)}\n"
    )


SITE_LINK = re.compile(r"\]\((/[^)\s#]*)(#[^)\s]*)?\)")


def mdbook_source(url_path):
    """The source file of a site URL path: `/` -> index.md, `/pages/p001/` -> pages/p001.md."""
    p = url_path.strip("/")
    return p + ".md" if p else "index.md"


def mdbook_links(text, src):
    """Rewrites the site's absolute links (`](/pages/p001/#sec-1)`) in the Markdown `text` of
    the source file `src` (relative to src/) to relative links to `.md` files, as mdBook users
    write them; mdBook turns them into `.html` links."""
    base = posixpath.dirname(src) or "."

    def sub(m):
        rel = posixpath.relpath(mdbook_source(m.group(1)), base)
        return "](" + rel + (m.group(2) or "") + ")"

    return SITE_LINK.sub(sub, text)


def md_cell(text):
    return text.replace("|", "\\|")


def front_title(md):
    return re.search(r'^title = "(.*)"$', md, re.M).group(1)


def mdbook_page(md, src):
    """A page of the site (TOML front matter + Markdown) as an mdBook chapter."""
    front, body = md[len("+++\n"):].split("+++\n", 1)
    return f"# {front_title(front)}\n\n" + mdbook_links(body, src)


def mdbook_errors(model, by_cat, intro, retry_para):
    src = "errors.md"
    env = ENVELOPE
    out = [
        f"# {front_title(ERRORS_FRONT)}\n\n",
        mdbook_links(intro, src),
        f'<a id="envelope-{env["id"]}"></a>\n\n{env["description"]}\n\n',
        f"**{env['title']}**\n\n```text\nHTTP/1.1 {env['http_status']} Not Found\n```\n\n",
        f"```{env['language']}\n{model.envelope_example()}```\n\n{env['note']}\n\n",
        "| Field | Type | Required | Description |\n| --- | --- | --- | --- |\n",
    ]
    for name, typ, req, desc in ENVELOPE_FIELDS:
        out.append(f"| `{name}` | {typ} | {'yes' if req else 'no'} | {md_cell(desc)} |\n")
    out.append("\n")
    for cat in model.categories:
        out.append(f"## {cat['title']} `{cat['range']}` {{#{cat['id']}}}\n\n")
        out.append(mdbook_links(cat["description"], src) + "\n\n")
        out.append("| Code | Message | Status | How to Fix |\n| --- | --- | ---: | --- |\n")
        for c in by_cat[cat["id"]]:
            code = c["code"]
            out.append(f'| <a id="{code}"></a>[{code}](#{code}) | {md_cell(c["message"])} | '
                       f'{c["status"]} | {md_cell(mdbook_links(c["fix"], src))} |\n')
        out.append("\n")
    out.append(mdbook_links(retry_para, src))
    out.append("| Status | Retryable? | How |\n| ---: | --- | --- |\n")
    for status, policy, how in STATUSES:
        if status in model.used_statuses:
            out.append(f'| <a id="retry-{status}"></a>{status} | {POLICY_WORDING[policy]} | '
                       f"{md_cell(mdbook_links(how, src))} |\n")
    return "".join(out)


def mdbook_code_page(index_in_cat, cat_codes, cat, retry_of):
    """src/errors/CODE.md: the same facts as the other tools' code pages."""
    code, related, retry, how = code_facts(index_in_cat, cat_codes, retry_of)
    c = code["code"]
    return mdbook_links(
        f"[{cat['title']}](/errors/#{cat['id']})\n\n"
        f"# {c}: {code['message']}\n\n"
        f"- **HTTP status:** {code['status']}\n"
        f"- **Category:** {cat['title']}\n"
        f"- **Message:** {code['message']}\n"
        f"- **How to fix:** {code['fix']}\n"
        f"- **Retry:** {retry}. {how}\n"
        f"- **Docs:** [{code['docs']}]({code['docs']})\n\n"
        "## Related codes {#related}\n\n"
        + "".join(f"- [{r}](/errors/{r}/)\n" for r in related)
        + f"\n[See {c} in the reference table](/errors/#{c})\n",
        f"errors/{c}.md",
    )


TOOLS = ("errdocs", "hugo", "hugo-min", "mdbook")


def generate(args):
    tools = args.tools.split()
    for t in tools:
        if t not in TOOLS:
            sys.exit(f"gen_bench_site: unknown tool {t!r} in --tools (known: {' '.join(TOOLS)})")
    model = Model(args.codes, args.categories, args.pages, args.seed)
    catalog = model.catalog_toml()
    pages = [(model.page_name(i), model.page_md(i)) for i in range(1, model.n_pages + 1)]
    index_body = model.index_body()
    intro, retry_para = model.errors_parts()
    code_pages = args.code_pages == "on"
    retry_of = {status: (policy, how) for status, policy, how in STATUSES}
    by_cat = {}
    for c in model.codes:
        by_cat.setdefault(c["category"], []).append(c)

    out = os.path.abspath(args.out)
    dirs = {t: os.path.join(out, t) for t in tools}
    for d in dirs.values():
        if os.path.exists(d):
            shutil.rmtree(d)

    if "errdocs" in tools:
        ed = dirs["errdocs"]
        write(os.path.join(ed, "errdocs.toml"), errdocs_toml(args.code_pages))
        write(os.path.join(ed, "catalog", "errors.toml"), catalog)
        write(os.path.join(ed, "content", "index.md"), INDEX_FRONT + index_body)
        write(os.path.join(ed, "content", "errors.md"),
              ERRORS_FRONT + intro
              + "```errdocs\nenvelope error\n```\n\n"
              + "```errdocs\ncatalog\n```\n\n"
              + retry_para
              + "```errdocs\nretry\n```\n")
        for name, md in pages:
            write(os.path.join(ed, "content", "pages", name + ".md"), md)

    # Both Hugo sites: the same catalog as a data file, the same Markdown (TOML `+++` front
    # matter is native to Hugo), the same content file per code.
    def hugo_common(hu):
        write(os.path.join(hu, "hugo.toml"), HUGO_CONFIG)
        write(os.path.join(hu, "data", "errors.toml"), catalog)
        write(os.path.join(hu, "content", "_index.md"), INDEX_FRONT + index_body)
        for name, md in pages:
            write(os.path.join(hu, "content", "pages", name + ".md"), md)
        if code_pages:
            for cat in model.categories:
                cat_codes = by_cat[cat["id"]]
                for k, code in enumerate(cat_codes):
                    write(os.path.join(hu, "content", "codes", code["code"] + ".md"),
                          code_page_md(k, cat_codes, cat, retry_of))
        write(os.path.join(hu, "static", "style.css"), CSS)
        write(os.path.join(hu, "static", "syntax.css"), "/* chroma classes; content irrelevant to the benchmark */\n")

    # Rich Hugo: the three errdocs directives become shortcodes of the same names, the full
    # navigation on every page.
    if "hugo" in tools:
        hu = dirs["hugo"]
        hugo_common(hu)
        write(os.path.join(hu, "content", "errors.md"),
              ERRORS_FRONT.replace("weight = 10\n", "weight = 10\nshowsCatalog = true\n") + intro
              + '{{< envelope "error" >}}\n\n'
              + "{{< catalog >}}\n\n"
              + retry_para
              + "{{< retry >}}\n")
        layouts = os.path.join(hu, "layouts")
        write(os.path.join(layouts, "_default", "baseof.html"), HUGO_BASEOF)
        write(os.path.join(layouts, "_default", "single.html"), HUGO_SINGLE)
        write(os.path.join(layouts, "index.html"), HUGO_SINGLE)
        write(os.path.join(layouts, "404.html"), HUGO_404)
        write(os.path.join(layouts, "partials", "navpages.html"), HUGO_NAVPAGES)
        if code_pages:
            write(os.path.join(layouts, "codes", "single.html"), HUGO_CODE_PAGE)
        write(os.path.join(layouts, "shortcodes", "envelope.html"), HUGO_SC_ENVELOPE)
        write(os.path.join(layouts, "shortcodes", "catalog.html"), HUGO_SC_CATALOG)
        write(os.path.join(layouts, "shortcodes", "retry.html"), HUGO_SC_RETRY)

    # Minimal Hugo: no navigation, no shortcodes, the errors page is a data template.
    if "hugo-min" in tools:
        hm = dirs["hugo-min"]
        hugo_common(hm)
        front = ERRORS_FRONT.replace(
            "weight = 10\n", 'weight = 10\nlayout = "errors"\nretryintro = """\n' + retry_para + '"""\n')
        write(os.path.join(hm, "content", "errors.md"), front + intro)
        layouts = os.path.join(hm, "layouts")
        write(os.path.join(layouts, "_default", "baseof.html"), HUGO_MIN_BASEOF)
        write(os.path.join(layouts, "_default", "single.html"), HUGO_SINGLE)
        write(os.path.join(layouts, "_default", "errors.html"), HUGO_MIN_ERRORS)
        write(os.path.join(layouts, "index.html"), HUGO_SINGLE)
        write(os.path.join(layouts, "404.html"), HUGO_404)
        if code_pages:
            write(os.path.join(layouts, "codes", "single.html"), HUGO_MIN_CODE_PAGE)
            write(os.path.join(layouts, "partials", "retry.html"), HUGO_MIN_RETRY_PARTIAL)

    # mdBook: SUMMARY.md lists the home page (prefix chapter), the errors page (with the code
    # pages under it when on) and the guides, in the order of errdocs' navigation.
    if "mdbook" in tools:
        mb = dirs["mdbook"]
        src = os.path.join(mb, "src")
        write(os.path.join(mb, "book.toml"), mdbook_toml(args.mdbook_search, args.mdbook_print))
        summary = ["# Summary\n\n", f"[{front_title(INDEX_FRONT)}](index.md)\n\n",
                   f"- [{front_title(ERRORS_FRONT)}](errors.md)\n"]
        write(os.path.join(src, "index.md"),
              f"# {front_title(INDEX_FRONT)}\n\n" + mdbook_links(index_body, "index.md"))
        write(os.path.join(src, "errors.md"), mdbook_errors(model, by_cat, intro, retry_para))
        if code_pages:
            for cat in model.categories:
                cat_codes = by_cat[cat["id"]]
                for k, code in enumerate(cat_codes):
                    c = code["code"]
                    write(os.path.join(src, "errors", c + ".md"), mdbook_code_page(k, cat_codes, cat, retry_of))
                    summary.append(f"  - [{c}: {code['message']}](errors/{c}.md)\n")
        for i, (name, md) in enumerate(pages, 1):
            write(os.path.join(src, "pages", name + ".md"), mdbook_page(md, f"pages/{name}.md"))
            summary.append(f"- [{front_title(md)}](pages/{name}.md)\n")
        write(os.path.join(src, "SUMMARY.md"), "".join(summary))

    write(os.path.join(out, "codes.txt"), "".join(c["code"] + "\n" for c in model.codes))
    print(f"gen_bench_site: {model.n_codes} codes, {model.n_categories} categories, "
          f"{model.n_pages} pages, code pages {args.code_pages} -> "
          + ", ".join(dirs[t] for t in tools), file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--codes", type=int, default=10000, help="number of error codes (default 10000)")
    p.add_argument("--categories", type=int, default=50, help="number of categories (default 50)")
    p.add_argument("--pages", type=int, default=500, help="number of Markdown pages (default 500)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--code-pages", choices=("off", "on", "omit"), default="off",
                   help="a page per code: errdocs' [code_pages] setting and the peers' equivalent (default off)")
    p.add_argument("--tools", default=" ".join(TOOLS),
                   help=f"which sites to write, space-separated (default: \"{' '.join(TOOLS)}\")")
    p.add_argument("--mdbook-search", action="store_true",
                   help="keep mdBook's full-text search index (default: off, see the module doc)")
    p.add_argument("--mdbook-print", action="store_true",
                   help="keep mdBook's print page (default: off, see the module doc)")
    p.add_argument("--out", required=True, help="output directory (DIR/<tool>/, DIR/codes.txt)")
    generate(p.parse_args())


if __name__ == "__main__":
    main()
