'use strict';
// The default theme in a real browser (Debian's headless Chromium), against both built sample
// sites served on 127.0.0.1: anchors land in view below the sticky header, the targeted row is
// highlighted, the filter box narrows every table, copy-link buttons copy, the layout holds at
// phone width and in dark mode, nothing logs a console error, and the pages work without JS.
// Screenshots (desktop, phone, dark) are saved under target/browser-screenshots/.

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { launch } = require('./chromium');
const { serve } = require('./server');
const {
  SITES,
  SCREENSHOTS,
  DESKTOP,
  PHONE,
  checkSites,
  open,
  placement,
  assertInView,
} = require('./helpers');

let servers = {};
let context;

before(async () => {
  checkSites();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  servers = {
    patchops: await serve(SITES.patchops),
    promptgate: await serve(SITES.promptgate),
    grpc: await serve(SITES.grpc),
    twilio: await serve(SITES.twilio),
    fixture: await serve(SITES.fixture),
  };
  context = await launch({ viewport: DESKTOP });
});

after(async () => {
  if (context) await context.close();
  for (const s of Object.values(servers)) await s.close();
});

/** Opens a page, runs `body(page)`, then asserts nothing went wrong on it. */
async function withPage(url, options, body) {
  const { page, problems, response } = await open(context, url, options);
  try {
    await body(page, response);
    assert.deepEqual(problems, [], `problems on ${url}`);
  } finally {
    await page.close();
  }
}

/** The state of the filter: the input, the status line, which code rows and sections show. */
function filterState(page) {
  return page.evaluate(() => {
    const shown = (el) => el.getClientRects().length > 0;
    const rows = [...document.querySelectorAll('table.codes > tbody > tr, ul.code-list > li')];
    const sections = [...document.querySelectorAll('.category')];
    const input = document.querySelector('form.search input');
    const rowText = (el) => {
      let t = [...(el.cells || [el])].map((c) => c.textContent).join(' ');
      el.querySelectorAll('[title]').forEach((e) => (t += ' ' + e.getAttribute('title')));
      return t.replace(/\s+/g, ' ').trim().toLowerCase();
    };
    return {
      value: input ? input.value : null,
      focused: document.activeElement === input,
      status: (document.querySelector('.search-status') || {}).textContent || '',
      total: rows.length,
      visible: rows.filter(shown).map((r) => ({ id: r.id, text: rowText(r) })),
      hidden: rows.filter((r) => !shown(r)).map((r) => ({ id: r.id, text: rowText(r) })),
      sections: sections.map((s) => ({
        id: s.id,
        shown: shown(s),
        rows: [...s.querySelectorAll('table.codes > tbody > tr, ul.code-list > li')].filter(shown)
          .length,
      })),
      retryShown: [...document.querySelectorAll('table.retry > tbody > tr')]
        .filter(shown)
        .map((r) => r.id),
      search: location.search,
    };
  });
}

/** Types `query` into the filter key by key (as a person does) and checks the result. */
async function typeQuery(page, query) {
  const input = page.locator('form.search input');
  await input.fill('');
  await input.pressSequentially(query, { delay: 5 });
  const state = await filterState(page);
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  assert.ok(state.visible.length > 0, `"${query}" matches something`);
  assert.ok(state.visible.length < state.total, `"${query}" narrows the tables`);
  for (const row of state.visible) {
    for (const t of terms) assert.ok(row.text.includes(t), `row ${row.id} shown for "${query}"`);
  }
  for (const row of state.hidden) {
    assert.ok(!row.text.includes(query.toLowerCase()), `row ${row.id} hidden for "${query}"`);
  }
  // Says how many match, hides the categories left empty, keeps the others.
  assert.match(state.status, new RegExp(`^${state.visible.length} of ${state.total} codes? match`));
  for (const s of state.sections) {
    assert.equal(s.shown, s.rows > 0, `section ${s.id} shown iff it has matches (${query})`);
  }
  assert.equal(new URLSearchParams(state.search).get('q'), query, 'the URL keeps the query');
  return state;
}

async function assertAllShown(page, total) {
  const state = await filterState(page);
  assert.equal(state.value, '');
  assert.equal(state.visible.length, total, 'every code row is shown again');
  assert.ok(state.sections.every((s) => s.shown), 'every category is shown again');
  assert.equal(state.status, '');
  assert.equal(new URLSearchParams(state.search).get('q'), null, 'q left the URL');
}

describe('PatchOps Guard sample site', () => {
  const url = (p) => servers.patchops.url + p;

  test('/guide#api-keys puts that heading in view below the sticky header', async () => {
    await withPage(url('/guide#api-keys'), {}, async (page) => {
      assert.equal(new URL(page.url()).pathname, '/guide/');
      const where = await placement(page, 'api-keys');
      assertInView(assert, where, '#api-keys');
      assert.ok(where.target, '#api-keys is the :target');
      assert.ok(where.top < where.headerBottom + 80, `#api-keys is at the top (${where.top})`);
      assert.equal(await page.locator('#api-keys').textContent(), 'API keys#');
    });
  });

  test('/errors#PG-1003 highlights that row, in view below the sticky header', async () => {
    await withPage(url('/errors#PG-1003'), {}, async (page) => {
      const where = await placement(page, 'PG-1003');
      assertInView(assert, where, '#PG-1003');
      assert.ok(where.target, '#PG-1003 is the :target');
      const [target, other] = await page.evaluate(() =>
        ['PG-1003', 'PG-1004'].map((id) => getComputedStyle(document.getElementById(id)).backgroundColor),
      );
      assert.notEqual(target, 'rgba(0, 0, 0, 0)', 'the targeted row has a background');
      assert.notEqual(target, other, 'unlike its neighbour');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'patchops-errors-PG-1003-desktop.png') });
    });
  });

  test('the filter narrows every table as you type, counts, and Esc restores all', async () => {
    await withPage(url('/errors/'), {}, async (page) => {
      const input = page.locator('form.search input');
      assert.ok(await input.isVisible(), 'the filter box shows with JS');
      const total = (await filterState(page)).total;
      assert.equal(total, 47);

      let s = await typeQuery(page, 'PG-1003');
      assert.deepEqual(s.visible.map((r) => r.id), ['PG-1003']);
      assert.equal(s.status, '1 of 47 codes matches “PG-1003”.');
      assert.deepEqual(s.sections.filter((x) => x.shown).map((x) => x.id), ['auth']);
      assert.deepEqual(s.retryShown, ['retry-401'], 'with the retry guidance of its status');

      s = await typeQuery(page, '429');
      const ids429 = s.visible.map((r) => r.id);
      for (const id of ['PG-4001', 'PG-4002']) assert.ok(ids429.includes(id), `429 shows ${id}`);
      assert.ok(!ids429.includes('PG-1003'));
      assert.deepEqual(s.retryShown, ['retry-429'], 'the retry table narrows too');

      s = await typeQuery(page, 'expired');
      const expired = s.visible.map((r) => r.id);
      for (const id of ['PG-1003', 'PG-1005']) assert.ok(expired.includes(id), `expired shows ${id}`);

      s = await typeQuery(page, 'rate limit');
      assert.ok(s.visible.some((r) => r.id === 'PG-4001'), 'rate limit shows PG-4001');
      assert.ok(s.sections.find((x) => x.id === 'rate-limits').shown);
      assert.ok(!s.sections.find((x) => x.id === 'auth').shown, 'empty categories are hidden');

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'patchops-errors-filter-desktop.png'),
        fullPage: true,
      });

      // Nothing matches: says so.
      await input.fill('zzzz-no-such-code');
      s = await filterState(page);
      assert.equal(s.visible.length, 0);
      assert.match(s.status, /^No code matches/);
      assert.ok(s.sections.every((x) => !x.shown));

      // Esc clears and restores every row, section and the URL.
      await input.press('Escape');
      await assertAllShown(page, total);
      assert.ok((await filterState(page)).focused, 'focus stays in the box');
    });
  });

  test('"/" focuses the filter from anywhere; Esc outside the box clears it too', async () => {
    await withPage(url('/errors/'), {}, async (page) => {
      await page.locator('h1').click();
      await page.keyboard.press('/');
      let s = await filterState(page);
      assert.ok(s.focused, '/ focused the filter box');
      assert.equal(s.value, '', 'the slash is not typed into it');
      await page.keyboard.type('session');
      s = await filterState(page);
      assert.ok(s.visible.some((r) => r.id === 'PG-1005'));
      await page.locator('h1').click();
      await page.keyboard.press('Escape');
      await assertAllShown(page, 47);
    });
  });

  test('?q= in the URL pre-fills the filter; following a link to a hidden code clears it', async () => {
    await withPage(url('/errors/?q=expired'), {}, async (page) => {
      const s = await filterState(page);
      assert.equal(s.value, 'expired');
      assert.ok(s.visible.length >= 2 && s.visible.length < s.total);
      assert.match(s.status, /codes? match/);
      // The navigation links to a category the filter hides: following it shows everything.
      await page.locator('.site-nav a[href$="#server"]').click();
      await page.waitForFunction(() => document.querySelector('form.search input').value === '');
      await assertAllShown(page, 47);
      assertInView(assert, await placement(page, 'server'), '#server');
    });
  });

  test('copy-link buttons copy the permanent link and announce it', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: servers.patchops.url,
    });
    await withPage(url('/errors/?q=PG-1003'), {}, async (page) => {
      const button = page.getByRole('button', { name: 'Copy link to PG-1003' });
      assert.equal(await button.count(), 1);
      await button.click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, url('/errors/#PG-1003'), 'the link, without the filter query');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[aria-live]')].some((e) => /copied/i.test(e.textContent)),
      );
      // Headings (and categories) have one too, named after them.
      assert.equal(
        await page.getByRole('button', { name: 'Copy link to Authentication PG-1xxx' }).count(),
        1,
      );
      const unnamed = await page.evaluate(
        () =>
          [...document.querySelectorAll('button.copy-link')].filter(
            (b) => !/^Copy link to \S/.test(b.getAttribute('aria-label') || ''),
          ).length,
      );
      assert.equal(unnamed, 0, 'every copy button has an accessible name');
    });
    await withPage(url('/guide/'), {}, async (page) => {
      await page.getByRole('button', { name: 'Copy link to API keys' }).click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, url('/guide/#api-keys'));
    });
  });

  test('the side navigation lists pages and categories and stays put while scrolling', async () => {
    await withPage(url('/errors/'), {}, async (page) => {
      const links = await page.locator('.site-nav a').allTextContents();
      for (const t of ['Error Code Reference', 'Guide', 'Authentication', 'Server']) {
        assert.ok(links.includes(t), `nav lists ${t}`);
      }
      // The navigation is shared (errdocs-nav.js): the current page is marked by the script.
      const current = await page.locator('.site-nav a[aria-current="page"]').allTextContents();
      assert.deepEqual(current, ['Error Code Reference']);
      await page.evaluate(() => window.scrollTo(0, 3000));
      const box = await page.evaluate(() => {
        const n = document.querySelector('.site-nav').getBoundingClientRect();
        const h = document.querySelector('.site-header').getBoundingClientRect();
        return { nav: n.top, header: h.top, headerBottom: h.bottom };
      });
      assert.equal(box.header, 0, 'the header is sticky');
      assert.ok(Math.abs(box.nav - box.headerBottom) <= 1, `the nav is sticky (${box.nav})`);
    });
  });

  test('phone width: no sideways scrolling, code tables stack, anchors land in view', async () => {
    await withPage(url('/errors#PG-1003'), { viewport: PHONE }, async (page) => {
      const layout = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
        row: getComputedStyle(document.getElementById('PG-1003')).display,
      }));
      assert.ok(layout.scroll <= layout.width, `page is ${layout.scroll}px wide at ${layout.width}`);
      assert.equal(layout.row, 'block', 'code rows are stacked cards');
      assertInView(assert, await placement(page, 'PG-1003'), '#PG-1003 (phone)');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'patchops-errors-PG-1003-phone.png') });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'patchops-errors-phone-full.png'),
        fullPage: true,
      });
    });
    await withPage(url('/guide#api-keys'), { viewport: PHONE }, async (page) => {
      assertInView(assert, await placement(page, 'api-keys'), '#api-keys (phone)');
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(wide <= 0, `the guide scrolls sideways by ${wide}px`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'patchops-guide-api-keys-phone.png') });
    });
  });

  test('dark mode follows the system, from CSS alone', async () => {
    for (const scheme of ['light', 'dark']) {
      await withPage(url('/errors#PG-1003'), { colorScheme: scheme }, async (page) => {
        const [bg, fg] = await page.evaluate(() => {
          const s = getComputedStyle(document.body);
          return [s.backgroundColor, s.color];
        });
        const lum = (c) => {
          const [r, g, b] = c.match(/\d+/g).map(Number);
          return (r + g + b) / 3;
        };
        if (scheme === 'dark') assert.ok(lum(bg) < 60 && lum(fg) > 180, `dark: ${bg} / ${fg}`);
        else assert.ok(lum(bg) > 240 && lum(fg) < 80, `light: ${bg} / ${fg}`);
        if (scheme === 'dark') {
          await page.screenshot({ path: path.join(SCREENSHOTS, 'patchops-errors-PG-1003-dark.png') });
          await page.evaluate(() => window.scrollTo(0, 0));
          await page.screenshot({ path: path.join(SCREENSHOTS, 'patchops-errors-top-dark.png') });
        }
      });
    }
  });

  test('print: navigation and controls are left out', async () => {
    await withPage(url('/errors/'), {}, async (page) => {
      await page.emulateMedia({ media: 'print' });
      const hidden = await page.evaluate(() =>
        ['.site-header', '.site-nav', 'form.search', 'button.copy-link'].map(
          (sel) => document.querySelector(sel).getClientRects().length === 0,
        ),
      );
      assert.deepEqual(hidden, [true, true, true, true]);
      await page.emulateMedia({ media: 'screen' });
    });
  });

  test('an unknown URL gets the 404 page with status 404', async () => {
    await withPage(url('/no/such/page/'), { expectStatus: 404 }, async (page, response) => {
      assert.equal(response.status(), 404);
      assert.ok(await page.locator('main a[href="/"]').count(), 'a way back home');
    });
  });
});

describe('PromptGate sample site', () => {
  const url = (p) => servers.promptgate.url + p;

  test('anchors with odd characters land in view and are highlighted', async () => {
    for (const id of ['-32000..-32099', 'rate-limit-exceeded', 'control-plane-token-not-found-99999']) {
      await withPage(url('/#' + id), {}, async (page) => {
        const where = await placement(page, id);
        assertInView(assert, where, '#' + id);
        assert.ok(where.target, `#${id} is the :target`);
        const bg = await page.evaluate(
          (id) => getComputedStyle(document.getElementById(id)).backgroundColor,
          id,
        );
        assert.notEqual(bg, 'rgba(0, 0, 0, 0)', `#${id} is highlighted`);
      });
    }
  });

  test('the filter narrows tables and lists alike; Esc restores all', async () => {
    await withPage(url('/'), {}, async (page) => {
      const total = (await filterState(page)).total;
      assert.equal(total, 48);

      let s = await typeQuery(page, '-32602');
      assert.ok(s.visible.some((r) => r.id === '-32602'));

      s = await typeQuery(page, 'rate limit');
      const ids = s.visible.map((r) => r.id);
      for (const id of ['rate-limit-exceeded', '429']) assert.ok(ids.includes(id), `shows ${id}`);

      s = await typeQuery(page, '429');
      assert.ok(s.visible.some((r) => r.id === '429'));

      // List items (the control plane's messages) narrow too.
      s = await typeQuery(page, 'not found');
      const found = s.visible.map((r) => r.id);
      assert.ok(found.includes('control-plane-token-not-found-99999'));
      assert.ok(!found.includes('control-plane-is-active-must-be-boolean'));
      assert.ok(s.sections.find((x) => x.id === 'control-plane').shown);
      assert.ok(!s.sections.find((x) => x.id === 'jsonrpc-transport').shown);

      await page.locator('form.search input').press('Escape');
      await assertAllShown(page, total);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'promptgate-index-desktop.png') });
    });
  });

  test('phone and dark screenshots; no sideways scrolling', async () => {
    await withPage(url('/#-32602'), { viewport: PHONE }, async (page) => {
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(wide <= 0, `the page scrolls sideways by ${wide}px`);
      assertInView(assert, await placement(page, '-32602'), '#-32602 (phone)');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'promptgate-index-phone.png') });
    });
    await withPage(url('/#gateway-messages'), { colorScheme: 'dark' }, async (page) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'promptgate-index-dark.png') });
    });
  });
});

/**
 * A code page of the sites modelled on real references: its heading, its facts, and the way
 * back to its row, which lands in view and highlighted.
 */
async function codePageLeadsToItsRow(url, path_, id, heading) {
  await withPage(url(path_), {}, async (page) => {
    assert.equal((await page.locator('h1').textContent()).trim(), heading);
    assert.ok(await page.locator('dl.code-facts').isVisible(), 'the facts show');
    await Promise.all([page.waitForURL(`**/#${id}`), page.locator('p.back a').click()]);
    const where = await placement(page, id);
    assertInView(assert, where, '#' + id);
    assert.ok(where.target, `#${id} is the :target`);
  });
}

describe('gRPC status codes sample site', () => {
  const url = (p) => servers.grpc.url + p;

  test('the filter finds codes by number, name and HTTP status; Esc restores all', async () => {
    await withPage(url('/'), {}, async (page) => {
      const total = (await filterState(page)).total;
      assert.equal(total, 17);
      // Descriptions name other codes (9 and 10 say when to use UNAVAILABLE instead).
      let s = await typeQuery(page, 'UNAVAILABLE');
      assert.ok(s.visible.some((r) => r.id === '14'), 'shows 14');
      s = await typeQuery(page, 'FAILED_PRECONDITION');
      assert.ok(s.visible.some((r) => r.id === '9'), 'shows 9');
      assert.ok(!s.visible.some((r) => r.id === '0'), 'not OK');
      // 412 is FAILED_PRECONDITION's second status.
      s = await typeQuery(page, '412');
      assert.ok(s.visible.some((r) => r.id === '9'), '412 shows 9');
      await page.locator('form.search input').press('Escape');
      await assertAllShown(page, total);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'grpc-index-desktop.png') });
    });
  });

  test('a code page shows its facts and leads back to its row', async () => {
    await codePageLeadsToItsRow(url, '/codes/9/', '9', '9 FAILED_PRECONDITION');
    await codePageLeadsToItsRow(url, '/codes/0/', '0', '0 OK');
  });
});

describe('Twilio error dictionary sample site', () => {
  const url = (p) => servers.twilio.url + p;

  test('the filter finds codes by number, title and log type across products', async () => {
    await withPage(url('/'), {}, async (page) => {
      const total = (await filterState(page)).total;
      assert.equal(total, 73);
      let s = await typeQuery(page, '21211');
      assert.deepEqual(s.visible.map((r) => r.id), ['21211']);
      s = await typeQuery(page, 'permission denied');
      assert.ok(s.visible.some((r) => r.id === '20003'), 'shows 20003');
      s = await typeQuery(page, 'carrier');
      assert.ok(s.sections.filter((x) => x.shown).length >= 1);
      await page.locator('form.search input').press('Escape');
      await assertAllShown(page, total);
    });
  });

  test('a code page shows its causes and solutions and leads back to its row', async () => {
    await withPage(url('/errors/30007/'), { viewport: PHONE }, async (page) => {
      for (const id of ['field-possible_causes', 'field-possible_solutions']) {
        assert.ok(await page.locator('#' + id).isVisible(), `${id} shows`);
      }
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(wide <= 0, `the page scrolls sideways by ${wide}px`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'twilio-30007-phone.png'), fullPage: true });
    });
    await codePageLeadsToItsRow(url, '/errors/20003/', '20003', '20003: Permission Denied');
  });
});

describe('theme fixture site', () => {
  const url = (p) => servers.fixture.url + p;

  test('deprecated codes are marked, with their replacement; status badges by class', async () => {
    await withPage(url('/errors/#FX-1002'), {}, async (page) => {
      const row = await page.evaluate(() => {
        const tr = document.getElementById('FX-1002');
        const badge = tr.querySelector('.badge-deprecated');
        const code = tr.querySelector('a.code');
        return {
          deprecated: tr.classList.contains('deprecated'),
          badge: badge && badge.getClientRects().length > 0 ? badge.textContent : null,
          struck: getComputedStyle(code).textDecorationLine,
          replacement: new URL(tr.querySelector('.replaced-by a').href).hash,
          card: document.querySelector('.code-card .badge-deprecated')?.textContent,
        };
      });
      assert.deepEqual(row, {
        deprecated: true,
        badge: 'deprecated',
        struck: 'line-through',
        replacement: '#FX-1003',
        card: 'deprecated',
      });
      assertInView(assert, await placement(page, 'FX-1002'), '#FX-1002');
      const colours = await page.evaluate(() =>
        ['FX-1001', 'FX-5001'].map((id) => {
          const s = getComputedStyle(document.querySelector(`[id="${id}"] .status`));
          return [s.backgroundColor, s.color];
        }),
      );
      assert.notDeepEqual(colours[0], colours[1], '4xx and 5xx badges differ');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'fixture-errors-desktop.png') });
    });
  });

  test('every column stacks at phone width; lists filter like tables', async () => {
    await withPage(url('/errors/?q=rate'), { viewport: PHONE }, async (page) => {
      const s = await filterState(page);
      assert.deepEqual(s.visible.map((r) => r.id), ['rate-limit-exceeded']);
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(wide <= 0, `the page scrolls sideways by ${wide}px`);
      await page.locator('form.search input').press('Escape');
      await assertAllShown(page, 7);
      await page.goto(url('/errors/#FX-1003'));
      assertInView(assert, await placement(page, 'FX-1003'), '#FX-1003 (phone)');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'fixture-errors-phone.png') });
    });
  });
});

describe('without JavaScript', () => {
  let nojs;
  before(async () => {
    nojs = await launch({ viewport: DESKTOP, javaScriptEnabled: false });
  });
  after(async () => {
    if (nojs) await nojs.close();
  });

  test('the filter box stays hidden, every row shows, anchors still land', async () => {
    const { page, problems } = await open(nojs, servers.patchops.url + '/errors#PG-1003');
    try {
      assert.equal(await page.locator('form.search').isVisible(), false, 'no dead search box');
      const state = await filterState(page);
      assert.equal(state.visible.length, 47);
      assert.equal(await page.locator('button.copy-link').count(), 0);
      const where = await placement(page, 'PG-1003');
      assertInView(assert, where, '#PG-1003 (no JS)');
      assert.ok(where.target);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('the navigation still works: the shared navigation page in a frame', async () => {
    const { page, problems } = await open(nojs, servers.patchops.url + '/guide/');
    try {
      const frame = page.frameLocator('.site-nav-frame iframe');
      const links = await frame.locator('.site-nav a').allTextContents();
      for (const t of ['Error Code Reference', 'Guide', 'Authentication']) {
        assert.ok(links.includes(t), `the frame lists ${t}`);
      }
      // A link in the frame opens in the page, not in the frame.
      await frame.locator('.site-nav a', { hasText: 'Error Code Reference' }).click();
      await page.waitForURL(/\/errors\/$/);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test('dark mode needs no script (no flash)', async () => {
    const { page } = await open(nojs, servers.promptgate.url + '/', { colorScheme: 'dark' });
    try {
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(17, 20, 24)');
    } finally {
      await page.close();
    }
  });
});
