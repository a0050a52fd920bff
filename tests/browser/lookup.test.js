'use strict';
// The `lookup` directive in a real browser, on both sample sites: paste an error response body
// (PatchOps' REST envelope; PromptGate's REST envelope and JSON-RPC `{"error":{"code":-32602}}`),
// a bare code or a message, and the matching code is announced in the live region with a link
// to its page, which opens. Keyboard only: Tab reaches the labelled text area, typing finds.

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { launch } = require('./chromium');
const { serve } = require('./server');
const { SITES, DESKTOP, open } = require('./helpers');

let servers = {};
let context;

before(async () => {
  for (const name of ['patchops', 'promptgate']) {
    if (!fs.existsSync(path.join(SITES[name], 'index.html'))) {
      throw new Error(`site ${name}: no built site at ${SITES[name]}`);
    }
  }
  servers = {
    patchops: await serve(SITES.patchops),
    promptgate: await serve(SITES.promptgate),
  };
  context = await launch({ viewport: DESKTOP });
});

after(async () => {
  if (context) await context.close();
  for (const s of Object.values(servers)) await s.close();
});

/** Types `text` into the lookup box (replacing what is there) and returns the result region. */
async function lookup(page, text) {
  await page.fill('#lookup-input', text);
  await page.waitForFunction(
    () => document.querySelector('.lookup-result').textContent.trim() !== '',
  );
  return page.evaluate(() => {
    const r = document.querySelector('.lookup-result');
    const a = r.querySelector('a');
    return { text: r.textContent.replace(/\s+/g, ' ').trim(), href: a && a.getAttribute('href') };
  });
}

async function withLookup(url, body) {
  const { page, problems } = await open(context, url);
  try {
    // The form is shown (hidden without JS), labelled, with a polite live region.
    const form = await page.evaluate(() => {
      const f = document.querySelector('form.lookup');
      const input = document.getElementById('lookup-input');
      const label = document.querySelector('label[for="lookup-input"]');
      const live = f.querySelector('.lookup-result');
      return {
        hidden: f.hidden,
        label: label && label.textContent,
        role: live.getAttribute('role'),
        live: live.getAttribute('aria-live'),
        tag: input.tagName,
      };
    });
    assert.equal(form.hidden, false);
    assert.match(form.label, /Paste an error response/);
    assert.equal(form.role, 'status');
    assert.equal(form.live, 'polite');
    await body(page);
    assert.deepEqual(problems, [], `problems on ${url}`);
  } finally {
    await page.close();
  }
}

describe('lookup: PatchOps (REST envelope, PG-XYYY codes)', () => {
  test('an envelope, a bare code, a message, a sentence, nothing', async () => {
    await withLookup(`${servers.patchops.url}/errors/`, async (page) => {
      let r = await lookup(
        page,
        '{"error": {"code": "PG-1003", "message": "API key expired", "docs": "x"}}',
      );
      assert.match(r.text, /^Found PG-1003/);
      assert.equal(r.href, '/errors/PG-1003/');
      r = await lookup(page, 'pg-4001');
      assert.match(r.text, /^Found PG-4001.*HTTP 429/);
      r = await lookup(page, 'API key expired');
      assert.match(r.text, /^Found PG-1003/);
      r = await lookup(page, 'Request failed: PG-2003 (see docs)');
      assert.match(r.text, /^Found PG-2003/);
      r = await lookup(page, 'PG-9999');
      assert.match(r.text, /No code of this reference matches/);
      assert.equal(r.href, null);
    });
  });

  test('keyboard only: Tab to the box, type, follow the link with Enter', async () => {
    await withLookup(`${servers.patchops.url}/errors/`, async (page) => {
      await page.focus('#code-filter');
      // From the filter box, Tab reaches the lookup box (nothing in between traps focus).
      for (let i = 0; i < 10; i++) {
        const id = await page.evaluate(() => document.activeElement && document.activeElement.id);
        if (id === 'lookup-input') break;
        await page.keyboard.press('Tab');
      }
      assert.equal(await page.evaluate(() => document.activeElement.id), 'lookup-input');
      await page.keyboard.type('PG-1003');
      await page.waitForFunction(() =>
        /Found PG-1003/.test(document.querySelector('.lookup-result').textContent),
      );
      await page.focus('.lookup-result a');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.match(new URL(page.url()).pathname, /^\/errors\/PG-1003\/$/);
      assert.match(await page.textContent('h1'), /PG-1003/);
    });
  });
});

describe('lookup: PromptGate (REST messages, JSON-RPC integer codes)', () => {
  test('JSON-RPC error object, REST envelope, bare integer, message', async () => {
    await withLookup(`${servers.promptgate.url}/`, async (page) => {
      let r = await lookup(
        page,
        '{"jsonrpc": "2.0", "id": 7, "error": {"code": -32602, "message": "Invalid params", "data": {"field": "model"}}}',
      );
      assert.match(r.text, /^Found -32602/);
      assert.equal(r.href, '/errors/-32602/');
      r = await lookup(page, '{"ok": false, "error": "Missing Bearer token."}');
      assert.match(r.text, /^Found Missing Bearer token\./);
      assert.equal(r.href, '/errors/missing-bearer-token/');
      r = await lookup(page, '-32601');
      assert.match(r.text, /^Found -32601/);
      // A server error inside the reserved range finds the range.
      r = await lookup(page, '{"jsonrpc":"2.0","id":1,"error":{"code":-32050,"message":"x"}}');
      assert.match(r.text, /^Found -32000\.\.-32099/);
      r = await lookup(page, 'missing bearer token');
      assert.match(r.text, /^Found Missing Bearer token\./);
    });
  });
});
