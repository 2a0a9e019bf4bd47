// @ts-check
// The child's screen for sextortion: someone threatens to share the child's pictures or chats
// unless the child pays or sends more. Its own screen, not the grooming alert: minutes matter and
// the steps differ (don't pay, don't delete, keep the chat, block after keeping it, tell an adult,
// get the images taken down).
//
// Like alert.js: a closed shadow root on an element attached to <html>, built with
// createElement/textContent only, never focused by itself (the child may be typing), reached with
// the shortcut Alt+Shift+S (main.js). It stays until the child closes it; "Keep this open" also
// stops Escape from closing it.
'use strict';

(() => {
  const SafeDM = (globalThis.SafeDM = globalThis.SafeDM || /** @type {SafeDMContent} */ ({}));

  const t = (key, subs) =>
    chrome.i18n.getMessage(key, subs === undefined ? undefined : [].concat(subs).map(String)) || key;

  // Services that help with images and threats, by country. Take It Down (NCMEC) works for
  // anyone under 18, anywhere; Report Remove (Childline and the IWF) in the UK.
  const SERVICE = {
    takeitdown: { name: 'sext_help_takeitdown_name', text: 'sext_help_takeitdown_text', href: 'https://takeitdown.ncmec.org/', link: 'takeitdown.ncmec.org' },
    reportremove: { name: 'sext_help_reportremove_name', text: 'sext_help_reportremove_text', href: 'https://www.childline.org.uk/report-remove/', link: 'childline.org.uk/report-remove' },
    cybertip: { name: 'sext_help_cybertip_name', text: 'sext_help_cybertip_text', href: 'https://report.cybertip.org/', link: 'report.cybertip.org' },
    ceop: { name: 'childAlert_help_ceop_name', text: 'childAlert_help_ceop_text', href: 'https://www.ceop.police.uk/ceop-reporting/', linkText: 'childAlert_help_ceop_link' },
    nummergegenkummer: { name: 'childAlert_help_nummergegenkummer_name', text: 'childAlert_help_nummergegenkummer_text', href: 'https://www.nummergegenkummer.de/', link: 'nummergegenkummer.de' },
    rataufdraht: { name: 'childAlert_help_rataufdraht_name', text: 'childAlert_help_rataufdraht_text', href: 'https://www.rataufdraht.at/', link: 'rataufdraht.at' },
    anar: { name: 'childAlert_help_anar_name', text: 'childAlert_help_anar_text', href: 'https://www.anar.org/', link: 'anar.org' },
    incibe: { name: 'sext_help_incibe_name', text: 'sext_help_incibe_text', href: 'https://www.incibe.es/linea-de-ayuda-en-ciberseguridad', link: 'incibe.es' },
    helpwanted: { name: 'childAlert_help_helpwanted_name', text: 'childAlert_help_helpwanted_text', href: 'https://www.helpwanted.nl/', link: 'helpwanted.nl' },
    kindertelefoon: { name: 'childAlert_help_kindertelefoon_name', text: 'childAlert_help_kindertelefoon_text', href: 'https://www.kindertelefoon.nl/', link: 'kindertelefoon.nl' },
    e3018: { name: 'sext_help_3018_name', text: 'sext_help_3018_text', href: 'https://www.3018.fr/', link: '3018.fr' },
    allo119: { name: 'sext_help_119_name', text: 'sext_help_119_text', href: 'https://www.allo119.gouv.fr/', link: 'allo119.gouv.fr' },
  };
  const EMERGENCY = 'childAlert_help_emergency_name';
  const call = (number) => ({ name: EMERGENCY, text: 'childAlert_help_emergency_call', subs: number });
  const HELP = {
    US: [SERVICE.takeitdown, SERVICE.cybertip, call('911')],
    GB: [SERVICE.reportremove, SERVICE.ceop, call('999')],
    DE: [SERVICE.nummergegenkummer, SERVICE.takeitdown, { name: EMERGENCY, text: 'childAlert_help_emergency_police', subs: ['110', '112'] }],
    AT: [SERVICE.rataufdraht, SERVICE.takeitdown, call('112')],
    ES: [SERVICE.anar, SERVICE.incibe, SERVICE.takeitdown, call('112')],
    NL: [SERVICE.helpwanted, SERVICE.kindertelefoon, SERVICE.takeitdown, call('112')],
    FR: [SERVICE.e3018, SERVICE.allo119, SERVICE.takeitdown, call('17')],
    other: [SERVICE.takeitdown, SERVICE.cybertip, { name: EMERGENCY, text: 'childAlert_help_emergency_local' }],
  };
  SafeDM.SEXTORTION_REGIONS = Object.keys(HELP);

  /** The region for this screen: the setting or the browser's country, FR included (lib.js). */
  const regionOf = (setting) => SafeDM.regionIn(HELP, setting);

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    .card {
      all: initial; display: block; box-sizing: border-box; position: relative;
      width: min(420px, calc(100vw - 24px)); max-height: calc(100vh - 32px); overflow: auto;
      background: #fffdf7; color: #1f2933; border: 3px solid #b42318; border-radius: 14px;
      box-shadow: 0 8px 30px rgba(0,0,0,.3); padding: 16px 18px;
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
    }
    h2 { all: initial; display: block; font: 700 18px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #7a1a12; margin: 0 28px 8px 0; }
    h3 { all: initial; display: block; font: 600 15px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1f2933; margin: 12px 0 6px; }
    p, li { all: initial; display: block; font: inherit; color: inherit; margin: 0 0 7px; }
    ol { all: initial; display: block; font: inherit; color: inherit; margin: 0 0 8px; padding-left: 0; counter-reset: step; }
    ol > li { counter-increment: step; }
    ol > li::before { content: counter(step) ". "; font-weight: 700; color: #b42318; }
    .lead { font-weight: 600; }
    .who { background: #f4f1ea; border-radius: 8px; padding: 6px 10px; }
    .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
    button {
      all: initial; cursor: pointer; font: 600 14px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
      padding: 8px 11px; border-radius: 999px; border: 2px solid #7a1a12; color: #7a1a12; background: #fff;
    }
    button[aria-pressed="true"] { background: #7a1a12; color: #fff; }
    button:focus-visible, a:focus-visible, .card:focus-visible, .via-key:focus { outline: 3px solid #f0b429; outline-offset: 2px; }
    .hint { font-size: 13px; color: #3e4c59; margin: 10px 0 0; }
    .close { position: absolute; top: 10px; right: 12px; padding: 2px 8px; border: none; font-size: 20px; }
    strong { font-weight: 600; }
    a { color: #1d4ed8; text-decoration: underline; font: inherit; }
  `;

  const el = SafeDM.el; // createElement with text children only (lib.js)
  const HOST_STYLE = SafeDM.hostStyle('16px');

  let host = null;
  let shown = null; // its card

  SafeDM.sextortionShowing = () => !!(host && host.isConnected);

  SafeDM.hideSextortion = () => {
    if (host) host.remove();
    host = null;
    shown = null;
  };

  /** The shortcut (Alt+Shift+S): the keyboard to this screen's card and, again, back. */
  SafeDM.focusSextortion = () => SafeDM.toggleFocus(host, shown);

  /** Who else sees the alert, in the child's words. */
  const whoKnows = (audience) => (audience === 'child' ? t('sext_onlyYou') : t('sext_parentToo'));

  function helpLines(region) {
    return HELP[region].map((h) => el('li', {},
      el('strong', {}, t(h.name)), ' ', t(h.text, h.subs), ' ',
      h.href ? el('a', { href: h.href, target: '_blank', rel: 'noopener noreferrer' }, h.linkText ? t(h.linkText) : h.link) : null,
    ));
  }

  /**
   * Shows the sextortion screen (a grooming alert never replaces it; a newer sextortion alert
   * does). alert: {contact, siteLabel, audience, region}; dismissed(how): 'close' or 'escape'.
   */
  SafeDM.showSextortion = (alert, dismissed) => {
    if (SafeDM.hideAlert) SafeDM.hideAlert();
    SafeDM.hideSextortion();
    host = document.createElement('safedm-sextortion');
    host.setAttribute('style', HOST_STYLE);
    const root = host.attachShadow({ mode: 'closed' });
    let pinned = false;
    const close = (how) => {
      const back = SafeDM.hasFocus(host); // closed from the keyboard: back to the message box
      SafeDM.hideSextortion();
      if (back) SafeDM.focusBack();
      if (dismissed) dismissed(how);
    };
    const region = regionOf(alert.region || 'auto');
    const site = alert.siteLabel || '';
    const pin = el('button', { type: 'button', 'aria-pressed': 'false' }, t('sext_keepOpen'));
    pin.addEventListener('click', () => {
      pinned = !pinned;
      pin.setAttribute('aria-pressed', String(pinned));
    });
    // The live region is in the page before its text, so screen readers announce the text.
    const live = el('div', { id: 'safedm-sext-desc', 'aria-live': 'assertive' });
    const card = el('div', {
      class: 'card', role: 'alertdialog', 'aria-modal': 'false',
      'aria-labelledby': 'safedm-sext-title', 'aria-describedby': 'safedm-sext-desc',
      'data-kind': 'sextortion', 'data-region': region, lang: t('childAlert_lang'),
      tabindex: '-1', 'aria-keyshortcuts': SafeDM.SHORTCUT,
      on: { keydown: (e) => { if (e.key === 'Escape' && !pinned) close('escape'); } },
    },
      el('button', { type: 'button', class: 'close', 'aria-label': t('childAlert_close'), on: { click: () => close('close') } }, '\u00d7'),
      el('h2', { id: 'safedm-sext-title' }, t('sext_title')),
      live,
      el('h3', {}, t('sext_stepsTitle')),
      el('ol', {},
        el('li', {}, t('sext_step_noPay')),
        el('li', {}, t('sext_step_keep')),
        el('li', {}, site ? t('sext_step_blockOn', site) : t('sext_step_block')),
        el('li', {}, t('sext_step_tell')),
      ),
      el('h3', {}, t('sext_helpTitle')),
      el('ol', { class: 'help' }, helpLines(region)),
      el('p', { class: 'who' }, whoKnows(alert.audience)),
      el('div', { class: 'buttons' }, pin,
        el('button', { type: 'button', on: { click: () => close('close') } }, t('sext_close'))),
      el('p', { class: 'hint' }, t('childAlert_shortcut', SafeDM.shortcutLabel())),
    );
    shown = card;
    root.replaceChildren(el('style', {}, CSS), card);
    document.documentElement.append(host);
    const who = alert.contact ? t('sext_threatWith', alert.contact) : t('sext_threat');
    live.append(
      el('p', { class: 'lead' }, who),
      el('p', { class: 'lead' }, t('sext_notYourFault')),
    );
    return card;
  };
})();
