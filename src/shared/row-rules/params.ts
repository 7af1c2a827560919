import type { AmiHeader } from '../ami/message.js';
import { MAX_HEADERS } from '../ami/serializer.js';

/**
 * Longest params text read at all. 100 headers of under 1024 bytes fit with room for JSON
 * escapes; anything longer could never be sent, and is refused before JSON.parse touches it so
 * a 10 MB params costs nothing.
 */
export const MAX_PARAMS_CHARS = 256 * 1024;

/** Keys amiq sets itself; a client overriding them could break correlation or blocking. */
const RESERVED = new Set(['actionid', 'action', 'async']);

/** The one header a client may repeat (Originate's channel variables). */
const REPEATABLE = 'variable';

/** The headers in order, and for each the field a refusal names (`params.Variable[1]`, `params.Variable.A`). */
export type ParsedParams = { ok: true; headers: AmiHeader[]; fields: string[] } | { ok: false; message: string };

/**
 * A scalar as header text: strings as they are; numbers and booleans as PHP's json_encode and
 * Python's json.dumps write them (`1`, `true`). An integer past 2^53 cannot be read back
 * exactly, so it is refused rather than sent changed.
 */
function scalarText(field: string, v: unknown): { text: string } | { message: string } {
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'boolean') return { text: String(v) };
  if (typeof v === 'number') {
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return { message: `${field}: number too large to read exactly; write it as a string` };
    return { text: String(v) };
  }
  if (v === null) return { message: `${field}: null is not a value (leave the key out)` };
  return { message: `${field}: must be a string, number or boolean` };
}

/**
 * The params column (a JSON object) as ordered AMI headers: a value is a scalar or an array of
 * scalars (the header repeats); `Variable` may also be an object `{"A":"1"}` (one `Variable: A=1`
 * each). Nothing deeper is accepted, and the work is bounded by MAX_PARAMS_CHARS and MAX_HEADERS.
 * Header names and values are judged later, by the safety rules.
 */
export function parseParams(text: string): ParsedParams {
  const fail = (message: string): ParsedParams => ({ ok: false, message });
  if (text.length > MAX_PARAMS_CHARS) return fail(`params: ${text.length} characters, at most ${MAX_PARAMS_CHARS}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('params: not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail('params: must be a JSON object');
  const headers: AmiHeader[] = [];
  const fields: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const field = `params.${key}`;
    const lower = key.toLowerCase();
    if (RESERVED.has(lower)) return fail(`${field}: set by amiq, may not be given`);
    // Asterisk reads only the first of a repeated header; the checks must judge that one alone.
    if (seen.has(lower) && lower !== REPEATABLE) return fail(`${field}: given twice (keys are case-insensitive)`);
    seen.add(lower);
    // Each item: the field named in a refusal, the text put before the value, the value.
    const items: Array<[string, string, unknown]> = [];
    if (Array.isArray(value)) {
      value.forEach((v, i) => items.push([`${field}[${i}]`, '', v]));
    } else if (value !== null && typeof value === 'object') {
      if (lower !== REPEATABLE) return fail(`${field}: an object is allowed only for Variable`);
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        if (name === '' || name.includes('=')) return fail(`${field}: variable name ${JSON.stringify(name)} must be non-empty, without "="`);
        items.push([`${field}.${name}`, `${name}=`, v]);
      }
    } else {
      items.push([field, '', value]);
    }
    for (const [name, prefix, item] of items) {
      if (headers.length >= MAX_HEADERS) return fail(`params: more than ${MAX_HEADERS} headers`);
      const t = scalarText(name, item);
      if ('message' in t) return fail(t.message);
      headers.push([key, prefix + t.text]);
      fields.push(name);
    }
  }
  return { ok: true, headers, fields };
}
