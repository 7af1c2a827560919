import type { Kysely } from 'kysely';
import type { Database } from '../shared/db/schema.js';
import type { Simulator } from '../simulator/index.js';

const LIVE = ['DIALING', 'RINGING', 'UP'] as const;
const POLL_MS = 50;

/**
 * Stopping the demo: the simulated PBX goes away with the workers, so it first hangs up every
 * call it still carries (cause 16), as a PBX shutting down would, and waits (at most `timeoutMs`)
 * for the listener to write those rows ENDED. Stopped first, the listener would leave them UP
 * until the next start's resync. Returns the rows still live when it gave up waiting.
 */
export async function endSimulatedCalls(simulator: Simulator, db: Kysely<Database>, server: string, timeoutMs: number): Promise<number> {
  for (const ch of simulator.channels()) simulator.hangup(ch.name, 16);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { n } = await db
      .selectFrom('manager_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('server', '=', server)
      .where('call_state', 'in', LIVE)
      .executeTakeFirstOrThrow();
    if (Number(n) === 0 || Date.now() >= deadline) return Number(n);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
