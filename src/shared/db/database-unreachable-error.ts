import type { DatabaseUrl } from './database-url.js';

/** The database server named by the URL does not answer or refuses us; the message never holds the password. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    readonly target: DatabaseUrl,
    override readonly cause: unknown,
  ) {
    super(`database.url: cannot connect to ${target.engine} at ${target.host}:${target.port} (${target.redacted}): ${causeText(target, cause)}`);
  }
}

function causeText(target: DatabaseUrl, cause: unknown): string {
  const e = cause as { code?: string; message?: string };
  const text = e.message || e.code || String(cause);
  const password = new URL(target.url).password;
  return password === '' ? text : text.replaceAll(decodeURIComponent(password), '***');
}
