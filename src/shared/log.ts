import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name?: string;
  /** pino level; tests pass 'silent'. Default: LOG_LEVEL or 'info'. */
  level?: string;
  /** A file path (appended, directory created) or a file descriptor; default stdout. */
  destination?: string | number;
}

const CENSOR = '[Redacted]';

/** Keys whose values never reach a log line, whatever their case or depth (SPEC §5). */
const SECRET_KEY = /^(secret|key|password|passwd|token)$/i;

// Named paths go through pino's compiled redaction; the deep walk below catches the rest
// (nested configs, AMI header lists as [key, value] pairs, objects under unexpected keys).
const REDACT_PATHS = [
  'secret', 'Secret', 'key', 'Key', 'password',
  '*.secret', '*.Secret', '*.key', '*.Key', '*.password',
  'ami.secret', 'config.ami.secret', 'headers.Secret', 'headers.Key', 'action.headers.Secret',
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
  if (opts.destination === undefined) return pino(options);
  const dest =
    typeof opts.destination === 'number'
      ? pino.destination({ dest: opts.destination, sync: true })
      : pino.destination({ dest: opts.destination, mkdir: true, append: true, sync: true });
  return pino(options, dest);
}
