import { HttpError } from '../errors.js';

/** A comma-separated query value of known words (`status=NEW,SENT`), each checked; undefined when absent. */
export function wordList<T extends string>(field: string, text: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (text === undefined || text === '') return undefined;
  const words = text.split(',').map((w) => w.trim());
  for (const w of words) {
    if (!(allowed as readonly string[]).includes(w)) {
      throw new HttpError(400, `${field}: ${JSON.stringify(w)} is not one of ${allowed.join(', ')}`, field, `one of ${allowed.join(', ')}`);
    }
  }
  return words as T[];
}

/** Epoch ms of an ISO-8601 time with a zone in a query value; undefined when absent. */
export function instant(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms))
    throw new HttpError(400, `${field}: ${JSON.stringify(text)} is not an ISO-8601 time with Z or an offset`, field, 'ISO-8601 time with Z or an offset');
  return ms;
}
