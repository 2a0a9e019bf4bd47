// The engine's JavaScript API as the extension uses it (`engine/safedm.js` in dist/extension/,
// wasm-bindgen's glue of web/, built by `make wasm` into pkg/). Hand-written for type checking
// only (tsconfig.json `rootDirs`), so that `make lint` needs no build; pkg/safedm.d.ts is what
// wasm-bindgen generates, with `any` where this file says what the bindings return (web/src/lib.rs).

export type Level = 'none' | 'watch' | 'warn' | 'alert';

export interface EngineConfig {
  /** 'relaxed' | 'balanced' | 'strict' (the engine throws on another). */
  sensitivity?: string;
  childAge?: number | null;
}

export interface EngineMessage {
  id?: string;
  role: 'contact' | 'child' | 'unknown';
  text: string;
  /** Seconds since the epoch. */
  time?: number;
}

export interface Reason {
  category: string;
  stage: string;
  /** The sentence for a parent. */
  parent: string;
  /** The sentence for the child. */
  child: string;
  messageIds?: string[];
}

export interface Assessment {
  risk: number;
  level: Level;
  stage: string;
  reasons: Reason[];
  /** The level rose to warn/alert, or a new category appeared at that level. */
  notify: boolean;
  summary: string;
  [more: string]: unknown;
}

export class Engine {
  constructor(config?: EngineConfig | null);
  free(): void;
  config(): EngineConfig;
  conversationCount(): number;
  exportState(conversationId: string): unknown;
  forget(conversationId: string): boolean;
  importState(conversationId: string, state: unknown): void;
  observe(conversationId: string, message: EngineMessage): Assessment;
  setConfig(config: EngineConfig): void;
  /** Compiles up to `maxRows` cue rows not compiled yet; returns how many are left (0: warm). */
  warm(maxRows: number): number;
}

export function stages(): { stage: string; label: string }[];
export function thresholds(sensitivity: string): { watch: number; warn: number; alert: number };
export function version(): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;
