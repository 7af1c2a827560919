import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { redactUrl } from '../db/database-url.js';
import { ConfigError } from './config-error.js';
import { AMI_WORKER_NAMES, configSchema, type AmiqConfig, type AmiqConfigInput, type AmiWorkerName } from './schema.js';

export interface LoadConfigOptions {
  /** Explicit file (--config); must exist. */
  path?: string;
  /** Defaults to process.env: AMIQ_CONFIG, AMIQ_DB, AMIQ_DATABASE_URL, AMIQ_AMI_SECRET, AMIQ_AMI_SECRET_<WORKER>. */
  env?: NodeJS.ProcessEnv;
  /** Highest precedence (CLI flags such as --db, --server). */
  overrides?: AmiqConfigInput;
  /** Where ./amiq.toml and relative paths resolve; default process.cwd(). */
  cwd?: string;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `--config`, then AMIQ_CONFIG (both must exist), then ./amiq.toml if present; undefined = defaults only. */
export function resolveConfigPath(opts: Pick<LoadConfigOptions, 'path' | 'env' | 'cwd'> = {}): string | undefined {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const explicit = opts.path ?? (env['AMIQ_CONFIG'] || undefined);
  if (explicit !== undefined) {
    const p = resolve(cwd, explicit);
    if (!existsSync(p)) throw new ConfigError(`config file not found: ${p}`, undefined, p);
    return p;
  }
  const local = resolve(cwd, 'amiq.toml');
  return existsSync(local) ? local : undefined;
}

function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Plain, v) : v;
  }
  return out;
}

function readToml(file: string): Plain {
  try {
    return parseToml(readFileSync(file, 'utf8')) as Plain;
  } catch (err) {
    const detail = err instanceof TomlError ? `line ${err.line}, column ${err.column}: ${err.message.split('\n')[0]}` : String(err);
    throw new ConfigError(`${file}: not valid TOML (${detail})`, undefined, file);
  }
}

function keyOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = data;
  for (const p of path) v = isPlain(v) || Array.isArray(v) ? (v as Plain)[p as string] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'a table';
  return JSON.stringify(v);
}

/** Every problem, each phrased for a human: `<key>: <rule>, got <value>`. */
function problemsOf(error: z.ZodError, input: unknown): Array<{ key: string; text: string }> {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const key = keyOf([...issue.path, k]);
        return { key, text: `${key}: unknown key (a typo?)` };
      });
    }
    const key = keyOf(issue.path);
    // The secret never appears in an error message either, nor a database URL's password.
    const value = valueAt(input, issue.path);
    const hidden = key === 'ami.secret' || key.startsWith('ami.users');
    const got = hidden ? '' : `, got ${key === 'database.url' && typeof value === 'string' ? JSON.stringify(redactUrl(value)) : describe(value)}`;
    return [{ key, text: `${key}: ${issue.message}${got}` }];
  });
}

function toConfigError(error: z.ZodError, input: unknown, file: string | undefined): ConfigError {
  const problems = problemsOf(error, input);
  const first = problems[0]!;
  if (problems.length === 1) return new ConfigError(first.text, first.key, file);
  const list = problems.map((p) => `\n  ${p.text}`).join('');
  return new ConfigError(
    `${problems.length} problems${file === undefined ? '' : ` in ${file}`}:${list}`,
    first.key,
    file,
    problems.map((p) => p.text),
  );
}

/** `AMIQ_AMI_SECRET_<WORKER>` (e.g. AMIQ_AMI_SECRET_MANAGER_LISTENER): that worker's own user's secret. */
function workerSecretEnv(worker: AmiWorkerName): string {
  return `AMIQ_AMI_SECRET_${worker.toUpperCase().replace(/-/g, '_')}`;
}

function workerSecretsFromEnv(env: NodeJS.ProcessEnv): Plain | undefined {
  const users: Plain = {};
  for (const w of AMI_WORKER_NAMES) {
    const secret = env[workerSecretEnv(w)];
    if (secret !== undefined) users[w] = { secret };
  }
  return Object.keys(users).length > 0 ? users : undefined;
}

/** Validates a configuration object (file contents merged with env/overrides) and fills defaults. */
export function parseConfig(input: unknown, file?: string): AmiqConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) throw toConfigError(result.error, input, file);
  return result.data;
}

export function defaultConfig(): AmiqConfig {
  return parseConfig({});
}

/**
 * Defaults < file < environment < overrides. Paths in the file resolve against the file's
 * directory (cron runs keepalive from anywhere); other relative paths against cwd.
 */
export function loadConfig(opts: LoadConfigOptions = {}): AmiqConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const file = resolveConfigPath({ ...opts, cwd, env });
  const fromFile = file === undefined ? {} : readToml(file);
  const fromEnv: Plain = {};
  if (env['AMIQ_DB']) fromEnv['database'] = { path: env['AMIQ_DB'] };
  if (env['AMIQ_DATABASE_URL'] !== undefined) fromEnv['database'] = { ...(fromEnv['database'] as Plain | undefined), url: env['AMIQ_DATABASE_URL'] };
  if (env['AMIQ_AMI_SECRET'] !== undefined) fromEnv['ami'] = { secret: env['AMIQ_AMI_SECRET'] };
  const users = workerSecretsFromEnv(env);
  if (users !== undefined) fromEnv['ami'] = { ...(fromEnv['ami'] as Plain | undefined), users };
  const merged = deepMerge(deepMerge(fromFile, fromEnv), (opts.overrides ?? {}) as Plain);
  const config = parseConfig(merged, file);
  const fileDir = file === undefined ? cwd : dirname(file);
  const base = (fromFileValue: unknown, value: string) => (fromFileValue === value ? fileDir : cwd);
  const abs = (value: string, fromFileValue: unknown) => (isAbsolute(value) || value === ':memory:' ? value : resolve(base(fromFileValue, value), value));
  config.database.path = abs(config.database.path, (fromFile['database'] as Plain | undefined)?.['path']);
  config.workers.log_dir = abs(config.workers.log_dir, (fromFile['workers'] as Plain | undefined)?.['log_dir']);
  const http = fromFile['http'] as Plain | undefined;
  if (config.http.tls_cert !== '') config.http.tls_cert = abs(config.http.tls_cert, http?.['tls_cert']);
  if (config.http.tls_key !== '') config.http.tls_key = abs(config.http.tls_key, http?.['tls_key']);
  return config;
}
