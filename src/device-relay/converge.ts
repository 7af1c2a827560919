import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AmiPort } from '../shared/ami/ami-port.js';
import { latestPerTag } from '../shared/db/queue/latest-per-tag.js';
import type { Database } from '../shared/db/schema.js';
import { stateChangeOf, type StateChange } from './state-change.js';

export interface ConvergeOptions {
  client: Pick<AmiPort, 'sendList'>;
  db: Kysely<Database>;
  server: string;
  deviceState: boolean;
  presence: boolean;
  logger: Logger;
  /** Each state the server lists. */
  offer(c: StateChange): void;
  /** The rows holding the states the others last relayed to this server, to queue again. */
  resend(ids: number[]): void;
}

/** A latest row not queued again: still to be sent (NEW), refused by the rules, or cancelled by the operator. */
const NOT_AGAIN = new Set(['NEW', 'INVALID', 'CANCELLED']);

/**
 * After each (re)connect, once: the server's current states go out as if each had just changed
 * (DeviceStateList, PresenceStateList), and the states the other servers last relayed to it come
 * back in from the queue (a restarted Asterisk may have lost them, or missed the last ones). A
 * failed list (an Asterisk without it, a dropped connection) is logged; live events still flow.
 */
export async function converge(o: ConvergeOptions): Promise<void> {
  const lists: Array<[boolean, string]> = [
    [o.deviceState, 'DeviceStateList'],
    [o.presence, 'PresenceStateList'],
  ];
  for (const [wanted, action] of lists) {
    if (!wanted) continue;
    try {
      const { events } = await o.client.sendList(action);
      let n = 0;
      for (const msg of events) {
        const c = stateChangeOf(msg);
        if (c !== null) {
          o.offer(c);
          n++;
        }
      }
      o.logger.info({ action, states: n }, 'device relay: current states listed');
    } catch (err) {
      o.logger.warn({ err, action }, 'device relay: listing current states failed; relaying changes only');
    }
  }
  const latest = await latestPerTag(o.db, o.server, 'relay:');
  const again = latest.filter((r) => !NOT_AGAIN.has(r.status));
  o.resend(again.map((r) => r.id));
  if (again.length > 0) o.logger.info({ states: again.length }, 'device relay: states from the other servers written again');
}
