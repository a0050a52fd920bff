'use strict';
// axe-core, run in Debian's headless Chromium on every page of the four built sample sites (and the fixture site), in the
// light and the dark colour scheme (and at phone width for the hand-written pages): no serious
// or critical violation. Every page is also loaded without a console error, an uncaught
// exception, a failed request or a request leaving 127.0.0.1.

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');

const { launch } = require('./chromium');
const { serve, pages } = require('./server');
const { SITES, DESKTOP, PHONE, checkSites, open } = require('./helpers');

const AXE = require.resolve('axe-core/axe.min.js');
const BLOCKING = new Set(['serious', 'critical']);

let context;

before(async () => {
  checkSites();
  context = await launch({ viewport: DESKTOP });
});

after(async () => {
  if (context) await context.close();
});

/** Runs axe on the page as it is; returns [blocking, other] violations, formatted. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  const format = (v) =>
    `${v.impact} ${v.id}: ${v.help}\n` +
    v.nodes
      .slice(0, 5)
      .map((n) => `      ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)
      .join('\n');
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact)).map(format);
  const other = results.violations.filter((v) => !BLOCKING.has(v.impact)).map(format);
  return [blocking, other];
}

for (const [name, dir] of Object.entries(SITES)) {
  describe(`axe on every page of ${name}`, () => {
    let server;
    before(async () => {
      server = await serve(dir);
    });
    after(async () => {
      if (server) await server.close();
    });

    test('no serious or critical violations, light and dark; no console errors', async (t) => {
      const list = pages(dir);
      // The filtered state of pages with a filter box, too.
      const extra = list.filter((p) => /errors\/$|^\/$/.test(p)).map((p) => p + '?q=429');
      const failures = [];
      let checked = 0;
      for (const p of [...list, ...extra]) {
        const { page, problems } = await open(context, server.url + p);
        try {
          const hand = !/\/errors\/[^/]+\/$/.test(p) || p.includes('?');
          const runs = [['light', DESKTOP], ['dark', DESKTOP]];
          if (hand) runs.push(['light', PHONE]);
          for (const [scheme, viewport] of runs) {
            await page.emulateMedia({ colorScheme: scheme });
            await page.setViewportSize(viewport);
            // Let the theme react to the new size (it runs on the next animation frame).
            await page.evaluate(
              () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
            );
            const [blocking, other] = await axe(page);
            const where = `${p} (${scheme}, ${viewport.width}px)`;
            for (const v of blocking) failures.push(`${where}: ${v}`);
            for (const v of other) t.diagnostic(`${where}: ${v}`);
            checked++;
          }
          for (const problem of problems) failures.push(`${p}: ${problem}`);
        } finally {
          await page.close();
        }
      }
      t.diagnostic(`${list.length} pages, ${checked} axe runs`);
      assert.ok(list.length > 0, 'the site has pages');
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  });
}
