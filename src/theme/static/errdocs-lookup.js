// errdocs `lookup` directive: paste an error response body (any envelope, JSON-RPC included),
// a bare code or a message, and get the matching code with a link to its page. Offline: it
// reads only the site's own errors.json. No framework. The form is hidden without JavaScript.
//
// Matching, first hit wins:
// 1. JSON: every string and number in the body, values under a key named `code` first, then
//    `error`, `type`, `error_code`, then the others, is looked up as a code; then every string
//    as a message;
// 2. text: the text as a code (exactly, then ignoring case), as a message (ignoring case and a
//    final period), then each word-like token in it as a code (`Error PG-1003: ...`), then a
//    message containing the text;
// 3. a number inside a reserved range code (`-32000..-32099`) finds that range.
(function () {
  'use strict';

  var doc = document;
  var PREFERRED = ['code', 'error', 'type', 'error_code', 'errorCode', 'status'];

  function norm(s) {
    return String(s).trim().replace(/\s+/g, ' ').replace(/\.$/, '').toLowerCase();
  }

  function Index(data) {
    this.codes = data.codes || [];
    this.base = data.base_url || null;
    this.exact = Object.create(null);
    this.folded = Object.create(null);
    this.messages = Object.create(null);
    this.ranges = [];
    var self = this;
    this.codes.forEach(function (c) {
      var id = c.code === null || c.code === undefined ? c.name : String(c.code);
      if (id === null || id === undefined) return;
      var m = /^(-?\d+)\.\.(-?\d+)$/.exec(id);
      if (m) {
        var a = Number(m[1]), b = Number(m[2]);
        self.ranges.push({ lo: Math.min(a, b), hi: Math.max(a, b), code: c });
      }
      if (!(id in self.exact)) self.exact[id] = c;
      if (c.namespace && !((c.namespace + ':' + id) in self.exact)) {
        self.exact[c.namespace + ':' + id] = c;
      }
      var f = id.toLowerCase();
      if (!(f in self.folded)) self.folded[f] = c;
      // Free-form codes are messages themselves (`Missing Bearer token.`).
      [c.message, id].forEach(function (text) {
        if (!text) return;
        var n = norm(text);
        if (!(n in self.messages)) self.messages[n] = c;
      });
    });
  }

  Index.prototype.code = function (value) {
    var s = String(value).trim();
    if (!s) return null;
    if (s in this.exact) return this.exact[s];
    if (s.toLowerCase() in this.folded) return this.folded[s.toLowerCase()];
    if (/^-?\d+$/.test(s)) {
      var n = Number(s);
      for (var i = 0; i < this.ranges.length; i++) {
        if (n >= this.ranges[i].lo && n <= this.ranges[i].hi) return this.ranges[i].code;
      }
    }
    return null;
  };

  Index.prototype.message = function (value) {
    var n = norm(value);
    return n && n in this.messages ? this.messages[n] : null;
  };

  // Every primitive value of a JSON document with the key it is under, preferred keys first.
  function values(doc) {
    var out = [];
    (function walk(v, key, depth) {
      if (depth > 20) return;
      if (Array.isArray(v)) v.forEach(function (x) { walk(x, key, depth + 1); });
      else if (v !== null && typeof v === 'object') {
        Object.keys(v).forEach(function (k) { walk(v[k], k, depth + 1); });
      } else if (typeof v === 'string' || typeof v === 'number') out.push({ key: key, value: v });
    })(doc, '', 0);
    var rank = function (e) {
      var i = PREFERRED.indexOf(e.key);
      return i < 0 ? PREFERRED.length : i;
    };
    return out
      .map(function (e, i) { return { e: e, i: i }; })
      .sort(function (a, b) { return rank(a.e) - rank(b.e) || a.i - b.i; })
      .map(function (x) { return x.e; });
  }

  Index.prototype.find = function (text) {
    var input = text.trim();
    if (!input) return null;
    var parsed;
    try {
      parsed = JSON.parse(input);
    } catch (e) {
      parsed = undefined;
    }
    var hit;
    if (parsed !== undefined && parsed !== null && typeof parsed === 'object') {
      var vals = values(parsed);
      for (var i = 0; i < vals.length; i++) if ((hit = this.code(vals[i].value))) return hit;
      for (var j = 0; j < vals.length; j++) {
        if (typeof vals[j].value === 'string' && (hit = this.message(vals[j].value))) return hit;
      }
      return null;
    }
    var bare = input.replace(/^["'`]+|["'`]+$/g, '');
    if ((hit = this.code(bare)) || (hit = this.message(bare))) return hit;
    var tokens = input.match(/-?[A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)*/g) || [];
    for (var t = 0; t < tokens.length; t++) if ((hit = this.code(tokens[t]))) return hit;
    var n = norm(bare);
    if (n.length >= 4) {
      for (var c = 0; c < this.codes.length; c++) {
        var m = this.codes[c].message;
        if (m && norm(m).indexOf(n) >= 0) return this.codes[c];
      }
    }
    return null;
  };

  // A URL of errors.json as a link on this site: the same path when it is under base_url.
  Index.prototype.local = function (url) {
    if (!url) return null;
    if (this.base && url.indexOf(this.base) === 0) {
      var u = new URL(url);
      return u.pathname + u.search + u.hash;
    }
    return url;
  };

  function show(result, index, c, input) {
    result.textContent = '';
    if (!input.trim()) return;
    if (!c) {
      var p = doc.createElement('p');
      p.textContent = 'No code of this reference matches. Try the code alone.';
      result.appendChild(p);
      return;
    }
    var id = c.code === null || c.code === undefined ? c.name : String(c.code);
    var box = doc.createElement('div');
    box.className = 'lookup-hit';
    var title = doc.createElement('p');
    var link = doc.createElement('a');
    link.href = index.local(c.url || c.reference || c.docs) || '#';
    var code = doc.createElement('code');
    code.textContent = id;
    link.appendChild(code);
    title.appendChild(doc.createTextNode('Found '));
    title.appendChild(link);
    var bits = [];
    if (c.label) bits.push(c.label);
    if (c.message && c.message !== id) bits.push(c.message);
    if (c.status !== null && c.status !== undefined) bits.push('HTTP ' + c.status);
    if (c.state && c.state !== 'active') bits.push(c.state);
    if (bits.length) title.appendChild(doc.createTextNode(': ' + bits.join(' · ')));
    box.appendChild(title);
    if (c.fix && c.fix.text) {
      var fix = doc.createElement('p');
      fix.textContent = 'How to fix: ' + c.fix.text;
      box.appendChild(fix);
    }
    if (c.reference && c.url) {
      var row = doc.createElement('p');
      var a = doc.createElement('a');
      a.href = index.local(c.reference);
      a.textContent = 'Its row in the reference';
      row.appendChild(a);
      box.appendChild(row);
    }
    result.appendChild(box);
  }

  function setup(form) {
    var input = form.querySelector('textarea');
    var result = form.querySelector('.lookup-result');
    if (!input || !result) return;
    var index = null;
    var loading = null;
    function load() {
      if (!loading) {
        loading = fetch(form.getAttribute('data-index'))
          .then(function (r) {
            if (!r.ok) throw new Error('HTTP ' + r.status);
            return r.json();
          })
          .then(function (data) {
            index = new Index(data);
            return index;
          });
      }
      return loading;
    }
    function run() {
      load().then(
        function (ix) { show(result, ix, ix.find(input.value), input.value); },
        function () { result.textContent = 'The list of codes could not be loaded.'; },
      );
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      run();
    });
    input.addEventListener('input', run);
    input.addEventListener('focus', load, { once: true });
    form.hidden = false;
    if (input.value) run();
  }

  function init() {
    Array.prototype.forEach.call(doc.querySelectorAll('form.lookup[data-index]'), setup);
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
