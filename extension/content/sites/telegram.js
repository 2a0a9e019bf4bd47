// @ts-check
// Telegram Web, both clients.
// K: web.telegram.org/k/#<peerId|@username>; rows .bubble[data-mid] with data-peer-id and
//    data-timestamp (Unix seconds); direction .is-out / .is-in; text .message (its .time removed).
// A: web.telegram.org/a/#<chatId>; rows .Message.message-list-item, element id message-<id>
//    (older builds message<id>); direction .own; edited .was-edited; text .text-content.
// Telegram swaps a sent message's temporary data-mid: re-reads dedupe by text hash too.
// Sources: Ajaxy/telegram-tt Message.tsx, social-copilot telegram.ts, VoxThread userscript.
SafeDM.defineSite({
  name: 'telegram',
  label: 'Telegram',
  hosts: ['web.telegram.org'],
  path: /^\/k\//,
  conversation: [{ url: /^\/k\/#([^/?&]+)/ }],
  list: '.bubbles-inner',
  row: '.bubbles-inner .bubble[data-mid]',
  id: [{ attr: 'data-mid' }],
  idsOrdered: true,
  tempIds: true,
  text: ['.message'],
  ignore: '.time, .time-inner, .reactions, .bubble-name-rank, .name',
  time: [{ attr: 'data-timestamp', unit: 's' }],
  author: ['.name .peer-title', '.bubble-name-first .peer-title'],
  edited: '.edited',
  direction: [{ self: '.is-out' }, { other: '.is-in' }],
  contact: [{ sel: '.chat-info .peer-title, .top .peer-title', from: 'doc' }],
  help: {
    block: [
      'Open the chat, click their name at the top, then the three dots and "Block user".',
      'To report: in the same menu choose "Report", or right-click a message and choose "Report".',
    ],
  },
});
SafeDM.defineSite({
  name: 'telegram',
  label: 'Telegram',
  hosts: ['web.telegram.org'],
  path: /^\/a\//,
  conversation: [{ url: /^\/a\/#([^/?&]+)/ }],
  list: '.messages-container, .MessageList',
  row: '.Message.message-list-item',
  id: [{ attr: 'id', re: /^message-?(\d+)$/ }, { attr: 'data-message-id' }],
  idsOrdered: true,
  text: ['.text-content', '.message-content'],
  ignore: '.MessageMeta, .Reactions, .message-title',
  author: ['.message-title .sender-title', '.sender-title'],
  edited: '.was-edited',
  direction: [{ self: '.own' }, { other: '.Message:not(.own)' }],
  contact: [{ sel: '.ChatInfo .fullName, .MiddleHeader .fullName, .ChatInfo h3', from: 'doc' }],
  help: {
    block: [
      'Open the chat, click their name at the top, then the three dots and "Block user".',
      'To report: in the same menu choose "Report", or right-click a message and choose "Report".',
    ],
  },
});
