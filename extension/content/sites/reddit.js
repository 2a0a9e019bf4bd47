// @ts-check
// Reddit chat: chat.reddit.com/room/<roomId> and the floating chat on www.reddit.com.
// Built on web components with shadow roots (rs-*): rows are div.room-message whose aria-label
// reads "<user> said <text>"; the list is rs-virtual-scroll; the contact comes from the
// "Direct chat with <user>" label. Direction: in a direct chat, the contact's name vs anyone else.
// Sources: ChatMarker, nuckle/reddit-mobile-chat-fix.
SafeDM.defineSite({
  name: 'reddit',
  label: 'Reddit',
  hosts: ['chat.reddit.com', 'www.reddit.com', 'reddit.com'],
  shadow: true,
  conversation: [{ url: /^\/room\/([^/?#]+)/ }, { url: /^\/chat\/room\/([^/?#]+)/ }],
  list: 'rs-virtual-scroll',
  row: 'div.room-message',
  id: [{ attr: 'data-event-id' }, { attr: 'id', re: /^(?:msg-|message-)?(\$?[A-Za-z0-9_:-]{6,})$/ }],
  text: ['.room-message-text', '[data-testid="message-text"]'],
  textRules: [{ attr: 'aria-label', re: /^.+? said (.+)$/ }],
  author: [{ attr: 'aria-label', re: /^(.+?) said / }],
  time: [{ sel: 'time[datetime]', attr: 'datetime' }],
  direction: [{ authorIsContact: true }],
  contact: [{ sel: '[aria-label*="Direct chat with"]', attr: 'aria-label', re: /Direct chat with (?:u\/)?(.+)$/, from: 'doc' }],
  help: {
    block: [
      'Open the chat, click the settings (gear) at the top, then "Block".',
      'To report: hover over a message, click the three dots and "Report".',
    ],
  },
});
