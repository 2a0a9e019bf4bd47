// @ts-check
// The storage budget (issue 18) and the health notes of the parent's page.
//
// chrome.storage.local is kept under STORE_BUDGET (store.js says why 4 MiB). Over it, or when a
// write fails, the sealed excerpts of reviewed and of old unreviewed alerts are given up first
// (the entries stay, marked), then conversation records untouched longest first, down to their
// guaranteed share (planEviction in store.js has the order); never the alert log's entries,
// tamper log, settings, PIN data or health notes. The parent's page shows a health note saying
// so. A write that still fails is recorded as a health note too. Making room runs inside the
// write queue (a refused write's flush, or `exclusive` for the budget check), so nothing else
// writes while it reads and rewrites the log.

import { ALERT_LOG_KEY, HEALTH_KEY, STORE_BUDGET, EVICT_TO, planEviction, entryId, isConvKey } from './store.js';
import { store, settings, engine, loaded, droppedExcerpts, debug, newId, observing } from './state.js';

let lastBudgetCheck = 0;
const BUDGET_CHECK_MS = 60000; // at most once a minute (Firefox has no getBytesInUse: a full read)
const HEALTH_NOTES = 50;

/**
 * Makes room until what is stored (with `values`, the refused write, in place of theirs) fits:
 * only from inside the write queue (a refused write's makeRoom, or store.exclusive).
 */
export async function evict({ keys = [], values = {}, error = null } = {}) {
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
export async function checkBudget(force = false) {
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

export function noteHealth(note) {
  const entry = { id: newId(), time: Date.now(), reviewed: false, ...note };
  store.update(HEALTH_KEY, (list) => [...(Array.isArray(list) ? list : []), entry].slice(-HEALTH_NOTES))
    .catch((e) => console.error('SafeDM: health note not written', e, entry));
}

export function writeFailed(keys, error) {
  console.error('SafeDM: write failed', keys, error);
  if (keys.includes(HEALTH_KEY)) return; // nowhere left to say it
  noteHealth({
    kind: 'write-failed',
    what: keys.map((k) => (isConvKey(k) ? 'conversation' : k)).filter((k, i, a) => a.indexOf(k) === i),
    error: String(error && error.message ? error.message : error).slice(0, 200),
  });
}
