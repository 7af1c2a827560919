import type { ActionContext } from '../action-context.js';
import type { ProfileSpec } from '../profiles.js';

/** One action's handler and who may run it. */
export interface ActionEntry {
  handler: (ctx: ActionContext) => void | Promise<void>;
  /** Needs a write class (call, originate, system, command): refused to read-only users. */
  write?: boolean;
  /** Allowed before Login (Login, Challenge, Logoff). */
  preAuth?: boolean;
  /** Versions that have the action; others answer it as unknown. */
  available?: (p: ProfileSpec) => boolean;
}

/** Handlers by action name, as each actions/ module lists its own (dispatch matches names case-insensitively). */
export type ActionTable = Record<string, ActionEntry>;
