import { runActionSender } from '../../src/action-sender/index.js';
import { runManagerListener } from '../../src/manager-listener/index.js';
import type { AmiClient } from '../../src/shared/ami/client.js';
import { defaultConfig, type AmiqConfig } from '../../src/shared/config/index.js';
import type { AmiqDatabase } from '../../src/shared/db/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { silent } from './manager-listener-helpers.js';

const ctx = { setAmiState: () => undefined, count: () => undefined, setError: () => undefined };

/**
 * One PBX host's workers as amiq runs them: the listener (logged in before this resolves) and
 * the sender, woken by the database's own signal, for `server`, against `sim`, on `database`
 * (which stop() closes).
 */
export async function startPbxHost(
  database: AmiqDatabase,
  sim: Simulator,
  server: string,
  tune: (c: AmiqConfig) => void = () => {},
): Promise<{ stop(): Promise<void> }> {
  const config = defaultConfig();
  config.server = { ...config.server, name: server };
  config.ami = { ...config.ami, host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 200 };
  config.action_sender = { ...config.action_sender, rate_per_second: 0 };
  tune(config);
  const ac = new AbortController();
  let started!: (c: AmiClient) => void;
  const listening = new Promise<AmiClient>((r) => (started = r));
  const listener = runManagerListener({ config, db: database.db, logger: silent, signal: ac.signal, ctx, onStarted: (_l, c) => started(c) });
  await (await listening).waitConnected(5_000);
  const changes = database.wakeSignal({ server, intervalMs: 2 });
  // A server restart drops the LISTEN connection; the signal reconnects by itself.
  changes.on('error', () => undefined);
  const sender = runActionSender({ config, db: database.db, logger: silent, signal: ac.signal, ctx, changes });
  return {
    async stop() {
      ac.abort();
      await Promise.all([listener, sender]);
      await changes.close();
      await database.close();
    },
  };
}
