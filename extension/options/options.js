// The parent's page: first-run setup, the PIN lock, settings, trusted contacts and the alert
// centre (with tamper events, a weekly chart, guidance, evidence excerpts and the export).
//
// Everything is built with createElement and text nodes (h() in common/i18n.js); stored data
// (contact names, reasons, excerpts) is never parsed as HTML. Every change goes to the worker as
// an options:* message and is written by its single storage queue; the worker refuses them while
// locked. A freshly opened page always starts locked; it locks again when the worker's unlocked
// session (chrome.storage.session `unlock`) ends.
import { t, localize, h } from '../common/i18n.js';
import {
  SITES, SITE_LABELS, AGE_BANDS, SENSITIVITIES, AUDIENCES, TRUSTED_MAX, NAME_MAX, validateSettings,
} from '../common/settings.js';
import { openEvidenceKey, unseal, validPin } from '../common/crypto.js';

const $ = (id) => document.getElementById(id);
const send = (msg) => chrome.runtime.sendMessage(msg);

const state = {
  unlocked: false,
  data: null, // {settings, effective, managedKeys, alerts, tamper}
  evidenceKey: null, // the private evidence key, in this page's memory while unlocked
  excerpts: new Map(), // alert id -> [{role, text}] opened with evidenceKey
  filter: { site: 'all', level: 'all' },
  tab: 'alerts',
  confirmDeleteAll: false,
};

function notice(text) {
  $('notice').textContent = text || '';
}

function show(view) {
  for (const v of ['setup', 'lock', 'main']) {
    $(`view-${v}`).hidden = v !== view;
    if (v !== view) $(`view-${v}`).replaceChildren(); // nothing of a hidden view stays in the page
  }
  $('session').hidden = view !== 'main';
}

// ---- shared form fields (setup and settings) ----------------------------------------------

const LEVEL_WORD = { warn: () => t('levelWarn'), alert: () => t('levelAlert') };
/** A reason in the page's language (by its category), else the engine's English sentence. */
const reasonText = (r) => (/^[a-z_]{1,40}$/.test(String(r.category)) && chrome.i18n.getMessage(`reason_${r.category}`)) ||
  r.parent || stageWord(r.stage);
const stageWord = (s) => (s && s !== 'none' ? t(`stage_${s}`) : t('stage_none'));

/** The settings fieldsets; `values` fills them, fields in `managed` are locked by policy. */
function settingsFields(values, managed = []) {
  const locked = (key) => managed.includes(key);
  const policyNote = (key) => (locked(key) ? h('p', { className: 'muted' }, t('setByPolicy')) : null);
  const radios = (name, options, labelOf, hintOf) => options.map((o) => h('label', { className: 'choice' },
    h('input', { type: 'radio', name, value: o, checked: values[name] === o, disabled: locked(name) }),
    ' ', labelOf(o), hintOf ? h('span', { className: 'hint' }, hintOf(o)) : null));
  return [
    h('fieldset', {}, h('legend', {}, t('fieldAge')), policyNote('ageBand'),
      radios('ageBand', AGE_BANDS, (b) => t(`age_${b.replace('-', '_')}`))),
    h('fieldset', {}, h('legend', {}, t('fieldAudience')), policyNote('audience'),
      radios('audience', AUDIENCES, (a) => t(`audience_${a}`), (a) => t(`audience_${a}_hint`))),
    h('fieldset', {}, h('legend', {}, t('fieldSensitivity')), policyNote('sensitivity'),
      radios('sensitivity', SENSITIVITIES, (s) => t(`sens_${s}`), (s) => t(`sens_${s}_hint`))),
    h('fieldset', {}, h('legend', {}, t('fieldSites')), policyNote('sites'),
      h('div', { className: 'sites' }, SITES.map((s) => h('label', { className: 'choice' },
        h('input', { type: 'checkbox', name: `site-${s}`, checked: values.sites[s], disabled: locked('sites') }),
        ' ', SITE_LABELS[s])))),
    h('fieldset', {}, h('legend', {}, t('fieldEvidence')), policyNote('evidence'),
      h('label', { className: 'choice' },
        h('input', { type: 'checkbox', name: 'evidence', checked: values.evidence, disabled: locked('evidence') }),
        ' ', t('evidenceLabel'), h('span', { className: 'hint' }, t('evidenceHint')))),
  ];
}

/** Reads the fields back into a settings object, on top of `base`. */
function readFields(form, base) {
  const val = (name) => {
    const el = form.querySelector(`input[name="${name}"]:checked`);
    return el ? el.value : base[name];
  };
  const out = { ...base, sites: { ...base.sites }, trusted: { ...base.trusted } };
  out.ageBand = val('ageBand');
  out.audience = val('audience');
  out.sensitivity = val('sensitivity');
  for (const s of SITES) out.sites[s] = form.querySelector(`input[name="site-${s}"]`).checked;
  out.evidence = form.querySelector('input[name="evidence"]').checked;
  const notify = form.querySelector('input[name="notifyOnThisDevice"]');
  if (notify) out.notifyOnThisDevice = notify.checked;
  const lock = form.querySelector('select[name="lockMinutes"]');
  if (lock) out.lockMinutes = Number(lock.value);
  return out;
}

// ---- first run ----------------------------------------------------------------------------

function renderSetup(defaults) {
  const root = $('view-setup');
  root.replaceChildren();
  const error = h('p', { className: 'error', role: 'alert', id: 'setup-error' });
  const form = h('form', { id: 'setup-form', novalidate: true },
    h('fieldset', {}, h('legend', {}, t('fieldPin')),
      h('p', { className: 'muted' }, t('pinHelp')),
      h('label', { className: 'choice' }, t('pinNew'), ' ',
        h('input', { type: 'password', name: 'pin', id: 'setup-pin', inputmode: 'numeric', autocomplete: 'new-password', maxlength: 12 })),
      h('label', { className: 'choice' }, t('pinConfirm'), ' ',
        h('input', { type: 'password', name: 'pin2', id: 'setup-pin2', inputmode: 'numeric', autocomplete: 'new-password', maxlength: 12 }))),
    settingsFields(defaults),
    error,
    h('button', { type: 'submit', className: 'primary', id: 'setup-finish' }, t('setupFinish')));
  form.addEventListener('input', () => { error.textContent = ''; });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const pin = form.pin.value;
    if (!validPin(pin)) return void (error.textContent = t('pinTooShort'));
    if (pin !== form.pin2.value) return void (error.textContent = t('pinMismatch'));
    error.textContent = '';
    form.querySelector('button[type=submit]').disabled = true;
    const res = await send({ type: 'options:setup', pin, settings: readFields(form, defaults) });
    if (!res || res.type !== 'worker:ok') {
      form.querySelector('button[type=submit]').disabled = false;
      return void (error.textContent = t('setupFailed'));
    }
    history.replaceState(null, '', '#alerts');
    await afterUnlock(pin);
    notice(t('setupDone'));
  });
  root.append(h('h2', { id: 'setup-h' }, t('setupTitle')), h('p', {}, t('setupIntro')), form);
  show('setup');
  form.pin.focus();
}

// ---- lock ---------------------------------------------------------------------------------

let waitTimer = 0;

function renderLock(st) {
  const root = $('view-lock');
  root.replaceChildren();
  const msg = h('p', { id: 'lock-msg', role: 'status', 'aria-live': 'polite' });
  const input = h('input', { type: 'password', id: 'lock-pin', inputmode: 'numeric', autocomplete: 'current-password', maxlength: 12, 'aria-label': t('pinEnter') });
  const button = h('button', { type: 'submit', className: 'primary', id: 'lock-unlock' }, t('unlock'));
  const form = h('form', { id: 'lock-form' }, h('label', {}, t('pinEnter'), ' ', input), ' ', button);
  const countdown = (ms, wrong) => {
    clearInterval(waitTimer);
    const until = Date.now() + ms;
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(waitTimer);
        input.disabled = false;
        button.disabled = false;
        msg.className = wrong ? 'error' : '';
        msg.textContent = wrong ? t('pinWrongTryAgain') : '';
        input.focus();
        return;
      }
      input.disabled = true;
      button.disabled = true;
      msg.className = 'wait';
      msg.textContent = (wrong ? `${t('pinWrong')} ` : '') + t('pinWait', [left]);
    };
    tick();
    waitTimer = setInterval(tick, 250);
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const pin = input.value;
    input.value = '';
    const res = await send({ type: 'options:unlock', pin });
    if (res && res.type === 'worker:ok') {
      clearInterval(waitTimer);
      await afterUnlock(pin, res.evidence);
    } else if (res && res.type === 'worker:locked') {
      countdown(res.retryIn, !!res.wrong);
    } else {
      msg.className = 'error';
      msg.textContent = t('pinWrongTryAgain');
    }
  });
  // The documented way out of a forgotten PIN: wipe the log and the settings.
  const confirmInput = h('input', { type: 'text', id: 'reset-confirm', autocomplete: 'off', 'aria-label': t('resetTypeLabel') });
  const resetMsg = h('p', { role: 'status' });
  const reset = h('details', { id: 'forgot' },
    h('summary', {}, t('forgotPin')),
    h('p', {}, t('forgotExplain')),
    h('label', {}, t('resetTypeLabel'), ' ', confirmInput), ' ',
    h('button', {
      type: 'button', className: 'danger', id: 'reset-go',
      onclick: async () => {
        if (confirmInput.value.trim().toUpperCase() !== 'RESET') return void (resetMsg.textContent = t('resetTypeLabel'));
        const res = await send({ type: 'options:reset', confirm: 'RESET' });
        if (res && res.type === 'worker:ok') {
          notice(t('resetDone'));
          start();
        }
      },
    }, t('resetGo')),
    resetMsg);
  root.append(h('h2', { id: 'lock-h' }, t('lockedTitle')), h('p', {}, t('lockedIntro')), form, msg, reset);
  show('lock');
  if (st && st.retryIn > 0) countdown(st.retryIn, false);
  else input.focus();
}

async function afterUnlock(pin, wrapped) {
  state.unlocked = true;
  state.evidenceKey = null;
  state.excerpts = new Map();
  if (!wrapped) {
    const st = await send({ type: 'options:unlock', pin });
    wrapped = st && st.evidence;
  }
  if (wrapped) state.evidenceKey = await openEvidenceKey(pin, wrapped);
  await refresh();
  const tab = (location.hash || '').slice(1);
  state.tab = ['alerts', 'settings', 'trusted'].includes(tab) ? tab : 'alerts';
  renderMain();
}

function lockPage(reason) {
  if (!state.unlocked) return;
  state.unlocked = false;
  state.data = null;
  state.evidenceKey = null;
  state.excerpts = new Map();
  $('view-main').replaceChildren();
  notice(reason || '');
  renderLock(null);
}

// The page follows the worker's session: when it ends (timeout, "Lock now", another page), lock.
setInterval(async () => {
  if (!state.unlocked) return;
  const u = (await chrome.storage.session.get('unlock')).unlock;
  if (!u || u.until <= Date.now()) lockPage(t('lockedAgain'));
  else $('session-text').textContent = t('sessionUntil', [new Date(u.until).toLocaleTimeString()]);
}, 1000);

// New alerts and tamper events show up while the page is open (only the alert list re-renders,
// so a half-filled settings form is left alone).
let changeTimer = 0;
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !state.unlocked || !(changes.alertLog || changes.tamperLog || changes.health)) return;
  clearTimeout(changeTimer);
  changeTimer = setTimeout(async () => {
    if (state.unlocked && (await refresh()) && state.tab === 'alerts') renderMain();
  }, 150);
});

// ---- main ---------------------------------------------------------------------------------

async function refresh() {
  const res = await send({ type: 'options:data' });
  if (!res || res.type !== 'worker:data') {
    lockPage(t('lockedAgain'));
    return false;
  }
  state.data = res;
  await openExcerpts();
  return true;
}

async function openExcerpts() {
  if (!state.evidenceKey) return;
  for (const a of state.data.alerts) {
    if (a.sealed && !state.excerpts.has(a.id)) {
      const v = await unseal(state.evidenceKey, a.sealed);
      if (v && Array.isArray(v.excerpts)) state.excerpts.set(a.id, v.excerpts);
    }
  }
}

function renderMain() {
  if (!state.unlocked || !state.data) return;
  const root = $('view-main');
  const tabs = [['alerts', t('tabAlerts')], ['settings', t('tabSettings')], ['trusted', t('tabTrusted')]];
  const nav = h('nav', { className: 'tabs', 'aria-label': t('tabsLabel') }, tabs.map(([id, label]) => h('button', {
    type: 'button', id: `tab-${id}`, 'aria-current': state.tab === id ? 'page' : null,
    onclick: () => {
      state.tab = id;
      history.replaceState(null, '', `#${id}`);
      renderMain();
    },
  }, label)));
  const body = state.tab === 'settings' ? renderSettings() : state.tab === 'trusted' ? renderTrusted() : renderAlerts();
  root.replaceChildren(nav, body);
  show('main');
}

// ---- alert centre -------------------------------------------------------------------------

const entryId = (e) => String(e.id || `${e.time}-${e.site}-${e.conversation}`);

function tamperText(ev) {
  return t(`tamper_${String(ev.kind).replace(/-/g, '_')}`, [new Date(ev.time).toLocaleString()]);
}

/** A health note (storage): old conversations forgotten, or a write that failed. */
function healthText(n) {
  const when = new Date(n.time).toLocaleString();
  if (n.kind === 'forgotten') return t('health_forgotten', [when, String(n.count || 0), new Date(n.newest || n.time).toLocaleDateString()]);
  return t('health_write_failed', [when, String(n.error || '')]);
}

function renderAlerts() {
  const { alerts, tamper } = state.data;
  const health = Array.isArray(state.data.health) ? state.data.health : [];
  const section = h('section', { id: 'alerts', 'aria-labelledby': 'alerts-h' }, h('h2', { id: 'alerts-h' }, t('alertsTitle')));
  const open = tamper.filter((e) => !e.reviewed);
  if (open.length) {
    section.append(h('div', { className: 'tamper', id: 'tamper', role: 'alert' },
      h('strong', {}, t('tamperTitle')),
      h('ul', {}, open.slice().reverse().map((e) => h('li', { dataset: { kind: e.kind } }, tamperText(e)))),
      h('p', { className: 'muted' }, t('tamperExplain')),
      h('button', {
        type: 'button', id: 'tamper-seen',
        onclick: () => act({ type: 'options:alerts', log: 'tamper', op: 'review', ids: open.map(entryId) }),
      }, t('tamperSeen'))));
  }
  const notes = health.filter((n) => !n.reviewed);
  if (notes.length) {
    section.append(h('div', { className: 'health', id: 'health', role: 'status' },
      h('strong', {}, t('healthTitle')),
      h('ul', {}, notes.slice().reverse().map((n) => h('li', { dataset: { kind: n.kind } }, healthText(n)))),
      h('p', { className: 'muted' }, t('healthExplain')),
      h('button', {
        type: 'button', id: 'health-seen',
        onclick: () => act({ type: 'options:alerts', log: 'health', op: 'review', ids: notes.map(entryId) }),
      }, t('tamperSeen'))));
  }
  section.append(chart(alerts));
  const siteSel = h('select', { id: 'filter-site', 'aria-label': t('filterSite') },
    h('option', { value: 'all' }, t('filterAllSites')),
    SITES.map((s) => h('option', { value: s }, SITE_LABELS[s])));
  siteSel.value = state.filter.site;
  const levelSel = h('select', { id: 'filter-level', 'aria-label': t('filterLevel') },
    h('option', { value: 'all' }, t('filterAllLevels')),
    h('option', { value: 'warn' }, t('levelWarn')),
    h('option', { value: 'alert' }, t('levelAlert')));
  levelSel.value = state.filter.level;
  const onFilter = () => {
    state.filter = { site: siteSel.value, level: levelSel.value };
    renderMain();
  };
  siteSel.addEventListener('change', onFilter);
  levelSel.addEventListener('change', onFilter);
  const toolbar = h('div', { className: 'toolbar' },
    h('label', {}, t('filterSite'), ' ', siteSel), h('label', {}, t('filterLevel'), ' ', levelSel),
    h('button', { type: 'button', id: 'export-html', onclick: () => exportReport('html') }, t('exportHtml')),
    h('button', { type: 'button', id: 'export-json', onclick: () => exportReport('json') }, t('exportJson')),
    state.confirmDeleteAll
      ? h('span', {}, t('deleteAllSure'), ' ',
        h('button', { type: 'button', className: 'danger', id: 'delete-all-yes', onclick: () => { state.confirmDeleteAll = false; act({ type: 'options:alerts', op: 'delete-all' }); } }, t('deleteAllYes')), ' ',
        h('button', { type: 'button', onclick: () => { state.confirmDeleteAll = false; renderMain(); } }, t('cancel')))
      : h('button', { type: 'button', className: 'danger', id: 'delete-all', disabled: !alerts.length, onclick: () => { state.confirmDeleteAll = true; renderMain(); } }, t('deleteAll')));
  section.append(toolbar);
  const shown = alerts.filter((a) => (state.filter.site === 'all' || a.site === state.filter.site) &&
    (state.filter.level === 'all' || a.level === state.filter.level)).slice().sort((a, b) => b.time - a.time);
  if (!shown.length) section.append(h('p', { id: 'no-alerts', className: 'muted' }, alerts.length ? t('noAlertsFiltered') : t('noAlerts')));
  const list = h('div', { id: 'alert-list' }, shown.map(alertItem));
  section.append(list);
  return section;
}

function alertItem(a) {
  const id = entryId(a);
  const excerpts = state.excerpts.get(a.id);
  const siteLabel = SITE_LABELS[a.site] || a.site;
  return h('article', { className: `alert-item level-${a.level}${a.reviewed ? ' reviewed' : ''}`, dataset: { id } },
    h('h3', {},
      h('span', { className: `badge ${a.level}` }, (LEVEL_WORD[a.level] || (() => a.level))()),
      a.reviewed ? h('span', { className: 'badge reviewed' }, t('reviewed')) : null,
      h('span', { className: 'contact' }, a.contact ? t('alertWith', [a.contact, siteLabel]) : t('alertOn', [siteLabel]))),
    h('p', { className: 'meta' },
      h('time', { datetime: new Date(a.time).toISOString() }, new Date(a.time).toLocaleString()), ' · ',
      t('stageIs', [stageWord(a.stage)])),
    a.trusted ? h('p', { className: 'note' }, t('trustedNote')) : null,
    a.fromHistory ? h('p', { className: 'note' }, t('historyNote')) : null,
    a.childResponse === 'ok' ? h('p', { className: 'note' }, t('childSaidOk')) : null,
    h('ul', { className: 'reasons' }, (a.reasons || []).map((r) => h('li', {}, reasonText(r)))),
    excerpts ? h('div', { className: 'excerpts' }, h('strong', {}, t('excerptsTitle')),
      excerpts.map((x) => h('blockquote', {}, `${x.role === 'child' ? t('roleChild') : t('roleContact')}: ${x.text}`))) : null,
    a.sealed && !excerpts ? h('p', { className: 'muted' }, t('excerptsClosed')) : null,
    guidance(),
    h('div', { className: 'toolbar' },
      a.reviewed ? null : h('button', { type: 'button', className: 'review', onclick: () => act({ type: 'options:alerts', op: 'review', ids: [id] }) }, t('markReviewed')),
      h('button', { type: 'button', className: 'delete danger', onclick: () => act({ type: 'options:alerts', op: 'delete', ids: [id] }) }, t('delete'))));
}

const LINKS = [
  ['linkCeop', 'https://www.ceop.police.uk/Safety-Centre/'],
  ['linkCybertip', 'https://report.cybertip.org/'],
];

function guidance() {
  return h('details', { className: 'guide' },
    h('summary', {}, t('guideTitle')),
    h('p', {}, h('strong', {}, t('guideTalkTitle')), ' ', t('guideTalk')),
    h('p', {}, h('strong', {}, t('guideReportTitle')), ' ', t('guideReport')),
    h('ul', {}, LINKS.map(([k, href]) => h('li', {}, h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, t(k)))),
      h('li', {}, t('guidePolice'))));
}

/** Alerts per week, the last 8 weeks, as a small SVG bar chart (text only via textContent). */
function chart(alerts) {
  const WEEK = 7 * 86400000;
  const now = Date.now();
  const weeks = Array.from({ length: 8 }, (_, i) => ({ start: now - (8 - i) * WEEK, n: 0 }));
  for (const a of alerts) {
    const i = 7 - Math.floor((now - a.time) / WEEK);
    if (i >= 0 && i < 8) weeks[i].n++;
  }
  const max = Math.max(1, ...weeks.map((w) => w.n));
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  const W = 420; const H = 110;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(H));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('chartLabel', [weeks.map((w) => w.n).join(', ')]));
  weeks.forEach((w, i) => {
    const bh = Math.round((w.n / max) * 62);
    const x = 10 + i * 51;
    const rect = document.createElementNS(NS, 'rect');
    for (const [k, v] of [['x', x], ['y', 80 - bh], ['width', 36], ['height', Math.max(bh, 1)], ['fill', '#1d3f72']]) rect.setAttribute(k, String(v));
    const num = document.createElementNS(NS, 'text');
    for (const [k, v] of [['x', x + 18], ['y', 76 - bh], ['text-anchor', 'middle'], ['font-size', '11']]) num.setAttribute(k, String(v));
    num.textContent = String(w.n);
    const lab = document.createElementNS(NS, 'text');
    for (const [k, v] of [['x', x + 18], ['y', 96], ['text-anchor', 'middle'], ['font-size', '10'], ['fill', '#52606d']]) lab.setAttribute(k, String(v));
    lab.textContent = new Date(w.start + WEEK).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    svg.append(rect, num, lab);
  });
  return h('figure', { className: 'chart', id: 'chart' }, h('figcaption', { className: 'muted' }, t('chartTitle')), svg);
}

async function act(msg) {
  const res = await send(msg);
  if (!res || res.type !== 'worker:ok') {
    lockPage(t('lockedAgain'));
    return;
  }
  if (await refresh()) renderMain();
}

// ---- export -------------------------------------------------------------------------------

function reportRows() {
  return state.data.alerts.slice().sort((a, b) => b.time - a.time).map((a) => ({
    time: new Date(a.time).toISOString(),
    site: SITE_LABELS[a.site] || a.site,
    contact: a.contact || '',
    level: a.level,
    stage: a.stage,
    reasons: (a.reasons || []).map(reasonText).filter(Boolean),
    trustedContact: !!a.trusted,
    fromHistory: !!a.fromHistory,
    reviewed: !!a.reviewed,
    excerpts: state.excerpts.get(a.id) || undefined,
  }));
}

/** The printable report, built as a DOM and serialised (text is escaped by the serialiser). */
function reportHtml(rows) {
  const doc = document.implementation.createHTMLDocument(t('reportTitle'));
  const el = (tag, text) => {
    const e = doc.createElement(tag);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const meta = doc.createElement('meta');
  meta.setAttribute('charset', 'utf-8');
  doc.head.prepend(meta);
  const style = el('style', 'body{font:14px/1.5 system-ui,sans-serif;margin:24px;color:#1f2933}table{border-collapse:collapse;width:100%}td,th{border:1px solid #bcccdc;padding:4px 6px;vertical-align:top;text-align:left}blockquote{margin:2px 0;padding-left:8px;border-left:3px solid #bcccdc;white-space:pre-wrap}@media print{body{margin:0}}');
  doc.head.append(style);
  doc.body.append(el('h1', t('reportTitle')), el('p', t('reportGenerated', [new Date().toLocaleString()])), el('p', t('reportIntro')));
  const table = el('table');
  const head = el('tr');
  for (const k of ['reportTime', 'reportSite', 'reportContact', 'reportLevel', 'reportStage', 'reportReasons', 'excerptsTitle']) head.append(el('th', t(k)));
  table.append(head);
  for (const r of rows) {
    const tr = el('tr');
    tr.append(el('td', r.time), el('td', r.site), el('td', r.contact), el('td', r.level), el('td', stageWord(r.stage)));
    const reasons = el('td');
    const ul = el('ul');
    for (const x of r.reasons) ul.append(el('li', x));
    reasons.append(ul);
    if (r.trustedContact) reasons.append(el('p', t('trustedNote')));
    const ex = el('td');
    for (const x of r.excerpts || []) ex.append(el('blockquote', `${x.role === 'child' ? t('roleChild') : t('roleContact')}: ${x.text}`));
    tr.append(reasons, ex);
    table.append(tr);
  }
  doc.body.append(table, el('p', t('guideReport')));
  return `<!doctype html>\n${new XMLSerializer().serializeToString(doc.documentElement)}`;
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function exportReport(kind) {
  const rows = reportRows();
  const day = new Date().toISOString().slice(0, 10);
  if (kind === 'json') {
    const json = { generated: new Date().toISOString(), extension: `SafeDM ${chrome.runtime.getManifest().version}`, alerts: rows, tamper: state.data.tamper };
    download(`safedm-report-${day}.json`, 'application/json', JSON.stringify(json, null, 2));
  } else download(`safedm-report-${day}.html`, 'text/html', reportHtml(rows));
}

// ---- settings and trusted contacts --------------------------------------------------------

function renderSettings() {
  const { managedKeys } = state.data;
  // Fields forced by policy show the forced value (greyed); the rest the parent's own.
  const settings = { ...state.data.settings };
  for (const k of managedKeys) settings[k] = state.data.effective[k];
  const msg = h('p', { role: 'status', id: 'settings-msg' });
  const form = h('form', { id: 'settings-form' },
    settingsFields(settings, managedKeys),
    h('fieldset', {}, h('legend', {}, t('fieldParentDevice')),
      h('label', { className: 'choice' }, h('input', { type: 'checkbox', name: 'notifyOnThisDevice', checked: settings.notifyOnThisDevice, disabled: managedKeys.includes('notifyOnThisDevice') }), ' ', t('notifyLabel')),
      h('label', { className: 'choice' }, t('lockMinutesLabel'), ' ',
        h('select', { name: 'lockMinutes' }, [1, 2, 5, 10, 15, 30].map((m) => h('option', { value: String(m) }, t('minutes', [m])))))),
    h('button', { type: 'submit', className: 'primary', id: 'settings-save' }, t('save')), msg);
  form.querySelector('select[name=lockMinutes]').value = String(settings.lockMinutes);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = readFields(form, settings);
    for (const k of managedKeys) out[k] = state.data.settings[k]; // the parent's own value is kept under the policy
    const res = await send({ type: 'options:save-settings', settings: out });
    if (!res || res.type !== 'worker:ok') return lockPage(t('lockedAgain'));
    await refresh();
    renderMain();
    notice(res.repaired && res.repaired.length ? t('savedRepaired', [res.repaired.join(', ')]) : t('saved'));
  });
  return h('section', { id: 'settings', 'aria-labelledby': 'settings-h' }, h('h2', { id: 'settings-h' }, t('tabSettings')), form);
}

function renderTrusted() {
  const { settings } = state.data;
  const save = async (trusted) => {
    const res = await send({ type: 'options:save-settings', settings: { ...settings, trusted } });
    if (!res || res.type !== 'worker:ok') return lockPage(t('lockedAgain'));
    await refresh();
    renderMain();
  };
  const section = h('section', { id: 'trusted', 'aria-labelledby': 'trusted-h' }, h('h2', { id: 'trusted-h' }, t('tabTrusted')), h('p', {}, t('trustedIntro')));
  for (const s of SITES) {
    const names = settings.trusted[s] || [];
    const input = h('input', { type: 'text', maxlength: NAME_MAX, id: `trusted-input-${s}`, 'aria-label': t('trustedAddLabel', [SITE_LABELS[s]]), placeholder: t('trustedPlaceholder') });
    const form = h('form', { className: 'toolbar' }, input, h('button', { type: 'submit', id: `trusted-add-${s}`, disabled: names.length >= TRUSTED_MAX }, t('trustedAdd')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = input.value.trim();
      if (v) save({ ...settings.trusted, [s]: [...names, v] });
    });
    section.append(h('fieldset', { className: 'trusted-site', dataset: { site: s } }, h('legend', {}, SITE_LABELS[s]),
      names.length ? h('ul', {}, names.map((n, i) => h('li', {}, h('span', { className: 'name' }, n), ' ',
        h('button', { type: 'button', onclick: () => save({ ...settings.trusted, [s]: names.filter((_, j) => j !== i) }) }, t('remove'))))) : h('p', { className: 'muted' }, t('trustedNone')),
      form));
  }
  return section;
}

// ---- start --------------------------------------------------------------------------------

$('lock-now').addEventListener('click', async () => {
  await send({ type: 'options:lock' });
  lockPage(t('lockedNow'));
});

async function start() {
  localize();
  state.unlocked = false;
  const st = await send({ type: 'options:state' });
  if (!st || st.type !== 'worker:state') {
    notice(t('workerDown'));
    return;
  }
  if (!st.hasPin) {
    renderSetup(validateSettings(undefined).settings);
  } else renderLock(st);
}

start();
