// @ts-check
// The popup: on the current tab, whether SafeDM watches this site, whether the site's adapter is
// reading messages or it fell back to the generic reader, the current conversation's level, and
// a link to the parent's alert centre (which asks for the PIN). Strings through chrome.i18n.
import { t, localize } from '../common/i18n.js';
import '../common/protocol.js';

const { MSG, STATUS } = SafeDMProtocol;

const $ = (id) => document.getElementById(id);
const LEVEL_KEYS = { none: 'popupLevelNone', watch: 'popupLevelWatch', warn: 'popupLevelWarn', alert: 'popupLevelAlert' };

async function main() {
  localize();
  $('open-alerts').addEventListener('click', () => {
    chrome.tabs.create({ url: chrome.runtime.getURL('options/options.html#alerts') });
    window.close();
  });
  // The active tab; `?tab=<id>` names another one (used when the popup is opened as a page).
  const asked = Number(new URLSearchParams(location.search).get('tab'));
  const [active] = asked ? [] : await chrome.tabs.query({ active: true, currentWindow: true });
  const tab = asked ? { id: asked } : active;
  if (!tab) return;
  let status = null;
  try {
    status = await chrome.tabs.sendMessage(tab.id, { type: MSG.POPUP_STATUS });
  } catch (_) {
    status = null;
  }
  const key = `tab:${tab.id}`;
  /** @type {Record<string, any>} */
  const got = chrome.storage.session ? await chrome.storage.session.get(key) : {};
  /** @type {TabStatus | null} */
  const saved = got[key] || null;
  if (!status) {
    $('site').textContent = t('popupNotWatched');
    return;
  }
  $('site').textContent = t('popupWatching', [status.label]);
  if (saved && saved.code === STATUS.SITE_OFF) {
    $('site').textContent = t('popupSiteOff', [status.label]);
    return;
  }
  if (status.adapter === 'generic') {
    $('reader').textContent = t('popupGeneric', [status.label]);
    $('reader').className = 'warn';
  } else {
    $('reader').textContent = status.conversation ? t('popupReading', [status.rows]) : t('popupNoConversation');
  }
  if (saved && saved.conversation === status.conversation && saved.level) {
    $('level').textContent = t(LEVEL_KEYS[saved.level] || 'popupLevelNone');
    $('level').className = `level-${saved.level}`;
  }
}

main();
