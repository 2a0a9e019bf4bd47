// @ts-check
// Facebook Messenger: www.facebook.com/messages/t/<id> (messenger.com redirects there from 2026;
// its /t/<id> is kept). Rows: [role="row"] in [role="main"]; text: div[dir="auto"].
// Direction: the row's sender heading (h5/h4) reads "You sent" for the user's own messages;
// else a flex-end aligned bubble. No ids: hashed. The thread URL shape is a guess (research).
// Sources: JuanHopla/FB-Chat-Monitor config.js, rayguang6/AIA-closingbot-ig, Caprine selectors.ts.
SafeDM.defineSite({
  name: 'messenger',
  label: 'Messenger',
  hosts: ['www.facebook.com', 'facebook.com', 'www.messenger.com', 'messenger.com'],
  conversation: [{ url: /^\/(?:messages\/)?(?:e2ee\/)?t\/([^/?#]+)/ }],
  list: '[role="main"] [role="grid"]',
  row: '[role="main"] [role="row"]',
  text: ['div[dir="auto"]'],
  ignore: 'h4, h5, [aria-hidden="true"]',
  author: [{ sel: 'h5, h4', re: /^(?!you sent)(.+?)(?: sent| replied.*)?$/i }],
  direction: [
    { label: 'h5, h4', self: /^you sent/i },
    { self: '[style*="flex-end"]' },
    { align: 'div[dir="auto"]' },
  ],
  contact: [
    { sel: '[role="main"] [aria-label^="Conversation with "]', attr: 'aria-label', re: /^Conversation with (.+)$/, from: 'doc' },
    { sel: '[role="main"] h2', from: 'doc' },
  ],
  help: {
    block: [
      'Open the chat, click their name at the top, then "Block".',
      'To report: click "Something\'s wrong" (or "Report") in the same menu and follow the steps.',
    ],
  },
});
