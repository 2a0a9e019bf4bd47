// @ts-check
// SafeDM service worker (Chrome: MV3 module service worker; Firefox: module background script).
//
// One engine (the Rust scorer compiled to WebAssembly) is created once; scoring awaits the same
// `ready` promise. The settings are loaded on their own (`settingsReady`), so a content script
// of a cold worker gets its config at once, and its held rows are scored as soon as the engine
// is up. Per-conversation engine state is exported after each batch and written through the
// single StorageQueue, keyed by site + conversation id, without any message text, so a worker
// stopped by the browser mid-conversation resumes from storage on the next message.
//
// Each conversation's record keeps a watermark, `mark` = {id, time, top}: the newest message
// scored as new (its id; the newest site time seen; the greatest ordered id on sites whose ids
// are ordered). The content script sorts the rows it finds when a conversation opens against
// it: before it = history, after it = new. A conversation without one was never scored, and
// is scored in full (and may alert). A small bounded memory of ids and text hashes
// (`background/memory.js`: the newest 200 scored as new, the last 100 scored as history, the
// lowest ordered id) catches reloads and edits near the watermark; it replaced 20,000 ids.
//
// Message names are prefixed by their sender: content:* from the content script, options:* from
// the parent's settings page, worker:* replies. options:* is answered only to the extension's own
// pages, and everything but setup, unlock and the recovery code (a forgotten PIN) needs an
// unlocked session.

import init, { Engine, version } from '../engine/safedm.js';
import '../common/protocol.js';
import {
  SETTINGS_KEY, SITE_LABELS, validateSettings, engineConfig, tellsChild, tellsParent, isTrusted, managedOverrides,
} from '../common/settings.js';
import {
  hashPin, verifyPin, validPin, seal, digest, makeRecoveryCode, normalizeRecoveryCode, hashSecret,
  verifySecret, makeEvidenceKeysWith, wrapJwk, unwrapJwk,
} from '../common/crypto.js';
import {
  StorageQueue, convKey, isConvKey, planEviction, stripExcerpts, entryId, ALERT_LOG_KEY, AUTH_KEY, TAMPER_KEY,
  META_KEY, UNLOCK_KEY, HEALTH_KEY, STORE_BUDGET, EVICT_TO,
} from './store.js';
import {
  memoryFrom, memoryToJson, knownHash, inScoredRange, remember, commitRange, idLess,
} from './memory.js';

const { MSG, ERROR, CHILD_ACTIONS } = SafeDMProtocol;

/** Alert-log entries whose sealed excerpts were given up for room: entry id -> when. */
const droppedExcerpts = new Map();
const store = new StorageQueue(chrome.storage.local, {
  makeRoom: (ctx) => evict(ctx),
  onFailure: (keys, error) => writeFailed(keys, error),
  prepare: (key, value) => (key === ALERT_LOG_KEY ? stripExcerpts(value, droppedExcerpts) : value),
});
const RECENT_CAP = 300;

let settings = validateSettings(undefined).settings; // effective: the parent's + managed ones
let managedKeys = [];
/** Digests of settings this worker wrote: a change with another digest was made without the PIN. */
const ownDigests = [];
const EXCERPTS_PER_CONV = 30; // texts kept in memory (only with evidence keeping on) to seal
const EXCERPT_MAX = 280;
let engine = null;
/** Conversations whose saved state is already in the engine in this worker's life. */
const loaded = new Map(); // key -> record {site, conversation, mem, mark, contact, ...}
/** Conversations opened (content:open) before their record was loaded: commitRange on load. */
const opened = new Set();
/** Work is serialised: one batch at a time, so state export/import never interleaves. */
/** @type {Promise<unknown>} */
let work = Promise.resolve();

// For tests and the popup: what the worker observed lately (ids and roles, never text).
/**
 * @typedef {object} WorkerDebug
 * @property {object[]} recent the last RECENT_CAP messages scored: seq, site, conversation, id, role, history, edit, level, risk
 * @property {string | null} version the engine's
 * @property {number} started when this worker started (ms)
 * @property {number} [seq] messages scored (the last one's number in `recent`)
 * @property {number} [observed]
 * @property {number} [batches]
 * @property {number} [batchMs] time spent scoring batches
 * @property {number} [excerptsRemoved] sealed excerpts given up for room
 * @property {number} [evicted] conversation records given up for room
 * @property {{at: number, used: number}} [budgetCheck] the last budget check
 */
/** @type {WorkerDebug} */
const debug = { recent: [], version: null, started: Date.now() };
globalThis.safedm = debug;

async function readManaged() {
  try {
    if (!chrome.storage.managed) return {};
    return (await chrome.storage.managed.get(null)) || {};
  } catch (_) {
    return {}; // no policy (or Firefox without one)
  }
}

/** The parent's settings with the administrator's (storage.managed) forced over them. */
function effective(own, managed) {
  const { forced, keys } = managedOverrides(managed);
  managedKeys = keys;
  return validateSettings({ ...own, ...forced }).settings;
}

async function loadSettings() {
  /** @type {Record<string, any>} */
  const got = await chrome.storage.local.get([SETTINGS_KEY, META_KEY]);
  const stored = got[SETTINGS_KEY];
  const { settings: s, repaired } = validateSettings(stored);
  const meta = got[META_KEY] || {};
  if (stored !== undefined && meta.settingsDigest && (await digest(stored)) !== meta.settingsDigest) {
    // Changed while no worker watched (another profile copy, devtools on a stopped worker...).
    await addTamper({ kind: 'settings-changed' });
  }
  if (stored === undefined || repaired.length || !meta.settingsDigest) {
    await writeSettings(s, repaired.length && stored !== undefined ? { repaired } : null);
  } else ownDigests.push(meta.settingsDigest);
  return effective(s, await readManaged());
}

/** Writes the parent's settings (and their digest) through the queue. */
async function writeSettings(s, note) {
  const d = await digest(s);
  ownDigests.push(d);
  if (ownDigests.length > 20) ownDigests.shift();
  const done = Promise.all([store.set(SETTINGS_KEY, s), store.update(META_KEY, (m) => ({ ...(m || {}), settingsDigest: d }))]);
  if (note) console.warn('SafeDM: settings repaired', note.repaired);
  await done;
}

async function addTamper(event) {
  const entry = { id: newId(), time: Date.now(), reviewed: false, ...event };
  await store.update(TAMPER_KEY, (log) => [...(Array.isArray(log) ? log : []), entry].slice(-200));
}

// ---- the storage budget (issue 18) ----------------------------------------------------------
//
// chrome.storage.local is kept under STORE_BUDGET (store.js says why 4 MiB). Over it, or when a
// write fails, the sealed excerpts of reviewed and of old unreviewed alerts are given up first
// (the entries stay, marked), then conversation records untouched longest first, down to their
// guaranteed share (planEviction in store.js has the order); never the alert log's entries,
// tamper log, settings, PIN data or health notes. The parent's page shows a health note saying
// so. A write that still fails is recorded as a health note too. Making room runs inside the
// write queue (a refused write's flush, or `exclusive` for the budget check), so nothing else
// writes while it reads and rewrites the log.

let observing = null; // the key of the conversation whose batch is being scored
let lastBudgetCheck = 0;
const BUDGET_CHECK_MS = 60000; // at most once a minute (Firefox has no getBytesInUse: a full read)
const HEALTH_NOTES = 50;

/**
 * Makes room until what is stored (with `values`, the refused write, in place of theirs) fits:
 * only from inside the write queue (a refused write's makeRoom, or store.exclusive).
 */
async function evict({ keys = [], values = {}, error = null } = {}) {
  /** @type {Record<string, any>} */
  const items = await chrome.storage.local.get(null);
  const keep = new Set([...keys, ...store.pending.keys()]);
  if (observing) keep.add(observing); // the conversation being scored right now
  Object.assign(items, values); // replaced by what is being written (already prepared)
  const quota = chrome.storage.local.QUOTA_BYTES || 10485760;
  // A refused write (the browser's quota): past the budget's order, down to 90% of the quota.
  const hardTarget = error ? Math.min(EVICT_TO, Math.floor(quota * 0.9)) : null;
  const now = Date.now();
  const plan = planEviction(items, { target: EVICT_TO, keep, now, hardTarget });
  if (!plan.remove.length && !plan.strip.length) return 0;
  if (plan.strip.length) {
    for (const id of plan.strip) droppedExcerpts.set(id, now);
    // The stored log rewritten without them now (a log being written is prepared at its retry).
    if (!(ALERT_LOG_KEY in values)) await store.rewrite(ALERT_LOG_KEY);
    const times = (items[ALERT_LOG_KEY] || []).filter((e) => plan.strip.includes(entryId(e))).map((e) => e.time || 0);
    debug.excerptsRemoved = (debug.excerptsRemoved || 0) + plan.strip.length;
    noteHealth({
      kind: 'excerpts-removed', count: plan.strip.length,
      oldest: Math.min(...times), newest: Math.max(...times), before: plan.before, after: plan.after,
    });
  }
  if (plan.remove.length) {
    const updated = plan.remove.map((k) => (items[k] && items[k].updated) || 0);
    await chrome.storage.local.remove(plan.remove);
    for (const k of plan.remove) {
      if (loaded.delete(k) && engine) engine.forget(k);
    }
    debug.evicted = (debug.evicted || 0) + plan.remove.length;
    noteHealth({
      kind: 'forgotten', count: plan.remove.length,
      oldest: Math.min(...updated), newest: Math.max(...updated), before: plan.before, after: plan.after,
    });
  }
  if (droppedExcerpts.size > 4 * settings.maxLogEntries) {
    // Ids of entries no longer in the log (deleted, or past its cap) are not needed.
    const ids = new Set((items[ALERT_LOG_KEY] || []).map(entryId));
    for (const id of droppedExcerpts.keys()) if (!ids.has(id)) droppedExcerpts.delete(id);
  }
  return plan.before - plan.after;
}

/** After a conversation was saved: over the budget? (throttled) */
async function checkBudget(force = false) {
  const now = Date.now();
  if (!force && now - lastBudgetCheck < BUDGET_CHECK_MS) return;
  lastBudgetCheck = now;
  let used;
  if (typeof chrome.storage.local.getBytesInUse === 'function') {
    used = await chrome.storage.local.getBytesInUse(null);
  } else {
    used = planEviction(await chrome.storage.local.get(null), { target: Infinity }).before;
  }
  if (used > STORE_BUDGET) await store.exclusive(() => evict());
  debug.budgetCheck = { at: Date.now(), used }; // for the storage bench: the check is done
}

function noteHealth(note) {
  const entry = { id: newId(), time: Date.now(), reviewed: false, ...note };
  store.update(HEALTH_KEY, (list) => [...(Array.isArray(list) ? list : []), entry].slice(-HEALTH_NOTES))
    .catch((e) => console.error('SafeDM: health note not written', e, entry));
}

function writeFailed(keys, error) {
  console.error('SafeDM: write failed', keys, error);
  if (keys.includes(HEALTH_KEY)) return; // nowhere left to say it
  noteHealth({
    kind: 'write-failed',
    what: keys.map((k) => (isConvKey(k) ? 'conversation' : k)).filter((k, i, a) => a.indexOf(k) === i),
    error: String(error && error.message ? error.message : error).slice(0, 200),
  });
}

const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

const settingsReady = loadSettings().then((s) => {
  settings = s;
  return s;
});
const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('engine/safedm_bg.wasm') });
  await settingsReady;
  engine = new Engine(engineConfig(settings));
  debug.version = version();
  return engine;
})();
ready.catch((e) => console.error('SafeDM: engine failed to start', e));
// A worker's first look at the budget (records written by an older version may exceed it).
settingsReady.then(() => checkBudget(true)).catch((e) => console.warn('SafeDM: budget check', e));

// ---- listeners: registered synchronously at the top level --------------------------------

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || typeof msg.type !== 'string') return false;
  const handler = HANDLERS[msg.type];
  if (!handler) return false;
  handler(msg, sender).then(sendResponse, (e) => {
    console.error('SafeDM:', msg.type, e);
    sendResponse({ type: MSG.WORKER_ERROR, error: String(e && e.message ? e.message : e) });
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
  const value = changes[SETTINGS_KEY].newValue;
  ready.then(async () => {
    if (value !== undefined && !ownDigests.includes(await digest(value))) {
      // Not written by this worker on the parent's (unlocked) request: record it, and take the
      // digest as the new normal so one change is reported once.
      await addTamper({ kind: 'settings-changed' });
      const d = await digest(value);
      ownDigests.push(d);
      await store.update(META_KEY, (m) => ({ ...(m || {}), settingsDigest: d }));
    }
    settings = effective(validateSettings(value).settings, await readManaged());
    engine.setConfig(engineConfig(settings));
  }).catch((e) => console.error('SafeDM: settings', e));
});

if (chrome.storage.managed && chrome.storage.onChanged) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'managed') return;
    ready.then(async () => {
      const own = (await chrome.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY];
      settings = effective(validateSettings(own).settings, await readManaged());
      engine.setConfig(engineConfig(settings));
    }).catch(() => {});
  });
}

// Tamper evidence: chrome.storage.session is emptied when the browser starts and when the
// extension is switched off (or reloaded, or updated). A worker that finds it empty although the
// browser did not just start and the extension was not just installed or updated has been
// switched back on after being switched off: the alert centre shows it.
let lifeEvent = null;
chrome.runtime.onInstalled.addListener((details) => {
  lifeEvent = details.reason || 'install';
  if (details.reason === 'install' && chrome.runtime.openOptionsPage) {
    chrome.runtime.openOptionsPage().catch(() => {}); // first-run setup
  }
});
if (chrome.runtime.onStartup) chrome.runtime.onStartup.addListener(() => { lifeEvent = 'startup'; });

const LIFE_KEY = 'alive';
(async () => {
  if (!chrome.storage.session) return;
  const got = await chrome.storage.session.get(LIFE_KEY);
  if (got[LIFE_KEY]) return; // the same browser session: only the worker was restarted
  await chrome.storage.session.set({ [LIFE_KEY]: Date.now() });
  await new Promise((r) => setTimeout(r, 1500)); // onStartup / onInstalled come right after start
  if (lifeEvent) return;
  await ready.catch(() => {});
  await addTamper({ kind: 'reenabled' });
})().catch((e) => console.warn('SafeDM: life check', e));

// A closed tab's status (for the popup) is dropped. onRemoved needs no "tabs" permission.
if (chrome.tabs && chrome.tabs.onRemoved) {
  chrome.tabs.onRemoved.addListener((tabId) => {
    if (chrome.storage.session) chrome.storage.session.remove(`tab:${tabId}`).catch(() => {});
  });
}

if (chrome.notifications && chrome.notifications.onClicked) {
  chrome.notifications.onClicked.addListener((id) => {
    chrome.notifications.clear(id);
    chrome.tabs.create({ url: chrome.runtime.getURL('options/options.html#alerts') }).catch(() => {});
  });
}

// The keyboard shortcut (manifest "commands", Alt+Shift+S unless the user changed it): brings the
// child's SafeDM alert, or the chip left after closing it, to keyboard focus on the active tab.
// The tab comes with the event (no "tabs" permission needed to message it). Never when the
// parent chose "Me only": then nothing of SafeDM is on the child's screen to focus. The content
// script also listens for the same keys itself (commands may not reach every browser).
if (chrome.commands && chrome.commands.onCommand) {
  chrome.commands.onCommand.addListener(async (command, tab) => {
    if (command !== 'focus-alert') return;
    await settingsReady.catch(() => {});
    if (!tellsChild(settings)) return;
    let id = tab && tab.id;
    if (!Number.isInteger(id) || id < 0) {
      // A browser that gives no tab with the command: the active one (its id needs no permission).
      const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true }).catch(() => []);
      id = active && active.id;
    }
    if (!Number.isInteger(id) || id < 0) return;
    chrome.tabs.sendMessage(id, { type: MSG.WORKER_FOCUS_ALERT }).catch(() => {}); // no SafeDM in that tab
  });
}

// ---- handlers -----------------------------------------------------------------------------

/** Only the extension's own pages (options, popup) may send options:* messages. */
function fromOwnPage(sender) {
  const base = chrome.runtime.getURL('');
  return !!sender && sender.id === chrome.runtime.id && typeof sender.url === 'string' &&
    sender.url.startsWith(base) && !sender.url.startsWith(`${base}content/`);
}
const parentOnly = (fn) => async (msg, sender) => {
  if (!fromOwnPage(sender)) return { type: MSG.WORKER_ERROR, error: ERROR.FORBIDDEN };
  await ready;
  return fn(msg, sender);
};
const unlockedOnly = (fn) => parentOnly(async (msg, sender) => {
  if (!(await unlockedUntil())) return { type: MSG.WORKER_ERROR, error: ERROR.LOCKED };
  await setUnlocked(settings.lockMinutes); // activity keeps the session open a little longer
  return fn(msg, sender);
});

/** Wrong PINs: 1 s after the first, then doubling, at most 15 minutes. */
const backoffMs = (failures) => (failures <= 0 ? 0 : Math.min(900, 2 ** (failures - 1)) * 1000);

/** A wrong PIN or recovery code: counted (in storage) and answered with the wait. */
async function wrongSecret(auth) {
  const failures = (auth.failures || 0) + 1;
  const retryAt = Date.now() + backoffMs(failures);
  await store.update(AUTH_KEY, (a) => ({ ...a, failures, retryAt }));
  return { type: MSG.WORKER_LOCKED, retryIn: retryAt - Date.now(), failures, wrong: true };
}

async function unlockedUntil() {
  /** @type {Record<string, any>} */
  const got = await chrome.storage.session.get(UNLOCK_KEY);
  const v = got[UNLOCK_KEY];
  return v && v.until > Date.now() ? v.until : 0;
}
async function setUnlocked(minutes) {
  await chrome.storage.session.set({ [UNLOCK_KEY]: { until: Date.now() + minutes * 60000 } });
}

const HANDLERS = {
  // ---- the parent's page -----------------------------------------------------------------
  [MSG.OPTIONS_STATE]: parentOnly(async () => {
    const auth = (await store.get(AUTH_KEY)) || {};
    const unlock = await unlockedUntil();
    const now = Date.now();
    return {
      type: MSG.WORKER_STATE,
      hasPin: !!auth.pin,
      setupDone: !!auth.pin && settings.setupDone,
      unlockedUntil: unlock,
      retryIn: Math.max(0, (auth.retryAt || 0) - now),
      failures: auth.failures || 0,
      hasRecovery: !!auth.recovery,
    };
  }),
  [MSG.OPTIONS_SETUP]: parentOnly(async (msg) => {
    const auth = (await store.get(AUTH_KEY)) || {};
    if (auth.pin && !(await unlockedUntil())) return { type: MSG.WORKER_ERROR, error: ERROR.LOCKED };
    if (!validPin(msg.pin)) return { type: MSG.WORKER_ERROR, error: ERROR.BAD_PIN };
    const { settings: s, repaired } = validateSettings({ ...msg.settings, setupDone: true });
    const pin = await hashPin(msg.pin);
    // The recovery code: returned once, to be shown once; only its hash is kept.
    const code = makeRecoveryCode();
    const evidence = await makeEvidenceKeysWith(msg.pin, code);
    await store.set(AUTH_KEY, { pin, evidence, recovery: await hashSecret(code), failures: 0, retryAt: 0 });
    await writeSettings(s);
    await setUnlocked(s.lockMinutes);
    return { type: MSG.WORKER_OK, repaired, unlockedUntil: await unlockedUntil(), recoveryCode: code };
  }),
  [MSG.OPTIONS_CHANGE_PIN]: unlockedOnly(async (msg) => {
    // The old PIN is asked again (an unlocked page left open is not enough), with the back-off.
    const auth = (await store.get(AUTH_KEY)) || {};
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    if (!validPin(msg.pin)) return { type: MSG.WORKER_ERROR, error: ERROR.BAD_PIN };
    if (!(await verifyPin(String(msg.old || ''), auth.pin))) return wrongSecret(auth);
    const evidence = auth.evidence ? { ...auth.evidence } : null;
    if (evidence && evidence.wrapped) {
      const jwk = await unwrapJwk(String(msg.old), evidence.wrapped);
      if (!jwk) return { type: MSG.WORKER_ERROR, error: ERROR.EVIDENCE };
      evidence.wrapped = await wrapJwk(msg.pin, jwk);
    }
    const pin = await hashPin(msg.pin);
    await store.update(AUTH_KEY, (a) => ({ ...a, pin, evidence, failures: 0, retryAt: 0 }));
    await addTamper({ kind: 'pin-changed', reviewed: true });
    return { type: MSG.WORKER_OK, evidence: evidence ? evidence.wrapped : null };
  }),
  [MSG.OPTIONS_NEW_RECOVERY]: unlockedOnly(async (msg) => {
    // A new recovery code (installs from before issue 16 have none); the old one stops working.
    const auth = (await store.get(AUTH_KEY)) || {};
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    if (!(await verifyPin(String(msg.pin || ''), auth.pin))) return wrongSecret(auth);
    const code = makeRecoveryCode();
    const evidence = auth.evidence ? { ...auth.evidence } : null;
    if (evidence && evidence.wrapped) {
      const jwk = await unwrapJwk(String(msg.pin), evidence.wrapped);
      if (jwk) evidence.recovery = await wrapJwk(code, jwk);
    }
    const recovery = await hashSecret(code);
    await store.update(AUTH_KEY, (a) => ({ ...a, evidence, recovery, failures: 0, retryAt: 0 }));
    return { type: MSG.WORKER_OK, recoveryCode: code };
  }),
  [MSG.OPTIONS_RECOVER]: parentOnly(async (msg) => {
    // A forgotten PIN: the recovery code sets a new one. Nothing is deleted (the excerpts' key is
    // wrapped under the code too); the alert centre shows that it happened, and a new code
    // replaces the used one (shown once).
    const auth = (await store.get(AUTH_KEY)) || {};
    if (!auth.pin) return { type: MSG.WORKER_ERROR, error: ERROR.NO_PIN };
    if (!auth.recovery) return { type: MSG.WORKER_ERROR, error: ERROR.NO_RECOVERY };
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    const code = normalizeRecoveryCode(msg.code);
    if (!validPin(msg.pin)) return { type: MSG.WORKER_ERROR, error: ERROR.BAD_PIN };
    if (!code || !(await verifySecret(code, auth.recovery))) return wrongSecret(auth);
    const next = makeRecoveryCode();
    const evidence = auth.evidence ? { ...auth.evidence } : null;
    if (evidence) {
      const jwk = evidence.recovery ? await unwrapJwk(code, evidence.recovery) : null;
      if (jwk) {
        evidence.wrapped = await wrapJwk(msg.pin, jwk);
        evidence.recovery = await wrapJwk(next, jwk);
      }
    }
    const pin = await hashPin(msg.pin);
    const recovery = await hashSecret(next);
    await store.update(AUTH_KEY, (a) => ({ ...a, pin, evidence, recovery, failures: 0, retryAt: 0 }));
    await addTamper({ kind: 'pin-recovered' });
    await setUnlocked(settings.lockMinutes);
    return { type: MSG.WORKER_OK, unlockedUntil: await unlockedUntil(), evidence: evidence ? evidence.wrapped : null, recoveryCode: next };
  }),
  [MSG.OPTIONS_UNLOCK]: parentOnly(async (msg) => {
    const auth = (await store.get(AUTH_KEY)) || {};
    if (!auth.pin) return { type: MSG.WORKER_ERROR, error: ERROR.NO_PIN };
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    if (await verifyPin(String(msg.pin || ''), auth.pin)) {
      await store.update(AUTH_KEY, (a) => ({ ...a, failures: 0, retryAt: 0 }));
      await setUnlocked(settings.lockMinutes);
      return { type: MSG.WORKER_OK, unlockedUntil: await unlockedUntil(), evidence: auth.evidence ? auth.evidence.wrapped : null };
    }
    return wrongSecret(auth);
  }),
  [MSG.OPTIONS_LOCK]: parentOnly(async () => {
    await chrome.storage.session.remove(UNLOCK_KEY);
    return { type: MSG.WORKER_OK };
  }),
  [MSG.OPTIONS_DATA]: unlockedOnly(async () => {
    const got = await chrome.storage.local.get([ALERT_LOG_KEY, TAMPER_KEY, SETTINGS_KEY, HEALTH_KEY]);
    const { settings: own } = validateSettings(got[SETTINGS_KEY]);
    return {
      type: MSG.WORKER_DATA,
      settings: own,
      effective: settings,
      managedKeys,
      alerts: Array.isArray(got[ALERT_LOG_KEY]) ? got[ALERT_LOG_KEY] : [],
      tamper: Array.isArray(got[TAMPER_KEY]) ? got[TAMPER_KEY] : [],
      health: Array.isArray(got[HEALTH_KEY]) ? got[HEALTH_KEY] : [],
      unlockedUntil: await unlockedUntil(),
      hasRecovery: !!((await store.get(AUTH_KEY)) || {}).recovery,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || '',
    };
  }),
  [MSG.OPTIONS_CONVERSATIONS]: unlockedOnly(async () => {
    // The conversations SafeDM has scored (their ids and the names seen), for trusting one.
    /** @type {Record<string, any>} */
    const all = await chrome.storage.local.get(null);
    const list = Object.entries(all).filter(([k, v]) => isConvKey(k) && v && typeof v === 'object')
      .map(([, v]) => ({ site: str(v.site, 40), conversation: str(v.conversation, 300), contact: str(v.contact, 100), updated: v.updated || 0, peak: str(v.peak, 10) }))
      .filter((c) => c.site && c.conversation)
      .sort((a, b) => b.updated - a.updated)
      .slice(0, 200);
    return { type: MSG.WORKER_CONVERSATIONS, list };
  }),
  [MSG.OPTIONS_SAVE_SETTINGS]: unlockedOnly(async (msg) => {
    const { settings: s, repaired } = validateSettings({ ...msg.settings, setupDone: true });
    await writeSettings(s);
    settings = effective(s, await readManaged());
    engine.setConfig(engineConfig(settings));
    return { type: MSG.WORKER_OK, repaired, managedKeys };
  }),
  [MSG.OPTIONS_ALERTS]: unlockedOnly(async (msg) => {
    const ids = new Set(Array.isArray(msg.ids) ? msg.ids.map(String) : []);
    const key = msg.log === 'tamper' ? TAMPER_KEY : msg.log === 'health' ? HEALTH_KEY : ALERT_LOG_KEY;
    await store.update(key, (log) => {
      let list = Array.isArray(log) ? log : [];
      if (msg.op === 'delete-all') return [];
      if (msg.op === 'delete') list = list.filter((e) => !ids.has(entryId(e)));
      if (msg.op === 'review') list = list.map((e) => (ids.has(entryId(e)) ? { ...e, reviewed: true } : e));
      return list;
    });
    return { type: MSG.WORKER_OK };
  }),
  // ---- content scripts -------------------------------------------------------------------
  [MSG.CONTENT_HELLO]: async (msg) => {
    // The settings only: a cold worker answers before its engine is compiled.
    await settingsReady.catch(() => {});
    return {
      type: MSG.WORKER_CONFIG,
      enabled: !!settings.sites[msg.site],
      alertChild: tellsChild(settings),
      region: settings.region,
    };
  },
  [MSG.CONTENT_OPEN]: async (msg) => {
    // The conversation's watermark, from memory or storage: no engine needed.
    const site = str(msg.site, 40);
    const conversation = str(msg.conversation, 300);
    if (!site || !conversation) return { type: MSG.WORKER_ERROR, error: ERROR.BAD_CONVERSATION };
    const key = convKey(site, conversation);
    // A new page life: what earlier ones scored of an ordered-id chat counts as scored (memory.js).
    if (loaded.has(key)) commitRange(loaded.get(key).mem);
    else opened.add(key);
    const rec = loaded.get(key) || (await store.get(key));
    return { type: MSG.WORKER_CONVERSATION, conversation, mark: markOf(rec) };
  },
  [MSG.CONTENT_MESSAGES]: (msg, sender) => {
    // Scoring is serialised; the state write goes to the queue, where writes that pile up while
    // one is in flight are coalesced. The answer is sent once the state is in storage.
    const run = work.then(() => observeBatch(msg, sender));
    work = run.catch(() => {});
    return run.then(async ({ result, saved }) => {
      await saved;
      return result;
    });
  },
  [MSG.CONTENT_STATUS]: async (msg, sender) => {
    await setTabStatus(sender, {
      site: str(msg.site), conversation: str(msg.conversation), adapter: str(msg.adapter),
      rows: Number(msg.rows) || 0, settled: !!msg.settled, code: str(msg.code, 40),
    });
    return { type: MSG.WORKER_OK };
  },
  [MSG.CONTENT_ALERT_DISMISSED]: async (msg) => {
    // What the child did with the alert, each a distinct entry with its time: closed (x),
    // escape, ok ("I'm OK"), block (opened the blocking steps), talk ("Talk to someone").
    // `childResponse` keeps the last one (older pages read only that).
    const action = CHILD_ACTIONS.includes(msg.action) ? msg.action : 'ok';
    await store.update(ALERT_LOG_KEY, (log) => {
      const list = Array.isArray(log) ? log : [];
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].site === msg.site && list[i].conversation === str(msg.conversation, 300)) {
          const acts = Array.isArray(list[i].childActions) ? list[i].childActions : [];
          list[i].childActions = [...acts, { time: Date.now(), action }].slice(-20);
          list[i].childResponse = action;
          break;
        }
      }
      return list;
    });
    return { type: MSG.WORKER_OK };
  },
};

const str = (v, max = 200) => (typeof v === 'string' ? v.slice(0, max) : '');

const LEVELS = ['none', 'watch', 'warn', 'alert'];
const rank = (level) => LEVELS.indexOf(level);

async function setTabStatus(sender, patch) {
  const tabId = sender && sender.tab && sender.tab.id;
  if (tabId === undefined || !chrome.storage.session) return;
  const key = `tab:${tabId}`;
  /** @type {Record<string, any>} */
  const got = await chrome.storage.session.get(key);
  const old = got[key] || {};
  await chrome.storage.session.set({ [key]: { ...old, ...patch, updated: Date.now() } });
}

/**
 * A record's watermark, validated; for records saved before watermarks, the newest id remembered
 * (the last message scored). null: never scored.
 */
function markOf(rec) {
  if (!rec || typeof rec !== 'object') return null;
  const m = rec.mark;
  if (m && typeof m === 'object' && typeof m.id === 'string' && m.id) {
    return {
      id: m.id.slice(0, 200),
      time: Number.isFinite(m.time) ? m.time : 0,
      top: typeof m.top === 'string' && /^\d{1,40}$/.test(m.top) ? m.top : '',
    };
  }
  const mem = rec.mem || memoryFrom(rec);
  const ids = [...mem.recent.keys()];
  return ids.length ? { id: String(ids[ids.length - 1]).slice(0, 200), time: 0, top: '' } : null;
}


async function loadConversation(site, conversation) {
  const key = convKey(site, conversation);
  let rec = loaded.get(key);
  if (rec) return rec;
  const saved = await store.get(key);
  rec = { site, conversation, contact: '', peak: 'none' };
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
  rec.mem = memoryFrom(rec);
  if (opened.delete(key)) commitRange(rec.mem);
  rec.mark = markOf(rec);
  delete rec.seen;
  delete rec.recent;
  delete rec.older;
  delete rec.low;
  loaded.set(key, rec);
  return rec;
}

async function observeBatch(msg, sender) {
  await ready;
  const t0 = performance.now();
  try {
    return await observeBatchInner(msg, sender);
  } finally {
    observing = null;
    debug.batches = (debug.batches || 0) + 1;
    debug.batchMs = (debug.batchMs || 0) + (performance.now() - t0);
  }
}

async function observeBatchInner(msg, sender) {
  const site = str(msg.site, 40);
  const conversation = str(msg.conversation, 300);
  if (!site || !conversation || !Array.isArray(msg.messages)) throw new Error(ERROR.BAD_BATCH);
  if (!settings.sites[site]) return { result: { type: MSG.WORKER_ASSESSMENT, skipped: true }, saved: null };
  const key = convKey(site, conversation);
  observing = key;
  const rec = await loadConversation(site, conversation);
  if (msg.contact) rec.contact = str(msg.contact, 100);
  // Trusted contacts (family, known friends) are scored, but alert only at `alert`. Trusted by the
  // conversation's id, which a stranger can't take by renaming themselves.
  const trusted = isTrusted(settings, site, conversation);
  const threshold = trusted ? 'alert' : 'warn';
  if (settings.evidence) {
    // Kept in memory only, to seal the messages behind an alert; never stored in the clear.
    if (!rec.texts) rec.texts = new Map();
    for (const m of msg.messages) {
      if (typeof m.text !== 'string' || !m.id) continue;
      const at = Number.isFinite(m.time) && m.time > 0 ? m.time * 1000 : Number.isFinite(m.seenAt) ? m.seenAt : Date.now();
      rec.texts.set(str(m.id, 200), { role: m.role, text: m.text.slice(0, EXCERPT_MAX), time: at });
      if (rec.texts.size > EXCERPTS_PER_CONV) rec.texts.delete(rec.texts.keys().next().value);
    }
  } else rec.texts = null;

  let last = null;
  let alert = null;
  let observed = 0;
  const ordered = msg.idsOrdered === true;
  const now = Date.now();
  for (const m of msg.messages) {
    if (!m || typeof m !== 'object') continue;
    const id = str(m.id, 200);
    const hash = str(m.hash, 40);
    if (!id || typeof m.text !== 'string') continue;
    const prev = knownHash(rec.mem, id);
    if (prev === hash) continue; // already scored: a re-mounted row or a reload
    const edit = prev !== undefined;
    const role = ['contact', 'child', 'unknown'].includes(m.role) ? m.role : 'unknown';
    const siteTime = Number.isFinite(m.time) && m.time > 0 ? m.time : 0;
    // Without the site's time: when the row appeared on the page (a held row keeps its own).
    const seenAt = Number.isFinite(m.seenAt) && m.seenAt > 0 && m.seenAt <= now + 60000 ? m.seenAt : now;
    const time = siteTime || Math.floor(seenAt / 1000);
    const numeric = ordered && /^\d{1,40}$/.test(id);
    // History: what the content script found older, or older than the watermark by the site's
    // time or ordered id (the worker's own check, whatever the page said).
    const mark = rec.mark;
    const history = !edit && (m.history === true || (!!mark &&
      ((siteTime && mark.time && siteTime < mark.time - 120) || (numeric && mark.top && idLess(id, mark.top)))));
    // Older than the watermark, forgotten by the small memory, but inside the ordered range
    // already scored: scored before (a reload of a long chat), not again.
    if (!edit && history && numeric && mark && inScoredRange(rec.mem, id, mark.top)) continue;
    let a;
    try {
      a = engine.observe(key, { id: edit ? `${id}#${hash}` : id, role, text: m.text, time });
    } catch (e) {
      console.warn('SafeDM: message not scored', e);
      continue;
    }
    remember(rec.mem, id, hash, { history, ordered: numeric });
    if (!edit) {
      const next = rec.mark || { id, time: 0, top: '' };
      rec.mark = {
        id: history ? next.id : id,
        time: Math.max(next.time || 0, siteTime),
        top: numeric && (!next.top || idLess(next.top, id)) ? id : next.top,
      };
    }
    observed++;
    debug.observed = (debug.observed || 0) + 1;
    last = a;
    debug.seq = (debug.seq || 0) + 1;
    debug.recent.push({ seq: debug.seq, site, conversation, id, role, history, edit, level: a.level, risk: a.risk });
    if (debug.recent.length > RECENT_CAP) debug.recent.splice(0, debug.recent.length - RECENT_CAP);
    if (rank(a.level) > rank(rec.peak)) rec.peak = a.level;
    // When the conversation first reached each level (the card's escalation over time).
    if (!history && rank(a.level) >= rank('watch')) {
      rec.since = rec.since && typeof rec.since === 'object' ? rec.since : {};
      for (const l of LEVELS.slice(1, rank(a.level) + 1)) if (!rec.since[l]) rec.since[l] = time * 1000;
    }
    if (a.notify && rank(a.level) >= rank(threshold)) {
      const entry = logEntry(site, conversation, rec.contact, a, history);
      if (rec.since) entry.since = { ...rec.since };
      if (trusted) entry.trusted = true;
      if (settings.evidence && rec.texts) entry.sealed = await sealExcerpts(rec, a, id);
      await store.update(ALERT_LOG_KEY, (log) => {
        const list = Array.isArray(log) ? log : [];
        list.push(entry);
        return list.slice(-settings.maxLogEntries);
      }).catch((e) => {
        // Not even after making room (a health note says so): the batch, its state and the
        // child's alert go on.
        console.error('SafeDM: alert not logged', e);
      });
      // History (older than what was already scored: before the watermark, or loaded by
      // scrolling up) rebuilds the state but never alerts by itself. Unread rows that were on
      // the page when it opened are not history: they alert like live ones.
      if (!history) {
        const next = childAlert(site, rec.contact, a, id);
        if (!alert || outranks(next, alert)) alert = next;
        if (a.level === 'alert' && tellsParent(settings) && settings.notifyOnThisDevice) {
          notifyParent(site, rec.contact, a, tellsChild(settings));
        }
      }
    }
  }

  let saved = null;
  if (observed > 0) {
    rec.updated = Date.now();
    const state = engine.exportState(key);
    saved = store.set(key, {
      v: 1, site, conversation, contact: rec.contact, peak: rec.peak, since: rec.since, updated: rec.updated,
      state, mark: rec.mark, ...memoryToJson(rec.mem),
    });
    saved.then(() => checkBudget()).catch(() => {});
  }
  const result = {
    type: MSG.WORKER_ASSESSMENT,
    conversation,
    observed,
    level: last ? last.level : null,
    risk: last ? last.risk : null,
    stage: last ? last.stage : null,
    alert: alert && tellsChild(settings) ? alert : null,
  };
  // The popup is on the child's screen: with the parent alone told, it shows no level.
  if (last) {
    setTabStatus(sender, tellsChild(settings) ? { conversation, level: last.level, risk: last.risk }
      : { conversation, level: null, risk: null }).catch(() => {});
  }
  return { result, saved };
}

/**
 * The lines behind an alert, sealed for the parent: both sides of the conversation as it was
 * read (the last EXCERPT_LINES kept, up to this message), each with its time and whether a
 * reason pointed at it.
 */
const EXCERPT_LINES = 12;
async function sealExcerpts(rec, a, id) {
  const auth = (await store.get(AUTH_KEY)) || {};
  if (!auth.evidence || !auth.evidence.pub) return null;
  const flagged = new Set((a.reasons || []).flatMap((r) => r.messageIds || []));
  const all = [...rec.texts.entries()];
  const upto = all.findIndex(([mid]) => mid === id);
  const lines = (upto >= 0 ? all.slice(0, upto + 1) : all).slice(-EXCERPT_LINES);
  const excerpts = lines.map(([mid, t]) => ({ id: mid, role: t.role, text: t.text, time: t.time, flagged: flagged.has(mid) || mid === id }));
  if (!excerpts.length) return null;
  try {
    return await seal(auth.evidence.pub, { excerpts });
  } catch (e) {
    console.warn('SafeDM: evidence not sealed', e);
    return null;
  }
}

/** 'sextortion' when the engine found a threat to share images with a demand, else 'grooming'. */
function alertKind(a) {
  return (a.reasons || []).some((r) => r.category === 'sextortion') ? 'sextortion' : 'grooming';
}

/** Which of two child alerts of one batch to show: sextortion first, then the higher level. */
function outranks(next, shown) {
  if ((next.kind === 'sextortion') !== (shown.kind === 'sextortion')) return next.kind === 'sextortion';
  return rank(next.level) >= rank(shown.level);
}

function logEntry(site, conversation, contact, a, history) {
  return {
    id: newId(),
    time: Date.now(),
    site,
    conversation,
    contact: contact || '',
    kind: alertKind(a),
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
    kind: alertKind(a),
    // Who else is told, so the child's screen can say so.
    audience: settings.audience,
    contact: contact || '',
    level: a.level,
    stage: a.stage,
    summary: a.summary || '',
    reasons: (a.reasons || []).map((r) => ({ category: r.category, child: r.child })),
    messageId,
  };
}

/**
 * The parent's notification on this device, which is also the child's screen. When the child is
 * told too (audience `both`) it names the site and the contact, as the child's alert does, and the
 * reasons in the browser's language. When only the parent is told it is neutral: no contact, no
 * site, no reason, no word about grooming; the alert centre (behind the PIN) has the rest.
 */
function notifyParent(site, contact, a, childKnows) {
  if (!chrome.notifications) return;
  const t = (k, subs) => (chrome.i18n && chrome.i18n.getMessage(k, subs)) || k;
  let title;
  let message;
  if (childKnows) {
    const label = SITE_LABELS[site] || site;
    const why = (a.reasons || []).map((r) => (/^[a-z_]{1,40}$/.test(String(r.category)) && chrome.i18n.getMessage(`reason_${r.category}`)) || r.parent)
      .filter(Boolean).slice(0, 2).join(' ');
    title = alertKind(a) === 'sextortion' ? t('sext_notifyTitle') : t('notifyTitle');
    message = `${contact ? t('notifyBodyWith', [label, contact]) : t('notifyBody', [label])} ${why}`;
  } else {
    title = t('notifyNeutralTitle');
    message = t('notifyNeutralBody');
  }
  chrome.notifications.create(`safedm-${Date.now()}`, {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title,
    message: message.slice(0, 400),
    priority: childKnows ? 2 : 0,
  });
}

