import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttp } from '../src/http/index.js';
import { ConfigError, parseConfig } from '../src/shared/config/index.js';
import { EngineDb } from './helpers/engines.js';
import { httpConfig, silentLogger, TOKENS } from './helpers/http-app.js';

/** A self-signed certificate for 127.0.0.1, made for this test by the openssl CLI. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

interface Answer {
  status: number;
  body: string;
}

function get(url: string, opts: { ca?: Buffer; token?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(u, { ca: opts.ca, headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http: TLS when tls_cert and tls_key are set', () => {
  const t = new EngineDb('sqlite');
  let dir: string;
  let files: { cert: string; key: string };
  const stop = new AbortController();
  let running: Promise<void>;
  let url: string;
  beforeAll(async () => {
    await t.open();
    dir = mkdtempSync(join(tmpdir(), 'amiq-tls-'));
    files = selfSigned(dir);
    const config = httpConfig({ http: { tls_cert: files.cert, tls_key: files.key } });
    const listening = new Promise<string>((resolve, reject) => {
      running = runHttp({
        config,
        db: t.db,
        database: t.handle,
        logger: silentLogger,
        signal: stop.signal,
        ctx: { setAmiState: () => undefined, count: () => undefined },
        port: 0,
        onListening: (_address, u) => resolve(u),
      });
      running.catch(reject);
    });
    url = await listening;
  });
  afterAll(async () => {
    stop.abort();
    await running;
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(files.cert);
    expect(await get(`${url}/health`, { ca })).toEqual({ status: 200, body: '{"status":"up"}' });
    const status = await get(`${url}/v1/status`, { ca, token: TOKENS.admin });
    expect(status.status).toBe(200);
    expect((await get(`${url}/v1/status`, { ca })).status).toBe(401);
  });

  it('a client that does not trust the certificate is refused, and plain HTTP gets no API', async () => {
    await expect(get(`${url}/health`)).rejects.toThrow(/self-signed|certificate/i);
    const plain = url.replace('https:', 'http:');
    const answer = await get(`${plain}/health`).catch((err: Error) => err);
    // Node's TLS server answers a plain request with a bare 400 (or drops it): never the API.
    if (answer instanceof Error) expect(answer.message).toMatch(/socket hang up|ECONNRESET|Parse Error/);
    else expect(answer).not.toEqual({ status: 200, body: '{"status":"up"}' });
  });

  it('a certificate without its key (or the reverse), or an unreadable file, is a config error naming the key', async () => {
    expect(() => parseConfig({ http: { tls_cert: files.cert } })).toThrow('http.tls_key: required with tls_cert');
    expect(() => parseConfig({ http: { tls_key: files.key } })).toThrow('http.tls_cert: required with tls_key');
    const missing = httpConfig({ http: { tls_cert: join(dir, 'nope.pem'), tls_key: files.key } });
    const err = await runHttp({
      config: missing,
      db: t.db,
      database: t.handle,
      logger: silentLogger,
      signal: AbortSignal.abort(),
      ctx: { setAmiState: () => undefined, count: () => undefined },
      port: 0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^http\.tls_cert: cannot read .*nope\.pem/);
  });
});
