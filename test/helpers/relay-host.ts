import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { runActionSender } from '../../src/action-sender/index.js';
import { runDeviceRelay } from '../../src/device-relay/index.js';
import { defaultConfig, type AmiqConfig } from '../../src/shared/config/index.js';
import type { AmiqDatabase } from '../../src/shared/db/index.js';
import type { Simulator } from '../../src/simulator/index.js';

const silent = pino({ level: 'silent' });

/** Counters a worker wrote through its context, with a way to await one. */
export class Counters extends EventEmitter {
  readonly values = new Map<string, number>();
  get(name: string): number {
    return this.values.get(name) ?? 0;
  }
  readonly ctx = {
    setAmiState: () => undefined,
    setError: () => undefined,
    setCounter: () => undefined,
    count: (name: string, n = 1) => {
      this.values.set(name, this.get(name) + n);
      this.emit('count', name);
    },
  };
  /** Resolves once counter `name` reaches `n`. */
  reach(name: string, n: number, timeoutMs = 10_000): Promise<void> {
    if (this.get(name) >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('count', on);
        reject(new Error(`counter ${name}: ${this.get(name)} after ${timeoutMs} ms, expected ${n}`));
      }, timeoutMs);
      const on = (): void => {
        if (this.get(name) < n) return;
        clearTimeout(timer);
        this.off('count', on);
        resolve();
      };
      this.on('count', on);
    });
  }
}

export interface RelayHost {
  readonly server: string;
  readonly relay: Counters;
  readonly sender: Counters;
  readonly config: AmiqConfig;
  /** Starts this host's action-sender (if it was started without one). */
  startSender(): void;
  stop(): Promise<void>;
}

export interface RelayHostOptions {
  /** Start the action-sender with the relay (default true). */
  sender?: boolean;
  tune?: (c: AmiqConfig) => void;
}

/**
 * One PBX host of a relay group as amiq runs it: the device relay (converged once before this
 * resolves) and the action-sender, for `server` against `sim`'s address, on `database` (closed by stop()).
 */
export async function startRelayHost(
  database: AmiqDatabase,
  sim: { host: string; port: number },
  server: string,
  group: readonly string[],
  opts: RelayHostOptions = {},
): Promise<RelayHost> {
  const config = defaultConfig();
  config.server = { ...config.server, name: server };
  config.ami = { ...config.ami, host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 200 };
  config.action_sender = { ...config.action_sender, rate_per_second: 0, max_in_flight: 50 };
  config.device_relay = { ...config.device_relay, servers: [...group] };
  opts.tune?.(config);
  const ac = new AbortController();
  const relay = new Counters();
  const sender = new Counters();
  const running: Promise<void>[] = [];
  let converged!: () => void;
  const ready = new Promise<void>((r) => (converged = r));
  running.push(runDeviceRelay({ config, db: database.db, logger: silent, signal: ac.signal, ctx: relay.ctx, onConverged: () => converged() }));
  const changes = database.wakeSignal({ server, intervalMs: 2 });
  changes.on('error', () => undefined);
  let senderStarted = false;
  const startSender = (): void => {
    if (senderStarted) return;
    senderStarted = true;
    running.push(runActionSender({ config, db: database.db, logger: silent, signal: ac.signal, ctx: sender.ctx, changes }));
  };
  if (opts.sender ?? true) startSender();
  await ready;
  return {
    server,
    relay,
    sender,
    config,
    startSender,
    async stop() {
      ac.abort();
      await Promise.all(running);
      await changes.close();
      await database.close();
    },
  };
}

/** Resolves once `sim` reports `device` in `state` (at once if it is; else on the DeviceStateChange it raises). */
export function untilDeviceState(sim: Simulator, device: string, state: string, timeoutMs = 10_000): Promise<void> {
  if (sim.deviceState(device) === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sim.off('device-state', on);
      reject(new Error(`${device} is ${sim.deviceState(device)}, expected ${state}`));
    }, timeoutMs);
    const on = (s: { device: string; state: string }): void => {
      if (s.device !== device || s.state !== state) return;
      clearTimeout(timer);
      sim.off('device-state', on);
      resolve();
    };
    sim.on('device-state', on);
  });
}
