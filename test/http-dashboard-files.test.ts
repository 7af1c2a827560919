import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHttpServer } from '../src/http/index.js';
import { parseConfig } from '../src/shared/config/index.js';
import { openDatabase, type AmiqDatabase } from '../src/shared/db/index.js';

let app: FastifyInstance;
let database: AmiqDatabase;
const DIR = join(import.meta.dirname, '..', 'dashboard');

beforeAll(async () => {
  database = await openDatabase({ path: ':memory:' });
  app = await buildHttpServer({
    config: parseConfig({}),
    db: database.db,
    logger: pino({ level: 'silent' }),
    changes: undefined,
    closing: new AbortController().signal,
  });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

it('serves the page and its files without a token, with a policy that forbids any other origin', async () => {
  const page = await app.inject({ url: '/' });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(page.body).toBe(readFileSync(join(DIR, 'index.html'), 'utf8'));
  expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
  // Every file the page and its modules load is served.
  const refs = [...page.body.matchAll(/(?:href|src)="(dashboard\/[^"]+)"/g)].map((m) => m[1]!);
  const app_ = await app.inject({ url: '/dashboard/app.js' });
  refs.push(...[...app_.body.matchAll(/from '\.\/([^']+)'/g)].map((m) => `dashboard/${m[1]}`));
  expect(refs).toEqual(expect.arrayContaining(['dashboard/dashboard.css', 'dashboard/app.js', 'dashboard/api.js']));
  for (const ref of refs) {
    const res = await app.inject({ url: `/${ref}` });
    expect(res.statusCode, ref).toBe(200);
    expect(res.headers['content-type']).toMatch(ref.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
  }
});

it('no file outside the dashboard, and no data, without a token', async () => {
  expect((await app.inject({ url: '/dashboard/missing.js' })).statusCode).toBe(404);
  expect((await app.inject({ url: '/dashboard/..%2Fpackage.json' })).statusCode).toBe(404);
  expect((await app.inject({ url: '/v1/status' })).statusCode).toBe(401);
  expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
  expect((await app.inject({ url: '/v1/changes' })).statusCode).toBe(401);
});

it('the dashboard fetches nothing from another origin: no absolute URL in its files', () => {
  for (const name of ['index.html', 'app.js', 'api.js', 'panels.js', 'queue-view.js', 'rate-chart.js', 'dashboard.css']) {
    expect(readFileSync(join(DIR, name), 'utf8'), name).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
  }
});
