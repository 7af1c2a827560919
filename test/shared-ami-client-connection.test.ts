import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { md5Key } from '../src/shared/ami/client-login.js';
import type { AmiClientState } from '../src/shared/ami/client.js';
import { AmiAuthError, AmiConnectionLostError, AmiNotConnectedError, AmiTimeoutError } from '../src/shared/ami/errors.js';
import { getHeaderOf, scriptedPeerPerTest } from './helpers/scripted-ami-server.js';
import { captureLogger, connectedClient, makeClient, rejectionOf } from './helpers/ami-client-fixtures.js';

const peer = scriptedPeerPerTest();

/** Resolves with the error of the next 'disconnected' event. */
function nextDisconnect(client: ReturnType<typeof makeClient>): Promise<Error | undefined> {
  return once(client, 'disconnected').then(([err]) => err as Error | undefined);
}

describe('AmiClient login (scripted peer)', () => {
  it('reads the banner, logs in with the plain secret and reports its states', async () => {
    const client = makeClient(peer.server.port, { events: 'off' });
    const states: AmiClientState[] = [];
    client.on('state', (s: AmiClientState) => states.push(s));
    client.start();
    const [info] = (await once(client, 'connected')) as [{ banner: string }];
    expect(info.banner).toBe('Asterisk Call Manager/11.0.0');
    expect(client.banner).toBe('Asterisk Call Manager/11.0.0');
    expect(states).toEqual(['connecting', 'connected']);
    expect(client.connected).toBe(true);
    const loginAction = peer.server.actions[0]!;
    expect(loginAction.name).toBe('Login');
    expect(getHeaderOf(loginAction, 'Username')).toBe('amiq');
    expect(getHeaderOf(loginAction, 'Secret')).toBe('amiq');
    expect(getHeaderOf(loginAction, 'Events')).toBe('off');
    expect(client.stats.actionsSent).toBe(0);
  });

  it('logs in with MD5: Challenge, then Key = md5(challenge + secret), the secret never sent', async () => {
    const client = await connectedClient(peer.server.port, { authType: 'md5', events: 'call,system' });
    expect(peer.server.actions.map((a) => a.name)).toEqual(['Challenge', 'Login']);
    expect(getHeaderOf(peer.server.actions[0]!, 'AuthType')).toBe('MD5');
    const loginAction = peer.server.actions[1]!;
    expect(getHeaderOf(loginAction, 'Key')).toBe(md5Key(loginAction.conn.challenge!, 'amiq'));
    expect(getHeaderOf(loginAction, 'Key')).toMatch(/^[0-9a-f]{32}$/);
    expect(getHeaderOf(loginAction, 'Secret')).toBeUndefined();
    expect(getHeaderOf(loginAction, 'Events')).toBe('call,system');
    expect(client.connected).toBe(true);
  });

  it('reports a bad secret as AmiAuthError, logged once per attempt without the secret, and keeps retrying', async () => {
    const log = captureLogger();
    const client = makeClient(peer.server.port, { secret: 'wrong-secret-xyz', logger: log.logger });
    const errors: Error[] = [];
    client.on('error', (e: Error) => errors.push(e));
    client.start();
    await once(client, 'error');
    await once(client, 'error');
    await client.stop();
    expect(errors.every((e) => e instanceof AmiAuthError)).toBe(true);
    expect(errors[0]!.message).toContain('Authentication failed');
    // A further attempt may be in flight when stop() lands: at least one Login per error.
    expect(peer.server.count('Login')).toBeGreaterThanOrEqual(errors.length);
    const authLines = log.lines.filter((l) => String(l.msg).includes('Authentication failed'));
    expect(authLines).toHaveLength(errors.length);
    expect(authLines.every((l) => l.level === 50)).toBe(true);
    expect(log.text()).not.toContain('wrong-secret-xyz');
    expect(JSON.stringify(errors.map((e) => [e.message, (e as AmiAuthError).context]))).not.toContain('wrong-secret-xyz');
  });

  it('gives up on a peer that sends no banner within the connect timeout, then retries', async () => {
    await peer.restart({ banner: null });
    const client = makeClient(peer.server.port, { connectTimeoutMs: 50 });
    client.start();
    const err = await nextDisconnect(client);
    expect(err).toBeInstanceOf(AmiTimeoutError);
    await peer.server.waitForConnection(2);
    expect(client.connected).toBe(false);
  });

  it('retries a refused connection with backoff until it is stopped', async () => {
    const port = peer.server.port;
    await peer.server.close();
    const client = makeClient(port);
    client.start();
    const first = await nextDisconnect(client);
    expect((first as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    await nextDisconnect(client);
    expect(client.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(client.state).toBe('disconnected');
    expect(await rejectionOf(client.waitConnected(20))).toBeInstanceOf(AmiTimeoutError);
  });
});

describe('AmiClient connection loss (scripted peer)', () => {
  it('rejects a pending action with AmiConnectionLostError, never re-sends it, and reconnects', async () => {
    peer.server.on('Originate', (a) => a.conn.close());
    const client = await connectedClient(peer.server.port);
    const err = await rejectionOf(client.send('Originate', { Channel: 'Local/100@default', Exten: '300' }, { actionId: 'orig-1' }));
    expect(err).toBeInstanceOf(AmiConnectionLostError);
    expect((err as AmiConnectionLostError).context).toMatchObject({ actionId: 'orig-1', action: 'Originate' });
    await once(client, 'connected');
    expect((await client.send('Ping')).get('Ping')).toBe('Pong');
    expect(peer.server.count('Originate')).toBe(1);
    expect(peer.server.connections[1]!.actions.map((a) => a.name)).toEqual(['Login', 'Ping']);
    expect(client.stats.reconnects).toBe(1);
  });

  it('refuses to send while not connected, writing nothing', async () => {
    const client = makeClient(peer.server.port, { reconnect: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    expect(await rejectionOf(client.send('Ping'))).toBeInstanceOf(AmiNotConnectedError);
    client.start();
    await client.waitConnected();
    const lost = nextDisconnect(client);
    peer.server.connections[0]!.close();
    await lost;
    expect(client.state).toBe('disconnected');
    const err = await rejectionOf(client.send('Originate', { Channel: 'Local/100@default' }));
    expect(err).toBeInstanceOf(AmiNotConnectedError);
    expect(peer.server.actions.map((a) => a.name)).toEqual(['Login']);
    expect(client.stats.actionsSent).toBe(0);
  });

  it('detects a silent peer with Ping within interval + timeout, drops it and reconnects', async () => {
    peer.server.on('Ping', (a) => {
      if (a.conn.index > 1) a.conn.reply(a, 'Success', { Ping: 'Pong' });
    });
    const client = await connectedClient(peer.server.port, { pingIntervalMs: 20, pingTimeoutMs: 50 });
    const err = await nextDisconnect(client);
    expect(err).toBeInstanceOf(AmiTimeoutError);
    expect(err!.message).toContain('keepalive');
    const silent = peer.server.connections[0]!;
    if (!silent.socket.closed) await once(silent.socket, 'close');
    await once(client, 'connected');
    await peer.server.waitForAction((a) => a.conn.index === 2 && a.name === 'Ping');
    expect(client.connected).toBe(true);
  });

  it('stop(): Logoff, pending actions rejected as lost, no reconnect, then refuses to send', async () => {
    peer.server.on('Originate', () => {});
    const client = await connectedClient(peer.server.port);
    const pending = rejectionOf(client.send('Originate', { Channel: 'Local/100@default' }));
    await peer.server.waitForAction((a) => a.name === 'Originate');
    const states: AmiClientState[] = [];
    client.on('state', (s: AmiClientState) => states.push(s));
    await client.stop();
    expect(await pending).toBeInstanceOf(AmiConnectionLostError);
    expect(peer.server.count('Logoff')).toBe(1);
    expect(client.state).toBe('stopped');
    expect(states).toEqual(['stopped']);
    expect(peer.server.connections).toHaveLength(1);
    expect(await rejectionOf(client.send('Ping'))).toBeInstanceOf(AmiNotConnectedError);
    expect(await rejectionOf(client.waitConnected())).toBeInstanceOf(AmiNotConnectedError);
  });

  it('holds actions back while the socket is full: those never written fail as not sent, the rest as lost', async () => {
    peer.server.on('Originate', () => {});
    const client = await connectedClient(peer.server.port, { actionTimeoutMs: 60_000 });
    const conn = peer.server.connections[0]!;
    conn.socket.pause();
    const results: Array<Promise<Error>> = [];
    const variable = `PAD=${'x'.repeat(900)}`;
    for (let batch = 0; batch < 100 && client.stats.actionsSent === results.length; batch++) {
      for (let i = 0; i < 500; i++) results.push(rejectionOf(client.send('Originate', { Channel: 'Local/1@default', Variable: variable })));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const written = client.stats.actionsSent;
    expect(written).toBeLessThan(results.length);
    conn.close();
    const errors = await Promise.all(results);
    expect(errors.filter((e) => e instanceof AmiConnectionLostError)).toHaveLength(written);
    expect(errors.filter((e) => e instanceof AmiNotConnectedError)).toHaveLength(results.length - written);
  });
});
