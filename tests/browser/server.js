'use strict';
// A tiny static file server for a built errdocs site, bound to 127.0.0.1 on a free port.
// It behaves like the static hosts errdocs targets: pretty URLs (`/guide/` serves
// `guide/index.html`, `/guide` redirects to `/guide/`), the site's `404.html` with status 404
// for anything else. Every request is logged so the tests can assert nothing was missing.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Starts serving `root`; resolves to `{ url, close, requests }` (`url` without a trailing /). */
function serve(root) {
  root = path.resolve(root);
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      pathname = '/';
    }
    const file = path.join(root, path.normalize(pathname));
    const send = (status, p) => {
      requests.push({ path: url.pathname, status });
      const body = fs.readFileSync(p);
      res.writeHead(status, {
        'content-type': TYPES[path.extname(p)] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (isFile(file)) {
      send(200, file);
    } else if (isDir(file) && !pathname.endsWith('/')) {
      requests.push({ path: url.pathname, status: 301 });
      res.writeHead(301, { location: pathname + '/' + url.search });
      res.end();
    } else if (isDir(file) && isFile(path.join(file, 'index.html'))) {
      send(200, path.join(file, 'index.html'));
    } else if (isFile(path.join(root, '404.html'))) {
      send(404, path.join(root, '404.html'));
    } else {
      requests.push({ path: url.pathname, status: 404 });
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

/** Every page of a built site as URL paths: `index.html` -> `/`, `a/index.html` -> `/a/`. */
function pages(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.html')) {
        const rel = path.relative(root, p).split(path.sep).join('/');
        out.push('/' + (rel.endsWith('index.html') ? rel.slice(0, -'index.html'.length) : rel));
      }
    }
  };
  walk(path.resolve(root));
  return out;
}

module.exports = { serve, pages };

if (require.main === module) {
  // `node server.js DIR`: serve a site by hand.
  serve(process.argv[2] || '.').then((s) => console.log(`serving on ${s.url}/`));
}
