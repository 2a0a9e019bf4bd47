// Same answers everywhere: the conversations of lab/examples/ and tests/conversations/ scored natively
// (the `safedm score` CLI and the per-message `trace` example) and as WebAssembly in Node through
// pkg/ must give identical levels and risks. Run by `make test-parity`, which builds all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, loadSafedm, readJsonl, toApiMessage, conversationFiles } from '../../scripts/node-engine.mjs';

const LEVELS = ['none', 'watch', 'warn', 'alert'];
const files = conversationFiles();
const conversations = files.flatMap((f) => readJsonl(f));
const safedm = await loadSafedm();

function nativeLines(program, args) {
  const run = spawnSync(path.join(ROOT, program), args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(run.status, 0, `${program} failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

/** Scores every conversation in WASM; per conversation the assessments' levels and risks. */
function wasmTraces(sensitivity) {
  const engine = new safedm.Engine({ sensitivity });
  const traces = conversations.map((c, i) => {
    const key = `parity:${i}`;
    const out = { levels: [], risks: [], reasons: [], probabilities: [], roles: [] };
    for (const m of c.messages) {
      const message = toApiMessage(m);
      const a = engine.observe(key, message);
      out.levels.push(a.level);
      out.risks.push(a.risk);
      out.reasons.push(a.reasons.map((r) => r.category));
      out.probabilities.push(a.model ? a.model.probability : 0);
      out.roles.push(message.role);
    }
    engine.forget(key);
    return out;
  });
  assert.equal(engine.conversationCount(), 0);
  return traces;
}

/** The `safedm score` record of a trace, computed as src/eval.rs does. */
function record(c, t) {
  const r = {
    id: c.id,
    label: c.label ?? null,
    max_level: 'none',
    max_risk: 0,
    first_warn_at: null,
    first_alert_at: null,
    reasons: [],
    contact_messages_to_alert: null,
    max_score: 0,
  };
  let contactSeen = 0;
  t.levels.forEach((level, i) => {
    const rank = LEVELS.indexOf(level);
    if (t.roles[i] !== 'child') contactSeen += 1;
    if (rank >= 2 && r.first_warn_at === null) r.first_warn_at = i;
    if (rank >= 3 && r.first_alert_at === null) {
      r.first_alert_at = i;
      r.contact_messages_to_alert = contactSeen;
    }
    r.max_score = Math.max(r.max_score, t.risks[i] + t.probabilities[i]);
    const maxRank = LEVELS.indexOf(r.max_level);
    if (rank > maxRank || (rank === maxRank && t.risks[i] > r.max_risk)) r.reasons = t.reasons[i];
    if (rank > maxRank) r.max_level = level;
    r.max_risk = Math.max(r.max_risk, t.risks[i]);
  });
  return r;
}

test('there are conversations to compare, some reaching alert', () => {
  assert.ok(conversations.length >= 4, `${conversations.length} conversations`);
  const alerts = nativeLines('target/release/safedm', ['score', ...files]).filter((r) => r.max_level === 'alert');
  assert.ok(alerts.length >= 1);
});

for (const sensitivity of ['relaxed', 'balanced', 'strict']) {
  test(`native and WASM agree message by message (${sensitivity})`, () => {
    const native = nativeLines('target/release/examples/trace', [sensitivity, ...files]);
    const wasm = wasmTraces(sensitivity);
    assert.equal(native.length, wasm.length);
    let messages = 0;
    native.forEach((n, i) => {
      assert.equal(n.id, conversations[i].id);
      assert.deepEqual(wasm[i].levels, n.levels, `levels of ${n.id}`);
      assert.deepEqual(wasm[i].risks, n.risks, `risks of ${n.id}`);
      messages += n.levels.length;
    });
    assert.ok(messages > 0);
  });

  test(`the CLI's score records equal those computed in WASM (${sensitivity})`, () => {
    const native = nativeLines('target/release/safedm', ['score', '--sensitivity', sensitivity, ...files]);
    const wasm = wasmTraces(sensitivity).map((t, i) => record(conversations[i], t));
    assert.equal(native.length, wasm.length);
    native.forEach((n, i) => {
      // The model's probability may differ in the last bits of an f32 (the platforms' exp), never
      // in a level or risk.
      const { max_score: wasmScore, ...w } = wasm[i];
      const { max_score: nativeScore, ...rest } = n;
      assert.deepEqual(w, rest, `record of ${n.id}`);
      assert.ok(Math.abs(wasmScore - nativeScore) < 1e-6, `max_score of ${n.id}: ${wasmScore} vs ${nativeScore}`);
    });
  });
}
