// errdocs default theme script. Progressive enhancement only: every page is complete and usable
// without it. No framework, no network. It adds:
// - the code filter of the `search` directive (hidden without JS): narrows every code table and
//   list of the page as you type, says how many codes match, hides empty categories; `/`
//   focuses it, Esc clears it, `?q=...` in the URL pre-fills it;
// - a copy-link button beside every heading's `#` link and every code's link, announced
//   ("Link copied") through a polite live region;
// - on the pages of a split catalog (`catalog split=category`): the filter also searches the
//   codes of every other category (one shared index, `errdocs-split.json`, fetched on first
//   use) and links them; a link to a code that is not on the page (`/reference/#PG-1003`, from
//   before the split) goes to the category page that has it.
(function () {
  'use strict';

  var doc = document;

  // ---- Announcements: one polite live region for the whole page.

  var live = null;
  var liveTimer = 0;

  function announce(message) {
    if (!live) return;
    // Cleared first so that the same message twice is announced twice.
    live.textContent = '';
    clearTimeout(liveTimer);
    liveTimer = setTimeout(function () {
      live.textContent = message;
    }, 60);
  }

  function squash(text) {
    return text.replace(/\s+/g, ' ').trim();
  }

  // ---- Copy links.

  var ICON_LINK =
    '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">' +
    '<path d="M6.6 9.4a2.5 2.5 0 0 0 3.5 0l2.4-2.4a2.5 2.5 0 0 0-3.5-3.5l-.9.9M9.4 6.6a2.5 2.5 0 0 0-3.5 0L3.5 9a2.5 2.5 0 0 0 3.5 3.5l.9-.9" ' +
    'fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>';
  var ICON_DONE =
    '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">' +
    '<path d="M3 8.5l3.2 3L13 4.5" fill="none" stroke="currentColor" stroke-width="1.8" ' +
    'stroke-linecap="round" stroke-linejoin="round"/></svg>';

  function legacyCopy(text) {
    var area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.setAttribute('aria-hidden', 'true');
    area.style.position = 'fixed';
    area.style.top = '0';
    area.style.left = '-9999px';
    area.style.opacity = '0';
    var focused = doc.activeElement;
    doc.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = doc.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    area.remove();
    if (focused && focused.focus) focused.focus({ preventScroll: true });
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        if (!legacyCopy(text)) throw new Error('copy failed');
      });
    }
    return new Promise(function (resolve, reject) {
      if (legacyCopy(text)) resolve();
      else reject(new Error('copy failed'));
    });
  }

  /** The absolute URL a same-page link points to, without this page's query (the filter). A
   *  code that links to its own page copies its row's permanent link (the `#` beside it). */
  function linkUrl(link) {
    var next = link.nextElementSibling;
    while (next && next.classList.contains('copy-link')) next = next.nextElementSibling;
    if (link.classList.contains('code') && next && next.classList.contains('self-link')) {
      link = next;
    }
    var url = new URL(link.getAttribute('href'), location.href);
    if (url.pathname === location.pathname) url.search = '';
    return url.href;
  }

  /** What a link is about: the code, or the heading or list item it belongs to. */
  function linkSubject(link) {
    if (link.classList.contains('code')) return squash(link.textContent);
    var owner = link.parentNode;
    var copy = owner.cloneNode(true);
    var chrome = copy.querySelectorAll('.self-link, .copy-link');
    for (var i = 0; i < chrome.length; i++) chrome[i].remove();
    return squash(copy.textContent);
  }

  function addCopyButton(link) {
    var subject = linkSubject(link);
    var button = doc.createElement('button');
    button.type = 'button';
    button.className = 'copy-link';
    button.setAttribute('aria-label', 'Copy link to ' + subject);
    button.title = 'Copy link';
    button.innerHTML = ICON_LINK;
    var reset = 0;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      var url = linkUrl(link);
      copyText(url).then(
        function () {
          button.classList.add('copied');
          button.innerHTML = ICON_DONE;
          button.title = 'Copied';
          announce('Link to ' + subject + ' copied');
          clearTimeout(reset);
          reset = setTimeout(function () {
            button.classList.remove('copied');
            button.innerHTML = ICON_LINK;
            button.title = 'Copy link';
          }, 2000);
        },
        function () {
          // No clipboard: put the link in the address bar, where it can be copied by hand.
          if (url.indexOf('#') !== -1 && new URL(url).pathname === location.pathname) {
            location.hash = url.slice(url.indexOf('#'));
          }
          announce('Could not copy the link to ' + subject + '; it is in the address bar');
        },
      );
    });
    link.insertAdjacentElement('afterend', button);
  }

  function addCopyButtons(root) {
    var links = root.querySelectorAll(
      'h2 > a.self-link, h3 > a.self-link, h4 > a.self-link, h5 > a.self-link, ' +
        'h6 > a.self-link, .code-list > li > a.self-link, table.codes td.col-code > a.code, ' +
        '.code-card-title > a.code',
    );
    for (var i = 0; i < links.length; i++) addCopyButton(links[i]);
  }

  // ---- Split catalogs: one shared index of every code and the page it is on.

  var splitIndex = null;

  /** The shared index of the split catalog this page belongs to (a promise), or null. */
  function loadSplitIndex() {
    var el = doc.querySelector('[data-split-index]');
    if (!el) return null;
    if (!splitIndex) {
      splitIndex = fetch(el.getAttribute('data-split-index'))
        .then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        })
        .then(function (data) {
          var here = data.pages.map(function (page) {
            return new URL(page.href, location.href).pathname === location.pathname;
          });
          return data.codes.map(function (c) {
            var page = data.pages[c[2]];
            return {
              anchor: c[0],
              code: c[1],
              message: c[3],
              page: page,
              here: here[c[2]],
              aliases: c[5] ? c[5].split(' ') : [],
              text: (c[1] + ' ' + c[0] + ' ' + c[3] + ' ' + c[4] + ' ' + c[5] + ' ' + page.title)
                .toLowerCase(),
            };
          });
        });
    }
    return splitIndex;
  }

  /** A link to a code that is not on this page: go to the page of the split catalog that
   *  has it (replacing this history entry, as a redirect would). */
  function followMovedAnchor(id) {
    var index = loadSplitIndex();
    if (!index) return;
    index.then(
      function (codes) {
        for (var i = 0; i < codes.length; i++) {
          var c = codes[i];
          if (c.anchor === id || c.aliases.indexOf(id) !== -1) {
            if (c.here) return;
            location.replace(new URL(c.page.href, location.href).href + '#' + encodeURIComponent(id));
            return;
          }
        }
      },
      function () {
        /* no index: the page still lists every category */
      },
    );
  }

  // ---- The code filter.

  var WORD = /[\p{L}\p{N}]/u;

  /** True when `term` occurs in `text` at the start of a word (or anywhere, if the term
   *  itself starts with punctuation, like `-32602`). */
  function hasTerm(text, term) {
    var anywhere = !WORD.test(term.charAt(0));
    var from = 0;
    for (;;) {
      var i = text.indexOf(term, from);
      if (i === -1) return false;
      if (anywhere || i === 0 || !WORD.test(text.charAt(i - 1))) return true;
      from = i + 1;
    }
  }

  function terms(query) {
    var q = squash(query.toLowerCase());
    return q ? q.split(' ') : [];
  }

  /** The searchable text of a row: its cells, the titles of its badges (`Too Many Requests`)
   *  and the anchors of its former codes (a renamed code is found by its old one). */
  function haystack(el) {
    var parts = el.cells ? el.cells : [el];
    var text = '';
    for (var c = 0; c < parts.length; c++) text += ' ' + parts[c].textContent;
    var titled = el.querySelectorAll('[title]');
    for (var i = 0; i < titled.length; i++) text += ' ' + titled[i].getAttribute('title');
    var aliases = el.querySelectorAll('.alias-anchor');
    for (var a = 0; a < aliases.length; a++) text += ' ' + aliases[a].id;
    return squash(text.toLowerCase());
  }

  function setupFilter(changed) {
    var form = doc.querySelector('form.search');
    if (!form) return null;
    var input = form.querySelector('input[type="search"]');
    var status = form.querySelector('.search-status');
    var main = doc.querySelector('main') || doc.body;

    // Code rows and list items, per category; they are what is counted.
    var items = [];
    var codeRows = main.querySelectorAll(
      'table.codes > tbody > tr, ul.code-list > li',
    );
    for (var i = 0; i < codeRows.length; i++) {
      items.push({ el: codeRows[i], text: haystack(codeRows[i]), code: true });
    }
    // Other tables keyed by status or code (retry guidance, statuses) narrow too.
    var otherRows = main.querySelectorAll('table.retry > tbody > tr, table.statuses > tbody > tr');
    for (var j = 0; j < otherRows.length; j++) {
      items.push({ el: otherRows[j], text: haystack(otherRows[j]), code: false });
    }
    var sections = main.querySelectorAll('.category');
    // On a split catalog's pages, the codes of the other categories, found in the shared index.
    var split = doc.querySelector('[data-split-index]') !== null;
    var elsewhere = null;
    var ELSEWHERE_SHOWN = 20;
    if (split) {
      elsewhere = doc.createElement('div');
      elsewhere.className = 'search-elsewhere';
      elsewhere.hidden = true;
      form.appendChild(elsewhere);
      var hint = form.querySelector('.search-hint');
      if (hint) {
        hint.innerHTML =
          'Narrows this page and searches every category as you type. Press <kbd>/</kbd> to ' +
          'focus, <kbd>Esc</kbd> to clear.';
      }
    }
    var loose = main.querySelectorAll('table.retry, table.statuses');
    var total = codeRows.length;

    function hideEmpty(container, rowSelector, on) {
      var rows = container.querySelectorAll(rowSelector);
      var shown = 0;
      for (var k = 0; k < rows.length; k++) if (!rows[k].hidden) shown++;
      container.hidden = on && rows.length > 0 && shown === 0;
    }

    /** Lists the codes of other categories matching `want`, then says how many matched. */
    function searchElsewhere(query, want, matchedHere, localStatus) {
      var index = loadSplitIndex();
      if (!index) return;
      index.then(
        function (codes) {
          if (input.value !== query) return;
          var found = codes.filter(function (c) {
            return (
              !c.here &&
              want.every(function (t) {
                return hasTerm(c.text, t);
              })
            );
          });
          elsewhere.textContent = '';
          elsewhere.hidden = found.length === 0;
          if (found.length === 0) return;
          var title = doc.createElement('p');
          title.className = 'search-elsewhere-title';
          title.textContent =
            found.length + (found.length === 1 ? ' code' : ' codes') + ' in other categories:';
          var list = doc.createElement('ul');
          found.slice(0, ELSEWHERE_SHOWN).forEach(function (c) {
            var li = doc.createElement('li');
            var a = doc.createElement('a');
            a.className = 'code';
            a.href = new URL(c.page.href, location.href).pathname + '#' + encodeURIComponent(c.anchor);
            a.textContent = c.code;
            li.appendChild(a);
            if (c.message) li.appendChild(doc.createTextNode(' ' + c.message));
            var where = doc.createElement('span');
            where.className = 'search-elsewhere-category';
            where.textContent = ' (' + c.page.title + ')';
            li.appendChild(where);
            list.appendChild(li);
          });
          elsewhere.appendChild(title);
          elsewhere.appendChild(list);
          if (found.length > ELSEWHERE_SHOWN) {
            var more = doc.createElement('p');
            more.textContent =
              'And ' + (found.length - ELSEWHERE_SHOWN) + ' more: type more of the code to narrow.';
            elsewhere.appendChild(more);
          }
          var shown = squash(query);
          status.textContent =
            (matchedHere === 0 ? 'No code on this page matches “' + shown + '”.' : localStatus) +
            ' ' +
            found.length +
            ' in other categories, listed below.';
          status.classList.remove('search-empty');
        },
        function () {
          /* no index: the filter narrows this page only */
        },
      );
    }

    function apply(query) {
      var want = terms(query);
      var on = want.length > 0;
      var matched = 0;
      // Retry and status rows also show for the statuses and codes of the matching codes:
      // filtering for PG-1003 keeps the retry guidance for its 401.
      var keys = {};
      function matches(item) {
        return want.every(function (t) {
          return hasTerm(item.text, t);
        });
      }
      items.forEach(function (item) {
        if (!item.code) return;
        var ok = matches(item);
        item.el.hidden = !ok;
        if (!ok) return;
        matched++;
        keys[item.el.id] = true;
        var badge = item.el.querySelector('.status');
        if (badge) keys[squash(badge.textContent)] = true;
      });
      items.forEach(function (item) {
        if (item.code) return;
        var key = item.el.id.replace(/^(retry|status)-/, '');
        item.el.hidden = on && !(keys[key] || matches(item));
      });
      for (var s = 0; s < sections.length; s++) {
        hideEmpty(sections[s], 'table.codes > tbody > tr, ul.code-list > li', on);
      }
      for (var l = 0; l < loose.length; l++) {
        var wrap = loose[l].parentNode.classList.contains('table-wrap')
          ? loose[l].parentNode
          : loose[l];
        hideEmpty(wrap, 'tbody > tr', on);
      }
      doc.documentElement.classList.toggle('filtering', on);
      var shown = squash(query);
      if (!on) status.textContent = '';
      else if (matched === 0) {
        status.textContent = 'No code matches “' + shown + '”. Press Esc to clear the filter.';
      } else {
        status.textContent =
          matched +
          ' of ' +
          total +
          (total === 1 ? ' code' : ' codes') +
          (matched === 1 ? ' matches “' : ' match “') +
          shown +
          '”.';
      }
      status.classList.toggle('search-empty', on && matched === 0);
      if (elsewhere) {
        if (on) searchElsewhere(query, want, matched, status.textContent);
        else {
          elsewhere.textContent = '';
          elsewhere.hidden = true;
        }
      }
      changed();
    }

    function syncUrl(query) {
      if (!window.history || !history.replaceState) return;
      var url = new URL(location.href);
      if (squash(query)) url.searchParams.set('q', query);
      else url.searchParams.delete('q');
      if (url.href !== location.href) history.replaceState(history.state, '', url.href);
    }

    function update() {
      apply(input.value);
      syncUrl(input.value);
    }

    function clear() {
      if (!input.value) return false;
      input.value = '';
      update();
      return true;
    }

    input.addEventListener('input', update);
    // The shared index of a split catalog is fetched once, as soon as the filter is focused.
    if (split) input.addEventListener('focus', loadSplitIndex);
    input.addEventListener('search', update);
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        if (!clear()) input.blur();
      }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
    });
    doc.addEventListener('keydown', function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      var t = event.target;
      var typing =
        t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName || '');
      if (event.key === '/' && !typing) {
        event.preventDefault();
        input.focus();
        input.select();
      } else if (event.key === 'Escape' && !typing && clear()) {
        event.preventDefault();
      }
    });

    // A link to a code the filter hides (the nav, a link in the text) clears the filter.
    function revealTarget() {
      var id = location.hash.slice(1);
      if (!id) return;
      try {
        id = decodeURIComponent(id);
      } catch (e) {
        /* keep it as written */
      }
      var target = doc.getElementById(id);
      if (target && target.closest('[hidden]') && clear()) target.scrollIntoView();
    }
    window.addEventListener('hashchange', revealTarget);

    form.hidden = false;
    var initial = new URLSearchParams(location.search).get('q');
    if (initial !== null) input.value = initial;
    if (input.value) apply(input.value);
    return { revealTarget: revealTarget };
  }

  // ---- Wide tables and long code lines scroll sideways: make each such region reachable and
  // scrollable from the keyboard (focusable, named), and only while it does scroll.

  function regionName(el) {
    var caption = el.querySelector('caption');
    if (caption) return squash(caption.textContent);
    var figure = el.closest('figure');
    var figcaption = figure && figure.querySelector('figcaption');
    if (figcaption) return squash(figcaption.textContent);
    if (el.tagName === 'PRE') return 'Code';
    var section = el.closest('.category');
    var heading = section && section.querySelector('.category-title');
    if (heading) return linkSubject(heading.querySelector('.self-link') || heading);
    return 'Table';
  }

  function keyboardScrolling(root) {
    var regions = root.querySelectorAll('pre, .table-wrap, .page > table');
    for (var i = 0; i < regions.length; i++) {
      var el = regions[i];
      var mine = el.hasAttribute('data-scroll-focus');
      if (!mine && el.hasAttribute('tabindex')) continue;
      var scrolls = el.scrollWidth > el.clientWidth + 1 && el.getClientRects().length > 0;
      if (scrolls && !mine) {
        el.setAttribute('data-scroll-focus', '');
        el.setAttribute('tabindex', '0');
        if (el.tagName !== 'TABLE') {
          el.setAttribute('role', 'region');
          el.setAttribute('aria-label', regionName(el) + ' (scrolls sideways)');
        }
      } else if (!scrolls && mine) {
        el.removeAttribute('data-scroll-focus');
        el.removeAttribute('tabindex');
        el.removeAttribute('role');
        el.removeAttribute('aria-label');
      }
    }
  }

  function init() {
    live = doc.createElement('div');
    live.className = 'visually-hidden';
    live.setAttribute('role', 'status');
    live.setAttribute('aria-live', 'polite');
    doc.body.appendChild(live);

    // Enhancing changes the height of what is above the targeted row (the filter appears):
    // keep the target where the browser scrolled it, below the sticky header.
    var hash = location.hash.slice(1);
    var target = null;
    try {
      target = hash ? doc.getElementById(decodeURIComponent(hash)) : null;
    } catch (e) {
      target = null;
    }
    var before = target ? target.getBoundingClientRect().top : 0;
    function followHash() {
      var id = location.hash.slice(1);
      try {
        id = decodeURIComponent(id);
      } catch (e) {
        /* keep it as written */
      }
      if (id && !doc.getElementById(id)) followMovedAnchor(id);
    }
    if (hash && !target) followHash();
    if (doc.querySelector('[data-split-index]')) window.addEventListener('hashchange', followHash);

    var main = doc.querySelector('main');
    var filter = setupFilter(function () {
      if (main) keyboardScrolling(main);
    });
    if (main) {
      addCopyButtons(main);
      keyboardScrolling(main);
      var pending = false;
      window.addEventListener('resize', function () {
        if (pending) return;
        pending = true;
        requestAnimationFrame(function () {
          pending = false;
          keyboardScrolling(main);
        });
      });
    }

    if (target) {
      if (filter) filter.revealTarget();
      var after = target.getBoundingClientRect().top;
      if (Math.abs(after - before) > 1) window.scrollBy(0, after - before);
    }
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
