import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register, runSimulate, type SimulateFlags } from '../src/cli/commands/simulate.js';
import { RawPeer } from './simulator-peer.js';

const flags = (over: Partial<SimulateFlags> = {}): SimulateFlags => ({
  port: '0',
  host: '127.0.0.1',
  profile: 'asterisk-22',
  timeScale: '0.01',
  authFailDelay: '0',
  authTimeout: '30000',
  seed: 'random',
  ...over,
});

/** `amiq simulate` in process: the line it printed, the port in it, its exit code, and a stop. */
async function simulate(over: Partial<SimulateFlags>): Promise<{ text: string; order: string; port: number; run: Promise<number>; stop: () => void }> {
  const stop = new AbortController();
  const lines: string[] = [];
  let printed!: () => void;
  const both = new Promise<void>((r) => (printed = r));
  const out = (line: string): void => {
    // The address, then the event order.
    if (lines.push(line) === 2) printed();
  };
  const run = runSimulate(flags(over), { out, err: () => undefined, signal: stop.signal });
  await both;
  const [text, order] = lines as [string, string];
  return { text, order, port: Number(text.slice(text.lastIndexOf(':') + 1)), run, stop: () => stop.abort() };
}

describe('amiq simulate', () => {
  it('prints the port it bound, serves AMI there, and closes when stopped', async () => {
    const { text, port, run, stop } = await simulate({ profile: 'asterisk-11' });
    expect(text).toMatch(/^amiq simulator \(asterisk-11\) listening on 127\.0\.0\.1:\d+$/);
    const p = await RawPeer.connect(port);
    expect((await p.login()).get('Message')).toBe('Authentication accepted');
    expect(p.messages[0]!.headers[0]![0]).toBe('Asterisk Call Manager/1.3');
    stop();
    expect(await run).toBe(0);
    await p.closedByPeer();
    await expect(RawPeer.connect(port)).rejects.toThrow();
  });

  it('prints the seed of the varied event order, takes one to replay, and --seed canonical for the fixed order', async () => {
    const drawn = await simulate({});
    expect(drawn.order).toMatch(/^event order: varied, seed \d+ \(--seed \d+ replays it\)$/);
    drawn.stop();
    const given = await simulate({ seed: '42' });
    expect(given.order).toBe('event order: varied, seed 42 (--seed 42 replays it)');
    given.stop();
    const canonical = await simulate({ seed: 'canonical' });
    expect(canonical.order).toBe('event order: canonical');
    canonical.stop();
    expect(await Promise.all([drawn.run, given.run, canonical.run])).toEqual([0, 0, 0]);
  });

  it('passes --auth-timeout on: a session that does not log in is closed', async () => {
    const { port, run, stop } = await simulate({ authTimeout: '100' });
    const p = await RawPeer.connect(port);
    await p.closedByPeer();
    stop();
    expect(await run).toBe(0);
  });

  it('refuses bad flags with exit code 2 and a message naming the flag', async () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (l: string) => errors.push(l), signal: AbortSignal.abort() };
    expect(await runSimulate(flags({ port: '70000' }), io)).toBe(2);
    expect(await runSimulate(flags({ profile: 'asterisk-9' }), io)).toBe(2);
    expect(await runSimulate(flags({ timeScale: '0' }), io)).toBe(2);
    expect(await runSimulate(flags({ authTimeout: '0' }), io)).toBe(2);
    expect(await runSimulate(flags({ authTimeout: String(2 ** 31) }), io)).toBe(2);
    expect(await runSimulate(flags({ seed: '-1' }), io)).toBe(2);
    expect(await runSimulate(flags({ seed: String(2 ** 32) }), io)).toBe(2);
    expect(errors.map((e) => e.split(':')[1]!.trim())).toEqual(['--port', '--profile', '--time-scale', '--auth-timeout', '--auth-timeout', '--seed', '--seed']);
  });

  it('registers the simulate command with its options', () => {
    const program = new Command('amiq');
    register(program);
    const cmd = program.commands.find((c) => c.name() === 'simulate')!;
    expect(cmd.options.map((o) => o.long)).toEqual([
      '--port',
      '--host',
      '--profile',
      '--time-scale',
      '--auth-fail-delay',
      '--auth-timeout',
      '--seed',
      '--hint',
      '--endpoint',
    ]);
  });
});
