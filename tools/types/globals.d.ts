// Globals of the extension's classic scripts, for type checking (tsconfig.json).
//
// `SafeDM` is the namespace the content scripts share in their isolated world: content/lib.js
// creates it, the site adapters register with it, alert.js and sextortion.js add the child's
// screens, main.js uses them all. (`SafeDMProtocol` needs no declaration: common/protocol.js is
// a script, and its top-level `var` is a global of the program.)

/** A site adapter (content/sites/*.js): data that content/lib.js interprets. */
interface SafeDMSite {
  name: string;
  label: string;
  hosts: string[];
  path?: RegExp;
  row: string;
  shadow?: boolean;
  idsOrdered?: boolean;
  help?: { block: string[] };
  /** The rules (selectors, attribute + regex rules, fallbacks): each kind is read by lib.js. */
  [rule: string]: any;
}

/** A row as read by SafeDM.readRow. */
interface SafeDMRead {
  text: string;
  author: string;
  time?: number;
  role?: Role;
  edited?: boolean;
  hash?: string;
  id?: string;
}

/** What a rule may read besides the row: the conversation, the names seen, the document. */
interface SafeDMReadContext {
  conversation?: string;
  [more: string]: any;
}

/** A child alert as main.js hands it to the screen that shows it. */
type SafeDMShownAlert = ChildAlert & { siteLabel?: string; help?: string[]; quote?: string; region?: string };

/** A child of SafeDM.el: a node, a string (a text node) or nothing. */
type SafeDMChild = Node | string | null | undefined | false;

type SafeDMDismissed = (action: ChildAction) => void;

interface SafeDMContent {
  sites: SafeDMSite[];
  MAX_TEXT: number;
  started?: boolean;
  defineSite(def: SafeDMSite): void;
  siteFor(loc: Location): SafeDMSite | null;
  shadowOf(el: Element): ShadowRoot | null;
  shadowRoots(root: Node, out?: ShadowRoot[]): ShadowRoot[];
  queryAll(root: ParentNode, selector: string, deep?: boolean): Element[];
  textOf(el: Element, ignore?: string): string;
  hash(s: string): string;
  firstValue(rules: unknown, row: Element, ctx: SafeDMReadContext): string;
  alignment(row: Element, bubbleSel?: string): 'child' | 'contact' | 'unknown';
  readRow(site: SafeDMSite, row: Element, ctx: SafeDMReadContext): SafeDMRead | null;
  conversationOf(site: SafeDMSite, ctx?: SafeDMReadContext): string;
  conversationWeak: boolean;
  el(tag: string, props?: object | null, ...children: (SafeDMChild | SafeDMChild[])[]): HTMLElement;
  hostStyle(inset?: string): string;
  regionIn(help: Record<string, unknown>, setting: string): string;
  SHORTCUT: string;
  shortcutLabel(): string;
  isShortcut(e: KeyboardEvent): boolean;
  hasFocus(host: Element | null): boolean;
  toggleFocus(host: HTMLElement | null, target: HTMLElement | null): boolean;
  focusBack(): boolean;
  generic: SafeDMSite;
  genericRows(): Element[];
  // content/alert.js
  HELP_REGIONS: string[];
  region(setting: string): string;
  hideAlert(): void;
  focusAlert(): boolean;
  alertShowing(): boolean;
  showAlert(alert: SafeDMShownAlert, dismissed: SafeDMDismissed, opts?: { open?: string }): void;
  // content/sextortion.js
  SEXTORTION_REGIONS: string[];
  sextortionShowing(): boolean;
  hideSextortion(): void;
  focusSextortion(): boolean;
  showSextortion(alert: SafeDMShownAlert, dismissed: SafeDMDismissed): void;
}

// eslint-disable-next-line no-var
declare var SafeDM: SafeDMContent;

interface Navigator {
  /** User-Agent Client Hints (Chromium); absent in Firefox. */
  userAgentData?: { platform?: string };
}
