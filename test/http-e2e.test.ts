import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/http/index.js';
import type { QueueRow } from '../src/shared/db/schema.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';

// The whole path with real processes (build first): `amiq run http`, the action-sender and the
// manager-listener against the simulated PBX; a call enqueued over HTTP is followed to its end.
const BIN = resolve(import.meta.dirname, '..', 'bin', 'amiq.js');
const TOKEN = 'e2e-token';

async function freeTcpPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Resolves with the first JSON log line of `child` whose msg is `msg`. */
function logLine(child: ChildProcess, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry['msg'] === msg) resolveLine(entry);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before logging "${msg}"`)));
  });
}

describe('http e2e: amiq run http + sender + listener against the simulator', () => {
  let dir: string;
  let sim: Simulator;
  let config: string;
  let base: string;
  const children: ChildProcess[] = [];
  // Only the http worker's log is read (its address); an unread pipe could fill and stall a worker.
  const run = (worker: string): ChildProcess => {
    const child = spawn(process.execPath, [BIN, '--config', config, 'run', worker], {
      cwd: dir,
      stdio: ['ignore', worker === 'http' ? 'pipe' : 'ignore', 'ignore'],
      env: { ...process.env, LOG_LEVEL: 'info' },
    });
    children.push(child);
    return child;
  };
  const api = async (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amiq-http-e2e-'));
    // Exten 100 is Answer, Wait(5), Hangup: at a tenth of the time, a call of half a second.
    sim = await startSimulator({ port: 0, timeScale: 0.1, logger: pino({ level: 'silent' }) });
    const port = await freeTcpPort();
    config = join(dir, 'amiq.toml');
    writeFileSync(
      config,
      [
        '[database]',
        `path = "${join(dir, 'amiq.db')}"`,
        '[ami]',
        `port = ${sim.port}`,
        'secret = "amiq"',
        '[http]',
        `port = ${port}`,
        '[[http.tokens]]',
        'name = "e2e"',
        `hash = "${hashToken(TOKEN)}"`,
        '[workers]',
        'enabled = ["http", "action-sender", "manager-listener"]',
        'beat_seconds = 0.5',
        '',
      ].join('\n'),
    );
    expect(spawnSync(process.execPath, [BIN, '--config', config, 'init'], { cwd: dir }).status).toBe(0);
    const http = run('http');
    const listening = await logLine(http, 'http: listening');
    base = String(listening['url']);
    expect(base).toBe(`http://127.0.0.1:${port}`);
    run('action-sender');
    run('manager-listener');
  }, 30_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an Originate enqueued over HTTP is sent, answered and ended; wait follows it there', async () => {
    const res = await api('/v1/originate', {
      method: 'POST',
      body: JSON.stringify({ channel: 'Local/100@default', exten: '100', context: 'default', tag: 'e2e' }),
    });
    expect(res.status).toBe(201);
    const row = (await res.json()) as QueueRow;
    expect(row.status).toBe('NEW');
    const waited = await api(`/v1/rows/${row.id}/wait?until=ended&timeout_ms=30000`);
    const body = (await waited.json()) as { timed_out: boolean; row: QueueRow };
    expect(body.timed_out).toBe(false);
    expect(body.row).toMatchObject({ id: row.id, status: 'SUCCESS', response: 'Success', call_state: 'ENDED', hangup_cause: 16 });
    expect(body.row.answered_at).not.toBeNull();

    const status = (await (await api('/v1/status')).json()) as {
      servers: Array<{ server: string; workers: Array<{ name: string; alive: boolean; ami_state: string }> }>;
    };
    const workers = Object.fromEntries(status.servers.find((s) => s.server === 'default')!.workers.map((w) => [w.name, w]));
    expect(workers['http']).toMatchObject({ alive: true, ami_state: 'n/a' });
    expect(workers['action-sender']).toMatchObject({ alive: true, ami_state: 'connected' });
    expect(workers['manager-listener']).toMatchObject({ alive: true, ami_state: 'connected' });
    const listed = (await (await api('/v1/rows?tag=e2e')).json()) as { rows: QueueRow[] };
    expect(listed.rows.map((r) => r.id)).toEqual([row.id]);
  }, 45_000);

  it('amiq status lists the http worker; SIGTERM stops it cleanly', async () => {
    const status = spawnSync(process.execPath, [BIN, '--config', config, 'status', '--json'], { cwd: dir, encoding: 'utf8' });
    const workers = (JSON.parse(status.stdout) as { workers: Array<{ name: string; alive: boolean }> }).workers;
    expect(workers.find((w) => w.name === 'http')).toMatchObject({ alive: true });
    const http = children[0]!;
    http.kill('SIGTERM');
    const [code] = (await once(http, 'exit')) as [number | null];
    expect(code).toBe(0);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  }, 20_000);
});
