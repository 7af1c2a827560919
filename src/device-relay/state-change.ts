import type { AmiMessage } from '../shared/ami/message.js';
import type { PresenceValue } from '../shared/row-rules/index.js';

/** One state a server reported: a device's (DeviceStateChange) or a presence provider's (PresenceStateChange). */
export type StateChange = { kind: 'device'; name: string; state: string } | { kind: 'presence'; name: string; presence: PresenceValue };

/**
 * The state an event reports, or null for any other event (or one missing its name or state).
 * The list actions answer with the same events (DeviceStateList → DeviceStateChange,
 * PresenceStateList → PresenceStateChange), so one reading serves both.
 */
export function stateChangeOf(msg: AmiMessage): StateChange | null {
  const event = msg.eventName?.toLowerCase();
  if (event === 'devicestatechange') {
    const name = msg.get('Device');
    const state = msg.get('State');
    return name && state ? { kind: 'device', name, state: state.toUpperCase() } : null;
  }
  if (event === 'presencestatechange') {
    const name = msg.get('Presentity');
    const status = msg.get('Status');
    if (!name || !status) return null;
    return { kind: 'presence', name, presence: { status: status.toLowerCase(), subtype: msg.get('Subtype') ?? '', message: msg.get('Message') ?? '' } };
  }
  return null;
}
