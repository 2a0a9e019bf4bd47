// @ts-check
// Discord direct messages: discord.com/channels/@me/<channelId>.
// Rows: li#chat-messages-<channelId>-<messageId> in ol[data-list-id="chat-messages"].
// Direction: nothing in the DOM marks it; the author (carried forward through grouped rows)
// is compared with the user's own name from the "User area" panel, else with the DM's contact.
// Sources: see ../shared/research/dom-adapters.md (Thoth selectors guide 2026-01, Astra, TextCoach).
SafeDM.defineSite({
  name: 'discord',
  label: 'Discord',
  hosts: ['discord.com', 'ptb.discord.com', 'canary.discord.com'],
  conversation: [{ url: /^\/channels\/@me\/(\d+)/ }],
  list: 'ol[data-list-id="chat-messages"]',
  row: 'ol[data-list-id="chat-messages"] > li[id^="chat-messages-"]',
  id: [{ attr: 'id', re: /^chat-messages-\d+-(\d+)$/ }],
  idsOrdered: true,
  text: ['[id^="message-content-"]'],
  ignore: '[class*="edited"], time, [class*="timestamp"]',
  edited: '[class*="edited"]',
  author: ['h3 [class*="username"]'],
  carryAuthor: true,
  time: [{ sel: 'time[datetime]', attr: 'datetime' }],
  self: [{ sel: 'section[aria-label="User area"] [class*="panelTitle"], section[aria-label="User area"] [class*="title"]', from: 'doc' }],
  direction: [{ authorIsSelf: true }, { authorIsContact: true }],
  contact: [
    { sel: 'a[href="/channels/@me/{conv}"][aria-label]', attr: 'aria-label', re: /^(.*?)(?:\s*\(direct message\))?$/i, from: 'doc' },
    { sel: 'section[aria-label="Channel header"] h1, section[aria-label="Channel header"] h3', from: 'doc' },
  ],
  help: {
    block: [
      'Right-click their name (or tap and hold it) and choose "Block".',
      'To report a message: hover over it, click the three dots, then "Report Message".',
      'Discord has a Safety Center with more help for teens and parents.',
    ],
  },
});
