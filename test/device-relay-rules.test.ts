import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/shared/config/index.js';
import { DEFAULT_POLICY, presenceValue, relayPolicyOf, validateRow, type SenderPolicy } from '../src/shared/row-rules/index.js';

const RELAY: SenderPolicy = { ...DEFAULT_POLICY, relay: { deviceState: true, presence: true } };
const row = (params: Record<string, string>, more: { action?: string; channel?: string | null; callerid?: string | null } = {}) => ({
  action: more.action ?? 'SetVar',
  channel: more.channel ?? null,
  callerid: more.callerid ?? null,
  params: JSON.stringify(params),
});
const device = (dev: string, value: string) => row({ Variable: `DEVICE_STATE(Custom:${dev})`, Value: value });
const presence = (name: string, value: string) => row({ Variable: `PRESENCE_STATE(${name})`, Value: value });
const problem = (r: ReturnType<typeof row>, policy = RELAY) => {
  const v = validateRow(r, policy);
  return v.ok ? null : v.message;
};

describe('the device relay SetVar under the row rules', () => {
  it('is accepted on a server of a relay group, sent as SetVar with Variable then Value', () => {
    const v = validateRow(device('PJSIP/100', 'INUSE'), RELAY);
    expect(v).toEqual({
      ok: true,
      plan: {
        action: 'SetVar',
        params: [
          ['Variable', 'DEVICE_STATE(Custom:PJSIP/100)'],
          ['Value', 'INUSE'],
        ],
        channel: null,
        byCallerid: null,
      },
    });
    for (const state of ['NOT_INUSE', 'BUSY', 'RINGING', 'RINGINUSE', 'ONHOLD', 'UNAVAILABLE', 'INVALID']) expect(problem(device('SIP/7', state))).toBeNull();
    expect(problem(presence('CustomPresence:alice', 'away'))).toBeNull();
    expect(problem(presence('CustomPresence:alice', presenceValue({ status: 'dnd', subtype: 'x,y', message: 'Out, back ${SHELL(ls)}' })))).toBeNull();
  });

  it('is refused off a relay group, as SetVar always was', () => {
    expect(problem(device('PJSIP/100', 'INUSE'), DEFAULT_POLICY)).toBe('action: "SetVar" is not an allowed action');
    const config = defaultConfig();
    expect(relayPolicyOf('default', config.device_relay)).toBeUndefined();
    expect(relayPolicyOf('a', { ...config.device_relay, servers: ['a'] })).toBeUndefined();
    expect(relayPolicyOf('c', { ...config.device_relay, servers: ['a', 'b'] })).toBeUndefined();
    expect(relayPolicyOf('a', { ...config.device_relay, servers: ['a', 'b'] })).toEqual({ deviceState: true, presence: true });
  });

  it('accepts no other SetVar: each departure from the form is named', () => {
    const not = "action: SetVar is not an allowed action, and this is not the device relay's form: ";
    expect(problem(row({ Variable: 'GLOBAL(X)', Value: '1' }))).toBe(
      `${not}Variable: expected DEVICE_STATE(Custom:<device>) or PRESENCE_STATE(CustomPresence:<name>)`,
    );
    expect(problem(row({ Variable: 'DEVICE_STATE(SIP/100)', Value: 'BUSY' }))).toMatch(/^action: .*Variable: expected/);
    expect(problem(row({ Variable: 'PRESENCE_STATE(SIP/100)', Value: 'away' }))).toMatch(/^action: .*Variable: expected/);
    expect(problem(device('PJSIP/100', 'UNKNOWN'))).toMatch(/Value: expected one of/);
    expect(problem(device('PJSIP/100', 'busy'))).toBe(`${not}Value: expected one of NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE, ONHOLD`);
    expect(problem(presence('CustomPresence:a', 'away,lunch,back soon'))).toMatch(/^action: .*Value: expected a presence/);
    expect(problem(row({ Value: 'BUSY', Variable: 'DEVICE_STATE(Custom:X)' }))).toBe(`${not}a device relay SetVar has exactly Variable and Value`);
    expect(problem(row({ Variable: 'DEVICE_STATE(Custom:X)', Value: 'BUSY', Extra: '1' }))).toBe(`${not}a device relay SetVar has exactly Variable and Value`);
    expect(problem({ ...device('X', 'BUSY'), channel: 'PJSIP/1-0001' })).toBe(`${not}a device relay SetVar has no channel or callerid`);
    expect(problem({ ...device('X', 'BUSY'), callerid: '100' })).toBe(`${not}a device relay SetVar has no channel or callerid`);
    expect(problem({ ...device('X', 'BUSY'), action: 'setvar' })).toBe('action: "setvar" is not an allowed action');
    expect(problem(row({ Variable: 'DEVICE_STATE(Custom:X)', Value: 'BUSY\r\nAction: Originate' }))).toMatch(/^params.Value: /);
    expect(problem(device('X', 'BUSY'), { ...RELAY, relay: { deviceState: false, presence: true } })).toBe(`${not}device_relay.device_state is off`);
    expect(problem(presence('CustomPresence:a', 'away'), { ...RELAY, relay: { deviceState: true, presence: false } })).toBe(
      `${not}device_relay.presence is off`,
    );
  });

  it('leaves SetVar in allowed_actions as it was: any SetVar passes the value rules', () => {
    const policy = { ...DEFAULT_POLICY, allowedActions: [...DEFAULT_POLICY.allowedActions, 'SetVar'] };
    expect(problem(row({ Variable: 'GLOBAL(X)', Value: '1' }), policy)).toBeNull();
    expect(problem(row({ Variable: 'X', Value: '${SHELL(id)}' }), policy)).toMatch(/SHELL/);
  });
});
