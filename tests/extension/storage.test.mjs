// Issue 18 in a real Chromium: chrome.storage.local filled to its quota (10 MiB) with realistic
// conversation records (a real record of this extension cloned under other conversations, as
// users of the old version had them with 20,000 remembered ids each, and the new, small form),
// then a grooming chat played on the Discord fixture: every alert-log entry the same chat writes
// on an empty store is written, the conversation's state is kept, the store is back under its
// budget, the conversations untouched longest were the ones forgotten, the log, tamper log,
// settings and PIN data are untouched, and the parent's page says so. Also: a reload of a chat
// longer than the ids remembered re-scores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

const PIN = '5931';
const BUDGET = 4 * 1024 * 1024; // STORE_BUDGET in background/store.js
let h;
before(async () => { h = await t.launch({ locale: 'en-GB' }); });
after(async () => {
  if (h) {
    assert.deepEqual(h.violations, [], 'no request may leave the browser');
    await h.close();
  }
});

const bytesInUse = () => t.evalWorker(h, () => chrome.storage.local.getBytesInUse(null));
const local = () => t.storage(h);
const convOf = (name, key = 'A') => t.SITES[name][key].split('/').pop();

/**
 * Fills chrome.storage.local to its quota with clones of `rec` under new Discord conversations,
 * untouched for `days`..1 days: `legacy` of them in the old form (20,000 seen ids), then the new
 * form until a write is refused, then smaller pads until nothing more fits. -> [{key, updated}]
 */
const fill = (rec, { legacy, days, prefix }) => t.evalWorker(h, async ({ rec, legacy, days, prefix }) => {
  const made = [];
  const now = Date.now();
  let i = 0;
  const put = async (value) => {
    const key = `conv:discord:${prefix}${String(i).padStart(6, '0')}`;
    const updated = now - (days * 86400000) + i * 60000;
    i++;
    try {
      await chrome.storage.local.set({ [key]: { ...value, conversation: key.slice(13), updated } });
      made.push({ key, updated });
      return true;
    } catch (_) {
      return false;
    }
  };
  const { recent, older, low, lowNext, ...base } = rec;
  for (let n = 0; n < legacy; n++) {
    const seen = {};
    for (let j = 0; j < 20000; j++) seen[`1180${String(n).padStart(4, '0')}${String(j).padStart(11, '0')}`] = (j * 2654435761 >>> 0).toString(16).padStart(8, '0');
    if (!(await put({ ...base, seen }))) break;
  }
  while (await put(rec));
  for (const pad of [4096, 1024, 256, 64]) while (await put({ v: 1, updated: 0, pad: 'p'.repeat(pad) }));
  return made;
}, { arg: { rec, legacy, days, prefix }, timeout: 60000 });

test('a store full to its quota: every alert is logged, the state kept, the store back under budget, the oldest forgotten', async () => {
  // The parent's side set up (PIN data and settings that must survive), through the worker's API.
  const opts = await t.optionsPage(h);
  const res = await opts.evaluate((pin) => chrome.runtime.sendMessage({
    type: 'options:setup', pin, settings: { ageBand: '13-15', audience: 'both', sensitivity: 'balanced' },
  }), PIN);
  assert.equal(res.type, 'worker:ok');
  await t.evalWorker(h, () => chrome.storage.local.set({ tamperLog: [{ id: 'tamper-1', time: 1, kind: 'reenabled', reviewed: false }] }).then(() => true));

  // The same chat on an empty store: how many log entries it writes, and a real record.
  let page = await t.openSite(h, 'discord', { key: 'A' });
  await t.play(page, t.GROOMING);
  await t.sleep(500);
  assert.ok(await t.waitAlert(page, 3000), 'the chat alerts on an empty store');
  await page.close();
  let st = await local();
  const convA = convOf('discord', 'A');
  const expected = st.alertLog.filter((e) => e.conversation === convA).length;
  assert.ok(expected >= 2, `the chat writes ${expected} log entries`);
  const record = st[`conv:discord:${convA}`];
  assert.equal(record.state.messages, t.GROOMING.length);
  const recordBytes = JSON.stringify(record).length;
  assert.ok(recordBytes < 13000, `one conversation record: ${recordBytes} bytes`);
  const kept = { auth: st.auth, settings: st.settings, tamperLog: st.tamperLog, alertLog: st.alertLog };

  // Full: 14 records of the old form (about 650 KB each) and the new form up to the quota.
  const filled = await fill(record, { legacy: 14, days: 300, prefix: '9' });
  const full = await bytesInUse();
  assert.ok(full > 10485760 - 200, `the store is full (${full} bytes)`);

  // The grooming chat on another conversation, the store refilled to its quota halfway through,
  // so that the alert-log writes meet a full store too.
  page = await t.openSite(h, 'discord', { key: 'B' });
  await t.play(page, t.GROOMING.slice(0, 4));
  await t.sleep(500);
  const refilled = await fill(record, { legacy: 0, days: 200, prefix: '8' });
  assert.ok(refilled.length > 0 && (await bytesInUse()) > 10485760 - 200, 'full again');
  await t.play(page, t.GROOMING.slice(4));
  assert.ok(await t.waitAlert(page, 5000), 'the alert shows on a full store');
  await t.sleep(800);
  await t.evalWorker(h, async () => { await new Promise((r) => setTimeout(r, 300)); return true; });

  st = await local();
  const convB = convOf('discord', 'B');
  assert.equal(st.alertLog.filter((e) => e.conversation === convB).length, expected, 'every alert-log entry was written');
  assert.deepEqual(st.alertLog.slice(0, kept.alertLog.length), kept.alertLog, 'the earlier log is untouched');
  assert.equal(st[`conv:discord:${convB}`].state.messages, t.GROOMING.length, "the conversation's state is kept, every message in it");
  assert.ok(st[`conv:discord:${convA}`], 'the conversation touched a minute ago is kept');
  for (const k of ['auth', 'settings', 'tamperLog']) assert.deepEqual(st[k], kept[k], `${k} untouched`);
  const used = await bytesInUse();
  assert.ok(used <= BUDGET, `back under the budget: ${used} bytes <= ${BUDGET}`);

  // Forgotten: conversations untouched longest first.
  const all = [...filled, ...refilled];
  const gone = all.filter((c) => !(c.key in st));
  const left = all.filter((c) => c.key in st);
  assert.ok(gone.length > 0, 'old conversations were forgotten');
  if (left.length) assert.ok(Math.min(...left.map((c) => c.updated)) >= Math.max(...gone.map((c) => c.updated)), 'only ones untouched longer than every kept one');
  const notes = (st.health || []).filter((n) => n.kind === 'forgotten');
  assert.ok(notes.length > 0 && notes.reduce((n, x) => n + x.count, 0) === gone.length, 'a health note counts them');
  assert.ok(!(st.health || []).some((n) => n.kind === 'write-failed'), 'no write failed');

  // The parent's page says so.
  await opts.reload();
  await opts.waitForSelector('#lock-pin, #alerts', { timeout: 10000 });
  if (await opts.isVisible('#lock-pin')) await t.unlock(opts, PIN); // the session may have timed out
  await opts.waitForSelector('#health', { timeout: 10000 });
  assert.match(await opts.textContent('#health'), /forgot \d+ old conversations/);
  assert.match(await opts.textContent('#health'), /alerts are still in this log/);
  await opts.screenshot({ path: t.screenshotPath('storage-health.png'), fullPage: true });
  await page.close();
});

test('a reload of a Telegram chat longer than the ids remembered (450 messages) re-scores none of them', async () => {
  const observed = () => t.evalWorker(h, () => globalThis.safedm.observed || 0);
  const o0 = await observed();
  const seed = Array.from({ length: 450 }, (_, i) => [i % 2 ? 'child' : 'contact', `message number ${i} about the match`]);
  h.nextSeed = seed;
  const page = await h.ctx.newPage();
  await page.goto(t.SITES['telegram-k'].origin + t.SITES['telegram-k'].A);
  const conv = (await t.waitSettled(h, page)).conversation;
  const scored = async () => (await observed()) - o0; // (safedm.recent keeps only the last 300)
  const deadline = Date.now() + 20000;
  while ((await scored()) < 450 && Date.now() < deadline) await t.sleep(200);
  assert.equal(await scored(), 450, 'a chat opened for the first time is scored in full');
  const key = `conv:telegram:${conv}`;
  const rec = (await local())[key];
  assert.equal(rec.state.messages, 450);
  assert.ok(rec.recent.length <= 200 && !rec.seen, `a bounded memory (${rec.recent.length} ids), not every id`);
  assert.ok(JSON.stringify(rec).length < 13000, `record ${JSON.stringify(rec).length} bytes`);

  h.nextSeed = seed; // the page presents the same 450 rows (same ids) again
  await page.reload();
  await t.waitSettled(h, page);
  await t.sleep(1500);
  assert.equal(await scored(), 450, 'nothing re-scored after the reload');
  assert.equal((await local())[key].state.messages, 450);
  await page.close();
});
