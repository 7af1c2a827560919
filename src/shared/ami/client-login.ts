import { createHash } from 'node:crypto';
import type { AmiMessage } from './message.js';
import type { ActionHeaders } from './serializer.js';
import { AmiAuthError } from './errors.js';

export interface LoginOptions {
  username: string;
  secret: string;
  authType: 'plain' | 'md5';
  events: string;
}

/** Sends one action on the connection being logged in (before the client counts as connected). */
export type LoginRequest = (action: string, headers: ActionHeaders) => Promise<AmiMessage>;

/** The MD5 login key: lowercase hex md5(challenge + secret). */
export function md5Key(challenge: string, secret: string): string {
  return createHash('md5')
    .update(challenge + secret)
    .digest('hex');
}

function isSuccess(msg: AmiMessage): boolean {
  return msg.get('Response')?.toLowerCase() === 'success';
}

function refused(step: string, msg: AmiMessage, username: string): AmiAuthError {
  const message = msg.get('Message') ?? msg.get('Response') ?? 'no message';
  // Asterisk says only "Authentication failed" for an unknown user and a wrong secret alike.
  const hint = /authentication failed/i.test(message)
    ? ` (the secret for user "${username}" is wrong, or manager.conf has no such user or its permit/deny refuses this host: check ami.secret / AMIQ_AMI_SECRET, or this worker's [ami.users.<worker>] secret / AMIQ_AMI_SECRET_<WORKER>)`
    : '';
  return new AmiAuthError(`AMI ${step} refused for user ${username}: ${message}${hint}`, {
    username,
    actionId: msg.get('ActionID'),
    message,
  });
}

/**
 * Log in with the plain secret, or with Challenge then `Key` so the secret never crosses the
 * wire. Throws AmiAuthError on a refusal (its message never holds the secret or the key).
 */
export async function login(request: LoginRequest, opts: LoginOptions): Promise<void> {
  let auth: ActionHeaders;
  if (opts.authType === 'md5') {
    const reply = await request('Challenge', { AuthType: 'MD5' });
    const challenge = reply.get('Challenge');
    if (!isSuccess(reply) || !challenge) throw refused('Challenge', reply, opts.username);
    auth = { AuthType: 'MD5', Username: opts.username, Key: md5Key(challenge, opts.secret) };
  } else {
    auth = { Username: opts.username, Secret: opts.secret };
  }
  const reply = await request('Login', { ...auth, Events: opts.events });
  if (!isSuccess(reply)) throw refused('login', reply, opts.username);
}
