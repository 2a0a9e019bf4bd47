// @ts-check
// Every string a person reads on the extension's pages goes through chrome.i18n (_locales/en,
// de, es, nl; the child's alert, a content script, calls chrome.i18n itself). `t(key, subs)` returns the message, or the key itself if it is missing (a test checks
// that none is). `localize(root)` fills elements marked data-i18n="key" (as text, never HTML)
// and data-i18n-attr="attr:key" (for placeholder, aria-label, title).
export function t(key, subs) {
  const m = chrome.i18n.getMessage(key, subs === undefined ? undefined : [].concat(subs).map(String));
  return m || key;
}

/** @param {ParentNode} [root] */
export function localize(root = document) {
  const marked = (/** @type {string} */ sel) => /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(sel));
  for (const el of marked('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of marked('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  const lang = chrome.i18n.getUILanguage ? chrome.i18n.getUILanguage() : 'en';
  document.documentElement.lang = lang;
}

/** Builds an element: h('p', {className: 'x'}, 'text', child) — text only ever as text nodes. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'checked' || k === 'disabled' || k === 'value' || k === 'hidden') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}
