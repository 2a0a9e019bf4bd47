// Benchmark (not a test): a Discord DM page with 5,000 messages.
//  A. warm worker (engine ready): the page opens and 5,000 messages are added at once (a chat
//     never scored: all new, scored in full);
//  B. 5,000 more arrive live, 100 per animation frame;
//  C. cold worker (a fresh profile, the engine still compiling): the page opens with 5,000
//     messages already in it; the time runs from the navigation.
// Reports the time until the worker has scored them all, and the longest main-thread task the
// content script caused, from a Chromium trace: a task counts as the content script's when a
// function of a chrome-extension:// script runs inside it.
// Run: make bench-extension (or node bench/extension-5000.mjs after make extension).
import * as t from '../tests/extension/helpers.mjs';

const N = 5000;
const LINES = [
  'did you finish the maths homework', 'practice is at 5 tomorrow', 'lol that level was hard',
  'can you send me the notes from today', 'my brother took the controller again', 'ok see you at school',
  'which team are you on', 'the new update is out', 'haha yes', 'what did you get for question 3',
];
const messages = (n, offset) => Array.from({ length: n }, (_, i) => ({
  from: (i + offset) % 3 === 0 ? 'child' : 'contact', text: `${LINES[(i + offset) % LINES.length]} (${i + offset})`,
}));

async function traced(page, fn) {
  if (process.env.BENCH_TRACE === '0') return { result: await fn() };
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] },
  });
  const result = await fn();
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  return { result, ...longestTasks(events) };
}

/**
 * From a trace: the longest task on the renderer's main thread, and the content script's share:
 * the time its own functions ran (outermost trace events whose script is a chrome-extension://
 * URL) summed per task, the longest of those, and the longest whole task it ran in.
 */
function longestTasks(events) {
  const isExt = (e) => e.args && e.args.data &&
    String(e.args.data.url || e.args.data.scriptName || '').startsWith('chrome-extension://');
  // The renderer main thread: the one with the most RunTask events that run extension code.
  const count = new Map();
  for (const e of events) if (e.ph === 'X' && isExt(e)) count.set(`${e.pid}:${e.tid}`, (count.get(`${e.pid}:${e.tid}`) || 0) + 1);
  const mainKey = [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!mainKey) return { longestTaskMs: 0, longestContentScriptSliceMs: 0, longestTaskWithContentScriptMs: 0, contentScriptTasks: 0, contentScriptTotalMs: 0 };
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === mainKey && e.ph === 'X');
  const tasks = onMain.filter((e) => e.name === 'RunTask').sort((a, b) => a.ts - b.ts);
  // Outermost extension events (nested ones are inside their parent's duration).
  const ext = onMain.filter(isExt).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const outer = [];
  for (const e of ext) if (!outer.length || e.ts >= outer[outer.length - 1].ts + outer[outer.length - 1].dur) outer.push(e);
  if (process.env.BENCH_DEBUG) {
    for (const e of [...outer].sort((a, b) => b.dur - a.dur).slice(0, 5)) {
      console.error(e.name, e.dur / 1000, JSON.stringify(e.args.data).slice(0, 200));
    }
  }
  let longestAll = 0;
  let longestShare = 0;
  let longestWith = 0;
  let total = 0;
  let n = 0;
  let j = 0;
  for (const task of tasks) {
    longestAll = Math.max(longestAll, task.dur);
    const end = task.ts + task.dur;
    while (j < outer.length && outer[j].ts < task.ts) j++;
    let share = 0;
    for (let k = j; k < outer.length && outer[k].ts < end; k++) share += outer[k].dur;
    if (share > 0) {
      n++;
      total += share;
      longestShare = Math.max(longestShare, share);
      longestWith = Math.max(longestWith, task.dur);
    }
  }
  return {
    longestTaskMs: longestAll / 1000,
    longestContentScriptSliceMs: longestShare / 1000,
    longestTaskWithContentScriptMs: longestWith / 1000,
    contentScriptTasks: n,
    contentScriptTotalMs: total / 1000,
  };
}

/** Waits until the worker has scored `count` messages in all, then until they are stored. */
async function waitScored(h, conversation, count, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await t.evalWorker(h, () => globalThis.safedm.observed || 0);
    if (n >= count) break;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${count} scored`);
    await t.sleep(50);
  }
  const stored = await t.evalWorker(h, async (key) => {
    await new Promise((r) => setTimeout(r, 50));
    const rec = (await chrome.storage.local.get(key))[key];
    return rec && rec.state ? rec.state.messages : 0;
  }, { arg: `conv:discord:${conversation}` });
  if (stored < count) throw new Error(`scored ${count} but stored ${stored}`);
  return stored;
}

/** C: a fresh browser whose worker is still compiling the engine; the page holds 5,000 rows. */
async function cold() {
  const hc = await t.launch({ waitEngine: false });
  try {
    const engineReadyAtOpen = await t.evalWorker(hc, () => !!(globalThis.safedm && globalThis.safedm.version));
    const page = await hc.ctx.newPage();
    hc.nextSeed = messages(N, 0);
    const c = await traced(page, async () => {
      const start = Date.now();
      await page.goto(t.SITES.discord.origin + t.SITES.discord.B);
      await waitScored(hc, '1190000000000000002', N);
      return Date.now() - start;
    });
    return { engineReadyAtOpen, c, violations: hc.violations.length };
  } finally {
    await hc.close();
  }
}

const h = await t.launch();
try {
  // A. 5,000 messages on the page when it opens.
  const page = await h.ctx.newPage();
  await page.goto(t.SITES.discord.origin + t.SITES.discord.B);
  const conv = '1190000000000000002';
  const a = await traced(page, async () => {
    const start = Date.now();
    await page.evaluate((list) => fixture.seed(list), messages(N, 0));
    await waitScored(h, conv, N);
    return Date.now() - start;
  });
  await t.waitSettled(h, page);
  // B. 5,000 more arrive live, 100 per frame.
  const b = await traced(page, async () => {
    const start = Date.now();
    await page.evaluate(async (list) => {
      for (let i = 0; i < list.length; i += 100) {
        for (const m of list.slice(i, i + 100)) (m.from === 'child' ? fixture.send : fixture.receive)(m.text);
        await new Promise((r) => requestAnimationFrame(r));
      }
    }, messages(N, N));
    await waitScored(h, conv, 2 * N);
    return Date.now() - start;
  });
  const rows = await page.evaluate(() => document.querySelectorAll('li[id^="chat-messages-"]').length);
  await h.close();
  const c = await cold();
  const report = {
    machine: `${(await import('node:os')).cpus().length} cores`,
    rowsOnPage: rows,
    A_warmWorker_pageOpenedWith5000: { msToScoreAll: a.result, ...strip(a) },
    B_5000ArrivingLive: { msToScoreAll: b.result, ...strip(b) },
    C_coldWorker_pageOpenedWith5000: { engineReadyAtOpen: c.engineReadyAtOpen, msToScoreAll: c.c.result, ...strip(c.c) },
    violations: h.violations.length + c.violations,
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await h.close().catch(() => {});
}

function strip(x) {
  const { result, ...rest } = x;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 10) / 10 : v]));
}
