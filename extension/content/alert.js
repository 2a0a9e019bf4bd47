// The in-page alert for the young user.
//
// Lives in a *closed* shadow root on an element attached to <html> (not <body>, which SPAs
// re-render), so the page can neither read it nor restyle it: the host's own box is pinned with
// inline !important declarations, and everything inside is styled from `all: initial`.
// Built with createElement/textContent only (no HTML strings anywhere), so message text and
// names are always text. It never calls focus(): the child may be typing. The buttons are in the
// normal tab order, and Escape inside it closes it.
'use strict';

(() => {
  const SafeDM = (globalThis.SafeDM = globalThis.SafeDM || {});

  const HELP = {
    GB: [
      { name: 'Childline', text: 'Free and private, any time, for anyone under 19. Call 0800 1111 or chat online.', href: 'https://www.childline.org.uk/', link: 'childline.org.uk' },
      { name: 'CEOP (part of the police)', text: 'Tell CEOP if someone online is making you feel worried or uncomfortable.', href: 'https://www.ceop.police.uk/ceop-reporting/', link: 'Report to CEOP' },
      { name: 'In danger right now?', text: 'Call 999.' },
    ],
    US: [
      { name: 'NCMEC CyberTipline', text: 'Tell the CyberTipline if someone online is asking you for things that make you uncomfortable. Call 1-800-843-5678.', href: 'https://report.cybertip.org/', link: 'report.cybertip.org' },
      { name: 'In danger right now?', text: 'Call 911.' },
    ],
  };
  HELP.other = [...HELP.GB.slice(0, 2), HELP.US[0], { name: 'In danger right now?', text: 'Call your local emergency number.' }];

  /** 'GB', 'US' or 'other', from the setting or else the browser's languages. */
  SafeDM.region = (setting) => {
    if (setting === 'GB' || setting === 'US' || setting === 'other') return setting;
    const langs = [...(navigator.languages || []), navigator.language].filter(Boolean);
    for (const l of langs) {
      const r = l.split('-')[1];
      if (r && /^(GB|UK)$/i.test(r)) return 'GB';
      if (r && /^US$/i.test(r)) return 'US';
    }
    return 'other';
  };

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .card {
      all: initial; display: block; box-sizing: border-box;
      width: min(380px, calc(100vw - 24px)); max-height: calc(100vh - 32px); overflow: auto;
      background: #fffdf7; color: #1f2933; border: 2px solid #3b6fb6; border-radius: 14px;
      box-shadow: 0 8px 30px rgba(0,0,0,.25); padding: 16px 18px;
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
    }
    h2 { all: initial; display: block; font: 600 17px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d3f72; margin: 0 28px 8px 0; }
    p, li { all: initial; display: block; font: inherit; color: inherit; margin: 0 0 8px; }
    ul { all: initial; display: block; font: inherit; color: inherit; margin: 0 0 8px; padding-left: 0; }
    li::before { content: "\\2022  "; color: #3b6fb6; }
    .quote { background: #eef3fa; border-radius: 8px; padding: 6px 10px; font-style: italic; overflow-wrap: anywhere; white-space: pre-wrap; }
    .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
    button {
      all: initial; cursor: pointer; font: 600 14px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
      padding: 8px 11px; border-radius: 999px; border: 2px solid #3b6fb6; color: #1d3f72; background: #fff;
    }
    button.primary { background: #3b6fb6; color: #fff; }
    button:focus-visible, a:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
    .close { position: absolute; top: 10px; right: 12px; padding: 2px 8px; border: none; font-size: 20px; }
    .panel { margin-top: 12px; padding-top: 10px; border-top: 1px solid #d5dde8; }
    .panel[hidden] { display: none; }
    strong { font-weight: 600; }
    a { color: #1d4ed8; text-decoration: underline; font: inherit; }
    .wrap { position: relative; }
  `;

  /** createElement with text children only. */
  const el = (tag, props, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
      else if (k === 'hidden') e.hidden = !!v;
      else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  };

  let host = null;
  let root = null;
  let onDismiss = null;

  const HOST_STYLE = [
    'all: initial', 'position: fixed', 'top: 16px', 'right: 16px', 'z-index: 2147483647',
    'display: block', 'visibility: visible', 'opacity: 1', 'transform: none', 'filter: none',
    'pointer-events: auto', 'margin: 0', 'padding: 0', 'border: 0', 'clip-path: none',
  ].map((d) => `${d} !important`).join('; ');

  function ensureHost() {
    if (host && host.isConnected) return;
    host = document.createElement('safedm-alert');
    host.setAttribute('style', HOST_STYLE);
    root = host.attachShadow({ mode: 'closed' });
    document.documentElement.append(host);
  }

  SafeDM.hideAlert = () => {
    if (host) host.remove();
    host = null;
    root = null;
  };

  /** Whether an alert is showing (for the content script). */
  SafeDM.alertShowing = () => !!(host && host.isConnected);

  /**
   * Shows (or replaces) the alert.
   * alert: {site, siteLabel, contact, level, summary, reasons: [{child}], help: [steps], quote,
   *         region: 'GB'|'US'|'other'}; dismissed(): called on "I'm OK".
   */
  SafeDM.showAlert = (alert, dismissed) => {
    ensureHost();
    onDismiss = dismissed;
    const close = () => {
      SafeDM.hideAlert();
      if (onDismiss) onDismiss();
    };
    const who = alert.contact ? `your chat with ${alert.contact}` : 'this chat';
    const where = alert.siteLabel ? ` on ${alert.siteLabel}` : '';
    const reasons = (alert.reasons || []).map((r) => r.child).filter(Boolean);
    const helpPanel = el('div', { class: 'panel', id: 'safedm-help', hidden: true },
      el('p', {}, el('strong', {}, `Blocking and reporting${where}`)),
      el('ul', {}, (alert.help || []).map((s) => el('li', {}, s))),
      el('p', {}, 'Blocking is always OK. They will not be told that SafeDM noticed anything.'),
    );
    const region = SafeDM.region(alert.region);
    const talkPanel = el('div', { class: 'panel', id: 'safedm-talk', hidden: true },
      el('p', {}, 'You can talk to a parent, a teacher or another adult you trust. You are not in trouble.'),
      HELP[region].map((h) => el('p', {},
        el('strong', {}, h.name), ' ', h.text, ' ',
        h.href ? el('a', { href: h.href, target: '_blank', rel: 'noopener noreferrer' }, h.link) : null,
      )),
    );
    const toggle = (panel, button, other, otherButton) => () => {
      const open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open) {
        other.hidden = true;
        otherButton.setAttribute('aria-expanded', 'false');
        card.scrollTop = card.scrollHeight; // show the panel (no focus move, no page scroll)
      }
    };
    const okButton = el('button', { type: 'button', class: 'primary', on: { click: close } }, "I'm OK");
    const helpButton = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'safedm-help' }, 'Show me how to block and report');
    const talkButton = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'safedm-talk' }, 'Talk to someone');
    helpButton.addEventListener('click', toggle(helpPanel, helpButton, talkPanel, talkButton));
    talkButton.addEventListener('click', toggle(talkPanel, talkButton, helpPanel, helpButton));

    let card = null;
    card = el('div', {
      class: 'card wrap', role: 'alertdialog', 'aria-modal': 'false',
      'aria-labelledby': 'safedm-title', 'aria-describedby': 'safedm-desc',
      'data-level': alert.level || '',
      on: { keydown: (e) => { if (e.key === 'Escape') close(); } },
    },
      el('button', { type: 'button', class: 'close', 'aria-label': 'Close the SafeDM message', on: { click: close } }, '\u00d7'),
      el('h2', { id: 'safedm-title' }, 'SafeDM: let\u2019s pause for a moment'),
      el('div', { id: 'safedm-desc', 'aria-live': 'polite' },
        el('p', {}, `SafeDM noticed something in ${who}${where}.`),
        // What was noticed: the engine's one-sentence summary, else its reasons.
        alert.summary
          ? el('p', {}, el('strong', {}, alert.summary))
          : reasons.length ? el('ul', {}, reasons.slice(0, 3).map((r) => el('li', {}, r))) : null,
        alert.quote ? el('p', { class: 'quote' }, `Their message: \u201c${alert.quote}\u201d`) : null,
        el('p', {}, 'People who ask for these things online are sometimes not who they say they are. You have done nothing wrong.'),
        el('p', {}, 'You don\u2019t have to reply. Keep your photos, address and school to yourself, and stay on this app. You can block them and tell an adult you trust.'),
      ),
      el('div', { class: 'buttons' }, okButton, helpButton, talkButton),
      helpPanel,
      talkPanel,
    );
    root.replaceChildren(el('style', {}, CSS), card);
    return card;
  };
})();
