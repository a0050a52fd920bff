'use strict';
// `errdocs serve` in a real browser: a page reloads by itself after an edit, shows the error
// overlay while the build is broken, and reloads once it is fixed.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { launch } = require('./chromium');

const BIN = process.env.ERRDOCS_BIN;

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

test('errdocs serve: live reload after an edit, error overlay while broken', { skip: !BIN && 'ERRDOCS_BIN not set' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errdocs-livereload-'));
  const root = path.join(dir, 'site');
  execFileSync(BIN, ['init', root]);
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
    assert.match(await overlay.textContent(), /`4290` is not an HTTP status code/);

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
