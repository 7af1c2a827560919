import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineDb } from './helpers/engines.js';
import { bearer, httpConfig, testHttp, TOKENS, type TestHttp } from './helpers/http-app.js';

const originate = { channel: 'PJSIP/2001', exten: '100', context: 'default' };

describe('http: auth, scopes, limits', () => {
  const t = new EngineDb('sqlite');
  let h: TestHttp;
  beforeAll(async () => {
    await t.open();
    h = await testHttp(t.db, { config: httpConfig({ http: { body_limit_bytes: 1024 } }) });
  });
  afterAll(async () => {
    await h.close();
    await t.close();
  });
  const count = async () => (await t.db.selectFrom('manager_queue').select('id').execute()).length;

  it('/health answers up without a token, and says nothing else', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'up' });
  });

  it('every other path, known or not, is 401 without a token, with WWW-Authenticate', async () => {
    for (const url of ['/v1/rows', '/v1/status', '/v1/openapi.json', '/v1/channels', '/v1/conferences', '/v1/rows/1', '/nowhere']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ field: 'authorization', rule: 'required' });
    }
    const post = await h.app.inject({ method: 'POST', url: '/v1/originate', payload: originate });
    expect(post.statusCode).toBe(401);
    expect(await count()).toBe(0);
  });

  it('a wrong token, or a malformed header, is 401', async () => {
    for (const authorization of ['Bearer nope', 'Bearer', 'Basic dG9rLWFkbWlu', TOKENS.admin, `Bearer ${TOKENS.admin} extra`]) {
      const res = await h.app.inject({ method: 'GET', url: '/v1/status', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
    const res = await h.app.inject({ method: 'GET', url: '/v1/status', headers: bearer('tok-admin2') });
    expect(res.json()).toMatchObject({ statusCode: 401, field: 'authorization', rule: 'unknown token' });
  });

  it('a known token gets through; an unknown path is then 404', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/status', headers: bearer(TOKENS.admin) })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/nowhere', headers: bearer(TOKENS.admin) })).statusCode).toBe(404);
  });

  it("a server outside the token's is 403 (enqueue, listing, status, channels, conferences), nothing written", async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/originate', headers: bearer(TOKENS.pbx1), payload: { ...originate, server: 'pbx2' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ field: 'server', message: 'server: token "pbx1" may not use server "pbx2"' });
    for (const url of ['/v1/rows?server=pbx2', '/v1/status?server=pbx2', '/v1/channels?server=pbx2', '/v1/conferences?server=pbx2']) {
      const r = await h.app.inject({ method: 'GET', url, headers: bearer(TOKENS.pbx1) });
      expect(r.statusCode, url).toBe(403);
    }
    expect(await count()).toBe(0);
    expect((await h.app.inject({ method: 'POST', url: '/v1/originate', headers: bearer(TOKENS.pbx1), payload: originate })).statusCode).toBe(201);
  });

  it("an action outside the token's is 403, nothing written", async () => {
    const before = await count();
    const res = await h.app.inject({ method: 'POST', url: '/v1/hangup', headers: bearer(TOKENS.originateOnly), payload: { channel: 'PJSIP/2001-1' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ field: 'action', message: 'action: token "originator" may not send "Hangup"' });
    const generic = await h.app.inject({ method: 'POST', url: '/v1/rows', headers: bearer(TOKENS.originateOnly), payload: { action: 'ping' } });
    expect(generic.statusCode).toBe(403);
    expect(await count()).toBe(before);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/v1/rows',
      headers: bearer(TOKENS.originateOnly),
      payload: { action: 'originate', channel: 'PJSIP/1', params: { Application: 'Echo' } },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('a read-only token reads but cannot enqueue or cancel (403)', async () => {
    const made = (await h.app.inject({ method: 'POST', url: '/v1/originate', headers: bearer(TOKENS.admin), payload: originate })).json<{ id: number }>();
    const before = await count();
    for (const [method, url, payload] of [
      ['POST', '/v1/originate', originate],
      ['POST', '/v1/rows', { action: 'Ping' }],
      ['POST', `/v1/rows/${made.id}/cancel`, undefined],
      ['DELETE', `/v1/rows/${made.id}`, undefined],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: bearer(TOKENS.readOnly), ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'read-only token' });
    }
    expect(await count()).toBe(before);
    const row = await h.app.inject({ method: 'GET', url: `/v1/rows/${made.id}`, headers: bearer(TOKENS.readOnly) });
    expect(row.json()).toMatchObject({ id: made.id, status: 'NEW' });
  });

  it('past its rate per second a token gets 429; other tokens are not slowed', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await h.app.inject({ method: 'GET', url: '/v1/status', headers: bearer(TOKENS.slow) })).statusCode);
    expect(codes.slice(0, 3)).toEqual([200, 200, 200]);
    expect(codes.slice(3)).toEqual([429, 429]);
    const limited = await h.app.inject({ method: 'GET', url: '/v1/status', headers: bearer(TOKENS.slow) });
    expect(limited.json()).toMatchObject({ statusCode: 429, rule: 'rate limit' });
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await h.app.inject({ method: 'GET', url: '/v1/status', headers: bearer(TOKENS.admin) })).statusCode).toBe(200);
    // /health is never limited.
    expect((await h.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('a body over body_limit_bytes is 413, nothing written', async () => {
    const before = await count();
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/originate',
      headers: { ...bearer(TOKENS.admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ ...originate, tag: 'x'.repeat(2000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(await count()).toBe(before);
  });

  it('/v1/openapi.json (with a token) documents every v1 route and the bearer scheme', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json', headers: bearer(TOKENS.admin) })).json<{
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: unknown; schemas: Record<string, unknown> };
    }>();
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/health',
        '/metrics',
        '/v1/changes',
        '/v1/channels',
        '/v1/conferences',
        '/v1/hangup',
        '/v1/originate',
        '/v1/redirect',
        '/v1/rows',
        '/v1/rows/{id}',
        '/v1/rows/{id}/cancel',
        '/v1/rows/{id}/results',
        '/v1/rows/{id}/wait',
        '/v1/status',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/v1/rows']!).sort()).toEqual(['get', 'post']);
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Row', 'Error']));
  });
});
