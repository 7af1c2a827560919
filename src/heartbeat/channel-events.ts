import type { AmiMessage } from '../shared/ami/message.js';
import type { ChannelChange, ListedChannel } from './channel-map.js';
import { stateText } from './channel-states.js';

/** State of a channel event or listing item: ChannelStateDesc (1.6+), State (1.4), ChannelState. */
function messageState(msg: AmiMessage): string | undefined {
  return stateText(msg.get('ChannelStateDesc') ?? msg.get('State'), msg.get('ChannelState'));
}

/**
 * The channel-list change an event means, or null. Newchannel/Newstate/Hangup/Rename exist in
 * every version; Rename is `Oldname/Newname` in 1.4 and `Channel/Newname` in 1.6 and later.
 */
export function channelChange(msg: AmiMessage): ChannelChange | null {
  const name = msg.eventName?.toLowerCase();
  if (name === undefined) return null;
  if (name === 'newchannel' || name === 'newstate') {
    const channel = msg.get('Channel');
    return channel === undefined ? null : { kind: 'set', name: channel, state: messageState(msg) };
  }
  if (name === 'hangup') {
    const channel = msg.get('Channel');
    return channel === undefined ? null : { kind: 'remove', name: channel };
  }
  if (name === 'rename') {
    const from = msg.get('Oldname') ?? msg.get('Channel');
    const to = msg.get('Newname');
    if (from === undefined || to === undefined) return null;
    return { kind: 'rename', from, to, state: messageState(msg) };
  }
  return null;
}

/** Items of a CoreShowChannels list (1.6+: `CoreShowChannel` events). */
export function listedFromCoreShowChannels(items: readonly AmiMessage[]): ListedChannel[] {
  const out: ListedChannel[] = [];
  for (const item of items) {
    const channel = item.get('Channel');
    if (item.eventName?.toLowerCase() === 'coreshowchannel' && channel !== undefined) {
      out.push({ name: channel, state: messageState(item) });
    }
  }
  return out;
}

/** Fewest `!` fields of a concise line (1.4: 12, 1.6: 13, 1.8+: 14). */
const CONCISE_MIN_FIELDS = 12;

/**
 * Lines of `core show channels concise` (or 1.4's `show channels concise`). Data may hold `!`,
 * but Channel (field 1) and State (field 5) come before it, so a left split is enough. Lines
 * that do not parse (1.4's deprecation notice, blank lines, `No such command`) are skipped.
 */
export function listedFromConcise(lines: readonly string[]): ListedChannel[] {
  const out: ListedChannel[] = [];
  for (const line of lines) {
    const fields = line.split('!');
    const name = fields[0]?.trim();
    const state = fields[4]?.trim();
    if (fields.length >= CONCISE_MIN_FIELDS && name && state) out.push({ name, state });
  }
  return out;
}
