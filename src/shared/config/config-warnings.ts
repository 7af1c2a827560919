import { unknownActions } from './asterisk-actions.js';
import type { AmiqConfig } from './schema.js';

/** Doubts about a valid configuration, each naming the key: said once, never fatal. */
export function configWarnings(config: AmiqConfig): string[] {
  const unknown = unknownActions(config.action_sender.allowed_actions);
  if (unknown.length === 0) return [];
  const names = unknown.map((n) => JSON.stringify(n)).join(', ');
  const verb = unknown.length === 1 ? 'is not an Asterisk action' : 'are not Asterisk actions';
  return [`action_sender.allowed_actions: ${names} ${verb} amiq knows (a typo? an action a module adds is fine)`];
}
