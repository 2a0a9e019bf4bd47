// Kept evidence must not crowd out conversation state, in a real Chromium: evidence keeping on,
// two grooming chats (one marked reviewed, one not), then chrome.storage.local filled past the
// 4 MiB budget with recent conversation records, and a cold worker's budget check. The reviewed
// chat's sealed excerpts are removed first, its entries keep their metadata and say why; the
// unreviewed, young chat keeps its excerpts; records are forgotten only after that, untouched
// longest first, and never below their share; the parent's card, the health note and both
// report formats say in words that the lines were removed to make room. The order itself, in
// every case, is tested as units in storage-unit.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as t from './helpers.mjs';

const PIN = '6284';
const BUDGET = 4 * 1024 * 1024; // STORE_BUDGET in background/store.js
const RESERVE = 1.5 * 1024 * 1024; // CONV_RESERVE
let h;
before(async () => { h = await t.launch({ locale: 'en-GB' }); });
after(async () => {
  if (h) {
    assert.deepEqual(h.violations, [], 'no request may leave the browser');
    await h.close();
  }
});

const local = () => t.storage(h);
const convOf = (name, key) => t.SITES[name][key].split('/').pop();

test('over the budget: reviewed excerpts go first and say so; unread ones and the records\' share stay', async () => {
  const opts = await t.optionsPage(h);
  await t.finishSetup(opts, PIN, ['input[name=evidence]']);

  // Two grooming chats: A reviewed by the parent, B not.
  for (const key of ['A', 'B']) {
    const page = await t.openSite(h, 'discord', { key });
    await t.play(page, t.GROOMING);
    assert.ok(await t.waitAlert(page, 3000), `chat ${key} alerts`);
    await t.sleep(400);
    await page.close();
  }
  const convA = convOf('discord', 'A');
  const convB = convOf('discord', 'B');
  let st = await local();
  assert.ok(st.alertLog.filter((e) => e.conversation === convA).every((e) => e.sealed), 'A: excerpts kept');
  assert.ok(st.alertLog.some((e) => e.conversation === convB && e.sealed), 'B: excerpts kept');
  await opts.waitForFunction((c) => [...document.querySelectorAll('#alert-list article')].some((a) => a.dataset.conversation === c), convA);
  await opts.click(`#alert-list article[data-conversation="${convA}"] button.review`);
  await opts.waitForSelector(`#alert-list article[data-conversation="${convA}"] .badge.reviewed`);
  const logBefore = (await local()).alertLog;

  // Recent conversation records (touched in the last hours) past the budget: 380 of 11 KB.
  const made = await t.evalWorker(h, async () => {
    const now = Date.now();
    const items = {};
    for (let i = 0; i < 380; i++) {
      items[`conv:discord:77${String(i).padStart(6, '0')}`] = { v: 1, site: 'discord', updated: now - 3600000 * 5 + i * 1000, pad: 'p'.repeat(11000) };
    }
    await chrome.storage.local.set(items);
    return Object.entries(items).map(([key, v]) => ({ key, updated: v.updated }));
  }, { timeout: 30000 });
  assert.ok((await t.evalWorker(h, () => chrome.storage.local.getBytesInUse(null))) > BUDGET, 'over the budget');
  // A cold worker looks at the budget when it starts.
  await t.stopWorkers(h);
  await t.evalWorker(h, () => true);
  await t.evalWorker(h, async () => {
    for (let i = 0; i < 100; i++) {
      if ((await chrome.storage.local.getBytesInUse(null)) <= 4 * 1024 * 1024) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }, { wait: true, timeout: 20000 });

  st = await local();
  const used = await t.evalWorker(h, () => chrome.storage.local.getBytesInUse(null));
  assert.ok(used <= BUDGET, `back under the budget: ${used}`);
  assert.equal(st.alertLog.length, logBefore.length, 'no entry of the log is lost');
  for (const [i, e] of st.alertLog.entries()) {
    const was = logBefore[i];
    for (const k of ['id', 'time', 'site', 'conversation', 'contact', 'kind', 'level', 'risk', 'stage', 'reasons', 'since', 'reviewed']) {
      assert.deepEqual(e[k], was[k], `entry ${i}: ${k} kept`);
    }
    if (e.conversation === convA) {
      assert.ok(!e.sealed && e.excerptRemoved && e.excerptRemoved.reason === 'room', 'A (reviewed): excerpts removed, and marked');
    } else assert.deepEqual(e.sealed, was.sealed, 'B (unread, young): excerpts kept');
  }
  const gone = made.filter((c) => !(c.key in st));
  const left = made.filter((c) => c.key in st);
  assert.ok(gone.length > 0, 'the excerpts were not enough: records were forgotten after them');
  assert.ok(Math.min(...left.map((c) => c.updated)) >= Math.max(...gone.map((c) => c.updated)), 'untouched longest first');
  const convBytes = Object.entries(st).filter(([k]) => k.startsWith('conv:')).reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
  assert.ok(convBytes >= RESERVE, `records keep their share: ${convBytes}`);
  const removedNote = (st.health || []).find((n) => n.kind === 'excerpts-removed');
  assert.ok(removedNote && removedNote.count === logBefore.filter((e) => e.conversation === convA).length, 'a health note counts them');
  assert.ok(!(st.health || []).some((n) => n.kind === 'write-failed'));

  // The parent's card, the health note and the report say so in words.
  await opts.reload();
  await opts.waitForSelector('#lock-pin, #alerts', { timeout: 10000 });
  if (await opts.isVisible('#lock-pin')) await t.unlock(opts, PIN);
  await opts.waitForSelector(`#alert-list article[data-conversation="${convA}"] .excerpts-removed`, { timeout: 10000 });
  const nA = logBefore.filter((e) => e.conversation === convA).length;
  assert.match(await opts.textContent(`#alert-list article[data-conversation="${convA}"] .excerpts-removed`),
    new RegExp(`The kept lines of ${nA} of these alerts were removed on .+ to make room in SafeDM's storage\\. Their time, site, contact, reasons and levels are kept\\.`));
  assert.equal(await opts.$(`#alert-list article[data-conversation="${convB}"] .excerpts-removed`), null, 'not on the unread card');
  assert.ok((await opts.$$(`#alert-list article[data-conversation="${convB}"] .excerpts blockquote`)).length > 0, 'B\'s lines open');
  assert.match(await opts.textContent('#health'), new RegExp(`removed the kept lines of ${nA} alerts`));
  await opts.screenshot({ path: t.screenshotPath('evidence-room-card.png'), fullPage: true });

  const [dj] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-json')]);
  const json = JSON.parse(fs.readFileSync(await dj.path(), 'utf8'));
  const cA = json.conversations.find((c) => c.conversationId === convA);
  const cB = json.conversations.find((c) => c.conversationId === convB);
  assert.equal(cA.linesRemoved.count, nA);
  assert.match(cA.linesRemoved.text, /removed on .+ to make room/);
  assert.ok(cA.alerts.every((a) => /[+-]\d\d:\d\d$/.test(a.excerptRemoved) && /kept lines removed on .+ to make room/.test(a.excerptRemovedText)));
  assert.ok(cA.alerts.every((a) => a.reasons.length && a.levelText), 'reasons and levels still in the report');
  assert.equal(cB.linesRemoved, undefined);
  assert.ok(cB.lines.length > 0);
  const [dl] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-html')]);
  const html = fs.readFileSync(await dl.path(), 'utf8');
  assert.match(html, new RegExp(`The kept lines of ${nA} of these alerts were removed on [^<]+ to make room in SafeDM(&#39;|'|’)s storage`));
  assert.doesNotMatch(html, /No messages were kept for this conversation/, 'not said as if nothing had been kept');
});
