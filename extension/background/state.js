// @ts-check
// What the worker's modules share: the effective settings and the administrator's keys, the
// engine, the write queue, the start-up promises, the conversations loaded in this worker's life
// and the debug record; the settings' persistence (with their digest, for tamper evidence) and
// the tamper log. Set by worker.js at start-up (setStore, setEngine, setStartup); a Node test sets
// them with fakes (tests/extension/worker-unit.test.mjs), as nothing here touches `chrome` when
// imported.
import { SETTINGS_KEY, validateSettings, managedOverrides } from '../common/settings.js';
import { digest } from '../common/crypto.js';
import { TAMPER_KEY, META_KEY } from './store.js';

/** Alert-log entries whose sealed excerpts were given up for room: entry id -> when. */
export const droppedExcerpts = new Map();
/** @type {import('./store.js').StorageQueue} the single write queue to chrome.storage.local, made by worker.js */
export let store = null;
/** @param {import('./store.js').StorageQueue} q */
export function setStore(q) {
  store = q;
}

export let settings = validateSettings(undefined).settings; // effective: the parent's + managed ones
export let managedKeys = [];
/** @param {import('../common/settings.js').Settings} s */
export function setSettings(s) {
  settings = s;
}
/** Digests of settings this worker wrote: a change with another digest was made without the PIN. */
export const ownDigests = [];
/** @type {import('../engine/safedm.js').Engine} */
export let engine = null;
/** @param {import('../engine/safedm.js').Engine} e */
export function setEngine(e) {
  engine = e;
}
/** @type {Promise<import('../common/settings.js').Settings>} the settings loaded (worker.js `settingsReady`) */
export let settingsReady = Promise.resolve(settings);
/** @type {Promise<import('../engine/safedm.js').Engine>} the engine up (worker.js `ready`) */
export let ready = Promise.resolve(null);
/**
 * @param {Promise<import('../common/settings.js').Settings>} s
 * @param {Promise<import('../engine/safedm.js').Engine>} r
 */
export function setStartup(s, r) {
  settingsReady = s;
  ready = r;
}
/** Conversations whose saved state is already in the engine in this worker's life. */
export const loaded = new Map(); // key -> record {site, conversation, mem, mark, contact, ...}
/** Conversations opened (content:open) before their record was loaded: commitRange on load. */
export const opened = new Set();

export let observing = null; // the key of the conversation whose batch is being scored
/** @param {string | null} key */
export function setObserving(key) {
  observing = key;
}

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
export const debug = { recent: [], version: null, started: Date.now() };

export async function readManaged() {
  try {
    if (!chrome.storage.managed) return {};
    return (await chrome.storage.managed.get(null)) || {};
  } catch (_) {
    return {}; // no policy (or Firefox without one)
  }
}

/** The parent's settings with the administrator's (storage.managed) forced over them. */
export function effective(own, managed) {
  const { forced, keys } = managedOverrides(managed);
  managedKeys = keys;
  return validateSettings({ ...own, ...forced }).settings;
}

export async function loadSettings() {
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
export async function writeSettings(s, note) {
  const d = await digest(s);
  ownDigests.push(d);
  if (ownDigests.length > 20) ownDigests.shift();
  const done = Promise.all([store.set(SETTINGS_KEY, s), store.update(META_KEY, (m) => ({ ...(m || {}), settingsDigest: d }))]);
  if (note) console.warn('SafeDM: settings repaired', note.repaired);
  await done;
}

export async function addTamper(event) {
  const entry = { id: newId(), time: Date.now(), reviewed: false, ...event };
  await store.update(TAMPER_KEY, (log) => [...(Array.isArray(log) ? log : []), entry].slice(-200));
}

export const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export const str = (v, max = 200) => (typeof v === 'string' ? v.slice(0, max) : '');

export const LEVELS = ['none', 'watch', 'warn', 'alert'];
export const rank = (level) => LEVELS.indexOf(level);
