// The parent's side (issue 5): first-run setup, the PIN lock and its back-off, locked pages,
// trusted contacts, the alert centre, evidence keeping (ciphertext only), the export, hostile
// names as text, tamper evidence, the popup, a browser restart on the same profile and the
// forgotten-PIN reset. One browser for most tests (they run in order and build on each other),
// a second launch on the same profile for the restart; no request may leave the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as t from './helpers.mjs';

const PIN = '4826';
let h;
let opts; // the options page, unlocked after setup
const violations = [];

before(async () => { h = await t.launch({ locale: 'en-GB' }); });
after(async () => {
  if (h) {
    violations.push(...h.violations);
    await h.close();
  }
  assert.deepEqual(violations, [], 'no request may leave the browser');
});

const local = () => t.storage(h);
const clearAlerts = () => t.evalWorker(h, async () => {
  const all = await chrome.storage.local.get(null);
  await chrome.storage.local.remove(Object.keys(all).filter((k) => k.startsWith('conv:') || k === 'alertLog'));
  return true;
});
const send = (page, msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
const alertItems = (page) => page.$$eval('#alert-list article', (els) => els.map((e) => ({
  contact: e.querySelector('.contact').textContent,
  level: e.className.match(/level-(\w+)/)[1],
  reasons: [...e.querySelectorAll('.reasons li')].map((li) => li.textContent),
  excerpts: [...e.querySelectorAll('.excerpts blockquote')].map((b) => b.textContent),
  notes: [...e.querySelectorAll('.note')].map((n) => n.textContent),
  text: e.textContent,
})));

test('first run: the options page opens after install and the setup stores only a PIN hash', async () => {
  opts = await t.optionsPage(h);
  await opts.waitForSelector('#setup-form');
  assert.match(await opts.textContent('#view-setup'), /Set up SafeDM/);
  // Every choice is offered, sensitivity with one sentence each.
  for (const s of ['Relaxed', 'Balanced', 'Strict', 'Under 10', '10–12', '13–15', '16–17', 'My child', 'Me only', 'Both', 'Discord', 'Reddit']) {
    assert.ok((await opts.textContent('#view-setup')).includes(s), s);
  }
  assert.match(await opts.textContent('#view-setup'), /more false alarms/);
  assert.equal(await opts.isChecked('input[name=evidence]'), false, 'evidence keeping is off by default');

  await opts.fill('#setup-pin', '12');
  await opts.fill('#setup-pin2', '12');
  await opts.click('#setup-finish');
  assert.match(await opts.textContent('#setup-error'), /4 to 12 digits/);
  await opts.fill('#setup-pin', PIN);
  await opts.fill('#setup-pin2', '4827');
  await opts.click('#setup-finish');
  assert.match(await opts.textContent('#setup-error'), /not the same/);

  await opts.fill('#setup-pin2', PIN);
  await opts.check('input[name=ageBand][value="10-12"]');
  await opts.check('input[name=audience][value=both]');
  await opts.check('input[name=sensitivity][value=balanced]');
  await opts.uncheck('input[name=site-reddit]');
  await opts.check('input[name=evidence]');
  await opts.screenshot({ path: t.screenshotPath('parent-setup.png'), fullPage: true });
  await opts.click('#setup-finish');
  await opts.waitForSelector('#alerts');
  assert.match(await opts.textContent('#notice'), /set up and watching/);
  assert.match(await opts.textContent('#no-alerts'), /No alerts so far/);

  const st = await local();
  assert.equal(st.settings.ageBand, '10-12');
  assert.equal(st.settings.sites.reddit, false);
  assert.equal(st.settings.evidence, true);
  assert.equal(st.settings.setupDone, true);
  assert.ok(st.auth.pin.salt && st.auth.pin.hash && st.auth.pin.iterations >= 100000, 'salted PBKDF2 hash');
  assert.ok(!JSON.stringify(st).includes(PIN), 'the PIN itself is stored nowhere');
  assert.ok(st.auth.evidence.pub && st.auth.evidence.wrapped.ct, 'evidence key pair, private half wrapped');
  assert.deepEqual(st.tamperLog || [], [], 'a fresh install is not tampering');
});

test('an alert on a fixture page appears in the alert centre with its reasons and kept excerpts', async () => {
  await clearAlerts();
  const page = await t.openSite(h, 'discord');
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000), 'the child sees the alert');
  await opts.bringToFront();
  await opts.waitForSelector('#alert-list article.level-alert', { timeout: 5000 });
  const items = await alertItems(opts);
  const top = items[0];
  assert.equal(top.level, 'alert', 'newest first');
  assert.match(top.contact, /sam_plays on Discord/);
  assert.ok(top.reasons.length >= 2, 'reasons listed');
  assert.ok(top.reasons.every((r) => r.length > 10 && !/[<>{}]/.test(r)), 'plain words');
  assert.ok(top.excerpts.some((x) => /snapchat/i.test(x)), 'the excerpts open with the PIN');
  assert.match(top.text, /Stage: /);
  assert.match(top.text, /What to do now/);
  const links = await opts.$$eval('#alert-list article:first-child details.guide a', (as) => as.map((a) => a.href));
  assert.ok(links.some((l) => l.includes('ceop.police.uk')) && links.some((l) => l.includes('cybertip.org')));
  assert.ok(await opts.$('#chart svg rect'), 'weekly chart');
  const week = await opts.getAttribute('#chart svg', 'aria-label');
  assert.match(week, new RegExp(`${items.length}$`), 'this week holds the alerts');

  // Filters: by site and level.
  await opts.selectOption('#filter-site', 'instagram');
  assert.equal((await alertItems(opts)).length, 0);
  await opts.selectOption('#filter-site', 'discord');
  await opts.selectOption('#filter-level', 'alert');
  assert.ok((await alertItems(opts)).every((a) => a.level === 'alert'));
  await opts.selectOption('#filter-level', 'all');
  await opts.selectOption('#filter-site', 'all');
  await opts.click('#alert-list article:first-child details.guide summary');
  assert.match(await opts.textContent('#alert-list article:first-child details.guide'), /Talk first\./);
  await opts.screenshot({ path: t.screenshotPath('parent-alert-centre.png'), fullPage: true });
  await page.close();
});

test('evidence keeping stores only ciphertext: no fixture message text in chrome.storage.local', async () => {
  const st = await local();
  const sealed = st.alertLog.filter((a) => a.sealed);
  assert.ok(sealed.length >= 1, 'excerpts were kept');
  for (const a of sealed) assert.deepEqual(Object.keys(a.sealed).sort(), ['ct', 'epk', 'iv']);
  const dump = JSON.stringify(st).toLowerCase();
  // Neither a whole message nor any 14-character piece of one (the engine's own reason
  // sentences are stored in the clear, and they are not quotes).
  for (const [, text] of t.GROOMING) {
    const low = text.toLowerCase();
    for (let i = 0; i + 14 <= low.length; i++) {
      assert.ok(!dump.includes(low.slice(i, i + 14)), `plaintext in storage: "${low.slice(i, i + 14)}" of "${text}"`);
    }
  }
});

test('mark reviewed, delete one; export writes a printable HTML page and a JSON file', async () => {
  const before = await alertItems(opts);
  await opts.click('#alert-list article:first-child button.review');
  await opts.waitForSelector('#alert-list article:first-child .badge.reviewed');
  assert.ok((await local()).alertLog.some((a) => a.reviewed));

  const [dl] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-html')]);
  const html = fs.readFileSync(await dl.path(), 'utf8');
  fs.copyFileSync(await dl.path(), t.screenshotPath(dl.suggestedFilename()));
  assert.match(dl.suggestedFilename(), /^safedm-report-\d{4}-\d{2}-\d{2}\.html$/);
  assert.match(html, /<h1>SafeDM report<\/h1>/);
  assert.match(html, /sam_plays/);
  assert.match(html, /snapchat/i, 'the kept excerpts are in the report');
  assert.match(html, /@media print/);
  const [dj] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-json')]);
  const json = JSON.parse(fs.readFileSync(await dj.path(), 'utf8'));
  fs.copyFileSync(await dj.path(), t.screenshotPath(dj.suggestedFilename()));
  assert.equal(json.alerts.length, before.length);
  const a = json.alerts[0];
  for (const k of ['time', 'site', 'contact', 'level', 'stage', 'reasons']) assert.ok(k in a, k);
  assert.ok(a.excerpts && a.excerpts.length, 'excerpts in the JSON');

  await opts.click('#alert-list article:last-child button.delete');
  await opts.waitForFunction((n) => document.querySelectorAll('#alert-list article').length === n - 1, before.length);
});

test('contact names and reasons containing HTML render as text, in the page and the report', async () => {
  const evil = '<img src=x onerror="window.__pwned=1">Sam<script>window.__pwned=2</script>';
  await t.evalWorker(h, async (name) => {
    const log = (await chrome.storage.local.get('alertLog')).alertLog || [];
    log.push({
      id: 'evil-1', time: Date.now(), site: 'instagram', conversation: 'c1', contact: name, level: 'warn', risk: 0.5,
      stage: 'exclusivity', reasons: [{ category: '<i>odd</i>', stage: 'exclusivity', parent: `<b onmouseover="x()">${name}</b>` }],
    });
    await chrome.storage.local.set({ alertLog: log });
    return true;
  }, { arg: evil });
  await opts.waitForSelector('article[data-id="evil-1"]');
  const item = await opts.$eval('article[data-id="evil-1"]', (e) => ({
    contact: e.querySelector('.contact').textContent,
    reason: e.querySelector('.reasons li').textContent,
    imgs: e.querySelectorAll('img, script, b').length,
  }));
  assert.ok(item.contact.includes('<img src=x onerror="window.__pwned=1">Sam'), 'shown literally');
  assert.ok(item.reason.includes('<b onmouseover'), 'reason shown literally');
  assert.equal(item.imgs, 0, 'no element made from stored data');
  assert.equal(await opts.evaluate(() => window.__pwned), undefined);
  const [dl] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-html')]);
  const html = fs.readFileSync(await dl.path(), 'utf8');
  assert.ok(html.includes('&lt;img src=x onerror="window.__pwned=1"&gt;Sam&lt;script&gt;'), 'escaped in the report');
  assert.ok(!html.includes('<img src=x'), 'no live markup in the report');
  await opts.click('article[data-id="evil-1"] button.delete');
  await opts.waitForSelector('article[data-id="evil-1"]', { state: 'detached' });
});

test('a trusted contact is scored but never raises a warn; an alert is noted as trusted', async () => {
  await opts.click('#tab-trusted');
  await opts.fill('#trusted-input-discord', 'sam_plays');
  await opts.click('#trusted-add-discord');
  await opts.waitForSelector('fieldset[data-site=discord] li .name');
  assert.deepEqual((await local()).settings.trusted.discord, ['sam_plays']);
  await opts.click('#tab-alerts');

  await clearAlerts();
  const page = await t.openSite(h, 'discord');
  const m0 = await t.mark(h);
  // What the worker scored (levels per message) against what was logged and shown.
  await t.play(page, t.GROOMING);
  await t.sleep(500);
  const conv = t.SITES.discord.A.split('/').pop();
  const scored = (await t.since(h, m0)).filter((m) => m.site === 'discord' && m.conversation === conv);
  assert.equal(scored.length, t.GROOMING.length, 'every message was scored');
  assert.ok(scored.some((m) => m.level === 'warn'), 'the conversation did reach warn');
  const log = (await local()).alertLog || [];
  assert.ok(log.every((e) => e.level === 'alert' && e.trusted === true), 'no warn logged for a trusted contact');
  const shown = await t.readAlert(page);
  const reachedAlert = scored.some((m) => m.level === 'alert');
  assert.equal(!!shown, reachedAlert, 'the child is alerted only if the alert level is reached');
  if (reachedAlert) {
    await opts.waitForSelector('#alert-list article');
    assert.match((await alertItems(opts))[0].notes.join(' '), /trusted contact/);
  }
  await page.close();

  // The same sequence from someone not trusted on that site logs the warn.
  await clearAlerts();
  const other = await t.openSite(h, 'discord', { key: 'B' }); // "Mum" is not on the list
  await t.play(other, t.GROOMING);
  await t.sleep(500);
  assert.ok(((await local()).alertLog || []).some((e) => e.level === 'warn' && !e.trusted), 'an untrusted warn is logged');
  await other.close();
});

test('the popup: site supported, adapter reading, the conversation level, a link to the alert centre', async () => {
  await clearAlerts(); // the fixture's message ids repeat per page load: start the conversation afresh
  const page = await t.openSite(h, 'discord', { key: 'B' });
  await t.play(page, t.GROOMING);
  await t.sleep(300);
  const all = await t.evalWorker(h, () => chrome.storage.session.get(null));
  const [key] = Object.entries(all).filter(([k, v]) => k.startsWith('tab:') && v.site === 'discord')
    .sort((a, b) => b[1].updated - a[1].updated)[0];
  const popup = await h.ctx.newPage();
  await popup.setViewportSize({ width: 320, height: 260 });
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?tab=${key.slice(4)}`);
  await popup.waitForFunction(() => document.getElementById('reader').textContent.length > 0);
  assert.match(await popup.textContent('#site'), /Watching Discord direct messages/);
  assert.match(await popup.textContent('#reader'), /Reading this conversation \(\d+ messages so far\)/);
  assert.match(await popup.textContent('#level'), /This conversation: an alert\./);
  assert.equal(await popup.textContent('#open-alerts'), 'Open the alert centre');
  await popup.screenshot({ path: t.screenshotPath('parent-popup.png') });
  const [opened] = await Promise.all([h.ctx.waitForEvent('page'), popup.click('#open-alerts')]);
  await opened.waitForLoadState();
  assert.match(opened.url(), /options\/options\.html#alerts$/);
  await opened.waitForSelector('#lock-form', { timeout: 5000 });
  await opened.close();
  await page.close();
});

test('wrong PINs back off with a growing, visible delay; the right PIN is refused while waiting', async () => {
  await opts.click('#lock-now');
  await opts.waitForSelector('#lock-form');
  await opts.fill('#lock-pin', '0000');
  await opts.click('#lock-unlock');
  await opts.waitForFunction(() => /Wrong PIN\. Try again in 1 s/.test(document.getElementById('lock-msg').textContent));
  assert.equal(await opts.isDisabled('#lock-pin'), true, 'input disabled while waiting');
  await opts.waitForSelector('#lock-pin:not([disabled])', { timeout: 3000 });
  await opts.fill('#lock-pin', '1111');
  await opts.click('#lock-unlock');
  await opts.waitForFunction(() => /Try again in 2 s/.test(document.getElementById('lock-msg').textContent));
  // The worker enforces the wait, not only the page.
  const early = await send(opts, { type: 'options:unlock', pin: PIN });
  assert.equal(early.type, 'worker:locked');
  assert.ok(early.retryIn > 0);
  assert.equal((await local()).auth.failures, 2, 'failures are counted in storage (a reload does not reset them)');
  await opts.waitForSelector('#lock-pin:not([disabled])', { timeout: 4000 });
  await t.unlock(opts, PIN);
  assert.equal((await local()).auth.failures, 0);
});

test('locked pages stay locked: a new page, a deep link, direct messages to the worker; auto re-lock', async () => {
  const page = await t.optionsPage(h, { fresh: true, hash: '#settings' });
  await page.waitForSelector('#lock-form');
  assert.equal(await page.$('#settings-form'), null);
  assert.equal(await page.$('#alert-list'), null);
  assert.equal(await page.isHidden('#view-main'), true);
  // Even with the session unlocked by the other page, a content script or page can't ask.
  await send(opts, { type: 'options:lock' });
  for (const type of ['options:data', 'options:save-settings', 'options:alerts']) {
    const res = await send(page, { type, settings: { sensitivity: 'relaxed' }, op: 'delete-all' });
    assert.deepEqual(res, { type: 'worker:error', error: 'locked' }, type);
  }
  const setup = await send(page, { type: 'options:setup', pin: '9999', settings: {} });
  assert.equal(setup.error, 'locked', 'setup cannot replace an existing PIN while locked');
  await opts.waitForSelector('#lock-form', { timeout: 3000 });
  assert.equal(await opts.$('#alert-list'), null, 'the other page locked too, its content removed');

  // The unlocked session ends by itself after lockMinutes.
  await t.unlock(page, PIN);
  await t.evalWorker(h, () => chrome.storage.session.set({ unlock: { until: Date.now() - 1 } }).then(() => true));
  await page.waitForSelector('#lock-form', { timeout: 3000 });
  assert.match(await page.textContent('#notice'), /Locked again/);
  assert.equal(await page.$('#alert-list'), null);
  await page.close();
  await t.unlock(opts, PIN);
});

test('settings changed without the PIN show in the alert centre', async () => {
  await t.evalWorker(h, async () => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...settings, sensitivity: 'relaxed', audience: 'child' } });
    return true;
  });
  await opts.waitForSelector('#tamper li[data-kind=settings-changed]', { timeout: 5000 });
  assert.match(await opts.textContent('#tamper'), /changed without the PIN/);
  // Settings the parent saves with the PIN are not tampering.
  await opts.click('#tamper-seen');
  await opts.waitForSelector('#tamper', { state: 'detached' });
  await opts.click('#tab-settings');
  await opts.check('input[name=sensitivity][value=strict]');
  await opts.click('#settings-save');
  await opts.waitForFunction(() => /Saved/.test(document.getElementById('notice').textContent));
  assert.equal((await local()).settings.sensitivity, 'strict');
  await t.sleep(300);
  assert.equal(((await local()).tamperLog || []).filter((e) => !e.reviewed).length, 0);
  await opts.click('#tab-alerts');
});

test('switching the extension off and on again shows in the alert centre', async () => {
  // As a child would at chrome://extensions (its page may call chrome.management).
  const ext = await h.ctx.newPage();
  await ext.goto('chrome://extensions');
  await ext.evaluate((id) => chrome.management.setEnabled(id, false), h.extensionId);
  await t.sleep(500);
  await ext.evaluate((id) => chrome.management.setEnabled(id, true), h.extensionId);
  await ext.close();
  const page = await t.optionsPage(h, { fresh: true });
  await page.waitForSelector('#lock-form');
  await t.unlock(page, PIN);
  await page.waitForSelector('#tamper li[data-kind=reenabled]', { timeout: 5000 });
  assert.match(await page.textContent('#tamper'), /switched off and switched on again/);
  await page.screenshot({ path: t.screenshotPath('parent-tamper.png'), fullPage: true });
  await page.click('#tamper-seen');
  await page.waitForSelector('#tamper', { state: 'detached' });
  opts = page;
});

test('settings survive a browser restart on the same profile; a plain restart is not tampering', async () => {
  const dir = h.dir;
  violations.push(...h.violations);
  await h.close({ keepProfile: true });
  h = await t.launch({ locale: 'en-GB', dir });
  const page = await t.optionsPage(h, { fresh: true, hash: '#settings' });
  await page.waitForSelector('#lock-form');
  await t.unlock(page, PIN);
  await page.waitForSelector('#settings-form');
  assert.equal(await page.isChecked('input[name=ageBand][value="10-12"]'), true);
  assert.equal(await page.isChecked('input[name=sensitivity][value=strict]'), true);
  assert.equal(await page.isChecked('input[name=site-reddit]'), false);
  assert.equal(await page.isChecked('input[name=evidence]'), true);
  await page.click('#tab-trusted');
  assert.deepEqual(await page.$$eval('fieldset[data-site=discord] .name', (els) => els.map((e) => e.textContent)), ['sam_plays']);
  await t.sleep(1800); // the worker's life check runs 1.5 s after start
  assert.equal(((await local()).tamperLog || []).filter((e) => !e.reviewed).length, 0, 'no tamper event for a restart');
  opts = page;
});

test('forgotten PIN: the documented reset wipes the log and settings, and says so afterwards', async () => {
  await opts.click('#lock-now');
  await opts.waitForSelector('#forgot');
  await opts.click('#forgot summary');
  assert.match(await opts.textContent('#forgot'), /deletes every alert, every kept excerpt and all settings/);
  await opts.fill('#reset-confirm', 'RESET');
  await opts.click('#reset-go');
  await opts.waitForSelector('#setup-form');
  const st = await local();
  assert.equal(st.auth, undefined);
  assert.equal(st.alertLog, undefined);
  assert.equal(st.settings.setupDone, false);
  assert.equal(st.settings.trusted.discord.length, 0);
  assert.deepEqual(st.tamperLog.map((e) => e.kind), ['reset']);
  await opts.fill('#setup-pin', '97531');
  await opts.fill('#setup-pin2', '97531');
  await opts.click('#setup-finish');
  await opts.waitForSelector('#tamper li[data-kind=reset]');
});
