import { once } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import { simulatorHarness, type RawPeer } from './helpers/simulator-peer.js';

const h = simulatorHarness();

beforeEach(async () => {
  await h.start();
});

async function loggedIn(): Promise<RawPeer> {
  const p = await h.peer();
  await p.login();
  return p;
}

/** A marker sent past every fault gate: whatever the server wrote before it has arrived once it has. */
async function marker(p: RawPeer, n: number): Promise<void> {
  h.sim.faults.sendGarbage(`Event: Marker${n}\r\n\r\n`);
  await p.event(`Marker${n}`);
}

const responded = (p: RawPeer, actionId: string) => p.messages.some((m) => m.kind === 'response' && m.get('ActionID') === actionId);

describe('simulator: test API', () => {
  it('logs actions with name, ActionID and connection; counts them; waits for them', async () => {
    const seen: string[] = [];
    h.sim.on('action', (a) => seen.push(a.action));
    const a = await loggedIn();
    const b = await loggedIn();
    expect(h.sim.connectionCount()).toBe(2);
    b.send('Ping', { ActionID: 'x' });
    const rec = await h.sim.waitForAction((r) => r.actionId === 'x');
    expect(rec).toMatchObject({ action: 'Ping', actionId: 'x', connection: h.sim.actions[1]!.connection });
    expect(rec.connection).not.toBe(h.sim.actions[0]!.connection);
    expect(h.sim.actionCount()).toBe(3);
    expect(h.sim.actionCount('login')).toBe(2);
    expect(seen).toEqual(['Login', 'Login', 'Ping']);
    await expect(h.sim.waitForAction((r) => r.action === 'Never', 20)).rejects.toThrow(/no matching action/);
    a.close();
    await new Promise<void>((resolve) => h.sim.on('disconnect', () => resolve()));
    expect(h.sim.connectionCount()).toBe(1);
  });
});

describe('simulator: bounded memory', () => {
  it('keeps the most recent maxActionLog actions while counting all of them', async () => {
    await h.sim.close();
    await h.start({ maxActionLog: 10 });
    const p = await loggedIn();
    for (let i = 0; i < 25; i++) p.send('Ping', { ActionID: `p${i}` });
    await p.response('p24');
    expect(h.sim.actionCount('Ping')).toBe(25);
    expect(h.sim.actions.length).toBeLessThanOrEqual(10);
    expect(h.sim.actions.at(-1)?.actionId).toBe('p24');
  });

  it('drops a session that stops reading once maxQueuedBytes are waiting for it', async () => {
    await h.sim.close();
    await h.start({ maxQueuedBytes: 256 * 1024 });
    const p = await loggedIn();
    p.socket.pause();
    const dropped = new Promise<void>((resolve) => h.sim.on('disconnect', () => resolve()));
    let gone = false;
    void dropped.then(() => (gone = true));
    for (let i = 0; i < 50_000 && !gone; i++) {
      h.sim.hangup(h.sim.addConferenceMember({ kind: 'confbridge', room: '4000' }).name);
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    await dropped;
    expect(h.sim.connectionCount()).toBe(0);
    expect(h.sim.channels()).toEqual([]);
  });
});

describe('simulator: faults', () => {
  it('dropAfterActions closes the connection on the n-th action without answering it', async () => {
    const p = await loggedIn();
    h.sim.faults.dropAfterActions(2);
    p.send('Ping', { ActionID: 'p1' });
    await p.response('p1');
    p.send('Ping', { ActionID: 'p2' });
    await p.closedByPeer();
    expect(responded(p, 'p2')).toBe(false);
    const q = await loggedIn();
    q.send('Ping', { ActionID: 'p3' });
    await q.response('p3');
  });

  it('dropAfterActions can count one action name only', async () => {
    const p = await loggedIn();
    h.sim.faults.dropAfterActions(1, { action: 'Originate' });
    p.send('Ping', { ActionID: 'p1' });
    await p.response('p1');
    p.send('Originate', { Channel: 'Local/600@default', Exten: '600', Context: 'default', Priority: '1', Async: 'true', ActionID: 'o' });
    await p.closedByPeer();
    expect(responded(p, 'o')).toBe(false);
  });

  it('delayResponses holds answers back until the delay has passed', async () => {
    const p = await loggedIn();
    h.sim.faults.delayResponses(300);
    p.send('Ping', { ActionID: 'slow' });
    await h.sim.waitForAction((a) => a.actionId === 'slow');
    await marker(p, 1);
    expect(responded(p, 'slow')).toBe(false);
    await p.response('slow');
    h.sim.faults.delayResponses(null);
  });

  it('dropResponses never answers matching actions, which still take effect', async () => {
    const p = await loggedIn();
    h.sim.faults.dropResponses((a) => a.action === 'Originate');
    p.send('Originate', { Channel: 'Local/600@default', Exten: '600', Context: 'default', Priority: '1', Async: 'true', ActionID: 'o' });
    p.send('Ping', { ActionID: 'p' });
    await p.response('p');
    expect(responded(p, 'o')).toBe(false);
    expect((await p.event('OriginateResponse')).get('ActionID')).toBe('o');
    h.sim.faults.dropResponses(null);
    p.send('Ping', { ActionID: 'p2' });
    await p.response('p2');
  });

  it('sendGarbage and sendOversized reach every connection', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    h.sim.faults.sendGarbage('this is not AMI\r\n\r\n');
    for (const p of [a, b]) expect((await p.waitFor((m) => m.kind === 'other')).headers).toEqual([['this is not AMI', '']]);
    h.sim.faults.sendOversized(200_000);
    const big = await a.event('Oversized');
    expect(big.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0)).toBeGreaterThanOrEqual(200_000);
  });

  it('silence keeps the connection but answers nothing and sends no events', async () => {
    const p = await loggedIn();
    const other = await loggedIn();
    h.sim.faults.silence(true);
    p.send('Ping', { ActionID: 'lost' });
    await h.sim.waitForAction((a) => a.actionId === 'lost');
    other.send('Originate', { Channel: 'Local/600@default', Exten: '600', Context: 'default', Priority: '1', Async: 'true', ActionID: 'o' });
    await h.sim.waitForAction((a) => a.actionId === 'o');
    await marker(p, 1);
    expect(responded(p, 'lost')).toBe(false);
    expect(p.messages.some((m) => m.eventName === 'Newchannel')).toBe(false);
    expect(p.closed).toBe(false);
    h.sim.faults.silence(false);
    p.send('Ping', { ActionID: 'back' });
    await p.response('back');
    expect(responded(p, 'lost')).toBe(false);
  });

  it('stopReading stops reading and answering until turned off', async () => {
    const p = await loggedIn();
    h.sim.faults.stopReading(true);
    p.send('Ping', { ActionID: 'held' });
    // Nothing can be awaited for "not read"; a short bounded pause shows the action was not taken.
    await new Promise((r) => setTimeout(r, 50));
    expect(h.sim.actionCount('Ping')).toBe(0);
    h.sim.faults.stopReading(false);
    await p.response('held');
    expect(h.sim.actionCount('Ping')).toBe(1);
  });
});

/** One header line of exactly `bytes` bytes, CRLF included. */
const padLine = (bytes: number) => `X-Pad: ${'x'.repeat(bytes - 'X-Pad: '.length - 2)}\r\n`;

describe('simulator: line length (manager.c get_input)', () => {
  it.each(['asterisk-22', 'asterisk-11'] as const)('%s refuses a message with a line over 1024 bytes and keeps the session', async (profile) => {
    await h.sim.close();
    const p = await h.loggedIn({ profile });
    p.socket.write(`Action: Ping\r\nActionID: long\r\n${padLine(1100)}\r\n`);
    expect((await p.response('long')).headers).toEqual([
      ['Response', 'Error'],
      ['ActionID', 'long'],
      ['Message', 'Failed to parse message: line too long'],
    ]);
    expect(h.sim.actionCount('Ping')).toBe(0);
    p.send('Ping', { ActionID: 'after' });
    expect((await p.response('after')).get('Response')).toBe('Success');
  });

  it('takes 1024 bytes with the CRLF whole; one more byte and the message is refused', async () => {
    const p = await loggedIn();
    p.socket.write(`Action: Ping\r\nActionID: edge\r\n${padLine(1024)}\r\n`);
    expect((await p.response('edge')).get('Response')).toBe('Success');
    // The cut falls between CR and LF: the lone LF ends the message early, the final CRLF is a stray blank line.
    p.socket.write(`Action: Ping\r\nActionID: over\r\n${padLine(1025)}\r\n`);
    expect((await p.response('over')).get('Message')).toBe('Failed to parse message: line too long');
    expect(h.sim.actionCount('Ping')).toBe(1);
  });

  it('echoes an ActionID read after the long line; none read, none echoed', async () => {
    const p = await loggedIn();
    p.socket.write(`Action: Ping\r\n${padLine(3000)}ActionID: late\r\n\r\n`);
    expect((await p.response('late')).get('Message')).toBe('Failed to parse message: line too long');
    p.socket.write(`Action: Ping\r\n${padLine(2000)}\r\n`);
    const bare = await p.waitFor((m) => m.kind === 'response' && m.get('ActionID') === undefined);
    expect(bare.headers).toEqual([
      ['Response', 'Error'],
      ['Message', 'Failed to parse message: line too long'],
    ]);
  });
});

describe('simulator: authtimeout', () => {
  it('closes a session not logged in within authTimeoutMs, however active, and leaves a logged-in one', async () => {
    await h.sim.close();
    // Logged in first: were its timer still running, it would fire before the idle session's.
    const authed = await h.loggedIn({ authTimeoutMs: 200 });
    const idle = await h.peer();
    const since = Date.now();
    idle.send('Ping', { ActionID: 'pre' });
    expect((await idle.response('pre')).get('Message')).toBe('Permission denied');
    await once(idle.socket, 'close');
    expect(Date.now() - since).toBeGreaterThanOrEqual(150);
    expect(idle.messages.map((m) => m.kind)).toEqual(['banner', 'response']);
    expect(authed.closed).toBe(false);
    authed.send('Ping', { ActionID: 'still' });
    expect((await authed.response('still')).get('Response')).toBe('Success');
  });
});
