// Minimal popup (the full one is issue 5): is this site supported, is the adapter reading
// messages or did it fall back to the generic reader, and the current conversation's level.
const $ = (id) => document.getElementById(id);

async function main() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
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
