// The worker and the observer under the conditions of real pages: a worker stopped by the
// browser mid-conversation, virtualised lists that re-mount rows, history loaded by scrolling
// up, edits, hostile HTML in a message, the generic fallback, locale-chosen help lines, focus,
// and what ends up in storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

let h;
before(async () => { h = await t.launch({ locale: 'en-GB' }); });
after(async () => {
  if (h) {
    assert.deepEqual(h.violations, [], 'no request may leave the browser');
    await h.close();
  }
});

const convState = async (site, conversation) => (await t.storage(h))[`conv:${site}:${conversation}`];

test('a worker stopped mid-conversation loses nothing: the next message alerts with the saved state', async () => {
  await t.resetStorage(h);
  // Dry run elsewhere: the message k at which the grooming sequence first reaches warn/alert,
  // and a control showing that message k alone, in a fresh conversation, does not alert.
  const m0 = await t.mark(h);
  let page = await t.openSite(h, 'telegram-k');
  await t.play(page, t.GROOMING);
  // Every message scored before reading the levels: a worker that has just started warms its
  // engine first, and 300 ms after the last message is then too early.
  let dry = [];
  for (let tries = 0; tries < 100 && dry.length < t.GROOMING.length; tries++) {
    await t.sleep(200);
    dry = (await t.since(h, m0)).filter((m) => m.site === 'telegram');
  }
  const k = dry.findIndex((m) => m.level === 'warn' || m.level === 'alert');
  assert.ok(k > 0, 'the sequence crosses the threshold after its first message');
  await page.evaluate(() => fixture.open('B'));
  await t.waitSettled(h, page);
  await t.play(page, [t.GROOMING[k]]);
  await t.sleep(300);
  const alone = (await t.recent(h)).pop();
  assert.ok(alone.level === 'none' || alone.level === 'watch', 'message k alone stays below warn');
  await page.close();

  page = await t.openSite(h, 'discord');
  await t.play(page, t.GROOMING.slice(0, k));
  await t.sleep(300);
  const conv = (await t.tabStatus(h, page)).conversation;
  const saved = await convState('discord', conv);
  assert.equal(saved.state.messages, k, 'state saved after each batch');
  assert.equal(await t.readAlert(page), null, 'no alert yet');
  const started = await t.evalWorker(h, () => globalThis.safedm.started);

  await t.stopWorkers(h);
  await t.sleep(300);
  // The browser starts the worker again for the next message.
  await t.play(page, [t.GROOMING[k]]);
  const alert = await t.waitAlert(page, 3000);
  assert.ok(alert, 'the next message alerts, from the accumulated state');
  const restarted = await t.evalWorker(h, () => globalThis.safedm.started);
  assert.notEqual(restarted, started, 'the worker really was stopped and started again');
  const recent = await t.recent(h);
  assert.equal(recent.length, 1, 'the new worker scored only the new message');
  assert.equal((await convState('discord', conv)).state.messages, k + 1, 'the saved state continued');
  await page.close();
});

test('a virtualised list re-mounting rows and a history load do not double-count', async () => {
  await t.resetStorage(h);
  for (const name of ['discord', 'instagram']) {
    const m0 = await t.mark(h);
    const page = await h.ctx.newPage();
    await page.goto(t.SITES[name].origin + t.SITES[name].B);
    // Three messages already on the page when it opened, in a chat never scored before: new
    // (unread messages alert; only what was already scored is history, issue 12).
    await page.evaluate((list) => fixture.seed(list.map(([from, text]) => ({ from, text }))), t.FAMILY.slice(0, 3));
    const st = await t.waitSettled(h, page);
    const site = st.site;
    const conv = st.conversation;
    await t.play(page, t.FAMILY.slice(3));
    await t.sleep(300);
    const seen = async () => (await t.since(h, m0)).filter((m) => m.conversation === conv);
    let mine = await seen();
    assert.deepEqual(mine.map((m) => m.history), [false, false, false, false, false, false], `${name}: a chat opened for the first time is scored as new`);

    await page.evaluate(() => fixture.remount());
    await page.evaluate(() => fixture.remount());
    await t.sleep(400);
    assert.equal((await seen()).length, 6, `${name}: re-mounted rows are not re-scored`);

    // Scrolling up loads older messages above: scored once, as history; even grooming ones
    // never alert by themselves.
    await page.evaluate((list) => fixture.history(list.map(([from, text]) => ({ from, text }))), t.GROOMING);
    await t.sleep(600);
    mine = await seen();
    assert.equal(mine.length, 6 + t.GROOMING.length, `${name}: history scored once`);
    assert.ok(mine.slice(6).every((m) => m.history), `${name}: loaded history is history`);
    assert.equal(await t.readAlert(page), null, `${name}: history never alerts by itself`);
    await page.evaluate(() => fixture.remount());
    await t.sleep(400);
    assert.equal((await seen()).length, 6 + t.GROOMING.length);
    assert.equal((await convState(site, conv)).state.messages, 6 + t.GROOMING.length, `${name}: engine state counts each once`);

    // A reload presents every row again: all known, nothing re-scored.
    await page.reload();
    await t.waitSettled(h, page);
    await t.sleep(300);
    assert.equal((await convState(site, conv)).state.messages, 6 + t.GROOMING.length, `${name}: a reload re-scores nothing`);
    await page.close();
  }
});

test('an edited message is scored again once, under its id', async () => {
  await t.resetStorage(h);
  const page = await t.openSite(h, 'telegram-k', { key: 'B' });
  const conv = (await t.tabStatus(h, page)).conversation;
  const m0 = await t.mark(h);
  const [id] = await t.play(page, [['contact', 'see you at the park at 4']]);
  await t.sleep(200);
  await page.evaluate(([i]) => fixture.edit(i, 'see you at the park at 5'), [id]);
  await t.sleep(500);
  const mine = (await t.since(h, m0)).filter((m) => m.conversation === conv);
  assert.deepEqual(mine.map((m) => [m.id, m.edit]), [[id, false], [id, true]]);
  await page.close();
});

test('Telegram: a sent message whose temporary id is replaced is not scored twice', async () => {
  await t.resetStorage(h);
  const page = await t.openSite(h, 'telegram-k', { key: 'B' });
  const conv = (await t.tabStatus(h, page)).conversation;
  const mark = await t.mark(h);
  const [id] = await t.play(page, [['child', 'ok see you at the park']]);
  await t.sleep(300);
  await page.evaluate(([i]) => fixture.reid(i, 900001), [id]);
  await t.sleep(500);
  const mine = (await t.since(h, mark)).filter((m) => m.conversation === conv);
  assert.deepEqual(mine.map((m) => m.id), [id], 'scored once, under its first id');
  await page.close();
});

test('hostile HTML in a message shows up only as text', async () => {
  await t.resetStorage(h);
  const page = await t.openSite(h, 'x');
  const evil = 'keep this secret, dont tell your parents <img src=x onerror="window.__pwned=1"><script>window.__pwned2=1</script> add me on snapchat';
  // An age question and a stated 13 stay below warn; the hostile line (secrecy and a move to
  // another app) is the one that crosses into alert, so it is the message the alert quotes.
  await t.play(page, [...t.GROOMING.slice(0, 4), ['contact', evil]]);
  const alert = await t.waitAlert(page, 3000);
  assert.ok(alert, 'alert shown');
  assert.ok(alert.text.includes('<img src=x onerror="window.__pwned=1">'), 'the tag is shown as text');
  assert.ok(alert.text.includes('<script>window.__pwned2=1</script>'), 'the script tag is shown as text');
  assert.ok(!alert.roles.includes('image') && !alert.roles.includes('img'), 'no image element in the alert');
  await t.sleep(200);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'onerror never ran');
  assert.equal(await page.evaluate(() => window.__pwned2), undefined, 'the script never ran');
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  await page.close();
});

test('storage holds no message text: only engine state, ids, settings and the alert log', async () => {
  const all = await t.storage(h);
  const json = JSON.stringify(all);
  for (const [, text] of [...t.GROOMING, ...t.FAMILY]) assert.ok(!json.includes(text), `not stored: ${text}`);
  assert.ok(!json.includes('onerror'), 'not stored: the hostile message');
  for (const key of Object.keys(all)) assert.match(key, /^(settings|alertLog|conv:[a-z]+:.+)$/);
  assert.ok(all.settings && all.settings.sensitivity === 'balanced');
});

test('an alert raises a notification for the parent; none when the settings say not on this device', async () => {
  const count = () => t.evalWorker(h, async () => Object.keys(await chrome.notifications.getAll()).length);
  await t.evalWorker(h, async () => {
    for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
  });
  await t.resetStorage(h);
  let page = await t.openSite(h, 'reddit');
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000));
  await t.sleep(300);
  assert.ok((await count()) >= 1, 'a notification was raised');
  await page.close();

  await t.evalWorker(h, async () => {
    for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...settings, notifyOnThisDevice: false } });
  });
  await t.resetStorage(h);
  await t.sleep(200);
  page = await t.openSite(h, 'reddit');
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000), 'the child still sees the alert');
  await t.sleep(300);
  assert.equal(await count(), 0, 'no notification');
  const log = (await t.storage(h)).alertLog;
  assert.ok(log.some((e) => e.level === 'alert'), 'the alert is still logged');
  await t.evalWorker(h, async () => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...settings, notifyOnThisDevice: true } });
  });
  await page.close();
});

test('never steals focus from the composer, and help lines follow the locale (en-GB)', async () => {
  await t.resetStorage(h);
  const page = await t.openSite(h, 'discord');
  await page.focus('[role="textbox"]');
  await page.keyboard.type('hi');
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000));
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'textbox', 'focus stays in the composer');
  await t.clickAlertButton(page, 'Talk to someone');
  const talk = await t.readAlert(page);
  assert.match(talk.text, /Childline/);
  assert.match(talk.text, /0800 1111/);
  assert.match(talk.text, /childline\.org\.uk/);
  assert.match(talk.text, /CEOP/);
  assert.doesNotMatch(talk.text, /CyberTipline/);
  await page.screenshot({ path: t.screenshotPath('alert-talk-en-GB.png') });
  await t.clickAlertButton(page, 'Show me how to block and report');
  const block = await t.readAlert(page);
  assert.match(block.text, /Block/);
  // Keyboard: Tab from the composer reaches the alert's buttons; Escape closes it.
  await page.focus('[role="textbox"]');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.localName), 'safedm-alert', 'Tab reaches the alert');
  await page.keyboard.press('Escape');
  assert.equal(await t.readAlert(page), null, 'Escape closes it');
  await page.close();
});

test('when the adapter stops matching, the generic reader takes over and the status says so', async () => {
  await t.resetStorage(h);
  const page = await h.ctx.newPage();
  await page.goto(t.SITES.discord.origin + t.SITES.discord.A + '?layout=changed');
  await page.evaluate((list) => fixture.seed(list.map(([from, text]) => ({ from, text }))), t.FAMILY.slice(0, 3));
  let st;
  for (let i = 0; i < 60; i++) {
    st = await t.tabStatus(h, page);
    if (st && st.adapter === 'generic') break;
    await t.sleep(100);
  }
  assert.equal(st.adapter, 'generic');
  assert.equal(st.code, 'generic-reader', 'the status says why, as a code (common/protocol.js STATUS)');
  // The popup says so too.
  const tabId = await t.evalWorker(h, async (conv) => {
    const all = await chrome.storage.session.get(null);
    const key = Object.keys(all).find((k) => all[k].conversation === conv && all[k].adapter === 'generic');
    return Number(key.split(':')[1]);
  }, { arg: st.conversation });
  const popup = await h.ctx.newPage();
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?tab=${tabId}`);
  await popup.waitForFunction(() => document.getElementById('reader').textContent.length > 0);
  assert.match(await popup.textContent('body'), /Watching Discord direct messages[\s\S]*generic reader/);
  await popup.screenshot({ path: t.screenshotPath('popup-generic.png') });
  await popup.close();
  await t.sleep(800);
  const mark = await t.mark(h);
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000), 'still alerts');
  const mine = await t.since(h, mark);
  assert.deepEqual(mine.map((m) => m.role), t.GROOMING.map(([f]) => f), 'directions from bubble alignment');
  await page.close();
});

test('no request from any extension context: the watch itself sees a worker request', async () => {
  // Positive control: a request made by the service worker is seen (and blocked) by the watch,
  // so an empty violation list means something.
  await t.evalWorker(h, () => fetch('https://discord.com/__canary').catch(() => 0));
  await t.sleep(300);
  const canary = h.violations.filter((v) => v.url.includes('__canary'));
  assert.equal(canary.length, 1, 'the canary was caught');
  h.violations.splice(0, h.violations.length, ...h.violations.filter((v) => !v.url.includes('__canary')));
  // Every request of the run so far: the fixture documents and the extension's own files.
  const outside = h.requests.filter((r) => !r.url.startsWith('chrome-extension://') && !r.url.includes('__canary') &&
    !Object.values(t.SITES).some((s) => r.url.startsWith(s.origin)));
  assert.deepEqual(outside, []);
});

// Named regression: a parent's "Love you, see you later" once took a short family chat to
// `alert` through the learned model alone (fixed: the model raises levels only over 8+ contact
// messages, and it now trains on present-day short chats).
test('a family chat with "Love you, see you later" raises no alert', async () => {
  await t.resetStorage(h);
  const page = await t.openSite(h, 'whatsapp', { key: 'B' });
  await t.play(page, t.FAMILY_AFFECTION);
  await t.sleep(800);
  const alert = await t.readAlert(page);
  await page.close();
  assert.equal(alert, null);
});
