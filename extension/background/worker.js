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
// The modules: state.js (what they share, the settings' persistence), routing.js (message type
// -> handler), auth.js (who may ask, the PIN and its back-off), conversations.js (the content
// scripts' batches, the engine's state per conversation), alerts.js (the alert log, the child's
// alert, notifications), budget.js (the storage budget, health notes); store.js and memory.js.
// This file starts them and registers the listeners.

import init, { Engine, version } from '../engine/safedm.js';
import '../common/protocol.js';
import { SETTINGS_KEY, validateSettings, engineConfig, tellsChild } from '../common/settings.js';
import { digest } from '../common/crypto.js';
import { StorageQueue, ALERT_LOG_KEY, META_KEY, stripExcerpts } from './store.js';
import {
  settings, engine, loaded, droppedExcerpts, debug, ownDigests, setStore, setSettings, setEngine, setStartup, store,
  effective, readManaged, loadSettings, addTamper,
} from './state.js';
import { evict, checkBudget, writeFailed } from './budget.js';
import { onMessage } from './routing.js';

const { MSG } = SafeDMProtocol;

setStore(new StorageQueue(chrome.storage.local, {
  makeRoom: (ctx) => evict(ctx),
  onFailure: (keys, error) => writeFailed(keys, error),
  prepare: (key, value) => (key === ALERT_LOG_KEY ? stripExcerpts(value, droppedExcerpts) : value),
}));
globalThis.safedm = debug;

const settingsReady = loadSettings().then((s) => {
  setSettings(s);
  return s;
});
const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('engine/safedm_bg.wasm') });
  await settingsReady;
  setEngine(new Engine(engineConfig(settings)));
  debug.version = version();
  await warmEngine(engine);
  return engine;
})();
// The engine compiles a cue row on its first candidate message, which made a fresh worker's first
// lines slow (results a second late re-opened or re-drew an alert the child had just answered):
// the rows compile before the engine is ready, a few per task so that the worker still answers
// what does not wait for the engine (content:hello).
async function warmEngine(e) {
  while (e.warm(16) > 0) await new Promise((resolve) => setTimeout(resolve, 0));
}
ready.catch((e) => console.error('SafeDM: engine failed to start', e));
// A worker's first look at the budget (records written by an older version may exceed it).
settingsReady.then(() => checkBudget(true)).catch((e) => console.warn('SafeDM: budget check', e));
setStartup(settingsReady, ready);

// ---- listeners: registered synchronously at the top level --------------------------------

chrome.runtime.onMessage.addListener(onMessage);

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
    setSettings(effective(validateSettings(value).settings, await readManaged()));
    engine.setConfig(engineConfig(settings));
  }).catch((e) => console.error('SafeDM: settings', e));
});

if (chrome.storage.managed && chrome.storage.onChanged) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'managed') return;
    ready.then(async () => {
      const own = (await chrome.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY];
      setSettings(effective(validateSettings(own).settings, await readManaged()));
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
