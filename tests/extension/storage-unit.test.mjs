// Issue 18 as units, without a browser: the bounded per-conversation memory (background/memory.js),
// the eviction plan and the write queue's retry / priority / failure reporting (background/store.js)
// over a storage area with Chromium's quota arithmetic. The same behaviour in a real Chromium, with
// a full chrome.storage.local: storage.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StorageQueue, convKey, planEviction, itemBytes, isConvKey, stripExcerpts, entryId, STORE_BUDGET, EVICT_TO,
  CONV_RESERVE, EXCERPT_GRACE_MS,
} from '../../extension/background/store.js';
import {
  memoryFrom, memoryToJson, knownHash, inScoredRange, remember, commitRange, RECENT_IDS, OLDER_IDS,
} from '../../extension/background/memory.js';

/** A storage area with a quota counted as Chromium counts it (key + JSON of the value). */
class QuotaArea {
  constructor(quota) { this.quota = quota; this.data = {}; this.sets = []; }
  bytes(data = this.data) { return Object.entries(data).reduce((n, [k, v]) => n + itemBytes(k, v), 0); }
  async get(key) {
    await null;
    if (key === null) return structuredClone(this.data);
    return key in this.data ? { [key]: structuredClone(this.data[key]) } : {};
  }
  async set(obj) {
    await new Promise((r) => setTimeout(r, 1));
    const next = { ...this.data, ...structuredClone(obj) };
    if (this.bytes(next) > this.quota) throw new Error('Resource::kQuotaBytes quota exceeded');
    this.sets.push(Object.keys(obj));
    this.data = next;
  }
  async remove(keys) { for (const k of [].concat(keys)) delete this.data[k]; }
}

test('memory: the newest 200 ids scored as new and the last 100 scored as history, in order, and no more', () => {
  const mem = memoryFrom(undefined);
  for (let i = 1; i <= 5000; i++) remember(mem, String(i), `h${i}`, { ordered: true });
  assert.equal(mem.recent.size, RECENT_IDS);
  assert.equal(knownHash(mem, '5000'), 'h5000');
  assert.equal(knownHash(mem, String(5000 - RECENT_IDS + 1)), `h${5000 - RECENT_IDS + 1}`);
  assert.equal(knownHash(mem, String(5000 - RECENT_IDS)), undefined, 'older new ids are forgotten');
  // Scrolling far up: history does not push the newest rows (what a reload shows) out.
  for (let i = 0; i < 1000; i++) remember(mem, `old${i}`, 'x', { history: true });
  assert.equal(mem.older.size, OLDER_IDS);
  assert.equal(mem.recent.size, RECENT_IDS);
  assert.equal(knownHash(mem, '5000'), 'h5000', 'the newest are still known after a long history load');
  // An edit of a remembered row stays in its set, with its new hash.
  remember(mem, '4990', 'edited');
  assert.equal(knownHash(mem, '4990'), 'edited');
  assert.equal(mem.lowNext, '1', 'the lowest ordered id scored in this page life');
  assert.equal(mem.low, '', 'not yet part of the scored range');
  commitRange(mem);
  assert.equal(mem.low, '1');
});

test('memory: a block of older rows scored oldest first is not taken as scored until the chat is opened again', () => {
  const mem = memoryFrom(undefined);
  for (let i = 100000; i < 100006; i++) remember(mem, String(i), 'h', { ordered: true });
  commitRange(mem); // the page is reloaded
  const top = '100005';
  // Scrolling up: 49992..49999 arrive in document order, oldest first.
  const scored = [];
  for (let i = 49992; i < 50000; i++) {
    const id = String(i);
    if (inScoredRange(mem, id, top)) continue;
    scored.push(id);
    remember(mem, id, 'h', { history: true, ordered: true });
  }
  assert.equal(scored.length, 8, 'every row of the block is scored');
  commitRange(mem); // opened again: the block is now inside the range
  assert.ok(inScoredRange(mem, '49995', top));
  assert.ok(!inScoredRange(mem, '49991', top));
});

test('memory: stored as [id, hash] pairs in scoring order (small numeric ids too), and bounded in bytes', () => {
  const mem = memoryFrom(undefined);
  for (const id of ['300', '20', '1', 'abc', '5']) remember(mem, id, 'h');
  const json = JSON.parse(JSON.stringify(memoryToJson(mem)));
  assert.deepEqual(json.recent.map((p) => p[0]), ['300', '20', '1', 'abc', '5'], 'an object would sort "1" < "5" < "20"');
  const back = memoryFrom(json);
  assert.deepEqual([...back.recent.keys()], ['300', '20', '1', 'abc', '5']);

  // A full memory of Discord-sized ids (19 digits) and hash ids ('h' + 8): about 12 KB at most.
  const full = memoryFrom(undefined);
  for (let i = 0; i < 1000; i++) remember(full, `11900000000${String(i).padStart(8, '0')}`, 'a1b2c3d4', { ordered: true });
  for (let i = 0; i < 1000; i++) remember(full, `h${String(i).padStart(8, '0')}`, 'a1b2c3d4', { history: true });
  const bytes = JSON.stringify(memoryToJson(full)).length;
  assert.ok(bytes < 13000, `memory of ${RECENT_IDS + OLDER_IDS} ids: ${bytes} bytes`);
});

test('memory: a record from before issue 18 (20,000 seen ids) keeps its newest ids and its ordered range', () => {
  const seen = {};
  for (let i = 0; i < 20000; i++) seen[`11900000000${String(10000 + i).padStart(8, '0')}`] = 'h';
  const mem = memoryFrom({ seen, mark: { id: 'x' } });
  assert.equal(mem.recent.size, RECENT_IDS);
  assert.ok(knownHash(mem, `11900000000${String(10000 + 19999).padStart(8, '0')}`));
  assert.equal(mem.low, '1190000000000010000');
  const top = `11900000000${String(10000 + 19999).padStart(8, '0')}`;
  assert.ok(inScoredRange(mem, '1190000000000015000', top), 'forgotten but inside the scored range');
  assert.ok(!inScoredRange(mem, '1190000000000009999', top), 'below the range: never scored');
  assert.ok(!inScoredRange(mem, '1190000000000040000', top), 'above the watermark: new');
  assert.ok(!inScoredRange(mem, 'habcdef12', top), 'hash ids have no order');
});

test('eviction plan: conversations untouched longest first, down to the target; never the log, settings, PIN or health', () => {
  const items = {
    alertLog: Array.from({ length: 100 }, (_, i) => ({ id: String(i), reasons: 'x'.repeat(400) })),
    tamperLog: [{ id: 't', kind: 'reset' }],
    settings: { sensitivity: 'balanced' },
    auth: { pin: { salt: 's', hash: 'h'.repeat(64) } },
    health: [],
    meta: { settingsDigest: 'd' },
  };
  for (let i = 0; i < 50; i++) items[convKey('discord', String(i))] = { updated: 1000 + ((i * 7) % 50), pad: 'p'.repeat(2000) };
  const total = planEviction(items, { target: Infinity }).before;
  const target = total - 20000;
  // (reserve 0: these 50 records are far below the records' guaranteed share, tested below)
  const plan = planEviction(items, { target, keep: new Set([convKey('discord', '0')]), reserve: 0 });
  assert.ok(plan.after <= target && plan.before === total);
  assert.ok(plan.remove.every(isConvKey), 'only conversations');
  assert.ok(!plan.remove.includes(convKey('discord', '0')), 'a key being written is kept');
  const upd = plan.remove.map((k) => items[k].updated);
  assert.deepEqual(upd, [...upd].sort((a, b) => a - b), 'oldest first');
  const left = Object.keys(items).filter((k) => isConvKey(k) && !plan.remove.includes(k) && k !== convKey('discord', '0'));
  assert.ok(left.every((k) => items[k].updated >= Math.max(...upd)), 'every forgotten one was older than every kept one');
  // Nothing but conversations to forget: nothing is removed, however far over.
  assert.deepEqual(planEviction({ alertLog: items.alertLog }, { target: 10 }).remove, []);
  assert.ok(STORE_BUDGET === 4 * 1024 * 1024 && EVICT_TO < STORE_BUDGET);
});

test('queue: a write refused by a full store makes room and is written, the log first, no caller rejected', async () => {
  const area = new QuotaArea(60000);
  for (let i = 0; i < 20; i++) area.data[convKey('x', String(i))] = { updated: i, pad: 'p'.repeat(2800) };
  const calls = [];
  const q = new StorageQueue(area, {
    makeRoom: async ({ keys, bytes }) => {
      calls.push(keys);
      const items = await area.get(null);
      for (const k of keys) delete items[k];
      const plan = planEviction(items, { target: area.quota - bytes - 5000, keep: new Set(keys), reserve: 0 });
      await area.remove(plan.remove);
      return plan.before - plan.after;
    },
    onFailure: () => assert.fail('nothing should fail'),
  });
  // Queued together (one flush): the conversation first, as the worker does after a batch.
  const writes = [
    q.set(convKey('discord', 'new'), { updated: 99, pad: 'q'.repeat(6000) }),
    q.set('alertLog', [{ id: 'a1', pad: 'r'.repeat(3000) }]),
    q.set('settings', { x: 1 }),
  ];
  await Promise.all(writes);
  await q.drain();
  assert.ok(area.data.alertLog && area.data.settings && area.data[convKey('discord', 'new')], 'all three written');
  assert.ok(calls.length >= 1, 'room was made');
  assert.ok(!area.data[convKey('x', '0')], 'the conversation untouched longest was forgotten');
  assert.ok(area.data[convKey('x', '19')], 'the newest kept');
  const first = area.sets.findIndex((ks) => ks.includes('alertLog'));
  const conv = area.sets.findIndex((ks) => ks.includes(convKey('discord', 'new')));
  assert.ok(first >= 0 && first < conv, 'the alert log is written before conversation states');
  assert.ok(area.sets.every((ks) => ks.every(isConvKey) || !ks.some(isConvKey)), 'never in the same call');
});

test('queue: when no room can be made, only the write that failed is rejected, and it is reported', async () => {
  const area = new QuotaArea(8000);
  const failed = [];
  const q = new StorageQueue(area, { makeRoom: async () => 0, onFailure: (keys, e) => failed.push([keys, String(e.message)]) });
  const big = q.set(convKey('discord', 'huge'), { pad: 'p'.repeat(9000) });
  const small = q.set(convKey('discord', 'small'), { pad: 'p'.repeat(100) });
  const logged = q.set('alertLog', [{ id: 'a' }]);
  await assert.rejects(big, /quota/);
  await small;
  await logged;
  assert.deepEqual(Object.keys(area.data).sort(), ['alertLog', convKey('discord', 'small')]);
  assert.deepEqual(failed.map((f) => f[0]), [[convKey('discord', 'huge')]]);
  assert.match(failed[0][1], /quota/);
});

// ---- the records' guaranteed share and the excerpts that yield first ------------------------

const DAY = 86400000;
const NOW = Date.UTC(2026, 11, 3);
/** An alert-log entry with sealed excerpts of about `size` bytes. */
const entry = (id, { kind = 'grooming', reviewed = false, age = 0, size = 6000 } = {}) => ({
  id, time: NOW - age * DAY, site: 'discord', conversation: `c-${id}`, contact: `stranger-${id}`, kind,
  level: 'alert', risk: 0.9, stage: 'isolation', reasons: [{ category: 'secrecy', stage: 'isolation', parent: 'asks to keep it secret' }],
  since: { watch: NOW - age * DAY - 60000, alert: NOW - age * DAY }, reviewed,
  sealed: { epk: 'e', iv: 'i', ct: 'x'.repeat(size) },
});
/** `n` conversation records of `size` bytes, untouched 1..n days (the first the longest). */
const records = (n, size = 6000) => Object.fromEntries(Array.from({ length: n }, (_, i) =>
  [convKey('discord', `r${String(i).padStart(4, '0')}`), { v: 1, updated: NOW - (n - i) * DAY, pad: 'p'.repeat(size) }]));

test('eviction order: reviewed grooming excerpts oldest first, then unreviewed ones past 30 days, then sextortion, then records', () => {
  const log = [
    entry('g-young', { age: 2 }), // unreviewed, 2 days old: kept
    entry('s-rev-old', { kind: 'sextortion', reviewed: true, age: 90 }),
    entry('g-rev-new', { reviewed: true, age: 3 }),
    entry('g-old-40', { age: 40 }),
    entry('g-rev-old', { reviewed: true, age: 60 }),
    entry('s-old', { kind: 'sextortion', age: 45 }),
    entry('g-old-70', { age: 70 }),
    entry('s-young', { kind: 'sextortion', age: 1 }),
  ];
  const items = { alertLog: log, settings: { x: 1 }, ...records(400) }; // 400 records: 2.3 MiB
  const total = planEviction(items, { target: Infinity, now: NOW }).before;
  // Just over by a little: only the first in the order yields.
  let plan = planEviction(items, { target: total - 3000, now: NOW });
  assert.deepEqual(plan.strip, ['g-rev-old']);
  assert.deepEqual(plan.remove, []);
  // Over by the whole log's excerpts and more: every old excerpt in order, then the records
  // untouched longest, and never the young unreviewed ones (2 days, 1 day).
  plan = planEviction(items, { target: total - 6 * 6100 - 20 * 6100, now: NOW });
  assert.deepEqual(plan.strip, ['g-rev-old', 'g-rev-new', 'g-old-70', 'g-old-40', 's-rev-old', 's-old']);
  assert.ok(plan.remove.length >= 20 && plan.remove.length <= 22, `${plan.remove.length} records forgotten`);
  assert.deepEqual(plan.remove, Object.keys(records(400)).slice(0, plan.remove.length), 'records untouched longest first');
  assert.ok(plan.after <= total - 6 * 6100 - 20 * 6100);
  // The 30 days: an unreviewed grooming alert 29 days old is young, 31 days old is not.
  const edge = { alertLog: [entry('a29', { age: 29 }), entry('a31', { age: 31 })], ...records(300) };
  const edgeTotal = planEviction(edge, { target: Infinity }).before;
  assert.deepEqual(planEviction(edge, { target: edgeTotal - 100000, now: NOW }).strip, ['a31']);
  assert.equal(EXCERPT_GRACE_MS, 30 * DAY);
});

test('eviction order: no sextortion excerpt goes while a grooming one may, reviewed or not', () => {
  const log = [
    entry('s-rev-oldest', { kind: 'sextortion', reviewed: true, age: 200 }),
    entry('s-old', { kind: 'sextortion', age: 100 }),
    entry('g-old-newer', { age: 35 }), // unreviewed, past 30 days: before any sextortion one
    entry('g-rev', { reviewed: true, age: 31 }),
  ];
  const items = { alertLog: log, ...records(300) };
  const total = planEviction(items, { target: Infinity }).before;
  const plan = planEviction(items, { target: total - 2 * 5900, now: NOW });
  assert.deepEqual(plan.strip, ['g-rev', 'g-old-newer']);
  const more = planEviction(items, { target: total - 3 * 5900, now: NOW });
  assert.deepEqual(more.strip, ['g-rev', 'g-old-newer', 's-rev-oldest']);
  // Under a refused write, past the budget's order, the young ones go too: grooming first.
  const young = { alertLog: [entry('s-young', { kind: 'sextortion', age: 1 }), entry('g-young', { age: 2 })], ...records(10) };
  const yt = planEviction(young, { target: Infinity }).before;
  assert.deepEqual(planEviction(young, { target: yt - 100, now: NOW }).strip, [], 'not for the budget alone');
  const hard = planEviction(young, { target: yt - 100, hardTarget: yt - 100, now: NOW }); // 10 records: below the reserve
  assert.deepEqual(hard.strip, ['g-young']);
  assert.deepEqual(hard.remove, [], 'an excerpt of an unread alert goes before a record below the reserve');
});

test('the records keep their share: never forgotten below 1.5 MiB, however large a log of unread alerts', () => {
  // 500 unread alerts of the last few days with 7 KB excerpts (3.5 MiB) and 560 records (3.3 MiB).
  const log = Array.from({ length: 500 }, (_, i) => entry(`a${i}`, { age: (i % 20) / 10, size: 7000 }));
  const items = { alertLog: log, ...records(560) };
  const plan = planEviction(items, { target: EVICT_TO, now: NOW });
  assert.deepEqual(plan.strip, [], 'no excerpt of an unread alert is removed for the budget');
  assert.ok(plan.remove.length > 0, 'records untouched longest are forgotten');
  assert.ok(plan.convBytes >= CONV_RESERVE, `records kept: ${plan.convBytes} bytes >= ${CONV_RESERVE}`);
  assert.ok(plan.convBytes < CONV_RESERVE + 6200, 'down to the reserve, not below it');
  assert.ok(plan.after > EVICT_TO, 'over the budget then (the quota is the backstop)');
  assert.ok(CONV_RESERVE === 1.5 * 1024 * 1024);
  // Had they been reviewed, the excerpts would have gone first and no record been forgotten.
  const reviewed = { alertLog: log.map((e) => ({ ...e, reviewed: true })), ...records(560) };
  const p2 = planEviction(reviewed, { target: EVICT_TO, now: NOW });
  assert.deepEqual(p2.remove, []);
  assert.ok(p2.strip.length > 0 && p2.after <= EVICT_TO);
  // Oldest first: the ones stripped are the oldest of the log.
  const byTime = [...log].sort((a, b) => a.time - b.time).map(entryId);
  assert.deepEqual([...p2.strip].sort(), byTime.slice(0, p2.strip.length).sort());
});

test('excerpts removed keep the entry: time, site, contact, reasons, levels, and say why', () => {
  const log = [entry('a', { reviewed: true }), entry('b')];
  const out = stripExcerpts(log, new Map([['a', NOW + 5]]));
  assert.equal(out[0].sealed, undefined);
  assert.deepEqual(out[0].excerptRemoved, { time: NOW + 5, reason: 'room' });
  const { sealed, ...meta } = log[0];
  assert.deepEqual({ ...out[0], excerptRemoved: undefined }, { ...meta, excerptRemoved: undefined }, 'all of its metadata kept');
  assert.ok(out[1].sealed, 'the other entry untouched');
  assert.equal(stripExcerpts(log, new Map()), log);
  assert.ok(log[0].sealed, 'the input is not changed');
});

test('queue: excerpts given up while a stale copy of the log is being updated do not come back; nothing is lost', async () => {
  const area = new QuotaArea(200000);
  area.data.alertLog = [entry('old', { reviewed: true, age: 40, size: 30000 }), entry('keep', { size: 3000 })];
  for (let i = 0; i < 10; i++) area.data[convKey('x', String(i))] = { updated: i, pad: 'p'.repeat(12000) };
  const dropped = new Map();
  const q = new StorageQueue(area, {
    prepare: (k, v) => (k === 'alertLog' ? stripExcerpts(v, dropped) : v),
    makeRoom: async ({ keys, values }) => {
      const items = { ...(await area.get(null)), ...values };
      const plan = planEviction(items, { target: area.quota - 20000, keep: new Set(keys), now: NOW, reserve: 0 });
      for (const id of plan.strip) dropped.set(id, NOW);
      if (!keys.includes('alertLog')) await q.rewrite('alertLog');
      await area.remove(plan.remove);
      return plan.before - plan.after;
    },
    onFailure: () => assert.fail('nothing should fail'),
  });
  // A read-modify-write of the log starts from the stored copy (with the old excerpts) ...
  const upd = q.update('alertLog', (log) => [...log, entry('new', { size: 3000 })]);
  // ... and a conversation write too large for the store is refused and makes room meanwhile.
  const conv = q.set(convKey('discord', 'big'), { updated: 99, pad: 'q'.repeat(60000) });
  await Promise.all([upd, conv]);
  await q.drain();
  const log = area.data.alertLog;
  assert.deepEqual(log.map((e) => e.id), ['old', 'keep', 'new'], 'every entry written, in order');
  assert.ok(!log[0].sealed && log[0].excerptRemoved, "the old entry's excerpts stay removed, and it says so");
  assert.ok(log[1].sealed && log[2].sealed, 'the others keep theirs');
  assert.ok(area.data[convKey('discord', 'big')], 'the conversation written');
  assert.ok(area.data[convKey('x', '9')], 'the excerpts went first: no record was needed');
});

test('queue: making room between flushes (the budget check) waits for the write in flight, and the next one keeps it', async () => {
  const area = new QuotaArea(1e9);
  area.data.alertLog = [entry('a', { reviewed: true })];
  const dropped = new Map();
  const q = new StorageQueue(area, { prepare: (k, v) => (k === 'alertLog' ? stripExcerpts(v, dropped) : v) });
  const w = q.set('alertLog', [area.data.alertLog[0], entry('b')]); // queued: its flush is scheduled
  const ex = q.exclusive(async () => {
    assert.deepEqual(area.data.alertLog.map((e) => e.id), ['a', 'b'], 'the write in flight is done first');
    dropped.set('a', NOW);
    await q.rewrite('alertLog');
  });
  await Promise.all([w, ex]);
  await q.update('alertLog', (log) => [...log, entry('c')]);
  await q.drain();
  assert.deepEqual(area.data.alertLog.map((e) => [e.id, !!e.sealed]), [['a', false], ['b', true], ['c', true]]);
});
