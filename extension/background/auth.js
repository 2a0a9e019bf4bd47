// @ts-check
// Who may ask, and the PIN: options:* only from the extension's own pages, most of them only
// while unlocked (an unlocked session in chrome.storage.session, `lockMinutes` long, extended by
// activity); a wrong PIN or recovery code waits 1 s, then twice as long each time (15 minutes at
// most), counted in storage so a restarted worker keeps the count. The handlers of setup,
// unlock, lock, PIN change and recovery.
import '../common/protocol.js';
import { validateSettings } from '../common/settings.js';
import {
  hashPin, verifyPin, validPin, makeRecoveryCode, normalizeRecoveryCode, hashSecret, verifySecret, makeEvidenceKeysWith,
  wrapJwk, unwrapJwk,
} from '../common/crypto.js';
import { AUTH_KEY, UNLOCK_KEY } from './store.js';
import { store, settings, ready, writeSettings, addTamper } from './state.js';

const { MSG, ERROR } = SafeDMProtocol;

/** Only the extension's own pages (options, popup) may send options:* messages. */
export function fromOwnPage(sender) {
  const base = chrome.runtime.getURL('');
  return !!sender && sender.id === chrome.runtime.id && typeof sender.url === 'string' &&
    sender.url.startsWith(base) && !sender.url.startsWith(`${base}content/`);
}
/**
 * A handler: the request (checked by the handler itself: it comes from another context) and its
 * sender; answers one of protocol.js's replies.
 * @typedef {(msg: any, sender: chrome.runtime.MessageSender) => Promise<WorkerReply>} Handler
 */
/** @param {Handler} fn @returns {Handler} */
export const parentOnly = (fn) => async (msg, sender) => {
  if (!fromOwnPage(sender)) return { type: MSG.WORKER_ERROR, error: ERROR.FORBIDDEN };
  await ready;
  return fn(msg, sender);
};
/** @param {Handler} fn @returns {Handler} */
export const unlockedOnly = (fn) => parentOnly(async (msg, sender) => {
  if (!(await unlockedUntil())) return { type: MSG.WORKER_ERROR, error: ERROR.LOCKED };
  await setUnlocked(settings.lockMinutes); // activity keeps the session open a little longer
  return fn(msg, sender);
});

/** Wrong PINs: 1 s after the first, then doubling, at most 15 minutes. */
export const backoffMs = (failures) => (failures <= 0 ? 0 : Math.min(900, 2 ** (failures - 1)) * 1000);

/** A wrong PIN or recovery code: counted (in storage) and answered with the wait. */
export async function wrongSecret(auth) {
  const failures = (auth.failures || 0) + 1;
  const retryAt = Date.now() + backoffMs(failures);
  await store.update(AUTH_KEY, (a) => ({ ...a, failures, retryAt }));
  return { type: MSG.WORKER_LOCKED, retryIn: retryAt - Date.now(), failures, wrong: true };
}

export async function unlockedUntil() {
  /** @type {Record<string, any>} */
  const got = await chrome.storage.session.get(UNLOCK_KEY);
  const v = got[UNLOCK_KEY];
  return v && v.until > Date.now() ? v.until : 0;
}
export async function setUnlocked(minutes) {
  await chrome.storage.session.set({ [UNLOCK_KEY]: { until: Date.now() + minutes * 60000 } });
}

/** @type {Record<string, Handler>} the parent's page: state, setup, PIN change, a new recovery code, recovery, unlock, lock */
export const AUTH_HANDLERS = {
  [MSG.OPTIONS_STATE]: parentOnly(async () => {
    const auth = (await store.get(AUTH_KEY)) || {};
    const unlock = await unlockedUntil();
    const now = Date.now();
    return {
      type: MSG.WORKER_STATE,
      hasPin: !!auth.pin,
      setupDone: !!auth.pin && settings.setupDone,
      unlockedUntil: unlock,
      retryIn: Math.max(0, (auth.retryAt || 0) - now),
      failures: auth.failures || 0,
      hasRecovery: !!auth.recovery,
    };
  }),
  [MSG.OPTIONS_SETUP]: parentOnly(async (msg) => {
    const auth = (await store.get(AUTH_KEY)) || {};
    if (auth.pin && !(await unlockedUntil())) return { type: MSG.WORKER_ERROR, error: ERROR.LOCKED };
    if (!validPin(msg.pin)) return { type: MSG.WORKER_ERROR, error: ERROR.BAD_PIN };
    const { settings: s, repaired } = validateSettings({ ...msg.settings, setupDone: true });
    const pin = await hashPin(msg.pin);
    // The recovery code: returned once, to be shown once; only its hash is kept.
    const code = makeRecoveryCode();
    const evidence = await makeEvidenceKeysWith(msg.pin, code);
    await store.set(AUTH_KEY, { pin, evidence, recovery: await hashSecret(code), failures: 0, retryAt: 0 });
    await writeSettings(s);
    await setUnlocked(s.lockMinutes);
    return { type: MSG.WORKER_OK, repaired, unlockedUntil: await unlockedUntil(), recoveryCode: code };
  }),
  [MSG.OPTIONS_CHANGE_PIN]: unlockedOnly(async (msg) => {
    // The old PIN is asked again (an unlocked page left open is not enough), with the back-off.
    const auth = (await store.get(AUTH_KEY)) || {};
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    if (!validPin(msg.pin)) return { type: MSG.WORKER_ERROR, error: ERROR.BAD_PIN };
    if (!(await verifyPin(String(msg.old || ''), auth.pin))) return wrongSecret(auth);
    const evidence = auth.evidence ? { ...auth.evidence } : null;
    if (evidence && evidence.wrapped) {
      const jwk = await unwrapJwk(String(msg.old), evidence.wrapped);
      if (!jwk) return { type: MSG.WORKER_ERROR, error: ERROR.EVIDENCE };
      evidence.wrapped = await wrapJwk(msg.pin, jwk);
    }
    const pin = await hashPin(msg.pin);
    await store.update(AUTH_KEY, (a) => ({ ...a, pin, evidence, failures: 0, retryAt: 0 }));
    await addTamper({ kind: 'pin-changed', reviewed: true });
    return { type: MSG.WORKER_OK, evidence: evidence ? evidence.wrapped : null };
  }),
  [MSG.OPTIONS_NEW_RECOVERY]: unlockedOnly(async (msg) => {
    // A new recovery code (installs from before issue 16 have none); the old one stops working.
    const auth = (await store.get(AUTH_KEY)) || {};
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    if (!(await verifyPin(String(msg.pin || ''), auth.pin))) return wrongSecret(auth);
    const code = makeRecoveryCode();
    const evidence = auth.evidence ? { ...auth.evidence } : null;
    if (evidence && evidence.wrapped) {
      const jwk = await unwrapJwk(String(msg.pin), evidence.wrapped);
      if (jwk) evidence.recovery = await wrapJwk(code, jwk);
    }
    const recovery = await hashSecret(code);
    await store.update(AUTH_KEY, (a) => ({ ...a, evidence, recovery, failures: 0, retryAt: 0 }));
    return { type: MSG.WORKER_OK, recoveryCode: code };
  }),
  [MSG.OPTIONS_RECOVER]: parentOnly(async (msg) => {
    // A forgotten PIN: the recovery code sets a new one. Nothing is deleted (the excerpts' key is
    // wrapped under the code too); the alert centre shows that it happened, and a new code
    // replaces the used one (shown once).
    const auth = (await store.get(AUTH_KEY)) || {};
    if (!auth.pin) return { type: MSG.WORKER_ERROR, error: ERROR.NO_PIN };
    if (!auth.recovery) return { type: MSG.WORKER_ERROR, error: ERROR.NO_RECOVERY };
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    const code = normalizeRecoveryCode(msg.code);
    if (!validPin(msg.pin)) return { type: MSG.WORKER_ERROR, error: ERROR.BAD_PIN };
    if (!code || !(await verifySecret(code, auth.recovery))) return wrongSecret(auth);
    const next = makeRecoveryCode();
    const evidence = auth.evidence ? { ...auth.evidence } : null;
    if (evidence) {
      const jwk = evidence.recovery ? await unwrapJwk(code, evidence.recovery) : null;
      if (jwk) {
        evidence.wrapped = await wrapJwk(msg.pin, jwk);
        evidence.recovery = await wrapJwk(next, jwk);
      }
    }
    const pin = await hashPin(msg.pin);
    const recovery = await hashSecret(next);
    await store.update(AUTH_KEY, (a) => ({ ...a, pin, evidence, recovery, failures: 0, retryAt: 0 }));
    await addTamper({ kind: 'pin-recovered' });
    await setUnlocked(settings.lockMinutes);
    return { type: MSG.WORKER_OK, unlockedUntil: await unlockedUntil(), evidence: evidence ? evidence.wrapped : null, recoveryCode: next };
  }),
  [MSG.OPTIONS_UNLOCK]: parentOnly(async (msg) => {
    const auth = (await store.get(AUTH_KEY)) || {};
    if (!auth.pin) return { type: MSG.WORKER_ERROR, error: ERROR.NO_PIN };
    const now = Date.now();
    if ((auth.retryAt || 0) > now) return { type: MSG.WORKER_LOCKED, retryIn: auth.retryAt - now, failures: auth.failures };
    if (await verifyPin(String(msg.pin || ''), auth.pin)) {
      await store.update(AUTH_KEY, (a) => ({ ...a, failures: 0, retryAt: 0 }));
      await setUnlocked(settings.lockMinutes);
      return { type: MSG.WORKER_OK, unlockedUntil: await unlockedUntil(), evidence: auth.evidence ? auth.evidence.wrapped : null };
    }
    return wrongSecret(auth);
  }),
  [MSG.OPTIONS_LOCK]: parentOnly(async () => {
    await chrome.storage.session.remove(UNLOCK_KEY);
    return { type: MSG.WORKER_OK };
  }),
};
