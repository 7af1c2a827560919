import type { EnqueueInput } from '../queue/enqueue.js';
import { DEFAULT_ALLOWED_ACTIONS, type AmiqConfig } from '../config/schema.js';
import { relayPolicyOf } from './relay-setvar.js';
import { validateRow, type SenderPolicy, type Validation } from './validate.js';

/** The sender's defaults (no Command, no dangerous dialplan): what a client assumes unless told the config. */
export const DEFAULT_POLICY: SenderPolicy = { allowedActions: DEFAULT_ALLOWED_ACTIONS, allowedCommands: [], allowedDangerous: [] };

/**
 * The policy the action-sender of `server` applies: `[action_sender]`'s lists, and the device
 * relay's SetVar form when `server` is in the `[device_relay]` group. The sender judges claimed
 * rows by it; the CLI and the HTTP API judge a row by it before inserting it.
 */
export function senderPolicy(config: Pick<AmiqConfig, 'action_sender' | 'device_relay'>, server: string): SenderPolicy {
  const s = config.action_sender;
  return {
    allowedActions: s.allowed_actions,
    allowedCommands: s.allowed_commands,
    allowedDangerous: s.allowed_dangerous,
    relay: relayPolicyOf(server, config.device_relay),
  };
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
