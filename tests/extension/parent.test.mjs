// The parent's side (issue 5): first-run setup, the PIN lock and its back-off, locked pages,
// trusted contacts, the alert centre, evidence keeping (ciphertext only), the export, hostile
// names as text, tamper evidence, the popup, a browser restart on the same profile; and issue 16:
// the recovery code (shown once) and a forgotten PIN replaced with it, the PIN changed in the
// settings, one card per conversation, the report for the authorities, trusted contacts by
// conversation id, axe-core on every page. One browser for most tests (they run in order and build on each other),
// a second launch on the same profile for the restart; no request may leave the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as t from './helpers.mjs';

const PIN = '4826';
let h;
let opts; // the options page, unlocked after setup
let recoveryCode = '';
const violations = [];
const axeClean = async (page, what) => assert.deepEqual(await t.axe(page), [], `axe-core on ${what}`);

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
  ids: e.dataset.ids.split(' '),
  timeline: [...e.querySelectorAll('.timeline li')].map((li) => li.dataset.level),
  actions: [...e.querySelectorAll('.child-actions li')].map((li) => li.dataset.action),
  level: e.className.match(/level-(\w+)/)[1],
  reasons: [...e.querySelectorAll('.reasons li')].map((li) => li.textContent),
  excerpts: [...e.querySelectorAll('.excerpts blockquote')].map((b) => b.textContent),
  notes: [...e.querySelectorAll('.note')].map((n) => n.textContent),
  text: e.textContent,
})));

test('first run: the options page opens after install and the setup stores only a PIN hash', async () => {
  opts = await t.optionsPage(h);
  await opts.waitForSelector('#setup-form');
  await axeClean(opts, 'setup');
  assert.equal(await opts.inputValue('#field-region'), 'GB', 'the country defaults from the locale (en-GB)');
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
  // The recovery code, once: Continue only after the parent says it is kept.
  await opts.waitForSelector('#recovery-code');
  recoveryCode = await opts.textContent('#recovery-code');
  assert.match(recoveryCode, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
  assert.equal(await opts.isDisabled('#recovery-continue'), true);
  await axeClean(opts, 'the recovery code');
  await opts.screenshot({ path: t.screenshotPath('parent-recovery-code.png') });
  const [saved] = await Promise.all([opts.waitForEvent('download'), opts.click('#recovery-save')]);
  assert.ok(fs.readFileSync(await saved.path(), 'utf8').includes(recoveryCode), 'saved to a file');
  await opts.check('#recovery-kept');
  await opts.click('#recovery-continue');
  await opts.waitForSelector('#alerts');
  assert.equal(await opts.$('#recovery-code'), null, 'the code left the page');
  assert.match(await opts.textContent('#notice'), /set up and watching/);
  assert.match(await opts.textContent('#no-alerts'), /No alerts so far/);

  const st = await local();
  assert.equal(st.settings.ageBand, '10-12');
  assert.equal(st.settings.sites.reddit, false);
  assert.equal(st.settings.evidence, true);
  assert.equal(st.settings.setupDone, true);
  assert.ok(st.auth.pin.salt && st.auth.pin.hash && st.auth.pin.iterations >= 100000, 'salted PBKDF2 hash');
  assert.ok(!JSON.stringify(st).includes(PIN), 'the PIN itself is stored nowhere');
  assert.ok(st.auth.recovery.hash && !JSON.stringify(st).includes(recoveryCode) && !JSON.stringify(st).includes(recoveryCode.replace(/-/g, '')),
    'only a hash of the recovery code');
  assert.equal(st.settings.region, 'GB');
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
  const log = (await local()).alertLog;
  assert.ok(log.length >= 2, `the chat logged ${log.length} entries (warnings, then the alert)`);
  assert.equal(items.length, 1, 'one card for the one conversation');
  const top = items[0];
  assert.deepEqual(top.ids.sort(), log.map((e) => e.id).sort(), 'the card holds every entry of the conversation');
  assert.equal(top.level, 'alert', 'the highest level');
  assert.deepEqual(top.timeline, ['watch', 'warn', 'alert'], 'the escalation, with dates');
  assert.match(top.contact, /sam_plays on Discord/);
  assert.match(top.text, /Conversation id on the site: 1190000000000000001/);
  assert.ok(top.reasons.length >= 2, 'reasons listed');
  assert.ok(top.reasons.every((r) => r.length > 10 && !/[<>{}]/.test(r)), 'plain words');
  assert.equal(new Set(top.reasons).size, top.reasons.length, 'each reason once');
  assert.ok(top.excerpts.some((x) => /snapchat/i.test(x)), 'the excerpts open with the PIN');
  assert.ok(top.excerpts.some((x) => /Your child: im 13/.test(x)), 'both sides of the chat');
  assert.match(top.text, /Where it was heading: /);
  assert.doesNotMatch(top.text, /Stage:|private channel/, 'no jargon');
  assert.match(top.text, /What to do now/);
  assert.match(await opts.textContent('#levels-explain'), /Warning means a few signs came together.*Alert means a strong pattern/s);
  const links = await opts.$$eval('#alert-list article:first-child details.guide a', (as) => as.map((a) => a.href));
  assert.ok(links.some((l) => l.includes('ceop.police.uk')) && links.some((l) => l.includes('iwf.org.uk')), 'the UK\'s reporting links');
  assert.ok(!links.some((l) => l.includes('cybertip.org')), 'not the US one for a UK family');
  assert.ok(await opts.$('#chart svg rect'), 'weekly chart');
  const week = await opts.getAttribute('#chart svg', 'aria-label');
  assert.match(week, /, 1$/, 'this week: one conversation (not one per entry)');
  await axeClean(opts, 'the alert centre');

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

test('the child\'s answers are recorded apart: close, Escape, "I\'m OK", the blocking steps, "Talk to someone"', async () => {
  const page = await t.openSite(h, 'discord', { key: 'B' });
  await t.play(page, t.GROOMING);
  assert.ok(await t.waitAlert(page, 3000));
  await t.clickAlertButton(page, 'Show me how to block and report');
  await t.clickAlertButton(page, 'Talk to someone');
  await t.clickAlertButton(page, 'Close the SafeDM message');
  await t.sleep(400);
  const entry = (await local()).alertLog.filter((e) => e.conversation === '1190000000000000002').pop();
  assert.deepEqual(entry.childActions.map((a) => a.action), ['block', 'talk', 'close']);
  await opts.waitForFunction(() => [...document.querySelectorAll('#alert-list article')].some((a) => a.dataset.conversation === '1190000000000000002' && a.querySelectorAll('.child-actions li').length === 3));
  const card = (await alertItems(opts)).find((c) => c.text.includes('1190000000000000002'));
  assert.deepEqual(card.actions, ['block', 'talk', 'close']);
  assert.match(card.text, /asked for help \(opened “Talk to someone”\)/);
  assert.match(card.text, /closed the message \(×\)/);
  await page.close();
  await t.evalWorker(h, async () => {
    const log = (await chrome.storage.local.get('alertLog')).alertLog.filter((e) => e.conversation !== '1190000000000000002');
    await chrome.storage.local.set({ alertLog: log });
    return true;
  });
  await opts.waitForFunction(() => document.querySelectorAll('#alert-list article').length === 1);
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

test('mark reviewed; the report for the authorities as printable HTML and JSON; delete asks first', async () => {
  await opts.click('#alert-list article:first-child button.review');
  await opts.waitForSelector('#alert-list article:first-child .badge.reviewed');
  assert.ok((await local()).alertLog.every((a) => a.reviewed), 'every entry of the card');
  await axeClean(opts, 'a reviewed card');
  // A tamper event, to be in the report.
  await t.evalWorker(h, async () => {
    await chrome.storage.local.set({ tamperLog: [{ id: 'tt-1', time: Date.now() - 3600000, kind: 'reenabled', reviewed: true }] });
    return true;
  });
  await t.sleep(300);

  const [dl] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-html')]);
  const html = fs.readFileSync(await dl.path(), 'utf8');
  fs.copyFileSync(await dl.path(), t.screenshotPath(dl.suggestedFilename()));
  assert.match(dl.suggestedFilename(), /^safedm-report-\d{4}-\d{2}-\d{2}\.html$/);
  assert.match(html, /<html [^>]*lang="en/);
  assert.match(html, /<main>/);
  assert.match(html, /<h1>SafeDM report<\/h1>/);
  assert.match(html, /All times are local times, time zone [A-Za-z_/]+ \(UTC[+-]\d\d:\d\d\)/);
  assert.match(html, /sam_plays/);
  assert.match(html, /1190000000000000001/, 'the conversation id the page shows');
  assert.match(html, /Your child<\/td><td[^>]*>im 13/, 'the child\'s side too');
  assert.match(html, /snapchat/i, 'the kept lines are in the report');
  assert.match(html, /Alert: /, 'levels in words');
  assert.doesNotMatch(html, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/, 'no raw UTC timestamps');
  assert.match(html, /switched off and switched on again/, 'tamper events');
  assert.match(html, /Where to report \(United Kingdom\)/);
  assert.match(html, /ceop\.police\.uk/);
  assert.doesNotMatch(html, /cybertip/);
  assert.match(html, /@media print/);
  // The report itself: screenshot and axe-core.
  const rp = await h.ctx.newPage();
  await rp.setContent(html);
  await rp.screenshot({ path: t.screenshotPath('parent-report.png'), fullPage: true });
  await axeClean(rp, 'the exported report');
  await rp.close();

  const [dj] = await Promise.all([opts.waitForEvent('download'), opts.click('#export-json')]);
  const json = JSON.parse(fs.readFileSync(await dj.path(), 'utf8'));
  fs.copyFileSync(await dj.path(), t.screenshotPath(dj.suggestedFilename()));
  assert.match(json.generated, /T\d\d:\d\d:\d\d[+-]\d\d:\d\d$/, 'local time with its offset');
  assert.ok(json.timeZone);
  assert.equal(json.country, 'GB');
  assert.equal(json.conversations.length, 1);
  const c = json.conversations[0];
  assert.equal(c.siteName, 'Discord');
  assert.equal(c.contact, 'sam_plays');
  assert.equal(c.conversationId, '1190000000000000001');
  assert.deepEqual(c.escalation.map((x) => x.level), ['watch', 'warn', 'alert']);
  assert.ok(c.reasons.every((r) => r.text.length > 10));
  assert.equal(c.alerts.length, (await local()).alertLog.length);
  assert.ok(c.lines.some((l) => l.from === 'child' && l.text === 'im 13' && /[+-]\d\d:\d\d$/.test(l.time)), 'both sides with times');
  assert.ok(c.lines.some((l) => l.from === 'contact' && l.flagged));
  assert.deepEqual(json.tamper.map((e) => e.kind), ['reenabled']);
  assert.ok(json.reportTo.some((l) => l.url.includes('ceop.police.uk')));
  await t.evalWorker(h, async () => { await chrome.storage.local.remove('tamperLog'); return true; });

  // Delete asks for confirmation; Cancel keeps the card.
  await opts.click('#alert-list article:first-child button.delete');
  await opts.waitForSelector('#alert-list article:first-child .delete-yes');
  assert.match(await opts.textContent('#alert-list article:first-child .confirm'), /Delete this conversation's alerts\?/);
  await opts.click('#alert-list article:first-child .delete-no');
  await opts.waitForSelector('#alert-list article:first-child button.delete');
  assert.ok((await local()).alertLog.length > 0, 'nothing deleted on Cancel');
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
  await opts.click('article[data-id="evil-1"] .delete-yes');
  await opts.waitForSelector('article[data-id="evil-1"]', { state: 'detached' });
});

test('a trusted contact is scored but never raises a warn; an alert is noted as trusted', async () => {
  // Trusted by the conversation's id, picked from the conversations SafeDM has read.
  await opts.click('#tab-trusted');
  await opts.waitForSelector('#seen-list li[data-id="1190000000000000001"] button.trust');
  await axeClean(opts, 'trusted contacts');
  await opts.click('#seen-list li[data-id="1190000000000000001"] button.trust');
  await opts.waitForSelector('#trusted-list li[data-id="1190000000000000001"]');
  assert.deepEqual((await local()).settings.trusted.discord, [{ id: '1190000000000000001', label: 'sam_plays' }]);
  // The real Mum's conversation, trusted elsewhere: a stranger named "Mum" (conversation B) is not her.
  const s0 = (await local()).settings;
  await send(opts, { type: 'options:save-settings', settings: { ...s0, trusted: { ...s0.trusted, discord: [...s0.trusted.discord, { id: '1190000000000000999', label: 'Mum' }] } } });
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

  // The same sequence from someone not trusted on that site logs the warn, although the name
  // "Mum" is a trusted contact's label.
  await clearAlerts();
  const other = await t.openSite(h, 'discord', { key: 'B' }); // "Mum", in another conversation
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
  await axeClean(popup, 'the popup');
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
  await axeClean(opts, 'tamper events');
  assert.match(await opts.textContent('#tamper'), /changed without the PIN/);
  // Settings the parent saves with the PIN are not tampering.
  await opts.click('#tamper-seen');
  await opts.waitForSelector('#tamper', { state: 'detached' });
  await opts.click('#tab-settings');
  await axeClean(opts, 'the settings');
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
  await axeClean(page, 'the lock screen');
  await t.unlock(page, PIN);
  await page.waitForSelector('#settings-form');
  assert.equal(await page.isChecked('input[name=ageBand][value="10-12"]'), true);
  assert.equal(await page.isChecked('input[name=sensitivity][value=strict]'), true);
  assert.equal(await page.isChecked('input[name=site-reddit]'), false);
  assert.equal(await page.isChecked('input[name=evidence]'), true);
  await page.click('#tab-trusted');
  assert.deepEqual(await page.$$eval('#trusted-list .name', (els) => els.map((e) => e.textContent)), ['sam_plays', 'Mum']);
  await t.sleep(1800); // the worker's life check runs 1.5 s after start
  assert.equal(((await local()).tamperLog || []).filter((e) => !e.reviewed).length, 0, 'no tamper event for a restart');
  opts = page;
});

test('the PIN is changed in the settings with the old one; kept excerpts still open', async () => {
  await opts.click('#tab-settings');
  await opts.fill('#pin-old', '9999');
  await opts.fill('#pin-new', '13579');
  await opts.fill('#pin-new2', '13579');
  await opts.click('#pin-change');
  await opts.waitForFunction(() => /Wrong PIN/.test(document.getElementById('pin-msg').textContent));
  await t.sleep(1100); // the back-off of one wrong PIN
  await opts.fill('#pin-old', PIN);
  await opts.fill('#pin-new', '13579');
  await opts.fill('#pin-new2', '13579');
  await opts.click('#pin-change');
  await opts.waitForFunction(() => /The PIN is changed/.test(document.getElementById('pin-msg').textContent));
  await opts.click('#lock-now');
  await opts.waitForSelector('#lock-form');
  await opts.fill('#lock-pin', PIN);
  await opts.click('#lock-unlock');
  await opts.waitForFunction(() => /Wrong PIN/.test(document.getElementById('lock-msg').textContent));
  await opts.waitForSelector('#lock-pin:not([disabled])', { timeout: 3000 });
  await t.unlock(opts, '13579');
});

test('forgotten PIN: the recovery code sets a new one, nothing is deleted, the alert centre says so; no wipe on the lock screen', async () => {
  // Something to keep: an alert with sealed excerpts.
  await clearAlerts();
  const page = await t.openSite(h, 'discord');
  await t.play(page, t.GROOMING);
  await t.sleep(600);
  await page.close();
  const before = (await local()).alertLog;
  assert.ok(before.some((e) => e.sealed), 'excerpts kept');
  await opts.click('#lock-now');
  await opts.waitForSelector('#forgot');
  // The PIN comes first; the way out of a forgotten PIN is folded away after it, and wipes nothing.
  const order = await opts.$$eval('#view-lock form, #view-lock details', (els) => els.map((e) => e.id));
  assert.deepEqual(order, ['lock-form', 'forgot', 'recover-form']);
  assert.equal(await opts.$('#forgot[open]'), null);
  assert.equal(await opts.$('#reset-confirm'), null, 'no RESET wipe');
  const wipe = await opts.evaluate(() => chrome.runtime.sendMessage({ type: 'options:reset', confirm: 'RESET' }).catch((e) => ({ error: String(e) })));
  assert.ok(!wipe || wipe.type !== 'worker:ok', 'the worker has no reset either');
  assert.equal((await local()).alertLog.length, before.length);
  await opts.click('#forgot summary');
  assert.match(await opts.textContent('#forgot'), /Every alert and kept excerpt stays/);
  await opts.fill('#recover-code', 'AAAAA-BBBBB-CCCCC-DDDDD');
  await opts.fill('#recover-pin', '97531');
  await opts.fill('#recover-pin2', '97531');
  await opts.click('#recover-go');
  await opts.waitForFunction(() => /not right/.test(document.getElementById('recover-msg').textContent));
  assert.equal((await local()).alertLog.length, before.length, 'a wrong code changes nothing');
  await t.sleep(1100);
  await opts.fill('#recover-code', recoveryCode.toLowerCase().replace(/-/g, ' '));
  await opts.click('#recover-go');
  await opts.waitForSelector('#recovery-code');
  const next = await opts.textContent('#recovery-code');
  assert.notEqual(next, recoveryCode, 'a used code is replaced by a new one');
  await opts.check('#recovery-kept');
  await opts.click('#recovery-continue');
  await opts.click('#tab-alerts');
  await opts.waitForSelector('#tamper li[data-kind=pin-recovered]');
  assert.match(await opts.textContent('#tamper'), /The PIN was replaced with the recovery code/);
  const after = await local();
  assert.equal(after.alertLog.length, before.length, 'every alert kept');
  assert.ok((await alertItems(opts))[0].excerpts.some((x) => /snapchat/i.test(x)), 'the excerpts open with the new PIN');
  // The old code no longer works.
  const old = await send(opts, { type: 'options:recover', code: recoveryCode, pin: '11223' });
  assert.notEqual(old.type, 'worker:ok');
  await t.sleep(1100);
  await opts.click('#lock-now');
  await t.unlock(opts, '97531');
});
