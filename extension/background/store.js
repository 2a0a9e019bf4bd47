// The one write queue to chrome.storage.local. Every write of the worker goes through it, in
// order, so two messages of the same conversation (or two tabs) can't interleave a
// read-modify-write. Writes queued while a write is in flight are coalesced per key into the
// next storage.set() call. Nothing here knows about message text: callers store engine state,
// a few hundred message ids per conversation and the alert log only.
//
// A write is never dropped silently (issue 18). Each flush writes what the parent needs first
// (alert log, tamper log, settings, PIN data, health notes) and conversation states after, in two
// storage.set() calls, so a full store can't take the log down with a conversation's state. A
// failed write asks `makeRoom` (the worker: forget the conversations untouched longest) and is
// tried again; what still fails is tried key by key, and only the keys that could not be written
// reject their callers, with `onFailure` told (the worker records a health note for the parent).

/** Storage key of one conversation: site + conversation id. */
export const convKey = (site, conversation) => `conv:${site}:${conversation}`;
export const ALERT_LOG_KEY = 'alertLog';
/** {pin: {salt, hash, iterations}, evidence: {pub, wrapped}, failures, retryAt} */
export const AUTH_KEY = 'auth';
/** Tamper events: [{id, time, kind: 'reenabled'|'settings-changed'|'reset', reviewed}] */
export const TAMPER_KEY = 'tamperLog';
/** {settingsDigest}: SHA-256 of the settings the worker last wrote */
export const META_KEY = 'meta';
/** chrome.storage.session: {until} while the parent's page is unlocked */
export const UNLOCK_KEY = 'unlock';

/** Health notes for the parent: [{id, time, kind: 'forgotten'|'write-failed', ...}] */
export const HEALTH_KEY = 'health';
export const isConvKey = (key) => typeof key === 'string' && key.startsWith('conv:');

/**
 * The storage budget: 4 MiB of chrome.storage.local's 10 MiB quota (QUOTA_BYTES, 10,485,760 in
 * Chromium; a write past it fails). A conversation record is at most about 13 KB (engine state
 * about 1.6 KB, 300 remembered ids, watermark; memory.js), so 4 MiB holds about 300 conversations
 * with room for the alert log at its largest (maxLogEntries, each under 1 KB), the tamper log
 * (200) and the settings. A heavy year (bench/storage-year.mjs: 300+ conversations, 200,000
 * messages) stays under it; beyond it the conversations untouched longest are forgotten. The
 * rest of the quota is headroom, so the log is never refused.
 */
export const STORE_BUDGET = 4 * 1024 * 1024;
/** Eviction goes down to 90% of the budget, so one eviction buys room for many writes. */
export const EVICT_TO = Math.floor(STORE_BUDGET * 0.9);

const encoder = new TextEncoder();
/** Bytes one item takes as Chromium counts them: the key plus its value's JSON, in UTF-8. */
export const itemBytes = (key, value) => encoder.encode(key).length + encoder.encode(JSON.stringify(value) ?? '').length;

/**
 * Which conversation records to forget so that `items` (everything stored, {key: value}) fits in
 * `target` bytes: conversations untouched longest first (`updated`, oldest first; a record
 * without it counts as oldest), never anything else, never a key in `keep`. Pure, for tests.
 * -> {remove: [key], before, after}
 */
export function planEviction(items, { target = EVICT_TO, keep = new Set(), extra = 0 } = {}) {
  let total = extra;
  const convs = [];
  for (const [key, value] of Object.entries(items)) {
    const bytes = itemBytes(key, value);
    total += bytes;
    if (isConvKey(key) && !keep.has(key)) {
      const updated = value && typeof value === 'object' && Number.isFinite(value.updated) ? value.updated : 0;
      convs.push({ key, bytes, updated });
    }
  }
  const before = total;
  convs.sort((a, b) => a.updated - b.updated || (a.key < b.key ? -1 : 1));
  const remove = [];
  for (const c of convs) {
    if (total <= target) break;
    remove.push(c.key);
    total -= c.bytes;
  }
  return { remove, before, after: total };
}

export class StorageQueue {
  /**
   * @param {chrome.storage.StorageArea} area
   * @param {{makeRoom?: (ctx: {keys: string[], bytes: number, error: any}) => Promise<number>,
   *          onFailure?: (keys: string[], error: any) => void}} hooks
   *   makeRoom: frees space, resolves with the bytes freed (0: nothing more to free);
   *   onFailure: keys that could not be written even then.
   */
  constructor(area, { makeRoom = null, onFailure = null } = {}) {
    this.area = area;
    this.makeRoom = makeRoom;
    this.onFailure = onFailure;
    this.pending = new Map(); // key -> value waiting for the next flush
    this.waiters = new Map(); // key -> [{resolve, reject}]
    this.ops = Promise.resolve(); // read-modify-write operations, one at a time
    this.flushes = Promise.resolve(); // storage.set calls, one at a time
    this.scheduled = false;
  }

  /** Reads keys (sees values still waiting in the queue). */
  async get(key) {
    if (this.pending.has(key)) return this.pending.get(key);
    const got = await this.area.get(key);
    return got[key];
  }

  /** Queues a write; resolves once it is in storage, rejects if it could not be written. */
  set(key, value) {
    this.pending.set(key, value);
    return new Promise((resolve, reject) => {
      if (!this.waiters.has(key)) this.waiters.set(key, []);
      this.waiters.get(key).push({ resolve, reject });
      this.schedule();
    });
  }

  /**
   * Read-modify-write of one key, serialised with every other operation of the queue.
   * `fn(old) -> new`; resolves with the new value once written.
   */
  update(key, fn) {
    const run = this.ops.then(async () => {
      const value = fn(await this.get(key));
      await this.set(key, value);
      return value;
    });
    this.ops = run.catch(() => {});
    return run;
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    this.flushes = this.flushes.then(() => this.flush()).catch(() => {});
  }

  async flush() {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const entries = [...this.pending];
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = new Map();
    // What the parent needs first; conversation states after, in their own call.
    const first = entries.filter(([k]) => !isConvKey(k));
    const then = entries.filter(([k]) => isConvKey(k));
    for (const group of [first, then]) if (group.length) await this.write(group, waiters);
  }

  /** Writes [[key, value]]; on failure makes room and retries, then key by key. */
  async write(group, waiters) {
    const batch = Object.fromEntries(group);
    const keys = group.map(([k]) => k);
    let error = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.area.set(batch);
        for (const k of keys) for (const w of waiters.get(k) || []) w.resolve();
        return;
      } catch (e) {
        error = e;
      }
      if (!this.makeRoom) break;
      let freed = 0;
      try {
        const bytes = group.reduce((n, [k, v]) => n + itemBytes(k, v), 0);
        freed = await this.makeRoom({ keys, bytes, error });
      } catch (e) {
        console.warn('SafeDM: making room failed', e);
      }
      if (!freed) break;
    }
    if (group.length > 1) {
      // One value that can't be written must not take the others down with it.
      for (const entry of group) await this.write([entry], waiters);
      return;
    }
    for (const w of waiters.get(keys[0]) || []) w.reject(error);
    if (this.onFailure) {
      try {
        this.onFailure(keys, error);
      } catch (_) { /* reporting must not break the queue */ }
    }
  }

  /** Resolves when everything queued so far is written. */
  async drain() {
    await this.ops;
    await this.flushes;
  }
}
