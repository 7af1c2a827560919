import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { DATABASE_URL_RULE, parseDatabaseUrl } from '../db/database-url.js';
import { parseNetwork } from '../network.js';

// Each helper states its rule once; the same words appear in the error a user sees
// (`ami.port: expected an integer 1..65535, got 0`).

export function int(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const rule = max === Number.MAX_SAFE_INTEGER ? `expected an integer >= ${min}` : `expected an integer ${min}..${max}`;
  return z.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
}

export function num(min: number) {
  const rule = `expected a number >= ${min}`;
  return z.number({ error: rule }).min(min, { error: rule });
}

export function str(opts: { nonEmpty?: boolean } = {}) {
  const rule = opts.nonEmpty ? 'expected a non-empty string' : 'expected a string';
  return z.string({ error: rule }).min(opts.nonEmpty ? 1 : 0, { error: rule });
}

export function strList(opts: { nonEmpty?: boolean } = {}) {
  const item = opts.nonEmpty ? 'expected a non-empty string' : 'expected a string';
  const itemSchema = z.string({ error: item }).min(opts.nonEmpty ? 1 : 0, { error: item });
  return z.array(itemSchema, { error: `expected an array of ${opts.nonEmpty ? 'non-empty ' : ''}strings` });
}

export function bool() {
  return z.boolean({ error: 'expected true or false' });
}

/** Glob patterns (`*` any text, `?` one character), e.g. "PJSIP/*". */
export function globList() {
  const rule = 'expected an array of non-empty glob patterns like "PJSIP/*"';
  return z.array(z.string({ error: rule }).min(1, { error: rule }), { error: rule });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const rule = `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return z.enum(values, { error: rule });
}

export function listOf<const T extends readonly [string, ...string[]]>(values: T) {
  const names = values.map((v) => JSON.stringify(v)).join(', ');
  return z.array(z.enum(values, { error: `expected one of ${names}` }), { error: `expected an array of ${names}` });
}

export function cron() {
  const rule = 'expected a node-cron expression (with seconds, e.g. "*/15 * * * * *")';
  return z.string({ error: rule }).refine((s) => validCron(s), { error: rule });
}

/** IPv4/IPv6 addresses with an optional /prefix, checked as the heartbeat will parse them. */
export function cidrList() {
  const network = z.string({ error: 'expected a network like "127.0.0.0/8"' }).superRefine((entry, ctx) => {
    const net = parseNetwork(entry);
    if (!net.ok) ctx.addIssue({ code: 'custom', message: net.problem, input: entry });
  });
  return z.array(network, { error: 'expected an array of networks like "127.0.0.0/8"' });
}

/** Empty (SQLite, `path`) or a postgres://, postgresql://, mysql:// or mariadb:// URL. */
export function databaseUrl() {
  const valid = (s: string) => {
    if (s === '') return true;
    try {
      parseDatabaseUrl(s);
      return true;
    } catch {
      return false;
    }
  };
  return z.string({ error: DATABASE_URL_RULE }).refine(valid, { error: `${DATABASE_URL_RULE}, or "" for the SQLite file at path` });
}

/** A SHA-256 digest in lowercase hex (64 characters). */
export function sha256Hex() {
  const rule = 'expected a SHA-256 hex digest (64 characters 0-9a-f; `amiq token create` prints it)';
  return z.string({ error: rule }).regex(/^[0-9a-f]{64}$/, { error: rule });
}

/** "all", or a list of names. */
export function allOrList() {
  const rule = 'expected "all" or an array of non-empty strings';
  return z.union([z.literal('all'), z.array(z.string().min(1))], { error: rule });
}
