// Checks on the extension's source that need no browser: the manifest's permissions and CSP,
// no HTML-string APIs and no network APIs anywhere in its code, the adapters' hosts, and the
// settings validator and storage write queue as units.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';
import {
  DEFAULTS, SITES, REGIONS, validateSettings, managedOverrides, isTrusted, engineConfig,
} from '../../extension/common/settings.js';
import { StorageQueue, convKey } from '../../extension/background/store.js';

const EXT_SRC = path.join(ROOT, 'extension');
const manifest = JSON.parse(fs.readFileSync(path.join(EXT_SRC, 'manifest.json'), 'utf8'));
const files = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
  d.isDirectory() ? (d.name === 'engine' ? [] : files(path.join(dir, d.name))) : [path.join(dir, d.name)]);
const sources = files(EXT_SRC).filter((f) => /\.(js|html)$/.test(f));

test('manifest: only storage and notifications, no host permissions beyond the content scripts', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual([...manifest.permissions].sort(), ['notifications', 'storage']);
  assert.equal(manifest.host_permissions, undefined);
  assert.equal(manifest.optional_permissions, undefined);
  assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
  assert.equal(manifest.background.service_worker, 'background/worker.js');
  assert.equal(manifest.background.type, 'module');
  assert.deepEqual(manifest.background.scripts, ['background/worker.js']);
  assert.ok(manifest.browser_specific_settings.gecko.id);
  for (const cs of manifest.content_scripts) {
    for (const m of cs.matches) assert.match(m, /^https:\/\/[a-z.]+\/\*$/, `narrow match ${m}`);
    for (const js of cs.js) assert.ok(fs.existsSync(path.join(EXT_SRC, js)), js);
  }
});

test('the shortcut to the child\'s alert: one command, keys Chrome and Firefox both accept, the same as the content script\'s', () => {
  assert.deepEqual(Object.keys(manifest.commands), ['focus-alert']);
  const key = manifest.commands['focus-alert'].suggested_key.default;
  // Chrome: Ctrl or Alt, never both (AltGr); Firefox: one or two modifiers, a primary one first.
  assert.match(key, /^(Alt|Ctrl)\+(Shift\+)?[A-Z]$/);
  const lib = fs.readFileSync(path.join(EXT_SRC, 'content/lib.js'), 'utf8');
  assert.equal(/SafeDM\.SHORTCUT = '([^']+)'/.exec(lib)[1], key, 'lib.js listens for the same keys');
  assert.match(manifest.commands['focus-alert'].description, /^__MSG_\w+__$/);
});

test('the child\'s two screens share lib.js\'s DOM builder, host style and region lookup, loaded before them', () => {
  const js = manifest.content_scripts[0].js;
  for (const f of ['content/alert.js', 'content/sextortion.js']) {
    assert.ok(js.indexOf('content/lib.js') < js.indexOf(f), `lib.js before ${f}`);
    const src = fs.readFileSync(path.join(EXT_SRC, f), 'utf8');
    assert.match(src, /const el = SafeDM\.el;/, `${f} builds with SafeDM.el`);
    assert.doesNotMatch(src, /createTextNode|navigator\.languages|z-index: 2147483647/, `${f} has no builder, region lookup or host style of its own`);
    assert.match(src, /SafeDM\.regionIn\(HELP, setting\)/, `${f} looks its region up in its own HELP`);
  }
});

test('every site adapter file is loaded, and its hosts are in the manifest matches', () => {
  const matches = manifest.content_scripts.flatMap((c) => c.matches).map((m) => new URL(m.replace('/*', '/')).hostname);
  const loaded = manifest.content_scripts.flatMap((c) => c.js);
  const siteFiles = fs.readdirSync(path.join(EXT_SRC, 'content/sites'));
  assert.equal(siteFiles.length, 8);
  for (const f of siteFiles) {
    assert.ok(loaded.includes(`content/sites/${f}`), `${f} in the manifest`);
    const src = fs.readFileSync(path.join(EXT_SRC, 'content/sites', f), 'utf8');
    const name = /name: '([a-z]+)'/.exec(src)[1];
    assert.ok(SITES.includes(name), `${name} is a known site in settings`);
    for (const m of src.matchAll(/hosts: \[([^\]]+)\]/g)) {
      for (const host of m[1].match(/'[^']+'/g).map((x) => x.slice(1, -1))) {
        if (host.startsWith('www.') || matches.includes(host)) continue;
        assert.ok(matches.includes(`www.${host}`) || matches.includes(host), `${host} matched`);
      }
    }
  }
});

test('no HTML strings, eval or network APIs in the extension code', () => {
  const banned = [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function\(/,
    /\bfetch\(/, /XMLHttpRequest/, /WebSocket/, /sendBeacon/, /EventSource/, /importScripts/, /https?:\/\/[^'"\s]*\.js\b/];
  for (const f of sources) {
    const src = fs.readFileSync(f, 'utf8');
    for (const re of banned) assert.doesNotMatch(src, re, `${path.relative(ROOT, f)} uses ${re}`);
  }
  for (const f of sources.filter((x) => x.endsWith('.html'))) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/<(script|link)[^>]+(src|href)="([^"]+)"/g)) assert.doesNotMatch(m[3], /^(https?:)?\/\//, 'local files only');
  }
});

test('message types: named only through common/protocol.js, which content scripts load first and the modules import', async () => {
  // A quoted 'sender:what' outside protocol.js (comments aside) is a message type spelled out again.
  const type = /(['"`])(content|options|worker|popup):[a-z-]+\1/;
  const www = path.join(ROOT, 'www');
  const code = [...sources, ...files(www)].filter((f) => f.endsWith('.js') && !f.endsWith(path.join('common', 'protocol.js')));
  assert.ok(code.length > 20, `${code.length} files scanned`);
  for (const f of code) {
    const src = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/\s.*$/gm, '');
    const m = type.exec(src);
    assert.equal(m, null, `${path.relative(ROOT, f)} spells out ${m && m[0]}: use SafeDMProtocol.MSG`);
  }
  assert.equal(manifest.content_scripts[0].js[0], 'common/protocol.js', 'loaded before every content script');
  await import('../../extension/common/protocol.js');
  const { MSG, STATUS, ERROR } = globalThis.SafeDMProtocol;
  assert.ok(Object.isFrozen(globalThis.SafeDMProtocol) && Object.isFrozen(MSG) && Object.isFrozen(STATUS) && Object.isFrozen(ERROR));
  const values = Object.values(MSG);
  assert.equal(new Set(values).size, values.length, 'no type twice');
  for (const [k, v] of Object.entries(MSG)) {
    assert.match(v, /^(content|options|worker|popup):[a-z-]+$/, k);
    assert.equal(k, v.replace(/[:-]/g, '_').toUpperCase(), `${k} is named after ${v}`);
  }
  // Each type is used somewhere (by its constant), and each module that uses MSG imports protocol.js.
  const all = code.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  for (const k of Object.keys(MSG)) assert.match(all, new RegExp(`MSG\\.${k}\\b`), `MSG.${k} is used`);
  for (const f of code) {
    const src = fs.readFileSync(f, 'utf8');
    if (/\bSafeDMProtocol\b/.test(src) && /^import /m.test(src)) assert.match(src, /^import '\.\.?\/(\.\.\/)?common\/protocol\.js';$/m, `${path.relative(ROOT, f)} imports protocol.js`);
  }
});

test('settings: DEFAULTS validate clean; every bad field is repaired to its default and reported', () => {
  const { settings, repaired } = validateSettings(structuredClone(DEFAULTS));
  assert.deepEqual(repaired, []);
  assert.deepEqual(settings, { ...DEFAULTS, sites: { ...DEFAULTS.sites } });
  assert.deepEqual(validateSettings(undefined).repaired, [], 'a fresh install repairs nothing');
  const bad = validateSettings({
    version: 1, sensitivity: 'paranoid', ageBand: '40', audience: 'everyone', notifyOnThisDevice: 'yes',
    sites: { discord: false, reddit: 'no' }, region: 'GB', maxLogEntries: 5, extra: 1,
    evidence: 'on', lockMinutes: 0, setupDone: 1,
    trusted: { discord: ['Mum', { id: '11', label: 'Mum' }, { id: ' 11 ', label: 'again' }, { id: '', label: 'x' }, 7, { id: '12', label: ' Dad ' }], x: 'nope' },
  });
  assert.equal(bad.settings.sensitivity, 'balanced');
  assert.equal(bad.settings.ageBand, '13-15');
  assert.equal(bad.settings.evidence, false);
  assert.equal(bad.settings.lockMinutes, 5);
  assert.equal(bad.settings.setupDone, false);
  assert.deepEqual(bad.settings.trusted.discord, [{ id: '11', label: 'Mum' }, { id: '12', label: 'Dad' }],
    'by id: trimmed, deduplicated, names alone (no id) dropped');
  assert.deepEqual(bad.settings.trusted.x, []);
  assert.equal(bad.settings.audience, 'both');
  assert.equal(bad.settings.notifyOnThisDevice, true);
  assert.equal(bad.settings.sites.discord, false, 'good fields kept');
  assert.equal(bad.settings.sites.reddit, true);
  assert.equal(bad.settings.region, 'GB');
  assert.equal(bad.settings.maxLogEntries, 500);
  assert.ok(!('extra' in bad.settings));
  for (const f of ['sensitivity', 'ageBand', 'audience', 'notifyOnThisDevice', 'sites.reddit', 'sites.instagram', 'maxLogEntries', 'extra',
    'evidence', 'lockMinutes', 'setupDone', 'trusted.discord', 'trusted.x']) {
    assert.ok(bad.repaired.includes(f), `reports ${f}`);
  }
  assert.deepEqual(validateSettings('nonsense').settings, validateSettings(undefined).settings);
});

class FakeArea {
  constructor() { this.data = {}; this.sets = []; }
  async get(key) { await null; return key in this.data ? { [key]: structuredClone(this.data[key]) } : {}; }
  async set(obj) { await new Promise((r) => setTimeout(r, 5)); this.sets.push(Object.keys(obj)); Object.assign(this.data, structuredClone(obj)); }
}

test('storage queue: writes in order, coalesced per key, and read-modify-writes never interleave', async () => {
  const area = new FakeArea();
  const q = new StorageQueue(area);
  const writes = [];
  for (let i = 0; i < 20; i++) writes.push(q.set(convKey('discord', '1'), { n: i }));
  const appends = [];
  for (let i = 0; i < 30; i++) appends.push(q.update('alertLog', (old) => [...(old || []), i]));
  await Promise.all([...writes, ...appends]);
  await q.drain();
  assert.deepEqual(area.data['conv:discord:1'], { n: 19 }, 'the last write wins');
  assert.deepEqual(area.data.alertLog, [...Array(30).keys()], 'no append lost');
  assert.ok(area.sets.length < 50, `coalesced (${area.sets.length} storage.set calls for 50 writes)`);
  assert.equal(await q.get('alertLog').then((v) => v.length), 30);
});

test('storage queue: a failing write rejects its callers and the queue goes on', async () => {
  const area = new FakeArea();
  let fail = true;
  const set = area.set.bind(area);
  area.set = async (obj) => { if (fail) { fail = false; throw new Error('quota'); } return set(obj); };
  const q = new StorageQueue(area);
  await assert.rejects(q.set('a', 1), /quota/);
  await q.set('b', 2);
  assert.deepEqual(area.data, { b: 2 });
});

test('settings: trusted contacts match by conversation id per site, never by name; managed policy overrides only valid fields', () => {
  const { settings } = validateSettings({ ...DEFAULTS, trusted: { discord: [{ id: '1190000000000000001', label: 'Sam_Plays' }] } });
  assert.ok(isTrusted(settings, 'discord', '1190000000000000001'));
  assert.ok(!isTrusted(settings, 'discord', 'Sam_Plays'), 'a name is not an id');
  assert.ok(!isTrusted(settings, 'instagram', '1190000000000000001'), 'per site');
  assert.ok(!isTrusted(settings, 'discord', ''));
  assert.deepEqual(engineConfig({ ...settings, ageBand: '10-12' }), { sensitivity: 'balanced', childAge: 10 });
  const m = managedOverrides({ sensitivity: 'strict', audience: 'nobody', sites: { reddit: false }, version: 7 });
  assert.deepEqual(m.keys.sort(), ['sensitivity', 'sites']);
  assert.equal(m.forced.sites.reddit, false);
  assert.deepEqual(managedOverrides(undefined), { forced: {}, keys: [] });
});

test('managed_schema.json covers exactly the settings an administrator may force', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(EXT_SRC, 'managed_schema.json'), 'utf8'));
  assert.equal(manifest.storage.managed_schema, 'managed_schema.json');
  const props = Object.keys(schema.properties).sort();
  const forcible = Object.keys(DEFAULTS).filter((k) => !['version', 'setupDone'].includes(k)).sort();
  assert.deepEqual(props, forcible);
  assert.deepEqual(Object.keys(schema.properties.sites.properties).sort(), [...SITES].sort());
  assert.deepEqual(schema.properties.sensitivity.enum, ['relaxed', 'balanced', 'strict']);
});

test('i18n: en, de, es and nl have the same messages, and every key the pages and the alert ask for exists', () => {
  const load = (l) => JSON.parse(fs.readFileSync(path.join(EXT_SRC, '_locales', l, 'messages.json'), 'utf8'));
  const en = load('en');
  assert.equal(manifest.default_locale, 'en');
  assert.deepEqual(fs.readdirSync(path.join(EXT_SRC, '_locales')).sort(), ['de', 'en', 'es', 'fr', 'nl']);
  // French covers the child's screens and the reasons (the rest falls back to English).
  const fr = load('fr');
  for (const k of Object.keys(en).filter((x) => /^(childAlert_|sext_|reason_)/.test(x))) assert.ok(fr[k], `fr has ${k}`);
  assert.ok(Object.keys(fr).every((k) => en[k]), 'fr has no keys English lacks');
  for (const l of ['de', 'es', 'nl', 'fr']) {
    const other = load(l);
    if (l !== 'fr') assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), `${l} has the same keys`);
    assert.equal(other.childAlert_lang.message, l, `${l}: the alert's lang attribute`);
    for (const [k, v] of Object.entries(other)) {
      assert.ok(v.message.trim(), `${l}.${k} not empty`);
      assert.equal((v.message.match(/\$\d/g) || []).sort().join(), (en[k].message.match(/\$\d/g) || []).sort().join(), `${l}.${k} substitutions`);
    }
  }
  for (const m of JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)) assert.ok(en[m[1]], m[1]);
  const pages = ['options/options.js', 'options/options.html', 'popup/popup.js', 'popup/popup.html', 'background/worker.js', 'background/alerts.js']
    .map((f) => fs.readFileSync(path.join(EXT_SRC, f), 'utf8')).join('\n');
  const asked = new Set([...pages.matchAll(/\bt\('([A-Za-z0-9_]+)'/g), ...pages.matchAll(/data-i18n="([A-Za-z0-9_]+)"/g)].map((m) => m[1]));
  for (const k of ['age_under10', 'age_10_12', 'age_13_15', 'age_16_17', 'audience_child_hint', 'sens_strict_hint',
    'stage_exclusivity', 'tamper_reenabled', 'tamper_settings_changed', 'tamper_reset', 'linkCeop', 'linkCybertip', 'reportTime']) asked.add(k);
  // The child's alert: every childAlert_ key named in alert.js (its t() calls and its HELP table).
  const alertSrc = fs.readFileSync(path.join(EXT_SRC, 'content/alert.js'), 'utf8');
  const alertKeys = [...alertSrc.matchAll(/'(childAlert_[A-Za-z0-9_]+)'/g)].map((m) => m[1]);
  assert.ok(alertKeys.length >= 20, 'alert.js asks for its words by key');
  for (const k of alertKeys) asked.add(k);
  // The sextortion screen: every key named in sextortion.js exists, and every sext_ key is used
  // there or by the worker's notification.
  const sextSrc = fs.readFileSync(path.join(EXT_SRC, 'content/sextortion.js'), 'utf8');
  const sextKeys = [...sextSrc.matchAll(/'((?:sext|childAlert)_[A-Za-z0-9_]+)'/g)].map((m) => m[1]);
  assert.ok(sextKeys.length >= 20, 'sextortion.js asks for its words by key');
  for (const k of sextKeys) asked.add(k);
  for (const k of Object.keys(en).filter((x) => x.startsWith('sext_') && x !== 'sext_notifyTitle')) {
    assert.ok(sextKeys.includes(k), `${k} is used by sextortion.js`);
  }
  // A translated reason for every category the engine can give (src/explain.rs), for the parent
  // (reason_) and for the child (childAlert_reason_, whose English is the engine's own sentence).
  const explain = fs.readFileSync(path.join(ROOT, 'src/explain.rs'), 'utf8');
  const cats = [...new Set([...explain.matchAll(/Category::([A-Za-z]+) => \(/g)].map((m) => m[1]))];
  assert.ok(cats.length >= 10);
  for (const c of cats) {
    const snake = c.replace(/[A-Z]/g, (x, i) => (i ? '_' : '') + x.toLowerCase());
    asked.add(`reason_${snake}`);
    asked.add(`childAlert_reason_${snake}`);
    const child = new RegExp(`Category::${c} => \\(\\s*"[^"]*",\\s*"([^"]*)",`).exec(explain)[1];
    assert.equal(en[`childAlert_reason_${snake}`].message, child, `childAlert_reason_${snake} is the engine's sentence`);
  }
  for (const k of asked) assert.ok(en[k], `message ${k} exists in _locales/en`);
  // Every childAlert_ message is used (no stale words for the child).
  for (const k of Object.keys(en).filter((x) => x.startsWith('childAlert_') && !x.startsWith('childAlert_reason_'))) {
    assert.ok(alertKeys.includes(k), `${k} is used by alert.js`);
  }
});

test('child alert: help lines for each region the settings accept, with their numbers', () => {
  const alertSrc = fs.readFileSync(path.join(EXT_SRC, 'content/alert.js'), 'utf8');
  const help = /const HELP = \{([\s\S]*?)\n {2}\};/.exec(alertSrc)[1];
  const regions = [...help.matchAll(/^ {4}([A-Za-z]+):/gm)].map((m) => m[1]);
  assert.deepEqual(regions.sort(), [...REGIONS].sort(), 'alert.js HELP and settings REGIONS agree');
  const schema = JSON.parse(fs.readFileSync(path.join(EXT_SRC, 'managed_schema.json'), 'utf8'));
  assert.deepEqual(schema.properties.region.enum, ['auto', ...REGIONS]);
  for (const r of REGIONS) assert.equal(validateSettings({ ...DEFAULTS, region: r }).settings.region, r);
  assert.equal(validateSettings({ ...DEFAULTS, region: 'FR' }).settings.region, 'auto');
  // The numbers are in every language's text (a translation must not lose or change them).
  const numbers = {
    childline: ['0800 1111'], cybertip: ['1-800-843-5678'], nummergegenkummer: ['116 111'], rataufdraht: ['147'],
    anar: ['900 20 20 10'], kindertelefoon: ['0800-0432'],
  };
  for (const l of ['en', 'de', 'es', 'nl']) {
    const msgs = JSON.parse(fs.readFileSync(path.join(EXT_SRC, '_locales', l, 'messages.json'), 'utf8'));
    for (const [line, nums] of Object.entries(numbers)) {
      for (const n of nums) assert.ok(msgs[`childAlert_help_${line}_text`].message.includes(n), `${l} ${line}: ${n}`);
    }
  }
});

test('child alert: each site\'s blocking steps have their messages, whose English is the adapter\'s own', () => {
  const en = JSON.parse(fs.readFileSync(path.join(EXT_SRC, '_locales/en/messages.json'), 'utf8'));
  const alertSrc = fs.readFileSync(path.join(EXT_SRC, 'content/alert.js'), 'utf8');
  const table = /const BLOCK_STEPS = \{([\s\S]*?)\n {2}\};/.exec(alertSrc)[1];
  const sites = fs.readdirSync(path.join(EXT_SRC, 'content/sites'));
  assert.ok(sites.length >= 8);
  for (const f of sites) {
    const src = fs.readFileSync(path.join(EXT_SRC, 'content/sites', f), 'utf8');
    const name = /name: '(\w+)'/.exec(src)[1];
    const block = /block: \[([\s\S]*?)\]/.exec(src)[1];
    const steps = [...block.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1].replace(/\\'/g, "'"));
    const keys = new RegExp(`\\n {4}${name}: \\[([^\\]]*)\\]`).exec(table);
    assert.ok(keys, `${name} in BLOCK_STEPS`);
    const list = [...keys[1].matchAll(/'(childAlert_block_\w+)'/g)].map((m) => m[1]);
    assert.equal(list.length, steps.length, `${name}: one message per step`);
    steps.forEach((s, i) => assert.equal(en[list[i]].message, s, `${list[i]} is the adapter's English`));
  }
});
