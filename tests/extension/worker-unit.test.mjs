// The service worker's modules as units, without a browser: the routing of the main messages
// (background/routing.js: who may ask, what each type answers, errors as worker:error) and the
// PIN's back-off (background/auth.js), over storage areas in memory and a stand-in engine. The
// same behaviour in a real Chromium: parent.test.mjs (lock, back-off, recovery) and the site tests.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

/** A chrome.storage area in memory (get by key, list of keys or null; set; remove). */
class Area {
  constructor() { this.data = {}; }
  async get(keys) {
    await null;
    const all = structuredClone(this.data);
    if (keys === null || keys === undefined) return all;
    return Object.fromEntries([].concat(keys).filter((k) => k in all).map((k) => [k, all[k]]));
  }
  async set(obj) { await null; Object.assign(this.data, structuredClone(obj)); }
  async remove(keys) { await null; for (const k of [].concat(keys)) delete this.data[k]; }
}

const EXT = 'chrome-extension://safedm-test/';
globalThis.chrome = {
  storage: { local: new Area(), session: new Area() },
  runtime: { id: 'safedm-test', getURL: (p = '') => EXT + p },
  i18n: { getMessage: (k) => k },
};

await import('../../extension/common/protocol.js');
const { MSG, ERROR } = globalThis.SafeDMProtocol;
const { StorageQueue, AUTH_KEY, convKey } = await import('../../extension/background/store.js');
const { validateSettings } = await import('../../extension/common/settings.js');
const state = await import('../../extension/background/state.js');
const { HANDLERS, onMessage } = await import('../../extension/background/routing.js');
const { backoffMs } = await import('../../extension/background/auth.js');

/** A stand-in for the WebAssembly engine: every message scores `none`; its state counts them. */
class FakeEngine {
  constructor() { this.count = new Map(); this.configs = []; }
  observe(key, m) {
    if (typeof m.text !== 'string') throw new Error('bad message');
    this.count.set(key, (this.count.get(key) || 0) + 1);
    return { level: 'none', risk: 0, stage: '', reasons: [], notify: false, summary: '' };
  }
  exportState(key) { return { messages: this.count.get(key) || 0 }; }
  importState(key, s) { this.count.set(key, s.messages); }
  forget(key) { return this.count.delete(key); }
  setConfig(c) { this.configs.push(c); }
}

const engine = new FakeEngine();
before(() => {
  state.setStore(new StorageQueue(chrome.storage.local));
  state.setSettings(validateSettings(undefined).settings);
  state.setEngine(engine);
  state.setStartup(Promise.resolve(state.settings), Promise.resolve(engine));
});

const OPTIONS_PAGE = { id: 'safedm-test', url: `${EXT}options/options.html` };
const CONTENT = { id: 'safedm-test', url: 'https://discord.com/channels/@me/1', tab: { id: 7 } };

/** Sends one message through the runtime.onMessage listener, as the browser would. */
function send(msg, sender = OPTIONS_PAGE) {
  return new Promise((resolve) => {
    const async = onMessage(msg, sender, resolve);
    if (!async) resolve(undefined); // not answered: the sender sees no reply
  });
}

const PIN = '2468';

test('auth: the wait after wrong PINs is 1 s, then doubles, at most 15 minutes', () => {
  assert.equal(backoffMs(0), 0);
  assert.equal(backoffMs(-1), 0);
  assert.deepEqual([1, 2, 3, 4, 5].map(backoffMs), [1000, 2000, 4000, 8000, 16000]);
  assert.equal(backoffMs(10), 512000);
  assert.equal(backoffMs(11), 900000, '2^10 s is over 15 minutes: capped');
  assert.equal(backoffMs(40), 900000);
});

test('routing: only known message types from the extension\'s own pages are answered', async () => {
  // Every request type of the protocol has a handler, and nothing else does.
  const requests = Object.entries(MSG).filter(([k]) => /^(CONTENT|OPTIONS)_/.test(k)).map(([, v]) => v).sort();
  assert.deepEqual(Object.keys(HANDLERS).sort(), requests);
  assert.equal(await send(null), undefined);
  assert.equal(await send({ type: 42 }), undefined);
  assert.equal(await send({ type: 'options:reset', confirm: 'RESET' }), undefined, 'no reset: a child could erase the log');
  assert.equal(await send({ type: MSG.WORKER_OK }), undefined, 'replies are not requests');
  // options:* from a content script, a web page or another extension: forbidden.
  for (const sender of [CONTENT, { id: 'safedm-test', url: `${EXT}content/main.js` }, { id: 'other', url: `${EXT}options/options.html` }, null]) {
    assert.deepEqual(await send({ type: MSG.OPTIONS_STATE }, sender), { type: MSG.WORKER_ERROR, error: ERROR.FORBIDDEN });
  }
  const st = await send({ type: MSG.OPTIONS_STATE });
  assert.equal(st.type, MSG.WORKER_STATE);
  assert.deepEqual({ hasPin: st.hasPin, setupDone: st.setupDone, unlockedUntil: st.unlockedUntil, failures: st.failures }, { hasPin: false, setupDone: false, unlockedUntil: 0, failures: 0 });
  // Without an unlocked session, the parent's data and settings are refused.
  for (const type of [MSG.OPTIONS_DATA, MSG.OPTIONS_SAVE_SETTINGS, MSG.OPTIONS_ALERTS, MSG.OPTIONS_CONVERSATIONS]) {
    assert.deepEqual(await send({ type, settings: {} }), { type: MSG.WORKER_ERROR, error: ERROR.LOCKED }, type);
  }
});

test('auth: setup, lock, and wrong PINs answered with a growing wait that even the right PIN must sit out', async () => {
  assert.deepEqual(await send({ type: MSG.OPTIONS_SETUP, pin: '12', settings: {} }), { type: MSG.WORKER_ERROR, error: ERROR.BAD_PIN });
  const setup = await send({ type: MSG.OPTIONS_SETUP, pin: PIN, settings: { audience: 'both' } });
  assert.equal(setup.type, MSG.WORKER_OK);
  assert.match(setup.recoveryCode, /\w/);
  assert.ok(setup.unlockedUntil > Date.now());
  const data = await send({ type: MSG.OPTIONS_DATA });
  assert.equal(data.type, MSG.WORKER_DATA, 'unlocked after setup');
  assert.equal(data.settings.setupDone, true);
  assert.deepEqual(await send({ type: MSG.OPTIONS_SETUP, pin: '1357', settings: {} }).then((r) => r.type), MSG.WORKER_OK, 'setup again only while unlocked');
  // (the PIN is 1357 now)
  assert.deepEqual(await send({ type: MSG.OPTIONS_LOCK }), { type: MSG.WORKER_OK });
  assert.deepEqual(await send({ type: MSG.OPTIONS_DATA }), { type: MSG.WORKER_ERROR, error: ERROR.LOCKED });
  assert.deepEqual(await send({ type: MSG.OPTIONS_SETUP, pin: '9999', settings: {} }), { type: MSG.WORKER_ERROR, error: ERROR.LOCKED }, 'no setup over a PIN while locked');

  const t0 = Date.now();
  const wrong1 = await send({ type: MSG.OPTIONS_UNLOCK, pin: '0000' });
  assert.equal(wrong1.type, MSG.WORKER_LOCKED);
  assert.equal(wrong1.failures, 1);
  assert.equal(wrong1.wrong, true);
  assert.ok(wrong1.retryIn > 0 && wrong1.retryIn <= 1000, `waits about 1 s (${wrong1.retryIn})`);
  // The right PIN inside the wait is not even checked.
  const early = await send({ type: MSG.OPTIONS_UNLOCK, pin: '1357' });
  assert.equal(early.type, MSG.WORKER_LOCKED);
  assert.equal(early.wrong, undefined);
  assert.equal(early.failures, 1, 'not counted as another failure');
  // The count and the wait are in storage: a restarted worker keeps them.
  const auth = (await chrome.storage.local.get(AUTH_KEY))[AUTH_KEY];
  assert.equal(auth.failures, 1);
  assert.ok(auth.retryAt >= t0 + 1000 && auth.retryAt <= Date.now() + 1000);
  const st = await send({ type: MSG.OPTIONS_STATE });
  assert.ok(st.retryIn > 0 && st.failures === 1, 'the page can show the wait');

  // Past the wait (moved back in storage rather than waited for), the next wrong PIN waits 2 s, then 4 s.
  const expire = () => state.store.update(AUTH_KEY, (a) => ({ ...a, retryAt: Date.now() - 1 }));
  await expire();
  const wrong2 = await send({ type: MSG.OPTIONS_UNLOCK, pin: '1111' });
  assert.equal(wrong2.failures, 2);
  assert.ok(wrong2.retryIn > 1000 && wrong2.retryIn <= 2000, `about 2 s (${wrong2.retryIn})`);
  await expire();
  const wrong3 = await send({ type: MSG.OPTIONS_RECOVER, code: 'NOT-THE-CODE', pin: '4444' });
  assert.equal(wrong3.type, MSG.WORKER_LOCKED, 'a wrong recovery code counts as a wrong PIN');
  assert.equal(wrong3.failures, 3);
  assert.ok(wrong3.retryIn > 2000 && wrong3.retryIn <= 4000, `about 4 s (${wrong3.retryIn})`);
  await expire();
  const ok = await send({ type: MSG.OPTIONS_UNLOCK, pin: '1357' });
  assert.equal(ok.type, MSG.WORKER_OK);
  assert.ok(ok.unlockedUntil > Date.now());
  const after = await send({ type: MSG.OPTIONS_STATE });
  assert.deepEqual({ failures: after.failures, retryIn: after.retryIn }, { failures: 0, retryIn: 0 }, 'the right PIN clears the count');
  // Changing the PIN asks for the old one again, with the same back-off.
  const change = await send({ type: MSG.OPTIONS_CHANGE_PIN, old: '0000', pin: '8642' });
  assert.equal(change.type, MSG.WORKER_LOCKED);
  assert.equal(change.failures, 1);
  await expire();
  assert.equal((await send({ type: MSG.OPTIONS_CHANGE_PIN, old: '1357', pin: '8642' })).type, MSG.WORKER_OK);
  assert.equal((await send({ type: MSG.OPTIONS_STATE })).failures, 0);
});

test('routing: the content script\'s hello, open, messages and status', async () => {
  const hello = await send({ type: MSG.CONTENT_HELLO, site: 'discord' }, CONTENT);
  assert.deepEqual(hello, { type: MSG.WORKER_CONFIG, enabled: true, alertChild: true, region: 'auto' });
  assert.equal((await send({ type: MSG.CONTENT_HELLO, site: 'myspace' }, CONTENT)).enabled, false);

  assert.deepEqual(await send({ type: MSG.CONTENT_OPEN, site: 'discord' }, CONTENT), { type: MSG.WORKER_ERROR, error: ERROR.BAD_CONVERSATION });
  assert.deepEqual(await send({ type: MSG.CONTENT_OPEN, site: 'discord', conversation: '1' }, CONTENT),
    { type: MSG.WORKER_CONVERSATION, conversation: '1', mark: null }, 'never scored: no watermark');

  const batch = (messages) => ({ type: MSG.CONTENT_MESSAGES, site: 'discord', conversation: '1', contact: 'sam', idsOrdered: true, messages });
  const msgs = [
    { id: '1001', hash: 'a', role: 'contact', text: 'hi', time: 1700000000 },
    { id: '1002', hash: 'b', role: 'child', text: 'hello', time: 1700000060 },
  ];
  const res = await send(batch(msgs), CONTENT);
  assert.deepEqual(res, { type: MSG.WORKER_ASSESSMENT, conversation: '1', observed: 2, level: 'none', risk: 0, stage: '', alert: null });
  // Answered once the state is in storage: with its watermark, and no text.
  const rec = (await chrome.storage.local.get(convKey('discord', '1')))[convKey('discord', '1')];
  assert.deepEqual(rec.state, { messages: 2 });
  assert.deepEqual(rec.mark, { id: '1002', time: 1700000060, top: '1002' });
  assert.ok(!JSON.stringify(rec).includes('hello'), 'no message text stored');
  // The same rows again (a re-mounted list): nothing scored twice; an edit is scored once.
  assert.equal((await send(batch(msgs), CONTENT)).observed, 0);
  assert.equal((await send(batch([{ ...msgs[1], hash: 'c', text: 'hello!' }]), CONTENT)).observed, 1);
  assert.deepEqual((await send({ type: MSG.CONTENT_OPEN, site: 'discord', conversation: '1' }, CONTENT)).mark, { id: '1002', time: 1700000060, top: '1002' });
  // A bad batch is answered with worker:error, not left hanging.
  assert.deepEqual(await send({ type: MSG.CONTENT_MESSAGES, site: 'discord', conversation: '1' }, CONTENT), { type: MSG.WORKER_ERROR, error: ERROR.BAD_BATCH });

  // The tab's status for the popup: codes, kept per tab in session storage.
  assert.deepEqual(await send({ type: MSG.CONTENT_STATUS, site: 'discord', conversation: '1', adapter: 'generic', rows: 3, code: 'generic-reader' }, CONTENT), { type: MSG.WORKER_OK });
  const tab = (await chrome.storage.session.get('tab:7'))['tab:7'];
  assert.equal(tab.code, 'generic-reader');
  assert.equal(tab.adapter, 'generic');
  assert.equal(tab.level, 'none', 'the last batch\'s level (the child is told)');

  // The conversation is listed for the parent (unlocked since the auth test).
  const list = await send({ type: MSG.OPTIONS_CONVERSATIONS });
  assert.equal(list.type, MSG.WORKER_CONVERSATIONS);
  assert.deepEqual(list.list.map((c) => [c.site, c.conversation, c.contact]), [['discord', '1', 'sam']]);
});

test('routing: a site switched off in the settings is not scored; saved settings reach the engine', async () => {
  const data = await send({ type: MSG.OPTIONS_DATA });
  const off = { ...data.settings, sites: { ...data.settings.sites, discord: false } };
  const saved = await send({ type: MSG.OPTIONS_SAVE_SETTINGS, settings: off });
  assert.equal(saved.type, MSG.WORKER_OK);
  assert.equal(state.settings.sites.discord, false, 'the effective settings changed');
  assert.ok(engine.configs.length > 0, 'and the engine was told');
  assert.equal((await send({ type: MSG.CONTENT_HELLO, site: 'discord' }, CONTENT)).enabled, false);
  const res = await send({ type: MSG.CONTENT_MESSAGES, site: 'discord', conversation: '2', messages: [{ id: '1', hash: 'x', role: 'contact', text: 'hi' }] }, CONTENT);
  assert.deepEqual(res, { type: MSG.WORKER_ASSESSMENT, skipped: true });
});
