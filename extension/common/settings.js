// @ts-check
// The parent's settings: one DEFAULTS object and one validator that repairs each bad field to its
// default and reports what it repaired. The worker, the options page and the popup import from
// here. Stored in chrome.storage.local under SETTINGS_KEY, written only by the worker's queue.
// Holds no message text (a trusted contact is the conversation's stable id that the site's adapter
// reads, with the display name seen at the time as a label only).

export const SETTINGS_KEY = 'settings';

/** The sites SafeDM can watch (adapter names in content/sites/). */
export const SITES = Object.freeze([
  'discord', 'instagram', 'whatsapp', 'messenger', 'x', 'telegram', 'snapchat', 'reddit',
]);

/** The sites' names as people know them (proper names: not translated). */
export const SITE_LABELS = Object.freeze({
  discord: 'Discord', instagram: 'Instagram', whatsapp: 'WhatsApp', messenger: 'Messenger / Facebook',
  x: 'X', telegram: 'Telegram', snapchat: 'Snapchat', reddit: 'Reddit',
});

export const SENSITIVITIES = Object.freeze(['relaxed', 'balanced', 'strict']);

/** Who is told about a warn/alert: the child in the page, the parent, or both. */
export const AUDIENCES = Object.freeze(['child', 'parent', 'both']);

/** Countries with their own help lines in the child's alert (content/alert.js HELP), and 'other'. */
export const REGIONS = Object.freeze(['GB', 'US', 'DE', 'AT', 'ES', 'NL', 'other']);

/**
 * The country of a list of browser languages ('de-AT' -> AT, 'UK' taken for GB), first one with
 * its own help lines wins; else 'other'. Setup offers it as the default country.
 */
export function regionOf(languages) {
  for (const l of languages || []) {
    const country = (String(l).split(/[-_]/).slice(1).find((p) => /^[A-Za-z]{2}$/.test(p)) || '').toUpperCase();
    const r = country === 'UK' ? 'GB' : country;
    if (r && REGIONS.includes(r) && r !== 'other') return r;
  }
  return 'other';
}

/** Where a parent reports in each country (the alert centre and the report); names are proper names. */
export const REPORT_LINKS = Object.freeze({
  GB: [['CEOP (National Crime Agency)', 'https://www.ceop.police.uk/Safety-Centre/'], ['Internet Watch Foundation', 'https://report.iwf.org.uk/']],
  US: [['NCMEC CyberTipline', 'https://report.cybertip.org/'], ['FBI', 'https://tips.fbi.gov/']],
  DE: [['Onlinewache der Polizei', 'https://www.onlinewache.polizei.de/'], ['jugendschutz.net', 'https://www.jugendschutz.net/verstoss-melden']],
  AT: [['Stopline', 'https://www.stopline.at/'], ['Polizei (Bundeskriminalamt)', 'https://www.bundeskriminalamt.at/']],
  ES: [['Policía Nacional', 'https://www.policia.es/'], ['Guardia Civil', 'https://www.guardiacivil.es/'], ['INCIBE 017', 'https://www.incibe.es/linea-de-ayuda-en-ciberseguridad']],
  NL: [['Politie', 'https://www.politie.nl/'], ['Helpwanted.nl', 'https://www.helpwanted.nl/'], ['Offlimits', 'https://www.offlimits.nl/']],
  other: [['NCMEC CyberTipline', 'https://report.cybertip.org/'], ['INHOPE', 'https://www.inhope.org/EN']],
});

/** The child's age band, and the age the engine assumes for each (the band's lower end). */
export const AGE_BANDS = Object.freeze(['under10', '10-12', '13-15', '16-17']);
export const AGE_OF_BAND = Object.freeze({ under10: 9, '10-12': 10, '13-15': 13, '16-17': 16 });

/** At most this many trusted contacts per site; a label is at most NAME_MAX characters, an id ID_MAX. */
export const TRUSTED_MAX = 50;
export const NAME_MAX = 100;
export const ID_MAX = 300;

/**
 * The settings as validateSettings returns them (DEFAULTS says what each one is).
 * @typedef {object} Settings
 * @property {number} version
 * @property {'relaxed' | 'balanced' | 'strict'} sensitivity
 * @property {boolean} setupDone
 * @property {string} ageBand one of AGE_BANDS
 * @property {'child' | 'parent' | 'both'} audience
 * @property {boolean} notifyOnThisDevice
 * @property {Record<string, boolean>} sites
 * @property {string} region 'auto' or one of REGIONS
 * @property {number} maxLogEntries
 * @property {Record<string, {id: string, label: string}[]>} trusted
 * @property {boolean} evidence
 * @property {number} lockMinutes
 */

export const DEFAULTS = Object.freeze({
  version: 1,
  /** Engine sensitivity. */
  sensitivity: 'balanced',
  /** True once the parent finished the first-run setup on the options page. */
  setupDone: false,
  /** The child's age band; the engine's childAge is AGE_OF_BAND[ageBand] (age-gap cue). */
  ageBand: '13-15',
  /** Who is told. */
  audience: 'both',
  /** Raise a browser notification on this device for `alert` level (parent told on this device). */
  notifyOnThisDevice: true,
  /** Sites watched; a site set to false is ignored by the content script. */
  sites: Object.freeze(Object.fromEntries(SITES.map((s) => [s, true]))),
  /** Help lines for the child: 'auto' follows the browser locale's country; or one of REGIONS. */
  region: 'auto',
  /** Most alert-log entries kept (oldest dropped first). */
  maxLogEntries: 500,
  /** Per site, conversations the parent marked as family or known friends, `{id, label}`: `id`
   *  is the conversation id the adapter reads (a DM channel, thread, chat JID: it does not change
   *  when the contact renames themselves), `label` the display name seen then (shown only).
   *  Scored, but they alert only at `alert` (with a note in the log), never at `warn`. */
  trusted: Object.freeze(Object.fromEntries(SITES.map((s) => [s, Object.freeze([])]))),
  /** Keep short excerpts of the messages behind an alert, encrypted (see common/crypto.js). */
  evidence: false,
  /** Minutes an unlocked options page stays unlocked. */
  lockMinutes: 5,
});

const isInt = (v) => typeof v === 'number' && Number.isInteger(v);

/**
 * Repairs each bad or missing field to its default and says which ones it repaired.
 * Unknown fields are dropped (reported too), so a hand-edited store can't smuggle in extra data.
 * @returns {{settings: Settings, repaired: string[]}}
 */
export function validateSettings(input) {
  const repaired = [];
  const src = input && typeof input === 'object' && !Array.isArray(input) ? input : {};
  if (src !== input && input !== undefined) repaired.push('(root)');
  const out = /** @type {Settings} */ ({}); // filled field by field below
  const take = (key, ok) => {
    if (key in src && ok(src[key])) out[key] = src[key];
    else {
      if (key in src || input !== undefined) repaired.push(key);
      out[key] = DEFAULTS[key];
    }
  };
  take('version', (v) => v === 1);
  take('sensitivity', (v) => SENSITIVITIES.includes(v));
  take('setupDone', (v) => typeof v === 'boolean');
  take('ageBand', (v) => AGE_BANDS.includes(v));
  take('audience', (v) => AUDIENCES.includes(v));
  take('notifyOnThisDevice', (v) => typeof v === 'boolean');
  take('region', (v) => v === 'auto' || REGIONS.includes(v));
  take('maxLogEntries', (v) => isInt(v) && v >= 10 && v <= 10000);
  take('evidence', (v) => typeof v === 'boolean');
  take('lockMinutes', (v) => isInt(v) && v >= 1 && v <= 60);
  // sites: per-site booleans, missing ones default to watched.
  const sites = {};
  const s = src.sites && typeof src.sites === 'object' && !Array.isArray(src.sites) ? src.sites : null;
  if (!s && input !== undefined) repaired.push('sites');
  for (const name of SITES) {
    if (s && typeof s[name] === 'boolean') sites[name] = s[name];
    else {
      if (s) repaired.push(`sites.${name}`);
      sites[name] = true;
    }
  }
  out.sites = sites;
  // trusted: per-site lists of {id, label}, deduplicated by id, capped. Names alone (the
  // entries of versions before issue 16) are dropped: a display name is not an identity.
  const trusted = {};
  const tr = src.trusted && typeof src.trusted === 'object' && !Array.isArray(src.trusted) ? src.trusted : null;
  if (!tr && 'trusted' in src) repaired.push('trusted');
  for (const name of SITES) {
    const list = tr ? tr[name] : undefined;
    if (list === undefined) {
      trusted[name] = [];
      continue;
    }
    if (!Array.isArray(list)) {
      repaired.push(`trusted.${name}`);
      trusted[name] = [];
      continue;
    }
    const clean = [];
    for (const n of list) {
      const ok = n && typeof n === 'object' && typeof n.id === 'string' && n.id.trim() && n.id.length <= ID_MAX;
      if (!ok) continue;
      const v = { id: n.id.trim(), label: typeof n.label === 'string' ? n.label.trim().slice(0, NAME_MAX) : '' };
      if (!clean.some((c) => c.id === v.id)) clean.push(v);
    }
    if (clean.length !== list.length || clean.some((v, i) => v.id !== list[i].id || v.label !== list[i].label ||
        Object.keys(list[i]).length !== 2) || clean.length > TRUSTED_MAX) {
      repaired.push(`trusted.${name}`);
    }
    trusted[name] = clean.slice(0, TRUSTED_MAX);
  }
  out.trusted = trusted;
  for (const key of Object.keys(src)) if (!(key in DEFAULTS)) repaired.push(key);
  return { settings: out, repaired: [...new Set(repaired)] };
}

/** The engine's config for these settings. */
export function engineConfig(settings) {
  return { sensitivity: settings.sensitivity, childAge: AGE_OF_BAND[settings.ageBand] };
}

/** Whether the conversation `id` on `site` is on the parent's trusted list (exact id, never a name). */
export function isTrusted(settings, site, id) {
  if (typeof id !== 'string' || !id) return false;
  const list = (settings.trusted && settings.trusted[site]) || [];
  return list.some((n) => n.id === id);
}

/**
 * Settings forced by an administrator through chrome.storage.managed (managed_schema.json):
 * validated field by field; only the fields present and valid override the parent's.
 * @returns {{forced: Partial<Settings>, keys: string[]}}
 */
export function managedOverrides(managed) {
  if (!managed || typeof managed !== 'object') return { forced: {}, keys: [] };
  const { settings } = validateSettings({ ...DEFAULTS, ...managed });
  const forced = {};
  for (const key of Object.keys(managed)) {
    if (key === 'sites' || key === 'trusted') {
      if (managed[key] && typeof managed[key] === 'object') forced[key] = settings[key];
    } else if (key in DEFAULTS && key !== 'version' && settings[key] === managed[key]) forced[key] = managed[key];
  }
  return { forced, keys: Object.keys(forced) };
}

/** Whether the child sees the in-page alert. */
export const tellsChild = (settings) => settings.audience !== 'parent';
/** Whether the parent is told (alert log is always kept; this gates the notification). */
export const tellsParent = (settings) => settings.audience !== 'child';
