import { afterEach, describe, expect, it } from 'vitest';
import { freeUdpPort } from './helpers/free-udp-port.js';
import pino from 'pino';
import { Command } from 'commander';
import { createAllowList } from '../src/heartbeat/allow-list.js';
import { channelMask, encodeFrame } from '../src/shared/heartbeat-protocol/frame.js';
import { ProbeSocket } from '../src/shared/heartbeat-protocol/probe-client.js';
import { startHeartbeatServer } from '../src/heartbeat/udp-server.js';
import { register, runProbe, type ProbeCommandOptions } from '../src/cli/commands/probe.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serve(frame: Buffer, replyPort: number): Promise<number> {
  const server = await startHeartbeatServer({
    bind: '127.0.0.1',
    port: 0,
    replyPort,
    allow: createAllowList(['127.0.0.0/8']),
    frame: () => frame,
    logger: pino({ level: 'silent' }),
  });
  cleanups.push(() => server.close());
  return server.address().port;
}

async function run(opts: Partial<ProbeCommandOptions> & { port: number; replyPort: number }): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runProbe(
    '127.0.0.1',
    { timeout: 5000, spanFirst: 1, ...opts },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

describe('amiq probe', () => {
  it('prints the channels up and the cleaner bit as a line', async () => {
    const replyPort = await freeUdpPort();
    const port = await serve(encodeFrame(channelMask([1, 15, 17]), true), replyPort);
    const { code, out, err } = await run({ port, replyPort });
    expect(code, err.join('\n')).toBe(0);
    expect(out).toEqual([`127.0.0.1:${port}: channels up: 1, 15, 17 (3); meetme-cleaner: alive; raw 80 00 00 00 00 00 c0 01`]);
  });

  it('--json, with absolute numbers for a span starting at 32', async () => {
    const replyPort = await freeUdpPort();
    const port = await serve(encodeFrame(channelMask([32, 48], 32), false), replyPort);
    const { code, out, err } = await run({ port, replyPort, json: true, spanFirst: 32 });
    expect(code, err.join('\n')).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({
      raw: '0000000000008001',
      cleanerAlive: false,
      channelsUp: [32, 48],
      positions: [1, 16],
      reservedBitsSet: false,
    });
  });

  it('says none when nothing is up and the cleaner is not running', async () => {
    const replyPort = await freeUdpPort();
    const port = await serve(encodeFrame(0, false), replyPort);
    const { out } = await run({ port, replyPort });
    expect(out[0]).toContain('channels up: none; meetme-cleaner: not running; raw 00 00 00 00 00 00 00 00');
  });

  it('exits 1 on timeout', async () => {
    const silent = await ProbeSocket.open({ replyPort: 0, bind: '127.0.0.1' });
    cleanups.push(() => silent.close());
    const { code, err } = await run({ port: silent.port, replyPort: 0, timeout: 50 });
    expect(code).toBe(1);
    expect(err[0]).toMatch(/no heartbeat reply within 50 ms/);
  });

  it('registers `probe <host>` with the documented options and defaults', () => {
    const program = new Command();
    register(program);
    const probe = program.commands.find((c) => c.name() === 'probe')!;
    expect(probe.options.map((o) => o.long)).toEqual(['--port', '--reply-port', '--timeout', '--span-first', '--json']);
    expect(probe.opts()).toMatchObject({ port: 5050, replyPort: 5049 });
  });
});
