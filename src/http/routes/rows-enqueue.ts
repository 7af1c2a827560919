import { hangupRow, originateRow, redirectRow, type CallRef, type RowOptions } from '../../shared/queue/row-input.js';
import type { EnqueueInput, ParamScalar, RowParams } from '../../shared/queue/index.js';
import { scopeOf } from '../auth/auth-hook.js';
import type { AmiqRoutePlugin } from '../deps.js';
import { HttpError } from '../errors.js';
import { enqueueChecked } from '../rows/enqueue-checked.js';
import { hangupBody, originateBody, redirectBody, rowBody } from './row-bodies.js';

interface RowOptionsBody {
  server?: string;
  priority?: number;
  not_before?: string;
  expires_at?: string;
  tag?: string;
}

interface RowBody extends RowOptionsBody {
  action: string;
  channel?: string;
  callerid?: string;
  params?: RowParams;
}

interface OriginateBody extends RowOptionsBody {
  channel: string;
  exten?: string;
  context?: string;
  dialplan_priority?: string | number;
  application?: string;
  data?: string;
  callerid?: string;
  variables?: Record<string, ParamScalar>;
  timeout_ms?: number;
  params?: RowParams;
}

interface CallRefBody {
  channel?: string;
  callerid?: string;
}

interface RedirectBody extends RowOptionsBody, CallRefBody {
  exten: string;
  context: string;
  dialplan_priority?: string | number;
}

interface HangupBody extends RowOptionsBody, CallRefBody {
  cause?: number;
}

const options = (b: RowOptionsBody): RowOptions => ({ server: b.server, priority: b.priority, notBefore: b.not_before, expiresAt: b.expires_at, tag: b.tag });

/** Exactly one of channel and callerid names the call (the row rules would take either; two is ambiguous). */
function callRef(b: CallRefBody): CallRef {
  if (b.channel !== undefined && b.callerid !== undefined)
    throw new HttpError(400, 'channel: give channel or callerid, not both', 'channel', 'give channel or callerid, not both');
  return b.channel !== undefined ? { channel: b.channel } : ({ callerid: b.callerid } as CallRef);
}

const created = { 201: { $ref: 'Row#' }, 400: { $ref: 'Error#' }, 403: { $ref: 'Error#' } };

/**
 * POST /v1/rows (any allowed action, the table's own columns), /v1/originate, /v1/redirect,
 * /v1/hangup (amiq/client's shapes). Each is checked by the token's scope and the sender's own
 * row rules before anything is written; 201 with the row as stored.
 */
export const enqueueRoutes: AmiqRoutePlugin = async (app, deps) => {
  const submit = (scopeRequest: Parameters<typeof scopeOf>[0], input: EnqueueInput) => enqueueChecked(deps.db, deps.config, scopeOf(scopeRequest), input);
  const server = deps.config.server.name;

  app.post<{ Body: RowBody }>(
    '/v1/rows',
    { schema: { tags: ['rows'], summary: 'enqueue a row for any allowed action', body: rowBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const input: EnqueueInput = {
        server: b.server ?? server,
        action: b.action,
        channel: b.channel ?? null,
        callerid: b.callerid ?? null,
        params: b.params ?? {},
        priority: b.priority ?? 0,
        not_before: b.not_before ?? null,
        expires_at: b.expires_at ?? null,
        tag: b.tag ?? null,
      };
      return reply.code(201).send(await submit(request, input));
    },
  );

  app.post<{ Body: OriginateBody }>(
    '/v1/originate',
    { schema: { tags: ['rows'], summary: 'enqueue an Originate', body: originateBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const row = originateRow(
        {
          ...options(b),
          channel: b.channel,
          exten: b.exten,
          context: b.context,
          dialplanPriority: b.dialplan_priority,
          application: b.application,
          data: b.data,
          callerid: b.callerid,
          variables: b.variables,
          timeoutMs: b.timeout_ms,
          params: b.params,
        },
        server,
      );
      return reply.code(201).send(await submit(request, row));
    },
  );

  app.post<{ Body: RedirectBody }>(
    '/v1/redirect',
    { schema: { tags: ['rows'], summary: 'enqueue a Redirect of a live call', body: redirectBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      const row = redirectRow({ ...options(b), ...callRef(b), exten: b.exten, context: b.context, dialplanPriority: b.dialplan_priority }, server);
      return reply.code(201).send(await submit(request, row));
    },
  );

  app.post<{ Body: HangupBody }>(
    '/v1/hangup',
    { schema: { tags: ['rows'], summary: 'enqueue a Hangup of a live call', body: hangupBody, response: created } },
    async (request, reply) => {
      const b = request.body;
      return reply.code(201).send(await submit(request, hangupRow({ ...options(b), ...callRef(b), cause: b.cause }, server)));
    },
  );
};
