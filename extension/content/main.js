// SafeDM content script: finds this site's adapter, watches the page for message rows and sends
// them to the service worker, which scores them; shows the in-page alert when it says so.
//
// - SPA navigation: the conversation id is re-read on every mutation batch, on popstate and
//   hashchange, and on a slow timer; a new conversation starts a new "settling" window.
// - History: rows present when a conversation opens (the settling window), and rows inserted
//   before rows already read (scrolling up), are sent with history: true: the worker scores them
//   to rebuild the conversation's state but never alerts because of them.
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
  if (!SafeDM || SafeDM.started) return;
  SafeDM.started = true;

  const site0 = SafeDM.siteFor(location);
  if (!site0) return;

  const SETTLE_QUIET_MS = 500; // a conversation has settled after this long without new rows
  const SETTLE_MAX_MS = 2500; // ...or this long after it opened
  const FLUSH_MS = 40; // batching delay before rows go to the worker
  const SLICE_MS = 6; // longest slice of row reading before yielding
  const HEALTH_AFTER_MS = 3000;

  let site = site0; // the adapter in use (site0 or SafeDM.generic)
  let mode = 'site';
  let config = { enabled: true, alertChild: true, region: 'auto' };
  let alive = true;

  /** Per conversation: ids read (id -> text hash), survives navigating away and back. */
  const conversations = new Map();
  let conv = null; // {id, seen, openedAt, lastRowAt, settled, contact, recentLive: [], newestTime}
  let queue = []; // rows waiting to be read, from index qi on
  let qi = 0;
  const queued = new Set();
  let pending = []; // read messages waiting to be sent
  const texts = new Map(); // message id -> text, for quoting the alert (page memory only)
  let flushTimer = 0;
  let processing = false;

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
      // The same chat, now named by a better rule (WhatsApp: its first row gave the JID).
      conversations.delete(conv.id);
      conv.id = id;
      conv.weak = false;
      conversations.set(id, { seen: conv.seen });
      return;
    }
    if (pending.length) flush();
    if (!id) {
      conv = null;
      return;
    }
    let known = conversations.get(id);
    if (!known) {
      known = { seen: new Map() };
      conversations.set(id, known);
    }
    const now = performance.now();
    conv = {
      id, weak, seen: known.seen, openedAt: now, lastRowAt: now, settled: false,
      contact: '', self: '', newestTime: 0, maxId: '',
    };
    namesReadAt = -Infinity;
    readNames();
    enqueue(SafeDM.queryAll(document, site.row, site.shadow));
    scheduleSettleCheck();
  }

  function scheduleSettleCheck() {
    const c = conv;
    setTimeout(() => {
      if (!c || c !== conv || c.settled) return;
      const now = performance.now();
      // Settled: the rows found so far are read, and either no row came for a while or the
      // conversation has been open for long enough.
      if (!processing && qi >= queue.length &&
          (now - c.lastRowAt >= SETTLE_QUIET_MS || now - c.openedAt >= SETTLE_MAX_MS)) {
        c.settled = true;
        flush();
        reportStatus();
      } else scheduleSettleCheck();
    }, 100);
  }

  function reportStatus(reason) {
    const rows = conv ? conv.seen.size : 0;
    send({
      type: 'content:status', site: site0.name, conversation: conv ? conv.id : '', adapter: mode,
      rows, settled: !!(conv && conv.settled), reason: reason || '',
    });
  }

  // ---- reading rows -------------------------------------------------------------------------

  function enqueue(rows) {
    const settling = conv && !conv.settled;
    for (const r of rows) {
      if (!queued.has(r)) {
        queued.add(r);
        queue.push(r);
        if (settling) unsettledEls.add(r);
      }
    }
    if (queue.length > qi && !processing) {
      processing = true;
      setTimeout(processSlice, 0);
    }
  }

  /**
   * Whether a new row is history: read while the conversation was still settling, or placed
   * before a row already read (scrolling up loads older rows above), or older by its ordered id
   * or its time. The position check walks forward over the following rows (skipping their
   * insides) until it meets a row already read, or the end of the list: no layout, and no
   * compareDocumentPosition (which walks long sibling lists).
   */
  function isHistory(row, read) {
    if (!conv.settled) return true;
    if (unsettledEls.has(row)) return true; // queued while the conversation was settling
    if (historyEls.has(row) || (!liveEls.has(row) && followedByReadRow(row))) return !site.newestFirst;
    if (site.idsOrdered && /^\d+$/.test(read.id) && conv.maxId &&
        (read.id.length < conv.maxId.length || (read.id.length === conv.maxId.length && read.id < conv.maxId))) {
      return true;
    }
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
  const unsettledEls = new WeakSet(); // rows found while their conversation was settling

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
      } catch (e) {
        continue;
      }
      if (!read) {
        readEls.add(row);
        continue;
      }
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
      conv.lastRowAt = performance.now();
      if (site.tempIds) rememberRecent(row, read);
      if (read.time && read.time > conv.newestTime) conv.newestTime = read.time;
      if (site.idsOrdered && /^\d+$/.test(read.id) &&
          (!conv.maxId || read.id.length > conv.maxId.length || (read.id.length === conv.maxId.length && read.id > conv.maxId))) {
        conv.maxId = read.id;
      }
      texts.set(read.id, read.text);
      if (texts.size > 200) texts.delete(texts.keys().next().value);
      pending.push({
        id: read.id, hash: read.hash, role: read.role, text: read.text, time: read.time,
        history, edit,
      });
      if (pending.length >= 200) flush();
    }
    if (qi < queue.length) setTimeout(processSlice, 0);
    else {
      queue = [];
      qi = 0;
      processing = false;
      scheduleFlush();
    }
  }

  function scheduleFlush() {
    if (flushTimer || !pending.length) return;
    flushTimer = setTimeout(() => {
      flushTimer = 0;
      flush();
    }, FLUSH_MS);
  }

  function flush() {
    if (!pending.length || !conv || !config.enabled) {
      pending = [];
      return;
    }
    const batch = pending;
    pending = [];
    readNames();
    const c = conv;
    send({
      type: 'content:messages', site: site0.name, conversation: c.id, contact: c.contact,
      adapter: mode, messages: batch,
    }).then((res) => {
      if (res && res.alert && config.alertChild) showAlert(res.alert, c);
    });
  }

  function showAlert(a, c) {
    SafeDM.showAlert({
      ...a,
      siteLabel: site0.label,
      help: site0.help ? site0.help.block : [],
      quote: (texts.get(a.messageId) || '').slice(0, 240),
      region: config.region,
    }, () => send({ type: 'content:alert-dismissed', site: site0.name, conversation: c.id }));
  }

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
        conv = null;
        checkConversation();
        enqueue(generic);
        reportStatus(`${site0.label}'s page changed: SafeDM is reading it with its generic reader.`);
      }
    } else if (mode === 'generic' && siteRows > 0) {
      mode = 'site';
      site = site0;
      conv = null;
      checkConversation();
      reportStatus();
    }
  }

  function stop() {
    observer.disconnect();
    clearInterval(bodyCheckTimer);
  }

  async function start() {
    const res = await send({ type: 'content:hello', site: site0.name });
    if (res && res.type === 'worker:config') config = res;
    if (!config.enabled) {
      reportStatus('Switched off for this site in the settings.');
      return;
    }
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
      if (msg && msg.type === 'popup:status') {
        reply({
          type: 'content:status', site: site0.name, label: site0.label, adapter: mode,
          conversation: conv ? conv.id : '', rows: conv ? conv.seen.size : 0,
        });
      }
      return false;
    });
  }

  start();
})();
