import type { ActionContext } from '../action-context.js';
import type { ActionTable } from './action-table.js';
import { originate, type OriginateRequest } from '../originate.js';
import { extensionExists, redirectChannel } from '../dialplan.js';
import { parseCallerId, parseVariables } from './parse.js';

/** Originate, Redirect, Hangup (REFERENCE §2, §5; captures originate-*, redirect, hangup-cause16). */
export const CALL_ACTIONS: ActionTable = {
  Originate: { handler: originateAction, write: true },
  Redirect: { handler: redirect, write: true },
  Hangup: { handler: hangup, write: true },
};

const TRUE = new Set(['yes', 'true', 'y', 't', '1', 'on']);

function parsePriority(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return 1;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= 1 ? n : null;
}

async function originateAction(ctx: ActionContext): Promise<void> {
  const dial = ctx.get('Channel') ?? '';
  if (!dial) return ctx.error('Channel not specified');
  const priority = parsePriority(ctx.get('Priority'));
  if (priority === null) return ctx.error('Invalid priority');
  const timeoutRaw = ctx.get('Timeout');
  const timeoutMs = timeoutRaw ? Number.parseInt(timeoutRaw, 10) : 30_000;
  if (!Number.isFinite(timeoutMs)) return ctx.error('Invalid timeout');
  if (!dial.includes('/')) return ctx.error('Invalid channel');
  const exten = ctx.get('Exten') || undefined;
  const context = ctx.get('Context') || undefined;
  const application = ctx.get('Application') || undefined;
  const isAsync = TRUE.has((ctx.get('Async') ?? '').toLowerCase());
  const channelId = ctx.core.spec.modern ? ctx.get('ChannelId') || undefined : undefined;
  const otherChannelId = ctx.core.spec.modern ? ctx.get('OtherChannelId') || undefined : undefined;
  if ((channelId?.length ?? 0) > 149 || (otherChannelId?.length ?? 0) > 149) return ctx.error('Uniqueid length exceeds maximum of 149');
  if (exten && !application && !extensionExists(exten)) return ctx.error('Extension does not exist.');
  if (!isAsync && !application && (!exten || !context || !ctx.get('Priority'))) {
    return ctx.error("Originate with 'Exten' requires 'Context' and 'Priority'");
  }
  const cid = parseCallerId(ctx.get('CallerID') ?? '');
  const req: OriginateRequest = {
    dial,
    ...(exten ? { exten } : {}),
    context: context ?? 'default',
    priority,
    ...(application ? { application, data: ctx.get('Data') ?? '' } : {}),
    callerNum: cid.num,
    callerName: cid.name,
    vars: parseVariables(ctx.getAll('Variable'), ctx.core.spec.variableSeparator),
    timeoutMs: Math.max(0, timeoutMs),
    ...(ctx.actionId ? { actionId: ctx.actionId } : {}),
    ...(channelId ? { channelId } : {}),
    ...(otherChannelId ? { otherChannelId } : {}),
  };
  const pbx = ctx.core.pbx;
  if (isAsync) {
    ctx.success('Originate successfully queued');
    ctx.core.recordOriginate(originate(pbx, req, (outcome) => pbx.emitEvent('OriginateResponse', { originate: outcome })));
    return;
  }
  // Synchronous: the session answers once the call is answered or has failed (no OriginateResponse).
  await new Promise<void>((resolve) =>
    ctx.core.recordOriginate(
      originate(pbx, req, (outcome) => {
        if (outcome.response === 'Success') ctx.success('Originate successfully queued');
        else ctx.error('Originate failed');
        resolve();
      }),
    ),
  );
}

function redirect(ctx: ActionContext): void {
  const name = ctx.get('Channel') ?? '';
  if (!name) return ctx.error('Channel not specified');
  const context = ctx.get('Context');
  if (!context) return ctx.error('Context not specified');
  const exten = ctx.get('Exten');
  if (!exten) return ctx.error('Exten not specified');
  if (!ctx.get('Priority')) return ctx.error('Priority not specified');
  const priority = parsePriority(ctx.get('Priority'));
  if (priority === null) return ctx.error('Priority is invalid');
  const pbx = ctx.core.pbx;
  const ch = pbx.find(name);
  if (!ch) return ctx.error(`Channel does not exist: ${name}`);
  const extraName = ctx.get('ExtraChannel');
  const extra = extraName ? pbx.find(extraName) : undefined;
  if (extraName && !extra) return ctx.error(`ExtraChannel does not exist: ${extraName}`);
  ctx.success(extra ? 'Dual Redirect successful' : 'Redirect successful');
  redirectChannel(pbx, ch, context, exten, priority);
  if (extra) {
    const extraPriority = parsePriority(ctx.get('ExtraPriority')) ?? priority;
    redirectChannel(pbx, extra, ctx.get('ExtraContext') || context, ctx.get('ExtraExten') || exten, extraPriority);
  }
}

function hangup(ctx: ActionContext): void {
  const name = ctx.get('Channel') ?? '';
  if (!name) return ctx.error('No channel specified');
  const causeRaw = Number.parseInt(ctx.get('Cause') ?? '', 10);
  // Without a Cause the channel's cause stays unset and the call ends Normal Clearing (16), as
  // Asterisk 22 does in the confbridge-events capture.
  const cause = causeRaw > 0 && causeRaw <= 127 ? causeRaw : 16;
  const pbx = ctx.core.pbx;
  if (name.startsWith('/')) {
    if (name.length < 2 || !name.endsWith('/')) return ctx.error('Regex format invalid, Channel param should be /regex/');
    const body = name.slice(1, -1);
    let re: RegExp;
    try {
      re = new RegExp(body);
    } catch {
      return ctx.error(`Regex compile failed on: ${body}`);
    }
    const matched = pbx.list().filter((c) => re.test(c.name));
    ctx.listStart('Channels hung up will follow');
    for (const c of matched) ctx.send([['Event', 'ChannelHungup'], ['Channel', c.name], ...ctx.idHeader()]);
    ctx.listComplete('ChannelsHungupListComplete', matched.length);
    for (const c of matched) pbx.hangup(c, cause);
    return;
  }
  const ch = pbx.find(name);
  if (!ch) return ctx.error('No such channel');
  ctx.success('Channel Hungup');
  pbx.hangup(ch, cause);
}
