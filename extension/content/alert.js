// @ts-check
// The in-page alert for the young user.
//
// Lives in a *closed* shadow root on an element attached to <html> (not <body>, which SPAs
// re-render), so the page can neither read it nor restyle it: the host's own box is pinned with
// inline !important declarations, and everything inside is styled from `all: initial`.
// Built with createElement/textContent only (no HTML strings anywhere), so message text and
// names are always text. It never takes focus by itself: the child may be typing. The buttons are
// in the normal tab order, Escape inside it closes it, and the shortcut Alt+Shift+S (main.js, and
// the manifest's command) brings the keyboard to it, or to the chip after closing, and back.
'use strict';

(() => {
  const SafeDM = (globalThis.SafeDM = globalThis.SafeDM || /** @type {SafeDMContent} */ ({}));

  /** A message of the extension's locale (_locales/<ui language>/messages.json). */
  const t = (key, subs) =>
    chrome.i18n.getMessage(key, subs === undefined ? undefined : [].concat(subs).map(String)) || key;

  // Help lines by country. name/text/linkText are message keys (each localised); `link` is a
  // site's address as shown; numbers live in the messages, next to the words that explain them.
  const EMERGENCY = 'childAlert_help_emergency_name';
  const LINES = {
    childline: { name: 'childAlert_help_childline_name', text: 'childAlert_help_childline_text', href: 'https://www.childline.org.uk/', link: 'childline.org.uk' },
    ceop: { name: 'childAlert_help_ceop_name', text: 'childAlert_help_ceop_text', href: 'https://www.ceop.police.uk/ceop-reporting/', linkText: 'childAlert_help_ceop_link' },
    cybertip: { name: 'childAlert_help_cybertip_name', text: 'childAlert_help_cybertip_text', href: 'https://report.cybertip.org/', link: 'report.cybertip.org' },
    nummergegenkummer: { name: 'childAlert_help_nummergegenkummer_name', text: 'childAlert_help_nummergegenkummer_text', href: 'https://www.nummergegenkummer.de/', link: 'nummergegenkummer.de' },
    rataufdraht: { name: 'childAlert_help_rataufdraht_name', text: 'childAlert_help_rataufdraht_text', href: 'https://www.rataufdraht.at/', link: 'rataufdraht.at' },
    anar: { name: 'childAlert_help_anar_name', text: 'childAlert_help_anar_text', href: 'https://www.anar.org/', link: 'anar.org' },
    kindertelefoon: { name: 'childAlert_help_kindertelefoon_name', text: 'childAlert_help_kindertelefoon_text', href: 'https://www.kindertelefoon.nl/', link: 'kindertelefoon.nl' },
    helpwanted: { name: 'childAlert_help_helpwanted_name', text: 'childAlert_help_helpwanted_text', href: 'https://www.helpwanted.nl/', link: 'helpwanted.nl' },
  };
  const call = (number) => ({ name: EMERGENCY, text: 'childAlert_help_emergency_call', subs: number });
  const HELP = {
    GB: [LINES.childline, LINES.ceop, call('999')],
    US: [LINES.cybertip, call('911')],
    DE: [LINES.nummergegenkummer, { name: EMERGENCY, text: 'childAlert_help_emergency_police', subs: ['110', '112'] }],
    AT: [LINES.rataufdraht, call('112')],
    ES: [LINES.anar, call('112')],
    NL: [LINES.kindertelefoon, LINES.helpwanted, call('112')],
    other: [LINES.childline, LINES.ceop, LINES.cybertip, { name: EMERGENCY, text: 'childAlert_help_emergency_local' }],
  };
  SafeDM.HELP_REGIONS = Object.keys(HELP);

  // Each site's blocking steps in the child's language, by position in the adapter's help.block
  // (whose English they are: a test keeps them equal).
  const BLOCK_STEPS = {
    discord: ['childAlert_block_discord_1', 'childAlert_block_discord_2', 'childAlert_block_discord_3'],
    instagram: ['childAlert_block_instagram_1', 'childAlert_block_instagram_2', 'childAlert_block_instagram_3'],
    whatsapp: ['childAlert_block_whatsapp_1', 'childAlert_block_whatsapp_2'],
    messenger: ['childAlert_block_messenger_1', 'childAlert_block_messenger_2'],
    x: ['childAlert_block_x_1', 'childAlert_block_x_2'],
    telegram: ['childAlert_block_telegram_1', 'childAlert_block_telegram_2'],
    snapchat: ['childAlert_block_snapchat_1', 'childAlert_block_snapchat_2'],
    reddit: ['childAlert_block_reddit_1', 'childAlert_block_reddit_2'],
  };

  /**
   * A key of HELP, from the setting ('auto' or a region) or else the country of the browser's
   * languages, first one known wins ('de-AT' -> AT; 'UK' is taken for GB); else 'other' (lib.js).
   */
  SafeDM.region = (setting) => SafeDM.regionIn(HELP, setting);

  /** What was noticed, in the child's words: the message for the category, else the engine's. */
  const reasonText = (r) =>
    (/^[a-z_]{1,40}$/.test(String(r.category)) && chrome.i18n.getMessage(`childAlert_reason_${r.category}`)) || r.child || '';

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
    button:focus-visible, a:focus-visible, .card:focus-visible, .via-key:focus { outline: 3px solid #f0b429; outline-offset: 2px; }
    .hint { font-size: 13px; color: #3e4c59; margin: 10px 0 0; }
    .close { position: absolute; top: 10px; right: 12px; padding: 2px 8px; border: none; font-size: 20px; }
    .panel { margin-top: 12px; padding-top: 10px; border-top: 1px solid #d5dde8; }
    .panel[hidden] { display: none; }
    strong { font-weight: 600; }
    a { color: #1d4ed8; text-decoration: underline; font: inherit; }
    .wrap { position: relative; }
    .chip {
      all: initial; display: flex; align-items: center; gap: 2px; box-sizing: border-box;
      background: #fffdf7; border: 2px solid #3b6fb6; border-radius: 999px; padding: 2px;
      box-shadow: 0 4px 14px rgba(0,0,0,.2); font: 600 13px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
    }
    .chip button { border: none; padding: 6px 10px; font-size: 13px; }
    .chip .chip-close { padding: 4px 9px; font-size: 16px; }
    /* 320-480 px: the card takes the width but at most half the height, so the chat stays in view. */
    @media (max-width: 480px) {
      .card { width: calc(100vw - 16px); max-height: 50vh; padding: 12px 12px; font-size: 14px; border-radius: 12px; }
      h2 { font-size: 16px; }
      button { font-size: 13px; padding: 7px 9px; }
    }
  `;

  const el = SafeDM.el; // createElement with text children only (lib.js)

  let host = null;
  let root = null;
  let onDismiss = null;
  let last = null; // the alert shown last, for the chip to open again

  const narrow = () => (globalThis.innerWidth || 1000) <= 480;
  const HOST_STYLE = () => SafeDM.hostStyle(narrow() ? '8px' : '16px');

  function ensureHost() {
    if (host && host.isConnected) return;
    host = document.createElement('safedm-alert');
    host.setAttribute('style', HOST_STYLE());
    root = host.attachShadow({ mode: 'closed' });
    document.documentElement.append(host);
  }

  SafeDM.hideAlert = () => {
    if (host) host.remove();
    host = null;
    root = null;
    last = null;
  };

  /**
   * After the alert is closed: a small chip in the same corner keeps the blocking steps and the
   * help lines one click away ("SafeDM: block and get help"); its x removes it.
   */
  function showChip() {
    if (!root || !last) return;
    const again = last;
    const chip = el('div', { class: 'chip', role: 'region', 'aria-label': t('childAlert_chipRegion'), lang: t('childAlert_lang') },
      el('button', { type: 'button', class: 'chip-open', 'aria-keyshortcuts': SafeDM.SHORTCUT, on: { click: () => SafeDM.showAlert(again.alert, again.dismissed, { open: 'help' }) } }, t('childAlert_chip')),
      el('button', { type: 'button', class: 'chip-close', 'aria-label': t('childAlert_chipClose'), on: { click: () => {
        const back = SafeDM.hasFocus(host);
        SafeDM.hideAlert();
        if (back) SafeDM.focusBack();
      } } }, '\u00d7'));
    const hadFocus = SafeDM.hasFocus(host);
    root.replaceChildren(el('style', {}, CSS), chip);
    // Closed from the keyboard: back to where the shortcut found the child (the message box),
    // else to the chip, so the focus is not lost.
    if (hadFocus && !SafeDM.focusBack()) /** @type {HTMLElement} */ (chip.firstChild).focus({ preventScroll: true });
  }

  /**
   * The shortcut (Alt+Shift+S): the keyboard goes to the alert's card (announced with its name
   * and text; Tab goes on to its buttons), or to the chip's button after closing; pressed again
   * from inside, back to where it was. False when there is nothing of SafeDM to focus.
   */
  SafeDM.focusAlert = () => {
    if (!root || !host || !host.isConnected) return false;
    return SafeDM.toggleFocus(host, root.querySelector('.card') || root.querySelector('.chip-open'));
  };

  /** Whether an alert is showing (for the content script). */
  SafeDM.alertShowing = () => !!(host && host.isConnected);

  /**
   * Shows (or replaces) the alert.
   * alert: {site, siteLabel, contact, level, summary, reasons: [{child}], help: [steps], quote,
   *         region: 'auto' or a key of HELP}; dismissed(action): called with what the child did,
   *         each recorded apart: 'close' (x), 'escape', 'ok' ("I'm OK"), and, without closing,
   *         'block' (opened the blocking steps) and 'talk' (opened "Talk to someone").
   * Every word comes from _locales (the browser's language); the help lines from the region.
   */
  SafeDM.showAlert = (alert, dismissed, { open = '' } = {}) => {
    // A card already on screen is updated at once (it was announced); a new one waits below.
    const updating = !!(root && host && host.isConnected && root.getElementById('safedm-desc'));
    const hadFocus = SafeDM.hasFocus(host); // the child is in it (the chip, or an older card)
    ensureHost();
    host.setAttribute('style', HOST_STYLE());
    onDismiss = dismissed;
    last = { alert, dismissed };
    const close = (action) => {
      if (onDismiss) onDismiss(action);
      showChip();
    };
    const told = new Set();
    const opened = (action) => {
      if (told.has(action) || !onDismiss) return;
      told.add(action);
      onDismiss(action);
    };
    const noticed = alert.contact
      ? alert.siteLabel ? t('childAlert_noticedWithOn', [alert.contact, alert.siteLabel]) : t('childAlert_noticedWith', alert.contact)
      : alert.siteLabel ? t('childAlert_noticedOn', alert.siteLabel) : t('childAlert_noticed');
    // The two strongest reasons (the engine's own summary names the same two, in English only).
    const reasons = (alert.reasons || []).map(reasonText).filter(Boolean).slice(0, 2);
    const helpPanel = el('div', { class: 'panel', id: 'safedm-help', hidden: true },
      el('p', {}, el('strong', {}, alert.siteLabel ? t('childAlert_blockTitleOn', alert.siteLabel) : t('childAlert_blockTitle'))),
      // The site's steps in the child's language (childAlert_block_<site>_<n>), else the
      // adapter's English marked as English.
      el('ul', {}, (alert.help || []).map((s, i) => {
        const key = (Object.hasOwn(BLOCK_STEPS, alert.site) && BLOCK_STEPS[alert.site][i]) || '';
        const local = key ? chrome.i18n.getMessage(key) : '';
        return local ? el('li', {}, local) : el('li', { lang: 'en' }, s);
      })),
      el('p', {}, t('childAlert_blockNote')),
    );
    const region = SafeDM.region(alert.region);
    const talkPanel = el('div', { class: 'panel', id: 'safedm-talk', hidden: true, 'data-region': region },
      el('p', {}, t('childAlert_talkIntro')),
      HELP[region].map((h) => el('p', {},
        el('strong', {}, t(h.name)), ' ', t(h.text, h.subs), ' ',
        h.href ? el('a', { href: h.href, target: '_blank', rel: 'noopener noreferrer' }, h.linkText ? t(h.linkText) : h.link) : null,
      )),
    );
    const toggle = (panel, button, other, otherButton, action) => () => {
      const open = panel.hidden;
      if (open) opened(action);
      panel.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open) {
        other.hidden = true;
        otherButton.setAttribute('aria-expanded', 'false');
        card.scrollTop = card.scrollHeight; // show the panel (no focus move, no page scroll)
      }
    };
    const okButton = el('button', { type: 'button', class: 'primary', on: { click: () => close('ok') } }, t('childAlert_ok'));
    const helpButton = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'safedm-help' }, t('childAlert_blockButton'));
    const talkButton = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'safedm-talk' }, t('childAlert_talkButton'));
    helpButton.addEventListener('click', toggle(helpPanel, helpButton, talkPanel, talkButton, 'block'));
    talkButton.addEventListener('click', toggle(talkPanel, talkButton, helpPanel, helpButton, 'talk'));

    const desc = el('div', { id: 'safedm-desc', 'aria-live': 'polite' });
    let card = null;
    card = el('div', {
      class: 'card wrap', role: 'alertdialog', 'aria-modal': 'false',
      'aria-labelledby': 'safedm-title', 'aria-describedby': 'safedm-desc',
      'data-level': alert.level || '', lang: t('childAlert_lang'),
      tabindex: '-1', 'aria-keyshortcuts': SafeDM.SHORTCUT,
      on: { keydown: (e) => { if (e.key === 'Escape') close('escape'); } },
    },
      el('button', { type: 'button', class: 'close', 'aria-label': t('childAlert_close'), on: { click: () => close('close') } }, '\u00d7'),
      el('h2', { id: 'safedm-title' }, t('childAlert_title')),
      desc,
      el('div', { class: 'buttons' }, okButton, helpButton, talkButton),
      // How to come back here from the chat with the keyboard (and go back).
      el('p', { class: 'hint' }, t('childAlert_shortcut', SafeDM.shortcutLabel())),
      helpPanel,
      talkPanel,
    );
    root.replaceChildren(el('style', {}, CSS), card);
    if (hadFocus) card.focus({ preventScroll: true });
    // The live region is in the page (empty) before its text is set, so screen readers announce
    // the text; set in the next task.
    const content = [
      el('p', {}, noticed),
      // What was noticed: the strongest reasons, in the child's words.
      reasons.length ? el('ul', {}, reasons.map((r) => el('li', {}, el('strong', {}, r)))) : null,
      alert.quote ? el('p', { class: 'quote' }, t('childAlert_quote', alert.quote)) : null,
      el('p', {}, t('childAlert_notWhoTheySay')),
      el('p', {}, t('childAlert_whatToDo')),
      // Who else is told (the parent's choice), so the child is never surprised by it.
      el('p', { class: 'who' }, alert.audience === 'child' ? t('childAlert_onlyYou') : t('childAlert_parentToo')),
    ].filter(Boolean);
    if (updating) desc.append(...content);
    else setTimeout(() => { if (desc.isConnected) desc.append(...content); }, 60);
    if (open === 'help') {
      helpPanel.hidden = false;
      helpButton.setAttribute('aria-expanded', 'true');
    }
    return card;
  };
})();
