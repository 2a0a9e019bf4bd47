// The extension in a real Firefox (Debian's firefox-esr, over WebDriver BiDi): installed as a
// temporary add-on, its background starts cold (compiling the engine) as the first chat opens.
// WhatsApp (live from the moment the page opens), Discord (the grooming lines already on the page,
// unread) and Reddit (rows inside closed shadow roots) must raise the in-page alert; a family
// chat must not; and no request may leave Firefox from any context. One browser for all.
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
