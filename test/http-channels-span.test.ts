import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHeartbeat } from '../src/heartbeat/index.js';
import { EngineDb } from './helpers/engines.js';
import { bearer, httpConfig, silentLogger, testHttp, TOKENS, type TestHttp } from './helpers/http-app.js';
import { freeUdpPort } from './helpers/free-udp-port.js';

interface Channels {
  server: string;
  span: { channels: Array<{ position: number; channel: number; up: boolean }>; cleaner_alive: boolean; read_at: string } | null;
  span_error: string | null;
}

describe("http: /v1/channels reads the E1 span from this host's heartbeat", () => {
  const t = new EngineDb('sqlite');
  const stop = new AbortController();
  let heartbeat: Promise<void>;
  let h: TestHttp;
  beforeAll(async () => {
    await t.open();
    const port = await freeUdpPort();
    const replyPort = await freeUdpPort();
    // The heartbeat in -l mode (no Asterisk): the n-th reply shows position ((n-1) mod 30)+1 up.
    const config = httpConfig({ heartbeat: { bind: '127.0.0.1', port, reply_port: replyPort, span_first_channel: 32 } });
    const listening = new Promise<void>((resolve, reject) => {
      heartbeat = runHeartbeat({
        config,
        db: t.db,
        logger: silentLogger,
        signal: stop.signal,
        ctx: { count: () => undefined, setAmiState: () => undefined },
        modes: { loop: true },
        onListening: () => resolve(),
      });
      heartbeat.catch(reject);
    });
    await listening;
    h = await testHttp(t.db, { config });
  });
  afterAll(async () => {
    await h.close();
    stop.abort();
    await heartbeat;
    await t.close();
  });

  it('the 30 B-channels, numbered from span_first_channel (no bit for the D-channel), as the heartbeat answers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/channels', headers: bearer(TOKENS.admin) });
    expect(res.statusCode).toBe(200);
    const body = res.json<Channels>();
    expect(body.span_error).toBeNull();
    expect(body.server).toBe('pbx1');
    const span = body.span!;
    expect(span.channels).toHaveLength(30);
    expect(span.channels.filter((c) => c.up).map((c) => c.position)).toEqual([1]);
    // Span 2 starts at 32: positions 1..15 are 32..46, the D-channel (47) has no bit, 16..30 are 48..62.
    expect(span.channels[0]).toEqual({ position: 1, channel: 32, up: true });
    expect(span.channels[15]).toEqual({ position: 16, channel: 48, up: false });
    expect(span.channels[29]).toEqual({ position: 30, channel: 62, up: false });
    expect(span.cleaner_alive).toBe(false);
  });

  it("asked for another server's channels: no span (it is this host's), saying so", async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/channels?server=pbx2', headers: bearer(TOKENS.admin) });
    expect(res.json<Channels>()).toMatchObject({ span: null, span_error: expect.stringContaining("pbx1's") });
  });
});
