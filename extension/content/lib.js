// @ts-check
// SafeDM content library: interprets the declarative site adapters in content/sites/ and
// provides the generic fallback reader. Classic script (content scripts can't be modules); the
// files listed in manifest.json share one isolated-world global scope, `SafeDM`.
//
// An adapter is data: selectors, attribute + regex rules and ordered fallbacks. The few rule
// kinds understood here are documented next to `readRow` and `direction`.
'use strict';

(() => {
  const SafeDM = (globalThis.SafeDM = globalThis.SafeDM || /** @type {SafeDMContent} */ ({}));
  SafeDM.sites = SafeDM.sites || [];
  SafeDM.MAX_TEXT = 4000; // characters sent to the engine per message

  /** Registers a site adapter (called by each file in content/sites/). */
  SafeDM.defineSite = (def) => {
    SafeDM.sites.push(Object.freeze(def));
  };

  /** The adapter for this page, or null. */
  SafeDM.siteFor = (loc) => {
    const host = loc.hostname;
    const path = loc.pathname + loc.hash;
    return (
      SafeDM.sites.find(
        (s) => s.hosts.some((h) => host === h) && (!s.path || s.path.test(path)),
      ) || null
    );
  };

  const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

  // ---- shadow roots -------------------------------------------------------------------------

  /**
   * The shadow root of `el`, open or closed. Content scripts may read closed ones: Firefox has
   * `Element.openOrClosedShadowRoot`, a property (a getter) in its content scripts; Chromium has
   * the function `chrome.dom.openOrClosedShadowRoot(el)`. A function-valued property is called,
   * in case a browser ships it as a method.
   */
  const shadowOf = (el) => {
    if (el.shadowRoot) return el.shadowRoot;
    try {
      if ('openOrClosedShadowRoot' in el) {
        const v = el.openOrClosedShadowRoot;
        const sr = typeof v === 'function' ? v.call(el) : v;
        if (sr && sr.nodeType === 11) return sr;
      }
      const dom = globalThis.chrome && chrome.dom;
      if (dom && typeof dom.openOrClosedShadowRoot === 'function') {
        const sr = dom.openOrClosedShadowRoot(el);
        if (sr && sr.nodeType === 11) return sr;
      }
    } catch (_) {
      /* not a host */
    }
    return null;
  };
  SafeDM.shadowOf = shadowOf;

  /** Every shadow root under `root` (recursively), for sites built on web components. */
  SafeDM.shadowRoots = (root, out = []) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType !== 1) continue;
      const e = /** @type {Element} */ (n);
      const sr = e.localName.includes('-') || e.shadowRoot ? shadowOf(e) : null;
      if (sr && !out.includes(sr)) {
        out.push(sr);
        SafeDM.shadowRoots(sr, out);
      }
    }
    return out;
  };

  /** querySelectorAll that also looks inside shadow roots when `deep`. */
  SafeDM.queryAll = (root, selector, deep) => {
    const found = Array.from(root.querySelectorAll(selector));
    if (deep) for (const sr of SafeDM.shadowRoots(root)) found.push(...sr.querySelectorAll(selector));
    return found;
  };

  const first = (root, selectors, deep) => {
    for (const sel of list(selectors)) {
      const el = deep ? SafeDM.queryAll(root, sel, true)[0] : root.querySelector(sel);
      if (el) return el;
    }
    return null;
  };

  // ---- text ---------------------------------------------------------------------------------

  /**
   * The visible text of `el`, without the parts matching `ignore` (edited markers, times,
   * reactions). textContent, not innerText: no layout is forced.
   */
  SafeDM.textOf = (el, ignore) => {
    if (!el) return '';
    if (!ignore || !el.querySelector(ignore)) return el.textContent || '';
    let out = '';
    const walk = (node) => {
      for (let c = node.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3) out += c.data;
        else if (c.nodeType === 1 && !c.matches(ignore)) walk(c);
      }
    };
    walk(el);
    return out;
  };

  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();

  /** FNV-1a, 32 bits, base 36: ids for rows without one, and edit detection. */
  SafeDM.hash = (s) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(36);
  };

  // ---- field rules --------------------------------------------------------------------------
  // A value rule is a selector string (text of the first match), or
  // {sel?, attr?, re?, from?: 'row'|'doc'}: element = `sel` inside the row (or the document for
  // from: 'doc'), or the row itself without `sel`; value = attribute `attr` or the text; `re`'s
  // first group (or whole match) is kept. `{conv}` in a selector is the conversation id.

  const value = (rule, row, ctx) => {
    if (typeof rule === 'string') rule = { sel: rule };
    if (rule.url) {
      const m = rule.url.exec(ctx.loc.pathname + ctx.loc.hash);
      return m ? decodeURIComponent(m[1] || m[0]) : '';
    }
    const scope = rule.from === 'doc' || !row ? document : row;
    const sel = rule.sel ? rule.sel.replace('{conv}', ctx.conversation || '') : null;
    let el;
    if (!sel) el = row;
    else if (rule.from === 'doc') el = first(document, sel, ctx.site && ctx.site.shadow);
    else el = scope.querySelector(sel) || (rule.closest ? row.closest(sel) : null);
    if (!el) return '';
    let v = rule.attr ? el.getAttribute(rule.attr) || '' : SafeDM.textOf(el, ctx.site && ctx.site.ignore);
    v = clean(v);
    if (rule.re) {
      const m = rule.re.exec(v);
      v = m ? clean(m[1] !== undefined ? m[1] : m[0]) : '';
    }
    return v;
  };

  const firstValue = (rules, row, ctx) => {
    for (const r of list(rules)) {
      const v = value(r, row, ctx);
      if (v) return v;
    }
    return '';
  };
  SafeDM.firstValue = firstValue;

  /** Parses a time rule value into Unix seconds. */
  const toSeconds = (v, unit) => {
    if (!v) return undefined;
    if (unit === 's') return Number(v) || undefined;
    if (unit === 'ms') return Math.floor(Number(v) / 1000) || undefined;
    const t = Date.parse(v);
    return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
  };

  /**
   * Direction rules, tried in order; the first that decides wins, else 'unknown':
   *  {self: sel} / {other: sel}  the row matches, is inside, or contains `sel`
   *  {attr, sel?, self: re, other: re}  an attribute of the row (or of `sel` inside it)
   *  {label: sel, self: re, other?: re}  the text of a label element inside the row
   *  {author: {self: re}}        the author's name (e.g. "Me")
   *  {authorIsSelf: true}        the author equals the user's own name (`site.self`)
   *  {authorIsContact: true}     in a one-to-one chat: the contact's name vs anyone else
   *  {align: sel?}               bubble right of the list's centre = the user's own (RTL-aware)
   */
  const direction = (rules, row, read, ctx) => {
    for (const r of list(rules)) {
      let d = null;
      if (r.self !== undefined && typeof r.self === 'string' && !r.attr && !r.label) {
        if (row.matches(r.self) || row.closest(r.self) || row.querySelector(r.self)) d = 'child';
      } else if (r.other !== undefined && typeof r.other === 'string' && !r.attr && !r.label) {
        if (row.matches(r.other) || row.closest(r.other) || row.querySelector(r.other)) d = 'contact';
      } else if (r.attr) {
        const el = r.sel ? row.querySelector(r.sel) : row;
        const v = el ? el.getAttribute(r.attr) || '' : '';
        if (r.self && r.self.test(v)) d = 'child';
        else if (r.other && r.other.test(v)) d = 'contact';
      } else if (r.label) {
        const el = row.querySelector(r.label);
        const v = el ? clean(el.textContent) : '';
        if (v && r.self.test(v)) d = 'child';
        else if (v && (!r.other || r.other.test(v))) d = 'contact';
      } else if (r.author) {
        if (read.author) d = r.author.self.test(read.author) ? 'child' : 'contact';
      } else if (r.authorIsSelf) {
        if (read.author && ctx.self) d = read.author === ctx.self ? 'child' : 'contact';
      } else if (r.authorIsContact) {
        if (read.author && ctx.contact) d = read.author === ctx.contact ? 'contact' : 'child';
      } else if (r.align !== undefined) {
        d = SafeDM.alignment(row, typeof r.align === 'string' ? r.align : null);
      }
      if (d) return d;
    }
    return 'unknown';
  };

  /** 'child' when the bubble sits right of its list's centre, 'contact' left, null unclear. */
  SafeDM.alignment = (row, bubbleSel) => {
    const bubble = (bubbleSel && row.querySelector(bubbleSel)) || row.querySelector('[dir="auto"]') || row;
    const container = row.parentElement || row;
    const b = bubble.getBoundingClientRect();
    const c = container.getBoundingClientRect();
    if (!b.width || !c.width || b.width > c.width * 0.9) return null;
    const offset = b.left + b.width / 2 - (c.left + c.width / 2);
    if (Math.abs(offset) < c.width * 0.05) return null;
    const rtl = getComputedStyle(container).direction === 'rtl';
    return offset > 0 !== rtl ? 'child' : 'contact';
  };

  /**
   * Reads one message row with the adapter: {id, text, author, time, role, edited, hash}.
   * ctx: {site, loc, conversation, contact, self}.
   */
  SafeDM.readRow = (site, row, ctx) => {
    const textEl = first(row, site.text) || (site.textFallbackRow ? row : null);
    let text = textEl ? clean(SafeDM.textOf(textEl, site.ignore)) : '';
    if (!text && site.textRules) text = firstValue(site.textRules, row, ctx);
    if (!text) return null;
    if (text.length > SafeDM.MAX_TEXT) text = text.slice(0, SafeDM.MAX_TEXT);
    let author = firstValue(site.author, row, ctx);
    if (!author && site.carryAuthor) {
      // Grouped rows (Discord's cozy mode, Snapchat's sender groups): only the first row of a
      // group names its author. The unit is the row, or its group element (carryAuthorFrom).
      const unit = (site.carryAuthorFrom && row.closest(site.carryAuthorFrom)) || row;
      if (unit !== row) author = firstValue(site.author, unit, ctx);
      let p = unit.previousElementSibling;
      for (let i = 0; p && i < 100 && !author; i++, p = p.previousElementSibling) {
        author = firstValue(site.author, p, ctx);
      }
    }
    let time;
    for (const r of list(site.time)) {
      time = toSeconds(value(r, row, ctx), r.unit);
      if (time) break;
    }
    const read = { text, author, time };
    read.role = direction(site.direction, row, read, ctx);
    read.edited = !!(site.edited && row.querySelector(site.edited));
    read.hash = SafeDM.hash(text);
    const siteId = firstValue(site.id, row, ctx);
    if (siteId) read.id = siteId;
    else {
      // No id in the DOM: a hash of the conversation, author, text and time, so that a re-mounted
      // row keeps its id (the cost: the same words repeated without a time count once).
      read.id = 'h' + SafeDM.hash([ctx.conversation, author, read.role, text, time || ''].join('\u0001'));
    }
    return read;
  };

  /**
   * The conversation id for this page with the adapter, or ''. Rules: {url: re} on the path and
   * hash; {row: rule} from the newest message row (WhatsApp's JID); {sel, attr?, hash?} from the
   * document. `SafeDM.conversationWeak` says the id came from a rule marked `weak` (a stand-in
   * until a better rule can answer, e.g. before a chat has any row).
   */
  SafeDM.conversationOf = (site, ctx) => {
    SafeDM.conversationWeak = false;
    for (const r of list(site.conversation)) {
      let v = '';
      if (r.url) v = value(r, null, ctx);
      else if (r.row) {
        const rows = SafeDM.queryAll(document, site.row, site.shadow);
        const row = rows[rows.length - 1];
        v = row ? value(r.row, row, ctx) : '';
      } else {
        v = value({ ...r, from: 'doc' }, null, ctx);
        if (v && r.hash) v = 'n' + SafeDM.hash(v);
      }
      if (v) {
        SafeDM.conversationWeak = !!r.weak;
        return v;
      }
    }
    return '';
  };

  // ---- SafeDM's own screens (alert.js, sextortion.js): one DOM builder, one host style -------

  /**
   * createElement with text children only: props `class`, `on` ({event: listener}), `hidden`,
   * anything else an attribute (set as a string, never parsed); string children become text
   * nodes, null/undefined/false are skipped, arrays are flattened. No HTML is ever parsed.
   */
  SafeDM.el = (tag, props, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
      else if (k === 'hidden') e.hidden = !!v;
      else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  };

  /**
   * The inline style of a screen's host element: fixed in the top right corner, `inset` from
   * its edges, above everything, each declaration !important so the page cannot move, hide or
   * restyle it (the inside is styled from `all: initial` in its closed shadow root).
   */
  SafeDM.hostStyle = (inset = '16px') => [
    'all: initial', 'position: fixed', `top: ${inset}`, `right: ${inset}`, 'z-index: 2147483647',
    'display: block', 'visibility: visible', 'opacity: 1', 'transform: none', 'filter: none',
    'pointer-events: auto', 'margin: 0', 'padding: 0', 'border: 0', 'clip-path: none',
  ].map((d) => `${d} !important`).join('; ');

  /**
   * The help lines' region, a key of `help` (a screen's table of help lines by country): the
   * setting when it is one ('auto' is not), else the first country subtag among the browser's
   * languages that `help` has ('de-AT' -> AT; 'UK' is taken for GB), else 'other'.
   */
  SafeDM.regionIn = (help, setting) => {
    if (setting !== 'auto' && Object.hasOwn(help, setting)) return setting;
    const langs = [...(navigator.languages || []), navigator.language].filter(Boolean);
    for (const l of langs) {
      const country = (String(l).split(/[-_]/).slice(1).find((p) => /^[A-Za-z]{2}$/.test(p)) || '').toUpperCase();
      const r = country === 'UK' ? 'GB' : country;
      if (r && Object.hasOwn(help, r)) return r;
    }
    return 'other';
  };

  // ---- the keyboard shortcut to SafeDM's own screens (alert.js, sextortion.js) --------------
  // Alt+Shift+S (Option+Shift+S on a Mac): the manifest's command "focus-alert" suggests the same
  // keys, and main.js listens for them in the page too (a command may not reach every browser,
  // and the user may have given the command other keys). The screens never take focus by
  // themselves: the child may be typing.

  SafeDM.SHORTCUT = 'Alt+Shift+S'; // as aria-keyshortcuts writes it

  /** The keys as the child's keyboard names them. */
  SafeDM.shortcutLabel = () =>
    (/Mac|iPhone|iPad/.test((navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || '')
      ? 'Option+Shift+S' : 'Alt+Shift+S');

  /** Whether a keydown is the shortcut (by the key's place, so Option's accented letter counts). */
  SafeDM.isShortcut = (e) =>
    e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && (e.code === 'KeyS' || e.key === 'S' || e.key === 's');

  let returnTo = null; // where the shortcut found the focus, to go back there

  /** The focused element, inside open shadow roots too (the page's own components). */
  const deepActive = () => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  };

  /** Whether the focus is inside `host` (a closed shadow root's host is the active element then). */
  SafeDM.hasFocus = (host) => !!host && host.isConnected && document.activeElement === host;

  /**
   * The shortcut: the focus goes to `target` inside `host`, remembering where it was; pressed
   * again from inside, it goes back there. False when there is nothing to focus.
   */
  SafeDM.toggleFocus = (host, target) => {
    if (!host || !host.isConnected || !target) return false;
    if (SafeDM.hasFocus(host)) {
      SafeDM.focusBack(); // (nowhere to go back to: the focus stays)
      return true;
    }
    const was = deepActive();
    returnTo = was && was !== document.body && was !== document.documentElement ? was : null;
    // The focus ring shows however the keys were pressed (Chromium's :focus-visible ignores
    // presses with Alt), until the focus leaves.
    target.classList.add('via-key');
    target.addEventListener('blur', () => target.classList.remove('via-key'), { once: true });
    target.focus({ preventScroll: true });
    return true;
  };

  /** The focus back where the shortcut found it (the message box), if that is still there. */
  SafeDM.focusBack = () => {
    const r = returnTo;
    returnTo = null;
    if (!r || !r.isConnected || typeof r.focus !== 'function') return false;
    r.focus({ preventScroll: true });
    return true;
  };

  // ---- generic fallback ---------------------------------------------------------------------
  // For pages whose adapter stopped matching: the container with the most repeated chat-like ARIA
  // rows; text from [dir=auto]; direction from bubble alignment; ids from hashes. Low confidence.

  const GENERIC_ROWS = '[role="row"], [role="article"], [role="listitem"], [role="log"] > *';
  SafeDM.generic = Object.freeze({
    name: 'generic',
    label: 'this site',
    generic: true,
    hosts: [],
    conversation: [{ url: /^(.*)$/ }],
    row: GENERIC_ROWS,
    text: ['[dir="auto"]'],
    textFallbackRow: true,
    ignore: 'time, [aria-hidden="true"], button',
    author: [],
    direction: [{ align: '[dir="auto"]' }],
    contact: [{ sel: 'main h1, main h2, header h1, header h2, h1, h2', from: 'doc' }],
  });

  /** Number of rows the generic reader would use on this page. */
  SafeDM.genericRows = () => {
    const rows = SafeDM.queryAll(document, GENERIC_ROWS, true);
    // Keep rows whose parent holds at least 3 of them: a message list, not a menu item.
    const byParent = new Map();
    for (const r of rows) byParent.set(r.parentNode, (byParent.get(r.parentNode) || 0) + 1);
    let best = null;
    let n = 0;
    for (const [p, c] of byParent) if (c > n) [best, n] = [p, c];
    return n >= 3 ? rows.filter((r) => r.parentNode === best) : [];
  };
})();
