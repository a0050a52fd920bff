'use strict';
// The Nu HTML Checker (vnu-jar from npm, run with the machine's JDK) over every generated page
// of the four built sample sites and the fixture site: zero errors.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const { pages } = require('./server');
const { SITES, checkSites } = require('./helpers');

const JAVA = process.env.JAVA || 'java';
const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');

/** Every `.html` file of a built site. */
function htmlFiles(dir) {
  return pages(dir).map((p) =>
    path.join(dir, ...(p.endsWith('/') ? [p, 'index.html'] : [p]).join('').split('/')),
  );
}

test('every page of the sample sites passes the Nu HTML Checker', (t) => {
  checkSites();
  const files = Object.values(SITES).flatMap(htmlFiles);
  assert.ok(files.length > 2, 'there are pages to check');
  const run = spawnSync(JAVA, ['-Xss8m', '-jar', VNU, '--errors-only', '--format', 'text', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.error, undefined, `could not run ${JAVA}: ${run.error}`);
  // With --format text, vnu reports each error as an `Error: ...` line followed by a
  // `From line L, column C; to line ... in resource file:...` line, on stderr; exit code 1.
  const out = `${run.stdout}${run.stderr}`;
  const errors = out.split('\n').filter((l) => /^(Fatal )?Error:/.test(l));
  t.diagnostic(`${files.length} pages checked`);
  assert.deepEqual(errors, [], `Nu HTML Checker errors:\n${out}`);
  assert.equal(run.status, 0, `vnu exited with ${run.status}:\n${out}`);
});
