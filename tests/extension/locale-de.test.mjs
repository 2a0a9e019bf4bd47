// The child's alert speaks the browser's language: a German Chromium (--lang=de) in Germany
// (de-DE) shows the German alert and the Nummer gegen Kummer, built from text nodes only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

let h;
before(async () => { h = await t.launch({ locale: 'de-DE', lang: 'de' }); });
after(async () => {
  if (h) {
    assert.deepEqual(h.violations, [], 'no request may leave the browser');
    await h.close();
  }
});

test('de: the alert is in German and "Mit jemandem reden" offers Nummer gegen Kummer (116 111)', async () => {
  const page = await t.openSite(h, 'whatsapp');
  await t.play(page, t.GROOMING);
  const a = await t.waitAlert(page, 3000);
  assert.ok(a, 'the alert shows');
  assert.equal(a.name, 'SafeDM: Lass uns kurz durchatmen');
  assert.match(a.text, /SafeDM ist in deinem Chat mit Sam auf WhatsApp etwas aufgefallen\./);
  assert.match(a.text, /Diese Person /, 'what was noticed, in German');
  assert.match(a.text, /Du hast nichts falsch gemacht\./);
  assert.doesNotMatch(a.text, /This person|pause for a moment|done nothing wrong/, 'no English left');
  for (const b of ["Mir geht's gut", 'Zeig mir, wie ich blockiere und melde', 'Mit jemandem reden', 'SafeDM-Nachricht schließen']) {
    assert.ok(a.buttons.includes(b), `button ${b}`);
  }
  await t.clickAlertButton(page, 'Mit jemandem reden');
  const talk = await t.readAlert(page);
  assert.match(talk.text, /Du bekommst keinen Ärger\./);
  assert.match(talk.text, /Nummer gegen Kummer/);
  assert.match(talk.text, /Kinder- und Jugendtelefon: kostenlos und anonym\. Ruf 116 111 an/);
  assert.match(talk.text, /nummergegenkummer\.de/);
  assert.match(talk.text, /Bist du gerade in Gefahr\?\s+Ruf 110 \(Polizei\) oder 112 an\./);
  assert.doesNotMatch(talk.text, /Childline|CyberTipline|CEOP/);
  t.assertAlertTextOnly(await t.alertDom(page), { lang: /^de/, region: 'DE', texts: ['Nummer gegen Kummer', 'nummergegenkummer.de'] });
  await page.screenshot({ path: t.screenshotPath('alert-talk-de.png') });
  await page.close();
});

test('de: the parent\'s report is in German (levels, reasons), with German reporting links and local time', async () => {
  const fs = await import('node:fs');
  const opts = await t.optionsPage(h);
  await opts.waitForSelector('#setup-form');
  assert.equal(await opts.inputValue('#field-region'), 'DE', 'the country from the locale (de-DE)');
  await opts.fill('#setup-pin', '2468');
  await opts.fill('#setup-pin2', '2468');
  await opts.click('#setup-finish');
  await opts.waitForSelector('#recovery-code');
  await opts.check('#recovery-kept');
  await opts.click('#recovery-continue');
  await opts.waitForSelector('#alert-list article');
  assert.deepEqual(await t.axe(opts), [], 'axe-core on the German alert centre');
  const [dj] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-json')]);
  const json = JSON.parse(fs.readFileSync(await dj.path(), 'utf8'));
  assert.equal(json.language.slice(0, 2), 'de');
  assert.equal(json.country, 'DE');
  const c = json.conversations[0];
  assert.equal(c.siteName, 'WhatsApp');
  assert.equal(c.contact, 'Sam', 'the name in the header, not "Profile details"');
  assert.match(c.conversationId, /^447700900123@c\.us$/);
  assert.ok(['Hinweis', 'Warnung'].includes(c.highestLevelText));
  assert.ok(c.reasons.every((r) => !/^(The contact|An age)/.test(r.text)), 'no English reason');
  assert.ok(c.reasons.some((r) => /^Der Kontakt /.test(r.text)));
  assert.ok(json.reportTo.some((l) => l.url.includes('polizei.de')));
  const [dl] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-html')]);
  const html = fs.readFileSync(await dl.path(), 'utf8');
  assert.match(html, /<html [^>]*lang="de/);
  assert.match(html, /Alle Zeiten sind Ortszeiten/);
  assert.match(html, /Wo melden \(Deutschland\)/);
  assert.doesNotMatch(html, /ceop|cybertip/i);
  await opts.close();
});
