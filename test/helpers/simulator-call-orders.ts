import type { AmiMessage } from '../../src/shared/ami/message.js';

/**
 * The events of each originated Local call of a burst, in wire order, as keys like `Hangup;1#0`
 * (name, half, what changed, occurrence): calls are told apart by their Local pair's id, an
 * OriginateResponse joins its call through `ActionID: amiq-<n>` and the call's `VarSet AMIQ_ID=<n>`.
 */
export function callOrders(messages: readonly AmiMessage[]): string[][] {
  // List items (CoreShowChannel) answer an action: not part of a call's own stream.
  const events = messages.filter((m) => m.kind === 'event' && (m.eventName === 'OriginateResponse' || m.get('ActionID') === undefined));
  const pairOfId = new Map<string, string>();
  for (const m of events) {
    if (m.eventName !== 'VarSet' || m.get('Variable') !== 'AMIQ_ID') continue;
    const pair = localPair(m.get('Channel'));
    if (pair) pairOfId.set(m.get('Value')!, pair[0]);
  }
  const calls = new Map<string, string[]>();
  const add = (pair: string, key: string) => {
    let keys = calls.get(pair);
    if (!keys) calls.set(pair, (keys = []));
    keys.push(`${key}#${keys.filter((k) => k.startsWith(`${key}#`)).length}`);
  };
  for (const m of events) {
    const name = m.eventName!;
    if (name === 'OriginateResponse') {
      const pair = pairOfId.get((m.get('ActionID') ?? '').replace(/^amiq-/, ''));
      if (pair) add(pair, name);
      continue;
    }
    const pair = localPair(m.get('Channel') ?? m.get('DestChannel') ?? m.get('LocalOneChannel'));
    if (!pair) continue;
    const what = name === 'VarSet' ? `:${m.get('Variable')}` : name === 'Newstate' ? `:${m.get('ChannelState')}` : '';
    add(pair[0], `${name}${name === 'LocalBridge' ? '' : `;${pair[1]}`}${what}`);
  }
  return [...calls.values()];
}

function localPair(channel: string | undefined): [id: string, half: string] | undefined {
  const m = /^Local\/.*-([0-9a-f]{8});([12])$/.exec(channel ?? '');
  return m ? [m[1]!, m[2]!] : undefined;
}

/** Every `a|b` where a came before b in some call. */
export function orderedPairs(calls: readonly string[][]): Set<string> {
  const seen = new Set<string>();
  for (const keys of calls) for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) seen.add(`${keys[i]}|${keys[j]}`);
  return seen;
}
