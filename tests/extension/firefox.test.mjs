// The extension in a real Firefox (Debian's firefox-esr, over WebDriver BiDi): installed as a
// temporary add-on, its background starts cold (compiling the engine) as the first chat opens.
// WhatsApp (live from the moment the page opens), Discord (the grooming lines already on the page,
// unread) and Reddit (rows inside closed shadow roots) must raise the in-page alert; a family
// chat must not. Then the parent's side in Firefox: the setup (PIN, the recovery code shown once,
// evidence keeping on), the lock screen, the alert centre with one card for a new grooming chat
// (its reasons and its kept lines, opened with the PIN), and the popup of that tab. No request may
// leave Firefox from any context. One browser for all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';
import { launchFirefox, startAccessibility } from './firefox-helpers.mjs';

let h;
before(async () => {
  h = await launchFirefox();
  await startAccessibility(h.browser);
  await h.installExtension();
});
after(async () => { if (h) await h.close(); });

/** Waits until the background has scored `n` messages of `site` (at most `timeout` ms). */
async function waitScored(site, n, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const got = (await h.recent()).filter((m) => m.site === site);
    if (got.length >= n || Date.now() > deadline) return got;
    await t.sleep(150);
  }
}

async function open(name, { key = 'A', seed = null } = {}) {
  const s = t.SITES[name];
  const page = await h.newPage();
  h.nextSeed = seed;
  await page.goto(s.origin + s[key]);
  await page.bringToFront();
  return page;
}

/** Plays [from, text] messages through the fixture, `gap` ms apart. */
async function play(page, messages, gap = 300) {
  for (const [from, text] of messages) {
    await page.evaluate((f, x) => (f === 'child' ? fixture.send(x) : fixture.receive(x)), from, text);
    await t.sleep(gap);
  }
}

function assertAlert(alert, contact) {
  assert.ok(alert, 'the child sees the alert');
  assert.match(alert.name, /SafeDM/);
  assert.ok(alert.text.includes(contact), `names the contact (${alert.text.slice(0, 120)})`);
  for (const b of ["I'm OK", 'Show me how to block and report', 'Talk to someone']) assert.ok(alert.buttons.includes(b), `button ${b}`);
}

test('Firefox, WhatsApp: a cold background, messages from the moment the page opens: the alert shows', async () => {
  const page = await open('whatsapp');
  await play(page, t.GROOMING);
  const scored = await waitScored('whatsapp', t.GROOMING.length);
  assert.deepEqual(scored.map((m) => m.role), t.GROOMING.map(([f]) => f), 'every message scored once, with its direction');
  assertAlert(await h.waitAlert(page, 4000), 'Sam');
  assert.ok(scored.every((m) => m.history === false), 'none of them is history');
  await page.close();
});

test('Firefox, Discord: grooming lines already on the page when the chat opens (unread) alert', async () => {
  const page = await open('discord', { seed: t.GROOMING });
  const scored = await waitScored('discord', t.GROOMING.length);
  assert.deepEqual(scored.map((m) => m.role), t.GROOMING.map(([f]) => f));
  assertAlert(await h.waitAlert(page, 4000), 'sam_plays');
  assert.ok(scored.every((m) => m.history === false), 'unread messages are not history');
  await page.close();
});

test('Firefox, Reddit: rows inside closed shadow roots are read, and the alert shows', async () => {
  const page = await open('reddit');
  await play(page, t.GROOMING);
  const scored = await waitScored('reddit', t.GROOMING.length);
  assert.deepEqual(scored.map((m) => m.role), t.GROOMING.map(([f]) => f), 'Reddit rows read through openOrClosedShadowRoot');
  assertAlert(await h.waitAlert(page, 4000), 'sam_plays');
  await page.close();
});

test('Firefox: a family chat is scored and raises nothing', async () => {
  const page = await open('discord', { key: 'B' });
  await play(page, t.FAMILY, 150);
  const scored = (await waitScored('discord', t.GROOMING.length + t.FAMILY.length)).slice(t.GROOMING.length);
  assert.deepEqual(scored.map((m) => m.role), t.FAMILY.map(([f]) => f), 'every family message scored');
  assert.ok(scored.every((m) => m.level === 'none' || m.level === 'watch'), 'below warn');
  await t.sleep(500);
  assert.equal(await h.readAlert(page), null, 'no alert');
  const log = (await h.storage()).alertLog || [];
  assert.ok(!log.some((e) => e.conversation === t.SITES.discord.B.split('/').pop()), 'nothing logged for it');
  await page.close();
});

const PIN = '6042';
let recoveryCode = '';
const js = JSON.stringify;

test('Firefox, the parent\'s setup: a PIN, evidence keeping, the recovery code shown once', async () => {
  const opts = await h.openExtPage('/options/options.html', "!!document.querySelector('#setup-form')");
  assert.match(await opts.evaluate("document.getElementById('view-setup').textContent"), /Set up SafeDM/);
  assert.equal(await opts.evaluate("document.getElementById('field-region').value"), 'GB', 'the country from the locale (en-GB)');
  await opts.evaluate(`(() => {
    const f = document.getElementById('setup-form');
    f.pin.value = ${js(PIN)};
    f.pin2.value = ${js(PIN)};
    f.querySelector('input[name=evidence]').checked = true;
    document.getElementById('setup-finish').click();
  })()`);
  recoveryCode = await h.waitIn(opts, "(document.getElementById('recovery-code') || {}).textContent");
  assert.match(recoveryCode, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/, 'the recovery code is shown');
  assert.equal(await opts.evaluate("document.getElementById('recovery-continue').disabled"), true, 'Continue waits for the tick');
  await opts.evaluate("document.getElementById('recovery-kept').click()");
  assert.equal(await opts.evaluate("document.getElementById('recovery-continue').disabled"), false);
  await opts.evaluate("document.getElementById('recovery-continue').click()");
  await h.waitIn(opts, "!!document.getElementById('alerts')");
  assert.equal(await opts.evaluate("document.getElementById('recovery-code')"), null, 'the code left the page');
  assert.match(await opts.evaluate("document.getElementById('notice').textContent"), /set up and watching/);
  const st = await h.storage();
  assert.equal(st.settings.setupDone, true);
  assert.equal(st.settings.evidence, true);
  assert.ok(st.auth.pin.hash && st.auth.recovery.hash && st.auth.evidence.pub, 'PIN and code hashed, the evidence key made');
  assert.ok(!JSON.stringify(st).includes(PIN) && !JSON.stringify(st).includes(recoveryCode), 'neither is stored');
  await opts.close();
});

test('Firefox, the alert centre: locked when opened, one card for a new grooming chat, its kept lines opened with the PIN', async () => {
  // Only this chat's alerts (the earlier tests' are forgotten; the background's memory of their
  // messages stays, and Instagram was not opened before).
  await h.evalExt("browser.storage.local.remove('alertLog')");
  const page = await open('instagram');
  await play(page, t.GROOMING);
  await waitScored('instagram', t.GROOMING.length);
  assertAlert(await h.waitAlert(page, 4000), 'sam.plays');

  const opts = await h.openExtPage('/options/options.html', "!!document.getElementById('lock-pin')");
  await opts.evaluate(`(() => { document.getElementById('lock-pin').value = ${js(PIN)}; document.getElementById('lock-unlock').click(); })()`);
  await h.waitIn(opts, "document.querySelectorAll('#alert-list article.alert-item').length > 0");
  const cards = JSON.parse(await opts.evaluate(`JSON.stringify([...document.querySelectorAll('#alert-list article.alert-item')].map((a) => ({
    site: a.dataset.site, conversation: a.dataset.conversation, text: a.textContent,
    excerpts: [...a.querySelectorAll('.excerpts blockquote')].map((b) => b.textContent) })))`));
  assert.equal(cards.length, 1, 'one card for the conversation');
  const [card] = cards;
  assert.equal(card.site, 'instagram');
  assert.ok(t.SITES.instagram.A.includes(card.conversation), `the conversation id (${card.conversation})`);
  assert.match(card.text, /sam\.plays/);
  assert.match(card.text, /Instagram/);
  assert.match(card.text, /Alert/);
  assert.ok(card.excerpts.some((x) => x.includes('this is just between us')), 'the kept lines, opened with the PIN');
  assert.ok(card.excerpts.some((x) => x.includes('im 13')), 'both sides of them');
  await opts.close();
});

test('Firefox, the popup of the chat\'s tab: the site watched, messages read, the level', async () => {
  // The tab's id from the status its content script reported (the popup as a page names its tab).
  const session = await h.evalExt('browser.storage.session.get(null)');
  const [key] = Object.entries(session).filter(([k, v]) => k.startsWith('tab:') && v && v.site === 'instagram')
    .sort((a, b) => b[1].updated - a[1].updated)[0] || [];
  assert.ok(key, 'the Instagram tab reported its status');
  const popup = await h.openExtPage(`/popup/popup.html?tab=${key.slice(4)}`, "document.getElementById('level').textContent.length > 0");
  const text = await popup.evaluate("document.body.textContent.replace(/\\s+/g, ' ')");
  assert.match(text, /Instagram/, text);
  assert.match(await popup.evaluate("document.getElementById('reader').textContent"), /\d+/, 'messages read');
  assert.equal(await popup.evaluate("document.getElementById('level').className"), 'level-alert');
  await popup.close();
});

test('Firefox: no request left from any context (the watches see a canary from the background and a page)', async () => {
  assert.deepEqual(h.violations, [], 'pages asked for nothing but their documents');
  assert.deepEqual(h.leaks(), [], 'nothing reached the network');
  // Positive controls: a request from the background reaches the proxy, one from a page the
  // interception, so empty lists above mean something.
  await h.evalExt("browser.runtime.getBackgroundPage().then((bg) => bg.fetch('https://canary.safedm.invalid/x').then(() => 1, () => 0))");
  const page = await open('discord', { key: 'B' });
  await page.evaluate(() => fetch('https://discord.com/__canary').catch(() => 0));
  await t.sleep(300);
  await page.close();
  assert.deepEqual(h.leaks().map((r) => r.host), ['canary.safedm.invalid'], 'the proxy sees the background');
  assert.deepEqual(h.violations.map((v) => new URL(v.url).pathname), ['/__canary'], 'the interception sees the page');
});
