// @ts-check
// SafeDM content script: finds this site's adapter, watches the page for message rows and sends
// them to the service worker, which scores them; shows the in-page alert when it says so.
//
// - Cold start: the script observes from its first line, without waiting for the worker. Rows
//   are read, stamped with the time they arrived, and held until the worker has answered
//   `content:hello` (settings only, it does not wait for the engine) and `content:open` (the
//   conversation's watermark, from storage); then they are sent. A worker that is still
//   compiling the engine scores them when it is ready, with their own arrival times.
// - History is what the worker has already scored, not what arrived early. The watermark is
//   the newest message the worker scored in this conversation ({id, time, top}): rows found
//   when the conversation opens that sit before the watermark's row on the page, or are older
//   by time or ordered id, are history; every other row is new, whether it came in live, was
//   on the page when it opened (unread), or arrived while the browser was closed. A conversation
//   never scored has no watermark: it is scored in full, and can alert. After the opening, a row
//   inserted before a row already read (scrolling up), or older by time or ordered id, is
//   history. History is scored to rebuild the state but never alerts by itself; no timer or
//   quiet period decides anything, so a steady trickle of rows changes nothing.
// - SPA navigation: the conversation id is re-read on every mutation batch, on popstate and
//   hashchange, and on a slow timer; each conversation asks for its watermark when it opens.
// - Virtualised lists re-mount old rows: every row is deduplicated by its id (the site's, or a
//   hash) and its text hash; a known id with a new text hash is an edit.
// - Shadow roots (Reddit): each one found is observed too.
// - Health: when the adapter's rows stop matching on a conversation page while chat-like ARIA
//   rows are there, the generic reader takes over, and the popup says so.
// Main-thread work is cut into slices of a few milliseconds so a 5,000-message page never
// blocks typing.
'use strict';

(() => {
  const SafeDM = globalThis.SafeDM;
  const { MSG, STATUS } = SafeDMProtocol; // common/protocol.js, loaded before lib.js
  if (!SafeDM || SafeDM.started) return;
  SafeDM.started = true;

  const site0 = SafeDM.siteFor(location);
  if (!site0) return;

  const FLUSH_MS = 40; // batching delay before rows go to the worker
  const SLICE_MS = 6; // longest slice of row reading before yielding
  const HEALTH_AFTER_MS = 3000;

  let site = site0; // the adapter in use (site0 or SafeDM.generic)
  let mode = 'site';
  let config = { enabled: true, alertChild: true, region: 'auto' };
  let helloDone = false; // the worker answered content:hello (until then rows are only held)
  let alive = true;

  /** Per conversation: ids read (id -> text hash), survives navigating away and back. */
  const conversations = new Map();
  // The open conversation: {id, weak, seen, mark (undefined until the worker said; null = never
  // scored), classified (the opening rows are sorted into new and history), settled, pending
  // (read messages waiting to be sent), rowOf (id -> row element), contact, self, newestTime,
  // maxId}.
  let conv = null;
  let queue = []; // rows waiting to be read, from index qi on
  let qi = 0;
  const queued = new Set();
  const arrived = new WeakMap(); // row element -> when it was first seen (ms since the epoch)
  const texts = new Map(); // message id -> text, for quoting the alert (page memory only)
  let flushTimer = 0;
  let processing = false;

  /** A request to the worker (common/protocol.js); its reply, or null. @param {WorkerRequest} msg @returns {Promise<any>} */
  const send = (msg) =>
    new Promise((resolve) => {
      if (!alive) return resolve(null);
      try {
        chrome.runtime.sendMessage(msg, (res) => {
          if (chrome.runtime.lastError) return resolve(null);
          resolve(res);
        });
      } catch (_) {
        // The extension was reloaded or removed: this script is orphaned.
        alive = false;
        stop();
        resolve(null);
      }
    });

  // The user's own name and the contact's are document-wide look-ups: done once per
  // conversation, and again at most once a second while still unknown.
  let namesReadAt = -Infinity;
  function readNames() {
    if (!conv || (conv.self && conv.contact) || performance.now() - namesReadAt < 1000) return;
    namesReadAt = performance.now();
    const ctx = { site, loc: location, conversation: conv.id };
    if (!conv.self && site.self) conv.self = SafeDM.firstValue(site.self, null, ctx);
    if (!conv.contact) conv.contact = SafeDM.firstValue(site.contact, null, ctx);
  }

  const ctxFor = () => {
    readNames();
    return {
      site,
      loc: location,
      conversation: conv ? conv.id : '',
      contact: conv ? conv.contact : '',
      self: conv ? conv.self : '',
    };
  };

  // ---- conversation tracking ----------------------------------------------------------------

  function currentConversationId() {
    // The site's own rule names the conversation even when the generic reader reads the rows.
    const id = SafeDM.conversationOf(site0, { site: site0, loc: location });
    if (id || mode === 'site') return id;
    return SafeDM.conversationOf(SafeDM.generic, { site, loc: location });
  }

  function checkConversation() {
    const id = currentConversationId();
    const weak = SafeDM.conversationWeak;
    if (conv && conv.id === id) return;
    if (conv && conv.weak && id && !weak && conv.seen.size === 0) {
      // The same chat, now named by a better rule (WhatsApp: its first row gave the JID); its
      // watermark is asked for again under that name.
      conversations.delete(conv.id);
      conv.id = id;
      conv.weak = false;
      conversations.set(id, { seen: conv.seen });
      conv.classified = false; // nothing was read yet: sort the rows by the JID's watermark
      conv.settled = false;
      askMark(conv);
      return;
    }
    if (conv) flush(conv);
    if (!id) {
      conv = null;
      return;
    }
    let known = conversations.get(id);
    if (!known) {
      known = { seen: new Map() };
      conversations.set(id, known);
    }
    conv = {
      id, weak, seen: known.seen, mark: undefined, classified: false, settled: false, pending: [],
      rowOf: new Map(), contact: '', self: '', newestTime: 0, maxId: '',
    };
    namesReadAt = -Infinity;
    readNames();
    askMark(conv);
    enqueue(SafeDM.queryAll(document, site.row, site.shadow));
  }

  const validMark = (m) => (m && typeof m === 'object' && typeof m.id === 'string' ? {
    id: m.id,
    time: Number.isFinite(m.time) ? m.time : 0,
    top: typeof m.top === 'string' && /^\d{1,40}$/.test(m.top) ? m.top : '',
  } : null);

  /** Asks the worker for the conversation's watermark (read from storage, no engine needed). */
  function askMark(c) {
    const asked = c.id;
    c.mark = undefined;
    send({ type: MSG.CONTENT_OPEN, site: site0.name, conversation: asked }).then((res) => {
      if (c.id !== asked || c.classified) return;
      // No answer (an error): no watermark; the worker's own memory of ids still prevents
      // scoring a message twice.
      c.mark = res && res.type === MSG.WORKER_CONVERSATION ? validMark(res.mark) : null;
      maybeClassify(c);
    });
  }

  /** Numeric string comparison for ordered ids (snowflakes exceed 2^53). */
  const idLess = (a, b) => a.length < b.length || (a.length === b.length && a < b);

  /**
   * The opening: once the worker has answered hello and the watermark, and the rows found so far
   * are read, each held message is sorted: history when it sits before the watermark's row on
   * the page (or after it, for newest-first lists), is older than the watermark by time or
   * ordered id, or was inserted above rows already read. Then everything held is sent.
   */
  function maybeClassify(c) {
    if (c.classified || !helloDone || c.mark === undefined) return;
    if (c === conv && (processing || qi < queue.length)) return; // processSlice calls again
    c.classified = true;
    const mark = c.mark;
    if (mark) {
      let order = null;
      let markAt = -1;
      const markEl = c.rowOf.get(mark.id);
      if (c === conv && markEl && markEl.isConnected) {
        order = new Map();
        SafeDM.queryAll(document, site.row, site.shadow).forEach((r, i) => order.set(r, i));
        markAt = order.has(markEl) ? order.get(markEl) : -1;
      }
      for (const m of c.pending) {
        if (m.history || m.edit) continue;
        const at = markAt >= 0 && m.row ? order.get(m.row) : undefined;
        if (at !== undefined && (site.newestFirst ? at > markAt : at < markAt)) m.history = true;
        else if (m.time && mark.time && m.time < mark.time - 120) m.history = true;
        else if (site.idsOrdered && mark.top && /^\d+$/.test(m.id) && idLess(m.id, mark.top)) m.history = true;
      }
      if (mark.time > c.newestTime) c.newestTime = mark.time;
      if (site.idsOrdered && mark.top && (!c.maxId || idLess(c.maxId, mark.top))) c.maxId = mark.top;
    }
    flush(c, true);
  }

  /** @type {string} */
  let modeCode = STATUS.OK; // STATUS.GENERIC_READER while it is in use, repeated in every status

  function reportStatus(code) {
    const rows = conv ? conv.seen.size : 0;
    send({
      type: MSG.CONTENT_STATUS, site: site0.name, conversation: conv ? conv.id : '', adapter: mode,
      rows, settled: !!(conv && conv.settled), code: code || modeCode,
    });
  }

  // ---- reading rows -------------------------------------------------------------------------

  function enqueue(rows) {
    const now = Date.now();
    for (const r of rows) {
      if (!arrived.has(r)) arrived.set(r, now);
      if (!queued.has(r)) {
        queued.add(r);
        queue.push(r);
      }
    }
    if (queue.length > qi && !processing) {
      processing = true;
      setTimeout(processSlice, 0);
    }
  }

  /**
   * Whether a new row is history: placed before a row already read (scrolling up loads older
   * rows above), or, once the opening rows are sorted, older by its ordered id or its time than
   * the newest read. (The opening rows are compared with the worker's watermark instead, in
   * maybeClassify.) The position check walks forward over the following rows (skipping their
   * insides) until it meets a row already read, or the end of the list: no layout, and no
   * compareDocumentPosition (which walks long sibling lists).
   */
  function isHistory(row, read) {
    if (historyEls.has(row) || (!liveEls.has(row) && followedByReadRow(row))) return !site.newestFirst;
    if (!conv.classified) return false;
    if (site.idsOrdered && /^\d+$/.test(read.id) && conv.maxId && idLess(read.id, conv.maxId)) return true;
    if (read.time && conv.newestTime && read.time < conv.newestTime - 120) return true;
    return false;
  }

  // Sites that swap ids (site.tempIds): the rows read in the last 30 s, by role and text hash,
  // so that a row whose id changed (its old element gone) is known as the same message.
  const recentRows = [];
  function rememberRecent(row, read) {
    const now = performance.now();
    recentRows.push({ row, key: read.role + ':' + read.hash, at: now, conv: conv.id });
    while (recentRows.length && (recentRows.length > 100 || now - recentRows[0].at > 30000)) recentRows.shift();
  }
  function isReId(read) {
    const key = read.role + ':' + read.hash;
    const now = performance.now();
    const i = recentRows.findIndex((r) => r.key === key && r.conv === conv.id && !r.row.isConnected && now - r.at <= 30000);
    if (i < 0) return false;
    recentRows.splice(i, 1);
    return true;
  }

  const readEls = new WeakSet(); // row elements already read (new, re-mounted or history)
  const historyEls = new WeakSet(); // unread rows already known to sit before a read one
  const liveEls = new WeakSet(); // unread rows already known to have no read row after them

  /** The next node after `node` in document order within `root`, skipping node's subtree. */
  function after(node, root) {
    for (let n = node; n && n !== root; n = n.parentNode) {
      if (n.nextElementSibling) return n.nextElementSibling;
    }
    return null;
  }

  function followedByReadRow(row) {
    const root = (site.list && row.closest(site.list)) || row.parentNode;
    const passed = [];
    let n = after(row, root);
    for (let steps = 0; n && steps < 20000; steps++) {
      if (n.matches(site.row)) {
        if (readEls.has(n)) {
          for (const p of passed) historyEls.add(p);
          return true;
        }
        passed.push(n);
        n = after(n, root);
      } else n = n.firstElementChild || after(n, root);
    }
    if (!n) for (const p of passed) liveEls.add(p);
    return false;
  }

  function processSlice() {
    const start = performance.now();
    if (!conv) checkConversation();
    const ctx = ctxFor();
    while (qi < queue.length && performance.now() - start < SLICE_MS) {
      const row = queue[qi++];
      queued.delete(row);
      if (!conv || !row.isConnected) continue;
      let read;
      try {
        read = SafeDM.readRow(site, row, ctx);
      } catch (_) {
        continue;
      }
      if (!read) {
        readEls.add(row);
        continue;
      }
      conv.rowOf.set(read.id, row);
      const prev = conv.seen.get(read.id);
      if (prev === read.hash) {
        readEls.add(row); // a re-mounted row, already read
        continue;
      }
      const edit = prev !== undefined;
      if (!edit && site.tempIds && isReId(read)) {
        // The same message under its final id (Telegram swaps a sent message's temporary id).
        conv.seen.set(read.id, read.hash);
        readEls.add(row);
        continue;
      }
      const history = !edit && isHistory(row, read);
      readEls.add(row);
      conv.seen.set(read.id, read.hash);
      if (site.tempIds) rememberRecent(row, read);
      if (read.time && read.time > conv.newestTime) conv.newestTime = read.time;
      if (site.idsOrdered && /^\d+$/.test(read.id) && (!conv.maxId || idLess(conv.maxId, read.id))) {
        conv.maxId = read.id;
      }
      texts.set(read.id, read.text);
      if (texts.size > 200) texts.delete(texts.keys().next().value);
      conv.pending.push({
        id: read.id, hash: read.hash, role: read.role, text: read.text, time: read.time,
        seenAt: arrived.get(row) || Date.now(), history, edit,
        row: conv.classified ? undefined : row, // the opening rows keep theirs, to sort them
      });
      if (conv.classified && conv.pending.length >= 200) flush(conv);
    }
    if (qi < queue.length) setTimeout(processSlice, 0);
    else {
      queue = [];
      qi = 0;
      processing = false;
      if (conv && !conv.classified) maybeClassify(conv);
      else scheduleFlush();
    }
  }

  function scheduleFlush() {
    if (flushTimer || !conv || !conv.pending.length) return;
    flushTimer = setTimeout(() => {
      flushTimer = 0;
      if (conv) flush(conv);
    }, FLUSH_MS);
  }

  const BATCH = 200;
  const RANK = { watch: 1, warn: 2, alert: 3 };

  /**
   * Sends a conversation's read messages to the worker, in batches of 200, once the worker has
   * answered hello and the conversation is sorted (until then they are held). `opening`: the
   * first send of a conversation: the strongest alert of all its batches is shown once, when
   * they are all answered, and the conversation is then reported settled.
   */
  function flush(c, opening = false) {
    if (!helloDone || !c.classified) return;
    if (!config.enabled) c.pending = [];
    const all = c.pending;
    c.pending = [];
    readNames();
    // One batch per task (a page opened with thousands of rows holds many), in order.
    const sends = [];
    for (let i = 0; i < all.length; i += BATCH) {
      sends.push(new Promise((resolve) => setTimeout(() => {
        const messages = all.slice(i, i + BATCH).map(({ row, ...m }) => m);
        send({
          type: MSG.CONTENT_MESSAGES, site: site0.name, conversation: c.id, contact: c.contact,
          adapter: mode, idsOrdered: !!site.idsOrdered, messages,
        }).then(resolve);
      }, 0)));
    }
    if (!opening) {
      for (const s of sends) s.then((res) => { if (res && res.alert) showAlert(res.alert, c); });
      return;
    }
    Promise.all(sends).then((replies) => {
      let best = null;
      for (const res of replies) {
        if (res && res.alert && (!best || (RANK[res.alert.level] || 0) >= (RANK[best.level] || 0))) best = res.alert;
      }
      if (best) showAlert(best, c);
      c.settled = true;
      if (c === conv) reportStatus();
    });
  }

  /** The alert, for the conversation in front of the child only (not one navigated away from). */
  function showAlert(a, c) {
    if (!config.alertChild || c !== conv) return;
    const dismissed = (action) => send({ type: MSG.CONTENT_ALERT_DISMISSED, site: site0.name, conversation: c.id, action });
    if (a.kind === 'sextortion' && SafeDM.showSextortion) {
      SafeDM.showSextortion({ ...a, siteLabel: site0.label, region: config.region }, dismissed);
      return;
    }
    // A grooming alert never covers the sextortion screen: that one stays until the child closes it.
    if (SafeDM.sextortionShowing && SafeDM.sextortionShowing()) return;
    SafeDM.showAlert({
      ...a,
      siteLabel: site0.label,
      help: site0.help ? site0.help.block : [],
      quote: (texts.get(a.messageId) || '').slice(0, 240),
      region: config.region,
    }, (action) => dismissed(action));
  }

  // ---- the shortcut to the alert ------------------------------------------------------------

  // Alt+Shift+S (lib.js): the keyboard goes to SafeDM's screen on this page (the sextortion
  // screen, else the alert, else the chip left after closing it) and, pressed again, back. The
  // manifest's command asks the same through the worker; when both arrive for one key press
  // (a browser that gives the page the keys too), the second is ignored. Never with "Me only":
  // then SafeDM shows the child nothing.
  let lastFocus = { at: -Infinity, from: '' };
  function focusSafeDM(from) {
    if (!config.alertChild) return false;
    if (from !== lastFocus.from && performance.now() - lastFocus.at < 500) return true; // the same press
    const done = SafeDM.sextortionShowing && SafeDM.sextortionShowing()
      ? SafeDM.focusSextortion()
      : !!(SafeDM.focusAlert && SafeDM.focusAlert());
    if (done) lastFocus = { at: performance.now(), from };
    return done;
  }

  // Capture on the window: before the page's own key handlers (its message box) see the keys.
  // Only a press that found something of SafeDM is taken from the page.
  addEventListener('keydown', (e) => {
    if (!alive || e.repeat || !SafeDM.isShortcut(e)) return;
    if (focusSafeDM('key')) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // ---- observing ----------------------------------------------------------------------------

  const observed = new WeakSet();
  const observer = new MutationObserver(onMutations);
  let bodyCheckTimer = 0;

  function observe(root) {
    if (observed.has(root)) return;
    observed.add(root);
    observer.observe(root, { childList: true, subtree: true, characterData: true });
  }

  function onMutations(records) {
    if (!alive) return;
    checkConversation();
    if (!conv) return;
    const rows = [];
    const sel = site.row;
    for (const rec of records) {
      if (rec.type === 'characterData' || rec.removedNodes.length) {
        // An edit inside a row (text node changed, or children replaced).
        const t = rec.target.nodeType === 1 ? rec.target : rec.target.parentElement;
        const r = t && t.closest(sel);
        if (r) rows.push(r);
      }
      for (const n of rec.addedNodes) {
        if (n.nodeType !== 1) {
          const r = n.parentElement && n.parentElement.closest(sel);
          if (r) rows.push(r);
          continue;
        }
        if (n.matches(sel)) rows.push(n);
        else {
          const inner = n.querySelectorAll(sel);
          if (inner.length) rows.push(...inner);
          else {
            const r = n.closest(sel);
            if (r) rows.push(r);
          }
        }
        if (site.shadow) watchShadows(n);
      }
    }
    if (rows.length) enqueue(rows);
  }

  function watchShadows(node) {
    for (const sr of SafeDM.shadowRoots(node)) {
      if (!observed.has(sr)) {
        observe(sr);
        enqueue(sr.querySelectorAll(site.row));
      }
    }
    const own = SafeDM.shadowOf(node);
    if (own && !observed.has(own)) {
      observe(own);
      enqueue(own.querySelectorAll(site.row));
    }
  }

  // Health check: the adapter's rows vs the generic reader's, on a conversation page.
  function healthCheck() {
    if (!alive || !conv) return;
    const siteRows = SafeDM.queryAll(document, site0.row, site0.shadow).length;
    if (mode === 'site' && siteRows === 0) {
      const generic = SafeDM.genericRows();
      if (generic.length >= 3) {
        mode = 'generic';
        site = SafeDM.generic;
        modeCode = STATUS.GENERIC_READER;
        conv = null;
        checkConversation();
        enqueue(generic);
        reportStatus();
      }
    } else if (mode === 'generic' && siteRows > 0) {
      mode = 'site';
      site = site0;
      modeCode = STATUS.OK;
      conv = null;
      checkConversation();
      reportStatus();
    }
  }

  function stop() {
    observer.disconnect();
    clearInterval(bodyCheckTimer);
  }

  /**
   * Starts observing at once, and asks the worker for the settings at the same time; held rows
   * go out when it answers. (A cold worker answers from storage without waiting for its engine.)
   */
  function start() {
    send({ type: MSG.CONTENT_HELLO, site: site0.name }).then((res) => {
      if (res && res.type === MSG.WORKER_CONFIG) {
        config = { enabled: !!res.enabled, alertChild: !!res.alertChild, region: String(res.region || 'auto') };
      }
      helloDone = true;
      if (!config.enabled) {
        stop();
        queue = [];
        qi = 0;
        for (const known of conversations.values()) known.seen.clear();
        if (conv) conv.pending = [];
        texts.clear();
        reportStatus(STATUS.SITE_OFF);
        return;
      }
      if (conv) {
        if (conv.classified) flush(conv);
        else maybeClassify(conv);
      }
    });
    observe(document);
    if (site.shadow) watchShadows(document.documentElement);
    checkConversation();
    addEventListener('popstate', checkConversation);
    addEventListener('hashchange', checkConversation);
    let ticks = 0;
    bodyCheckTimer = setInterval(() => {
      if (!alive) return;
      checkConversation();
      if (site0.shadow) watchShadows(document.documentElement);
      if (++ticks % Math.round(HEALTH_AFTER_MS / 1000) === 0) healthCheck();
    }, 1000);
    chrome.runtime.onMessage.addListener((msg, _sender, reply) => {
      if (msg && msg.type === MSG.WORKER_FOCUS_ALERT) {
        focusSafeDM('command');
        return false;
      }
      if (msg && msg.type === MSG.POPUP_STATUS) {
        reply({
          type: MSG.CONTENT_STATUS, site: site0.name, label: site0.label, adapter: mode,
          conversation: conv ? conv.id : '', rows: conv ? conv.seen.size : 0,
        });
      }
      return false;
    });
  }

  start();
})();
