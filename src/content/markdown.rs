//! Markdown to HTML with pulldown-cmark: heading ids and self-links, footnotes, highlighted
//! code blocks, directive blocks, and links (every link, in Markdown or in raw HTML, is checked
//! for its scheme, recorded with where it was written for the link checker, and rewritten for
//! the output).
//!
//! Ids: an explicit heading id (`{#id}`), an id a directive writes and an `id` in raw HTML never
//! change; generated ids (footnotes `fn-LABEL`, heading slugs) yield to them and to each other
//! with `-1`, `-2`, ...

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use super::directive::{self, Directive, Shown};
use super::page::Page;
use crate::catalog::Catalog;
use crate::config::MarkdownConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::highlight::{PAGE_HIGHLIGHT_BUDGET, code_block_within, language_of};
use crate::html::{Scanner, decode_attribute, escape as escape_html};
use crate::urls::{Resolver, scheme_allowed};

/// A page body rendered to HTML, with the links it holds: the href as written (character
/// references decoded) and its byte range in the page's source file.
pub(crate) struct Rendered {
    pub(crate) html: String,
    pub(crate) links: Vec<(String, Range<usize>)>,
}

fn page_options(markdown: &MarkdownConfig) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS;
    if markdown.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

fn is_directive_block(info: &str) -> bool {
    info.trim() == directive::INFO_STRING
}

/// The directive blocks of a page, in order, each with its parsed directives. Problems (an
/// unknown directive, option, category or code) are reported at the word they are about.
pub(crate) fn directive_blocks(
    page: &Page,
    catalog: &Catalog,
    diags: &mut Diagnostics,
) -> Vec<Vec<Directive>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<Directive>> = None;
    let mut shown = ShownOnPage::default();
    let options = page_options(&MarkdownConfig::default());
    for (event, range) in Parser::new_ext(page.body(), options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if is_directive_block(&info) =>
            {
                current = Some(Vec::new());
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    let at = page.body_start + range.start;
                    let mut lines = DirectiveLines {
                        page,
                        catalog,
                        block,
                        shown: &mut shown,
                        diags,
                    };
                    lines.parse(&text, at);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// What the directives of a page show so far: each part (see [`Directive::shows`]) with the
/// index of the directive that shows it in `firsts`.
#[derive(Default)]
struct ShownOnPage {
    parts: HashMap<Shown, usize>,
    firsts: Vec<Location>,
}

/// The directive lines of one piece of a directive block, parsed into `block`.
struct DirectiveLines<'a> {
    page: &'a Page,
    catalog: &'a Catalog,
    block: &'a mut Vec<Directive>,
    shown: &'a mut ShownOnPage,
    diags: &'a mut Diagnostics,
}

impl DirectiveLines<'_> {
    /// Parses the directive lines of `text`, a piece of a directive block found at byte `at`
    /// of the page's source. Lines that are empty or start with `#` are comments.
    fn parse(&mut self, text: &str, at: usize) {
        let source = &self.page.source;
        // The text of a code block is the source's, indentation and container markers aside.
        let exact = source.text.get(at..at + text.len()) == Some(text);
        let first_line = source.line_of(at);
        let mut line_start = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let content = line.trim_end_matches(['\n', '\r']);
            let lead = content.len() - content.trim_start().len();
            let trimmed = content.trim();
            let start = at + line_start + lead;
            line_start += line.len();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let locate = |span: Range<usize>| {
                if exact {
                    source.locate(start + span.start..start + span.end)
                } else {
                    source.locate_line(first_line + i)
                }
            };
            match directive::parse(trimmed, self.catalog) {
                Ok(directive) => {
                    if self.first_to_show(&directive, trimmed, locate(0..trimmed.len())) {
                        self.block.push(directive);
                    }
                }
                Err(problems) => {
                    for (problem, span) in problems {
                        self.diags.push(Diagnostic::at(problem, locate(span)));
                    }
                }
            }
        }
    }

    /// Whether `directive` (written `line`, at `location`) shows only what no earlier
    /// directive of the page shows; if not, that is reported and it is left out. The parts
    /// before the first one shown already are recorded, so each part is looked at once and
    /// a directive repeated thousands of times costs no more than the first.
    fn first_to_show(&mut self, directive: &Directive, line: &str, location: Location) -> bool {
        let at = self.shown.firsts.len();
        let mut recorded = false;
        for part in directive.shows(self.catalog) {
            if let Some(first) = self
                .shown
                .parts
                .get(&part)
                .and_then(|&i| self.shown.firsts.get(i))
            {
                let problem = Problem::RepeatedDirective {
                    directive: line.to_string(),
                    shown: part.describe(self.catalog),
                    first: Box::new(first.clone()),
                };
                if recorded {
                    self.shown.firsts.push(location.clone());
                }
                self.diags.push(Diagnostic::at(problem, location));
                return false;
            }
            self.shown.parts.insert(part, at);
            recorded = true;
        }
        self.shown.firsts.push(location);
        true
    }
}

/// Renders a page body. `blocks` are its [`directive_blocks`]; `directive_html` renders one
/// directive (that is the theme's job) in pieces written one after the other, each dropped
/// once written, so a large block (the catalog's tables) is never held whole twice.
pub(crate) fn render_page(
    page: &Page,
    blocks: &[Vec<Directive>],
    resolver: &Resolver,
    markdown: &MarkdownConfig,
    directive_html: &mut dyn FnMut(&Directive) -> Result<Vec<String>, Problem>,
    diags: &mut Diagnostics,
) -> Rendered {
    let shift = |r: Range<usize>| r.start + page.body_start..r.end + page.body_start;
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(page.body(), page_options(markdown))
        .into_offset_iter()
        .map(|(e, r)| (e, shift(r)))
        .collect();
    let mut r = PageRenderer {
        page,
        resolver,
        markdown,
        source_dir: page.rel.rfind('/').map_or("", |i| &page.rel[..i]),
        diags,
        links: Vec::new(),
        ids: HashMap::new(),
        suffixes: Default::default(),
        highlight_budget: PAGE_HIGHLIGHT_BUDGET,
        heading_ids: HashMap::new(),
        footnotes: HashMap::new(),
        html_edits: HashMap::new(),
        blocks_html: Vec::new(),
    };
    // Ids that never change are known before any id is generated.
    r.render_directives(&events, blocks, directive_html);
    r.read_raw_html(&events);
    r.reserve_explicit_ids(&events);
    r.number_footnotes(&events);
    // The output is sized for the whole page, directive blocks included: grown by doubling,
    // the reference page of 100,000 codes (40 MB) would hold 80 MB.
    let blocks: usize = r.blocks_html.iter().flatten().map(String::len).sum();
    let out = r.render(events);
    let mut html = String::with_capacity(page.body().len() * 2 + blocks);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Rendered {
        html,
        links: r.links,
    }
}

/// The state of rendering one page.
struct PageRenderer<'p> {
    page: &'p Page,
    resolver: &'p Resolver,
    markdown: &'p MarkdownConfig,
    /// The directory of the page's source under `content/` (for `*.md` links).
    source_dir: &'p str,
    diags: &'p mut Diagnostics,
    links: Vec<(String, Range<usize>)>,
    /// Every id of the page; an id that never changes (explicit heading id, directive id,
    /// raw HTML id) with where it was written.
    ids: Ids,
    /// Where to resume making generated ids unique.
    suffixes: crate::slug::Suffixes,
    /// Bytes of code syntect may still highlight on this page.
    highlight_budget: usize,
    /// The id of each heading with an explicit id, by the index of its start event.
    heading_ids: HashMap<usize, String>,
    /// Footnote label -> (id, number).
    footnotes: HashMap<String, (String, usize)>,
    /// Raw HTML events whose links were rewritten: event index -> new text.
    html_edits: HashMap<usize, String>,
    /// The HTML of each directive block in pieces (see [`render_page`]'s `directive_html`),
    /// taken when its block is reached and written (and dropped) a piece at a time.
    blocks_html: Vec<Vec<String>>,
}

/// A piece of raw HTML: the index of its event, where it starts in the concatenated text of
/// its HTML block, and where it starts in the source file (`None` if its text is not the
/// source's).
struct Piece {
    event: usize,
    at: usize,
    source: Option<usize>,
}

/// Attributes that hold URLs: their schemes are checked. `href` and `src` are also links
/// to check and rewrite.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "cite",
    "data",
    "background",
    "longdesc",
    "ping",
    "xlink:href",
];

impl PageRenderer<'_> {
    /// Where a byte range of the page's source is.
    fn locate(&self, range: Range<usize>) -> Location {
        self.page.source.locate(range)
    }

    fn problem(&mut self, problem: Problem, range: Range<usize>) {
        let location = self.locate(range);
        self.diags.push(Diagnostic::at(problem, location));
    }

    /// Renders the directive blocks and reserves the ids they write (a directive's problem is
    /// reported at its block's opening fence).
    fn render_directives(
        &mut self,
        events: &[(Event, Range<usize>)],
        blocks: &[Vec<Directive>],
        directive_html: &mut dyn FnMut(&Directive) -> Result<Vec<String>, Problem>,
    ) {
        let fences = events.iter().filter_map(|(e, r)| match e {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if is_directive_block(info) =>
            {
                Some(r.start..r.start + 3)
            }
            _ => None,
        });
        let fences: Vec<Range<usize>> = fences.collect();
        for (i, block) in blocks.iter().enumerate() {
            let fence = fences.get(i).cloned().unwrap_or(0..0);
            let mut html = Vec::new();
            for d in block {
                match directive_html(d) {
                    Ok(pieces) => html.extend(pieces),
                    Err(problem) => self.problem(problem, fence.clone()),
                }
            }
            for id in crate::html::ids_in_pieces(html.iter().map(String::as_str)) {
                self.ids.entry(id).or_insert(Some(fence.clone()));
            }
            self.blocks_html.push(html);
        }
    }

    /// Reads the raw HTML of the page: reserves its ids, checks the schemes of its URLs,
    /// records its links (`href`, `src`) and rewrites them like Markdown links. Comments,
    /// scripts and styles hold no links.
    fn read_raw_html(&mut self, events: &[(Event, Range<usize>)]) {
        let mut scanner = Scanner::default();
        let mut i = 0;
        while i < events.len() {
            let mut text = String::new();
            let mut pieces = Vec::new();
            while let Some((Event::Html(h) | Event::InlineHtml(h), range)) = events.get(i) {
                let exact = self.page.source.text.get(range.clone()) == Some(&**h);
                pieces.push(Piece {
                    event: i,
                    at: text.len(),
                    source: exact.then_some(range.start),
                });
                text.push_str(h);
                i += 1;
                if matches!(events[i - 1].0, Event::InlineHtml(_)) {
                    break;
                }
            }
            if pieces.is_empty() {
                i += 1;
                continue;
            }
            let mut attributes = Vec::new();
            scanner.scan(&text, &mut |a| {
                attributes.push((a.name.to_ascii_lowercase(), a.range))
            });
            for (name, range) in attributes {
                self.raw_attribute(&name, &text, range, &pieces, events);
            }
        }
    }

    /// One attribute of raw HTML (`range` in `text`, the concatenated pieces).
    fn raw_attribute(
        &mut self,
        name: &str,
        text: &str,
        range: Range<usize>,
        pieces: &[Piece],
        events: &[(Event, Range<usize>)],
    ) {
        let piece = pieces
            .iter()
            .rev()
            .find(|p| p.at <= range.start)
            .unwrap_or(&pieces[0]);
        let source = match piece.source {
            Some(s) => s + range.start - piece.at..s + range.end - piece.at,
            None => events[piece.event].1.clone(),
        };
        let value = decode_attribute(&text[range.clone()]);
        if name == "id" {
            self.ids.entry(value).or_insert(Some(source));
            return;
        }
        if !URL_ATTRIBUTES.contains(&name) {
            return;
        }
        let written = &text[range.clone()];
        if !self.schemes_allowed(name, written, &value, source.clone()) {
            return;
        }
        if matches!(name, "href" | "src") {
            let href = self.link(&value, source);
            let internal = self
                .resolver
                .resolve(&value, &self.page.url, Some(self.source_dir))
                .is_some();
            let fits = range.end <= piece.at + events_text_len(&events[piece.event].0);
            // Only a real change is written (base path, page URL, `/`): raw HTML keeps its
            // bytes otherwise, percent-encoding included.
            let changed = href != crate::urls::percent_escape(&value);
            if internal && changed && fits {
                let local = range.start - piece.at..range.end - piece.at;
                self.edit(
                    piece.event,
                    &events[piece.event].0,
                    local,
                    &escape_html(&href),
                );
            }
        }
    }

    /// Checks the scheme of every URL of an attribute (`srcset` and `ping` hold several).
    fn schemes_allowed(
        &mut self,
        name: &str,
        written: &str,
        value: &str,
        at: Range<usize>,
    ) -> bool {
        let urls: Vec<&str> = match name {
            "srcset" => value
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .collect(),
            "ping" => value.split_whitespace().collect(),
            _ => vec![value],
        };
        for url in urls {
            if let Err(scheme) = scheme_allowed(url) {
                let href = written.to_string();
                self.problem(Problem::DisallowedScheme { href, scheme }, at);
                return false;
            }
        }
        true
    }

    /// Replaces `range` of the text of raw HTML event `index` (after earlier edits of it, which
    /// lie before `range`).
    fn edit(&mut self, index: usize, event: &Event, range: Range<usize>, new: &str) {
        let original = match event {
            Event::Html(h) | Event::InlineHtml(h) => h.to_string(),
            _ => return,
        };
        let current = self.html_edits.entry(index).or_insert(original.clone());
        let shift = current.len() as isize - original.len() as isize;
        let at = |i: usize| (i as isize + shift) as usize;
        current.replace_range(at(range.start)..at(range.end), new);
    }

    /// Checks, records and rewrites one link (`dest` as written, at `range` of the source);
    /// returns the href to write.
    fn link(&mut self, dest: &str, range: Range<usize>) -> String {
        if let Err(scheme) = scheme_allowed(dest) {
            let href = dest.to_string();
            self.problem(Problem::DisallowedScheme { href, scheme }, range);
            return dest.to_string();
        }
        self.links.push((dest.to_string(), range));
        self.resolver
            .rewrite(dest, &self.page.url, Some(self.source_dir))
    }

    /// Reserves explicit heading ids; two equal ones, or one equal to an id a directive or raw
    /// HTML writes, are reported at the heading (and the second gets a generated id).
    fn reserve_explicit_ids(&mut self, events: &[(Event, Range<usize>)]) {
        let mut explicit: HashMap<String, Range<usize>> = HashMap::new();
        for (i, (event, range)) in events.iter().enumerate() {
            let Event::Start(Tag::Heading { id, attrs, .. }) = event else {
                continue;
            };
            let from_attrs = attrs.iter().find(|(k, _)| &**k == "id");
            let Some(id) = id.as_deref().or(from_attrs.and_then(|(_, v)| v.as_deref())) else {
                continue;
            };
            let first = match (explicit.get(id), self.ids.get(id)) {
                (Some(first), _) => Some(("heading id", first.clone())),
                (None, Some(first)) => Some(("anchor on this page", first.clone().unwrap_or(0..0))),
                (None, None) => None,
            };
            let given = match first {
                Some((kind, first)) => {
                    let name = id.to_string();
                    let first = self.locate(first);
                    self.problem(
                        Problem::Duplicate {
                            kind,
                            name,
                            first: Box::new(first),
                        },
                        range.clone(),
                    );
                    self.unique_id(id.to_string())
                }
                None => {
                    explicit.insert(id.to_string(), range.clone());
                    self.ids.insert(id.to_string(), Some(range.clone()));
                    id.to_string()
                }
            };
            self.heading_ids.insert(i, given);
        }
    }

    /// Numbers footnotes in order of first appearance and gives each the id `fn-LABEL`.
    fn number_footnotes(&mut self, events: &[(Event, Range<usize>)]) {
        for (event, _) in events {
            let (Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))) =
                event
            else {
                continue;
            };
            if !self.footnotes.contains_key(&**label) {
                let id = self.unique_id(format!("fn-{}", crate::slug::slugify(label)));
                let number = self.footnotes.len() + 1;
                self.footnotes.insert(label.to_string(), (id, number));
            }
        }
    }

    /// The events to write: headings named, code blocks highlighted, directive blocks
    /// rendered, links checked and rewritten, footnotes with their ids.
    fn render<'a>(&mut self, events: Vec<(Event<'a>, Range<usize>)>) -> Vec<Event<'a>> {
        let mut out: Vec<Event> = Vec::new();
        let mut heading: Option<OpenHeading> = None;
        let mut code: Option<(Code, String)> = None;
        let mut block_index = 0;
        for (index, (event, range)) in events.into_iter().enumerate() {
            if let Some((kind, text)) = code.as_mut() {
                match event {
                    Event::Text(t) => text.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        let pieces = match kind {
                            Code::Directives => {
                                block_index += 1;
                                self.block_html(block_index - 1)
                            }
                            Code::Language(lang) => vec![code_block_within(
                                text,
                                lang.as_deref().unwrap_or(""),
                                &mut self.highlight_budget,
                            )],
                        };
                        code = None;
                        for html in pieces {
                            push(&mut out, &mut heading, Event::Html(html.into()));
                        }
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    code = Some((self.code_kind(&kind), String::new()))
                }
                Event::Start(Tag::Heading {
                    level,
                    classes,
                    attrs,
                    ..
                }) => {
                    heading = Some(self.open_heading(index, range, level, classes, attrs));
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(h) = heading.take() {
                        self.close_heading(h, &mut out);
                    }
                }
                other => {
                    let event = self.inline(index, other, range);
                    push(&mut out, &mut heading, event);
                }
            }
        }
        out
    }

    /// A directive block, or code in the language its info string names, else in
    /// `[markdown] default_code_language`.
    fn code_kind(&self, kind: &CodeBlockKind) -> Code {
        let named = match kind {
            CodeBlockKind::Fenced(info) if is_directive_block(info) => return Code::Directives,
            CodeBlockKind::Fenced(info) => language_of(info),
            CodeBlockKind::Indented => None,
        };
        Code::Language(named.or_else(|| self.markdown.default_code_language.clone()))
    }

    fn block_html(&mut self, index: usize) -> Vec<String> {
        self.blocks_html
            .get_mut(index)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Every other event: links and images, footnotes, raw HTML.
    fn inline<'a>(&mut self, index: usize, event: Event<'a>, range: Range<usize>) -> Event<'a> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.destination(link_type, dest_url, range);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.destination(link_type, dest_url, range);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::FootnoteReference(label) => {
                let (id, n) = self.footnote(&label);
                let html =
                    format!("<sup class=\"footnote-reference\"><a href=\"#{id}\">{n}</a></sup>");
                Event::InlineHtml(html.into())
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (id, n) = self.footnote(&label);
                let html = format!(
                    "<div class=\"footnote-definition\" id=\"{id}\">\
                     <sup class=\"footnote-definition-label\">{n}</sup>"
                );
                Event::Html(html.into())
            }
            Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>\n".into()),
            Event::Html(h) => Event::Html(self.html_edits.remove(&index).map_or(h, CowStr::from)),
            Event::InlineHtml(h) => {
                Event::InlineHtml(self.html_edits.remove(&index).map_or(h, CowStr::from))
            }
            other => other,
        }
    }

    /// The destination to write for a link or image; an email autolink (`<a@b.org>`, written
    /// `mailto:` by pulldown-cmark) is left alone.
    fn destination<'a>(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        range: Range<usize>,
    ) -> CowStr<'a> {
        if link_type == LinkType::Email {
            return dest;
        }
        CowStr::from(self.link(&dest, range))
    }

    /// The escaped id and the number of a footnote.
    fn footnote(&self, label: &str) -> (String, usize) {
        let (id, n) = self.footnotes.get(label).cloned().unwrap_or_default();
        (escape_html(&id), n)
    }

    fn open_heading<'a>(
        &mut self,
        index: usize,
        range: Range<usize>,
        level: HeadingLevel,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    ) -> OpenHeading<'a> {
        let mut classes: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
        let mut attributes = Vec::new();
        for (name, value) in attrs {
            match &*name {
                "id" => {}
                "class" => classes.extend(value.iter().map(|v| v.to_string())),
                n if valid_attribute_name(n) => {
                    attributes.push((n.to_string(), value.map(|v| v.to_string())));
                }
                n => {
                    let name = n.to_string();
                    self.problem(Problem::InvalidHeadingAttribute { name }, range.clone());
                }
            }
        }
        OpenHeading {
            level,
            id: self.heading_ids.get(&index).cloned(),
            classes,
            attributes,
            inner: Vec::new(),
        }
    }

    /// `id`, or `id-1`, `id-2`… if taken (an empty slug becomes `section`), taken for the page.
    fn unique_id(&mut self, id: String) -> String {
        let ids = &self.ids;
        let id = self.suffixes.unique(id, |id| ids.contains_key(id));
        self.ids.insert(id.clone(), None);
        id
    }

    /// Writes a heading with its id (explicit, else the slug of its text, made unique on the
    /// page), its attributes and its `#` self-link.
    fn close_heading<'a>(&mut self, h: OpenHeading<'a>, out: &mut Vec<Event<'a>>) {
        let id = match h.id {
            Some(id) => id,
            None => self.unique_id(crate::slug::slugify(&plain_text(&h.inner))),
        };
        let mut attributes = String::new();
        if !h.classes.is_empty() {
            let classes = escape_html(&h.classes.join(" "));
            attributes.push_str(&format!(" class=\"{classes}\""));
        }
        for (name, value) in &h.attributes {
            let value = escape_html(value.as_deref().unwrap_or(""));
            attributes.push_str(&format!(" {name}=\"{value}\""));
        }
        let tag = h.level as usize;
        let id = escape_html(&id);
        out.push(Event::Html(
            format!("<h{tag} id=\"{id}\"{attributes}>").into(),
        ));
        out.extend(h.inner);
        out.push(Event::Html(
            format!(
                "<a class=\"self-link\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{tag}>\n"
            )
            .into(),
        ));
    }
}

fn events_text_len(event: &Event) -> usize {
    match event {
        Event::Html(h) | Event::InlineHtml(h) => h.len(),
        _ => 0,
    }
}

/// Whether HTML can hold an attribute of this name (letters, digits, `-`, `_`, `:`, `.`,
/// starting with a letter, `_` or `:`).
fn valid_attribute_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

/// The ids of a page: an id that never changes has the source range where it was written;
/// a generated one has none.
type Ids = HashMap<String, Option<Range<usize>>>;

/// What a code block holds.
enum Code {
    Directives,
    Language(Option<String>),
}

/// A heading whose events are being collected until its end, to name it from its text.
struct OpenHeading<'a> {
    level: HeadingLevel,
    /// The explicit id, if any.
    id: Option<String>,
    classes: Vec<String>,
    attributes: Vec<(String, Option<String>)>,
    inner: Vec<Event<'a>>,
}

/// Sends an event to the open heading, if any, else to the output.
fn push<'a>(out: &mut Vec<Event<'a>>, heading: &mut Option<OpenHeading<'a>>, event: Event<'a>) {
    match heading {
        Some(h) => h.inner.push(event),
        None => out.push(event),
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// Renders inline Markdown from the catalog or config: emphasis, code spans and links; raw
/// HTML is shown as text, never passed through. Links are rewritten by `rewrite` and returned
/// (an email autolink is written as its `mailto:` link and not returned); a link whose scheme
/// [`scheme_allowed`] refuses is returned but shown as its text only, never as a link.
pub(crate) fn render_inline(text: &str, rewrite: &dyn Fn(&str) -> String) -> (String, Vec<String>) {
    // A line starting with `<` would open an HTML *block*, which swallows the rest of the text
    // (links included). Escaping that `<` keeps everything inline; inline HTML is shown as text.
    let text: String = text
        .split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with('<') {
                let indent = line.len() - line.trim_start().len();
                format!("{}\\{}", &line[..indent], &line[indent..])
            } else {
                line.to_string()
            }
        })
        .collect();
    let mut links = Vec::new();
    let mut refused = false;
    let events = Parser::new_ext(&text, Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Link { dest_url, .. }) if scheme_allowed(&dest_url).is_err() => {
            links.push(dest_url.to_string());
            refused = true;
            None
        }
        Event::End(TagEnd::Link) if refused => {
            refused = false;
            None
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if link_type != LinkType::Email => {
            links.push(dest_url.to_string());
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(rewrite(&dest_url)),
                title,
                id,
            }))
        }
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(&mut html, events);
    (html.trim_end().to_string(), links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_escapes_html() {
        let (html, links) =
            render_inline("<script>x</script> see [g](/guide#a) `c` <a@b.org>", &|h| {
                format!("/base{h}")
            });
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("href=\"/base/guide#a\""), "{html}");
        assert!(html.contains("<code>c</code>"), "{html}");
        assert!(html.contains("href=\"mailto:a@b.org\""), "{html}");
        assert_eq!(links, vec!["/guide#a"]);
        let (html, links) = render_inline("[x](javascript:alert(1)) [y](/y)", &|h| h.into());
        assert_eq!(html, "x <a href=\"/y\">y</a>");
        assert_eq!(links, vec!["javascript:alert(1)", "/y"]);
    }

    #[test]
    fn attribute_names() {
        for ok in ["data-level", "x", "_a", ":b", "aria-label", "a.b"] {
            assert!(valid_attribute_name(ok), "{ok}");
        }
        for bad in ["", "1a", "a\"b", "a<b", "-x", "a=b"] {
            assert!(!valid_attribute_name(bad), "{bad}");
        }
    }
}
