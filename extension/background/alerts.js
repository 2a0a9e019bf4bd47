// @ts-check
// What an alert leaves: the alert log's entries (with the sealed lines behind them), what the
// child's screen shows, the parent's notification on this device; and the alert centre's
// options:data and options:alerts (review, delete).
import '../common/protocol.js';
import { SETTINGS_KEY, SITE_LABELS, validateSettings } from '../common/settings.js';
import { seal } from '../common/crypto.js';
import { ALERT_LOG_KEY, TAMPER_KEY, HEALTH_KEY, AUTH_KEY, entryId } from './store.js';
import { store, settings, managedKeys, newId, rank } from './state.js';
import { unlockedOnly, unlockedUntil } from './auth.js';

const { MSG } = SafeDMProtocol;

/** @type {Record<string, import('./auth.js').Handler>} the alert centre: everything it shows, and review or delete of log entries */
export const ALERT_HANDLERS = {
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
};

/**
 * The lines behind an alert, sealed for the parent: both sides of the conversation as it was
 * read (the last EXCERPT_LINES kept, up to this message), each with its time and whether a
 * reason pointed at it.
 */
const EXCERPT_LINES = 12;
export async function sealExcerpts(rec, a, id) {
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
export function alertKind(a) {
  return (a.reasons || []).some((r) => r.category === 'sextortion') ? 'sextortion' : 'grooming';
}

/** Which of two child alerts of one batch to show: sextortion first, then the higher level. */
export function outranks(next, shown) {
  if ((next.kind === 'sextortion') !== (shown.kind === 'sextortion')) return next.kind === 'sextortion';
  return rank(next.level) >= rank(shown.level);
}

export function logEntry(site, conversation, contact, a, history) {
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

export function childAlert(site, contact, a, messageId) {
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
 * One notification per conversation: a later alert of the same chat (a new category, say)
 * replaces it rather than stacking another beside it.
 */
export function notifyParent(site, contact, a, childKnows, conversation) {
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
  chrome.notifications.create(`safedm-${site}-${conversation}`, {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title,
    message: message.slice(0, 400),
    priority: childKnows ? 2 : 0,
  });
}

