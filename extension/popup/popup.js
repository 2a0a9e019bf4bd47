// Minimal popup (the full one is issue 5): is this site supported, is the adapter reading
// messages or did it fall back to the generic reader, and the current conversation's level.
const $ = (id) => document.getElementById(id);

async function main() {
  // The active tab; `?tab=<id>` names another one (used when the popup is opened as a page).
  const asked = Number(new URLSearchParams(location.search).get('tab'));
  const [active] = asked ? [] : await chrome.tabs.query({ active: true, currentWindow: true });
  const tab = asked ? { id: asked } : active;
  if (!tab) return;
  let status = null;
  try {
    status = await chrome.tabs.sendMessage(tab.id, { type: 'popup:status' });
  } catch (_) {
    status = null;
  }
  const key = `tab:${tab.id}`;
  const saved = chrome.storage.session ? (await chrome.storage.session.get(key))[key] : null;
  if (!status) {
    $('site').textContent = 'SafeDM does not watch this page.';
    return;
  }
  $('site').textContent = `Watching ${status.label} direct messages.`;
  if (status.adapter === 'generic') {
    $('reader').textContent = `${status.label}'s page has changed: SafeDM is using its generic reader, which is less sure who sent each message.`;
    $('reader').className = 'warn';
  } else {
    $('reader').textContent = status.conversation
      ? `Reading this conversation (${status.rows} messages so far).`
      : 'No conversation is open.';
  }
  if (saved && saved.conversation === status.conversation && saved.level) {
    const words = { none: 'nothing of concern', watch: 'nothing of concern yet', warn: 'a warning', alert: 'an alert' };
    $('level').textContent = `This conversation: ${words[saved.level] || saved.level}.`;
  }
}

main();
