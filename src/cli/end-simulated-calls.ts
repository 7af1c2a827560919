import type { Kysely } from 'kysely';
import type { Database } from '../shared/db/schema.js';
import { listLiveCalls } from '../shared/db/queue/list-live-calls.js';
import type { Simulator } from '../simulator/index.js';

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
    const live = (await listLiveCalls(db, server)).length;
    if (live === 0 || Date.now() >= deadline) return live;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
