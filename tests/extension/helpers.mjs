// Test harness: Debian's Chromium with the unpacked extension (dist/extension) loaded, fixture
// pages served at the real site URLs through request routing (so the manifest's real matches
// apply), a watch on every request of every context, and readers for the extension's state.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// Let Playwright see (and route) requests made by service workers, extension ones included.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
// SAFEDM_EXT: another build to test (e.g. an older commit's dist/extension, to see a test fail).
export const EXT = process.env.SAFEDM_EXT ? path.resolve(process.env.SAFEDM_EXT) : path.join(ROOT, 'dist/extension');
export const FIXTURES = path.join(HERE, 'fixtures');
export const RESULTS = path.join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Each supported site: where its fixture is served, and the conversations it has. */
export const SITES = {
  discord: { fixture: 'discord.html', origin: 'https://discord.com', A: '/channels/@me/1190000000000000001', B: '/channels/@me/1190000000000000002', contactA: 'sam_plays' },
  instagram: { fixture: 'instagram.html', origin: 'https://www.instagram.com', A: '/direct/t/340282366841710300949128145678901234/', B: '/direct/t/340282366841710300949128145678905678/', contactA: 'sam.plays' },
  whatsapp: { fixture: 'whatsapp.html', origin: 'https://web.whatsapp.com', A: '/', B: '/', contactA: 'Sam' },
  messenger: { fixture: 'messenger.html', origin: 'https://www.facebook.com', A: '/messages/t/100089123456789', B: '/messages/t/100089987654321', contactA: 'Sam Taylor' },
  x: { fixture: 'x.html', origin: 'https://x.com', A: '/i/chat/1799000000000000001-1799000000000000777', B: '/i/chat/1799000000000000002-1799000000000000777', contactA: 'Sam' },
  'telegram-k': { site: 'telegram', fixture: 'telegram-k.html', origin: 'https://web.telegram.org', A: '/k/#5551234567', B: '/k/#5557654321', contactA: 'Sam' },
  'telegram-a': { site: 'telegram', fixture: 'telegram-a.html', origin: 'https://web.telegram.org', A: '/a/#5551230001', B: '/a/#5557650002', contactA: 'Sam' },
  snapchat: { fixture: 'snapchat.html', origin: 'https://www.snapchat.com', A: '/web/6f1c0a52-3b1e-4c1d-9a7e-2d5c3b8e9f01', B: '/web/6f1c0a52-3b1e-4c1d-9a7e-2d5c3b8e9f02', contactA: 'Sam' },
  reddit: { fixture: 'reddit.html', origin: 'https://chat.reddit.com', A: '/room/!a1b2c3d4e5:reddit.com', B: '/room/!f6g7h8i9j0:reddit.com', contactA: 'sam_plays' },
};

/** The fixture conversations (our own, short and non-explicit). */
export const GROOMING = [
  ['contact', 'hey, you were really good in that match'],
  ['child', 'thanks'],
  ['contact', 'how old are you?'],
  ['child', 'im 13'],
  ['contact', 'you seem really mature for your age'],
  ['contact', 'are your parents around right now?'],
  ['contact', 'this is just between us ok, dont tell anyone about our chats'],
  ['contact', 'add me on snapchat, its easier to talk there'],
];
export const FAMILY = [
  ['contact', 'Hi, what time does practice finish?'],
  ['child', 'half 5'],
  ['contact', 'Dad will pick you up by the gate. Did you eat your lunch?'],
  ['child', 'yes'],
  ['contact', "Grandma says happy birthday again! Don't forget to call her"],
  ['contact', 'See you at dinner'],
];
/** A mum's goodbye that the learned scorer merged on main rates `alert` (a known false alarm). */
export const FAMILY_AFFECTION = [
  ['contact', 'Hi sweetheart, what time does practice finish?'],
  ['child', 'half 5'],
  ['contact', 'Did you eat your lunch?'],
  ['child', 'yes'],
  ['contact', 'Love you, see you later'],
];

const fixtureLib = () => fs.readFileSync(path.join(FIXTURES, 'fixture-lib.js'), 'utf8');

/**
 * The fixture page for a document request, or null. `seed` ([[from, text] or {from, text, id}]):
 * messages the page holds before any extension script runs (window.FIXTURE_SEED).
 */
export function fixtureHtml(url, seed = null) {
  const name = fixtureFor(url);
  if (!name) return null;
  const list = (seed || []).map((m) => (Array.isArray(m) ? { from: m[0], text: m[1] } : m));
  // JSON inside a <script>: "<" escaped so no text can close the element.
  const seedJs = list.length ? `window.FIXTURE_SEED = ${JSON.stringify(list).replace(/</g, '\\u003c')};\n` : '';
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8')
    .replace('<!--FIXTURE_LIB-->', `<script>${seedJs}${fixtureLib()}</script>`);
}

function fixtureFor(url) {
  const u = new URL(url);
  for (const s of Object.values(SITES)) {
    if (u.origin !== s.origin) continue;
    if (s.site === 'telegram' && !u.pathname.startsWith(s.fixture === 'telegram-k.html' ? '/k/' : '/a/')) continue;
    return s.fixture;
  }
  return null;
}

/**
 * Launches Chromium with the extension. Every request of the context (pages, extension pages,
 * the service worker) is recorded; the fixture documents are the only ones answered, anything
 * else is aborted and counted as a violation.
 * `locale`: the pages' languages (navigator.languages, so the alert's help-line country).
 * `lang`: the browser's UI language, which chrome.i18n follows (the extension's words). Debian's
 * Chromium on Linux takes it from --lang (here the LANGUAGE/LANG environment did not change it).
 */
export async function launch({ locale = 'en-GB', lang = null, dir = null, waitEngine = true } = {}) {
  if (!fs.existsSync(path.join(EXT, 'manifest.json'))) throw new Error('run `make extension` first');
  // `dir`: an existing profile (a browser restart on the same profile); else a fresh one.
  dir = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'safedm-pw-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: false,
    locale,
    viewport: { width: 1200, height: 800 },
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', ...(lang ? [`--lang=${lang}`] : []),
      `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`],
  });
  const requests = [];
  const violations = [];
  const h = {};
  ctx.on('request', (r) => {
    requests.push({ url: r.url(), sw: !!r.serviceWorker(), frame: safeFrameUrl(r) });
  });
  await ctx.route('**/*', async (route) => {
    const req = route.request();
    const url = req.url();
    // The extension's own files (chrome-extension://) are read from disk, not the network.
    if (url.startsWith(`chrome-extension://`)) return route.continue();
    const html = req.resourceType() === 'document' ? fixtureHtml(url, h.nextSeed) : null;
    if (html) {
      h.nextSeed = null; // one page load only
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    }
    if (new URL(url).pathname === '/favicon.ico' && Object.values(SITES).some((x) => x.origin === new URL(url).origin)) {
      return route.fulfill({ status: 404, body: '' });
    }
    violations.push({ url, sw: !!req.serviceWorker(), frame: safeFrameUrl(req), type: req.resourceType() });
    return route.abort('blockedbyclient');
  });
  let [sw] = ctx.serviceWorkers();
  if (!sw) sw = await ctx.waitForEvent('serviceworker');
  const extensionId = sw.url().split('/')[2];
  Object.assign(h, {
    ctx, extensionId, requests, violations, dir,
    /** Messages the next fixture page served holds before the extension's scripts run. */
    nextSeed: null,
    async worker() {
      const live = ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
      if (live) return live;
      return ctx.waitForEvent('serviceworker', { timeout: 10000 });
    },
    /** Closes the browser; the profile is deleted unless `keepProfile` (to launch it again). */
    async close({ keepProfile = false } = {}) {
      await ctx.close();
      if (!keepProfile) fs.rmSync(dir, { recursive: true, force: true });
    },
  });
  // Wait until the engine is up, so the first test doesn't measure WebAssembly compilation
  // (the cold-start tests don't: their worker must still be compiling it).
  if (waitEngine) await evalWorker(h, () => globalThis.safedm && globalThis.safedm.version, { wait: true });
  return h;
}

function safeFrameUrl(r) {
  try {
    return r.frame() ? r.frame().url() : '';
  } catch (_) {
    return '';
  }
}

/** Runs `fn` in the extension's service worker (waking it up if it was stopped). */
export async function evalWorker(h, fn, { arg, wait = false, timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      const sw = await h.worker();
      const v = await sw.evaluate(fn, arg);
      if (!wait || v) return v;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error('timed out waiting in the worker');
    await sleep(100);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens a site's fixture on conversation `key` and waits until the content script settled. */
export async function openSite(h, name, { key = 'A', seed = null, page = null } = {}) {
  const s = SITES[name];
  page = page || (await h.ctx.newPage());
  // Forget earlier tabs' statuses, so the status waited for is this page's.
  // (Only the tab: keys: the parent's unlocked session and the worker's life marker stay.)
  await evalWorker(h, async () => {
    const all = await chrome.storage.session.get(null);
    await chrome.storage.session.remove(Object.keys(all).filter((k) => k.startsWith('tab:')));
    return true;
  });
  await page.goto(s.origin + s[key]);
  if (seed) await page.evaluate((list) => fixture.seed(list.map(([from, text]) => ({ from, text }))), seed);
  await waitSettled(h, page);
  return page;
}

/** Waits for the content script of `page` to report a settled conversation. */
export async function waitSettled(h, page, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const st = await tabStatus(h, page);
    if (st && st.settled) return st;
    if (Date.now() > deadline) throw new Error('content script never settled: ' + JSON.stringify(st));
    await sleep(100);
  }
}

/** The status the content script of `page` reported (in chrome.storage.session). */
export async function tabStatus(h, page) {
  const all = await evalWorker(h, () => chrome.storage.session.get(null));
  const url = page.url();
  // Match the tab by asking the worker for tabs' URLs is not possible without the tabs
  // permission; the newest status whose conversation is in the URL (or any, for WhatsApp) wins.
  const list = Object.values(all).filter((s) => s && typeof s === 'object');
  list.sort((a, b) => (b.updated || 0) - (a.updated || 0));
  return list.find((s) => s.conversation && (url.includes(s.conversation) || decodeURIComponent(url).includes(s.conversation))) ||
    list.find((s) => s.site === 'whatsapp' && url.includes('whatsapp')) || null;
}

/** Sends the given [from, text] messages through the fixture, one by one. */
export async function play(page, messages, { gap = 60 } = {}) {
  const ids = [];
  for (const [from, text] of messages) {
    ids.push(await page.evaluate(([f, t]) => (f === 'child' ? fixture.send(t) : fixture.receive(t)), [from, text]));
    await sleep(gap);
  }
  return ids;
}

/** What the worker observed lately (site, conversation, id, role, history, level; no text). */
export const recent = (h) => evalWorker(h, () => globalThis.safedm.recent);
/** A mark in the worker's observation sequence, and what it observed after a mark. */
export const mark = (h) => evalWorker(h, () => globalThis.safedm.seq || 0);
export const since = async (h, m) => (await recent(h)).filter((r) => r.seq > m);

/**
 * The in-page alert as assistive technology sees it (the shadow root is closed, so it is read
 * from Chromium's accessibility tree over CDP): {name, text, buttons} or null.
 */
export async function readAlert(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const dialog = nodes.find((n) => n.role && n.role.value === 'alertdialog');
    if (!dialog) return null;
    const texts = [];
    const buttons = [];
    const roles = [];
    const walk = (n) => {
      if (!n) return;
      const role = n.role && n.role.value;
      roles.push(role);
      if (role === 'button' && n.name) buttons.push(n.name.value);
      if ((role === 'StaticText' || role === 'text') && n.name) texts.push(n.name.value);
      for (const c of n.childIds || []) walk(byId.get(c));
    };
    walk(dialog);
    return { name: dialog.name ? dialog.name.value : '', description: dialog.description ? dialog.description.value : '', text: texts.join(' '), buttons, roles };
  } finally {
    await cdp.detach();
  }
}

/**
 * The alert's DOM (or another of our hosts', by element name), read over CDP through its closed shadow root: every node under the
 * <safedm-alert> host as {type: 'element'|'text'|'shadow'|other nodeType, name, attrs, text}.
 */
export async function alertDom(page, hostName = 'safedm-alert') {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const find = (n) => (n.localName === hostName ? n : (n.children || []).map(find).find(Boolean) || null);
    const host = find(root);
    if (!host) return null;
    const out = [];
    const walk = (n) => {
      const type = { 1: 'element', 3: 'text', 11: 'shadow' }[n.nodeType] || n.nodeType;
      const attrs = {};
      for (let i = 0; i < (n.attributes || []).length; i += 2) attrs[n.attributes[i]] = n.attributes[i + 1];
      out.push({ type, name: n.localName || n.nodeName, attrs, text: n.nodeType === 3 ? n.nodeValue : undefined });
      for (const c of [...(n.shadowRoots || []), ...(n.children || [])]) walk(c);
    };
    walk(host);
    return out;
  } finally {
    await cdp.detach();
  }
}

/**
 * Checks an alertDom(): a closed-shadow-root card made of the elements alert.js creates and text
 * nodes, nothing parsed from HTML (no img, script, iframe, event-handler attributes), links to
 * https only; its card has the given `lang` and help-line `region`, and `texts` are whole text
 * nodes of it.
 */
export function assertAlertTextOnly(dom, { lang, region, texts = [] }) {
  if (!dom) throw new Error('no alert in the page');
  const allowed = new Set(['safedm-alert', 'style', 'div', 'button', 'h2', 'p', 'strong', 'ul', 'li', 'a']);
  const fail = (why) => { throw new Error(`alert DOM: ${why}`); };
  if (dom[1].type !== 'shadow') fail('no shadow root');
  for (const n of dom) {
    if (n.type === 'element') {
      if (!allowed.has(n.name)) fail(`unexpected <${n.name}>`);
      for (const a of Object.keys(n.attrs)) if (/^on/i.test(a)) fail(`event attribute ${a}`);
      if (n.name === 'a' && !/^https:\/\//.test(n.attrs.href)) fail(`link ${n.attrs.href}`);
    } else if (n.type !== 'text' && n.type !== 'shadow') fail(`node type ${n.type}`);
  }
  const card = dom.find((n) => n.attrs.role === 'alertdialog');
  if (!card || !lang.test(card.attrs.lang || '')) fail(`card lang ${card && card.attrs.lang}`);
  const talk = dom.find((n) => n.attrs.id === 'safedm-talk');
  if (!talk || talk.attrs['data-region'] !== region) fail(`region ${talk && talk.attrs['data-region']}`);
  const textNodes = dom.filter((n) => n.type === 'text').map((n) => n.text);
  for (const x of texts) if (!textNodes.includes(x)) fail(`no text node "${x}"`);
}

/**
 * Waits for the alert (or returns null after `timeout`), with its text: the live region is in the
 * page empty first and filled a moment later, so that screen readers announce it.
 */
export async function waitAlert(page, timeout = 3000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const a = await readAlert(page);
    if (a && (a.description || Date.now() > deadline)) return a;
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

/**
 * Where the keyboard focus is, as assistive technology sees it (through the alert's closed
 * shadow root, from Chromium's accessibility tree): {role, name, host} of the focused node, where
 * `host` is the page's active element (the <safedm-alert> host when the focus is inside it), or
 * null when nothing is focused.
 */
export async function focused(page) {
  const host = await page.evaluate(() => (document.activeElement ? document.activeElement.localName : ''));
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const isFocused = (n) => (n.properties || []).some((p) => p.name === 'focused' && p.value && p.value.value === true);
    const node = nodes.filter(isFocused).filter((n) => !(n.role && n.role.value === 'RootWebArea')).pop();
    if (!node) return { role: '', name: '', host };
    return { role: node.role ? node.role.value : '', name: node.name ? node.name.value : '', host };
  } finally {
    await cdp.detach();
  }
}

/**
 * The computed outline of the focused element inside `hostName`'s closed shadow root (read over
 * CDP, where the page cannot see): {style, width, color}, or null when the focus is elsewhere.
 */
export async function focusOutline(page, hostName = 'safedm-alert') {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const find = (n) => (n.localName === hostName ? n : (n.children || []).map(find).find(Boolean) || null);
    const host = find(root);
    if (!host) return null;
    const all = [];
    const walk = (n) => { all.push(n); for (const c of [...(n.shadowRoots || []), ...(n.children || [])]) walk(c); };
    walk(host);
    for (const n of all.filter((x) => x.nodeType === 1)) {
      const { computedStyle } = await cdp.send('CSS.getComputedStyleForNode', { nodeId: n.nodeId });
      const get = (k) => (computedStyle.find((p) => p.name === k) || {}).value;
      const { object } = await cdp.send('DOM.resolveNode', { nodeId: n.nodeId });
      const { result } = await cdp.send('Runtime.callFunctionOn', {
        objectId: object.objectId, returnByValue: true,
        functionDeclaration: 'function () { const r = this.getRootNode(); return r instanceof ShadowRoot && r.activeElement === this; }',
      });
      if (result.value) return { style: get('outline-style'), width: get('outline-width'), color: get('outline-color') };
    }
    return null;
  } finally {
    await cdp.detach();
  }
}

/** Stops every service worker of the browser (as the browser does to idle workers). */
export async function stopWorkers(h) {
  const page = await h.ctx.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/popup/popup.html`);
  const cdp = await h.ctx.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  await page.close();
}

export function screenshotPath(name) {
  fs.mkdirSync(RESULTS, { recursive: true });
  return path.join(RESULTS, name);
}

/** Clicks a button of the alert (inside its closed shadow root) through CDP, as a user would. */
export async function clickAlertButton(page, name) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const btn = nodes.find((n) => n.role && n.role.value === 'button' && n.name && n.name.value === name);
    if (!btn) throw new Error(`no alert button named ${name}`);
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: btn.backendDOMNodeId });
    await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function () { this.click(); }' });
  } finally {
    await cdp.detach();
  }
}

/** Everything the extension keeps in chrome.storage.local. */
export const storage = (h) => evalWorker(h, () => chrome.storage.local.get(null));

/** Clears the extension's stored state between tests (settings kept). */
export const resetStorage = (h) => evalWorker(h, async () => {
  const all = await chrome.storage.local.get(null);
  await chrome.storage.local.remove(Object.keys(all).filter((k) => k !== 'settings'));
  return true;
});

/** The options page (the parent's page): the one the install opened, or a new one. */
export async function optionsPage(h, { fresh = false, hash = '' } = {}) {
  const url = `chrome-extension://${h.extensionId}/options/options.html`;
  if (!fresh) {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const p = h.ctx.pages().find((x) => x.url().startsWith(url));
      if (p) return p;
      await sleep(100);
    }
  }
  const page = await h.ctx.newPage();
  await page.goto(url + hash);
  return page;
}

/**
 * Finishes the first-run setup on the options page `opts` as a parent does: the PIN twice, the
 * inputs to tick (`check`, selectors such as 'input[name=evidence]'), the recovery code marked as
 * kept; waits for the alert centre.
 */
export async function finishSetup(opts, pin, check = []) {
  await opts.waitForSelector('#setup-form');
  await opts.fill('#setup-pin', pin);
  await opts.fill('#setup-pin2', pin);
  for (const selector of check) await opts.check(selector);
  await opts.click('#setup-finish');
  await opts.waitForSelector('#recovery-code');
  await opts.check('#recovery-kept');
  await opts.click('#recovery-continue');
  await opts.waitForSelector('#alerts');
}

/** Types the PIN on a locked options page and waits for the alert centre. */
export async function unlock(page, pin) {
  await page.fill('#lock-pin', pin);
  await page.click('#lock-unlock');
  await page.waitForSelector('#view-main:not([hidden]) nav.tabs', { timeout: 10000 });
}

// ---- issue 16: axe-core and the browser's notifications -------------------------------------

const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/**
 * axe-core (pinned in package-lock.json, read from node_modules, never shipped) run in `page`:
 * evaluated over CDP, so an extension page's CSP does not stop it. Returns the violations as
 * short strings ("rule: target"), [] when none.
 */
export async function axe(page) {
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const res = await page.evaluate(async () => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary || v.help})`.slice(0, 300)));
}

/**
 * The notifications the extension created, as the browser holds them: chrome.notifications
 * .getAll() in the worker (ids only) joined with what each was created with (recorded by a
 * pass-through wrapper that `watchNotifications` installs: the real call still runs).
 */
export async function watchNotifications(h) {
  return evalWorker(h, () => {
    if (globalThis.__notes) return true;
    globalThis.__notes = {};
    const real = chrome.notifications.create.bind(chrome.notifications);
    chrome.notifications.create = (id, opts, ...rest) => {
      globalThis.__notes[id] = { title: opts.title, message: opts.message, contextMessage: opts.contextMessage || '' };
      return real(id, opts, ...rest);
    };
    return true;
  });
}
export const notifications = (h) => evalWorker(h, async () => {
  const ids = await new Promise((r) => chrome.notifications.getAll(r));
  return Object.keys(ids || {}).map((id) => ({ id, ...((globalThis.__notes || {})[id] || {}) }));
});
export const clearNotifications = (h) => evalWorker(h, async () => {
  const ids = await new Promise((r) => chrome.notifications.getAll(r));
  for (const id of Object.keys(ids || {})) await new Promise((r) => chrome.notifications.clear(id, r));
  return true;
});
