// Who is told (issue 16), end to end in Chromium: "Me only" shows the child nothing that names a
// contact, a reason or grooming (no in-page alert, a neutral notification or none, no level in
// the popup); "My child" raises no notification for the parent; "Both" names the site (as people
// write it) and the contact. Notifications are read from the browser (chrome.notifications
// .getAll in the worker); setup says what each choice shows to whom.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

const PIN = '5820';
let h;
let opts;

before(async () => { h = await t.launch({ locale: 'en-GB' }); });
after(async () => {
  const v = h ? h.violations : [];
  if (h) await h.close();
  assert.deepEqual(v, [], 'no request may leave the browser');
});

const clearConvs = () => t.evalWorker(h, async () => {
  const all = await chrome.storage.local.get(null);
  await chrome.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('conv:') || k === 'alertLog'));
  return true;
});
/** Words that would tell the child what SafeDM saw. */
const REVEALING = /grooming|sam_plays|discord|secret|snapchat|age|parents|flatter|private|another app/i;

async function saveAudience(audience, notify = true) {
  await opts.click('#tab-settings');
  await opts.check(`input[name=audience][value=${audience}]`);
  if (notify) await opts.check('input[name=notifyOnThisDevice]');
  else await opts.uncheck('input[name=notifyOnThisDevice]');
  await opts.click('#settings-save');
  await opts.waitForFunction(() => /Saved/.test(document.getElementById('notice').textContent));
  assert.equal((await t.storage(h)).settings.audience, audience);
}

async function chat(key = 'A') {
  await clearConvs();
  await t.clearNotifications(h);
  await t.watchNotifications(h);
  const page = await t.openSite(h, 'discord', { key });
  await t.play(page, t.GROOMING);
  await t.sleep(800);
  return page;
}

async function popupLevel(site = 'discord') {
  const all = await t.evalWorker(h, () => chrome.storage.session.get(null));
  const [key] = Object.entries(all).filter(([k, v]) => k.startsWith('tab:') && v.site === site)
    .sort((a, b) => b[1].updated - a[1].updated)[0];
  const popup = await h.ctx.newPage();
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?tab=${key.slice(4)}`);
  await popup.waitForFunction(() => document.getElementById('reader').textContent.length > 0);
  const text = await popup.textContent('body');
  const level = await popup.textContent('#level');
  await popup.close();
  return { text, level };
}

test('setup says exactly what each choice shows to the child and to the parent', async () => {
  opts = await t.optionsPage(h);
  await opts.waitForSelector('#setup-form');
  const hint = (a) => opts.textContent(`#hint-audience-${a}`);
  assert.match(await hint('parent'), /Your child: nothing\. No message in the page, no level in the SafeDM button/);
  assert.match(await hint('parent'), /neutral notification that names no one, no site and no reason/);
  assert.match(await hint('child'), /Your child: a calm message in the page .*You: every alert here.*No notification/);
  assert.match(await hint('both'), /notification naming the site, the contact and the reasons, which your child can see too/);
  assert.match(await opts.textContent('#field-audience'), /With “Me only” it is neutral/);
  await t.finishSetup(opts, PIN, ['input[name=audience][value=parent]', 'input[name=notifyOnThisDevice]']);
  assert.equal((await t.storage(h)).settings.audience, 'parent');
});

test('"Me only": no alert in the page, a neutral notification, no level in the popup', async () => {
  const page = await chat('A');
  assert.equal(await t.waitAlert(page, 1500), null, 'nothing in the page');
  const notes = await t.notifications(h);
  assert.equal(notes.length, 1, `one notification in the browser: ${JSON.stringify(notes)}`);
  assert.equal(notes[0].title, 'SafeDM');
  assert.equal(notes[0].message, 'Something new for you. Open SafeDM with your PIN.');
  assert.doesNotMatch(`${notes[0].title} ${notes[0].message} ${notes[0].contextMessage}`, REVEALING);
  const { text, level } = await popupLevel();
  assert.equal(level, '', 'the popup shows no level');
  assert.doesNotMatch(text, /alert\.|warning|grooming/i);
  // The parent still has it all, behind the PIN.
  const log = (await t.storage(h)).alertLog;
  assert.ok(log.some((e) => e.level === 'alert'), 'logged for the parent');
  await page.close();
});

test('"Me only" without a notification: nothing at all on the child\'s screen', async () => {
  await saveAudience('parent', false);
  const page = await chat('B');
  assert.equal(await t.waitAlert(page, 1000), null);
  assert.deepEqual(await t.notifications(h), [], 'no notification');
  assert.equal((await popupLevel()).level, '');
  await page.close();
});

test('"My child": the child sees the alert; the parent gets no notification', async () => {
  await saveAudience('child', true);
  const page = await chat('A');
  assert.ok(await t.waitAlert(page, 3000), 'the child sees the alert');
  await t.sleep(300);
  assert.match((await t.readAlert(page)).text, /Only you see this message from SafeDM\./, 'the child is told who else is told');
  assert.deepEqual(await t.notifications(h), [], 'no notification for the parent');
  assert.match((await popupLevel()).level, /an alert/);
  await page.close();
});

test('"Both": the alert in the page and a notification naming Discord and the contact in plain words', async () => {
  await saveAudience('both', true);
  const page = await chat('A');
  assert.ok(await t.waitAlert(page, 3000));
  await t.sleep(300);
  assert.match((await t.readAlert(page)).text, /Your parent can also see SafeDM's alerts/, 'the child is told the parent sees it');
  const notes = await t.notifications(h);
  assert.equal(notes.length, 1);
  assert.match(notes[0].message, /on Discord with sam_plays/, 'the site as people write it');
  assert.match(notes[0].message, /The contact /, 'the reasons in the browser\'s language');
  await page.close();
});

test('a German family: the reporting links, the police number and the report follow the country setting', async () => {
  await opts.click('#tab-settings');
  await opts.selectOption('#field-region', 'DE');
  await opts.click('#settings-save');
  await opts.waitForFunction(() => /Saved/.test(document.getElementById('notice').textContent));
  assert.equal((await t.storage(h)).settings.region, 'DE');
  await opts.click('#tab-alerts');
  await opts.waitForSelector('#alert-list article details.guide');
  const links = await opts.$$eval('#alert-list article:first-child details.guide a', (as) => as.map((a) => a.href));
  assert.ok(links.some((l) => l.includes('onlinewache.polizei.de')) && links.some((l) => l.includes('jugendschutz.net')));
  assert.ok(!links.some((l) => /ceop|cybertip/.test(l)), 'no UK or US links for a German family');
  assert.match(await opts.textContent('#alert-list article:first-child details.guide'), /110/);
  const [dj] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-json')]);
  const json = JSON.parse(await (await import('node:fs')).promises.readFile(await dj.path(), 'utf8'));
  assert.equal(json.country, 'DE');
  assert.ok(json.reportTo.every((l) => !/ceop|cybertip/.test(l.url)));
});
