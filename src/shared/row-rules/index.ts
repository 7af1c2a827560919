/**
 * The rules a manager_queue row must keep (SPEC §5): the queue's, not one worker's. The sender
 * judges every claimed row by them; the CLI and the client library check a row before inserting
 * it, so bad input fails at once with the message the row would get as INVALID.
 */
export { validateRow, type ActionPlan, type RowToCheck, type SenderPolicy, type Validation } from './validate.js';
export { parseParams, MAX_PARAMS_CHARS, type ParsedParams } from './params.js';
export { checkValue, DANGEROUS_APPLICATIONS, DANGEROUS_FUNCTIONS, type SafetyPolicy } from './value-safety.js';
export { commandAllowed } from './command-prefix.js';
export { checkNewRow, DEFAULT_POLICY, senderPolicy } from './check-new-row.js';
export {
  CUSTOM_DEVICE,
  CUSTOM_PRESENCE,
  DEVICE_STATES,
  PRESENCE_STATES,
  deviceVariable,
  presenceValue,
  presenceVariable,
  relayPolicyOf,
  relayTag,
  type PresenceValue,
  type RelayPolicy,
} from './relay-setvar.js';
