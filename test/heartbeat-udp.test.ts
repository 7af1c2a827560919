import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAllowList } from '../src/heartbeat/allow-list.js';
import { AllowListError } from '../src/heartbeat/errors.js';
import { HeartbeatBindError, ProbeTimeoutError } from '../src/shared/heartbeat-protocol/errors.js';
import { channelMask, decodeFrame, encodeFrame } from '../src/shared/heartbeat-protocol/frame.js';
import { loopFrames, randomFrames, type FrameSource } from '../src/heartbeat/frame-source.js';
import { ProbeSocket, probe } from '../src/shared/heartbeat-protocol/probe-client.js';
import { startHeartbeatServer, type HeartbeatServer } from '../src/heartbeat/udp-server.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(opts: {
  frame: FrameSource;
  allow?: string[];
  bind?: string;
  maxDatagramBytes?: number;
}): Promise<{ server: HeartbeatServer; client: ProbeSocket; host: string }> {
  const host = opts.bind ?? '127.0.0.1';
  const client = await ProbeSocket.open({ replyPort: 0, host, bind: host });
  cleanups.push(() => client.close());
  const server = await startHeartbeatServer({
    bind: host,
    port: 0,
    replyPort: client.port,
    allow: createAllowList(opts.allow ?? ['127.0.0.0/8']),
    frame: opts.frame,
    logger,
    ...(opts.maxDatagramBytes !== undefined ? { maxDatagramBytes: opts.maxDatagramBytes } : {}),
  });
  cleanups.push(() => server.close());
  return { server, client, host };
}

/** One request through the sockets, awaiting its reply. */
async function ask(client: ProbeSocket, host: string, server: HeartbeatServer): Promise<Buffer> {
  const reply = client.nextReply(5000);
  client.send(host, server.address().port);
  return (await reply).frame;
}

describe('allow-list', () => {
  it('matches IPv4 and IPv6 networks, bare addresses and IPv4-mapped sources', () => {
    const allow = createAllowList(['127.0.0.0/8', '10.1.0.0/16', '2001:db8::/32', '192.0.2.7']);
    expect(allow.allows('127.0.0.1')).toBe(true);
    expect(allow.allows('127.255.1.2')).toBe(true);
    expect(allow.allows('10.1.200.3')).toBe(true);
    expect(allow.allows('10.2.0.1')).toBe(false);
    expect(allow.allows('::ffff:127.0.0.1')).toBe(true);
    expect(allow.allows('2001:db8:5::1')).toBe(true);
    expect(allow.allows('2001:db9::1')).toBe(false);
    expect(allow.allows('192.0.2.7')).toBe(true);
    expect(allow.allows('192.0.2.8')).toBe(false);
    expect(allow.allows('::1')).toBe(false);
    expect(allow.allows('not an address')).toBe(false);
    expect(createAllowList([]).allows('127.0.0.1')).toBe(false);
  });

  it('answers the same from its bounded memory of sources, past its size', () => {
    const allow = createAllowList(['10.0.0.0/16']);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5000; i++) {
        const addr = `10.${i % 2}.${(i >> 8) & 255}.${i & 255}`;
        expect(allow.allows(addr)).toBe(i % 2 === 0);
      }
    }
  });

  it('refuses malformed entries with an error naming the entry', () => {
    for (const bad of ['10.0.0.0/33', '::/129', 'localhost', '10.0.0.0/8/1', '10.0.0.0/x', '']) {
      expect(() => createAllowList([bad]), bad).toThrow(AllowListError);
    }
    expect(() => createAllowList(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
  });
});

describe('heartbeat UDP server', () => {
  it('answers a request with the 8-byte frame at the reply port (worked example)', async () => {
    const frame = encodeFrame(channelMask([15]), false);
    const { server, client, host } = await setup({ frame: () => frame });
    const reply = await ask(client, host, server);
    expect(reply.toString('hex')).toBe('0000000000004000');
    expect(server.stats).toMatchObject({ requests: 1, replies: 1, droppedSource: 0 });
  });

  it('answers empty datagrams (content is ignored) and drops oversized ones, counting them', async () => {
    const { server, client, host } = await setup({ frame: () => encodeFrame(1, true), maxDatagramBytes: 16 });
    const port = server.address().port;
    const { createSocket } = await import('node:dgram');
    const raw = createSocket('udp4');
    cleanups.push(() => new Promise((r) => raw.close(() => r())));
    // Empty request, sent from another port: the reply still goes to the configured reply port.
    const first = client.nextReply(5000);
    raw.send(Buffer.alloc(0), port, host);
    expect((await first).frame.toString('hex')).toBe('8000000000000001');
    const dropped = once(server, 'dropped');
    raw.send(Buffer.alloc(17, 0x41), port, host);
    expect((await dropped)[0]).toMatchObject({ reason: 'oversized', bytes: 17 });
    // Still serving, and a 16-byte (limit) datagram is a request.
    const second = client.nextReply(5000);
    raw.send(Buffer.alloc(16, 0xff), port, host);
    await second;
    expect(server.stats).toMatchObject({ requests: 2, replies: 2, droppedOversized: 1 });
    expect(client.ignored).toBe(0);
  });

  it('drops requests from outside the allowed networks, counts them, and sends nothing', async () => {
    const { server, client, host } = await setup({ frame: () => encodeFrame(0x3fffffff, true), allow: ['10.0.0.0/8', '::1/128'] });
    let replies = 0;
    client.on('reply', () => replies++);
    const dropped = once(server, 'dropped');
    client.send(host, server.address().port);
    expect((await dropped)[0]).toMatchObject({ reason: 'source', from: '127.0.0.1' });
    client.send(host, server.address().port);
    await once(server, 'dropped');
    expect(server.stats).toMatchObject({ requests: 0, replies: 0, droppedSource: 2 });
    expect(replies).toBe(0);
  });

  it('serves IPv6 sources on an IPv6 bind', async () => {
    const { server, client, host } = await setup({ frame: () => encodeFrame(channelMask([31]), false), bind: '::1', allow: ['::1/128'] });
    expect(decodeFrame(await ask(client, host, server)).channels).toEqual([31]);
  });

  it('-l: consecutive replies walk positions 1..30 in order, then wrap', async () => {
    const { server, client, host } = await setup({ frame: loopFrames() });
    const seen: number[][] = [];
    for (let n = 1; n <= 32; n++) seen.push(decodeFrame(await ask(client, host, server)).positions);
    expect(seen).toEqual(Array.from({ length: 32 }, (_, i) => [(i % 30) + 1]));
  });

  it('-t: replies are random with reserved bits zero', async () => {
    const { server, client, host } = await setup({ frame: randomFrames() });
    const values = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const d = decodeFrame(await ask(client, host, server));
      expect(d.reservedBitsSet).toBe(false);
      values.add(d.value.toString());
    }
    expect(values.size).toBeGreaterThan(15);
  });

  it('-d: logs every request with its reply', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const debugLogger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const client = await ProbeSocket.open({ replyPort: 0, bind: '127.0.0.1' });
    cleanups.push(() => client.close());
    const server = await startHeartbeatServer({
      bind: '127.0.0.1',
      port: 0,
      replyPort: client.port,
      allow: createAllowList(['127.0.0.0/8']),
      frame: loopFrames(),
      logger: debugLogger,
      debug: true,
    });
    cleanups.push(() => server.close());
    await ask(client, '127.0.0.1', server);
    await ask(client, '127.0.0.1', server);
    const answered = lines.filter((l) => l['msg'] === 'heartbeat: request answered');
    expect(answered.map((l) => l['reply'])).toEqual(['0000000000000001', '0000000000000002']);
    expect(answered[0]).toMatchObject({ to: client.port, bytes: 10 });
  });

  it('reports a port in use as a HeartbeatBindError', async () => {
    const { server, host } = await setup({ frame: () => encodeFrame(0, false) });
    await expect(
      startHeartbeatServer({ bind: host, port: server.address().port, replyPort: 1, allow: createAllowList([]), frame: () => encodeFrame(0, false), logger }),
    ).rejects.toThrow(HeartbeatBindError);
  });
});

describe('probe', () => {
  it('sends one request and decodes the reply', async () => {
    const replyPort = 0;
    // probe() binds its own reply port, so find a free one by opening and closing a socket.
    const tmp = await ProbeSocket.open({ replyPort });
    const port = tmp.port;
    await tmp.close();
    const server = await startHeartbeatServer({
      bind: '127.0.0.1',
      port: 0,
      replyPort: port,
      allow: createAllowList(['127.0.0.0/8']),
      frame: () => encodeFrame(channelMask([1, 17]), true),
      logger,
    });
    cleanups.push(() => server.close());
    const result = await probe({ host: '127.0.0.1', port: server.address().port, replyPort: port, timeoutMs: 5000 });
    expect(result).toMatchObject({ cleanerAlive: true, channels: [1, 17], reservedBitsSet: false });
    expect(result.raw.toString('hex')).toBe('8000000000008001');
  });

  it('times out with ProbeTimeoutError when nobody answers', async () => {
    const silent = await ProbeSocket.open({ replyPort: 0, bind: '127.0.0.1' });
    cleanups.push(() => silent.close());
    await expect(probe({ host: '127.0.0.1', port: silent.port, replyPort: 0, timeoutMs: 50 })).rejects.toThrow(ProbeTimeoutError);
  });
});
