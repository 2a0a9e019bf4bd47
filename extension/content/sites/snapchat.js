// @ts-check
// Snapchat for web: www.snapchat.com/web/<conversationId> (formerly web.snapchat.com).
// Classes are hashed CSS modules that change with releases: .T1yt2 holds messages and
// header .nonIntl the sender (greasyfork 536981 v3.1.5); messages are grouped under one sender
// header ("Me" for the user's own, a guess), so the author is carried to the rows below it.
// Sources: greasyfork_archives 536981.js, Echen1246/automate-sc.
SafeDM.defineSite({
  name: 'snapchat',
  label: 'Snapchat',
  hosts: ['www.snapchat.com', 'web.snapchat.com'],
  conversation: [{ url: /^\/web\/([^/?#]+)/ }, { url: /^\/([0-9a-f-]{16,})/ }],
  list: 'main ul, [role="main"] ul',
  row: '.T1yt2',
  text: ['span[dir="auto"]', '.p8r1z'],
  ignore: 'header, time',
  author: ['header .nonIntl'],
  carryAuthor: true,
  carryAuthorFrom: 'li',
  direction: [{ author: { self: /^me$/i } }],
  contact: [{ sel: 'main [role="heading"] .nonIntl, [role="main"] h1, main h1', from: 'doc' }],
  help: {
    block: [
      'Press and hold their name in Chat, tap "Manage Friendship", then "Block".',
      'To report: in the same menu tap "Report" and follow the steps.',
    ],
  },
});
