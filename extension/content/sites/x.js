// @ts-check
// X (Twitter) chat: x.com/i/chat/<id> (XChat) and the older x.com/messages/<id>.
// Rows: [data-testid="messageEntry"] (legacy DM) and [data-testid^="message-"] rows of XChat;
// text: [data-testid="tweetText"] / [data-testid="messageText"] / [dir="auto"]. No attribute
// marks direction: the bubble right of the column's centre is the user's own (as x-dm-cleanup
// does). Contact: the conversation header. XChat's row test ids are a guess (research notes).
// Sources: twikit-mcp, x-dm-cleanup, Safari_Automations docs (Jan 2026).
SafeDM.defineSite({
  name: 'x',
  label: 'X',
  hosts: ['x.com', 'twitter.com'],
  conversation: [{ url: /^\/i\/chat\/([^/?#]+)/ }, { url: /^\/messages\/([^/?#]+)/ }],
  list: '[data-testid="DmScrollerContainer"], [data-testid="dm-message-list"]',
  row: '[data-testid="messageEntry"], [data-testid="DmScrollerContainer"] [data-testid^="message-"], [data-testid="dm-message-list"] [data-testid^="message-"]',
  id: [{ attr: 'data-message-id' }, { attr: 'data-testid', re: /^message-(.+)$/ }],
  text: ['[data-testid="tweetText"]', '[data-testid="messageText"]', '[dir="auto"]'],
  ignore: 'time, [data-testid="messageMetadata"]',
  time: [{ sel: 'time[datetime]', attr: 'datetime' }],
  direction: [{ self: '[data-testid="sentMessage"]' }, { align: '[data-testid="tweetText"], [data-testid="messageText"], [dir="auto"]' }],
  contact: [
    { sel: '[data-testid="DMConversationHeader"] [dir="ltr"] span, [data-testid="dm-conversation-header"] h2', from: 'doc' },
    { sel: 'main h2', from: 'doc' },
  ],
  help: {
    block: [
      'Open the chat, tap the (i) at the top, then "Block @name".',
      'To report: choose "Report @name" in the same place, or press and hold a message and choose "Report message".',
    ],
  },
});
