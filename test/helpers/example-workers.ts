import type { Kysely } from 'kysely';
import { runActionSender } from '../../src/action-sender/index.js';
import { runManagerListener } from '../../src/manager-listener/index.js';
import { defaultConfig } from '../../src/shared/config/index.js';
import type { Database } from '../../src/shared/db/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { silent } from './action-sender-helpers.js';

const ctx = { setAmiState: () => undefined, count: () => undefined, setError: () => undefined };

/** The real action-sender and manager-listener of `server`, talking to a fast simulator: what a doc example's rows meet. */
export async function startExampleWorkers(db: Kysely<Database>, server = 'default'): Promise<{ stop(): Promise<void> }> {
  const sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
  const config = defaultConfig();
  config.server = { ...config.server, name: server };
  config.ami = { ...config.ami, host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 200 };
  config.action_sender = { ...config.action_sender, rate_per_second: 0 };
  const abort = new AbortController();
  const workers = [
    runActionSender({ config, db, logger: silent, signal: abort.signal, ctx }),
    runManagerListener({ config, db, logger: silent, signal: abort.signal, ctx }),
  ];
  return {
    stop: async () => {
      abort.abort();
      await Promise.all(workers);
      await sim.close();
    },
  };
}
