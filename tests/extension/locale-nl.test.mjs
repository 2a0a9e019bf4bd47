// The child's alert speaks the browser's language: a Dutch Chromium (--lang=nl) in the
// Netherlands (nl-NL) shows the Dutch alert, De Kindertelefoon and Helpwanted.nl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

let h;
before(async () => { h = await t.launch({ locale: 'nl-NL', lang: 'nl' }); });
after(async () => {
  if (h) {
    assert.deepEqual(h.violations, [], 'no request may leave the browser');
    await h.close();
  }
});

test('nl: the alert is in Dutch and "Met iemand praten" offers De Kindertelefoon (0800-0432)', async () => {
  const page = await t.openSite(h, 'discord');
  await t.play(page, t.GROOMING);
  const a = await t.waitAlert(page, 3000);
  assert.ok(a, 'the alert shows');
  assert.equal(a.name, 'SafeDM: even pauze');
  assert.match(a.text, /SafeDM zag iets in je chat met sam_plays op Discord\./);
  assert.match(a.text, /Deze persoon /, 'what was noticed, in Dutch');
  assert.doesNotMatch(a.text, /This person|pause for a moment|done nothing wrong/, 'no English left');
  for (const b of ['Het gaat goed', 'Laat zien hoe ik blokkeer en meld', 'Met iemand praten']) {
    assert.ok(a.buttons.includes(b), `button ${b}`);
  }
  await t.clickAlertButton(page, 'Met iemand praten');
  const talk = await t.readAlert(page);
  assert.match(talk.text, /Je krijgt hierdoor geen problemen\./);
  assert.match(talk.text, /De Kindertelefoon/);
  assert.match(talk.text, /Bel 0800-0432 of chat online\./);
  assert.match(talk.text, /kindertelefoon\.nl/);
  assert.match(talk.text, /Helpwanted\.nl/);
  assert.match(talk.text, /Ben je nu in gevaar\?\s+Bel 112\./);
  assert.doesNotMatch(talk.text, /Childline|CyberTipline|CEOP|116 111/);
  t.assertAlertTextOnly(await t.alertDom(page), { lang: /^nl/, region: 'NL', texts: ['De Kindertelefoon', 'kindertelefoon.nl'] });
  await page.screenshot({ path: t.screenshotPath('alert-talk-nl.png') });
  await page.close();
});
