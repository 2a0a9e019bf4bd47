// Loads pkg/ (the wasm-bindgen output of `make wasm`) in Node, and reads JSON Lines corpora.
// Shared by the parity test and the benchmark.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Imports pkg/safedm.js and instantiates the module from pkg/safedm_bg.wasm. */
export async function loadSafedm(pkgDir = path.join(ROOT, 'pkg')) {
  const mod = await import(pathToFileURL(path.join(pkgDir, 'safedm.js')).href);
  await mod.default({ module_or_path: fs.readFileSync(path.join(pkgDir, 'safedm_bg.wasm')) });
  return mod;
}

/** The conversations of a JSON Lines file: [{ id, label?, messages: [{ id?, role, text, time? }] }]. */
export function readJsonl(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** A corpus message as the JS API takes it (the corpus may leave out id, role or time). */
export function toApiMessage(m) {
  return { id: m.id ?? '', role: m.role ?? 'unknown', text: m.text ?? '', time: m.time ?? undefined };
}

/** The conversation files the parity test and the benchmark use. */
export function conversationFiles() {
  const dir = path.join(ROOT, 'tests', 'conversations');
  const extra = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(dir, f))
    : [];
  return [path.join(ROOT, 'lab', 'examples', 'conversations.jsonl'), ...extra];
}
