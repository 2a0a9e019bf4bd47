// SafeDM's WebAssembly build in Node, scoring the bench's dev conversations the way
// `safedm score` does natively, for `bench/compare.py`.
//
//   node bench/wasm-score.mjs DEV.jsonl SPEED_SAMPLE.jsonl OUT.jsonl SPEED.json [RUNS]
//   node bench/wasm-score.mjs --startup
//
// OUT.jsonl: one line per conversation with the fields of `safedm score` that the comparison
// reads (id, max_level, max_risk, max_score, contact_messages_to_alert). SPEED.json: the seconds
// of each run over the speed sample, on Node's one main thread, after one untimed round for the
// JIT. `--startup` instantiates the module, builds the engine and exits: the caller times it.
import fs from 'node:fs';
import { once } from 'node:events';
import readline from 'node:readline';
import { loadSafedm, readJsonl, toApiMessage } from '../scripts/node-engine.mjs';

const LEVELS = ['none', 'watch', 'warn', 'alert'];
const safedm = await loadSafedm();
const engine = new safedm.Engine({ sensitivity: 'balanced' });
if (process.argv[2] === '--startup') process.exit(0);

const [devPath, samplePath, outPath, speedPath, runsArg] = process.argv.slice(2);
if (!devPath || !samplePath || !outPath || !speedPath) {
  console.error('usage: node bench/wasm-score.mjs DEV.jsonl SPEED_SAMPLE.jsonl OUT.jsonl SPEED.json [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg ?? 5);

/** Scores one conversation from its first message to its last, as eval::score_conversation. */
function scoreConversation(conversation) {
  const key = 'bench';
  let maxLevel = 0;
  let maxRisk = 0;
  let maxScore = 0;
  let contactSeen = 0;
  let contactToAlert = null;
  for (const m of conversation.messages) {
    if (m.role !== 'child') contactSeen += 1;
    const a = engine.observe(key, toApiMessage(m));
    const level = LEVELS.indexOf(a.level);
    if (level === 3 && contactToAlert === null) contactToAlert = contactSeen;
    maxLevel = Math.max(maxLevel, level);
    maxRisk = Math.max(maxRisk, a.risk);
    maxScore = Math.max(maxScore, a.risk + (a.model ? a.model.probability : 0));
  }
  engine.forget(key);
  return {
    id: conversation.id,
    max_level: LEVELS[maxLevel],
    max_risk: maxRisk,
    max_score: maxScore,
    contact_messages_to_alert: contactToAlert,
  };
}

const sample = readJsonl(samplePath);
// Each timed run scores the sample PASSES times: one pass takes a fraction of a second.
const PASSES = 5;
// One untimed round for the JIT, then the timed runs.
sample.forEach(scoreConversation);
const seconds = [];
for (let r = 0; r < runs; r += 1) {
  const t = process.hrtime.bigint();
  for (let p = 0; p < PASSES; p += 1) sample.forEach(scoreConversation);
  seconds.push(Number(process.hrtime.bigint() - t) / 1e9);
}
const messages = PASSES * sample.reduce((n, c) => n + c.messages.length, 0);

// Dev is read a line at a time, as the native CLI reads it, so peak memory is the engine's.
const out = fs.createWriteStream(outPath);
const lines = readline.createInterface({ input: fs.createReadStream(devPath), crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const record = scoreConversation(JSON.parse(line));
  if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
}
await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
fs.writeFileSync(speedPath, JSON.stringify({ messages, seconds }));
