// Help lines follow the browser locale: en-US gets the NCMEC CyberTipline, not Childline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

let h;
before(async () => { h = await t.launch({ locale: 'en-US' }); });
after(async () => {
  if (h) {
    assert.deepEqual(h.violations, [], 'no request may leave the browser');
    await h.close();
  }
});

test('en-US: "Talk to someone" offers the NCMEC CyberTipline', async () => {
  const page = await t.openSite(h, 'whatsapp');
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000));
  await t.clickAlertButton(page, 'Talk to someone');
  const a = await t.readAlert(page);
  assert.match(a.text, /NCMEC CyberTipline/);
  assert.match(a.text, /report\.cybertip\.org/);
  assert.match(a.text, /911/);
  assert.doesNotMatch(a.text, /Childline/);
  await page.screenshot({ path: t.screenshotPath('alert-talk-en-US.png') });
  await page.close();
});
