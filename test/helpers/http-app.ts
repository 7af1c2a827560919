import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { buildHttpServer, hashToken, type AmiqRoutePlugin } from '../../src/http/index.js';
import { parseConfig, type AmiqConfig, type AmiqConfigInput } from '../../src/shared/config/index.js';
import type { Database, WakeSignal } from '../../src/shared/db/index.js';

/** The tokens every HTTP test uses, and what each may do. */
export const TOKENS = {
  admin: 'tok-admin',
  pbx1: 'tok-pbx1',
  readOnly: 'tok-ro',
  originateOnly: 'tok-originate',
  slow: 'tok-slow',
} as const;

export const silentLogger = pino({ level: 'silent' });

/** A config serving `pbx1` with the test tokens; `over` overrides sections. */
export function httpConfig(over: AmiqConfigInput = {}): AmiqConfig {
  return parseConfig({
    server: { name: 'pbx1' },
    ...over,
    http: {
      tokens: [
        { name: 'admin', hash: hashToken(TOKENS.admin), rate_per_second: 0 },
        { name: 'pbx1', hash: hashToken(TOKENS.pbx1), servers: ['pbx1'], rate_per_second: 0 },
        { name: 'reader', hash: hashToken(TOKENS.readOnly), read_only: true, rate_per_second: 0 },
        { name: 'originator', hash: hashToken(TOKENS.originateOnly), actions: ['Originate'], rate_per_second: 0 },
        { name: 'slow', hash: hashToken(TOKENS.slow), rate_per_second: 3 },
      ],
      ...over.http,
    },
  });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface TestHttp {
  app: FastifyInstance;
  config: AmiqConfig;
  close(): Promise<void>;
}

/** The API on `db`, not listening (use app.inject); close() also ends long polls. */
export async function testHttp(
  db: Kysely<Database>,
  opts: { config?: AmiqConfig; changes?: WakeSignal; extraRoutes?: AmiqRoutePlugin[] } = {},
): Promise<TestHttp> {
  const config = opts.config ?? httpConfig();
  const closing = new AbortController();
  const app = await buildHttpServer({ config, db, logger: silentLogger, changes: opts.changes, closing: closing.signal }, { extraRoutes: opts.extraRoutes });
  await app.ready();
  return {
    app,
    config,
    close: async () => {
      closing.abort();
      await app.close();
    },
  };
}
