import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { AmiqConfig } from '../shared/config/index.js';

/** A port free on `host` now (the OS picks one), for `--http-port 0`. */
async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, host, resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
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
    port: port === 0 ? await freePort(config.http.bind) : (port ?? config.http.port),
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
