import { describe, expect, it } from 'vitest';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { parseAll } from '../src/shared/ami/parser.js';
import { readCapture } from './helpers/ami-captures.js';
import { simulatorHarness } from './helpers/simulator-peer.js';

const h = simulatorHarness();

/** The capture PBX's manager.conf users, so the sent files replay byte for byte. */
const CAPTURE_USERS = [
  { username: 'amq', secret: 'amqsecret', write: true },
  { username: 'readonly', secret: 'readonlysecret', write: false },
];

/** Values that depend on the clock, the session or the port. */
const VOLATILE = new Set(['Timestamp', 'EventTV', 'SessionTV', 'SessionID', 'RemoteAddress', 'LocalAddress', 'Uptime', 'LastReload']);
const stable = (m: AmiMessage) => ({ kind: m.kind, headers: m.headers.map(([k, v]) => [k, VOLATILE.has(k) ? '*' : v]) });
const events = (msgs: AmiMessage[]) =>
  msgs
    .filter((m) => m.kind === 'event')
    .map((m) => m.eventName)
    .sort();

describe('simulator: whole captures replayed as sent', () => {
  it.each(['unknown-action', 'readonly-originate', 'originate-badchannel', 'login-bad-secret'])(
    '%s: same banner and responses, field for field, and the same events',
    async (name) => {
      await h.start({ users: CAPTURE_USERS, channelVars: [] });
      const p = await h.peer();
      p.socket.write(readCapture(`asterisk-22/${name}.sent.txt`));
      await p.closedByPeer();
      const want = parseAll(readCapture(`asterisk-22/${name}.received.txt`));
      const responses = (msgs: AmiMessage[]) => msgs.filter((m) => m.kind !== 'event').map(stable);
      expect(responses(p.messages)).toEqual(responses(want));
      expect(events(p.messages)).toEqual(events(want));
      const wantEvents = want.filter((m) => m.kind === 'event').map(stable);
      for (const ev of p.messages.filter((m) => m.kind === 'event')) expect(wantEvents).toContainEqual(stable(ev));
    },
  );
});
