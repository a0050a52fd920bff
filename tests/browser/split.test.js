'use strict';
// A catalog split into a page per category (`catalog split=category`) in a real browser, on
// tests/fixtures/split-site built by tests/split_reference.rs (ERRDOCS_SITE_SPLIT):
// - an old link to a code on the index (`/reference/#SP-2001`, from before the split) lands on
//   the category page at that code's row, and so does an old code's anchor (`#SP-0102`);
// - with JavaScript off, the index says where the codes went and links the category page;
// - the filter on one category page finds a code of another category, and its link opens the
//   code's row on that page;
// - axe-core finds no violation on the index and on a category page showing those results.

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { launch } = require('./chromium');
const { serve } = require('./server');
const { DESKTOP, open, placement, assertInView } = require('./helpers');

const AXE = require.resolve('axe-core/axe.min.js');

/** The axe-core violations of the page as it is, formatted. */
async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations.map(
    (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

const SITE = path.resolve(
  process.env.ERRDOCS_SITE_SPLIT ||
    path.join(__dirname, '..', 'fixtures', 'split-site', 'public'),
);

let server;
let context;
let noJs;

before(async () => {
  if (!fs.existsSync(path.join(SITE, 'reference', 'index.html'))) {
    throw new Error(`no built split site at ${SITE} (run \`cargo test --test split_reference\`)`);
  }
  server = await serve(SITE);
  context = await launch({ viewport: DESKTOP });
  noJs = await launch({ viewport: DESKTOP, javaScriptEnabled: false });
});

after(async () => {
  if (context) await context.close();
  if (noJs) await noJs.close();
  if (server) await server.close();
});

/** Opens `url` and waits until the page is `pathname` with `hash`. */
async function landsOn(url, pathname, hash) {
  const { page, problems } = await open(context, url);
  await page.waitForFunction(
    ([p, h]) => location.pathname === p && location.hash === h && document.getElementById(h.slice(1)),
    [pathname, hash],
  );
  await page.waitForLoadState('load');
  return { page, problems };
}

describe('split reference', () => {
  test('an old #CODE link on the index lands on the category page at the code', async () => {
    const { page, problems } = await landsOn(
      `${server.url}/reference/#SP-2001`,
      '/reference/billing/',
      '#SP-2001',
    );
    try {
      assert.equal(await page.title().then((t) => t.startsWith('Billing')), true);
      const where = await placement(page, 'SP-2001');
      assert.ok(where.target, 'the row is the :target');
      assertInView(assert, where, 'SP-2001 after the redirect');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test("an old code's anchor (alias) lands on its row too", async () => {
    const { page, problems } = await landsOn(
      `${server.url}/reference/#SP-0102`,
      '/reference/auth/',
      '#SP-0102',
    );
    try {
      const row = await page.evaluate(() => document.getElementById('SP-0102').closest('tr').id);
      assert.equal(row, 'SP-1002');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('a Markdown link to an old #CODE anchor follows the map', async () => {
    const { page, problems } = await open(context, `${server.url}/`);
    try {
      await page.click('a[href="/reference/#SP-1002"]');
      await page.waitForFunction(
        () => location.pathname === '/reference/auth/' && location.hash === '#SP-1002',
      );
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('without JavaScript the index explains and links the category pages', async () => {
    const page = await noJs.newPage();
    try {
      await page.goto(`${server.url}/reference/#SP-2001`, { waitUntil: 'load' });
      assert.equal(new URL(page.url()).pathname, '/reference/');
      const notice = page.locator('.split-notice');
      assert.equal(await notice.isVisible(), true, 'the <noscript> notice shows');
      assert.match(await notice.textContent(), /moved to the page of their category/);
      const link = page.locator('#billing a');
      assert.equal(await link.isVisible(), true);
      assert.equal(await link.getAttribute('href'), '/reference/billing/');
      assert.match(await page.locator('#billing').textContent(), /2 codes/);
      await link.click();
      await page.waitForURL(`${server.url}/reference/billing/`);
      assert.equal(await page.locator('#SP-2001').isVisible(), true);
    } finally {
      await page.close();
    }
  });

  test('the filter on one category page finds a code of another and opens it', async () => {
    const { page, problems } = await open(context, `${server.url}/reference/auth/`);
    try {
      const input = page.locator('#code-filter');
      assert.equal(await input.isVisible(), true);
      await input.fill('declined');
      const result = page.locator('.search-elsewhere a.code');
      await result.first().waitFor();
      assert.equal(await result.count(), 1);
      assert.equal(await result.textContent(), 'SP-2001');
      assert.match(
        await page.locator('.search-status').textContent(),
        /No code on this page matches “declined”\. 1 in other categories/,
      );
      // This page's own rows are all filtered out.
      assert.equal(await page.locator('table.codes tbody tr:not([hidden])').count(), 0);
      await result.click();
      await page.waitForFunction(
        () => location.pathname === '/reference/billing/' && location.hash === '#SP-2001',
      );
      await page.waitForLoadState('load');
      assertInView(assert, await placement(page, 'SP-2001'), 'SP-2001 from the filter');
      // A query matching codes here and elsewhere lists only the others below.
      await page.locator('#code-filter').fill('401');
      await page.locator('.search-elsewhere a.code').first().waitFor();
      const codes = await page.locator('.search-elsewhere a.code').allTextContents();
      assert.deepEqual(codes, ['SP-1001', 'SP-1002']);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('the filter on the index searches every category', async () => {
    const { page, problems } = await open(context, `${server.url}/reference/?q=504`);
    try {
      const result = page.locator('.search-elsewhere a.code');
      await result.first().waitFor();
      assert.deepEqual(await result.allTextContents(), ['SP-5001']);
      assert.equal(await result.getAttribute('href'), '/reference/server/#SP-5001');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('axe-core: the index and a category page with results from other categories', async () => {
    const index = await open(context, `${server.url}/reference/`);
    try {
      assert.deepEqual(await axe(index.page), [], 'index');
    } finally {
      await index.page.close();
    }
    const { page, problems } = await open(context, `${server.url}/reference/billing/`);
    try {
      await page.locator('#code-filter').fill('401');
      await page.locator('.search-elsewhere a.code').first().waitFor();
      assert.deepEqual(await axe(page), [], 'category page with results');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
});
