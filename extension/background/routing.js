// @ts-check
// Which handler answers a message: one table from message type (common/protocol.js) to handler,
// assembled from the modules that own them, and the runtime.onMessage listener over it. Every
// handler answers asynchronously; a handler that throws is answered with worker:error.
// Message names are prefixed by their sender: content:* from the content script, options:* from
// the parent's settings page, worker:* replies. options:* is answered only to the extension's own
// pages, and everything but setup, unlock and the recovery code (a forgotten PIN) needs an
// unlocked session.
import '../common/protocol.js';
import { validateSettings, engineConfig } from '../common/settings.js';
import { settings, managedKeys, engine, setSettings, effective, readManaged, writeSettings } from './state.js';
import { AUTH_HANDLERS, unlockedOnly } from './auth.js';
import { ALERT_HANDLERS } from './alerts.js';
import { CONVERSATION_HANDLERS } from './conversations.js';

const { MSG } = SafeDMProtocol;

/** @type {Record<string, import('./auth.js').Handler>} */
export const HANDLERS = {
  ...AUTH_HANDLERS,
  ...ALERT_HANDLERS,
  [MSG.OPTIONS_SAVE_SETTINGS]: unlockedOnly(async (msg) => {
    const { settings: s, repaired } = validateSettings({ ...msg.settings, setupDone: true });
    await writeSettings(s);
    setSettings(effective(s, await readManaged()));
    engine.setConfig(engineConfig(settings));
    return { type: MSG.WORKER_OK, repaired, managedKeys };
  }),
  ...CONVERSATION_HANDLERS,
};

/** chrome.runtime.onMessage's listener: true when the answer will come (asynchronously). */
export function onMessage(msg, sender, sendResponse) {
  if (!msg || typeof msg.type !== 'string') return false;
  const handler = HANDLERS[msg.type];
  if (!handler) return false;
  handler(msg, sender).then(sendResponse, (e) => {
    console.error('SafeDM:', msg.type, e);
    sendResponse({ type: MSG.WORKER_ERROR, error: String(e && e.message ? e.message : e) });
  });
  return true; // answered asynchronously
}
