// A year of heavy use against the real extension in Chromium (issue 18; `make bench-storage`, not
// a test): 12 simulated months, 310 benign conversations (10 close friends every month, 25 new
// contacts a month, 15 older ones coming back) and the grooming ones below; 200,000 benign
// messages, sent to the real worker as content:messages batches (as the content script sends
// them) from an extension page, and every service worker stopped at the end of each month (as
// the browser stops idle ones). Prints the bytes in chrome.storage.local after each month, the
// conversations kept and forgotten, the largest record and the alert log. Discord (ordered ids)
// and Instagram (hash ids) conversations.
//
// With evidence keeping on (set up through the parent's page first, as a parent would; EVIDENCE=0
// leaves it off), ALERTS grooming conversations a month (default 21: about 500 log entries in the
// year, the alert log's cap) alert, each entry sealing the last 12 lines of both sides. Their
// lines are six of ordinary chat and the fixture's grooming chat, each padded with benign words
// to the 280 characters the worker keeps of a line: the largest excerpts an entry can hold (ASCII
// text; other scripts take up to 3 bytes a character). The alert log is never forgotten, so this
// is what it can cost. With REVIEW=1 (the default with evidence on) the parent opens the alert
// centre at the end of each month and marks that month's alerts reviewed, so their excerpts may
// yield when room runs short; REVIEW=0: never (then no entry is old enough to yield either, the
// bench's entries being minutes old in real time). Figures: extension/README.md, "Storage budget".
//
// Ends with checks (exit code 1 when one fails): no failed write; every log entry with evidence
// on keeps its excerpts or says they were removed; conversation records forgotten only while
// they take more than their share (CONV_RESERVE); with REVIEW=1, no record forgotten while a
// reviewed entry still had excerpts to give.
import * as t from '../tests/extension/helpers.mjs';
import { CONV_RESERVE } from '../extension/background/store.js';

const MONTHS = 12;
const TOTAL = Number(process.env.MESSAGES || 200000);
const EVIDENCE = process.env.EVIDENCE !== '0';
const ALERTS = Number(process.env.ALERTS || 21); // grooming conversations a month
const REVIEW = EVIDENCE && process.env.REVIEW !== '0';
const PIN = '7315';
const BATCH = 25;
const WORDS = ('ok lol see you at practice tomorrow did you finish the homework what time is the match ' +
  'my mum says dinner is at six that video was so funny are you coming to the party on saturday ' +
  'i lost my charger again can you send me the notes we won the game new level unlocked').split(' ');

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const sentence = () => Array.from({ length: 3 + Math.floor(rnd() * 9) }, () => pick(WORDS)).join(' ');
const hash8 = (s) => {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619) >>> 0;
  return x.toString(16).padStart(8, '0');
};

const convs = []; // {site, id, n}
const newConv = () => {
  const i = convs.length;
  const c = i % 2 === 0
    ? { site: 'discord', id: String(1200000000000000000n + BigInt(i)), n: 0 }
    : { site: 'instagram', id: `34028236684171030094912${String(i).padStart(14, '0')}`, n: 0 };
  convs.push(c);
  return c;
};
const friends = Array.from({ length: 10 }, newConv);

const h = await t.launch({ locale: 'en-GB' });
if (EVIDENCE) {
  // Setup as a parent does it: PIN, evidence keeping on (the key pair is made), the recovery code.
  const opts = await t.optionsPage(h);
  await t.finishSetup(opts, PIN, ['input[name=evidence]']);
  const st = await t.storage(h);
  if (!st.settings.evidence || !st.auth.evidence.pub) throw new Error('evidence keeping did not switch on');
  await opts.close();
}
const page = await h.ctx.newPage();
await page.goto(`chrome-extension://${h.extensionId}/popup/popup.html`);
const send = (msg) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);

const perMonth = Math.ceil(TOTAL / MONTHS);
let sent = 0;
const t0 = Date.now();
const rows = [];
const problems = [];
for (let month = 1; month <= MONTHS; month++) {
  const monthStart = Date.now(); // entries before it were reviewed at the end of an earlier month
  const fresh = Array.from({ length: 25 }, newConv);
  const older = convs.slice(10, convs.length - 25);
  const back = Array.from({ length: Math.min(15, older.length) }, () => pick(older));
  // Close friends get 60% of the month's messages, the rest is spread over the others.
  const others = [...fresh, ...back];
  // The month's grooming conversations (new contacts), each line padded to 280 characters.
  for (let i = 0; i < ALERTS; i++) {
    const c = newConv();
    const base = Math.floor(Date.UTC(2026, month - 1, 2 + i) / 1000);
    // Six lines of ordinary chat first, so the 12 lines sealed with each alert are all there.
    const chat = [...Array.from({ length: 6 }, (_, k) => [k % 2 ? 'child' : 'contact', sentence()]), ...t.GROOMING];
    const messages = chat.map(([role, line]) => {
      let text = line;
      while (text.length < 280) text += ' ' + pick(WORDS);
      text = text.slice(0, 280);
      const k = c.n++;
      const id = c.site === 'discord' ? String(BigInt(c.id) * 1000000n + BigInt(k)) : `h${hash8(`${c.id}:${k}`)}`;
      return { id, hash: hash8(text), text, role, time: c.site === 'discord' ? 0 : base + k, seenAt: Date.now() };
    });
    for (const m of messages) {
      const res = await send({ type: 'content:messages', site: c.site, conversation: c.id, contact: `stranger${c.id.slice(-4)}`, idsOrdered: c.site === 'discord', messages: [m] });
      if (!res || res.type !== 'worker:assessment') throw new Error(`batch refused: ${JSON.stringify(res)}`);
    }
  }
  const budget = Math.min(perMonth, TOTAL - sent);
  let left = budget;
  while (left > 0) {
    const c = rnd() < 0.6 ? pick(friends) : pick(others);
    const n = Math.min(BATCH, left);
    const base = Math.floor(Date.UTC(2026, month - 1, 1) / 1000);
    const messages = Array.from({ length: n }, () => {
      const k = c.n++;
      const text = sentence();
      const id = c.site === 'discord' ? String(BigInt(c.id) * 1000000n + BigInt(k)) : `h${hash8(`${c.id}:${k}`)}`;
      return { id, hash: hash8(text), text, role: k % 3 === 1 ? 'child' : 'contact', time: c.site === 'discord' ? 0 : base + k, seenAt: Date.now() };
    });
    const res = await send({ type: 'content:messages', site: c.site, conversation: c.id, contact: `friend${c.id.slice(-4)}`, idsOrdered: c.site === 'discord', messages });
    if (!res || res.type !== 'worker:assessment') throw new Error(`batch refused: ${JSON.stringify(res)}`);
    left -= n;
  }
  sent += budget;
  if (REVIEW) {
    // The parent's monthly look at the alert centre: unlock, mark every alert reviewed.
    const u = await send({ type: 'options:unlock', pin: PIN });
    if (!u || u.type !== 'worker:ok') throw new Error(`unlock refused: ${JSON.stringify(u)}`);
    const data = await send({ type: 'options:data' });
    const ids = data.alerts.filter((e) => !e.reviewed).map((e) => e.id);
    const r = await send({ type: 'options:alerts', op: 'review', ids });
    if (!r || r.type !== 'worker:ok') throw new Error(`review refused: ${JSON.stringify(r)}`);
    await send({ type: 'options:lock' });
  }
  await t.stopWorkers(h); // the browser stops idle workers: the next month starts a cold one
  // The cold worker's first budget check (made when it starts) is done before the figures are read.
  await t.evalWorker(h, () => !!globalThis.safedm.budgetCheck, { wait: true, timeout: 30000 });
  const info = await t.evalWorker(h, async (monthStart) => {
    const all = await chrome.storage.local.get(null);
    const keys = Object.keys(all).filter((k) => k.startsWith('conv:'));
    const sizes = keys.map((k) => k.length + JSON.stringify(all[k]).length);
    const log = all.alertLog || [];
    const sealed = log.filter((e) => e.sealed);
    return {
      bytes: await chrome.storage.local.getBytesInUse(null),
      logBytes: await chrome.storage.local.getBytesInUse('alertLog'),
      entries: log.length,
      sealed: sealed.length,
      largestEntry: Math.max(0, ...log.map((e) => JSON.stringify(e).length)),
      meanSealed: sealed.length ? Math.round(sealed.reduce((n, e) => n + JSON.stringify(e.sealed).length, 0) / sealed.length) : 0,
      kept: keys.length,
      convBytes: sizes.reduce((a, b) => a + b, 0),
      removed: log.filter((e) => e.excerptRemoved).length,
      bare: log.filter((e) => !e.sealed && !e.excerptRemoved).length,
      reviewedSealed: log.filter((e) => e.sealed && e.reviewed && e.time < monthStart).length,
      largest: Math.max(0, ...sizes),
      mean: sizes.length ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : 0,
      forgotten: (all.health || []).filter((n) => n.kind === 'forgotten').reduce((n, x) => n + x.count, 0),
      failed: (all.health || []).filter((n) => n.kind === 'write-failed').length,
    };
  }, { arg: monthStart, timeout: 30000 });
  rows.push({ month, messages: sent, conversations: convs.length, ...info });
  console.log(`month ${String(month).padStart(2)}: ${String(sent).padStart(6)} messages, ${convs.length} conversations seen, ` +
    `${info.kept} kept (${(info.convBytes / 1048576).toFixed(2)} MiB), ${info.forgotten} forgotten, ${(info.bytes / 1048576).toFixed(2)} MiB in storage ` +
    `(largest record ${info.largest} B, mean ${info.mean} B), alert log ${info.entries} entries (${info.sealed} sealed, ${info.removed} excerpts removed, ` +
    `${(info.logBytes / 1048576).toFixed(2)} MiB, largest entry ${info.largestEntry} B, sealed excerpts ${info.meanSealed} B on average), ` +
    `${info.failed} failed writes, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (info.failed) problems.push(`month ${month}: ${info.failed} failed writes`);
  if (EVIDENCE && info.bare) problems.push(`month ${month}: ${info.bare} entries without excerpts and without saying why`);
  const prev = rows.length > 1 ? rows[rows.length - 2] : { forgotten: 0 };
  if (info.forgotten > prev.forgotten && info.convBytes < CONV_RESERVE) {
    problems.push(`month ${month}: records forgotten down to ${info.convBytes} bytes, under their share of ${CONV_RESERVE}`);
  }
  if (REVIEW && info.forgotten > prev.forgotten && info.reviewedSealed > 0) {
    problems.push(`month ${month}: records forgotten while ${info.reviewedSealed} reviewed entries still had excerpts`);
  }
}
const peak = Math.max(...rows.map((r) => r.bytes));
const peakLog = Math.max(...rows.map((r) => r.logBytes));
console.log(`\npeak ${(peak / 1048576).toFixed(2)} MiB (budget 4.00 MiB, quota 10.00 MiB) after ${sent} messages in ${convs.length} conversations, ${MONTHS} worker restarts`);
const last = rows[rows.length - 1];
console.log(`conversation records at the end: ${last.kept} of ${convs.length} (${(last.convBytes / 1048576).toFixed(2)} MiB), ${last.forgotten} forgotten; ` +
  `${last.removed} log entries had their excerpts removed to make room`);
console.log(`evidence keeping ${EVIDENCE ? 'on' : 'off'}${REVIEW ? ', alerts reviewed monthly' : EVIDENCE ? ', never reviewed' : ''}, ${ALERTS} grooming conversations a month: alert log at most ${(peakLog / 1048576).toFixed(2)} MiB ` +
  `(${rows[rows.length - 1].entries} entries, ${rows[rows.length - 1].sealed} sealed)`);
if (h.violations.length) console.log('requests that tried to leave:', h.violations);
await h.close();
if (problems.length) {
  console.log(`\nFAILED:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
} else console.log('\nchecks passed: no failed write, excerpts removed said so, records kept their share');
