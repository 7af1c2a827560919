import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineDb } from './helpers/engines.js';
import { bearer, httpConfig, testHttp, TOKENS, type TestHttp } from './helpers/http-app.js';

/*
 * Every refusal the queue's row rules can give is a 400 over HTTP naming the field and the
 * rule, with nothing written. The cases are checked against the rule list itself: every message
 * template in the rule sources must be produced by some case (or be listed below as out of an
 * HTTP client's reach, with why), so a new rule without a case fails this file.
 */
const ROOT = resolve(import.meta.dirname, '..');
const SOURCES = [
  'src/shared/row-rules/validate.ts',
  'src/shared/row-rules/params.ts',
  'src/shared/row-rules/value-safety.ts',
  'src/shared/queue/queue-time.ts',
  'src/shared/ami/serializer.ts',
];

/** Message templates of the rule sources: the literals of lines that return or fail with a message. */
function ruleTemplates(): string[] {
  const literal = /'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`|"((?:[^"\\]|\\.)*)"/g;
  const out: string[] = [];
  for (const file of SOURCES) {
    for (const line of readFileSync(resolve(ROOT, file), 'utf8').split('\n')) {
      const code = line.trim();
      if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) continue;
      if (!/\breturn\b|\bfail\(|AmiSerializeError\(/.test(code)) continue;
      for (const m of code.matchAll(literal)) {
        const text = m[1] ?? m[2] ?? m[3]!;
        if (text.length >= 12 && text.includes(' ')) out.push(text);
      }
    }
  }
  return out;
}

/** A template as a pattern: `${…}` matches anything; the rest literally (JS escapes undone). */
function templatePattern(template: string): RegExp {
  // checkValue puts the field where the serializer says `header <key>: `.
  const parts = template
    .replace(/^header \$\{key\}: /, '')
    .split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/)
    .map((p) => p.replace(/\\(.)/g, '$1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(parts.join('.*'));
}

/** Templates no HTTP request can produce, and why: the JSON schema (or an earlier rule) refuses first. */
const OUT_OF_REACH: Record<string, string> = {
  '${field}: null is not a value (leave the key out)': 'the body schema refuses a null params value first (400 body.params.X)',
  '${field}: must be a string, number or boolean': 'the body schema refuses a nested array or object first (400 body.params.X)',
  'params: not valid JSON': 'params arrives as a JSON object; the server serializes it',
  'params: must be a JSON object': 'the body schema makes params an object',
  "${column}: a ${Buffer.isBuffer(value) ? 'blob' : typeof value} is not a time (${TIME_RULE})": 'a JSON body time is text (the schema says string)',
  '${headers.length} headers: at most ${MAX_HEADERS} are allowed': 'checkValue judges one header at a time; params.ts counts headers first',
  'header Action: given by the action name, not as a header': "serializeAction's own guard; params.Action is refused as reserved first",
};

interface Case {
  name: string;
  url: string;
  body: Record<string, unknown>;
  field: string;
  /** The policy with action_sender.allowed_commands = ["core show"]. */
  commands?: boolean;
  /** This server in a [device_relay] group: the relay's SetVar form is allowed, no other. */
  relay?: boolean;
}

const O = { channel: 'PJSIP/2001', exten: '100', context: 'default' };
const ROW = (action: string, extra: Record<string, unknown> = {}) => ({ action, ...extra });
const time = (column: string, value: string): Case => ({ name: `${column} ${value}`, url: '/v1/originate', body: { ...O, [column]: value }, field: column });

const CASES: Case[] = [
  time('not_before', 'tomorrow'),
  time('expires_at', '2026-13-01T00:00:00Z'),
  time('not_before', '2026-02-30T00:00:00Z'),
  time('not_before', '2026-01-01T24:00:00Z'),
  time('not_before', '2026-01-01T10:60:00Z'),
  time('not_before', '2026-01-01T10:00:60Z'),
  time('not_before', '2026-01-01T10:00:00+24:00'),
  { name: 'unknown action', url: '/v1/rows', body: ROW('Shutdown'), field: 'action' },
  { name: 'number too large', url: '/v1/originate', body: { ...O, params: { Account: 12345678901234567890 } }, field: 'params.Account' },
  { name: 'params too long', url: '/v1/originate', body: { ...O, params: { Account: 'x'.repeat(300_000) } }, field: 'params' },
  { name: 'reserved key', url: '/v1/originate', body: { ...O, params: { ActionID: 'mine' } }, field: 'params.ActionID' },
  { name: 'key given twice', url: '/v1/rows', body: ROW('Ping', { params: { Account: '1', account: '2' } }), field: 'params.account' },
  { name: 'object not for Variable', url: '/v1/rows', body: ROW('Ping', { params: { Account: { a: '1' } } }), field: 'params.Account' },
  { name: 'bad variable name', url: '/v1/originate', body: { ...O, variables: { 'A=B': '1' } }, field: 'params.Variable' },
  { name: 'too many headers', url: '/v1/originate', body: { ...O, params: { Variable: Array.from({ length: 101 }, (_, i) => `V${i}=1`) } }, field: 'params' },
  { name: 'Exten and Application', url: '/v1/originate', body: { ...O, application: 'Echo' }, field: 'params' },
  { name: 'neither Exten nor Application', url: '/v1/originate', body: { channel: 'PJSIP/2001' }, field: 'params.Exten' },
  { name: 'Exten without Context', url: '/v1/originate', body: { channel: 'PJSIP/2001', exten: '100' }, field: 'params.Context' },
  { name: 'Redirect without Exten', url: '/v1/rows', body: ROW('Redirect', { channel: 'PJSIP/1-1', params: { Context: 'd' } }), field: 'params.Exten' },
  { name: 'Redirect without Context', url: '/v1/rows', body: ROW('Redirect', { channel: 'PJSIP/1-1', params: { Exten: '1' } }), field: 'params.Context' },
  { name: 'Command without Command', url: '/v1/rows', body: ROW('Command'), field: 'params.Command' },
  { name: 'Command when none allowed', url: '/v1/rows', body: ROW('Command', { params: { Command: 'core show channels' } }), field: 'action' },
  {
    name: 'Command prefix not allowed',
    url: '/v1/rows',
    body: ROW('Command', { params: { Command: 'core stop now' } }),
    field: 'params.Command',
    commands: true,
  },
  { name: 'Channel in params (Originate)', url: '/v1/originate', body: { ...O, params: { Channel: 'PJSIP/2' } }, field: 'params.Channel' },
  { name: 'Channel twice (Status)', url: '/v1/rows', body: ROW('Status', { channel: 'PJSIP/1-1', params: { Channel: 'PJSIP/1-1' } }), field: 'params.Channel' },
  { name: 'Originate without channel', url: '/v1/rows', body: ROW('Originate', { params: { Application: 'Echo' } }), field: 'channel' },
  { name: 'Hangup without channel or callerid', url: '/v1/hangup', body: {}, field: 'channel' },
  { name: 'bad Originate callerid', url: '/v1/originate', body: { ...O, callerid: 'a"b' }, field: 'callerid' },
  { name: 'blank edge', url: '/v1/originate', body: { ...O, channel: ' PJSIP/2001' }, field: 'channel' },
  { name: 'regex channel', url: '/v1/hangup', body: { channel: '/.*/' }, field: 'channel' },
  { name: 'dangerous application', url: '/v1/originate', body: { channel: 'PJSIP/1', application: 'System', data: 'id' }, field: 'params.Application' },
  { name: 'dangerous function', url: '/v1/originate', body: { ...O, variables: { X: '${SHELL(id)}' } }, field: 'params.Variable.X' },
  { name: 'text evaluated twice', url: '/v1/originate', body: { ...O, variables: { X: '${A${B}}' } }, field: 'params.Variable.X' },
  {
    name: "MixMonitor's Command",
    url: '/v1/rows',
    body: ROW('MixMonitor', { channel: 'PJSIP/1-1', params: { File: 'a.wav', Command: 'rm x' } }),
    field: 'params.Command',
  },
  { name: 'bad header name', url: '/v1/originate', body: { ...O, params: { 'X Y': '1' } }, field: 'params.X Y' },
  { name: 'CR LF in a value', url: '/v1/originate', body: { ...O, exten: '100\r\nAction: Command' }, field: 'params.Exten' },
  { name: 'line too long', url: '/v1/originate', body: { ...O, params: { Account: 'x'.repeat(1100) } }, field: 'params.Account' },
  {
    name: "SetVar not in the relay's form",
    url: '/v1/rows',
    body: ROW('SetVar', { params: { Variable: 'DEVICE_STATE(Custom:PJSIP/100)', Value: 'BOGUS' } }),
    field: 'action',
    relay: true,
  },
];

describe('http: every row rule is a 400 naming the field, before anything is written', () => {
  const t = new EngineDb('sqlite');
  let plain: TestHttp;
  let commands: TestHttp;
  let relay: TestHttp;
  const seen: string[] = [];
  beforeAll(async () => {
    await t.open();
    // Large enough for the params length rule to be reached before the body limit.
    plain = await testHttp(t.db, { config: httpConfig({ http: { body_limit_bytes: 1 << 20 } }) });
    commands = await testHttp(t.db, { config: httpConfig({ http: { body_limit_bytes: 1 << 20 }, action_sender: { allowed_commands: ['core show'] } }) });
    relay = await testHttp(t.db, { config: httpConfig({ device_relay: { servers: ['pbx1', 'pbx2'] } }) });
  });
  beforeEach(() => t.reset());
  afterAll(async () => {
    await plain.close();
    await commands.close();
    await relay.close();
    await t.close();
  });

  it.each(CASES)('$name → 400 $field', async (c) => {
    const h = c.commands ? commands : c.relay ? relay : plain;
    const res = await h.app.inject({ method: 'POST', url: c.url, headers: bearer(TOKENS.admin), payload: c.body });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json<{ message: string; field: string; rule: string }>();
    expect(body.field).toBe(c.field);
    expect(body.message).toBe(`${body.field}: ${body.rule}`);
    seen.push(body.message);
    expect((await t.db.selectFrom('manager_queue').select('id').execute()).length).toBe(0);
  });

  it("accepts the device relay's own SetVar on a server of a relay group, as its sender would", async () => {
    const payload = ROW('SetVar', { params: { Variable: 'DEVICE_STATE(Custom:PJSIP/100)', Value: 'INUSE' } });
    expect((await plain.app.inject({ method: 'POST', url: '/v1/rows', headers: bearer(TOKENS.admin), payload })).statusCode).toBe(400);
    const res = await relay.app.inject({ method: 'POST', url: '/v1/rows', headers: bearer(TOKENS.admin), payload });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ action: 'SetVar', status: 'NEW' });
  });

  it('the cases cover every rule template in the rule sources', () => {
    const templates = ruleTemplates();
    expect(templates.length).toBeGreaterThan(30);
    const uncovered = templates.filter((tpl) => !(tpl in OUT_OF_REACH) && !seen.some((m) => templatePattern(tpl).test(m)));
    expect(uncovered).toEqual([]);
    // No stale exemption: each names a template that still exists.
    expect(Object.keys(OUT_OF_REACH).filter((k) => !templates.includes(k))).toEqual([]);
  });

  it('the out-of-reach rules are still 400s naming the field, from the body schema', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...O, params: { Account: null } }, 'body.params.Account'],
      [{ ...O, params: { Variable: ['A=1', ['B=2']] } }, 'body.params.Variable'],
      [{ ...O, params: 'Exten=1' }, 'body.params'],
      [{ ...O, channel: 5 }, 'body.channel'],
      [{ ...O, not_before: 5 }, 'body.not_before'],
      [{ ...O, colour: 'red' }, 'body.colour'],
      [{ exten: '1' }, 'body.channel'],
    ];
    for (const [payload, field] of cases) {
      const res = await plain.app.inject({ method: 'POST', url: '/v1/originate', headers: bearer(TOKENS.admin), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json<{ field: string }>().field, JSON.stringify(payload)).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}`));
    }
    expect((await t.db.selectFrom('manager_queue').select('id').execute()).length).toBe(0);
  });
});
