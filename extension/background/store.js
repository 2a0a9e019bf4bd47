// @ts-check
// The one write queue to chrome.storage.local. Every write of the worker goes through it, in
// order, so two messages of the same conversation (or two tabs) can't interleave a
// read-modify-write. Writes queued while a write is in flight are coalesced per key into the
// next storage.set() call. Nothing here knows about message text: callers store engine state,
// a few hundred message ids per conversation and the alert log only.
//
// A write is never dropped silently (issue 18). Each flush writes what the parent needs first
// (alert log, tamper log, settings, PIN data, health notes) and conversation states after, in two
// storage.set() calls, so a full store can't take the log down with a conversation's state. A
// failed write asks `makeRoom` (the worker: planEviction's order, excerpts before records) and is
// tried again; what still fails is tried key by key, and only the keys that could not be written
// reject their callers, with `onFailure` told (the worker records a health note for the parent).
// Making room happens inside the queue (in the refused write's flush, or `exclusive`), and every
// value passes `prepare` on its way out, so the log's given-up excerpts stay given up.

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
 * with room for the alert log at its largest without evidence keeping (maxLogEntries, each under
 * 1 KB), the tamper log (200) and the settings. With evidence keeping each entry adds up to about
 * 7 KB of sealed excerpts: those yield first when room runs short, and the records keep at least
 * CONV_RESERVE (planEviction). The rest of the quota is headroom, so the log is never refused.
 */
export const STORE_BUDGET = 4 * 1024 * 1024;
/** Eviction goes down to 90% of the budget, so one eviction buys room for many writes. */
export const EVICT_TO = Math.floor(STORE_BUDGET * 0.9);

const encoder = new TextEncoder();
/** Bytes one item takes as Chromium counts them: the key plus its value's JSON, in UTF-8. */
export const itemBytes = (key, value) => encoder.encode(key).length + encoder.encode(JSON.stringify(value) ?? '').length;

/** Entries written before ids existed are named by their time and conversation. */
export const entryId = (e) => String(e.id || `${e.time}-${e.site}-${e.conversation}`);

/**
 * The conversation records' guaranteed share of the budget: they are never forgotten below
 * 1.5 MiB in all (about 250 records at the bench's mean of 6 KB, 120 at their largest), however
 * large the alert log's sealed excerpts grow. Without evidence keeping the log is at most about
 * 0.5 MiB, so records have 3.5 MiB; with it the excerpts yield first (below).
 */
export const CONV_RESERVE = Math.floor(1.5 * 1024 * 1024);

/**
 * How long an alert's sealed excerpts are kept for a parent who has not marked it reviewed, when
 * room is short: 30 days, so a parent who opens the alert centre once a month still finds the
 * lines of every alert they have not looked at yet. Past it (or once reviewed) they yield to
 * conversation records: an unread alert of two months ago matters less than the detection of
 * the conversations going on now, and its time, site, contact, reasons and levels stay.
 */
export const EXCERPT_GRACE_MS = 30 * 86400000;

/** An entry without its sealed excerpts, marked with when and why they went. */
export function withoutExcerpts(entry, at) {
  const { sealed, ...rest } = entry;
  return { ...rest, excerptRemoved: { time: at, reason: 'room' } };
}

/**
 * The alert log with the excerpts of the entries in `dropped` (Map entry id -> time decided)
 * removed. Applied to every value of the log written (StorageQueue's `prepare`), so a log read
 * before the decision and written after it can't bring them back.
 */
export function stripExcerpts(log, dropped) {
  if (!Array.isArray(log) || !dropped || !dropped.size) return log;
  let changed = false;
  const out = log.map((e) => {
    if (!e || typeof e !== 'object' || !e.sealed || !dropped.has(entryId(e))) return e;
    changed = true;
    return withoutExcerpts(e, dropped.get(entryId(e)));
  });
  return changed ? out : log;
}

/**
 * What to give up so that `items` (everything stored, {key: value}) fits in `target` bytes.
 * Pure, for tests. In this order, each step only while the store is still over `target`:
 *
 * 1. the sealed excerpts of grooming alerts the parent marked reviewed, oldest first;
 * 2. those of unreviewed grooming alerts older than EXCERPT_GRACE_MS, oldest first;
 * 3. and 4. the same for sextortion alerts (never one of theirs while a grooming alert's
 *    excerpts could go instead: a sextortion threat is the case where the lines matter most);
 * 5. conversation records untouched longest first (`updated`; none counts as oldest), but never
 *    below CONV_RESERVE bytes of records in all;
 *
 * and only when `hardTarget` is given (a write was refused: the store is at the browser's quota)
 * and the store is still over it: 6. the excerpts of the youngest unreviewed alerts (grooming
 * first, oldest first), then 7. records below the reserve. Each entry keeps its metadata (time,
 * site, contact, reasons, levels) and is marked `excerptRemoved`. Never the log's entries
 * themselves, the tamper log, settings, PIN data or health notes; never a record in `keep`.
 * -> {remove: [conversation key], strip: [entry id], before, after, convBytes}
 */
export function planEviction(items, {
  target = EVICT_TO, keep = new Set(), extra = 0, now = Date.now(), hardTarget = null, reserve = CONV_RESERVE,
} = {}) {
  let total = extra;
  let convBytes = 0;
  const convs = [];
  for (const [key, value] of Object.entries(items)) {
    const bytes = itemBytes(key, value);
    total += bytes;
    if (isConvKey(key)) {
      convBytes += bytes;
      if (keep.has(key)) continue;
      const updated = value && typeof value === 'object' && Number.isFinite(value.updated) ? value.updated : 0;
      convs.push({ key, bytes, updated });
    }
  }
  const before = total;
  convs.sort((a, b) => a.updated - b.updated || (a.key < b.key ? -1 : 1));
  // Alert-log entries with excerpts, by tier: 0 reviewed grooming, 1 old unreviewed grooming,
  // 2 and 3 the same for sextortion, 4 young unreviewed grooming, 5 young sextortion.
  const log = Array.isArray(items[ALERT_LOG_KEY]) ? items[ALERT_LOG_KEY] : [];
  const sealed = [];
  for (const e of log) {
    if (!e || typeof e !== 'object' || !e.sealed) continue;
    const sext = e.kind === 'sextortion';
    const time = Number.isFinite(e.time) ? e.time : 0;
    const old = e.reviewed || now - time > EXCERPT_GRACE_MS;
    const tier = old ? (sext ? 2 : 0) + (e.reviewed ? 0 : 1) : sext ? 5 : 4;
    const bytes = encoder.encode(JSON.stringify(e)).length - encoder.encode(JSON.stringify(withoutExcerpts(e, now))).length;
    sealed.push({ id: entryId(e), tier, time, bytes });
  }
  sealed.sort((a, b) => a.tier - b.tier || a.time - b.time);
  const remove = [];
  const strip = [];
  const removed = new Set();
  const stripTiers = (lo, hi, goal) => {
    for (const s of sealed) {
      if (total <= goal) return;
      if (s.tier < lo || s.tier > hi || strip.includes(s.id)) continue;
      strip.push(s.id);
      total -= s.bytes;
    }
  };
  const forget = (goal, floor) => {
    for (const c of convs) {
      if (total <= goal) return;
      if (removed.has(c.key) || convBytes - c.bytes < floor) continue;
      removed.add(c.key);
      remove.push(c.key);
      total -= c.bytes;
      convBytes -= c.bytes;
    }
  };
  stripTiers(0, 3, target);
  forget(target, reserve);
  if (hardTarget !== null) {
    stripTiers(4, 5, hardTarget);
    forget(hardTarget, 0);
  }
  return { remove, strip, before, after: total, convBytes };
}

export class StorageQueue {
  /**
   * @param {chrome.storage.StorageArea} area
   * @param {{makeRoom?: (ctx: {keys: string[], values: object, bytes: number, error: any}) => Promise<number>,
   *          onFailure?: (keys: string[], error: any) => void,
   *          prepare?: (key: string, value: any) => any}} hooks
   *   makeRoom: frees space, resolves with the bytes freed (0: nothing more to free); it runs
   *     inside the flush, so it may write with `rewrite` but must not wait for queued writes;
   *   onFailure: keys that could not be written even then;
   *   prepare: applied to every value just before it is written (the worker strips the excerpts
   *     it gave up from the alert log there, so no stale copy of the log brings them back).
   */
  constructor(area, { makeRoom = null, onFailure = null, prepare = null } = {}) {
    this.area = area;
    this.makeRoom = makeRoom;
    this.onFailure = onFailure;
    this.prepare = prepare || ((k, v) => v);
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

  /**
   * Runs `fn` between two flushes, with nothing else writing: the worker's budget check makes
   * room here, as a refused write does inside its flush. Resolves with what `fn` resolves.
   */
  exclusive(fn) {
    const run = this.flushes.then(fn);
    this.flushes = run.catch(() => {});
    return run;
  }

  /**
   * Writes the stored value of `key` again through `prepare`, now. Only from makeRoom or an
   * `exclusive` function (nothing else is writing then); a newer value waiting in the queue is
   * written by the next flush, prepared the same way.
   */
  async rewrite(key) {
    const got = await this.area.get(key);
    if (got[key] === undefined) return;
    await this.area.set({ [key]: this.prepare(key, got[key]) });
  }

  /** Writes [[key, value]]; on failure makes room and retries, then key by key. */
  async write(group, waiters) {
    const keys = group.map(([k]) => k);
    let error = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      // Prepared at each attempt: making room may have changed what `prepare` does.
      const batch = Object.fromEntries(group.map(([k, v]) => [k, this.prepare(k, v)]));
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
        const bytes = Object.entries(batch).reduce((n, [k, v]) => n + itemBytes(k, v), 0);
        freed = await this.makeRoom({ keys, values: batch, bytes, error });
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
