import { AmiError } from '../shared/ami/errors.js';
import type { AmiMessage } from '../shared/ami/message.js';

/** Listing a conference application failed in a way that says nothing about its rooms. */
export class ConferenceListError extends AmiError {}

/**
 * What a list reply means: items follow, none exist (`No active conferences.`, or the room ended
 * between two list actions), or this PBX lacks the action (module not loaded, version too old).
 */
export type ListOutcome = 'items' | 'none' | 'unsupported';

const NONE = /^No active conferences\.?$|^No Conference by that name found\.?$/i;
const UNKNOWN_ACTION = /^Invalid\/unknown command/i;

/** Classify a list action's response; any other Error (permission, ...) is thrown, not guessed at. */
export function classifyListResponse(action: string, response: AmiMessage): ListOutcome {
  const status = response.get('Response') ?? '';
  if (status.toLowerCase() !== 'error') return 'items';
  const message = (response.get('Message') ?? '').trim();
  if (NONE.test(message)) return 'none';
  if (UNKNOWN_ACTION.test(message)) return 'unsupported';
  throw new ConferenceListError(`${action} refused: ${message || '(no message)'}`, {
    action,
    actionId: response.get('ActionID'),
    message,
  });
}

/** The list items called `name` (the Complete event and strays left out). */
export function itemsNamed(events: readonly AmiMessage[], name: string): AmiMessage[] {
  const lower = name.toLowerCase();
  return events.filter((e) => e.eventName?.toLowerCase() === lower);
}

/** `HH:MM:SS` (hours may exceed 24) or plain seconds to seconds; undefined when it is neither. */
export function parseSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(\d+):(\d\d):(\d\d)$/.exec(t);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}
