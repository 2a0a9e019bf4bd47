// @ts-check
// WhatsApp Web: web.whatsapp.com (no per-chat URL).
// Rows: [data-id] = "true_|false_<chatJid>_<msgId>": the prefix is the direction (true_ = sent by
// the user), the JID the conversation, the tail the message id. .message-in/.message-out too.
// Text: .copyable-text [class*="selectable-text"]; contact: the name in #main header
// (span[dir="auto"]). Not `#main header [title]`: the header's first [title] is the avatar
// button's "Profile details" (issue 16), which named every contact the same.
// Sources: tytsxai/social-copilot adapters/whatsapp.ts ("legacy" and "testid" variants).
SafeDM.defineSite({
  name: 'whatsapp',
  label: 'WhatsApp',
  hosts: ['web.whatsapp.com'],
  conversation: [
    { row: { attr: 'data-id', re: /^(?:true|false)_([^_]+@(?:c\.us|g\.us|lid|s\.whatsapp\.net))_/ } },
    // Before the chat has a row: the header's name, hashed, until a row gives the JID.
    { sel: '#main header span[dir="auto"]', hash: true, weak: true },
  ],
  list: '#main [role="application"]',
  row: '#main [data-id]:is([data-id^="true_"], [data-id^="false_"])',
  id: [{ attr: 'data-id', re: /^(?:true|false)_[^_]+_([^_]+)/ }],
  text: ['.copyable-text [class*="selectable-text"]', '[data-testid="msg-text"]'],
  author: [{ sel: '[data-pre-plain-text]', attr: 'data-pre-plain-text', re: /\]\s*([^:]+):\s*$/ }],
  time: [],
  direction: [
    { attr: 'data-id', self: /^true_/, other: /^false_/ },
    { self: '.message-out' },
    { other: '.message-in' },
  ],
  contact: [{ sel: '#main header span[dir="auto"]', from: 'doc' }],
  help: {
    block: [
      'Open the chat, click their name at the top, scroll down and click "Block".',
      'Choose "Report" there too: WhatsApp gets the last few messages so it can check them.',
    ],
  },
});
