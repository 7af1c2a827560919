import type { AmiHeader } from '../shared/ami/message.js';
import type { SimSession } from './core.js';
import { eventTv } from './wire.js';

/** Field order of each security event after the common head (captures login-*, unknown-action, readonly-originate). */
const LAYOUT: Record<string, readonly string[]> = {
  SuccessfulAuth: ['AccountID', 'SessionID', 'LocalAddress', 'RemoteAddress', 'UsingPassword', 'SessionTV'],
  RequestBadFormat: ['SessionID', 'LocalAddress', 'RemoteAddress', 'RequestType', 'SessionTV', 'AccountID'],
  RequestNotAllowed: ['AccountID', 'SessionID', 'LocalAddress', 'RemoteAddress', 'RequestType', 'SessionTV'],
  InvalidPassword: ['AccountID', 'SessionID', 'LocalAddress', 'RemoteAddress', 'SessionTV'],
  InvalidAccountID: ['AccountID', 'SessionID', 'LocalAddress', 'RemoteAddress', 'SessionTV'],
};

/** A security-class event about `session` (res_security_log style fields). */
export function securityEventHeaders(name: string, session: SimSession, fields: Record<string, string>): AmiHeader[] {
  const now = eventTv();
  const values: Record<string, string> = {
    AccountID: session.user?.username ?? '',
    SessionID: session.sessionId,
    LocalAddress: session.localAddress,
    RemoteAddress: session.remoteAddress,
    SessionTV: now,
    ...fields,
  };
  return [
    ['Event', name],
    ['Privilege', 'security,all'],
    ['EventTV', now],
    ['Severity', name === 'SuccessfulAuth' ? 'Informational' : 'Error'],
    ['Service', 'AMI'],
    ['EventVersion', name === 'InvalidPassword' ? '2' : '1'],
    ...(LAYOUT[name] ?? Object.keys(fields)).map((k): AmiHeader => [k, values[k] ?? '']),
  ];
}
