'use strict';
// `errdocs serve` in a real browser: a page reloads by itself after an edit, shows the error
// overlay while the build is broken (readable in light and dark mode: axe colour contrast),
// and reloads once it is fixed; a site that lives under a path (`base_url` ending in
// `/docs/`) is served under it, styled, with working links.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { launch } = require('./chromium');
const { open } = require('./helpers');

const BIN = process.env.ERRDOCS_BIN;
const AXE = require.resolve('axe-core/axe.min.js');

function serve(root) {
  const child = spawn(BIN, ['serve', '--root', root, '--port', '0', '--debounce-ms', '50'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`errdocs serve did not start:\n${out}`)), 20000);
    const onData = (chunk) => {
      out += chunk;
      const port = out.match(/http:\/\/localhost:(\d+)\//);
      if (port && out.includes('rebuilt: initial build')) {
        clearTimeout(timer);
        resolve(Number(port[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`errdocs serve exited with ${code}:\n${out}`)));
  });
  return { child, ready };
}

/** A new starter site in a temporary directory: `{ dir, root }`. */
function starter(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const root = path.join(dir, 'site');
  execFileSync(BIN, ['init', root]);
  return { dir, root };
}

/** axe's colour-contrast rule over the error overlay: `{ violations, passed, incomplete }`. */
async function overlayContrast(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  return page.evaluate(async () => {
    const r = await window.axe.run(
      { include: [['#errdocs-error-overlay']] },
      {
        runOnly: { type: 'rule', values: ['color-contrast'] },
        resultTypes: ['violations', 'passes', 'incomplete'],
      },
    );
    const nodes = (list) => list.flatMap((v) => v.nodes);
    return {
      violations: nodes(r.violations).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
      passed: nodes(r.passes).length,
      incomplete: nodes(r.incomplete).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    };
  });
}

test('errdocs serve: live reload after an edit, error overlay while broken', { skip: !BIN && 'ERRDOCS_BIN not set' }, async () => {
  const { dir, root } = starter('errdocs-livereload-');
  const { child, ready } = serve(root);
  const context = await launch();
  try {
    const port = await ready;
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://localhost:${port}/guide/`);
    await page.evaluate(() => { window.__before_reload = true; });

    // Edit the page: the browser reloads by itself and shows the new text.
    fs.appendFileSync(path.join(root, 'content', 'guide.md'), '\nLive reload works.\n');
    await page.waitForFunction(() => !window.__before_reload && document.body.textContent.includes('Live reload works.'), null, { timeout: 10000 });

    // Break the catalog: the overlay shows the errors, the page stays.
    const catalog = path.join(root, 'catalog', 'errors.toml');
    const good = fs.readFileSync(catalog, 'utf8');
    fs.writeFileSync(catalog, good.replace('status = 429', 'status = 4290'));
    const overlay = page.locator('#errdocs-error-overlay');
    await overlay.waitFor({ state: 'visible', timeout: 10000 });
    const text = page.locator('#errdocs-error-overlay pre');
    await page.waitForFunction(
      () => {
        const host = document.getElementById('errdocs-error-overlay');
        return /4290/.test((host.shadowRoot || host).textContent);
      },
      null,
      { timeout: 10000 },
    );
    assert.match(await text.textContent(), /`4290` is not an HTTP status code/);

    // Readable in both colour schemes, whatever the page's own styles.
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const { violations, passed, incomplete } = await overlayContrast(page);
      assert.deepEqual(violations, [], `${scheme}: contrast violations in the overlay`);
      assert.deepEqual(incomplete, [], `${scheme}: contrast axe could not decide`);
      assert.ok(passed >= 2, `${scheme}: the overlay's title and errors were checked (${passed})`);
    }

    // Fix it: the page reloads without the overlay.
    await page.evaluate(() => { window.__before_reload = true; });
    fs.writeFileSync(catalog, good);
    await page.waitForFunction(() => !window.__before_reload, null, { timeout: 10000 });
    assert.equal(await page.locator('#errdocs-error-overlay').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('errdocs serve: a site under a base path is served under it, styled, links working', { skip: !BIN && 'ERRDOCS_BIN not set' }, async () => {
  const { dir, root } = starter('errdocs-basepath-');
  const config = path.join(root, 'errdocs.toml');
  fs.writeFileSync(
    config,
    fs.readFileSync(config, 'utf8').replace('title = ', 'base_url = "https://example.com/docs/"\ntitle = '),
  );
  const { child, ready } = serve(root);
  const context = await launch();
  try {
    const port = await ready;
    // Opened at the root (as `--open` does), it lands on the site.
    const { page, problems } = await open(context, `http://localhost:${port}/`);
    assert.equal(new URL(page.url()).pathname, '/docs/');
    const styled = await page.evaluate(() => {
      const sheet = [...document.styleSheets].find((s) => s.href && s.href.endsWith('/docs/errdocs.css'));
      return {
        rules: sheet ? sheet.cssRules.length : 0,
        header: getComputedStyle(document.querySelector('.site-header')).position,
      };
    });
    assert.ok(styled.rules > 0, 'errdocs.css loaded from /docs/');
    assert.equal(styled.header, 'sticky', 'the stylesheet applies');

    // Following links stays on the site, under /docs/.
    await Promise.all([page.waitForURL('**/docs/guide/'), page.click('.site-nav a[href="/docs/guide/"]')]);
    assert.equal(await page.locator('h2#api-keys').count(), 1);
    await Promise.all([page.waitForURL('**/docs/errors/'), page.click('.site-nav a[href="/docs/errors/"]')]);
    await page.goto(`http://localhost:${port}/docs/errors/EX-1001/`);
    await Promise.all([
      page.waitForURL('**/docs/errors/EX-1002/'),
      page.click('a[href="/docs/errors/EX-1002/"]'),
    ]);
    assert.equal(
      await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).position),
      'sticky',
    );
    await Promise.all([page.waitForURL('**/docs/'), page.click('a.brand')]);
    // Leaving a page ends its event stream: the only request that may be aborted.
    const real = problems.filter((p) => !/__errdocs\/events net::ERR_ABORTED$/.test(p));
    assert.deepEqual(real, [], real.join('\n'));
  } finally {
    await context.close();
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
