// The one write queue to chrome.storage.local. Every write of the worker goes through it, in
// order, so two messages of the same conversation (or two tabs) can't interleave a
// read-modify-write. Writes queued while a write is in flight are coalesced per key into the
// next storage.set() call. Nothing here knows about message text: callers store engine state,
// seen-message ids and the alert log only.

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

export class StorageQueue {
  /** @param {chrome.storage.StorageArea} area */
  constructor(area) {
    this.area = area;
    this.pending = new Map(); // key -> value waiting for the next flush
    this.waiters = [];
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

  /** Queues a write; resolves once it is in storage. */
  set(key, value) {
    this.pending.set(key, value);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
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
    const batch = Object.fromEntries(this.pending);
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    try {
      await this.area.set(batch);
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
  }

  /** Resolves when everything queued so far is written. */
  async drain() {
    await this.ops;
    await this.flushes;
  }
}
