//! The link checker: the ids each rendered page defines (the anchor registry), and the check
//! that every internal link lands on a page or file of this build and on an id of that page.
//!
//! A rendered page is reduced to its [`PageFacts`] (ids, links to check) as soon as it is
//! rendered, so the HTML itself need not be kept. Links written in the catalog and the config
//! appear on many pages; they are checked once, where they were written.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, MissingTarget, Problem, did_you_mean};
use crate::urls::{Resolver, Target, scheme_allowed};

/// A link found in a page, the catalog or the config, with where it was written.
#[derive(Clone, Debug, Hash)]
pub(crate) struct LinkRef {
    pub(crate) href: String,
    /// Site path of the page the link appears on (relative links resolve against it).
    pub(crate) page: String,
    /// Directory of the page's source under `content/` (for `*.md` links); `None` outside pages.
    pub(crate) source_dir: Option<String>,
    pub(crate) location: Location,
}

/// An internal link to verify: as written, where it points, where it was written (`None`: at
/// the location of the page it is on, which is not copied into each of its links: a code
/// page has a dozen of them, 100,000 code pages a million).
#[derive(Clone, Debug)]
pub(crate) struct LinkCheck {
    href: String,
    target: Target,
    location: Option<Location>,
}

/// Links written once and shown on many pages (catalog text, the footer), resolved once.
#[derive(Default)]
pub(crate) struct SharedLinks {
    /// What each link became, in the order they were written.
    each: Vec<Shared>,
    /// The hrefs these links become in the output (with how many links became each), so
    /// pages do not check them again.
    hrefs: HashMap<String, usize>,
    /// For each code, its links in `each` (`watch` replaces them when the code is edited).
    codes: Vec<std::ops::Range<usize>>,
}

/// What one shared link becomes.
#[derive(Clone, Debug)]
enum Shared {
    /// A link whose scheme is refused (`javascript:`, `data:`, ...): shown as text only, and
    /// reported where it was written.
    Refused {
        href: String,
        scheme: String,
        location: Location,
    },
    /// A link to this site, and the href it becomes in the output.
    Check(LinkCheck, String),
    /// Not a link to this site (an external URL): nothing to check.
    Outside,
}

impl Shared {
    fn of(link: &LinkRef, resolver: &Resolver) -> Shared {
        if let Err(scheme) = scheme_allowed(&link.href) {
            return Shared::Refused {
                href: link.href.clone(),
                scheme,
                location: link.location.clone(),
            };
        }
        match resolver.resolve(&link.href, &link.page, link.source_dir.as_deref()) {
            Some(target) => Shared::Check(
                LinkCheck {
                    href: link.href.clone(),
                    target,
                    location: Some(link.location.clone()),
                },
                resolver.rewrite(&link.href, &link.page, None),
            ),
            None => Shared::Outside,
        }
    }

    fn refused(&self) -> Option<Diagnostic> {
        match self {
            Shared::Refused {
                href,
                scheme,
                location,
            } => Some(Diagnostic::at(
                Problem::DisallowedScheme {
                    href: href.clone(),
                    scheme: scheme.clone(),
                },
                location.clone(),
            )),
            _ => None,
        }
    }

    fn check(&self) -> Option<&LinkCheck> {
        match self {
            Shared::Check(check, _) => Some(check),
            _ => None,
        }
    }

    fn location_mut(&mut self) -> Option<&mut Location> {
        match self {
            Shared::Refused { location, .. } => Some(location),
            Shared::Check(LinkCheck { location, .. }, _) => location.as_mut(),
            Shared::Outside => None,
        }
    }
}

/// Lines of a file that moved (`watch`, after an edit of the catalog): those at `from` and
/// after are now `by` lines further down.
pub(crate) struct Moved {
    pub(crate) file: std::path::PathBuf,
    pub(crate) from: usize,
    pub(crate) by: isize,
}

impl Moved {
    pub(crate) fn apply(&self, location: &mut Location) {
        if location.line >= self.from && location.file == self.file {
            location.line = location.line.saturating_add_signed(self.by);
        }
    }
}

impl SharedLinks {
    /// Whether both hold links to the same hrefs (pages skip these when they check theirs).
    pub(crate) fn same_hrefs(&self, other: &SharedLinks) -> bool {
        self.hrefs.len() == other.hrefs.len()
            && self.hrefs.keys().all(|h| other.hrefs.contains_key(h))
    }

    /// Whether `href` is the output href of one of these links.
    fn has_href(&self, href: &str) -> bool {
        self.hrefs.contains_key(href)
    }

    /// Resolves `links` (each one on any core; the checks and refusals keep their order).
    /// `codes` gives each code's links, as ranges of `links`.
    pub(crate) fn new(
        links: &[LinkRef],
        codes: Vec<std::ops::Range<usize>>,
        resolver: &Resolver,
    ) -> Self {
        use rayon::prelude::*;
        let each: Vec<Shared> = links
            .par_iter()
            .with_min_len(256)
            .map(|link| Shared::of(link, resolver))
            .collect();
        let mut hrefs = HashMap::new();
        for one in &each {
            if let Shared::Check(_, href) = one {
                *hrefs.entry(href.clone()).or_insert(0) += 1;
            }
        }
        SharedLinks { each, hrefs, codes }
    }

    /// These links after an edit of some codes (`watch`): each code of `edited` has the links
    /// given, every other link is the same, moved by `moved`. Also returns the new links of
    /// the edited codes (the only ones to check again).
    pub(crate) fn with_codes(
        &self,
        edited: Vec<(usize, Vec<LinkRef>)>,
        moved: &Moved,
        resolver: &Resolver,
    ) -> (SharedLinks, Vec<std::ops::Range<usize>>) {
        let mut edited = edited;
        edited.sort_by_key(|(code, _)| *code);
        let mut each = Vec::with_capacity(self.each.len());
        let mut codes = Vec::with_capacity(self.codes.len());
        let mut hrefs = self.hrefs.clone();
        let mut fresh = Vec::new();
        let mut at = 0;
        let keep = |each: &mut Vec<Shared>, range: std::ops::Range<usize>| {
            for one in &self.each[range] {
                let mut one = one.clone();
                if let Some(location) = one.location_mut() {
                    moved.apply(location);
                }
                each.push(one);
            }
        };
        let mut edits = edited.into_iter().peekable();
        // How many links the edits so far added (negative: removed).
        let mut grown = 0isize;
        for (code, range) in self.codes.iter().enumerate() {
            let Some((_, links)) = edits.next_if(|(c, _)| *c == code) else {
                let start = range.start.saturating_add_signed(grown);
                codes.push(start..start + range.len());
                continue;
            };
            keep(&mut each, at..range.start);
            at = range.end;
            for old in &self.each[range.clone()] {
                if let Shared::Check(_, href) = old
                    && let Some(n) = hrefs.get_mut(href)
                {
                    *n -= 1;
                    if *n == 0 {
                        hrefs.remove(href);
                    }
                }
            }
            let start = each.len();
            for link in &links {
                let one = Shared::of(link, resolver);
                if let Shared::Check(_, href) = &one {
                    *hrefs.entry(href.clone()).or_insert(0) += 1;
                }
                each.push(one);
            }
            codes.push(start..each.len());
            fresh.push(start..each.len());
            grown += links.len() as isize - range.len() as isize;
        }
        keep(&mut each, at..self.each.len());
        (SharedLinks { each, hrefs, codes }, fresh)
    }

    /// Every link, what it became and where, and each code's links (for tests that compare
    /// two sets of shared links).
    #[cfg(test)]
    pub(crate) fn dump(&self) -> String {
        format!("{:#?}\n{:?}", self.each, self.codes)
    }

    fn refused(&self) -> impl Iterator<Item = Diagnostic> + '_ {
        self.each.iter().filter_map(Shared::refused)
    }

    fn checks(&self) -> impl Iterator<Item = &LinkCheck> {
        self.each.iter().filter_map(Shared::check)
    }
}

/// How many pages' links one task of [`Registry::check_all`] checks.
const PAGES_PER_CHECK: usize = 64;

/// The broken targets found so far in one check, with what each lacks.
type Broken = HashMap<Target, MissingTarget>;

/// What the link checker needs to know of one rendered page.
#[derive(Clone, Debug)]
pub(crate) struct PageFacts {
    pub(crate) url: String,
    /// Where the page comes from (its source file), for links found only in its HTML.
    pub(crate) location: Location,
    pub(crate) ids: Arc<BTreeSet<String>>,
    /// Ids of the theme's chrome (`main`): they resolve, but `urls.txt` does not publish them.
    pub(crate) chrome: Arc<BTreeSet<String>>,
    checks: Vec<LinkCheck>,
    /// Absolute hrefs written by templates (navigation, assets): the same on many pages, so
    /// they are resolved and checked once per build, not once per page.
    /// Each with where a template writes it (`None`: the page's location).
    template_hrefs: Vec<(String, Option<Location>)>,
    /// For a redirect page: the site path it sends readers to.
    pub(crate) redirect_to: Option<String>,
    /// Under `watch`, a digest of what the facts were read from (0 in a build): a page
    /// rendered again with the same digest has the same facts.
    pub(crate) digest: u64,
}

/// The ids and hrefs of a rendered page, as written ([`crate::html::ids_and_hrefs`]).
pub(crate) type Scan = (Vec<String>, Vec<String>);

impl PageFacts {
    /// Places each template href where `locate` finds it written (a template's line).
    pub(crate) fn locate_template_hrefs(&mut self, locate: impl Fn(&str) -> Option<Location>) {
        for (href, at) in &mut self.template_hrefs {
            if let Some(found) = locate(href) {
                *at = Some(found);
            }
        }
    }

    /// What is located in a file where lines moved (`watch`) moves with them.
    pub(crate) fn move_locations(&mut self, moved: &Moved) {
        moved.apply(&mut self.location);
        let checks = self.checks.iter_mut().filter_map(|c| c.location.as_mut());
        let templates = self
            .template_hrefs
            .iter_mut()
            .filter_map(|(_, at)| at.as_mut());
        for at in checks.chain(templates) {
            moved.apply(at);
        }
    }

    /// Reads a rendered page from its ids and hrefs (`scan`, [`crate::html::ids_and_hrefs`]):
    /// its ids (an id defined twice is reported), the links recorded while rendering it
    /// (`links`), then every other href of the HTML.
    pub(crate) fn of_scan(
        url: &str,
        (page_ids, hrefs): Scan,
        location: Location,
        links: &[LinkRef],
        resolver: &Resolver,
        shared: &SharedLinks,
        diags: &mut Diagnostics,
    ) -> PageFacts {
        let mut ids = BTreeSet::new();
        for id in page_ids {
            if ids.contains(&id) {
                diags.push(Diagnostic::at(
                    Problem::Duplicate {
                        kind: "anchor on this page",
                        name: id,
                        first: Box::new(location.clone()),
                    },
                    location.clone(),
                ));
            } else {
                ids.insert(id);
            }
        }
        let mut checks = Vec::new();
        let mut written = HashSet::new();
        for link in links {
            let source_dir = link.source_dir.as_deref();
            if let Some(target) = resolver.resolve(&link.href, &link.page, source_dir) {
                written.insert(resolver.rewrite(&link.href, &link.page, source_dir));
                checks.push(LinkCheck {
                    href: link.href.clone(),
                    target,
                    location: Some(link.location.clone()),
                });
            }
        }
        let mut seen = HashSet::new();
        let mut template_hrefs = Vec::new();
        for href in hrefs {
            if written.contains(&href)
                || (!href.starts_with('#') && shared.has_href(&href))
                || !seen.insert(href.clone())
            {
                continue;
            }
            if href.starts_with('/') && !href.starts_with("//") {
                template_hrefs.push((href, None));
            } else if let Some(target) = resolver.resolve_output(&href, url) {
                checks.push(LinkCheck {
                    href,
                    target,
                    location: None,
                });
            }
        }
        PageFacts {
            url: url.to_string(),
            location,
            ids: Arc::new(ids),
            chrome: Arc::default(),
            checks,
            template_hrefs,
            redirect_to: None,
            digest: 0,
        }
    }
}

/// Every page and file this build writes, with the ids each page defines.
#[derive(Default, Clone)]
pub(crate) struct Registry {
    pages: BTreeMap<String, Arc<BTreeSet<String>>>,
    /// For each page, the ids of the theme's chrome (not published).
    chrome: BTreeMap<String, Arc<BTreeSet<String>>>,
    files: BTreeSet<String>,
    /// Redirect pages: site path -> the site path they send readers to.
    redirects: BTreeMap<String, String>,
    /// Which page defines each id (the first, by URL), built on the first broken anchor.
    homes_of_ids: std::sync::OnceLock<HashMap<String, String>>,
    /// Pages of the plan that failed to render: links to them are not reported (their
    /// failure is; one mistake, one error).
    failed: BTreeSet<String>,
    /// Path prefixes where a broken source (the catalog) would have made pages: links there
    /// are not reported while it is broken.
    unplanned: Vec<String>,
    /// Anchors that moved off a page (a split catalog's index) to another page: page ->
    /// anchor -> the page that has it now. Followed like redirects, and still published.
    moved: BTreeMap<String, Arc<HashMap<String, String>>>,
    /// Files that are part of the published manifest (`urls.txt`) like pages: the JSON file
    /// of each code.
    published_files: BTreeSet<String>,
}

impl Registry {
    /// The registry of a build: its files (site paths), its pages, and the pages that failed
    /// to render.
    pub(crate) fn new<'a>(
        files: impl IntoIterator<Item = String>,
        pages: impl IntoIterator<Item = &'a PageFacts>,
        failed: BTreeSet<String>,
    ) -> Self {
        let mut registry = Registry {
            files: files.into_iter().collect(),
            failed,
            ..Registry::default()
        };
        for page in pages {
            registry.add_page(page);
        }
        registry
    }

    /// The same registry, not reporting links under `prefixes` (see `unplanned`).
    pub(crate) fn with_unplanned(mut self, prefixes: Vec<String>) -> Self {
        self.unplanned = prefixes;
        self
    }

    /// The same registry, following the anchors that moved off pages (see `moved`).
    pub(crate) fn with_moved(
        mut self,
        moved: BTreeMap<String, Arc<HashMap<String, String>>>,
    ) -> Self {
        self.moved = moved;
        self
    }

    /// The same registry with files that are published like pages (listed in `urls.txt`).
    pub(crate) fn with_published_files(mut self, files: impl IntoIterator<Item = String>) -> Self {
        for f in files {
            self.files.insert(f.clone());
            self.published_files.insert(f);
        }
        self
    }

    /// Records (or replaces) a page.
    pub(crate) fn add_page(&mut self, page: &PageFacts) {
        self.homes_of_ids = std::sync::OnceLock::new();
        self.pages.insert(page.url.clone(), Arc::clone(&page.ids));
        self.chrome
            .insert(page.url.clone(), Arc::clone(&page.chrome));
        match &page.redirect_to {
            Some(to) => self.redirects.insert(page.url.clone(), to.clone()),
            None => self.redirects.remove(&page.url),
        };
    }

    /// Follows a redirect (one hop) for a target with a fragment.
    fn through_redirect<'t>(&self, target: &'t Target) -> std::borrow::Cow<'t, Target> {
        match (self.redirects.get(&target.path), &target.fragment) {
            (Some(to), Some(_)) => std::borrow::Cow::Owned(Target {
                path: to.clone(),
                fragment: target.fragment.clone(),
            }),
            _ => std::borrow::Cow::Borrowed(target),
        }
    }

    /// The ids defined on a page.
    pub(crate) fn ids(&self, url: &str) -> Option<&BTreeSet<String>> {
        self.pages.get(url).map(|ids| &**ids)
    }

    /// Every page and every `page#id` that authors and the catalog create (not the theme's
    /// chrome, such as `#main`), sorted. Anchors that moved off a page are still listed there:
    /// they still resolve.
    pub(crate) fn published(&self) -> impl Iterator<Item = String> + '_ {
        let pages = self.pages.iter().flat_map(|(url, ids)| {
            let chrome = self.chrome.get(url).cloned().unwrap_or_default();
            let own = ids.iter().filter(move |id| !chrome.contains(*id));
            let mut all: Vec<&String> = match self.moved.get(url) {
                Some(moved) => own
                    .chain(moved.keys().filter(|id| !ids.contains(*id)))
                    .collect(),
                None => own.collect(),
            };
            all.sort_unstable();
            std::iter::once(url.clone()).chain(all.into_iter().map(move |id| format!("{url}#{id}")))
        });
        // Merged in order: a code's JSON file comes after its page and the page's anchors.
        let mut pages = pages.peekable();
        let mut files = self.published_files.iter().peekable();
        std::iter::from_fn(move || {
            let file_first = match (pages.peek(), files.peek()) {
                (Some(p), Some(f)) => f.as_str() < p.as_str(),
                (None, f) => f.is_some(),
                (Some(_), None) => false,
            };
            if file_first {
                files.next().cloned()
            } else {
                pages.next()
            }
        })
    }

    /// Where an anchor that moved off `page` is now, if it did.
    fn moved_to(&self, page: &str, anchor: &str) -> Option<&str> {
        self.moved.get(page)?.get(anchor).map(String::as_str)
    }

    /// Whether a target resolves in this build (a page or file, and the anchor if any).
    pub(crate) fn resolves(&self, target: &Target) -> bool {
        self.missing(target).is_none()
    }

    /// What a target lacks in this build, if anything.
    fn missing(&self, target: &Target) -> Option<MissingTarget> {
        let target = self.through_redirect(target);
        if self.files.contains(&target.path)
            || self.failed.contains(&target.path)
            || self.unplanned.iter().any(|p| {
                // `/errors/` holds code pages below it, not itself.
                target.path.starts_with(p.as_str()) && (target.path != *p || !p.ends_with('/'))
            })
        {
            return None;
        }
        match self.pages.get(&target.path) {
            Some(ids) => match &target.fragment {
                Some(f)
                    if !ids.contains(f)
                        && self.moved_to(&target.path, f).is_some_and(|now| {
                            self.pages.get(now).is_some_and(|n| n.contains(f))
                        }) =>
                {
                    None
                }
                Some(f) if !ids.contains(f) => Some(MissingTarget::Anchor {
                    page: target.path.clone(),
                    anchor: f.clone(),
                    suggestion: did_you_mean(f, ids.iter().map(String::as_str))
                        .map(|s| format!("{}#{s}", target.path))
                        .or_else(|| self.home_of_id(f).map(|page| format!("{page}#{f}"))),
                }),
                _ => None,
            },
            None => Some(MissingTarget::Page {
                path: target.path.clone(),
                suggestion: did_you_mean(
                    &target.path,
                    self.pages.keys().chain(&self.files).map(String::as_str),
                ),
            }),
        }
    }

    /// The page that defines `id` (for a link that looks for it on another page).
    fn home_of_id(&self, id: &str) -> Option<&str> {
        let homes = self.homes_of_ids.get_or_init(|| {
            let mut homes = HashMap::new();
            for (url, ids) in &self.pages {
                for id in ids.iter() {
                    homes.entry(id.clone()).or_insert_with(|| url.clone());
                }
            }
            homes
        });
        homes.get(id).map(String::as_str)
    }

    fn check(
        &self,
        href: &str,
        target: &Target,
        location: &Location,
        diags: &mut Diagnostics,
        broken: &mut Broken,
    ) {
        // The same broken target linked many times is looked up (and its suggestion searched
        // for) once.
        let missing = match broken.get(target) {
            Some(missing) => Some(missing.clone()),
            None => self.missing(target).inspect(|m| {
                broken.insert(target.clone(), m.clone());
            }),
        };
        if let Some(missing) = missing {
            diags.push(Diagnostic::at(
                Problem::BrokenLink {
                    target: href.to_string(),
                    missing,
                },
                location.clone(),
            ));
        }
    }

    /// Checks one link of the page located at `page` (`None` for shared links, which carry
    /// their own locations).
    fn check_one(
        &self,
        link: &LinkCheck,
        page: Option<&Location>,
        diags: &mut Diagnostics,
        broken: &mut Broken,
    ) {
        if let Some(at) = link.location.as_ref().or(page) {
            self.check(&link.href, &link.target, at, diags, broken);
        }
    }

    /// Checks every link of a build: the shared ones, each page's, and each distinct template
    /// href once (reported on the first page, in URL order, that has it).
    pub(crate) fn check_all<'a>(
        &self,
        resolver: &Resolver,
        shared: &SharedLinks,
        pages: impl IntoIterator<Item = &'a PageFacts>,
    ) -> Diagnostics {
        use rayon::prelude::*;
        let mut diags = Diagnostics::default();
        let mut broken = Broken::new();
        for d in shared.refused() {
            diags.push(d);
        }
        let pages: Vec<&PageFacts> = pages.into_iter().collect();
        // The shared links and each page's are checked on every core, a run of pages at a
        // time (each run with its own cache of broken targets); the problems keep their order.
        let (shared_diags, page_diags) = rayon::join(
            || {
                let (mut diags, mut broken) = (Diagnostics::default(), Broken::new());
                for link in shared.checks() {
                    self.check_one(link, None, &mut diags, &mut broken);
                }
                diags
            },
            || {
                pages
                    .par_chunks(PAGES_PER_CHECK)
                    .map(|run| {
                        let (mut diags, mut broken) = (Diagnostics::default(), Broken::new());
                        for page in run {
                            for link in &page.checks {
                                self.check_one(link, Some(&page.location), &mut diags, &mut broken);
                            }
                        }
                        diags
                    })
                    .collect::<Vec<_>>()
            },
        );
        diags.extend(shared_diags);
        page_diags.into_iter().for_each(|d| diags.extend(d));
        let mut first: HashMap<&str, &Location> = HashMap::new();
        for page in &pages {
            for (href, at) in &page.template_hrefs {
                first
                    .entry(href.as_str())
                    .or_insert(at.as_ref().unwrap_or(&page.location));
            }
        }
        let mut unique: Vec<(&str, &Location)> = first.into_iter().collect();
        unique.sort_by(|a, b| a.0.cmp(b.0));
        for (href, location) in unique {
            if let Some(target) = resolver.resolve_output(href, "/") {
                self.check(href, &target, location, &mut diags, &mut broken);
            }
        }
        diags
    }

    /// Checks the shared links at `ranges` of `shared` only (those an edit made).
    pub(crate) fn check_shared(
        &self,
        shared: &SharedLinks,
        ranges: &[std::ops::Range<usize>],
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let mut broken = Broken::new();
        let links = || ranges.iter().flat_map(|r| &shared.each[r.clone()]);
        links()
            .filter_map(Shared::refused)
            .for_each(|d| diags.push(d));
        for link in links().filter_map(Shared::check) {
            self.check_one(link, None, &mut diags, &mut broken);
        }
        diags
    }

    /// Checks the links of one page only.
    pub(crate) fn check_page(&self, resolver: &Resolver, page: &PageFacts) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let mut broken = Broken::new();
        for link in &page.checks {
            self.check_one(link, Some(&page.location), &mut diags, &mut broken);
        }
        for (href, at) in &page.template_hrefs {
            if let Some(target) = resolver.resolve_output(href, "/") {
                let at = at.as_ref().unwrap_or(&page.location);
                self.check(href, &target, at, &mut diags, &mut broken);
            }
        }
        diags
    }
}
