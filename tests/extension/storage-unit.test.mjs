// Issue 18 as units, without a browser: the bounded per-conversation memory (background/memory.js),
// the eviction plan and the write queue's retry / priority / failure reporting (background/store.js)
// over a storage area with Chromium's quota arithmetic. The same behaviour in a real Chromium, with
// a full chrome.storage.local: storage.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StorageQueue, convKey, planEviction, itemBytes, isConvKey, STORE_BUDGET, EVICT_TO,
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
  const plan = planEviction(items, { target, keep: new Set([convKey('discord', '0')]) });
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
      const plan = planEviction(items, { target: area.quota - bytes - 5000, keep: new Set(keys) });
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
