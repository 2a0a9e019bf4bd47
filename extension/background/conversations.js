// @ts-check
// Each conversation's record keeps a watermark, `mark` = {id, time, top}: the newest message
// scored as new (its id; the newest site time seen; the greatest ordered id on sites whose ids
// are ordered). The content script sorts the rows it finds when a conversation opens against
// it: before it = history, after it = new. A conversation without one was never scored, and
// is scored in full (and may alert). A small bounded memory of ids and text hashes
// (`background/memory.js`: the newest 200 scored as new, the last 100 scored as history, the
// lowest ordered id) catches reloads and edits near the watermark; it replaced 20,000 ids.
//
// The content scripts' messages (content:*: hello, open, messages, status, alert-dismissed) and
// the parent's list of conversations (options:conversations). Batches are scored one at a time.
import '../common/protocol.js';
import { tellsChild, tellsParent, isTrusted } from '../common/settings.js';
import { convKey, isConvKey, ALERT_LOG_KEY } from './store.js';
import {
  memoryFrom, memoryToJson, knownHash, inScoredRange, remember, commitRange, idLess,
} from './memory.js';
import {
  store, settings, engine, settingsReady, ready, loaded, opened, debug, str, LEVELS, rank, setObserving,
} from './state.js';
import { checkBudget } from './budget.js';
import { sealExcerpts, outranks, logEntry, childAlert, notifyParent } from './alerts.js';
import { unlockedOnly } from './auth.js';

const { MSG, ERROR, CHILD_ACTIONS } = SafeDMProtocol;

const RECENT_CAP = 300;
const EXCERPTS_PER_CONV = 30; // texts kept in memory (only with evidence keeping on) to seal
const EXCERPT_MAX = 280;
/** @type {Promise<unknown>} work is serialised: one batch at a time, so state export/import never interleaves */
let work = Promise.resolve();

/** @type {Record<string, import('./auth.js').Handler>} the content scripts' messages, and the list of conversations for the parent's page */
export const CONVERSATION_HANDLERS = {
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

export async function setTabStatus(sender, patch) {
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
export function markOf(rec) {
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


export async function loadConversation(site, conversation) {
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

export async function observeBatch(msg, sender) {
  await ready;
  const t0 = performance.now();
  try {
    return await observeBatchInner(msg, sender);
  } finally {
    setObserving(null);
    debug.batches = (debug.batches || 0) + 1;
    debug.batchMs = (debug.batchMs || 0) + (performance.now() - t0);
  }
}

export async function observeBatchInner(msg, sender) {
  const site = str(msg.site, 40);
  const conversation = str(msg.conversation, 300);
  if (!site || !conversation || !Array.isArray(msg.messages)) throw new Error(ERROR.BAD_BATCH);
  if (!settings.sites[site]) return { result: { type: MSG.WORKER_ASSESSMENT, skipped: true }, saved: null };
  const key = convKey(site, conversation);
  setObserving(key);
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
          notifyParent(site, rec.contact, a, tellsChild(settings), conversation);
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
