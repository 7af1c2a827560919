import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { probe, type ProbeResult } from '../src/shared/heartbeat-protocol/probe-client.js';
import { openSqlite, type OpenSqlite } from '../src/shared/db/index.js';
import { pidAlive, readWorker } from '../src/shared/worker/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { freeUdpPort } from './helpers/free-udp-port.js';

// The whole cron path with real processes (npm test builds first): `amiq keepalive` starts the
// heartbeat and the meetme-cleaner detached; the heartbeat's bit 63 follows the cleaner's death
// by kill -9 and its restart by the next keepalive.
const BIN = resolve(import.meta.dirname, '..', 'bin', 'amiq.js');
const BEAT_SECONDS = 0.5;
// README: bit 63 falls within 3 × workers.beat_seconds (a worker's allowed silence) plus the
// heartbeat's 1 s refresh of the workers table.
const DOCUMENTED_MS = 3 * BEAT_SECONDS * 1000 + 1000;

let dir: string;
let sim: Simulator;
let h: OpenSqlite;
let config: string;
let port: number;
let replyPort: number;

function amiq(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--config', config, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Probe until the frame satisfies `pred` (the heartbeat answers at once; the state changes over time). */
async function frameUntil(pred: (f: ProbeResult) => boolean, what: string, timeoutMs = 10_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const f = await probe({ host: '127.0.0.1', port, replyPort, timeoutMs: 1000 }).catch(() => undefined);
    if (f && pred(f)) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pidOf = async (name: string): Promise<number> => (await readWorker(h.db, 'default', name))!.pid;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amiq-supervision-'));
  sim = await startSimulator({ port: 0, logger: pino({ level: 'silent' }) });
  [port, replyPort] = [await freeUdpPort(), await freeUdpPort()];
  config = join(dir, 'amiq.toml');
  writeFileSync(
    config,
    [
      '[database]',
      `path = "${join(dir, 'amiq.db')}"`,
      '[ami]',
      `port = ${sim.port}`,
      'secret = "amiq"',
      '[heartbeat]',
      'bind = "127.0.0.1"',
      `port = ${port}`,
      `reply_port = ${replyPort}`,
      '[workers]',
      'enabled = ["heartbeat", "meetme-cleaner"]',
      `beat_seconds = ${BEAT_SECONDS}`,
      `log_dir = "${join(dir, 'logs')}"`,
      '',
    ].join('\n'),
  );
  expect(amiq('init').status).toBe(0);
  h = openSqlite(join(dir, 'amiq.db'));
});

afterAll(async () => {
  amiq('stop', 'all');
  for (const name of ['heartbeat', 'meetme-cleaner']) {
    const row = await readWorker(h.db, 'default', name);
    if (row && pidAlive(row.pid)) process.kill(row.pid, 'SIGKILL');
  }
  await h.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('keepalive, kill -9 and the heartbeat bit 63 (real processes)', () => {
  it('bit 63 goes to 0 within the documented time after the cleaner dies, and back to 1 once keepalive restarts it', async () => {
    const first = amiq('keepalive');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^heartbeat: started \(pid \d+/m);
    expect(first.stdout).toMatch(/^meetme-cleaner: started \(pid \d+/m);
    await frameUntil((f) => f.cleanerAlive, 'bit 63 set');
    const cleaner = await pidOf('meetme-cleaner');

    process.kill(cleaner, 'SIGKILL');
    const fell = await frameUntil((f) => !f.cleanerAlive, 'bit 63 cleared');
    // Margin for a loaded machine; the bound itself is what the README promises.
    expect(fell).toBeLessThan(DOCUMENTED_MS + 1500);

    const again = amiq('keepalive');
    expect(again.stdout).toMatch(/^meetme-cleaner: started \(pid \d+; was (pid gone|stale)\)/m);
    expect(again.stdout).not.toMatch(/^heartbeat:/m);
    await frameUntil((f) => f.cleanerAlive, 'bit 63 set again');
    expect(await pidOf('meetme-cleaner')).not.toBe(cleaner);
    expect(pidAlive(await pidOf('heartbeat'))).toBe(true);
  }, 60_000);
});
