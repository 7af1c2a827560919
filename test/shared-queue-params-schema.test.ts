import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, validateRow } from '../src/shared/row-rules/index.js';

type Schema = Record<string, unknown>;
const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'docs', 'params.schema.json'), 'utf8')) as Schema;

/**
 * The few JSON Schema keywords docs/params.schema.json uses, checked as draft 2020-12 defines
 * them (a keyword this does not know fails the test, so the schema cannot outgrow the check).
 */
function valid(schema: Schema, v: unknown): boolean {
  const KNOWN = new Set([
    '$schema',
    'title',
    'description',
    '$defs',
    '$ref',
    'type',
    'anyOf',
    'not',
    'pattern',
    'maxLength',
    'minimum',
    'maximum',
    'maxItems',
    'items',
    'maxProperties',
    'propertyNames',
    'patternProperties',
    'additionalProperties',
  ]);
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`keyword ${k} not understood by this check`);
  if (typeof schema['$ref'] === 'string') return valid((SCHEMA['$defs'] as Record<string, Schema>)[schema['$ref'].replace('#/$defs/', '')]!, v);
  const type = schema['type'];
  const typeOf = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  if (type !== undefined && type !== typeOf) return false;
  if (Array.isArray(schema['anyOf']) && !(schema['anyOf'] as Schema[]).some((s) => valid(s, v))) return false;
  if (schema['not'] !== undefined && valid(schema['not'] as Schema, v)) return false;
  if (typeof v === 'string') {
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(v)) return false;
    if (typeof schema['maxLength'] === 'number' && [...v].length > schema['maxLength']) return false;
  }
  if (typeof v === 'number') {
    if (typeof schema['minimum'] === 'number' && v < schema['minimum']) return false;
    if (typeof schema['maximum'] === 'number' && v > schema['maximum']) return false;
  }
  if (Array.isArray(v)) {
    if (typeof schema['maxItems'] === 'number' && v.length > schema['maxItems']) return false;
    if (schema['items'] !== undefined && !v.every((i) => valid(schema['items'] as Schema, i))) return false;
  }
  if (typeOf === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (typeof schema['maxProperties'] === 'number' && entries.length > schema['maxProperties']) return false;
    for (const [key, value] of entries) {
      if (schema['propertyNames'] !== undefined && !valid(schema['propertyNames'] as Schema, key)) return false;
      const matched = Object.entries((schema['patternProperties'] ?? {}) as Record<string, Schema>).filter(([re]) => new RegExp(re, 'u').test(key));
      for (const [, s] of matched) if (!valid(s, value)) return false;
      if (matched.length === 0 && schema['additionalProperties'] !== undefined && !valid(schema['additionalProperties'] as Schema, value)) return false;
    }
  }
  return true;
}

/** The sender's verdict on params alone: a Ping (no action rules) without a channel. */
const senderAccepts = (params: unknown): boolean =>
  validateRow({ action: 'Ping', channel: null, callerid: null, params: JSON.stringify(params) }, DEFAULT_POLICY).ok;

const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`H${i}`, 'x']));

const AGREE: Array<[string, unknown]> = [
  ['empty object', {}],
  ['strings', { Exten: '100', Context: 'default', Priority: '1' }],
  ['numbers and booleans (json_encode, json.dumps)', { Priority: 1, Timeout: 30000, Early: true, Ratio: 1.5 }],
  ['an empty value', { Account: '' }],
  ['inner blanks and tabs', { Data: 'a b\tc' }],
  ['unicode', { CallerID: 'Zoë <100>' }],
  ['a repeated header', { Variable: ['A=1', 'B=2'] }],
  ['Variable as an object', { Variable: { A: '1', B: 2, C: false, D: '' } }],
  ['variable in another case as an object', { variable: { A: '1' } }],
  ['an empty array', { Codecs: [] }],
  ['100 keys', many(100)],
  ['largest exact integer', { N: 9007199254740991 }],
  ['not an object: array', ['Exten', '100']],
  ['not an object: string', 'Exten=100'],
  ['not an object: null', null],
  ['101 keys', many(101)],
  ['key with a space', { 'Bad Key': 'x' }],
  ['key with a colon', { 'X:Y': 'x' }],
  ['empty key', { '': 'x' }],
  ['reserved ActionID', { ActionID: 'mine' }],
  ['reserved action in any case', { aCtIoN: 'Originate' }],
  ['reserved Async', { Async: 'false' }],
  ['CR LF in a value', { X: 'a\r\nAction: Originate' }],
  ['NUL in a value', { X: 'a\u0000b' }],
  ['leading space', { Exten: ' 100' }],
  ['trailing tab', { Exten: '100\t' }],
  ['leading control character', { Exten: '\u0001100' }],
  ['null value', { Exten: null }],
  ['object value for another key', { Exten: { a: '1' } }],
  ['nested array', { Variable: [['A=1']] }],
  ['null in an array', { Variable: ['A=1', null] }],
  ['integer past 2^53', { N: 9007199254740993 }],
  ['variable name with =', { Variable: { 'A=B': '1' } }],
  ['empty variable name', { Variable: { '': '1' } }],
  ['variable name starting with a blank', { Variable: { ' A': '1' } }],
  ['variable value with a trailing blank', { Variable: { A: '1 ' } }],
  ['variable value with LF', { Variable: { A: '1\n2' } }],
  ['variable value null', { Variable: { A: null } }],
  ['object in a Variable object', { Variable: { A: { B: '1' } } }],
];

/** What only the sender checks (the schema's description lists these): the schema lets them pass. */
const SENDER_ONLY: Array<[string, unknown]> = [
  ['a key repeated in another case', { Exten: '1', exten: '2' }],
  ['a dangerous application', { Application: 'System', Data: 'id' }],
  ['a dangerous function', { Data: '${SHELL(id)}' }],
  ['text evaluated twice', { Data: '${${A}${B}}' }],
  ['101 headers through an array', { ...many(41), Variable: Array.from({ length: 60 }, (_, i) => `V${i}=1`) }],
  ['a line of 1024 bytes (multi-byte characters)', { X: 'é'.repeat(600) }],
];

describe('docs/params.schema.json', () => {
  it.each(AGREE)('agrees with the sender: %s', (_name, params) => {
    expect(valid(SCHEMA, params)).toBe(senderAccepts(params));
  });

  it('the sample table holds both verdicts', () => {
    expect(AGREE.filter(([, p]) => senderAccepts(p)).length).toBeGreaterThan(8);
    expect(AGREE.filter(([, p]) => !senderAccepts(p)).length).toBeGreaterThan(20);
  });

  it.each(SENDER_ONLY)('leaves to the sender, as its description says: %s', (_name, params) => {
    expect(valid(SCHEMA, params)).toBe(true);
    expect(senderAccepts(params)).toBe(false);
  });
});
