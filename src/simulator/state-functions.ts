import type { Devices, PresenceInfo } from './devices.js';
import { parseDeviceState, parsePresenceStatus, type DeviceState } from './device-state.js';

/** A Setvar of a state function, parsed: applied only when `ok` (else `Variable not set`). */
export type StateWrite =
  | { ok: true; kind: 'device'; device: string; state: DeviceState }
  | { ok: true; kind: 'presence'; presence: PresenceInfo; value: string }
  | { ok: false; kind: 'device' | 'presence'; reason: string };

/** `NAME(args)` of a dialplan function call; undefined for a plain variable. */
function call(variable: string): { name: string; args: string } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(variable);
  return m ? { name: m[1]!, args: m[2]! } : undefined;
}

/**
 * Setvar of `DEVICE_STATE(Custom:name)` (func_devstate devstate_write) or
 * `PRESENCE_STATE(CustomPresence:name)` (func_presencestate presence_write); undefined when the
 * variable is neither, so the caller sets a plain variable.
 */
export function parseStateWrite(variable: string, value: string): StateWrite | undefined {
  const fn = call(variable);
  if (fn?.name === 'DEVICE_STATE') return deviceWrite(fn.args, value);
  if (fn?.name === 'PRESENCE_STATE') return presenceWrite(fn.args, value);
  // Function names are case-sensitive (ast_custom_function_find): `device_state(...)` is no function.
  const upper = fn?.name.toUpperCase();
  if (upper === 'DEVICE_STATE' || upper === 'PRESENCE_STATE')
    return { ok: false, kind: upper === 'DEVICE_STATE' ? 'device' : 'presence', reason: `Function ${fn!.name} not registered` };
  return undefined;
}

function deviceWrite(data: string, value: string): StateWrite {
  const fail = (reason: string): StateWrite => ({ ok: false, kind: 'device', reason });
  if (!/^custom:/i.test(data)) return fail("The DEVICE_STATE function can only be used to set 'Custom:' device state!");
  const name = data.slice('Custom:'.length);
  if (!name) return fail('DEVICE_STATE function called with no custom device name!');
  const state = parseDeviceState(value);
  // ast_devstate_val gives UNKNOWN for anything it does not know, so UNKNOWN itself is refused too.
  if (state === 'UNKNOWN') return fail(`DEVICE_STATE function given invalid state value '${value}'`);
  return { ok: true, kind: 'device', device: `Custom:${name}`, state };
}

function presenceWrite(data: string, value: string): StateWrite {
  const fail = (reason: string): StateWrite => ({ ok: false, kind: 'presence', reason });
  if (!/^custompresence:/i.test(data)) return fail('The PRESENCE_STATE function can only set CustomPresence: presence providers.');
  if (data.length === 'CustomPresence:'.length) return fail('PRESENCE_STATE function called with no custom device name!');
  const presence = parsePresence(data, value);
  if (!presence) return fail('Invalid arguments to PRESENCE_STATE');
  return { ok: true, kind: 'presence', presence, value };
}

/** A stored PRESENCE_STATE value as its provider reports it (subtype and message decoded under `e`). */
export function parsePresence(provider: string, value: string): PresenceInfo | undefined {
  const parsed = parsePresenceValue(value);
  if (!parsed) return undefined;
  const decode = (s: string) => (parsed.options.includes('e') ? Buffer.from(s, 'base64').toString('utf8') : s);
  return { provider, status: parsed.status, subtype: decode(parsed.subtype), message: decode(parsed.message) };
}

/** func_presencestate parse_data: `state[,subtype[,message[,options]]]`, options only `e`. */
function parsePresenceValue(
  value: string,
): { status: NonNullable<ReturnType<typeof parsePresenceStatus>>; subtype: string; message: string; options: string } | undefined {
  const [state = '', subtype = '', message = '', options = ''] = value.split(',');
  const status = parsePresenceStatus(state);
  if (!state || !status) return undefined;
  if (options && !options.includes('e')) return undefined;
  return { status, subtype, message, options };
}

/**
 * Getvar of `DEVICE_STATE(device)` or `PRESENCE_STATE(provider,field[,e])`; undefined when the
 * variable is neither. A read Asterisk refuses gives '' (the Getvar still succeeds).
 */
export function readStateFunction(devices: Devices, variable: string): string | undefined {
  const fn = call(variable);
  if (fn?.name === 'DEVICE_STATE') return fn.args ? devices.state(fn.args) : '';
  if (fn?.name.toUpperCase() === 'DEVICE_STATE') return '';
  if (fn?.name.toUpperCase() !== 'PRESENCE_STATE') return undefined;
  if (fn.name !== 'PRESENCE_STATE') return '';
  const [provider = '', field = '', options = ''] = fn.args.split(',');
  const p = provider && field ? devices.presenceOf(provider) : undefined;
  if (!p) return '';
  const enc = (s: string) => (options.includes('e') ? Buffer.from(s, 'utf8').toString('base64') : s);
  switch (field.toLowerCase()) {
    case 'value':
      return p.status;
    case 'subtype':
      return enc(p.subtype);
    case 'message':
      return enc(p.message);
    default:
      return '';
  }
}
