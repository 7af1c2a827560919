import type { RowParams } from '../shared/queue/index.js';
import { deviceVariable, presenceValue, presenceVariable, relayTag } from '../shared/row-rules/index.js';
import type { StateChange } from './state-change.js';

/** What a state becomes on the other servers: a SetVar row's params and its coalescing tag. */
export interface RelayRow {
  tag: string;
  /** The Value header: what an echo of this state carries back. */
  value: string;
  params: RowParams;
}

export function relayRowOf(c: StateChange): RelayRow {
  const variable = c.kind === 'device' ? deviceVariable(c.name) : presenceVariable(c.name);
  const value = c.kind === 'device' ? c.state : presenceValue(c.presence);
  return { tag: relayTag(variable), value, params: { Variable: variable, Value: value } };
}

/** The Value of a relay row's params text, or undefined when it has none. */
export function valueOfParams(params: string): string | undefined {
  try {
    const v = (JSON.parse(params) as { Value?: unknown }).Value;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
