import { createHash, randomInt } from 'node:crypto';
import type { AmiHeader } from '../../shared/ami/message.js';
import type { ActionContext } from '../action-context.js';
import type { ActionTable } from './action-table.js';
import { frame, timestamp } from '../wire.js';

/** Login (plain or MD5 Challenge/Key), Logoff, Ping, Events (REFERENCE §1.7). */
export const SESSION_ACTIONS: ActionTable = {
  Login: { handler: login, preAuth: true },
  Challenge: { handler: challenge, preAuth: true },
  Logoff: { handler: logoff, preAuth: true },
  Ping: { handler: ping },
  Events: { handler: events },
};

async function login(ctx: ActionContext): Promise<void> {
  const { session, core } = ctx;
  if (session.authed) {
    ctx.error(core.spec.name === 'asterisk-1.4' ? 'Already logged in' : 'Already authenticated');
    return;
  }
  const username = ctx.get('Username') ?? '';
  const user = core.options.users.find((u) => u.username === username);
  const md5 = (ctx.get('AuthType') ?? '').toLowerCase() === 'md5';
  const ok =
    user !== undefined &&
    (md5
      ? session.challenge !== undefined &&
        (ctx.get('Key') ?? '').toLowerCase() ===
          createHash('md5')
            .update(session.challenge + user.secret)
            .digest('hex')
      : (ctx.get('Secret') ?? '') === user.secret);
  if (!ok) {
    core.securityEvent(user ? 'InvalidPassword' : 'InvalidAccountID', session, { AccountID: username });
    await new Promise((r) => setTimeout(r, core.options.authFailDelayMs));
    ctx.error('Authentication failed');
    session.end();
    return;
  }
  session.loggedIn(user);
  const anyEvents = session.setMask(ctx.get('Events'));
  ctx.success('Authentication accepted');
  if (anyEvents && session.wantsEvents('system')) {
    const uptime = String(Math.floor((Date.now() - core.startedAt) / 1000));
    const times: AmiHeader[] = core.spec.fullyBootedUptime
      ? [
          ['Uptime', uptime],
          ['LastReload', uptime],
        ]
      : [];
    session.write(frame([['Event', 'FullyBooted'], ['Privilege', 'system,all'], ...times, ['Status', 'Fully Booted']]));
  }
  core.securityEvent('SuccessfulAuth', session, { UsingPassword: '0' });
}

function challenge(ctx: ActionContext): void {
  if ((ctx.get('AuthType') ?? '').toLowerCase() !== 'md5') {
    ctx.error('Must specify AuthType');
    return;
  }
  ctx.session.challenge ??= String(randomInt(100_000_000, 999_999_999));
  ctx.respond('Success', [['Challenge', ctx.session.challenge]]);
}

function logoff(ctx: ActionContext): void {
  if (!ctx.session.authed && ctx.core.spec.name === 'asterisk-1.4') ctx.success('See ya');
  else ctx.respond('Goodbye', [['Message', 'Thanks for all the fish.']]);
  ctx.session.end();
}

function ping(ctx: ActionContext): void {
  if (ctx.core.spec.name === 'asterisk-1.4') {
    ctx.respond('Pong');
    return;
  }
  ctx.respond('Success', [
    ['Ping', 'Pong'],
    ['Timestamp', timestamp()],
  ]);
}

function events(ctx: ActionContext): void {
  const on = ctx.session.setMask(ctx.get('EventMask') ?? 'off');
  if (ctx.core.spec.name === 'asterisk-1.4') ctx.respond(on ? 'Events On' : 'Events Off');
  else ctx.respond('Success', [['Events', on ? 'On' : 'Off']]);
}
