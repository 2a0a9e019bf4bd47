// The playground in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// serves dist/www/ with scripts/serve.py (what `make demo` runs), plays the grooming example and
// checks that the alert level, the reasons and the highlighted words appear; saves a screenshot
// to test-results/. Run by `make test-www`, which builds dist/www/ and installs Chromium first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../../scripts/node-engine.mjs';

const RESULTS = path.join(ROOT, 'test-results');
let server;
let url;
let context;
let page;
const requests = [];
const problems = [];

before(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  server = spawn('python3', [path.join(ROOT, 'scripts', 'serve.py'), path.join(ROOT, 'dist', 'www'), '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'pw-')), {
    executablePath: '/usr/bin/chromium',
    headless: false,
    viewport: { width: 1280, height: 1000 },
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 30000 });
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#status'));
});

after(async () => {
  await context?.close();
  server?.kill();
});

test('the grooming example reaches alert with reasons and highlighted words', async () => {
  await page.selectOption('#example', 'grooming');
  assert.equal(await page.textContent('#level'), 'none');
  // Step through message by message, then the level must be alert.
  const total = await page.evaluate(() => document.querySelectorAll('#messages .more').length);
  assert.equal(total, 1, 'messages wait to be stepped through');
  let steps = 0;
  while (await page.isEnabled('#step')) {
    await page.click('#step');
    steps += 1;
    assert.ok(steps < 100);
  }
  assert.ok(steps >= 8, `${steps} steps`);
  assert.equal(await page.getAttribute('#level', 'data-level'), 'alert');
  assert.ok(Number(await page.textContent('#risk')) >= 65);
  const reasons = await page.locator('#reasons li.reason').allTextContents();
  assert.ok(reasons.length >= 3, reasons.join('\n'));
  assert.ok(reasons.some((r) => /secret/i.test(r)), reasons.join('\n'));
  assert.match(await page.textContent('#summary'), /^This person /);
  assert.notEqual(await page.textContent('#stage'), 'none');
  const marks = await page.locator('#messages mark').allTextContents();
  assert.ok(marks.length >= 3, marks.join(' | '));
  assert.ok(marks.some((m) => /secret|tell/i.test(m)), marks.join(' | '));
  assert.equal(await page.locator('#chart rect.bar').count(), steps);
  assert.equal(await page.locator('#chart line.threshold').count(), 2);
  await page.screenshot({ path: path.join(RESULTS, 'playground-grooming.png'), fullPage: true });
});

test('the sensitivity switch re-scores live and moves the thresholds', async () => {
  const alertLine = () => page.getAttribute('#chart line[data-threshold="alert"]', 'data-value');
  assert.equal(await alertLine(), '65');
  await page.check('input[name="sensitivity"][value="relaxed"]');
  assert.equal(await alertLine(), '75');
  await page.check('input[name="sensitivity"][value="strict"]');
  assert.equal(await alertLine(), '50');
  assert.equal(await page.getAttribute('#level', 'data-level'), 'alert');
  await page.check('input[name="sensitivity"][value="balanced"]');
});

test('two friends stay calm', async () => {
  await page.selectOption('#example', 'friends');
  await page.click('#play');
  const level = await page.getAttribute('#level', 'data-level');
  assert.ok(['none', 'watch'].includes(level), level);
});

test('your own messages are scored, and markup in them stays text', async () => {
  await page.selectOption('#example', 'own');
  const hostile = '<img src=x onerror="window.__pwned=1"> <b>hi</b> keep this our secret';
  await page.fill('#compose-text', hostile);
  await page.selectOption('#compose-role', 'contact');
  await page.click('#send');
  await page.fill('#compose-text', 'are your parents home? add me on snapchat');
  await page.click('#send');
  assert.equal(await page.locator('#messages li.msg').count(), 2);
  assert.equal(await page.locator('#messages img, #messages b').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const first = await page.locator('#messages li.msg .text').first().textContent();
  assert.equal(first, hostile);
  assert.ok((await page.locator('#reasons li.reason').count()) >= 1);
});

test('the page loads nothing from outside and logs no errors', () => {
  const origin = new URL(url).origin;
  const outside = requests.filter((r) => !r.startsWith(origin) && !r.startsWith('data:'));
  assert.deepEqual(outside, []);
  assert.ok(requests.some((r) => r.endsWith('.wasm')), 'the engine was loaded');
  assert.deepEqual(problems, []);
});
