/** Channel state text by number (channelstate.h, ast_state2str), for events that carry only the number. */
const STATE_NAMES: Record<number, string> = {
  0: 'Down',
  1: 'Rsrvd',
  2: 'OffHook',
  3: 'Dialing',
  4: 'Ring',
  5: 'Ringing',
  6: 'Up',
  7: 'Busy',
  8: 'Dialing Offhook',
  9: 'Pre-ring',
  65536: 'Mute',
};

/** State text from a ChannelStateDesc/State text or, failing that, a ChannelState number. */
export function stateText(desc: string | undefined, num: string | undefined): string | undefined {
  if (desc !== undefined && desc.trim() !== '') return desc.trim();
  if (num === undefined || !/^\d+$/.test(num.trim())) return undefined;
  const n = Number(num);
  return STATE_NAMES[n] ?? `Unknown (${n})`;
}

/**
 * The configured counted states (SPEC §10 `counted_states`, default Up). Compared without case:
 * some capture code lowercases whole replies, and an operator writing `up` means Up.
 */
export function countedStates(states: readonly string[]): (state: string | undefined) => boolean {
  const set = new Set(states.map((s) => s.trim().toLowerCase()));
  return (state) => state !== undefined && set.has(state.toLowerCase());
}
