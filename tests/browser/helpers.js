'use strict';
// Shared by the browser tests: where the built sites are, opening pages while recording every
// console error, page error, failed or off-site request, and where an element sits on screen.

const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');

/** The built sites under test: set by tests/browser.rs; by default the sites' own `public/`. */
const SITES = {
  patchops: path.resolve(process.env.ERRDOCS_SITE_PATCHOPS || path.join(REPO, 'public')),
  promptgate: path.resolve(
    process.env.ERRDOCS_SITE_PROMPTGATE || path.join(REPO, 'examples/promptgate/public'),
  ),
  grpc: path.resolve(process.env.ERRDOCS_SITE_GRPC || path.join(REPO, 'examples/grpc/public')),
  twilio: path.resolve(
    process.env.ERRDOCS_SITE_TWILIO || path.join(REPO, 'examples/twilio/public'),
  ),
  // tests/browser/fixture-site: every directive, column and state the theme can render.
  fixture: path.resolve(
    process.env.ERRDOCS_SITE_FIXTURE || path.join(__dirname, 'fixture-site', 'public'),
  ),
};

const SCREENSHOTS = path.resolve(
  process.env.ERRDOCS_SCREENSHOTS || path.join(REPO, 'target', 'browser-screenshots'),
);

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

function checkSites() {
  for (const [name, dir] of Object.entries(SITES)) {
    if (!fs.existsSync(path.join(dir, 'index.html'))) {
      throw new Error(
        `site ${name}: no built site at ${dir} (build it first, or run \`cargo test --test browser\`)`,
      );
    }
  }
}

/**
 * Opens `url` in a new page of `context`, recording problems: console errors, uncaught
 * exceptions, requests that failed or left 127.0.0.1, responses >= 400 (except the document
 * itself when `expectStatus` says so). Returns `{ page, problems, response }`.
 */
async function open(context, url, { expectStatus = 200, viewport, colorScheme } = {}) {
  const page = await context.newPage();
  const problems = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') {
      // The document's own expected 404 is logged as a failed resource: not a problem.
      if (expectStatus === 404 && /status of 404/.test(m.text())) return;
      problems.push(`console error: ${m.text()} (${JSON.stringify(m.location())})`);
    }
  });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:')) {
      problems.push(`request off the site: ${u}`);
    }
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    const isDoc = r.request().isNavigationRequest() && r.request().frame() === page.mainFrame();
    if (isDoc && r.status() === expectStatus) return;
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  if (viewport) await page.setViewportSize(viewport);
  if (colorScheme) await page.emulateMedia({ colorScheme });
  const response = await page.goto(url, { waitUntil: 'load' });
  return { page, problems, response };
}

/**
 * Where the element with id `id` is: its box, the sticky header's bottom, the viewport height,
 * and whether something else (the header) covers its top-left area.
 */
function placement(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const header = document.querySelector('.site-header');
    const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
    const x = r.left + Math.min(24, r.width / 2);
    const y = r.top + Math.min(12, r.height / 2);
    const hit = document.elementFromPoint(x, y);
    return {
      top: r.top,
      bottom: r.bottom,
      height: r.height,
      headerBottom,
      viewport: window.innerHeight,
      covered: !(hit && (hit === el || el.contains(hit))),
      hit: hit ? hit.outerHTML.slice(0, 120) : null,
      target: el.matches(':target'),
    };
  }, id);
}

/** Asserts the element `id` is fully on screen, below the sticky header, and not covered. */
function assertInView(assert, where, label) {
  assert.ok(where, `${label}: element exists`);
  assert.ok(
    where.top >= where.headerBottom - 1,
    `${label}: top ${where.top} is hidden under the sticky header (bottom ${where.headerBottom})`,
  );
  assert.ok(
    where.top < where.viewport - Math.min(where.height, 40),
    `${label}: top ${where.top} is below the viewport (${where.viewport})`,
  );
  assert.ok(!where.covered, `${label}: covered by ${where.hit}`);
}

module.exports = {
  REPO,
  SITES,
  SCREENSHOTS,
  DESKTOP,
  PHONE,
  checkSites,
  open,
  placement,
  assertInView,
};
