import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type pinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name?: string;
  /** pino level; tests pass 'silent'. Default: LOG_LEVEL or 'info'. */
  level?: string;
  /** A file path (appended, directory created) or a file descriptor; default stdout. */
  destination?: string | number;
  /** 'pretty': one readable line per record (pino-pretty); default 'json'. See logFormatFor. */
  format?: LogFormat;
}

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * `--log-format`, else AMIQ_LOG_FORMAT, else pretty on a terminal and JSON anywhere else (a file,
 * the journal, a pipe to a log shipper). Undefined when the value named is not a format.
 */
export function logFormatFor(flag: string | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): LogFormat | undefined {
  const named = flag ?? (env['AMIQ_LOG_FORMAT'] || undefined);
  if (named === undefined) return isTTY ? 'pretty' : 'json';
  return (LOG_FORMATS as readonly string[]).includes(named) ? (named as LogFormat) : undefined;
}

const CENSOR = '[Redacted]';

/** Keys whose values never reach a log line, whatever their case or depth (SPEC §5). */
const SECRET_KEY = /^(secret|key|password|passwd|token)$/i;

// Named paths go through pino's compiled redaction; the deep walk below catches the rest
// (nested configs, AMI header lists as [key, value] pairs, objects under unexpected keys).
const REDACT_PATHS = [
  'secret',
  'Secret',
  'key',
  'Key',
  'password',
  '*.secret',
  '*.Secret',
  '*.key',
  '*.Key',
  '*.password',
  'ami.secret',
  'config.ami.secret',
  'headers.Secret',
  'headers.Key',
  'action.headers.Secret',
];

const MAX_DEPTH = 8;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Returns `value` with secret-named entries censored; copies only what it changes. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    // An AMI header pair ['Secret', 'x'].
    if (value.length === 2 && typeof value[0] === 'string' && SECRET_KEY.test(value[0]) && typeof value[1] === 'string') {
      return [value[0], CENSOR];
    }
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const r = redactSecrets(item, depth + 1);
      if (r !== item) (out ??= value.slice())[i] = r;
    });
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const r = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? CENSOR : redactSecrets(v, depth + 1);
    if (r !== v) (out ??= { ...value })[k] = r;
  }
  return out ?? value;
}

/** The one way amiq makes a logger: structured JSON, secrets redacted at any depth. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env['LOG_LEVEL'] ?? 'info';
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    formatters: { log: (obj) => redactSecrets(obj) as Record<string, unknown> },
  };
  if (opts.name !== undefined) options.name = opts.name;
  // The pretty stream reads the records pino has already redacted and serialized.
  if (opts.format === 'pretty') return pino(options, prettyStream(opts.destination));
  if (opts.destination === undefined) return pino(options);
  const dest =
    typeof opts.destination === 'number'
      ? pino.destination({ dest: opts.destination, sync: true })
      : pino.destination({ dest: opts.destination, mkdir: true, append: true, sync: true });
  return pino(options, dest);
}

// Loaded only for pretty output: a JSON-logging process (a worker under systemd, a cold CLI
// command) does not pay for it.
const requireModule = createRequire(import.meta.url);

/** One line per record: time, level, message, then the fields as compact JSON (no stack unless an error is logged). */
function prettyStream(destination: string | number | undefined): pinoPretty.PrettyStream {
  const pretty = requireModule('pino-pretty') as typeof pinoPretty;
  const fd = typeof destination === 'number' ? destination : 1;
  const common = {
    sync: true,
    singleLine: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    // The worker's name leads the line; the fields every line of a process repeats are left out.
    messageFormat: '{if worker}{worker}: {end}{msg}',
    ignore: 'pid,hostname,name,worker,server,component',
  };
  if (typeof destination === 'string') return pretty({ ...common, colorize: false, destination, mkdir: true, append: true });
  return pretty({ ...common, colorize: fd === 1 ? process.stdout.isTTY === true : false, destination: fd });
}
