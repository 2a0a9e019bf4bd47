// @ts-check
// The messages between the extension's contexts: every message type, the status and error
// codes, and the shape of each request and its reply. The only place a message type is spelled
// out; everything else names it through `SafeDMProtocol.MSG` (tests/extension/static.test.mjs
// fails on a bare one elsewhere).
//
// Types are named by their sender: content:* (content script -> worker), options:* (the parent's
// page -> worker; answered only to the extension's own pages, and all but state, setup, unlock,
// lock and recover only while unlocked), popup:* (popup -> content script), worker:* (the worker's
// replies, and worker:focus-alert to a tab).
//
// One file for both kinds of context. Content scripts cannot be ES modules: the manifest lists
// this file before content/lib.js, as a classic script, and the `var` below is a global of their
// shared isolated world. The worker, the options page and the popup are modules: they
// `import '../common/protocol.js'` for its effect, which sets the same global (a module's
// top-level `var` is its own, hence the assignment to globalThis). So it has no import or export.
'use strict';

var SafeDMProtocol = (() => {
  /**
   * Message types. Keys are SENDER_WHAT; values are what goes over the wire (unchanged since
   * before this file, so an older page or test speaks the same protocol).
   */
  const MSG = Object.freeze({
    // content script -> worker
    CONTENT_HELLO: 'content:hello',
    CONTENT_OPEN: 'content:open',
    CONTENT_MESSAGES: 'content:messages',
    CONTENT_STATUS: 'content:status',
    CONTENT_ALERT_DISMISSED: 'content:alert-dismissed',
    // the parent's page -> worker
    OPTIONS_STATE: 'options:state',
    OPTIONS_SETUP: 'options:setup',
    OPTIONS_UNLOCK: 'options:unlock',
    OPTIONS_LOCK: 'options:lock',
    OPTIONS_RECOVER: 'options:recover',
    OPTIONS_CHANGE_PIN: 'options:change-pin',
    OPTIONS_NEW_RECOVERY: 'options:new-recovery',
    OPTIONS_DATA: 'options:data',
    OPTIONS_CONVERSATIONS: 'options:conversations',
    OPTIONS_SAVE_SETTINGS: 'options:save-settings',
    OPTIONS_ALERTS: 'options:alerts',
    // popup -> content script (answered with a CONTENT_STATUS-typed reply)
    POPUP_STATUS: 'popup:status',
    // worker -> a tab's content script (no reply)
    WORKER_FOCUS_ALERT: 'worker:focus-alert',
    // the worker's replies
    WORKER_CONFIG: 'worker:config',
    WORKER_CONVERSATION: 'worker:conversation',
    WORKER_ASSESSMENT: 'worker:assessment',
    WORKER_STATE: 'worker:state',
    WORKER_DATA: 'worker:data',
    WORKER_CONVERSATIONS: 'worker:conversations',
    WORKER_LOCKED: 'worker:locked',
    WORKER_OK: 'worker:ok',
    WORKER_ERROR: 'worker:error',
  });

  /**
   * Why a tab's reader is in the state it is (content:status `code`, kept per tab in
   * chrome.storage.session for the popup). The popup words them itself, in the browser's language.
   */
  const STATUS = Object.freeze({
    /** Reading with the site's adapter. */
    OK: '',
    /** The site is switched off in the settings. */
    SITE_OFF: 'site-off',
    /** The adapter stopped matching: the generic reader is reading the page. */
    GENERIC_READER: 'generic-reader',
  });

  /** worker:error `error` codes (an exception's message otherwise). */
  const ERROR = Object.freeze({
    /** options:* from anything but the extension's own pages. */
    FORBIDDEN: 'forbidden',
    /** Needs an unlocked session. */
    LOCKED: 'locked',
    BAD_PIN: 'bad-pin',
    NO_PIN: 'no-pin',
    NO_RECOVERY: 'no-recovery',
    /** The evidence key could not be unwrapped with the old PIN. */
    EVIDENCE: 'evidence',
    BAD_CONVERSATION: 'bad conversation',
    BAD_BATCH: 'bad batch',
  });

  /** What the child did with an alert (content:alert-dismissed `action`). */
  const CHILD_ACTIONS = Object.freeze(['close', 'escape', 'ok', 'block', 'talk']);

  return Object.freeze({ MSG, STATUS, ERROR, CHILD_ACTIONS });
})();
globalThis.SafeDMProtocol = SafeDMProtocol; // for the modules that import this file

// ---- shared shapes ------------------------------------------------------------------------

/** @typedef {'none' | 'watch' | 'warn' | 'alert'} Level */
/** @typedef {'contact' | 'child' | 'unknown'} Role */
/** @typedef {'grooming' | 'sextortion'} AlertKind */
/** @typedef {'close' | 'escape' | 'ok' | 'block' | 'talk'} ChildAction */

/**
 * A conversation's watermark: the newest message scored as new (its id), the newest site time
 * seen (seconds, 0 = none) and the greatest ordered id ('' = not an ordered-id site).
 * @typedef {{id: string, time: number, top: string}} Mark
 */

/**
 * One message as the content script read it (text only in memory, never stored).
 * @typedef {object} WireMessage
 * @property {string} id the site's id, or a hash of the row
 * @property {string} hash the text's hash (a known id with another hash is an edit)
 * @property {Role} role
 * @property {string} text
 * @property {number} [time] the site's time, seconds since the epoch (0 or absent: none)
 * @property {number} [seenAt] when the row appeared on the page, ms since the epoch
 * @property {boolean} [history] older than what the worker already scored
 * @property {boolean} [edit]
 */

/**
 * What the child's screen shows (worker:assessment `alert`).
 * @typedef {object} ChildAlert
 * @property {string} site
 * @property {AlertKind} kind
 * @property {string} audience who else is told ('child' | 'parent' | 'both')
 * @property {string} contact
 * @property {Level} level
 * @property {string} stage
 * @property {string} summary
 * @property {{category: string, child: string}[]} reasons
 * @property {string} messageId
 */

/**
 * A tab's reader status as the popup reads it (chrome.storage.session `tab:<id>`).
 * @typedef {object} TabStatus
 * @property {string} [site]
 * @property {string} [conversation]
 * @property {string} [adapter] 'site' | 'generic'
 * @property {number} [rows]
 * @property {boolean} [settled]
 * @property {string} [code] one of STATUS
 * @property {Level | null} [level] null when only the parent is told
 * @property {number | null} [risk]
 * @property {number} [updated]
 */

// ---- content script -> worker -----------------------------------------------------------

/** @typedef {{type: 'content:hello', site: string}} HelloRequest */
/**
 * @typedef {{type: 'worker:config', enabled: boolean, alertChild: boolean, region: string}} ConfigReply
 */
/** @typedef {{type: 'content:open', site: string, conversation: string}} OpenRequest */
/** @typedef {{type: 'worker:conversation', conversation: string, mark: Mark | null}} ConversationReply */
/**
 * @typedef {object} MessagesRequest
 * @property {'content:messages'} type
 * @property {string} site
 * @property {string} conversation
 * @property {string} [contact]
 * @property {string} [adapter]
 * @property {boolean} [idsOrdered] the site's ids grow with time (numeric strings)
 * @property {WireMessage[]} messages
 */
/**
 * @typedef {object} AssessmentReply
 * @property {'worker:assessment'} type
 * @property {boolean} [skipped] the site is switched off: nothing scored
 * @property {string} [conversation]
 * @property {number} [observed] messages scored
 * @property {Level | null} [level] of the last message scored
 * @property {number | null} [risk]
 * @property {string | null} [stage]
 * @property {ChildAlert | null} [alert] to show the child (null: none, or the child is not told)
 */
/**
 * @typedef {object} StatusRequest
 * @property {'content:status'} type
 * @property {string} site
 * @property {string} conversation
 * @property {string} adapter
 * @property {number} rows
 * @property {boolean} [settled]
 * @property {string} [code] one of STATUS
 * @property {string} [label] the site's name (the answer to popup:status)
 */
/**
 * @typedef {{type: 'content:alert-dismissed', site: string, conversation: string, action: ChildAction}} AlertDismissedRequest
 */

// ---- popup -> content script, worker -> content script -------------------------------------

/** @typedef {{type: 'popup:status'}} PopupStatusRequest */
/** @typedef {{type: 'worker:focus-alert'}} FocusAlertRequest */

// ---- the parent's page -> worker ------------------------------------------------------------

/** @typedef {{type: 'options:state'}} StateRequest */
/**
 * @typedef {object} StateReply
 * @property {'worker:state'} type
 * @property {boolean} hasPin
 * @property {boolean} setupDone
 * @property {number} unlockedUntil ms since the epoch, 0 = locked
 * @property {number} retryIn ms until a PIN may be tried again
 * @property {number} failures wrong PINs in a row
 * @property {boolean} hasRecovery
 */
/** @typedef {{type: 'options:setup', pin: string, settings: object}} SetupRequest */
/** @typedef {{type: 'options:unlock', pin: string}} UnlockRequest */
/** @typedef {{type: 'options:lock'}} LockRequest */
/** @typedef {{type: 'options:recover', code: string, pin: string}} RecoverRequest */
/** @typedef {{type: 'options:change-pin', old: string, pin: string}} ChangePinRequest */
/** @typedef {{type: 'options:new-recovery', pin: string}} NewRecoveryRequest */
/** @typedef {{type: 'options:data'}} DataRequest */
/** @typedef {{type: 'options:conversations'}} ConversationsRequest */
/** @typedef {{type: 'options:save-settings', settings: object}} SaveSettingsRequest */
/**
 * @typedef {object} AlertsRequest
 * @property {'options:alerts'} type
 * @property {'alerts' | 'tamper' | 'health'} [log] the alert log unless named
 * @property {'review' | 'delete' | 'delete-all'} op
 * @property {string[]} [ids] entry ids (entryId in background/store.js)
 */

/**
 * @typedef {object} OkReply
 * @property {'worker:ok'} type
 * @property {string[]} [repaired] settings fields that were repaired (setup, save-settings)
 * @property {string[]} [managedKeys] settings forced by policy (save-settings)
 * @property {number} [unlockedUntil] (setup, unlock, recover)
 * @property {string} [recoveryCode] shown once (setup, recover, new-recovery)
 * @property {object | null} [evidence] the wrapped evidence key (unlock, recover, change-pin)
 */
/**
 * A wrong PIN or recovery code, or one tried before the back-off ended.
 * @typedef {{type: 'worker:locked', retryIn: number, failures: number, wrong?: boolean}} LockedReply
 */
/**
 * @typedef {object} DataReply
 * @property {'worker:data'} type
 * @property {object} settings the parent's own
 * @property {object} effective with the managed ones forced over them
 * @property {string[]} managedKeys
 * @property {object[]} alerts
 * @property {object[]} tamper
 * @property {object[]} health
 * @property {number} unlockedUntil
 * @property {boolean} hasRecovery
 * @property {string} timeZone
 */
/**
 * @typedef {{site: string, conversation: string, contact: string, updated: number, peak: string}} ConversationSummary
 */
/** @typedef {{type: 'worker:conversations', list: ConversationSummary[]}} ConversationsReply */
/** @typedef {{type: 'worker:error', error: string}} ErrorReply */

/**
 * @typedef {HelloRequest | OpenRequest | MessagesRequest | StatusRequest | AlertDismissedRequest
 *   | StateRequest | SetupRequest | UnlockRequest | LockRequest | RecoverRequest | ChangePinRequest
 *   | NewRecoveryRequest | DataRequest | ConversationsRequest | SaveSettingsRequest | AlertsRequest} WorkerRequest
 */
/**
 * @typedef {ConfigReply | ConversationReply | AssessmentReply | StateReply | OkReply | LockedReply
 *   | DataReply | ConversationsReply | ErrorReply} WorkerReply
 */
