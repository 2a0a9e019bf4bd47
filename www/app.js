// @ts-check
// The SafeDM playground: runs the engine (pkg/, built by `make wasm`) on example or typed
// conversations. Every node is built with createElement and textContent: message text is never
// parsed as HTML.
import init, { Engine, version, thresholds, stages } from './pkg/safedm.js';
import { EXAMPLES } from './examples.js';

const CONVERSATION = 'playground';
const START_TIME = 1_700_000_000;
const SVG = 'http://www.w3.org/2000/svg';
/** @param {string} id */
const $ = (id) => document.getElementById(id);
/** The page's buttons and form fields, by id (index.html). @param {string} id */
const button = (id) => /** @type {HTMLButtonElement} */ ($(id));
/** @param {string} id */
const field = (id) => /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */ ($(id));

/** What is on screen: the conversation's messages and how many of them are shown. */
const view = {
  example: EXAMPLES[0].id,
  messages: [], // { id, role, text, time }
  shown: 0,
  own: [], // messages typed by the visitor
};
let engine;
let stageLabels = new Map();

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function sensitivity() {
  const checked = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="sensitivity"]:checked'));
  return checked?.value ?? 'balanced';
}

function config() {
  const age = field('child-age').value;
  return { sensitivity: sensitivity(), childAge: age === '' ? null : Number(age) };
}

function loadExample(id) {
  view.example = id;
  if (id === 'own') {
    view.messages = view.own;
    view.shown = view.own.length;
    $('note').textContent =
      'Write both sides yourself: choose who says each message, then add it. Nothing is sent anywhere.';
  } else {
    const example = EXAMPLES.find((e) => e.id === id) ?? EXAMPLES[0];
    view.messages = example.messages.map(([role, text, minutes], i) => ({
      id: `m${i + 1}`,
      role,
      text,
      time: START_TIME + minutes * 60,
    }));
    view.shown = 0;
    $('note').textContent = example.note;
  }
  render();
}

/** Scores the shown messages from the start with the current settings. */
function score() {
  engine.forget(CONVERSATION);
  return view.messages.slice(0, view.shown).map((m) => engine.observe(CONVERSATION, m));
}

/** Non-overlapping [start, end, categories] ranges from hits with UTF-16 offsets. */
function mergeHits(hits) {
  const sorted = hits
    .filter((h) => h.end > h.start && h.category !== 'age_statement')
    .sort((a, b) => a.start - b.start);
  const out = [];
  for (const h of sorted) {
    const last = out[out.length - 1];
    if (last && h.start < last.end) {
      last.end = Math.max(last.end, h.end);
      last.categories.add(h.category);
    } else {
      out.push({ start: h.start, end: h.end, categories: new Set([h.category]) });
    }
  }
  return out;
}

/** The message text with the triggering words in <mark>, as text nodes only. */
function highlighted(text, hits) {
  const p = el('p', { class: 'text' });
  let at = 0;
  for (const range of mergeHits(hits)) {
    if (range.start > at) p.append(text.slice(at, range.start));
    const names = [...range.categories].map((c) => c.replace(/_/g, ' ')).join(', ');
    p.append(el('mark', { text: text.slice(range.start, range.end), title: names }));
    at = range.end;
  }
  if (at < text.length) p.append(text.slice(at));
  return p;
}

function renderMessages(assessments) {
  const list = $('messages');
  list.replaceChildren();
  view.messages.slice(0, view.shown).forEach((m, i) => {
    const a = assessments[i];
    const meta = el('span', { class: 'meta' },
      `${m.role === 'child' ? 'child' : 'contact'} · #${m.id} · `,
      el('span', { class: `pill pill-${a.level}`, text: `${a.level} ${a.risk}` }));
    list.append(el('li', { class: `msg ${m.role}`, 'data-level': a.level }, highlighted(m.text, a.hits), meta));
  });
  if (view.shown < view.messages.length) {
    list.append(el('li', { class: 'more', text: `${view.messages.length - view.shown} more message(s): press “Next message”.` }));
  } else if (view.messages.length === 0) {
    list.append(el('li', { class: 'more', text: 'No messages yet.' }));
  }
  list.scrollTop = list.scrollHeight;
}

function renderVerdict(assessments) {
  const last = assessments[assessments.length - 1];
  const level = last?.level ?? 'none';
  $('level').textContent = level;
  $('level').dataset.level = level;
  $('risk').textContent = String(last?.risk ?? 0);
  const stage = last?.stage ?? 'none';
  $('stage').textContent = stage === 'none' ? 'none' : `${stageLabels.get(stage) ?? stage} (${stage.replace(/_/g, ' ')})`;
  $('summary').textContent = last?.summary ?? '';
  const reasons = $('reasons');
  reasons.replaceChildren();
  for (const r of last?.reasons ?? []) {
    reasons.append(el('li', { class: 'reason', 'data-category': r.category },
      el('strong', { text: r.category.replace(/_/g, ' ') }),
      el('span', { class: 'parent', text: ` ${r.parent}` }),
      el('span', { class: 'child', text: `For the child: “${r.child}”` }),
      el('span', { class: 'ids', text: `Messages: ${r.messageIds.map((id) => `#${id}`).join(', ')}` })));
  }
  if (!reasons.firstChild) {
    reasons.append(el('li', { class: 'none', text: 'No reasons: nothing worrying so far.' }));
  }
}

function renderChart(assessments) {
  const chart = $('chart');
  chart.replaceChildren();
  const t = thresholds(sensitivity());
  const [w, h, left, right, top, bottom] = [600, 220, 36, 10, 10, 26];
  const n = Math.max(view.messages.length, assessments.length, 1);
  const x = (i) => left + ((w - left - right) * (i + 0.5)) / n;
  const y = (risk) => top + ((h - top - bottom) * (100 - risk)) / 100;
  chart.append(svg('rect', { x: left, y: top, width: w - left - right, height: h - top - bottom, class: 'plot' }));
  for (const tick of [0, 50, 100]) {
    chart.append(svg('text', { x: left - 6, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' }, String(tick)));
  }
  for (const [name, value] of [['warn', t.warn], ['alert', t.alert]]) {
    chart.append(svg('line', { x1: left, x2: w - right, y1: y(value), y2: y(value), class: `threshold ${name}`, 'data-threshold': name, 'data-value': value }));
    chart.append(svg('text', { x: left + 4, y: y(value) - 4, class: `threshold-label ${name}`, 'text-anchor': 'start' }, `${name} ${value}`));
  }
  const barWidth = Math.max(4, ((w - left - right) / n) * 0.6);
  assessments.forEach((a, i) => {
    const bar = svg('rect', { x: x(i) - barWidth / 2, y: y(a.risk), width: barWidth, height: y(0) - y(a.risk), class: `bar ${a.level}`, 'data-risk': a.risk });
    bar.append(svg('title', {}, `message ${i + 1}: risk ${a.risk}, ${a.level}`));
    chart.append(bar);
    chart.append(svg('text', { x: x(i), y: h - 8, class: 'tick', 'text-anchor': 'middle' }, String(i + 1)));
  });
  if (assessments.length > 1) {
    const points = assessments.map((a, i) => `${x(i)},${y(a.risk)}`).join(' ');
    chart.append(svg('polyline', { points, class: 'line' }));
  }
}

function render() {
  const assessments = score();
  renderMessages(assessments);
  renderVerdict(assessments);
  renderChart(assessments);
  const own = view.example === 'own';
  button('step').disabled = view.shown >= view.messages.length;
  button('play').disabled = view.shown >= view.messages.length;
  $('compose').hidden = !own;
}

function setUpControls() {
  const select = field('example');
  for (const e of EXAMPLES) select.append(el('option', { value: e.id, text: e.title }));
  select.append(el('option', { value: 'own', text: 'Your own conversation' }));
  select.addEventListener('change', () => loadExample(select.value));

  const age = $('child-age');
  age.append(el('option', { value: '', text: 'not set' }));
  for (let a = 5; a <= 17; a += 1) age.append(el('option', { value: String(a), text: String(a) }));

  // Changing a setting re-scores the conversation at once.
  const reconfigure = () => {
    engine.setConfig(config());
    render();
  };
  for (const radio of document.querySelectorAll('input[name="sensitivity"]')) {
    radio.addEventListener('change', reconfigure);
  }
  age.addEventListener('change', reconfigure);

  $('step').addEventListener('click', () => {
    view.shown = Math.min(view.shown + 1, view.messages.length);
    render();
  });
  $('play').addEventListener('click', () => {
    view.shown = view.messages.length;
    render();
  });
  $('reset').addEventListener('click', () => {
    if (view.example === 'own') view.own.length = 0;
    loadExample(view.example);
  });
  $('compose').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = field('compose-text').value;
    if (text.trim() === '') return;
    view.own.push({
      id: `m${view.own.length + 1}`,
      role: field('compose-role').value,
      text,
      time: START_TIME + view.own.length * 60,
    });
    field('compose-text').value = '';
    loadExample('own');
  });
}

async function main() {
  try {
    await init();
    engine = new Engine(config());
    stageLabels = new Map(stages().map((s) => [s.stage, s.label]));
    $('version').textContent = `v${version()}`;
    setUpControls();
    loadExample(EXAMPLES[0].id);
    $('status').textContent = 'Ready. The engine runs in this page; nothing is sent anywhere.';
    document.body.dataset.ready = 'true';
  } catch (error) {
    $('status').textContent = `The engine could not start: ${error instanceof Error ? error.message : String(error)}`;
    document.body.dataset.ready = 'error';
    throw error;
  }
}

main();
