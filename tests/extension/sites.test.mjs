// Every supported site: rows appended by the fixture are read with the right ids and
// directions, a grooming sequence raises the in-page alert within a second of the message that
// crossed the threshold, and after SPA navigation a family chat raises nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as t from './helpers.mjs';

let h;
before(async () => { h = await t.launch({ locale: 'en-GB' }); });
after(async () => {
  if (h) {
    assert.deepEqual(h.violations, [], 'no request may leave the browser');
    await h.close();
  }
});

const SITE_IDS = {
  discord: (id) => id,
  whatsapp: (id) => `3EB0${id}`,
  'telegram-k': (id) => id,
  'telegram-a': (id) => id,
};

for (const name of Object.keys(t.SITES)) {
  test(`${name}: reads direction and ids, alerts on grooming, stays quiet on a family chat`, async () => {
    const s = t.SITES[name];
    const site = s.site || name;
    const page = await t.openSite(h, name);
    const status = await t.tabStatus(h, page);
    assert.equal(status.site, site);
    assert.equal(status.adapter, 'site', 'the site adapter, not the generic reader');

    const before = await t.mark(h);
    let alertAt = null;
    const ids = [];
    for (const [i, [from, text]] of t.GROOMING.entries()) {
      const sent = Date.now();
      ids.push(await page.evaluate(([f, x]) => (f === 'child' ? fixture.send(x) : fixture.receive(x)), [from, text]));
      // Wait until the worker has scored this message.
      let mine;
      for (let k = 0; k < 50; k++) {
        mine = await t.since(h, before);
        if (mine.length > i) break;
        await t.sleep(50);
      }
      assert.equal(mine.length, i + 1, `message ${i} was scored once`);
      const last = mine[i];
      if (alertAt === null && (last.level === 'warn' || last.level === 'alert')) {
        const alert = await t.waitAlert(page, Math.max(0, 1000 - (Date.now() - sent)));
        assert.ok(alert, `the alert shows within 1 s of message ${i} (level ${last.level})`);
        alertAt = i;
      }
    }
    assert.notEqual(alertAt, null, 'the grooming sequence reached warn/alert');

    const mine = await t.since(h, before);
    assert.deepEqual(mine.map((m) => m.role), t.GROOMING.map(([from]) => from), 'directions');
    assert.ok(mine.every((m) => m.history === false && m.site === site));
    if (SITE_IDS[name]) assert.deepEqual(mine.map((m) => m.id), ids.map(SITE_IDS[name]), 'the site ids');
    else {
      assert.ok(mine.every((m) => /^h[0-9a-z]+$/.test(m.id)), 'hashed ids');
      assert.equal(new Set(mine.map((m) => m.id)).size, mine.length, 'distinct ids');
    }

    const alert = await t.waitAlert(page);
    assert.match(alert.name, /SafeDM/);
    assert.ok(alert.text.includes(s.contactA), 'names the contact');
    for (const b of ["I'm OK", 'Show me how to block and report', 'Talk to someone']) {
      assert.ok(alert.buttons.includes(b), `button ${b}`);
    }
    await page.screenshot({ path: t.screenshotPath(`alert-${name}.png`) });

    // The log for the parent: no message text.
    const log = (await t.storage(h)).alertLog || [];
    const entry = log.filter((e) => e.site === site).pop();
    assert.ok(entry && ['warn', 'alert'].includes(entry.level));
    assert.equal(entry.contact, s.contactA);
    assert.ok(entry.reasons.length > 0 && entry.stage);
    const json = JSON.stringify(log);
    for (const [, text] of t.GROOMING) assert.ok(!json.includes(text), 'no message text in the log');

    // "I'm OK" closes it; then SPA navigation to the family chat raises nothing.
    await t.clickAlertButton(page, "I'm OK");
    assert.equal(await t.readAlert(page), null);
    await page.evaluate(() => fixture.open('B'));
    await t.sleep(100);
    await t.waitSettled(h, page);
    const mark = await t.mark(h);
    await t.play(page, t.FAMILY);
    await t.sleep(400);
    const fam = await t.since(h, mark);
    assert.equal(fam.length, t.FAMILY.length, 'family messages scored');
    assert.ok(fam.every((m) => m.conversation !== mine[0].conversation), 'a new conversation');
    assert.deepEqual(fam.map((m) => m.role), t.FAMILY.map(([from]) => from));
    assert.ok(fam.every((m) => m.level === 'none' || m.level === 'watch'), 'family chat stays below warn');
    assert.equal(await t.readAlert(page), null, 'no alert on the family chat');
    await page.close();
  });
}
