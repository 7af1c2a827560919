import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AmiMessage } from '../../src/shared/ami/message.js';
import { parseAll } from '../../src/shared/ami/parser.js';
import type { QueueRow } from '../../src/shared/db/schema.js';
import { CAPTURES_ROOT, readCapture } from './ami-captures.js';

/**
 * What a lab capture says happened to each Originate it sent, read from the capture alone (not
 * from the listener): the rows the sender would have left, and each row's outcome as Asterisk
 * reported it.
 */
export type CallColumns = Pick<QueueRow, 'uniqueid' | 'linkedid' | 'call_channel' | 'call_state' | 'call_reason' | 'hangup_cause' | 'hangup_cause_txt'>;

export interface CapturedOriginate {
  actionId: string;
  /** `Variable: AMIQ_ID=<n>`: the row id. */
  rowId: number | undefined;
  /** The CallerID number; given to the first Originate that uses it (a callerid is unique per Originate). */
  callerid: string | null;
  /** How Asterisk answered the action. */
  status: 'SUCCESS' | 'FAILED';
  expected: CallColumns;
  answered: boolean;
}

const NONE: CallColumns = {
  uniqueid: null,
  linkedid: null,
  call_channel: null,
  call_state: null,
  call_reason: null,
  hangup_cause: null,
  hangup_cause_txt: null,
};

const h = (m: AmiMessage, key: string): string | undefined => m.get(key);

interface Chan {
  name: string;
  linkedid: string | null;
  cause: [number, string] | undefined;
}

/** The Originates of capture `<dir>/<scenario>` and what became of each. */
export function capturedOriginates(dir: string, scenario: string): CapturedOriginate[] {
  const sent = parseAll(readCapture(`${dir}/${scenario}.sent.txt`)).filter((m) => (h(m, 'Action') ?? '').toLowerCase() === 'originate');
  const events = parseAll(readCapture(`${dir}/${scenario}.received.txt`));
  const senderFile = `${dir}/${scenario}.sender-events-off.received.txt`;
  const replies = existsSync(join(CAPTURES_ROOT, senderFile)) ? parseAll(readCapture(senderFile)) : events;

  // Every channel by Uniqueid: its name, Linkedid and Hangup cause; AMIQ_ID values from VarSet.
  const chans = new Map<string, Chan>();
  const byName = new Map<string, string>();
  const amiqUid = new Map<string, string>();
  const responses = new Map<string, AmiMessage>();
  for (const m of events) {
    if (m.kind !== 'event') continue;
    const name = h(m, 'Event');
    if (name === 'OriginateResponse') {
      responses.set(h(m, 'ActionID')!, m);
      continue;
    }
    const uid = h(m, 'Uniqueid');
    const channel = h(m, 'Channel');
    if (!uid || !channel) continue;
    let c = chans.get(uid);
    if (!c) {
      chans.set(uid, (c = { name: channel, linkedid: h(m, 'Linkedid') ?? null, cause: undefined }));
      byName.set(channel, uid);
    }
    if (name === 'VarSet' && h(m, 'Variable') === 'AMIQ_ID' && channel.endsWith(';1')) amiqUid.set(h(m, 'Value')!, uid);
    if (name === 'Hangup') c.cause = [Number(h(m, 'Cause')), h(m, 'Cause-txt')!];
  }

  const claimed = new Set<string>();
  const callerids = new Set<string>();
  return sent.map((action) => {
    const actionId = h(action, 'ActionID')!;
    const amiq = /^AMIQ_ID=(\d+)$/.exec(h(action, 'Variable') ?? '')?.[1];
    const cidNum = /<([^>]*)>/.exec(h(action, 'CallerID') ?? '')?.[1] ?? null;
    const callerid = cidNum !== null && !callerids.has(cidNum) ? cidNum : null;
    if (callerid !== null) callerids.add(callerid);
    const reply = replies.find((m) => m.kind === 'response' && h(m, 'ActionID') === actionId);
    const status = (h(reply!, 'Response') ?? '').toLowerCase() === 'success' ? 'SUCCESS' : 'FAILED';
    const base = { actionId, rowId: amiq === undefined ? undefined : Number(amiq), callerid, status } as const;
    const resp = responses.get(actionId);
    if (!resp) return { ...base, expected: NONE, answered: false };
    const success = h(resp, 'Response') === 'Success';
    const state = success ? 'ENDED' : 'FAILED';
    const reason = Number(h(resp, 'Reason'));
    // The call's `;1`: named by the response when it succeeded, else by its AMIQ_ID, else the
    // one channel dialled with the response's dial string that no other response names.
    const respUid = h(resp, 'Uniqueid')!;
    const dialString = h(resp, 'Channel')!;
    const uid = chans.has(respUid)
      ? respUid
      : amiq !== undefined
        ? amiqUid.get(amiq)
        : [...chans.keys()].find(
            (u) =>
              !claimed.has(u) &&
              ![...responses.values()].some((r) => h(r, 'Uniqueid') === u) &&
              chans.get(u)!.name.startsWith(`${dialString}-`) &&
              chans.get(u)!.name.endsWith(';1'),
          );
    if (uid === undefined) return { ...base, expected: { ...NONE, call_state: state, call_reason: reason }, answered: false };
    claimed.add(uid);
    const one = chans.get(uid)!;
    const two = chans.get(byName.get(one.name.replace(/;1$/, ';2')) ?? '');
    // A Local `;1` hangs up with 0 when its `;2` met busy, congestion or no answer: the `;2` says why.
    const cause = one.cause![0] > 0 || !two?.cause || !(two.cause[0] > 0) ? one.cause! : two.cause;
    return {
      ...base,
      expected: {
        uniqueid: uid,
        linkedid: one.linkedid,
        call_channel: one.name,
        call_state: state,
        call_reason: reason,
        hangup_cause: cause[0],
        hangup_cause_txt: cause[1],
      },
      answered: success,
    };
  });
}
