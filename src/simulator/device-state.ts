import { STATE } from './wire.js';

/**
 * Device and extension state values as Asterisk names them (main/devicestate.c, main/pbx.c),
 * and the pure rules that combine them. No I/O: `devices.ts` applies them to the PBX model.
 */
export const DEVICE_STATES = ['UNKNOWN', 'NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

const BY_NAME = new Map<string, DeviceState>(DEVICE_STATES.map((s) => [s.toLowerCase(), s]));

/** ast_devstate_val: case-insensitive; anything else (and '') is UNKNOWN. */
export function parseDeviceState(value: string): DeviceState {
  return BY_NAME.get(value.toLowerCase()) ?? 'UNKNOWN';
}

export function isDeviceState(value: string): value is DeviceState {
  return BY_NAME.get(value.toLowerCase()) === value;
}

const PRE_RING = 9;

/** ast_state_chan2dev: a channel's state as its device's. */
export function chanStateToDevice(state: number): DeviceState {
  switch (state) {
    case STATE.Down:
      return 'NOT_INUSE';
    case STATE.Ringing:
    case PRE_RING:
      return 'RINGING';
    case STATE.Busy:
      return 'BUSY';
    default:
      return 'INUSE';
  }
}

/** Rank of each state in ast_devstate_aggregate_add (12+): the highest wins, ringing + in use is RINGINUSE. */
const ORDER: Record<DeviceState, number> = {
  INVALID: 0,
  UNKNOWN: 1,
  UNAVAILABLE: 2,
  NOT_INUSE: 3,
  ONHOLD: 4,
  RINGING: 5,
  INUSE: 6,
  BUSY: 7,
  RINGINUSE: 8,
};

/** ast_devstate_aggregate_*: what several states (channels of a device, devices of a hint) add up to. */
export function aggregate(states: Iterable<DeviceState>): DeviceState {
  let result: DeviceState = 'INVALID';
  let ringing = false;
  let inuse = false;
  for (const s of states) {
    if (s === 'RINGING') ringing = true;
    else if (s === 'INUSE' || s === 'ONHOLD' || s === 'BUSY') inuse = true;
    if (ringing && inuse) result = 'RINGINUSE';
    else if (ORDER[s] > ORDER[result]) result = s;
  }
  return result;
}

/** Extension states (pbx.h): bit values, as ExtensionStatus `Status:` shows them. */
export const EXTENSION = { NOT_INUSE: 0, INUSE: 1, BUSY: 2, UNAVAILABLE: 4, RINGING: 8, ONHOLD: 16 } as const;

/** ast_devstate_to_extenstate. */
export function extensionState(device: DeviceState): number {
  switch (device) {
    case 'ONHOLD':
      return EXTENSION.ONHOLD;
    case 'BUSY':
      return EXTENSION.BUSY;
    case 'UNAVAILABLE':
    case 'INVALID':
      return EXTENSION.UNAVAILABLE;
    case 'RINGINUSE':
      return EXTENSION.INUSE | EXTENSION.RINGING;
    case 'RINGING':
      return EXTENSION.RINGING;
    case 'INUSE':
      return EXTENSION.INUSE;
    default:
      return EXTENSION.NOT_INUSE;
  }
}

const EXTENSION_TEXT = new Map<number, string>([
  [0, 'Idle'],
  [1, 'InUse'],
  [2, 'Busy'],
  [4, 'Unavailable'],
  [8, 'Ringing'],
  [9, 'InUse&Ringing'],
  [16, 'Hold'],
  [17, 'InUse&Hold'],
]);

/** ast_extension_state2str. */
export function extensionStateText(state: number): string {
  return EXTENSION_TEXT.get(state) ?? 'Unknown';
}

/** Presence states (main/presencestate.c), lower case as the events write them. */
export const PRESENCE_STATES = ['not_set', 'unavailable', 'available', 'away', 'xa', 'chat', 'dnd'] as const;
export type PresenceStatus = (typeof PRESENCE_STATES)[number];

/** ast_presence_state_val: case-insensitive, undefined when invalid. */
export function parsePresenceStatus(value: string): PresenceStatus | undefined {
  const v = value.toLowerCase();
  return (PRESENCE_STATES as readonly string[]).includes(v) ? (v as PresenceStatus) : undefined;
}
