// @ts-check
// What the worker remembers per conversation of the messages it scored (issue 18): no text, only
// ids and short text hashes, in two small bounded sets, plus the lowest ordered id scored.
//
// The watermark (`mark` in the record, see worker.js) decides what is new. These sets only catch
// what the watermark cannot: a reloaded page or a new tab presenting rows that were already
// scored (re-mounts within one page life are caught by the content script's own memory), and
// edits near the newest messages.
//
// Bounds: a reloaded DM page renders its newest rows: Discord about 50 (100–150 after one or two
// loads of older ones), WhatsApp Web 30–100, Instagram, Messenger and X 20–40 (the fixture sites
// of ../shared/research/dom-adapters.md). RECENT_IDS = 200 keeps the newest rows scored as new, a
// reload's screenful with a margin of more than one extra load; OLDER_IDS = 100 keeps the last
// rows scored as history (loaded by scrolling up), for a page reopened where it was scrolled to.
// 300 ids of at most about 40 bytes in JSON: at most about 12 KB per conversation, against 640
// KiB for the 20,000 ids kept before.
//
// Sites with ordered ids (Discord, Telegram): every id between `low` (the smallest ordered id
// scored in an earlier page life) and the watermark's `top` was scored, because the scored part
// of a conversation only grows at its ends (new messages above the watermark, history below).
// A history row in that range that the sets have forgotten is skipped, not scored again. The
// smallest id scored in the current page life waits in `lowNext` and becomes `low` when the
// conversation is next opened (`commitRange`, on content:open): a block of older rows loaded by
// scrolling up arrives oldest first, and must not count as scored while it is being scored.
// Within one page life the content script's own memory already prevents re-scoring. (Jumping
// into the middle of a long chat, e.g. from a search result, and scrolling down from there would
// leave a gap that is then taken as scored: history only, which never alerts.)

export const RECENT_IDS = 200;
export const OLDER_IDS = 100;

/** Numeric string order for ordered ids (snowflakes exceed 2^53). */
export const idLess = (a, b) => a.length < b.length || (a.length === b.length && a < b);
const isOrdered = (id) => /^\d{1,40}$/.test(id);

const pairs = (v) => (Array.isArray(v) ? v.filter((p) => Array.isArray(p) && typeof p[0] === 'string' && p[0]) : []);

/**
 * The memory of a stored record: {recent: Map id -> hash, older: Map, low}. A record from before
 * issue 18 (`seen`, an object of up to 20,000 ids in scoring order) keeps its newest RECENT_IDS
 * ids, and `low` from all of its ordered ids.
 */
export function memoryFrom(saved) {
  const mem = { recent: new Map(), older: new Map(), low: '', lowNext: '' };
  if (!saved || typeof saved !== 'object') return mem;
  if (Array.isArray(saved.recent) || Array.isArray(saved.older)) {
    for (const [id, hash] of pairs(saved.recent).slice(-RECENT_IDS)) mem.recent.set(id, String(hash));
    for (const [id, hash] of pairs(saved.older).slice(-OLDER_IDS)) mem.older.set(id, String(hash));
    mem.low = typeof saved.low === 'string' && isOrdered(saved.low) ? saved.low : '';
    mem.lowNext = typeof saved.lowNext === 'string' && isOrdered(saved.lowNext) ? saved.lowNext : '';
    return mem;
  }
  if (saved.seen && typeof saved.seen === 'object') {
    const all = Object.entries(saved.seen);
    for (const [id] of all) if (isOrdered(id) && (!mem.low || idLess(id, mem.low))) mem.low = id;
    for (const [id, hash] of all.slice(-RECENT_IDS)) mem.recent.set(id, String(hash));
  }
  return mem;
}

/** The stored form: arrays of [id, hash] in scoring order (an object would reorder numeric ids). */
export const memoryToJson = (mem) => ({ recent: [...mem.recent], older: [...mem.older], low: mem.low, lowNext: mem.lowNext });

/** A new page life opens the conversation: what earlier ones scored joins the scored range. */
export function commitRange(mem) {
  if (mem.lowNext && (!mem.low || idLess(mem.lowNext, mem.low))) mem.low = mem.lowNext;
}

/** The text hash an id was scored with, or undefined. */
export const knownHash = (mem, id) => (mem.recent.has(id) ? mem.recent.get(id) : mem.older.get(id));

/**
 * Whether a row older than the watermark, forgotten by the sets, was scored all the same: an
 * ordered id between `low` and the watermark's `top`.
 */
export const inScoredRange = (mem, id, top) =>
  !!mem.low && !!top && isOrdered(id) && !idLess(id, mem.low) && !idLess(top, id);

/** Remembers a scored message; `history`: scored as history (older than the watermark). */
export function remember(mem, id, hash, { history = false, ordered = false } = {}) {
  const inRecent = mem.recent.has(id);
  const set = inRecent || (!history && !mem.older.has(id)) ? mem.recent : mem.older;
  const cap = set === mem.recent ? RECENT_IDS : OLDER_IDS;
  set.delete(id);
  set.set(id, hash);
  while (set.size > cap) set.delete(set.keys().next().value);
  if (ordered && isOrdered(id) && (!mem.lowNext || idLess(id, mem.lowNext))) mem.lowNext = id;
}
