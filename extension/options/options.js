// @ts-check
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
  SITES, SITE_LABELS, AGE_BANDS, SENSITIVITIES, AUDIENCES, REGIONS, TRUSTED_MAX, NAME_MAX, REPORT_LINKS,
  validateSettings, regionOf,
} from '../common/settings.js';
import { openEvidenceKey, unseal, validPin } from '../common/crypto.js';
import '../common/protocol.js';

const { MSG, ERROR } = SafeDMProtocol;

const $ = (id) => document.getElementById(id);
/** A request to the worker (common/protocol.js); its reply, or undefined. @param {WorkerRequest} msg @returns {Promise<any>} */
const send = (msg) => chrome.runtime.sendMessage(msg);

const state = {
  unlocked: false,
  data: null, // {settings, effective, managedKeys, alerts, tamper}
  evidenceKey: null, // the private evidence key, in this page's memory while unlocked
  excerpts: new Map(), // alert id -> [{role, text}] opened with evidenceKey
  filter: { site: 'all', level: 'all' },
  tab: 'alerts',
  confirmDeleteAll: false,
  confirmDelete: '', // the card whose delete waits for a yes
};

function notice(text) {
  $('notice').textContent = text || '';
}

function show(view) {
  for (const v of ['setup', 'recovery', 'lock', 'main']) {
    $(`view-${v}`).hidden = v !== view;
    if (v !== view) $(`view-${v}`).replaceChildren(); // nothing of a hidden view stays in the page
  }
  $('session').hidden = view !== 'main';
}

// ---- shared form fields (setup and settings) ----------------------------------------------

const LEVEL_WORD = { watch: () => t('levelWatch'), warn: () => t('levelWarn'), alert: () => t('levelAlert') };
const levelWord = (l) => (LEVEL_WORD[l] || (() => String(l)))();
/** A reason in the page's language (by its category), else the engine's English sentence. */
const reasonText = (r) => (/^[a-z_]{1,40}$/.test(String(r.category)) && chrome.i18n.getMessage(`reason_${r.category}`)) ||
  r.parent || stageWord(r.stage);
const stageWord = (s) => (s && s !== 'none' && /^[a-z_]{1,40}$/.test(String(s)) && chrome.i18n.getMessage(`stage_${s}`)) || t('stage_none');
const UI_LANG = chrome.i18n.getUILanguage ? chrome.i18n.getUILanguage() : 'en';
/** A local date and time with its time zone, in the page's language. */
const when = (ms) => new Date(ms).toLocaleString(UI_LANG, { dateStyle: 'medium', timeStyle: 'long' });
/** The same as an ISO 8601 local time with its UTC offset (2026-12-03T10:02:03+01:00). */
function isoLocal(ms) {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const pad = (n, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${off >= 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
}
const countryOf = (settings) => (settings.region && settings.region !== 'auto' ? settings.region : regionOf(navigator.languages));

/** The settings fieldsets; `values` fills them, fields in `managed` are locked by policy. */
function settingsFields(values, managed = []) {
  const locked = (key) => managed.includes(key);
  const policyNote = (key) => (locked(key) ? h('p', { className: 'muted' }, t('setByPolicy')) : null);
  const radios = (name, options, labelOf, hintOf) => options.map((o) => h('label', { className: 'choice' },
    h('input', { type: 'radio', name, value: o, checked: values[name] === o, disabled: locked(name) }),
    ' ', labelOf(o), hintOf ? h('span', { className: 'hint', id: `hint-${name}-${o}` }, hintOf(o)) : null));
  const country = h('select', { name: 'region', id: 'field-region', disabled: locked('region') },
    REGIONS.map((r) => h('option', { value: r }, t(`country_${r}`))));
  country.value = countryOf(values);
  return [
    h('fieldset', {}, h('legend', {}, t('fieldAge')), policyNote('ageBand'),
      radios('ageBand', AGE_BANDS, (b) => t(`age_${b.replace('-', '_')}`))),
    h('fieldset', { id: 'field-audience' }, h('legend', {}, t('fieldAudience')), policyNote('audience'),
      radios('audience', AUDIENCES, (a) => t(`audience_${a}`), (a) => t(`audience_${a}_hint`)),
      h('label', { className: 'choice' },
        h('input', { type: 'checkbox', name: 'notifyOnThisDevice', checked: values.notifyOnThisDevice, disabled: locked('notifyOnThisDevice') }),
        ' ', t('notifyLabel'), h('span', { className: 'hint' }, t('notifyHint')))),
    h('fieldset', {}, h('legend', {}, t('fieldCountry')), policyNote('region'),
      h('label', { className: 'choice' }, t('countryLabel'), ' ', country),
      h('p', { className: 'muted' }, t('countryHint'))),
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
  const region = form.querySelector('select[name="region"]');
  if (region && !region.disabled) out.region = region.value;
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
    const res = await send({ type: MSG.OPTIONS_SETUP, pin, settings: readFields(form, defaults) });
    if (!res || res.type !== MSG.WORKER_OK) {
      form.querySelector('button[type=submit]').disabled = false;
      return void (error.textContent = t('setupFailed'));
    }
    history.replaceState(null, '', '#alerts');
    renderRecovery(res.recoveryCode, async () => {
      await afterUnlock(pin);
      notice(t('setupDone'));
    });
  });
  root.append(h('h2', { id: 'setup-h' }, t('setupTitle')), h('p', {}, t('setupIntro')), form);
  show('setup');
  form.pin.focus();
}

// ---- the recovery code (shown once) --------------------------------------------------------

/** Shows a new recovery code once, with print and save; `done` when the parent says it is kept. */
function renderRecovery(code, done) {
  const root = $('view-recovery');
  const kept = h('input', { type: 'checkbox', id: 'recovery-kept' });
  const go = h('button', { type: 'button', className: 'primary', id: 'recovery-continue', disabled: true, onclick: () => {
    root.replaceChildren(); // the code leaves the page
    done();
  } }, t('recoveryContinue'));
  kept.addEventListener('change', () => { go.disabled = !kept.checked; });
  root.replaceChildren(
    h('h2', { id: 'recovery-h' }, t('recoveryTitle')),
    h('p', {}, t('recoveryIntro')),
    h('p', { className: 'recovery-code', id: 'recovery-code' }, code),
    h('p', { className: 'muted' }, t('recoveryWhere')),
    h('div', { className: 'toolbar' },
      h('button', { type: 'button', id: 'recovery-print', onclick: () => window.print() }, t('recoveryPrint')),
      h('button', { type: 'button', id: 'recovery-save', onclick: () => download('safedm-recovery-code.txt', 'text/plain', `${t('recoveryFileText')}\n\n${code}\n`) }, t('recoverySave'))),
    h('p', {}, h('label', { className: 'choice' }, kept, ' ', t('recoveryKept'))),
    go);
  show('recovery');
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
    const res = await send({ type: MSG.OPTIONS_UNLOCK, pin });
    if (res && res.type === MSG.WORKER_OK) {
      clearInterval(waitTimer);
      await afterUnlock(pin, res.evidence);
    } else if (res && res.type === MSG.WORKER_LOCKED) {
      countdown(res.retryIn, !!res.wrong);
    } else {
      msg.className = 'error';
      msg.textContent = t('pinWrongTryAgain');
    }
  });
  // A forgotten PIN: the recovery code sets a new one (nothing is deleted; the alert centre
  // records it). Offered after the PIN field, never instead of it; there is no wipe here.
  const codeInput = h('input', { type: 'text', id: 'recover-code', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'recover-help' });
  const new1 = h('input', { type: 'password', id: 'recover-pin', inputmode: 'numeric', autocomplete: 'new-password', maxlength: 12 });
  const new2 = h('input', { type: 'password', id: 'recover-pin2', inputmode: 'numeric', autocomplete: 'new-password', maxlength: 12 });
  const recoverMsg = h('p', { role: 'status', id: 'recover-msg' });
  const recoverForm = h('form', { id: 'recover-form' },
    h('label', { className: 'choice' }, t('recoverCodeLabel'), ' ', codeInput),
    h('label', { className: 'choice' }, t('pinNew'), ' ', new1),
    h('label', { className: 'choice' }, t('pinConfirm'), ' ', new2),
    h('button', { type: 'submit', id: 'recover-go' }, t('recoverGo')), recoverMsg);
  recoverForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!validPin(new1.value)) return void (recoverMsg.textContent = t('pinTooShort'));
    if (new1.value !== new2.value) return void (recoverMsg.textContent = t('pinMismatch'));
    const pin = new1.value;
    const res = await send({ type: MSG.OPTIONS_RECOVER, code: codeInput.value, pin });
    if (res && res.type === MSG.WORKER_OK) {
      clearInterval(waitTimer);
      renderRecovery(res.recoveryCode, async () => {
        await afterUnlock(pin, res.evidence);
        notice(t('recoverDone'));
      });
    } else if (res && res.type === MSG.WORKER_LOCKED) {
      recoverMsg.textContent = `${t('recoverWrong')} ${t('pinWait', [Math.ceil(res.retryIn / 1000)])}`;
    } else recoverMsg.textContent = res && res.error === ERROR.NO_RECOVERY ? t('forgotNoCode') : t('recoverWrong');
  });
  const reset = h('details', { id: 'forgot' },
    h('summary', {}, t('forgotPin')),
    h('p', { id: 'recover-help' }, st && st.hasRecovery === false ? t('forgotNoCode') : t('forgotExplain')),
    st && st.hasRecovery === false ? null : recoverForm);
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
    const st = await send({ type: MSG.OPTIONS_UNLOCK, pin });
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
  /** @type {Record<string, any>} */
  const got = await chrome.storage.session.get('unlock');
  const u = got.unlock;
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
  const res = await send({ type: MSG.OPTIONS_DATA });
  if (!res || res.type !== MSG.WORKER_DATA) {
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
  return t(`tamper_${String(ev.kind).replace(/-/g, '_')}`, [when(ev.time)]);
}

/** A health note (storage): old conversations forgotten, or a write that failed. */
function healthText(n) {
  const when = new Date(n.time).toLocaleString();
  if (n.kind === 'forgotten') return t('health_forgotten', [when, String(n.count || 0), new Date(n.newest || n.time).toLocaleDateString()]);
  if (n.kind === 'excerpts-removed') return t('health_excerpts_removed', [when, String(n.count || 0), new Date(n.newest || n.time).toLocaleDateString()]);
  return t('health_write_failed', [when, String(n.error || '')]);
}

/**
 * The alert log grouped into conversations (one card each): the entries of one site and
 * conversation id, oldest first, with what the card shows worked out once.
 */
function conversations(alerts) {
  const by = new Map();
  for (const a of alerts) {
    const key = `${a.site}\n${a.conversation}`;
    if (!by.has(key)) by.set(key, []);
    by.get(key).push(a);
  }
  const RANK = { watch: 1, warn: 2, alert: 3 };
  return [...by.entries()].map(([key, list]) => {
    list.sort((x, y) => x.time - y.time);
    const last = list[list.length - 1];
    const top = list.reduce((m, e) => ((RANK[e.level] || 0) > (RANK[m.level] || 0) ? e : m), list[0]);
    // When the conversation first reached each level: the worker's own record (watch included),
    // else the first entry at that level.
    const since = {};
    for (const e of list) {
      for (const [l, at] of Object.entries(e.since || {})) if (RANK[l] && Number.isFinite(at) && (!since[l] || at < since[l])) since[l] = at;
      if (RANK[e.level] && (!since[e.level] || e.time < since[e.level])) since[e.level] = e.time;
    }
    const reasons = [];
    for (const e of list) for (const r of e.reasons || []) if (!reasons.some((x) => x.category === r.category)) reasons.push(r);
    const actions = list.flatMap((e) => (Array.isArray(e.childActions) ? e.childActions
      : e.childResponse ? [{ time: e.time, action: e.childResponse }] : []));
    actions.sort((x, y) => x.time - y.time);
    const excerpts = new Map();
    // The lines sealed with each entry, once each; a line behind any entry's reasons stays marked.
    for (const e of list) {
      for (const x of state.excerpts.get(e.id) || []) {
        const k = x.id || `${x.time}-${x.text}`;
        const prev = excerpts.get(k);
        excerpts.set(k, prev ? { ...x, flagged: !!(prev.flagged || x.flagged) } : x);
      }
    }
    return {
      key, site: last.site, conversation: last.conversation, contact: [...list].reverse().map((e) => e.contact).find(Boolean) || '',
      entries: list, ids: list.map(entryId), first: list[0].time, last: last.time, level: top.level, stage: last.stage,
      since, reasons, actions,
      excerpts: [...excerpts.values()].sort((x, y) => (x.time || 0) - (y.time || 0)),
      sealed: list.some((e) => e.sealed), removed: excerptsRemoved(list), trusted: list.some((e) => e.trusted), fromHistory: list.every((e) => e.fromHistory),
      reviewed: list.every((e) => e.reviewed),
      sextortion: list.some((e) => e.kind === 'sextortion'),
    };
  // Sextortion not yet reviewed first: the most urgent kind, where the first hour matters.
  }).sort((x, y) => (urgent(y) - urgent(x)) || (y.last - x.last));
}

/** Entries whose sealed excerpts were removed to make room: {count, time (the latest)} or null. */
function excerptsRemoved(list) {
  const times = list.filter((e) => e.excerptRemoved).map((e) => Number(e.excerptRemoved.time) || e.time);
  return times.length ? { count: times.length, time: Math.max(...times) } : null;
}

const urgent = (c) => (c.sextortion && !c.reviewed ? 1 : 0);

function renderAlerts() {
  const { alerts, tamper } = state.data;
  const health = Array.isArray(state.data.health) ? state.data.health : [];
  const section = h('section', { id: 'alerts', 'aria-labelledby': 'alerts-h' }, h('h2', { id: 'alerts-h' }, t('alertsTitle')));
  const open = tamper.filter((e) => !e.reviewed);
  if (open.length) {
    section.append(h('div', { className: 'tamper', id: 'tamper', role: 'alert' },
      h('strong', {}, t('tamperTitle')),
      h('ul', {}, open.slice().reverse().map((e) => h('li', { dataset: { kind: e.kind } }, tamperText(e)))),
      h('p', {}, t('tamperExplain')),
      h('button', {
        type: 'button', id: 'tamper-seen',
        onclick: () => act({ type: MSG.OPTIONS_ALERTS, log: 'tamper', op: 'review', ids: open.map(entryId) }),
      }, t('tamperSeen'))));
  }
  const notes = health.filter((n) => !n.reviewed);
  if (notes.length) {
    section.append(h('div', { className: 'health', id: 'health', role: 'status' },
      h('strong', {}, t('healthTitle')),
      h('ul', {}, notes.slice().reverse().map((n) => h('li', { dataset: { kind: n.kind } }, healthText(n)))),
      h('p', {}, t('healthExplain')),
      h('button', {
        type: 'button', id: 'health-seen',
        onclick: () => act({ type: MSG.OPTIONS_ALERTS, log: 'health', op: 'review', ids: notes.map(entryId) }),
      }, t('tamperSeen'))));
  }
  section.append(h('div', { className: 'levels', id: 'levels-explain' },
    h('p', {}, h('strong', {}, t('levelWarn')), ' ', t('levelWarnExplain')),
    h('p', {}, h('strong', {}, t('levelAlert')), ' ', t('levelAlertExplain'))));
  const convs = conversations(alerts);
  section.append(chart(convs));
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
        h('button', { type: 'button', className: 'danger', id: 'delete-all-yes', onclick: () => { state.confirmDeleteAll = false; act({ type: MSG.OPTIONS_ALERTS, op: 'delete-all' }); } }, t('deleteAllYes')), ' ',
        h('button', { type: 'button', onclick: () => { state.confirmDeleteAll = false; renderMain(); } }, t('cancel')))
      : h('button', { type: 'button', className: 'danger', id: 'delete-all', disabled: !alerts.length, onclick: () => { state.confirmDeleteAll = true; renderMain(); } }, t('deleteAll')));
  section.append(toolbar);
  const shown = convs.filter((c) => (state.filter.site === 'all' || c.site === state.filter.site) &&
    (state.filter.level === 'all' || c.entries.some((e) => e.level === state.filter.level)));
  if (!shown.length) section.append(h('p', { id: 'no-alerts' }, alerts.length ? t('noAlertsFiltered') : t('noAlerts')));
  section.append(h('div', { id: 'alert-list' }, shown.map(alertCard)));
  return section;
}

const ROLE_WORD = (role) => (role === 'child' ? t('roleChild') : t('roleContact'));
const actionText = (a) => (/^[a-z]{1,10}$/.test(String(a.action)) && chrome.i18n.getMessage(`childAct_${a.action}`)) || String(a.action);

function alertCard(c) {
  const siteLabel = SITE_LABELS[c.site] || c.site;
  const trustedNow = (state.data.settings.trusted[c.site] || []).some((x) => x.id === c.conversation);
  const confirming = state.confirmDelete === c.key;
  const headingId = `card-${c.ids[0]}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return h('article', { className: `alert-item level-${c.level}${c.reviewed ? ' reviewed' : ''}${c.sextortion ? ' sextortion' : ''}`, dataset: { id: c.ids[c.ids.length - 1], ids: c.ids.join(' '), site: c.site, conversation: c.conversation, kind: c.sextortion ? 'sextortion' : 'grooming' }, 'aria-labelledby': headingId },
    h('h3', { id: headingId },
      c.sextortion ? h('span', { className: 'badge urgent' }, t('sextBadge')) : null,
      h('span', { className: `badge ${c.level}` }, levelWord(c.level)),
      c.reviewed ? h('span', { className: 'badge reviewed' }, t('reviewed')) : null,
      h('span', { className: 'contact' }, c.contact ? t('alertWith', [c.contact, siteLabel]) : t('alertOn', [siteLabel]))),
    h('p', { className: 'meta' }, t('conversationId', [c.conversation])),
    h('ol', { className: 'timeline', 'aria-label': t('timelineLabel') },
      ['watch', 'warn', 'alert'].filter((l) => c.since[l]).map((l) => h('li', { dataset: { level: l } },
        h('strong', {}, levelWord(l)), ' ', h('time', { datetime: isoLocal(c.since[l]) }, when(c.since[l]))))),
    h('p', { className: 'meta' }, t('stageIs', [stageWord(c.stage)])),
    c.trusted ? h('p', { className: 'note' }, t('trustedNote')) : null,
    c.fromHistory ? h('p', { className: 'note' }, t('historyNote')) : null,
    h('p', { className: 'subhead' }, t('reasonsTitle')),
    h('ul', { className: 'reasons' }, c.reasons.map((r) => h('li', {}, reasonText(r)))),
    c.actions.length ? h('div', { className: 'child-actions' }, h('p', { className: 'subhead' }, t('childActionsTitle')),
      h('ul', {}, c.actions.map((a) => h('li', { dataset: { action: a.action } }, h('time', { datetime: isoLocal(a.time) }, when(a.time)), ': ', actionText(a))))) : null,
    c.excerpts.length ? h('div', { className: 'excerpts' }, h('p', { className: 'subhead' }, t('excerptsTitle')),
      c.excerpts.map((x) => h('blockquote', { className: x.role === 'child' ? 'child' : 'contact' },
        x.time ? `${when(x.time)} · ` : '', `${ROLE_WORD(x.role)}: ${x.text}`))) : null,
    c.sealed && !c.excerpts.length ? h('p', { className: 'muted' }, t('excerptsClosed')) : null,
    c.removed ? h('p', { className: 'note excerpts-removed' }, t('excerptsRemoved', [String(c.removed.count), when(c.removed.time)])) : null,
    c.sextortion ? firstHour() : null,
    guidance(),
    h('div', { className: 'toolbar' },
      c.reviewed ? null : h('button', { type: 'button', className: 'review', onclick: () => act({ type: MSG.OPTIONS_ALERTS, op: 'review', ids: c.ids }) }, t('markReviewed')),
      trustedNow ? null : h('button', { type: 'button', className: 'trust', onclick: () => trust(c.site, c.conversation, c.contact) }, t('trustThis')),
      confirming
        ? h('span', { className: 'confirm', role: 'group', 'aria-label': t('deleteSure') }, t('deleteSure'), ' ',
          h('button', { type: 'button', className: 'danger delete-yes', onclick: () => { state.confirmDelete = ''; act({ type: MSG.OPTIONS_ALERTS, op: 'delete', ids: c.ids }); } }, t('deleteYes')), ' ',
          h('button', { type: 'button', className: 'delete-no', onclick: () => { state.confirmDelete = ''; renderMain(); } }, t('cancel')))
        : h('button', { type: 'button', className: 'delete danger', onclick: () => { state.confirmDelete = c.key; renderMain(); } }, t('delete'))));
}

/** Where to report, for the family's country (the setting; else the browser's). */
function reportLinks() {
  const country = countryOf(state.data.effective || state.data.settings);
  return { country, links: REPORT_LINKS[country] || REPORT_LINKS.other };
}

/** Sextortion: what to do in the first hour, open on the card, with the country's links. */
function firstHour() {
  const { country, links } = reportLinks();
  return h('section', { className: 'first-hour', 'aria-label': t('sextFirstHourTitle') },
    h('p', { className: 'subhead' }, t('sextFirstHourTitle')),
    h('ol', {}, ['calm', 'noPay', 'keep', 'report', 'takeDown', 'block'].map((k) => h('li', {}, t(`sextFirstHour_${k}`)))),
    h('ul', { dataset: { country } },
      h('li', {}, h('a', { href: 'https://takeitdown.ncmec.org/', target: '_blank', rel: 'noopener noreferrer' }, 'Take It Down (NCMEC)')),
      country === 'GB' ? h('li', {}, h('a', { href: 'https://www.childline.org.uk/report-remove/', target: '_blank', rel: 'noopener noreferrer' }, 'Report Remove (Childline, IWF)')) : null,
      links.map(([name, href]) => h('li', {}, h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, name))),
      h('li', {}, t(`police_${country}`))));
}

function guidance() {
  const { country, links } = reportLinks();
  return h('details', { className: 'guide' },
    h('summary', {}, t('guideTitle')),
    h('p', {}, h('strong', {}, t('guideTalkTitle')), ' ', t('guideTalk')),
    h('p', {}, h('strong', {}, t('guideReportTitle')), ' ', t('guideReport')),
    h('ul', { dataset: { country } }, links.map(([name, href]) => h('li', {}, h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, name))),
      h('li', {}, t(`police_${country}`))));
}

/** Conversations with an alert or warning per week, the last 8 weeks, as a small SVG bar chart. */
/** Sets each attribute, in order, as a string. @param {Element} el @param {Record<string, string | number>} attrs */
function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
}

function chart(convs) {
  const WEEK = 7 * 86400000;
  const now = Date.now();
  const weeks = Array.from({ length: 8 }, (_, i) => ({ start: now - (8 - i) * WEEK, n: new Set() }));
  for (const c of convs) {
    for (const a of c.entries) {
      const i = 7 - Math.floor((now - a.time) / WEEK);
      if (i >= 0 && i < 8) weeks[i].n.add(c.key);
    }
  }
  const counts = weeks.map((w) => w.n.size);
  const max = Math.max(1, ...counts);
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  const W = 420; const H = 110;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(H));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('chartLabel', [counts.join(', ')]));
  weeks.forEach((w, i) => {
    const bh = Math.round((counts[i] / max) * 62);
    const x = 10 + i * 51;
    const rect = document.createElementNS(NS, 'rect');
    setAttrs(rect, { x, y: 80 - bh, width: 36, height: Math.max(bh, 1), fill: '#1d3f72' });
    const num = document.createElementNS(NS, 'text');
    setAttrs(num, { x: x + 18, y: 76 - bh, 'text-anchor': 'middle', 'font-size': '11' });
    num.textContent = String(counts[i]);
    const lab = document.createElementNS(NS, 'text');
    setAttrs(lab, { x: x + 18, y: 96, 'text-anchor': 'middle', 'font-size': '10', fill: '#52606d' });
    lab.textContent = new Date(w.start + WEEK).toLocaleDateString(UI_LANG, { day: 'numeric', month: 'short' });
    svg.append(rect, num, lab);
  });
  return h('figure', { className: 'chart', id: 'chart' }, h('figcaption', {}, t('chartTitle')), svg);
}

async function act(msg) {
  const res = await send(msg);
  if (!res || res.type !== MSG.WORKER_OK) {
    lockPage(t('lockedAgain'));
    return;
  }
  if (await refresh()) renderMain();
}

/** Trusts a conversation by its id (the name is a label only). */
async function trust(site, conversation, label) {
  const settings = state.data.settings;
  const list = settings.trusted[site] || [];
  if (list.some((x) => x.id === conversation) || list.length >= TRUSTED_MAX) return;
  const res = await send({ type: MSG.OPTIONS_SAVE_SETTINGS, settings: { ...settings, trusted: { ...settings.trusted, [site]: [...list, { id: conversation, label: String(label || '').slice(0, NAME_MAX) }] } } });
  if (!res || res.type !== MSG.WORKER_OK) return lockPage(t('lockedAgain'));
  await refresh();
  renderMain();
  notice(t('trustedAdded', [label || conversation]));
}

// ---- export -------------------------------------------------------------------------------

/** The report's content, one object: what both the HTML page and the JSON file hold. */
function reportData() {
  const { country, links } = reportLinks();
  const now = Date.now();
  const convs = conversations(state.data.alerts);
  return {
    generated: isoLocal(now),
    generatedUtc: new Date(now).toISOString(),
    timeZone: state.data.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || '',
    language: UI_LANG,
    country,
    extension: `SafeDM ${chrome.runtime.getManifest().version}`,
    evidenceKept: !!state.data.settings.evidence,
    conversations: convs.map((c) => ({
      site: c.site,
      siteName: SITE_LABELS[c.site] || c.site,
      contact: c.contact,
      conversationId: c.conversation,
      highestLevel: c.level,
      highestLevelText: levelWord(c.level),
      first: isoLocal(c.first),
      last: isoLocal(c.last),
      escalation: ['watch', 'warn', 'alert'].filter((l) => c.since[l]).map((l) => ({ level: l, levelText: levelWord(l), since: isoLocal(c.since[l]) })),
      reasons: c.reasons.map((r) => ({ category: String(r.category), text: reasonText(r) })),
      alerts: c.entries.map((e) => ({
        time: isoLocal(e.time), level: e.level, levelText: levelWord(e.level), stage: stageWord(e.stage),
        reasons: (e.reasons || []).map(reasonText).filter(Boolean), trustedContact: !!e.trusted, fromHistory: !!e.fromHistory,
        reviewed: !!e.reviewed, ...(e.kind ? { kind: e.kind } : {}),
        ...(e.excerptRemoved ? { excerptRemoved: isoLocal(Number(e.excerptRemoved.time) || e.time), excerptRemovedText: t('reportExcerptRemoved', [when(Number(e.excerptRemoved.time) || e.time)]) } : {}),
      })),
      childActions: c.actions.map((a) => ({ time: isoLocal(a.time), action: a.action, text: actionText(a) })),
      lines: c.excerpts.map((x) => ({ time: x.time ? isoLocal(x.time) : null, from: x.role === 'child' ? 'child' : 'contact', fromText: ROLE_WORD(x.role), text: x.text, flagged: !!x.flagged })),
      linesSealed: c.sealed && !c.excerpts.length,
      ...(c.removed ? { linesRemoved: { count: c.removed.count, latest: isoLocal(c.removed.time), text: t('excerptsRemoved', [String(c.removed.count), when(c.removed.time)]) } } : {}),
    })),
    tamper: state.data.tamper.map((e) => ({ time: isoLocal(e.time), kind: e.kind, text: tamperText(e) })),
    reportTo: links.map(([name, url]) => ({ name, url })),
    police: t(`police_${country}`),
  };
}

/** The printable report, built as a DOM and serialised (text is escaped by the serialiser). */
function reportHtml(r) {
  const doc = document.implementation.createHTMLDocument(t('reportTitle'));
  doc.documentElement.setAttribute('lang', UI_LANG);
  const el = (tag, text, attrs = {}) => {
    const e = doc.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  const meta = doc.createElement('meta');
  meta.setAttribute('charset', 'utf-8');
  doc.head.prepend(meta);
  doc.head.append(el('style', 'body{font:14px/1.5 system-ui,sans-serif;margin:24px;color:#1f2933}h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-top:2px solid #1d3f72;padding-top:10px}h3{font-size:15px;margin:14px 0 4px}table{border-collapse:collapse;width:100%}td,th{border:1px solid #9aa5b1;padding:4px 6px;vertical-align:top;text-align:left}th{background:#eef2f7}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{font-weight:600}dd{margin:0}tr.child td{background:#f5f7fa}.flag{font-weight:700}a{color:#1d4ed8}@media print{body{margin:0}h2{break-before:auto}tr{break-inside:avoid}}'));
  const main = el('main');
  main.append(el('h1', t('reportTitle')),
    el('p', `${t('reportGenerated', [when(Date.now())])} (${r.extension})`),
    el('p', t('reportZone', [r.timeZone || '?', r.generated.slice(-6)])),
    el('p', t('reportIntro')));
  const dl = (pairs) => {
    const d = el('dl');
    for (const [k, v] of pairs) d.append(el('dt', k), el('dd', v));
    return d;
  };
  for (const c of r.conversations) {
    const s = el('section', undefined, { 'aria-label': `${c.contact || c.conversationId} (${c.siteName})` });
    s.append(el('h2', c.contact ? t('alertWith', [c.contact, c.siteName]) : t('alertOn', [c.siteName])));
    s.append(dl([
      [t('reportSite'), c.siteName],
      [t('reportContact'), c.contact || '–'],
      [t('reportConversationId'), c.conversationId],
      [t('reportLevel'), c.highestLevelText],
      [t('reportEscalation'), c.escalation.map((x) => `${x.levelText}: ${when(Date.parse(x.since))}`).join(' → ')],
    ]));
    s.append(el('h3', t('reasonsTitle')));
    const ul = el('ul');
    for (const x of c.reasons) ul.append(el('li', x.text));
    s.append(ul);
    if (c.alerts.some((a) => a.trustedContact)) s.append(el('p', t('trustedNote')));
    if (c.childActions.length) {
      s.append(el('h3', t('childActionsTitle')));
      const ca = el('ul');
      for (const a of c.childActions) ca.append(el('li', `${when(Date.parse(a.time))}: ${a.text}`));
      s.append(ca);
    }
    s.append(el('h3', t('excerptsTitle')));
    if (c.lines.length) {
      const table = el('table');
      const head = el('tr');
      for (const k of ['reportTime', 'reportFrom', 'reportMessage']) head.append(el('th', t(k), { scope: 'col' }));
      table.append(head);
      for (const x of c.lines) {
        const tr = el('tr', undefined, { class: x.from });
        tr.append(el('td', x.time ? when(Date.parse(x.time)) : '–'), el('td', x.fromText), el('td', x.text, x.flagged ? { class: 'flag' } : {}));
        table.append(tr);
      }
      s.append(table, el('p', t('reportFlagged')));
    } else if (!c.linesRemoved || c.linesSealed) s.append(el('p', c.linesSealed ? t('excerptsClosed') : r.evidenceKept ? t('reportNoLines') : t('reportNoEvidence')));
    if (c.linesRemoved) s.append(el('p', c.linesRemoved.text, { class: 'removed' }));
    main.append(s);
  }
  if (!r.conversations.length) main.append(el('p', t('noAlerts')));
  const tamper = el('section', undefined, { 'aria-label': t('tamperTitle') });
  tamper.append(el('h2', t('tamperTitle')));
  if (r.tamper.length) {
    const ul = el('ul');
    for (const e of r.tamper) ul.append(el('li', e.text));
    tamper.append(ul);
  } else tamper.append(el('p', t('reportNoTamper')));
  main.append(tamper);
  const rep = el('section', undefined, { 'aria-label': t('guideReportTitle') });
  rep.append(el('h2', t('reportWhere', [t(`country_${r.country}`)])));
  const ul = el('ul');
  for (const l of r.reportTo) {
    const li = el('li');
    li.append(el('a', `${l.name} (${l.url})`, { href: l.url }));
    ul.append(li);
  }
  ul.append(el('li', r.police));
  rep.append(ul, el('p', t('guideReport')));
  main.append(rep);
  doc.body.append(main);
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
  const data = reportData();
  const day = data.generated.slice(0, 10);
  if (kind === 'json') download(`safedm-report-${day}.json`, 'application/json', JSON.stringify(data, null, 2));
  else download(`safedm-report-${day}.html`, 'text/html', reportHtml(data));
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
      h('label', { className: 'choice' }, t('lockMinutesLabel'), ' ',
        h('select', { name: 'lockMinutes' }, [1, 2, 5, 10, 15, 30].map((m) => h('option', { value: String(m) }, t('minutes', [m])))))),
    h('button', { type: 'submit', className: 'primary', id: 'settings-save' }, t('save')), msg);
  form.querySelector('select[name=lockMinutes]').value = String(settings.lockMinutes);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = readFields(form, settings);
    for (const k of managedKeys) out[k] = state.data.settings[k]; // the parent's own value is kept under the policy
    const res = await send({ type: MSG.OPTIONS_SAVE_SETTINGS, settings: out });
    if (!res || res.type !== MSG.WORKER_OK) return lockPage(t('lockedAgain'));
    await refresh();
    renderMain();
    notice(res.repaired && res.repaired.length ? t('savedRepaired', [res.repaired.join(', ')]) : t('saved'));
  });
  return h('section', { id: 'settings', 'aria-labelledby': 'settings-h' }, h('h2', { id: 'settings-h' }, t('tabSettings')), form,
    changePinForm(), recoveryForm());
}

/** Change the PIN: the old one is asked again; the kept excerpts stay readable. */
function changePinForm() {
  const pin = (id, auto) => h('input', { type: 'password', id, inputmode: 'numeric', autocomplete: auto, maxlength: 12 });
  const old = pin('pin-old', 'current-password');
  const n1 = pin('pin-new', 'new-password');
  const n2 = pin('pin-new2', 'new-password');
  const msg = h('p', { role: 'status', id: 'pin-msg' });
  const form = h('form', { id: 'pin-form' },
    h('fieldset', {}, h('legend', {}, t('changePinTitle')),
      h('label', { className: 'choice' }, t('pinOld'), ' ', old),
      h('label', { className: 'choice' }, t('pinNew'), ' ', n1),
      h('label', { className: 'choice' }, t('pinConfirm'), ' ', n2),
      h('button', { type: 'submit', id: 'pin-change' }, t('changePinGo')), msg));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!validPin(n1.value)) return void (msg.textContent = t('pinTooShort'));
    if (n1.value !== n2.value) return void (msg.textContent = t('pinMismatch'));
    const res = await send({ type: MSG.OPTIONS_CHANGE_PIN, old: old.value, pin: n1.value });
    old.value = '';
    if (res && res.type === MSG.WORKER_OK) {
      if (res.evidence) state.evidenceKey = await openEvidenceKey(n1.value, res.evidence);
      n1.value = '';
      n2.value = '';
      msg.textContent = t('pinChanged');
    } else if (res && res.type === MSG.WORKER_LOCKED) {
      msg.textContent = `${t('pinWrong')} ${t('pinWait', [Math.ceil(res.retryIn / 1000)])}`;
    } else if (res && res.error === ERROR.LOCKED) lockPage(t('lockedAgain'));
    else msg.textContent = t('pinWrongTryAgain');
  });
  return form;
}

/** A new recovery code (the old one stops working), shown once; needs the PIN. */
function recoveryForm() {
  const pin = h('input', { type: 'password', id: 'recovery-pin', inputmode: 'numeric', autocomplete: 'current-password', maxlength: 12 });
  const msg = h('p', { role: 'status', id: 'recovery-msg' });
  const form = h('form', { id: 'recovery-form' },
    h('fieldset', {}, h('legend', {}, t('recoveryTitle')),
      h('p', {}, state.data.hasRecovery ? t('recoveryHave') : t('recoveryNone')),
      h('label', { className: 'choice' }, t('pinEnter'), ' ', pin),
      h('button', { type: 'submit', id: 'recovery-new' }, t('recoveryNew')), msg));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const res = await send({ type: MSG.OPTIONS_NEW_RECOVERY, pin: pin.value });
    pin.value = '';
    if (res && res.type === MSG.WORKER_OK) {
      renderRecovery(res.recoveryCode, async () => {
        await refresh();
        renderMain();
      });
    } else if (res && res.type === MSG.WORKER_LOCKED) {
      msg.textContent = `${t('pinWrong')} ${t('pinWait', [Math.ceil(res.retryIn / 1000)])}`;
    } else if (res && res.error === ERROR.LOCKED) lockPage(t('lockedAgain'));
    else msg.textContent = t('pinWrongTryAgain');
  });
  return form;
}

/**
 * Trusted contacts: conversations, by the id the site gives them (a stranger who takes a trusted
 * contact's name is not trusted), picked from the conversations SafeDM has seen.
 */
function renderTrusted() {
  const { settings } = state.data;
  const save = async (trusted) => {
    const res = await send({ type: MSG.OPTIONS_SAVE_SETTINGS, settings: { ...settings, trusted } });
    if (!res || res.type !== MSG.WORKER_OK) return lockPage(t('lockedAgain'));
    await refresh();
    renderMain();
  };
  const section = h('section', { id: 'trusted', 'aria-labelledby': 'trusted-h' }, h('h2', { id: 'trusted-h' }, t('tabTrusted')), h('p', {}, t('trustedIntro')));
  const all = SITES.flatMap((s) => (settings.trusted[s] || []).map((x) => ({ site: s, ...x })));
  section.append(h('h3', {}, t('trustedListTitle')), all.length
    ? h('ul', { id: 'trusted-list' }, all.map((x) => h('li', { dataset: { site: x.site, id: x.id } },
      h('span', { className: 'name' }, x.label || x.id), ' ', h('span', { className: 'muted' }, `${SITE_LABELS[x.site]} · ${t('conversationId', [x.id])}`), ' ',
      h('button', { type: 'button', className: 'untrust', onclick: () => save({ ...settings.trusted, [x.site]: settings.trusted[x.site].filter((y) => y.id !== x.id) }) }, t('remove')))))
    : h('p', { id: 'trusted-none' }, t('trustedNone')));
  const seen = h('div', { id: 'seen-list' }, h('p', {}, t('loading')));
  section.append(h('h3', {}, t('trustedSeenTitle')), h('p', {}, t('trustedSeenIntro')), seen);
  send({ type: MSG.OPTIONS_CONVERSATIONS }).then((res) => {
    if (!res || res.type !== MSG.WORKER_CONVERSATIONS) return;
    const list = res.list.filter((c) => !(settings.trusted[c.site] || []).some((x) => x.id === c.conversation));
    seen.replaceChildren(list.length ? h('ul', {}, list.map((c) => h('li', { dataset: { site: c.site, id: c.conversation } },
      h('span', { className: 'name' }, c.contact || '–'), ' ', h('span', { className: 'muted' }, `${SITE_LABELS[c.site] || c.site} · ${t('conversationId', [c.conversation])}`), ' ',
      h('button', { type: 'button', className: 'trust', onclick: () => trust(c.site, c.conversation, c.contact) }, t('trustThis')))))
      : h('p', {}, t('trustedSeenNone')));
  });
  return section;
}

// ---- start --------------------------------------------------------------------------------

$('lock-now').addEventListener('click', async () => {
  await send({ type: MSG.OPTIONS_LOCK });
  lockPage(t('lockedNow'));
});

async function start() {
  localize();
  state.unlocked = false;
  const st = await send({ type: MSG.OPTIONS_STATE });
  if (!st || st.type !== MSG.WORKER_STATE) {
    notice(t('workerDown'));
    return;
  }
  if (!st.hasPin) {
    renderSetup(validateSettings(undefined).settings);
  } else renderLock(st);
}

start();
