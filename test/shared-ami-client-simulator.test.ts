import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { AmiAuthError, AmiConnectionLostError, AmiFrameError, AmiSerializeError, AmiTimeoutError } from '../src/shared/ami/errors.js';
import { connectedClient, makeClient, rejectionOf, stopClients } from './helpers/ami-client-fixtures.js';

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator({ port: 0, timeScale: 0.01, authFailDelayMs: 5 });
});

afterEach(async () => {
  await stopClients();
  await sim.close();
});

/** Originate an async call that stays up (exten 600) and wait until its channels exist. */
async function liveCall(client: Awaited<ReturnType<typeof connectedClient>>): Promise<void> {
  const before = sim.channels().length;
  const reply = await client.send('Originate', { Channel: 'Local/600@default', Exten: '600', Context: 'default', Priority: 1, Async: 'true' });
  expect(reply.get('Response')).toBe('Success');
  while (sim.channels().length < before + 2) await once(client, 'event');
}

describe('AmiClient against the simulator: login', () => {
  it('logs in with the plain secret and reads the banner', async () => {
    const client = await connectedClient(sim.port);
    expect(client.banner).toMatch(/^Asterisk Call Manager\//);
    expect((await client.send('Ping')).get('Ping')).toBe('Pong');
    expect(sim.actions.map((a) => a.action)).toEqual(['Login', 'Ping']);
  });

  it('logs in with MD5 Challenge/Key', async () => {
    const client = await connectedClient(sim.port, { authType: 'md5' });
    expect(sim.actions.map((a) => a.action)).toEqual(['Challenge', 'Login']);
    expect(sim.actions[1]!.headers.some(([k]) => k.toLowerCase() === 'secret')).toBe(false);
    expect((await client.send('Ping')).get('Response')).toBe('Success');
  });

  it('turns a bad secret into AmiAuthError and keeps retrying', async () => {
    const client = makeClient(sim.port, { secret: 'nope' });
    client.start();
    const [err] = (await once(client, 'error')) as [Error];
    expect(err).toBeInstanceOf(AmiAuthError);
    expect(err.message).toContain('Authentication failed');
    await sim.waitForAction((a) => a.action === 'Login' && a.connection !== sim.actions[0]!.connection);
    expect(client.connected).toBe(false);
  });

  it('resolves Permission denied for a read-only user as an Error response, staying connected', async () => {
    const client = await connectedClient(sim.port, { username: 'readonly', secret: 'readonly' });
    const reply = await client.send('Originate', { Channel: 'Local/100@default', Exten: '300', Context: 'default', Priority: 1 });
    expect(reply.get('Response')).toBe('Error');
    expect(reply.get('Message')).toBe('Permission denied');
    expect(client.connected).toBe(true);
  });
});

describe('AmiClient against the simulator: actions', () => {
  it('times out an action the PBX never answers, and goes on working', async () => {
    const client = await connectedClient(sim.port);
    sim.faults.dropResponses((a) => a.action === 'Originate');
    const err = await rejectionOf(
      client.send('Originate', { Channel: 'Local/100@default', Exten: '300', Context: 'default', Priority: 1, Async: 'true' }, { timeoutMs: 50 }),
    );
    expect(err).toBeInstanceOf(AmiTimeoutError);
    expect((err as AmiTimeoutError).context).toMatchObject({ action: 'Originate', written: true });
    expect((await client.send('Ping')).get('Ping')).toBe('Pong');
  });

  it('collects CoreShowChannels into one result', async () => {
    const client = await connectedClient(sim.port);
    await liveCall(client);
    const result = await client.sendList('CoreShowChannels');
    const names = result.events.map((e) => e.get('Channel'));
    expect(names).toEqual(expect.arrayContaining(sim.channels().map((c) => c.name)));
    expect(result.events.every((e) => e.eventName === 'CoreShowChannel')).toBe(true);
    expect(result.complete!.get('ListItems')).toBe(String(result.events.length));
  });

  it('collects a regex Hangup answered as a list', async () => {
    const client = await connectedClient(sim.port);
    await liveCall(client);
    await liveCall(client);
    const result = await client.sendList('Hangup', { Channel: '/^Local\\/600@default-.*;2$/', Cause: 16 });
    expect(result.events).toHaveLength(2);
    expect(result.events.every((e) => e.eventName === 'ChannelHungup')).toBe(true);
  });

  it('reads Command output lines', async () => {
    const client = await connectedClient(sim.port);
    await liveCall(client);
    const { output } = await client.command('core show channels concise');
    expect(output.length).toBe(sim.channels().length);
    expect(output.every((line) => line.split('!').length === 14)).toBe(true);
  });

  it('refuses injection before anything reaches the PBX', async () => {
    const client = await connectedClient(sim.port);
    const before = sim.actionCount();
    const err = await rejectionOf(client.send('Originate', { Channel: 'Local/100@default\r\n\r\nAction: Hangup\r\nChannel: /.*/' }));
    expect(err).toBeInstanceOf(AmiSerializeError);
    expect((err as AmiSerializeError).header).toBe('Channel');
    await client.send('Ping');
    expect(sim.actionCount()).toBe(before + 1);
    expect(sim.actionCount('Originate')).toBe(0);
    expect(sim.actionCount('Hangup')).toBe(0);
  });

  it('skips garbage and oversized frames, staying connected', async () => {
    const client = await connectedClient(sim.port, { maxMessageBytes: 4_096 });
    const errors: Error[] = [];
    client.on('error', (e: Error) => errors.push(e));
    sim.faults.sendOversized(20_000);
    sim.faults.sendGarbage('\u0000\u0001 not AMI at all\r\n\r\n');
    expect((await client.send('Ping')).get('Ping')).toBe('Pong');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((e) => e instanceof AmiFrameError)).toBe(true);
    expect(client.connected).toBe(true);
  });
});

describe('AmiClient against the simulator: connection faults', () => {
  it('detects a silent PBX with the keepalive and reconnects once it speaks again', async () => {
    const client = await connectedClient(sim.port, { pingIntervalMs: 20, pingTimeoutMs: 50, actionTimeoutMs: 200 });
    sim.faults.silence(true);
    const [err] = (await once(client, 'disconnected')) as [Error];
    expect(err).toBeInstanceOf(AmiTimeoutError);
    sim.faults.silence(false);
    await once(client, 'connected');
    expect((await client.send('Ping')).get('Ping')).toBe('Pong');
  });

  it('rejects the action pending at a drop, never re-sends it, and works after reconnecting', async () => {
    const client = await connectedClient(sim.port);
    sim.faults.dropAfterActions(1, { action: 'Originate' });
    const reconnected = once(client, 'connected');
    const err = await rejectionOf(
      client.send('Originate', { Channel: 'Local/100@default', Exten: '300', Context: 'default', Priority: 1, Async: 'true' }, { actionId: 'once-only' }),
    );
    expect(err).toBeInstanceOf(AmiConnectionLostError);
    expect((err as AmiConnectionLostError).context).toMatchObject({ actionId: 'once-only', action: 'Originate' });
    await reconnected;
    expect((await client.send('Ping')).get('Ping')).toBe('Pong');
    expect(sim.actions.filter((a) => a.actionId === 'once-only')).toHaveLength(1);
    expect(client.stats.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('gets events from the PBX after a reconnect', async () => {
    const client = await connectedClient(sim.port);
    sim.faults.dropAfterActions(1, { action: 'Ping' });
    const reconnected = once(client, 'connected');
    expect(await rejectionOf(client.send('Ping'))).toBeInstanceOf(AmiConnectionLostError);
    await reconnected;
    const seen: AmiMessage[] = [];
    client.on('event', (e: AmiMessage) => seen.push(e));
    await liveCall(client);
    expect(seen.some((e) => e.eventName === 'Newchannel')).toBe(true);
  });
});

describe.each(['asterisk-11', 'asterisk-1.4'] as const)('AmiClient against the simulator: %s profile', (profile) => {
  beforeEach(async () => {
    await sim.close();
    sim = await startSimulator({ port: 0, timeScale: 0.01, authFailDelayMs: 5, profile });
  });

  it('logs in with MD5 and answers Ping', async () => {
    const client = await connectedClient(sim.port, { authType: 'md5' });
    expect(client.banner).toBe(profile === 'asterisk-11' ? 'Asterisk Call Manager/1.3' : 'Asterisk Call Manager/1.0');
    const pong = await client.send('Ping');
    expect(pong.get('Response')).toMatch(/^(Success|Pong)$/);
  });

  it('reads Command output from the Response: Follows body', async () => {
    const client = await connectedClient(sim.port);
    await liveCall(client);
    const { response, output } = await client.command('core show channels concise');
    expect(response.get('Response')).toBe('Follows');
    expect(output).toHaveLength(sim.channels().length);
    expect(output.map((line) => line.split('!')[0])).toEqual(expect.arrayContaining(sim.channels().map((c) => c.name)));
  });

  it('collects the Status list up to StatusComplete', async () => {
    const client = await connectedClient(sim.port);
    await liveCall(client);
    const result = await client.sendList('Status');
    expect(result.events.map((e) => e.get('Channel')).sort()).toEqual(
      sim
        .channels()
        .map((c) => c.name)
        .sort(),
    );
    expect(result.complete && result.complete.eventName).toBe('StatusComplete');
  });
});
