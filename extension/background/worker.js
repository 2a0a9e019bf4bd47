// SafeDM service worker (Chrome: MV3 module service worker; Firefox: module background script).
//
// One engine (the Rust scorer compiled to WebAssembly) is created once; every handler awaits the
// same `ready` promise. Per-conversation engine state is exported after each batch and written
// through the single StorageQueue, keyed by site + conversation id, without any message text, so
// a worker stopped by the browser mid-conversation resumes from storage on the next message.
//
// Message names are prefixed by their sender: content:* from the content script, worker:* replies.

import init, { Engine, version } from '../engine/safedm.js';
import {
  SETTINGS_KEY, validateSettings, engineConfig, tellsChild, tellsParent,
} from '../common/settings.js';
import { StorageQueue, convKey, ALERT_LOG_KEY } from './store.js';

const store = new StorageQueue(chrome.storage.local);
const SEEN_CAP = 20000; // message ids remembered per conversation (ids and short hashes, no text)
const RECENT_CAP = 300;

let settings = validateSettings(undefined).settings;
let engine = null;
/** Conversations whose saved state is already in the engine in this worker's life. */
const loaded = new Map(); // key -> record {site, conversation, seen, contact, ...}
/** Work is serialised: one batch at a time, so state export/import never interleaves. */
let work = Promise.resolve();

// For tests and the popup: what the worker observed lately (ids and roles, never text).
const debug = (globalThis.safedm = { recent: [], version: null, started: Date.now() });

async function loadSettings() {
  const stored = (await chrome.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY];
  const { settings: s, repaired } = validateSettings(stored);
  if (stored === undefined || repaired.length) await store.set(SETTINGS_KEY, s);
  return s;
}

const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('engine/safedm_bg.wasm') });
  settings = await loadSettings();
  engine = new Engine(engineConfig(settings));
  debug.version = version();
  return engine;
})();
ready.catch((e) => console.error('SafeDM: engine failed to start', e));

// ---- listeners: registered synchronously at the top level --------------------------------

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || typeof msg.type !== 'string') return false;
  const handler = HANDLERS[msg.type];
  if (!handler) return false;
  handler(msg, sender).then(sendResponse, (e) => {
    console.error('SafeDM:', msg.type, e);
    sendResponse({ type: 'worker:error', error: String(e && e.message ? e.message : e) });
  });
  return true; // answered asynchronously
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  // A conversation deleted from storage (by the parent, or a reset) is dropped here too.
  for (const [key, change] of Object.entries(changes)) {
    if (key.startsWith('conv:') && change.newValue === undefined && loaded.has(key)) {
      loaded.delete(key);
      ready.then(() => engine.forget(key)).catch(() => {});
    }
  }
  if (!changes[SETTINGS_KEY]) return;
  ready.then(() => {
    const { settings: s } = validateSettings(changes[SETTINGS_KEY].newValue);
    settings = s;
    engine.setConfig(engineConfig(s));
  }).catch((e) => console.error('SafeDM: settings', e));
});

chrome.runtime.onInstalled.addListener(() => {
  ready.catch(() => {}); // settings are written by loadSettings() on first start
});

// A closed tab's status (for the popup) is dropped. onRemoved needs no "tabs" permission.
if (chrome.tabs && chrome.tabs.onRemoved) {
  chrome.tabs.onRemoved.addListener((tabId) => {
    if (chrome.storage.session) chrome.storage.session.remove(`tab:${tabId}`).catch(() => {});
  });
}

if (chrome.notifications && chrome.notifications.onClicked) {
  chrome.notifications.onClicked.addListener((id) => chrome.notifications.clear(id));
}

// ---- handlers -----------------------------------------------------------------------------

const HANDLERS = {
  'content:hello': async (msg) => {
    await ready.catch(() => {});
    return {
      type: 'worker:config',
      enabled: !!settings.sites[msg.site],
      alertChild: tellsChild(settings),
      region: settings.region,
    };
  },
  'content:messages': (msg, sender) => {
    // Scoring is serialised; the state write goes to the queue, where writes that pile up while
    // one is in flight are coalesced. The answer is sent once the state is in storage.
    const run = work.then(() => observeBatch(msg, sender));
    work = run.catch(() => {});
    return run.then(async ({ result, saved }) => {
      await saved;
      return result;
    });
  },
  'content:status': async (msg, sender) => {
    await setTabStatus(sender, {
      site: str(msg.site), conversation: str(msg.conversation), adapter: str(msg.adapter),
      rows: Number(msg.rows) || 0, settled: !!msg.settled, reason: str(msg.reason),
    });
    return { type: 'worker:ok' };
  },
  'content:alert-dismissed': async (msg) => {
    await store.update(ALERT_LOG_KEY, (log) => {
      const list = Array.isArray(log) ? log : [];
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].site === msg.site && list[i].conversation === str(msg.conversation)) {
          list[i].childResponse = 'ok';
          break;
        }
      }
      return list;
    });
    return { type: 'worker:ok' };
  },
};

const str = (v, max = 200) => (typeof v === 'string' ? v.slice(0, max) : '');
const LEVELS = ['none', 'watch', 'warn', 'alert'];
const rank = (level) => LEVELS.indexOf(level);

async function setTabStatus(sender, patch) {
  const tabId = sender && sender.tab && sender.tab.id;
  if (tabId === undefined || !chrome.storage.session) return;
  const key = `tab:${tabId}`;
  const old = (await chrome.storage.session.get(key))[key] || {};
  await chrome.storage.session.set({ [key]: { ...old, ...patch, updated: Date.now() } });
}

async function loadConversation(site, conversation) {
  const key = convKey(site, conversation);
  let rec = loaded.get(key);
  if (rec) return rec;
  const saved = await store.get(key);
  rec = { site, conversation, seen: {}, contact: '', peak: 'none' };
  if (saved && typeof saved === 'object') {
    if (saved.state) {
      try {
        engine.importState(key, saved.state);
        rec = { ...rec, ...saved };
      } catch (e) {
        console.warn('SafeDM: saved state rejected, starting the conversation afresh', e);
        engine.forget(key);
      }
    }
  } else {
    engine.forget(key);
  }
  // In memory a Map (insertion order = age, for the cap); in storage a plain object.
  rec.seen = new Map(rec.seen && typeof rec.seen === 'object' ? Object.entries(rec.seen) : []);
  loaded.set(key, rec);
  return rec;
}

function remember(rec, id, hash) {
  if (!rec.seen.has(id) && rec.seen.size >= SEEN_CAP) rec.seen.delete(rec.seen.keys().next().value);
  rec.seen.set(id, hash);
}

async function observeBatch(msg, sender) {
  await ready;
  const t0 = performance.now();
  try {
    return await observeBatchInner(msg, sender);
  } finally {
    debug.batches = (debug.batches || 0) + 1;
    debug.batchMs = (debug.batchMs || 0) + (performance.now() - t0);
  }
}

async function observeBatchInner(msg, sender) {
  const site = str(msg.site, 40);
  const conversation = str(msg.conversation, 300);
  if (!site || !conversation || !Array.isArray(msg.messages)) throw new Error('bad batch');
  if (!settings.sites[site]) return { result: { type: 'worker:assessment', skipped: true }, saved: null };
  const key = convKey(site, conversation);
  const rec = await loadConversation(site, conversation);
  if (msg.contact) rec.contact = str(msg.contact, 100);

  let last = null;
  let alert = null;
  let observed = 0;
  for (const m of msg.messages) {
    const id = str(m.id, 200);
    const hash = str(m.hash, 40);
    if (!id || typeof m.text !== 'string') continue;
    const prev = rec.seen.get(id);
    if (prev === hash) continue; // already scored: a re-mounted row or a reload
    const edit = prev !== undefined;
    const role = ['contact', 'child', 'unknown'].includes(m.role) ? m.role : 'unknown';
    const time = Number.isFinite(m.time) ? m.time : Math.floor(Date.now() / 1000);
    let a;
    try {
      a = engine.observe(key, { id: edit ? `${id}#${hash}` : id, role, text: m.text, time });
    } catch (e) {
      console.warn('SafeDM: message not scored', e);
      continue;
    }
    remember(rec, id, hash);
    observed++;
    debug.observed = (debug.observed || 0) + 1;
    last = a;
    debug.seq = (debug.seq || 0) + 1;
    debug.recent.push({ seq: debug.seq, site, conversation, id, role, history: !!m.history, edit, level: a.level, risk: a.risk });
    if (debug.recent.length > RECENT_CAP) debug.recent.splice(0, debug.recent.length - RECENT_CAP);
    if (rank(a.level) > rank(rec.peak)) rec.peak = a.level;
    if (a.notify && rank(a.level) >= rank('warn')) {
      const entry = logEntry(site, conversation, rec.contact, a, !!m.history);
      await store.update(ALERT_LOG_KEY, (log) => {
        const list = Array.isArray(log) ? log : [];
        list.push(entry);
        return list.slice(-settings.maxLogEntries);
      });
      // History (rows present when the page opened, or loaded by scrolling up) rebuilds the
      // state but never alerts by itself.
      if (!m.history) {
        if (!alert || rank(a.level) >= rank(alert.level)) alert = childAlert(site, rec.contact, a, id);
        if (a.level === 'alert' && tellsParent(settings) && settings.notifyOnThisDevice) {
          notifyParent(site, rec.contact, a);
        }
      }
    }
  }

  let saved = null;
  if (observed > 0) {
    rec.updated = Date.now();
    const state = engine.exportState(key);
    saved = store.set(key, {
      v: 1, site, conversation, contact: rec.contact, peak: rec.peak, updated: rec.updated,
      state, seen: Object.fromEntries(rec.seen),
    });
  }
  const result = {
    type: 'worker:assessment',
    conversation,
    observed,
    level: last ? last.level : null,
    risk: last ? last.risk : null,
    stage: last ? last.stage : null,
    alert: alert && tellsChild(settings) ? alert : null,
  };
  if (last) setTabStatus(sender, { conversation, level: last.level, risk: last.risk }).catch(() => {});
  return { result, saved };
}

function logEntry(site, conversation, contact, a, history) {
  return {
    time: Date.now(),
    site,
    conversation,
    contact: contact || '',
    level: a.level,
    risk: a.risk,
    stage: a.stage,
    reasons: (a.reasons || []).map((r) => ({ category: r.category, stage: r.stage, parent: r.parent })),
    fromHistory: history,
  };
}

function childAlert(site, contact, a, messageId) {
  return {
    site,
    contact: contact || '',
    level: a.level,
    stage: a.stage,
    summary: a.summary || '',
    reasons: (a.reasons || []).map((r) => ({ category: r.category, child: r.child })),
    messageId,
  };
}

function notifyParent(site, contact, a) {
  if (!chrome.notifications) return;
  const who = contact ? ` with ${contact}` : '';
  const why = (a.reasons || []).map((r) => r.parent).filter(Boolean).slice(0, 2).join(' ');
  chrome.notifications.create(`safedm-${Date.now()}`, {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title: 'SafeDM: a chat needs your attention',
    message: `A conversation on ${site}${who} shows a grooming pattern. ${why}`.slice(0, 400),
    priority: 2,
  });
}

