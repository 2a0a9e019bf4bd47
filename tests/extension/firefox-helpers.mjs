// Test harness for a real Firefox: Debian's firefox-esr driven by puppeteer-core over WebDriver
// BiDi (see ../../../shared/research/firefox.md), the unpacked extension (dist/extension)
// installed as a temporary add-on. Fixture pages are served at the real site URLs by request
// interception; every other request of a page is refused and counted. Firefox's whole network
// also goes through a local proxy that answers nothing and records every connection, so a
// request from any context (the background page, an extension page) is seen too.
import fs from 'node:fs';
import net from 'node:net';
import puppeteer from 'puppeteer-core';
import { EXT, SITES, fixtureHtml, sleep } from './helpers.mjs';

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const ADDON_ID = JSON.parse(fs.readFileSync(`${EXT}/manifest.json`, 'utf8')).browser_specific_settings.gecko.id;
/** The extension's fixed UUID, so its pages' origin is known (extensions.webextensions.uuids). */
export const UUID = '6b1d2c3e-5afe-4d4d-8000-000000000012';
export const EXT_ORIGIN = `moz-extension://${UUID}`;
/** Firefox's own services (updates, remote settings, ...): not the extension's traffic. */
const BROWSER_OWN = /(^|\.)(mozilla\.(com|net|org)|firefox\.com|mozaws\.net|mozgcp\.net)$/;

/** A proxy that refuses everything and records the target of each connection. */
async function blackhole() {
  const seen = [];
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', (d) => {
      const line = d.toString('latin1').split('\r\n')[0];
      const m = /^CONNECT ([^\s:]+):\d+|^[A-Z]+ [a-z]+:\/\/([^/:\s]+)/.exec(line);
      seen.push({ line, host: m ? m[1] || m[2] : '' });
      s.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { seen, port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}

export async function launchFirefox() {
  if (!fs.existsSync(`${EXT}/manifest.json`)) throw new Error('run `make extension` first');
  const proxy = await blackhole();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // Without it Firefox refuses to navigate to moz-extension:// pages, and the chrome scope
    // (the alert through the accessibility service) is closed.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: UUID }),
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxy.port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxy.port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
      'network.proxy.failover_direct': false,
      'network.dns.disablePrefetch': true,
      'network.predictor.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'intl.accept_languages': 'en-GB, en',
    },
  });
  const violations = [];
  const h = {
    browser, proxy, violations, nextSeed: null,
    async installExtension() {
      return browser.installExtension(EXT);
    },
    /** A tab whose requests are served from the fixtures (documents) or refused. */
    async newPage() {
      const page = await browser.newPage();
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const url = req.url();
        const html = req.isNavigationRequest() ? fixtureHtml(url, h.nextSeed) : null;
        if (html) {
          h.nextSeed = null;
          return req.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
        }
        const u = new URL(url);
        if (u.pathname === '/favicon.ico' && Object.values(SITES).some((s) => s.origin === u.origin)) {
          return req.respond({ status: 404, body: '' });
        }
        if (u.protocol === 'moz-extension:' || u.protocol === 'data:' || url === 'about:blank') return req.continue();
        violations.push({ url, page: safeUrl(page) });
        return req.abort();
      });
      return page;
    },
    /**
     * A page of the extension (the popup page, in a tab), to run code in its context: a string
     * of code (the extension's CSP forbids Function()), with `browser.*` available.
     */
    async extPage() {
      if (h.ext && !h.ext.isClosed()) return h.ext;
      const page = await browser.newPage();
      page.goto(`${EXT_ORIGIN}/popup/popup.html`).catch(() => {}); // its load is not reported
      for (let i = 0; i < 100; i++) {
        try {
          if (await page.evaluate('typeof browser !== "undefined" && !!browser.runtime.id')) break;
        } catch (_) { /* still loading */ }
        await sleep(100);
      }
      h.ext = page;
      return page;
    },
    /**
     * Opens one of the extension's pages (options, popup) in a new tab, like extPage, and waits
     * until `ready` (an expression, as a string) is true in it. Nothing of it is intercepted:
     * what it asked for would reach the proxy, which records it (leaks()).
     */
    async openExtPage(path, ready = 'document.readyState === "complete"', timeout = 10000) {
      const page = await browser.newPage();
      page.goto(`${EXT_ORIGIN}${path}`).catch(() => {}); // its load is not reported
      await h.waitIn(page, ready, timeout);
      return page;
    },
    /** Waits until the expression `code` (a string) is truthy in `page`; returns its value. */
    async waitIn(page, code, timeout = 10000) {
      const deadline = Date.now() + timeout;
      let last = null;
      for (;;) {
        try {
          const v = await page.evaluate(`(() => { try { return ${code}; } catch (e) { return null; } })()`);
          if (v) return v;
        } catch (e) { last = e; /* still loading */ }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${code}${last ? `: ${last.message}` : ''}`);
        await sleep(100);
      }
    },
    /** Evaluates `code` (an expression, may be a promise of JSON-able data) in an extension page. */
    async evalExt(code) {
      const page = await h.extPage();
      return JSON.parse(await page.evaluate(`Promise.resolve(${code}).then((v) => JSON.stringify(v === undefined ? null : v))`));
    },
    /** What the background scored lately (site, conversation, id, role, history, level). */
    recent: () => h.evalExt('browser.runtime.getBackgroundPage().then((bg) => (bg.safedm && bg.safedm.recent) || [])'),
    storage: () => h.evalExt('browser.storage.local.get(null)'),
    /** The in-page alert of `page`, read from Firefox's accessibility tree (chrome scope). */
    readAlert: (page) => readAlert(browser, page),
    async waitAlert(page, timeout = 3000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const a = await h.readAlert(page);
        // The live region is filled a moment after the card appears (so that it is announced).
        if ((a && a.description) || Date.now() > deadline) return a;
        await sleep(150);
      }
    },
    /** Connections that reached the proxy, Firefox's own services left out. */
    leaks: () => proxy.seen.filter((r) => !BROWSER_OWN.test(r.host)),
    async close() {
      await browser.close().catch(() => {});
      await proxy.close();
    },
  };
  return h;
}

const safeUrl = (page) => { try { return page.url(); } catch (_) { return ''; } };

let chromeContext = null;
async function chromeEval(browser, expression) {
  const conn = browser.connection;
  if (!chromeContext) {
    const tree = await conn.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    chromeContext = tree.result.contexts[0].context;
  }
  const r = await conn.send('script.evaluate', {
    expression, target: { context: chromeContext }, awaitPromise: true, 'moz:scope': 'chrome',
  });
  if (r.result.type !== 'success') throw new Error(`chrome scope: ${JSON.stringify(r.result).slice(0, 300)}`);
  return r.result.result.value;
}

/**
 * The alert's closed shadow root is invisible to page scripts; Firefox's accessibility service
 * (in the parent process) sees it, as a screen reader would: {name, text, buttons} or null.
 * Firefox reports it as role "dialog" with xml-roles "alertdialog".
 */
async function readAlert(browser, page) {
  const url = page.url();
  const json = await chromeEval(browser, `(() => {
    const acc = Cc['@mozilla.org/accessibilityService;1'].getService(Ci.nsIAccessibilityService);
    const role = (a) => { try { return acc.getStringRole(a.role); } catch (e) { return ''; } };
    const xml = (a) => { try { return a.attributes.getStringProperty('xml-roles'); } catch (e) { return ''; } };
    const find = (a, d) => {
      if (!a || d > 80) return null;
      if (xml(a) === 'alertdialog') return a;
      for (let c = a.firstChild; c; c = c.nextSibling) { const f = find(c, d + 1); if (f) return f; }
      return null;
    };
    for (const b of gBrowser.browsers) {
      if (b.currentURI.spec !== ${JSON.stringify(url)}) continue;
      const dialog = find(acc.getAccessibleFor(b), 0);
      if (!dialog) return 'null';
      const texts = []; const buttons = [];
      const walk = (a) => {
        const r = role(a);
        if (r === 'pushbutton' && a.name) buttons.push(a.name);
        if (r === 'text leaf' && a.name) texts.push(a.name);
        for (let c = a.firstChild; c; c = c.nextSibling) walk(c);
      };
      walk(dialog);
      return JSON.stringify({ name: dialog.name, description: dialog.description || '', text: texts.join(' '), buttons });
    }
    return 'null';
  })()`);
  return JSON.parse(json);
}

/** Starts the accessibility service (its tree of a page builds shortly after). */
export const startAccessibility = (browser) =>
  chromeEval(browser, "Cc['@mozilla.org/accessibilityService;1'].getService(Ci.nsIAccessibilityService), 'ok'");
