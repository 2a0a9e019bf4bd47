// Throughput of the engine, native vs WebAssembly in Node, measured in one run over the same
// conversations (examples/ and tests/conversations/, repeated ROUNDS times). Not a test:
// `make bench` builds both halves and runs this.
//
//   node bench/run.mjs [ROUNDS]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, loadSafedm, readJsonl, toApiMessage, conversationFiles } from '../scripts/node-engine.mjs';

const rounds = Number(process.argv[2] ?? 20);
const files = conversationFiles();

const run = spawnSync(path.join(ROOT, 'target/release/examples/bench'), [String(rounds), ...files], { encoding: 'utf8' });
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}
const native = JSON.parse(run.stdout);

const safedm = await loadSafedm();
const conversations = files.flatMap((f) => readJsonl(f)).map((c) => c.messages.map(toApiMessage));
const engine = new safedm.Engine({ sensitivity: 'balanced' });
// One warm-up round, untimed, as the JIT needs it.
for (const messages of conversations) {
  for (const m of messages) engine.observe('warm-up', m);
  engine.forget('warm-up');
}
let messages = 0;
let checksum = 0;
const start = process.hrtime.bigint();
for (let r = 0; r < rounds; r += 1) {
  for (const c of conversations) {
    for (const m of c) {
      checksum += engine.observe('bench', m).risk;
      messages += 1;
    }
    engine.forget('bench');
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const wasm = { messages, seconds, perSecond: messages / seconds, checksum };

const fmt = (n) => Math.round(n).toLocaleString('en');
console.log(`conversations: ${conversations.length} x ${rounds} rounds, ${fmt(messages)} messages`);
console.log(`native (Rust, release):      ${fmt(native.perSecond)} messages/s (${native.seconds.toFixed(2)} s)`);
console.log(`WebAssembly in Node ${process.version}: ${fmt(wasm.perSecond)} messages/s (${wasm.seconds.toFixed(2)} s)`);
console.log(`ratio Node/native: ${(wasm.perSecond / native.perSecond).toFixed(2)} (native is ${(native.perSecond / wasm.perSecond).toFixed(1)}x faster)`);
if (native.checksum !== wasm.checksum || native.messages !== wasm.messages) {
  console.error(`the two halves disagree: native checksum ${native.checksum}, WASM ${wasm.checksum}`);
  process.exit(1);
}
