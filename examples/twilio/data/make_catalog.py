#!/usr/bin/env python3
"""Writes ../catalog/errors.toml from twilio.json (the verified data in this directory).

Every text is Twilio's, from the vendored copy of Twilio's error dictionary named in
twilio.md. Two mechanical changes keep it working on another site, without changing a word:
links relative to twilio.com are made absolute, and raw HTML links (`<a href="...">text</a>`)
are written as Markdown links (errdocs shows raw HTML as text). Run it again after updating
twilio.json: `python3 examples/twilio/data/make_catalog.py`.
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = json.loads((HERE / "twilio.json").read_text())
TWILIO = "https://www.twilio.com"

# The REST error bodies the sources show for a code (twilio.md: the 60200 docs text, and a
# third-party paste of a real 20003 response).
BODIES = {
    60200: {"message": "Invalid parameter: To", "more_info": "https://www.twilio.com/docs/errors/60200"},
    20003: {"message": "Authenticate", "more_info": "http://www.twilio.com/docs/errors/20003"},
}


def s(text):
    """A TOML basic string."""
    return json.dumps(text, ensure_ascii=False)


def markdown(text):
    """Twilio's Markdown, with its site-relative links made absolute and HTML links as
    Markdown links."""
    text = re.sub(
        r"<a\s+href=\s*[\"']([^\"']+)[\"']\s*>(.*?)</a>",
        lambda m: f"[{m.group(2).strip()}]({m.group(1)})",
        text,
        flags=re.S,
    )
    text = re.sub(r"<span class='rest-attribute'>(.*?)</span>", r"\1", text)
    text = re.sub(r"\]\((/[^)]*)\)", lambda m: f"]({TWILIO}{m.group(1)})", text)
    text = re.sub(r"^(\[[^\]]+\]:\s*)(/\S+)", lambda m: m.group(1) + TWILIO + m.group(2), text, flags=re.M)
    return text.strip()


def category_id(product):
    return re.sub(r"[^a-z0-9]+", "-", (product or "no-product").lower()).strip("-")


codes = sorted(DATA["errors"], key=lambda e: e["code"])
products = []
for e in codes:
    if e["product"] not in products:
        products.append(e["product"])
products.sort(key=lambda p: (p is None, p or ""))

out = []
w = out.append
w("# Twilio error dictionary (a subset of 73 codes), generated from data/twilio.json by")
w("# data/make_catalog.py: do not edit by hand. Source and date: data/twilio.md.")
w("")
for name, title, kind, extra, description in [
    ("log_level", "Log level", "text", "column = true", "How Twilio's debugger logs the error: `ERROR` or `WARNING`."),
    ("log_type", "Log type", "text", "column = true", "Where the problem lies, as Twilio classifies it: `APPLICATION`, `CARRIER` or `TWILIO`."),
    ("possible_causes", "Possible causes", "markdown", "required = true", "Twilio's list of what can cause the error."),
    ("possible_solutions", "Possible solutions", "markdown", "required = true", "Twilio's advice on fixing it."),
    ("description", "Description", "markdown", "", "Twilio's longer explanation, where the dictionary has one."),
    ("twilio_docs", "Twilio's page", "url", "required = true", "The code's page in Twilio's documentation."),
]:
    w("[[field]]")
    w(f"name = {s(name)}")
    w(f"title = {s(title)}")
    w(f"type = {s(kind)}")
    if extra:
        w(extra)
    w(f"description = {s(description)}")
    w("")
w("[[envelope]]")
w('id = "rest"')
w('title = "REST API error response"')
w('description = "The body of an error response of Twilio\'s REST API, as the documentation of error 60200 shows it:"')
w("example = '''")
w(json.dumps(DATA["rest_error_body_example"]["body"], indent=2))
w("'''")
w("")
for name, kind, src, description in [
    ("code", "integer", "code", "The error code: the number of the dictionary entry."),
    ("message", "string", "example", "A human-readable message. It can differ from the dictionary's title of the code (60200's is `Invalid parameter`)."),
    ("more_info", "string", "example", "A link to the code's page in Twilio's documentation."),
    ("status", "integer", "status", "The HTTP status of the response."),
]:
    w("[[envelope.field]]")
    w(f"name = {s(name)}")
    w(f"type = {s(kind)}")
    w(f"from = {s(src)}")
    w(f"description = {s(description)}")
    w("")
for product in products:
    w("[[category]]")
    w(f"id = {s(category_id(product))}")
    w(f"title = {s(product or 'No product in the dictionary')}")
    if product is None:
        w('description = "Codes whose dictionary entry names no product."')
    w('columns = ["code", "message", "log_level", "log_type"]')
    w('headings = { code = "Error", message = "Title" }')
    w("")

blocks = []
for e in codes:
    lines = []
    a = lines.append
    a("[[code]]")
    a(f"code = {e['code']}")
    a(f"category = {s(category_id(e['product']))}")
    a(f"message = {s(e['message'])}")
    if e.get("secondary_message"):
        a(f"meaning = {s(markdown(e['secondary_message']))}")
    status = e.get("http_status")
    if status:
        a(f"# HTTP status {status['status']}: {status['source']}")
        a(f"status = {status['status']}")
    a(f"log_level = {s(e['log_level'])}")
    a(f"log_type = {s(e['log_type'])}")
    a(f"possible_causes = {s(markdown(e['possible_causes']))}")
    a(f"possible_solutions = {s(markdown(e['possible_solutions']))}")
    if (e.get("description") or "").strip():
        a(f"description = {s(markdown(e['description']))}")
    a(f"twilio_docs = {s(e['docs_url'])}")
    body = BODIES.get(e["code"])
    if body:
        a("example = { " + ", ".join(f"{k} = {s(v)}" for k, v in body.items()) + " }")
    blocks.append("\n".join(lines))

(HERE.parent / "catalog" / "errors.toml").write_text("\n".join(out) + "\n" + "\n\n".join(blocks) + "\n")
