// Sextortion: a threat to share the child's pictures with a demand shows its own screen (not the
// grooming alert), in the browser's language, with the services of the child's country, reachable
// with the keyboard (Tab, and Alt+Shift+S from the message box) and built from text nodes only;
// it stays until the child closes it, and the parent's log records the kind and how it was closed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

const THREAT_EN = [
  ['contact', 'hey, you were so fun to talk to last night'],
  ['child', 'thanks i guess'],
  ['contact', 'i saved all the pics you sent me. send 100 on paypal in the next hour or they go to your followers list'],
];
const THREAT_DE = [
  ['contact', 'hey, war nett gestern'],
  ['child', 'ja'],
  ['contact', 'ich hab deine bilder gespeichert. 100 euro per paypal bis heute abend, sonst kriegt deine ganze klasse die fotos'],
];
const THREAT_FR = [
  ['contact', "coucou, c'était sympa hier"],
  ['child', 'oui'],
  ['contact', "j'ai gardé tes photos. tu m'envoies 100 euros par paypal ce soir, sinon je les envoie à tous tes abonnés"],
];

/** The sextortion screen's DOM through its closed shadow root. */
const sextortionDom = (page) => t.alertDom(page, 'safedm-sextortion');

/** Only the elements sextortion.js creates and text nodes; https links; the lang and region. */
function assertTextOnly(dom, { lang, region }) {
  assert.ok(dom, 'the sextortion screen is in the page');
  const allowed = new Set(['safedm-sextortion', 'style', 'div', 'button', 'h2', 'h3', 'p', 'strong', 'ol', 'li', 'a']);
  assert.equal(dom[1].type, 'shadow');
  for (const n of dom) {
    if (n.type === 'element') {
      assert.ok(allowed.has(n.name), `unexpected <${n.name}>`);
      for (const a of Object.keys(n.attrs)) assert.doesNotMatch(a, /^on/i);
      if (n.name === 'a') assert.match(n.attrs.href, /^https:\/\//);
    } else assert.ok(n.type === 'text' || n.type === 'shadow', `node type ${n.type}`);
  }
  const card = dom.find((n) => n.attrs.role === 'alertdialog');
  assert.equal(card.attrs['data-kind'], 'sextortion');
  assert.match(card.attrs.lang, lang);
  assert.equal(card.attrs['data-region'], region);
}

/** Presses Tab from the page until focus is on the screen's host; how many presses, or -1. */
async function tabsToScreen(page, max = 40) {
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement && document.activeElement.localName === 'safedm-sextortion')) return i;
  }
  return -1;
}

describe('en-GB', () => {
  let h;
  before(async () => { h = await t.launch({ locale: 'en-GB', lang: 'en-GB' }); });
  after(async () => {
    if (h) {
      assert.deepEqual(h.violations, [], 'no request may leave the browser');
      await h.close();
    }
  });

  for (const site of ['whatsapp', 'discord']) {
    test(`${site}: the sextortion screen, with Report Remove and Take It Down's UK partner, stays until closed`, async () => {
      const page = await t.openSite(h, site);
      await t.play(page, THREAT_EN);
      const a = await t.waitAlert(page, 3000);
      assert.ok(a, 'a screen shows');
      assert.equal(a.name, 'Someone is threatening you. You can get through this.');
      assert.match(a.text, /is threatening to share your pictures or chats unless you pay or send more/);
      assert.match(a.text, /It is not your fault and you are not in trouble\./);
      assert.match(a.text, /Do not pay and do not send anything more\. Paying rarely makes it stop\./);
      assert.match(a.text, /Do not delete the chat: it is evidence\./);
      assert.match(a.text, /block and report the account on (WhatsApp|Discord)/);
      assert.match(a.text, /Tell an adult you trust now/);
      assert.match(a.text, /Report Remove \(Childline and the IWF\)/);
      assert.match(a.text, /Your parent also gets this alert in SafeDM/);
      assert.doesNotMatch(a.text, /let’s pause for a moment/, 'not the grooming alert');
      assert.ok(a.buttons.includes('Keep this open') && a.buttons.includes('Close'));
      assertTextOnly(await sextortionDom(page), { lang: /^en/, region: 'GB' });
      assert.ok((await tabsToScreen(page)) > 0, 'Tab reaches the screen');
      await page.screenshot({ path: t.screenshotPath(`sextortion-en-${site}.png`) });
      if (site === 'discord') {
        // Alt+Shift+S from the message box: the keyboard on the screen's card, and back.
        assert.match(a.text, /Tip: Alt\+Shift\+S brings you here from the chat, and back again\./);
        await page.click('[role="textbox"]');
        await page.keyboard.press('Alt+Shift+KeyS');
        const f = await t.focused(page);
        assert.deepEqual([f.host, f.role, f.name], ['safedm-sextortion', 'alertdialog', a.name], 'the shortcut focuses the screen');
        await page.keyboard.press('Alt+Shift+KeyS');
        assert.deepEqual(await t.focused(page), { role: 'textbox', name: 'Message', host: 'div' }, 'and goes back to the message box');
      }

      // Kept open: Escape inside it does not close it; Close does.
      await t.clickAlertButton(page, 'Keep this open');
      await page.keyboard.press('Escape');
      assert.ok(await t.readAlert(page), 'pinned: Escape leaves it open');
      await t.clickAlertButton(page, 'Close');
      for (let i = 0; i < 20 && (await t.readAlert(page)); i++) await t.sleep(100);
      assert.equal(await t.readAlert(page), null, 'Close closes it');
      let entry;
      for (let i = 0; i < 30; i++) {
        const log = (await t.storage(h)).alertLog || [];
        entry = log.filter((e) => e.site === site && e.kind === 'sextortion').pop();
        if (entry && entry.childResponse) break;
        await t.sleep(100);
      }
      assert.ok(entry, 'the parent log has a sextortion entry');
      assert.ok(entry.reasons.some((r) => r.category === 'sextortion'));
      assert.equal(entry.childResponse, 'close');
      assert.doesNotMatch(JSON.stringify(await t.storage(h)), /paypal|followers list/i, 'no message text stored');
      await page.close();
    });
  }

  test('the parent: the sextortion card comes first, marked most urgent, with the first hour and the kept lines', async () => {
    const PIN = '6142';
    const opts = await t.optionsPage(h);
    await t.finishSetup(opts, PIN, ['input[name=audience][value=both]', 'input[name=evidence]']);

    const page = await t.openSite(h, 'instagram');
    await t.play(page, t.GROOMING);
    await t.play(page, THREAT_EN);
    assert.ok(await t.waitAlert(page, 3000));
    let log = [];
    for (let i = 0; i < 30 && !log.some((e) => e.site === 'instagram' && e.kind === 'sextortion' && e.sealed); i++) {
      await t.sleep(100);
      log = (await t.storage(h)).alertLog || [];
    }
    const entry = log.filter((e) => e.site === 'instagram' && e.kind === 'sextortion').pop();
    assert.ok(entry && entry.sealed, 'the threat and demand lines are kept, sealed');
    assert.doesNotMatch(JSON.stringify(await t.storage(h)), /paypal|followers list/i, 'sealed, not in the clear');
    await page.close();

    await opts.reload();
    await t.unlock(opts, PIN);
    await opts.waitForSelector('article.alert-item');
    const first = await opts.$eval('#alert-list article', (e) => ({
      kind: e.dataset.kind, site: e.dataset.site, text: e.textContent,
      links: [...e.querySelectorAll('.first-hour a')].map((a) => a.href),
    }));
    assert.equal(first.kind, 'sextortion', 'the sextortion conversation is the first card');
    assert.equal(first.site, 'instagram');
    assert.match(first.text, /Sextortion: most urgent/);
    assert.match(first.text, /what to do in the first hour/);
    assert.match(first.text, /Do not pay and do not let your child pay/);
    assert.match(first.text, /Keep the evidence: do not delete the chat/);
    assert.ok(first.links.includes('https://takeitdown.ncmec.org/'));
    assert.ok(first.links.includes('https://www.childline.org.uk/report-remove/'), 'Report Remove for a UK family');
    assert.ok(first.links.some((l) => l.startsWith('https://www.ceop.police.uk/')), 'CEOP for a UK family');
    await opts.screenshot({ path: t.screenshotPath('sextortion-parent.png'), fullPage: true });
    await opts.close();
  });
});

for (const [locale, lang, chat, region, expect] of [
  ['de-DE', 'de', THREAT_DE, 'DE', {
    name: 'Jemand erpresst dich. Du kommst da raus.',
    texts: [/Es ist nicht deine Schuld/, /Zahl nichts und schick nichts mehr\./, /Lösch den Chat nicht/, /Nummer gegen Kummer/, /Take It Down \(NCMEC\)/, /Ruf 110 \(Polizei\) oder 112 an\./],
    not: /Do not pay|Report Remove/,
  }],
  ['fr-FR', 'fr', THREAT_FR, 'FR', {
    name: "Quelqu'un te menace. Tu vas t'en sortir.",
    texts: [/Ce n'est pas de ta faute/, /Ne paie pas et n'envoie plus rien\./, /N'efface pas la conversation/, /3018 \(e-Enfance\)/, /Appelle le 3018\./, /Allô 119/],
    not: /Do not pay|Report Remove|Nummer gegen Kummer/,
  }],
]) {
  describe(locale, () => {
    let h;
    before(async () => { h = await t.launch({ locale, lang }); });
    after(async () => {
      if (h) {
        assert.deepEqual(h.violations, [], 'no request may leave the browser');
        await h.close();
      }
    });
    test(`${lang}: the sextortion screen on Instagram speaks ${lang} with the ${region} services`, async () => {
      const page = await t.openSite(h, 'instagram');
      await t.play(page, chat);
      const a = await t.waitAlert(page, 3000);
      assert.ok(a, 'a screen shows');
      assert.equal(a.name, expect.name);
      for (const re of expect.texts) assert.match(a.text, re);
      assert.doesNotMatch(a.text, expect.not);
      assertTextOnly(await sextortionDom(page), { lang: new RegExp(`^${lang}`), region });
      assert.ok((await tabsToScreen(page)) > 0, 'Tab reaches the screen');
      await page.screenshot({ path: t.screenshotPath(`sextortion-${lang}.png`) });
      await page.close();
    });
  });
}
