import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { AmiqConfig } from '../shared/config/index.js';

/** `port` if it can be bound on `host` now, else (0, or taken) one the OS picks. */
async function usablePort(host: string, port: number): Promise<number> {
  const s = createServer();
  const bound = await new Promise<number | undefined>((resolve) => {
    s.once('error', () => resolve(undefined));
    s.listen(port, host, () => resolve((s.address() as { port: number }).port));
  });
  await new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()));
  return bound ?? (port === 0 ? Promise.reject(new Error(`cannot listen on ${host}`)) : usablePort(host, 0));
}

/**
 * The demo's HTTP API and dashboard (`amiq start --simulate`): the http worker joins the others
 * with a fresh random token, valid for this run only (kept in memory, never written to the
 * config). Returns the dashboard's address with the token in its fragment (a fragment is never
 * sent to a server, nor logged by one).
 */
export async function addDemoHttp(config: AmiqConfig, port: number | undefined): Promise<{ url: string }> {
  const { hashToken, mintToken } = await import('../http/auth/tokens.js');
  const token = mintToken();
  config.http = {
    ...config.http,
    // The demo must start even where 8090 is taken (another demo, a real amiq): then any free port.
    port: await usablePort(config.http.bind, port ?? config.http.port),
    tokens: [...config.http.tokens, { name: 'demo', hash: hashToken(token), servers: 'all', actions: 'all', read_only: false, rate_per_second: 0 }],
  };
  if (!config.workers.enabled.includes('http')) config.workers.enabled = [...config.workers.enabled, 'http'];
  const host = ['0.0.0.0', '::'].includes(config.http.bind) ? '127.0.0.1' : config.http.bind.includes(':') ? `[${config.http.bind}]` : config.http.bind;
  const scheme = config.http.tls_cert === '' ? 'http' : 'https';
  return { url: `${scheme}://${host}:${config.http.port}/#token=${token}` };
}

/** Resolves true once the dashboard answers /health (the http worker is listening), false if `signal` aborts first. */
export async function httpUp(url: string, signal: AbortSignal): Promise<boolean> {
  const health = new URL('/health', url);
  while (!signal.aborted) {
    try {
      if ((await fetch(health, { signal })).ok) return true;
    } catch {
      // Not listening yet.
    }
    await delay(100, undefined, { signal }).catch(() => undefined);
  }
  return false;
}
