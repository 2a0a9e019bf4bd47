// The child's alert (issue 16): the live region is in the page before its text; after closing,
// a chip keeps the blocking steps one click away; at 360 px the card takes at most half the
// screen and nothing overflows sideways; the blocking steps are in the child's language (the
// German alert has none left in English), and each answer is its own log entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as t from './helpers.mjs';

let h;
before(async () => { h = await t.launch({ locale: 'en-GB' }); });
after(async () => {
  const v = h ? h.violations : [];
  if (h) await h.close();
  assert.deepEqual(v, [], 'no request may leave the browser');
});

test('the live region is in the page, empty, before its text is set', async () => {
  // alert.js in a blank page, with chrome.i18n stubbed and the shadow root opened for the test.
  const page = await h.ctx.newPage();
  await page.setContent('<!doctype html><html lang="en"><body><p>chat</p></body></html>');
  await page.evaluate(() => {
    globalThis.chrome = { i18n: { getMessage: (k) => (k === 'childAlert_lang' ? 'en' : k) } };
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (opts) { return attach.call(this, { ...opts, mode: 'open' }); };
  });
  await page.evaluate(fs.readFileSync(path.join(t.EXT, 'content/alert.js'), 'utf8'));
  const first = await page.evaluate(() => {
    SafeDM.showAlert({ site: 'discord', siteLabel: 'Discord', contact: 'sam', reasons: [{ category: 'secrecy', child: 'x' }], help: ['a'], region: 'GB' }, () => {});
    const desc = document.querySelector('safedm-alert').shadowRoot.getElementById('safedm-desc');
    return { live: desc.getAttribute('aria-live'), children: desc.childNodes.length, connected: desc.isConnected };
  });
  assert.deepEqual(first, { live: 'polite', children: 0, connected: true });
  await page.waitForFunction(() => document.querySelector('safedm-alert').shadowRoot.getElementById('safedm-desc').textContent.includes('childAlert_noticedWithOn'));
  await page.close();
});

test('after "I\'m OK", a chip keeps the blocking steps one click away; each answer logged apart', async () => {
  const page = await t.openSite(h, 'discord');
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000));
  await t.clickAlertButton(page, "I'm OK");
  await t.sleep(200);
  assert.equal(await t.readAlert(page), null, 'the alert is closed');
  await t.clickAlertButton(page, 'SafeDM: block and get help');
  const again = await t.waitAlert(page, 2000);
  assert.ok(again, 'the alert is back');
  assert.match(again.text, /Right-click their name/, 'with the blocking steps open');
  await t.clickAlertButton(page, 'Close the SafeDM message');
  await t.sleep(200);
  await t.clickAlertButton(page, 'Hide SafeDM');
  await t.sleep(200);
  assert.equal(await page.evaluate(() => !!document.querySelector('safedm-alert')), false, 'the chip can go too');
  const entry = (await t.storage(h)).alertLog.filter((e) => e.site === 'discord').pop();
  assert.deepEqual(entry.childActions.map((a) => a.action), ['ok', 'close']);
  await page.close();
});

test('at 360 px the card reflows: the full width at most, half the height at most', async () => {
  await t.resetStorage(h);
  const page = await h.ctx.newPage();
  await page.setViewportSize({ width: 360, height: 640 });
  await t.openSite(h, 'discord', { page });
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000));
  const box = await page.evaluate(() => {
    const r = document.querySelector('safedm-alert').getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, height: r.height, width: innerWidth, vh: innerHeight, sw: document.documentElement.scrollWidth };
  });
  assert.ok(box.left >= 0 && box.right <= box.width, `inside the width: ${JSON.stringify(box)}`);
  assert.ok(box.height <= box.vh * 0.5 + 1, `at most half the height: ${JSON.stringify(box)}`);
  assert.ok(box.sw <= box.width, 'no sideways scrolling');
  await page.screenshot({ path: t.screenshotPath('alert-360px.png') });
  await page.close();
});

test('the blocking steps are in German in a German alert, none left in English', async () => {
  const de = await t.launch({ locale: 'de-DE', lang: 'de' });
  try {
    const page = await t.openSite(de, 'discord');
    await t.play(page, t.GROOMING);
    assert.ok(await t.waitAlert(page, 3000));
    const button = (await t.readAlert(page)).buttons.find((b) => /blockiere/i.test(b));
    assert.ok(button, 'the German block button');
    await t.clickAlertButton(page, button);
    const a = await t.readAlert(page);
    assert.match(a.text, /Klick mit der rechten Maustaste auf den Namen/);
    assert.doesNotMatch(a.text, /Right-click|hover over/);
    const dom = await t.alertDom(page);
    assert.equal(dom.filter((n) => n.name === 'li' && n.attrs.lang === 'en').length, 0, 'no step marked English');
    await page.close();
  } finally {
    h.violations.push(...de.violations);
    await de.close();
  }
});
