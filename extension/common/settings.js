// The parent's settings: one DEFAULTS object and one validator. Issue 5 (settings page, PIN,
// trusted contacts) extends this file; everything else imports from here.
//
// Stored in chrome.storage.local under SETTINGS_KEY. Holds no message text.

export const SETTINGS_KEY = 'settings';

/** The sites SafeDM can watch (adapter names in content/sites/). */
export const SITES = Object.freeze([
  'discord', 'instagram', 'whatsapp', 'messenger', 'x', 'telegram', 'snapchat', 'reddit',
]);

export const SENSITIVITIES = Object.freeze(['relaxed', 'balanced', 'strict']);

/** Who is told about a warn/alert: the child in the page, the parent, or both. */
export const AUDIENCES = Object.freeze(['child', 'parent', 'both']);

export const DEFAULTS = Object.freeze({
  version: 1,
  /** Engine sensitivity. */
  sensitivity: 'balanced',
  /** The child's age in years (5..17); the engine uses it for the age-gap cue. */
  childAge: 13,
  /** Who is told. */
  audience: 'both',
  /** Raise a browser notification on this device for `alert` level (parent told on this device). */
  notifyOnThisDevice: true,
  /** Sites watched; a site set to false is ignored by the content script. */
  sites: Object.freeze(Object.fromEntries(SITES.map((s) => [s, true]))),
  /** Help lines for the child: 'auto' follows the browser locale; or 'GB', 'US', 'other'. */
  region: 'auto',
  /** Most alert-log entries kept (oldest dropped first). */
  maxLogEntries: 500,
});

const isInt = (v) => typeof v === 'number' && Number.isInteger(v);

/**
 * Repairs each bad or missing field to its default and says which ones it repaired.
 * Unknown fields are dropped (reported too), so a hand-edited store can't smuggle in extra data.
 * @returns {{settings: object, repaired: string[]}}
 */
export function validateSettings(input) {
  const repaired = [];
  const src = input && typeof input === 'object' && !Array.isArray(input) ? input : {};
  if (src !== input && input !== undefined) repaired.push('(root)');
  const out = {};
  const take = (key, ok) => {
    if (key in src && ok(src[key])) out[key] = src[key];
    else {
      if (key in src || input !== undefined) repaired.push(key);
      out[key] = DEFAULTS[key];
    }
  };
  take('version', (v) => v === 1);
  take('sensitivity', (v) => SENSITIVITIES.includes(v));
  take('childAge', (v) => isInt(v) && v >= 5 && v <= 17);
  take('audience', (v) => AUDIENCES.includes(v));
  take('notifyOnThisDevice', (v) => typeof v === 'boolean');
  take('region', (v) => ['auto', 'GB', 'US', 'other'].includes(v));
  take('maxLogEntries', (v) => isInt(v) && v >= 10 && v <= 10000);
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
  for (const key of Object.keys(src)) if (!(key in DEFAULTS)) repaired.push(key);
  return { settings: out, repaired: [...new Set(repaired)] };
}

/** The engine's config for these settings. */
export function engineConfig(settings) {
  return { sensitivity: settings.sensitivity, childAge: settings.childAge };
}

/** Whether the child sees the in-page alert. */
export const tellsChild = (settings) => settings.audience !== 'parent';
/** Whether the parent is told (alert log is always kept; this gates the notification). */
export const tellsParent = (settings) => settings.audience !== 'child';
