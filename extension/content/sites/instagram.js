// @ts-check
// Instagram direct: www.instagram.com/direct/t/<threadId>/.
// List: [aria-label^="Messages in conversation with "] (the rest of the label is the contact).
// Rows: [role="row"]; text: div[dir="auto"]. Direction: the row's hidden heading reads "You sent"
// for the user's own messages, otherwise it names the contact. No ids in the DOM: hashed.
// Sources: pishangujeniya/instagram-helper, rayguang6/AIA-closingbot-ig, InstaDM-Scraper notes.
SafeDM.defineSite({
  name: 'instagram',
  label: 'Instagram',
  hosts: ['www.instagram.com', 'instagram.com'],
  conversation: [{ url: /^\/direct\/t\/([^/?#]+)/ }],
  list: '[aria-label^="Messages in conversation with "]',
  row: '[aria-label^="Messages in conversation with "] [role="row"]',
  text: ['div[dir="auto"]'],
  ignore: 'h5, h6',
  author: [],
  direction: [
    { label: 'h5, h6', self: /^you sent/i },
    { align: 'div[dir="auto"]' },
  ],
  contact: [
    { sel: '[aria-label^="Messages in conversation with "]', attr: 'aria-label', re: /^Messages in conversation with (.+)$/, from: 'doc' },
  ],
  help: {
    block: [
      'Open the chat, tap their name at the top, then choose "Block".',
      'To report: press and hold the message, tap "Report", and follow the steps.',
      'Instagram will not tell them that you reported them.',
    ],
  },
});
