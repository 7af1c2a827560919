import type { EnqueueInput } from '../queue/enqueue.js';
import { DEFAULT_ALLOWED_ACTIONS } from '../config/schema.js';
import { validateRow, type SenderPolicy, type Validation } from './validate.js';

/** The sender's defaults (no Command, no dangerous dialplan): what a client assumes unless told the config. */
export const DEFAULT_POLICY: SenderPolicy = { allowedActions: DEFAULT_ALLOWED_ACTIONS, allowedCommands: [], allowedDangerous: [] };

/** The policy `[action_sender]` configures. */
export function policyOf(s: { allowed_actions: readonly string[]; allowed_commands: readonly string[]; allowed_dangerous: readonly string[] }): SenderPolicy {
  return { allowedActions: s.allowed_actions, allowedCommands: s.allowed_commands, allowedDangerous: s.allowed_dangerous };
}

/** A row about to be inserted, judged as the sender will judge it once claimed. */
export function checkNewRow(input: EnqueueInput, policy: SenderPolicy): Validation {
  return validateRow(
    {
      action: input.action,
      channel: input.channel ?? null,
      callerid: input.callerid ?? null,
      params: JSON.stringify(input.params ?? {}),
      not_before: input.not_before ?? null,
      expires_at: input.expires_at ?? null,
    },
    policy,
  );
}
