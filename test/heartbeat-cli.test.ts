import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeSocket } from '../src/shared/heartbeat-protocol/probe-client.js';
import { exitOf, waitForLine } from './helpers/shared-helpers.js';
import { freeUdpPort } from './helpers/free-udp-port.js';

// Spawns the built CLI (npm test builds first; alone: npx tsc -p tsconfig.build.json).
const REPO = resolve(import.meta.dirname, '..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function amiq(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['bin/amiq.js', ...args], { cwd: REPO, encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('amiq run heartbeat / amiq probe (CLI)', () => {
  it('-l answers probes with positions 1, 2, ... and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiq-heartbeat-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [port, replyPort] = [await freeUdpPort(), await freeUdpPort()];
    const config = join(dir, 'amiq.toml');
    writeFileSync(config, `[database]\npath = "${join(dir, 'amiq.db')}"\n[heartbeat]\nbind = "127.0.0.1"\nport = ${port}\nreply_port = ${replyPort}\n`);
    expect(amiq(['--config', config, 'init']).status).toBe(0); // only init/migrate create a database
    const worker = spawn(process.execPath, ['bin/amiq.js', '--config', config, 'run', 'heartbeat', '-l'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => {
      if (worker.exitCode === null) worker.kill('SIGKILL');
    });
    await waitForLine(worker, /heartbeat: listening/);

    const first = amiq(['probe', '127.0.0.1', '--port', String(port), '--reply-port', String(replyPort)]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(`127.0.0.1:${port}: channels up: 1 (1); meetme-cleaner: not running; raw 00 00 00 00 00 00 00 01\n`);
    const second = amiq(['probe', '127.0.0.1', '--port', String(port), '--reply-port', String(replyPort), '--json']);
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ raw: '0000000000000002', channelsUp: [2], cleanerAlive: false });

    worker.kill('SIGTERM');
    expect(await exitOf(worker)).toBe(0);
  });

  it('probe exits 1 on timeout and 2 on a bad port', async () => {
    const silent = await ProbeSocket.open({ replyPort: 0, bind: '127.0.0.1' });
    cleanups.push(() => silent.close());
    const timeout = amiq(['probe', '127.0.0.1', '--port', String(silent.port), '--reply-port', '0', '--timeout', '100']);
    expect(timeout.status).toBe(1);
    expect(timeout.stderr).toContain('no heartbeat reply within 100 ms');
    const bad = amiq(['probe', '127.0.0.1', '--port', '70000']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port: expected an integer 1..65535');
  });
});
