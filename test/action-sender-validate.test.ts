import { describe, expect, it } from 'vitest';
import { buildAction } from '../src/action-sender/build-action.js';
import { resolveCallChannel } from '../src/action-sender/resolve-call.js';
import { actionIdFor, callerIdHeader, generateCallerid } from '../src/action-sender/row-identity.js';
import { validateRow, type SenderPolicy } from '../src/shared/row-rules/index.js';
import type { QueueRow } from '../src/shared/db/schema.js';
import { queueRow } from './helpers/action-sender-helpers.js';

const policy: SenderPolicy = { allowedActions: ['Originate', 'Redirect', 'Hangup', 'Ping', 'Status'], allowedCommands: [] };
const withCommands: SenderPolicy = { ...policy, allowedCommands: ['core show'] };

const row = queueRow;

const CRLF = 'A=1\r\nAction: Command';
const bad: Array<[string, QueueRow, string, SenderPolicy?]> = [
  ['unknown action', row({ action: 'Shutdown' }), 'action: "Shutdown" is not an allowed action'],
  ['params not JSON (other databases)', row({ params: '{nope' }), 'params: not valid JSON'],
  ['params a JSON array', row({ params: '["Exten","300"]' }), 'params: must be a JSON object'],
  ['params null', row({ params: 'null' }), 'params: must be a JSON object'],
  [
    'params array holding an array',
    row({ params: { Exten: '300', Context: 'd', Variable: ['A=1', ['B=2']] } }),
    'params.Variable[1]: must be a string, number or boolean',
  ],
  ['CR/LF in a value', row({ params: { Exten: '300', Context: 'd', Variable: ['A=1', CRLF] } }), 'params.Variable[1]: value contains CR, LF or NUL'],
  ['NUL in a value', row({ params: { Exten: '300\0', Context: 'd' } }), 'params.Exten: value contains CR, LF or NUL'],
  ['bad key', row({ params: { Exten: '300', Context: 'd', 'X Y': '1' } }), 'params.X Y: header name "X Y" must match [A-Za-z0-9_-]+'],
  ['over-long value', row({ params: { Exten: '300', Context: 'd', Account: 'x'.repeat(1100) } }), 'params.Account: line of 1111 bytes, must be under 1024'],
  ['CR in the channel', row({ channel: 'SIP/1\r\n' }), 'channel: value contains CR, LF or NUL'],
  ['Originate without channel', row({ channel: null }), 'channel: required for Originate'],
  ['Originate without Exten or Application', row({ params: { Context: 'd' } }), 'params.Exten: Originate needs Exten and Context, or Application'],
  ['Originate Exten without Context', row({ params: { Exten: '300' } }), 'params.Context: required with Exten'],
  ['Originate both', row({ params: { Exten: '300', Context: 'd', Application: 'Echo' } }), 'params: give Exten+Context or Application, not both'],
  ['Originate Channel in params', row({ params: { Channel: 'SIP/2', Exten: '3', Context: 'd' } }), 'params.Channel: give the channel in the channel column'],
  ['bad callerid', row({ callerid: 'a"b' }), 'callerid: must be 1..80 characters without " < > \\ CR LF NUL'],
  ['ActionID override', row({ params: { Exten: '3', Context: 'd', ActionID: 'mine' } }), 'params.ActionID: set by amiq, may not be given'],
  ['Async override', row({ params: { Exten: '3', Context: 'd', async: 'false' } }), 'params.async: set by amiq, may not be given'],
  ['Action override', row({ action: 'Ping', channel: null, params: { Action: 'Command' } }), 'params.Action: set by amiq, may not be given'],
  ['Redirect without Exten', row({ action: 'Redirect', params: { Context: 'd' } }), 'params.Exten: required for Redirect'],
  ['Redirect without Context', row({ action: 'Redirect', params: { Exten: '700' } }), 'params.Context: required for Redirect'],
  [
    'Redirect without channel or callerid',
    row({ action: 'Redirect', channel: null, params: { Exten: '7', Context: 'd' } }),
    'channel: required for Redirect (or callerid naming an earlier Originate)',
  ],
  [
    'Hangup without channel or callerid',
    row({ action: 'Hangup', channel: null, params: {} }),
    'channel: required for Hangup (or callerid naming an earlier Originate)',
  ],
  [
    'Hangup by regex',
    row({ action: 'Hangup', channel: '/.*/', params: {} }),
    'channel: a /regex/ channel is never accepted from a row (it could match every call)',
  ],
  [
    'Command when off',
    row({ action: 'Command', channel: null, params: { Command: 'core show channels' } }),
    'action: Command is not allowed (action_sender.allowed_commands is empty)',
  ],
  [
    'Command without prefix',
    row({ action: 'Command', channel: null, params: { Command: 'core stop now' } }),
    'params.Command: "core stop now" does not start with an allowed command prefix',
    withCommands,
  ],
  [
    'Command prefix glued',
    row({ action: 'Command', channel: null, params: { Command: 'core showx' } }),
    'params.Command: "core showx" does not start with an allowed command prefix',
    withCommands,
  ],
  [
    'kick shape from a client tag',
    row({ action: 'Command', channel: null, tag: 'crm', params: { Command: 'meetme kick 4000 1' } }),
    'action: Command is not allowed (action_sender.allowed_commands is empty)',
  ],
  [
    'cleaner tag, other command',
    row({ action: 'Command', channel: null, tag: 'meetme-cleaner:alone', params: { Command: 'core stop now' } }),
    'action: Command is not allowed (action_sender.allowed_commands is empty)',
  ],
  [
    'cleaner tag, kick plus more',
    row({ action: 'Command', channel: null, tag: 'meetme-cleaner:alone', params: { Command: 'meetme kick 4000 1 2' } }),
    'action: Command is not allowed (action_sender.allowed_commands is empty)',
  ],
];

describe('validateRow: every rule refuses with the field and the rule named', () => {
  it.each(bad)('%s', (_name, r, message, p) => {
    expect(validateRow(r, p ?? policy)).toEqual({ ok: false, message });
  });
});

describe('validateRow + buildAction: good rows', () => {
  const build = (r: QueueRow, p = policy, channel?: string) => {
    const v = validateRow(r, p);
    if (!v.ok) throw new Error(v.message);
    const b = buildAction(r, v.plan, channel ?? v.plan.channel);
    if (!b.ok) throw new Error(b.message);
    return b.built;
  };

  it('Originate: Channel, params, Priority 1, Async, generated CallerID as name and number, AMIQ_ID last', () => {
    const b = build(row({ params: { Exten: '300', Context: 'default', Variable: ['A=1', 'AMIQ_ID=9'] } }));
    expect(b.action).toBe('Originate');
    expect(b.actionId).toBe(actionIdFor({ id: 42, created_at: '2026-11-22T12:00:00.000Z' }));
    expect(b.generatedCallerid).toBe('M2611221200000000042');
    expect(b.headers).toEqual([
      ['Channel', 'Local/100@default'],
      ['Exten', '300'],
      ['Context', 'default'],
      ['Variable', 'A=1'],
      ['Variable', 'AMIQ_ID=9'],
      ['Priority', '1'],
      ['Async', 'true'],
      ['CallerID', '"M2611221200000000042" <M2611221200000000042>'],
      ['Variable', 'AMIQ_ID=42'],
    ]);
  });

  it("Originate: the row's callerid is kept; params CallerID wins over it", () => {
    const own = build(row({ callerid: 'LEAD-7', params: { Application: 'Echo' } }));
    expect(own.generatedCallerid).toBeNull();
    expect(own.headers).toContainEqual(['CallerID', '"LEAD-7" <LEAD-7>']);
    expect(own.headers.some(([k]) => k === 'Priority')).toBe(false);
    const given = build(row({ callerid: 'LEAD-7', params: { Application: 'Echo', CallerID: 'Sales <100>' } }));
    expect(given.headers.filter(([k]) => k.toLowerCase() === 'callerid')).toEqual([['CallerID', 'Sales <100>']]);
  });

  it('Redirect/Hangup by callerid carry the resolved channel; other actions pass as given', () => {
    const r = row({ action: 'redirect', channel: null, callerid: 'LEAD-7', params: { Exten: '700', Context: 'default' } });
    const v = validateRow(r, policy);
    expect(v.ok && v.plan.byCallerid).toBe('LEAD-7');
    expect(build(r, policy, 'Local/600@default-00000005;1').headers).toEqual([
      ['Channel', 'Local/600@default-00000005;1'],
      ['Exten', '700'],
      ['Context', 'default'],
      ['Priority', '1'],
    ]);
    expect(build(row({ action: 'Hangup', channel: 'SIP/1-0001', params: { Cause: '16' } })).headers).toEqual([
      ['Channel', 'SIP/1-0001'],
      ['Cause', '16'],
    ]);
    expect(build(row({ action: 'ping', channel: null, params: {} }))).toMatchObject({ action: 'Ping', headers: [], generatedCallerid: null });
  });

  it('Command: allowed prefixes; `meetme kick` only where allowed, whatever the tag', () => {
    expect(build(row({ action: 'Command', channel: null, params: { Command: 'core  show channels' } }), withCommands).headers).toEqual([
      ['Command', 'core  show channels'],
    ]);
    const kick = row({ action: 'Command', channel: null, tag: 'crm', params: { Command: 'meetme kick 4000 2' } });
    expect(build(kick, { ...policy, allowedCommands: ['meetme kick'] }).headers).toEqual([['Command', 'meetme kick 4000 2']]);
  });

  it("500 headers (or just over 100 with amiq's own) are refused as a whole", () => {
    const vars = Array.from({ length: 500 }, (_, i) => `V${i}=1`);
    const r = row({ params: { Exten: '300', Context: 'd', Variable: vars } });
    expect(validateRow(r, policy)).toEqual({ ok: false, message: 'params: more than 100 headers' });
    const edge = row({ params: { Exten: '300', Context: 'd', Variable: vars.slice(0, 92) } });
    const v2 = validateRow(edge, policy);
    expect(v2.ok && buildAction(edge, v2.plan, v2.plan.channel).ok).toBe(false);
    const fits = row({ params: { Exten: '300', Context: 'd', Variable: vars.slice(0, 91) } });
    const v3 = validateRow(fits, policy);
    expect(v3.ok && buildAction(fits, v3.plan, v3.plan.channel).ok).toBe(true);
  });
});

describe('row identity and call resolution', () => {
  it("ActionID is amiq-<id>-<salt of created_at>: stable, different for another database's row 42", () => {
    const a = actionIdFor({ id: 42, created_at: '2026-11-22T12:00:00.000Z' });
    expect(a).toMatch(/^amiq-42-[0-9a-z]+$/);
    expect(actionIdFor({ id: 42, created_at: '2026-11-22T12:00:00.000Z' })).toBe(a);
    expect(actionIdFor({ id: 42, created_at: '2026-11-22T12:00:00.001Z' })).not.toBe(a);
  });

  it('generated callerid: M + yymmddHHMMSS + 7-digit id; CallerID header quotes it as the name', () => {
    expect(generateCallerid({ id: 1, created_at: '2026-11-22T12:00:00.000Z' })).toBe('M2611221200000000001');
    expect(generateCallerid({ id: 12345678, created_at: '2027-01-02T03:04:05.678Z' })).toBe('M27010203040512345678');
    expect(generateCallerid({ id: 5, created_at: 'garbage' }, Date.UTC(2026, 0, 1))).toBe('M2601010000000000005');
    expect(callerIdHeader('M1')).toBe('"M1" <M1>');
  });

  it('a Redirect/Hangup by callerid acts only on a live call with a channel', () => {
    const live = row({ id: 7, call_channel: 'Local/600@default-00000001;1', call_state: 'UP', status: 'SUCCESS' });
    expect(resolveCallChannel('C', live)).toEqual({ ok: true, channel: 'Local/600@default-00000001;1' });
    expect(resolveCallChannel('C', undefined)).toEqual({ ok: false, message: 'callerid "C": no Originate row has this callerid' });
    for (const state of ['ENDED', 'FAILED'] as const) {
      expect(resolveCallChannel('C', { ...live, call_state: state })).toEqual({
        ok: false,
        message: `callerid "C": the call of Originate row 7 has already ended (call_state ${state}); not sent`,
      });
    }
    expect(resolveCallChannel('C', { ...live, call_channel: null, call_state: null, status: 'INVALID' })).toEqual({
      ok: false,
      message: 'callerid "C": the call of Originate row 7 never got a channel (status INVALID); not sent',
    });
  });
});
